"""hybridize: decide, with proofs, which TensorFlow 2 functions should run as graphs."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
