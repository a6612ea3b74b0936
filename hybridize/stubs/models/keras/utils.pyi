"""Models of ``keras.utils``."""

from hybridize.stubs.markers import effect, returns

@returns("ndarray", dtype="float32", shape="append:x,num_classes")
def to_categorical(x, num_classes=None) -> ndarray: ...
@effect("python-rng", detail="keras.utils.set_random_seed")
def set_random_seed(seed) -> None: ...
@effect("python-io", detail="keras.utils.plot_model")
def plot_model(model, to_file="model.png", show_shapes=False, show_dtype=False, show_layer_names=False, rankdir="TB", expand_nested=False, dpi=200, show_layer_activations=False, show_trainable=False, **kwargs) -> None: ...
