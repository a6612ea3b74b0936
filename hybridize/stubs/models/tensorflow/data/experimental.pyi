"""Models of ``tensorflow.data.experimental``."""

AUTOTUNE: int = -1
