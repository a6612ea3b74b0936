"""Models of ``keras.callbacks``: configuration objects handed to ``fit``."""

class Callback:
    def __init__(self) -> None: ...

class History(Callback):
    history: dict

class EarlyStopping(Callback):
    def __init__(self, monitor="val_loss", min_delta=0, patience=0, verbose=0, mode="auto", baseline=None, restore_best_weights=False, start_from_epoch=0) -> None: ...

class ModelCheckpoint(Callback):
    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False, save_weights_only=False, mode="auto", save_freq="epoch", initial_value_threshold=None) -> None: ...

class TensorBoard(Callback):
    def __init__(self, log_dir="logs", histogram_freq=0, write_graph=True, write_images=False, write_steps_per_second=False, update_freq="epoch", profile_batch=0, embeddings_freq=0, embeddings_metadata=None) -> None: ...

class LearningRateScheduler(Callback):
    def __init__(self, schedule, verbose=0) -> None: ...

class ReduceLROnPlateau(Callback):
    def __init__(self, monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto", min_delta=0.0001, cooldown=0, min_lr=0.0, **kwargs) -> None: ...

class CSVLogger(Callback):
    def __init__(self, filename, separator=",", append=False) -> None: ...
