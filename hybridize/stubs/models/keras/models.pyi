"""Models of ``keras.models``."""

from hybridize.stubs.markers import effect, returns

from keras import Model as Model, Sequential as Sequential

@effect("python-io", detail="keras.models.load_model")
@returns("instance:keras.Model")
def load_model(filepath, custom_objects=None, compile=True, safe_mode=True) -> object: ...
@returns("instance:keras.Model")
def clone_model(model, input_tensors=None, clone_function=None, call_function=None, recursive=False, **kwargs) -> object: ...
