"""The shape domain: ⊥ | a known rank with a tuple of dims (each an int or unknown) | unknown rank
(⊤).

Dims are ``int | None`` (``None`` = unknown); joins are pointwise, and shapes of different ranks
join to unknown rank. The lattice has finite height for a fixed rank, so join is its own widening.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

import attrs

Dim = int | None


def dim_join(a: Dim, b: Dim) -> Dim:
    return a if a == b else None


def dim_leq(a: Dim, b: Dim) -> bool:
    return b is None or a == b


@attrs.frozen(slots=True)
class Shape:
    """``dims`` is ``None`` for unknown rank; ``bottom`` marks the empty shape (no value)."""

    dims: tuple[Dim, ...] | None
    bottom: bool = False

    BOTTOM: ClassVar[Shape]
    UNKNOWN: ClassVar[Shape]
    SCALAR: ClassVar[Shape]

    @staticmethod
    def of(dims: Iterable[Dim] | None) -> Shape:
        if dims is None:
            return Shape.UNKNOWN
        return Shape(tuple(d if d is None or d >= 0 else None for d in dims))

    @staticmethod
    def of_rank(rank: int) -> Shape:
        return Shape((None,) * rank)

    @property
    def rank(self) -> int | None:
        return None if self.dims is None else len(self.dims)

    @property
    def is_top(self) -> bool:
        return self.dims is None and not self.bottom

    @property
    def fully_known(self) -> bool:
        return self.dims is not None and all(d is not None for d in self.dims)

    def leq(self, other: Shape) -> bool:
        if self.bottom or other.is_top:
            return True
        if other.bottom or self.dims is None or other.dims is None:
            return False
        if len(self.dims) != len(other.dims):
            return False
        return all(dim_leq(a, b) for a, b in zip(self.dims, other.dims, strict=True))

    def join(self, other: Shape) -> Shape:
        if self.bottom:
            return other
        if other.bottom:
            return self
        if self.dims is None or other.dims is None or len(self.dims) != len(other.dims):
            return Shape.UNKNOWN
        if self.dims == other.dims:
            return self
        return Shape(tuple(dim_join(a, b) for a, b in zip(self.dims, other.dims, strict=True)))

    def meet(self, other: Shape) -> Shape:
        if self.bottom or other.bottom:
            return Shape.BOTTOM
        if self.dims is None:
            return other
        if other.dims is None:
            return self
        if len(self.dims) != len(other.dims):
            return Shape.BOTTOM
        dims: list[Dim] = []
        for a, b in zip(self.dims, other.dims, strict=True):
            if a is None:
                dims.append(b)
            elif b is None or a == b:
                dims.append(a)
            else:
                return Shape.BOTTOM
        return Shape(tuple(dims))

    def widen(self, other: Shape) -> Shape:
        return self.join(other)

    def pretty(self) -> str:
        if self.bottom:
            return "⊥"
        if self.dims is None:
            return "?"
        inner = ", ".join("?" if d is None else str(d) for d in self.dims)
        return f"({inner},)" if len(self.dims) == 1 else f"({inner})"  # rank 1 as TF: (3,)

    def to_json(self) -> list[int | None] | None:
        return None if self.dims is None else list(self.dims)


Shape.BOTTOM = Shape(None, bottom=True)
Shape.UNKNOWN = Shape(None)
Shape.SCALAR = Shape(())
