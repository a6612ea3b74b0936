"""Effects: a powerset of (kind, location) records.

An effect records *what* a function may do that tracing would not repeat (``EffectKind``), *where*
(the location of the statement in the function that causes it, or of the call through which a
callee's effect arrives), and *on what* (``targets``: the allocation sites of the mutated objects,
so that a caller that created the object itself can drop the effect as invisible from outside).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import ClassVar

import attrs

from hybridize.lattice.location import Location


class EffectKind(enum.Enum):
    GLOBAL_WRITE = "global-write"
    NONLOCAL_WRITE = "nonlocal-write"
    ARGUMENT_MUTATION = "argument-mutation"
    ATTRIBUTE_WRITE = "attribute-write"
    PYTHON_IO = "python-io"
    PYTHON_RNG = "python-rng"
    ITERATOR_ADVANCE = "iterator-advance"
    VARIABLE_CREATION = "variable-creation"
    EAGER_ONLY_CALL = "eager-only-call"
    UNKNOWN_CALL = "unknown-call"

    @property
    def is_python_side_effect(self) -> bool:
        """Effects that tracing runs once instead of on every call (hazard
        ``python-side-effects``)."""
        return self not in _NOT_SIDE_EFFECTS


_NOT_SIDE_EFFECTS = frozenset(
    {EffectKind.VARIABLE_CREATION, EffectKind.EAGER_ONLY_CALL, EffectKind.UNKNOWN_CALL}
)

#: Target marker for objects that may come from outside the analysed extent (parameters, globals).
EXTERNAL_TARGET = "?"


@attrs.frozen(slots=True, order=True)
class Effect:
    """One effect. ``via`` is the call site in the reporting function when the effect happens in a
    callee; ``targets`` are allocation-site ids of the objects written (empty for I/O and the
    like)."""

    kind: EffectKind = attrs.field(order=lambda k: k.value)
    location: Location
    detail: str = ""
    via: Location | None = attrs.field(default=None, order=lambda v: (v is not None, v))
    targets: frozenset[str] = attrs.field(default=frozenset(), order=sorted)

    def sort_key(self) -> tuple[object, ...]:
        """The same order as ``<`` on effects, as a plain tuple (much faster to sort by)."""
        via = (False,) if self.via is None else (True, self.via.path, self.via.line, self.via.col)
        location = self.location
        return (
            self.kind.value,
            location.path,
            location.line,
            location.col,
            self.detail,
            via,
            sorted(self.targets),
        )

    def through(self, call_site: Location) -> Effect:
        """The same effect as seen by a caller at ``call_site`` (the first hop is kept)."""
        return self if self.via is not None else attrs.evolve(self, via=call_site)


@attrs.frozen(slots=True)
class Effects:
    """A finite set of effects; ⊥ is the empty set, join is union (no ⊤ is needed: the set of
    program locations is finite). ``widen`` is join."""

    items: frozenset[Effect] = frozenset()

    EMPTY: ClassVar[Effects]

    @staticmethod
    def of(effects: Iterable[Effect]) -> Effects:
        return Effects(frozenset(effects))

    def leq(self, other: Effects) -> bool:
        return self.items <= other.items

    def join(self, other: Effects) -> Effects:
        if not other.items or other.items <= self.items:
            return self
        if not self.items:
            return other
        return Effects(self.items | other.items)

    def meet(self, other: Effects) -> Effects:
        return Effects(self.items & other.items)

    def widen(self, other: Effects) -> Effects:
        return self.join(other)

    def add(self, effect: Effect) -> Effects:
        return self if effect in self.items else Effects(self.items | {effect})

    def kinds(self) -> frozenset[EffectKind]:
        return frozenset(e.kind for e in self.items)

    def of_kind(self, kind: EffectKind) -> list[Effect]:
        return sorted((e for e in self.items if e.kind == kind), key=Effect.sort_key)

    def sorted(self) -> list[Effect]:
        return sorted(self.items, key=Effect.sort_key)

    def __len__(self) -> int:
        return len(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)


Effects.EMPTY = Effects()
