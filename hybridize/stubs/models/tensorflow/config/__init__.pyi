"""Models of ``tensorflow.config``: runtime configuration, meaningful only eagerly."""

from hybridize.stubs.markers import effect, returns

@effect("eager-only-call", detail="tf.config.list_physical_devices")
@returns("list:instance:tensorflow.config.PhysicalDevice")
def list_physical_devices(device_type=None) -> list: ...
@effect("eager-only-call", detail="tf.config.list_logical_devices")
@returns("list:unknown")
def list_logical_devices(device_type=None) -> list: ...
@effect("eager-only-call", detail="tf.config.set_visible_devices")
def set_visible_devices(devices, device_type=None) -> None: ...
@effect("eager-only-call", detail="tf.config.get_visible_devices")
@returns("list:instance:tensorflow.config.PhysicalDevice")
def get_visible_devices(device_type=None) -> list: ...
@effect("eager-only-call", detail="tf.config.set_logical_device_configuration")
def set_logical_device_configuration(device, logical_devices) -> None: ...
@effect("eager-only-call", detail="tf.config.run_functions_eagerly")
def run_functions_eagerly(run_eagerly) -> None: ...
@effect("eager-only-call", detail="tf.config.functions_run_eagerly")
def functions_run_eagerly() -> bool: ...
@effect("eager-only-call", detail="tf.config.set_soft_device_placement")
def set_soft_device_placement(enabled) -> None: ...

class PhysicalDevice:
    name: str
    device_type: str
