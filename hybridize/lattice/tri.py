"""Three-valued facts: every fact that static analysis may not know is a ``Tri``, never a bare
bool."""

from __future__ import annotations

import enum


class Tri(enum.Enum):
    """yes / no / maybe, ordered as a lattice ``NO, YES < MAYBE`` for joins of *knowledge*
    (the join of two different answers is "maybe"), with ``NO`` standing in as bottom for
    "may happen" facts that only grow (see ``any_of``)."""

    NO = "no"
    YES = "yes"
    MAYBE = "maybe"

    @staticmethod
    def of(value: bool | None) -> Tri:
        if value is None:
            return Tri.MAYBE
        return Tri.YES if value else Tri.NO

    def to_json(self) -> bool | None:
        if self is Tri.MAYBE:
            return None
        return self is Tri.YES

    def join(self, other: Tri) -> Tri:
        """Least upper bound in the knowledge order: agreeing answers stay, others become maybe."""
        return self if self is other else Tri.MAYBE

    def leq(self, other: Tri) -> bool:
        return self is other or other is Tri.MAYBE

    def widen(self, other: Tri) -> Tri:
        """The lattice has height one, so join is its own widening."""
        return self.join(other)

    def or_(self, other: Tri) -> Tri:
        """Kleene disjunction: "does any of these happen?"."""
        if Tri.YES in (self, other):
            return Tri.YES
        if Tri.MAYBE in (self, other):
            return Tri.MAYBE
        return Tri.NO

    def and_(self, other: Tri) -> Tri:
        """Kleene conjunction: "do all of these hold?"."""
        if Tri.NO in (self, other):
            return Tri.NO
        if Tri.MAYBE in (self, other):
            return Tri.MAYBE
        return Tri.YES

    def not_(self) -> Tri:
        if self is Tri.MAYBE:
            return Tri.MAYBE
        return Tri.NO if self is Tri.YES else Tri.YES

    def __bool__(self) -> bool:  # pragma: no cover - guard against accidental truthiness
        raise TypeError("Tri has no truth value; compare with Tri.YES / Tri.NO / Tri.MAYBE")


def any_of(values: list[Tri] | tuple[Tri, ...]) -> Tri:
    result = Tri.NO
    for value in values:
        result = result.or_(value)
    return result


def all_of(values: list[Tri] | tuple[Tri, ...]) -> Tri:
    result = Tri.YES
    for value in values:
        result = result.and_(value)
    return result
