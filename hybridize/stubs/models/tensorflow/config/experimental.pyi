"""Models of ``tensorflow.config.experimental``."""

from hybridize.stubs.markers import effect

@effect("eager-only-call", detail="tf.config.experimental.set_memory_growth")
def set_memory_growth(device, enable) -> None: ...
@effect("eager-only-call", detail="tf.config.experimental.get_memory_growth")
def get_memory_growth(device) -> bool: ...
@effect("eager-only-call", detail="tf.config.experimental.enable_op_determinism")
def enable_op_determinism() -> None: ...
