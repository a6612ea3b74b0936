"""Source locations: where a fact, effect or unknown comes from."""

from __future__ import annotations

import attrs


@attrs.frozen(order=True)
class Location:
    """A point in a source file; ``path`` is the project-relative POSIX path, ``line`` is 1-based,
    ``col`` 0-based as in ``ast``. Rendered ``path:line:col`` (col shown 1-based, as editors do)."""

    path: str
    line: int
    col: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col + 1}"
