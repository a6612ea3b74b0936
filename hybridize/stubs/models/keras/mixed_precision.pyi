"""Models of ``keras.mixed_precision``."""

from hybridize.stubs.markers import effect

@effect("python-io", detail="keras.mixed_precision.set_global_policy changes Keras global state")
def set_global_policy(policy) -> None: ...

class Policy:
    def __init__(self, name=None) -> None: ...
    compute_dtype: str
    variable_dtype: str
