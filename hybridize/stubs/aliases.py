"""Canonical names for the many spellings of the TensorFlow and Keras APIs.

The same object is reachable as ``tf.keras.Model``, ``tensorflow.compat.v2.keras.Model``,
``tf_keras.Model`` and ``keras.Model``. Library models and decisions are keyed by *one* qualified
name, so every name that leaves the project model is passed through :func:`canonical` first.
Internal implementation paths (``tensorflow.python.ops.math_ops``) are deliberately left alone:
they are separate modules, not aliases.
"""

from __future__ import annotations

from typing import Final

ALIASES: Final[dict[str, str]] = {
    "tensorflow.compat.v2": "tensorflow",
    "tensorflow.compat.v1": "tensorflow",
    "tensorflow.keras": "keras",
    "tensorflow.compat.v2.keras": "keras",
    "tensorflow.compat.v1.keras": "keras",
    "tensorflow.python.keras": "keras",
    "tensorflow._api.v2.keras": "keras",
    "tf_keras": "keras",
    "keras.api": "keras",
    "keras.api._v2.keras": "keras",
    "keras._tf_keras.keras": "keras",
}
"""Alias prefix -> canonical prefix. Matched on whole dotted components, longest prefix first."""

_LONGEST_ALIAS: Final[int] = max(alias.count(".") + 1 for alias in ALIASES)


def canonical(name: str) -> str:
    """Return the canonical spelling of the dotted ``name``.

    The longest alias prefix made of whole components is replaced (``tensorflowx`` is not
    ``tensorflow``), and the rewrite is repeated until nothing changes so that the result is
    itself canonical (``canonical(canonical(n)) == canonical(n)``). Every rewrite shortens the
    name, so the loop terminates.
    """
    while True:
        parts = name.split(".")
        for length in range(min(len(parts), _LONGEST_ALIAS), 0, -1):
            replacement = ALIASES.get(".".join(parts[:length]))
            if replacement is not None:
                name = ".".join([replacement, *parts[length:]])
                break
        else:
            return name
