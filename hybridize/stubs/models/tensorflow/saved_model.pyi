"""Models of ``tensorflow.saved_model``."""

from hybridize.stubs.markers import effect, returns

@effect("python-io", detail="tf.saved_model.save")
def save(obj, export_dir, signatures=None, options=None) -> None: ...
@effect("python-io", detail="tf.saved_model.load")
@returns("unknown")
def load(export_dir, tags=None, options=None) -> object: ...
