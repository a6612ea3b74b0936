"""Shared setup for the TensorFlow behaviour tests.

Every module in this package calls ``pytest.importorskip("tensorflow")`` itself, so the whole
package is skipped cleanly when TensorFlow is not installed. This file only quietens TensorFlow's
C++ start-up logging when this package is the first to import it.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
