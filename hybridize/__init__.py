"""hybridize: decide, with proofs, which TensorFlow 2 functions should run as graphs."""

from __future__ import annotations

__version__ = "0.1.0"

from hybridize.api import Config, Result, UserError, analyze

__all__ = ["Config", "Result", "UserError", "__version__", "analyze"]
