"""Lattice laws, checked generically for every abstract domain (style.md item 3).

One table row per domain: its element strategy, its ⊥ and ⊤ (where it has them), whether it has a
``meet``, and the bound on how often a widening chain may change. Every law is one test,
parametrized over the rows, so a new domain is one new row.

Orders are checked on canonical forms: antisymmetry demands *equality* (not mere equivalence) of
mutually-below elements, which is what lets the fixpoint engine detect stabilisation with ``==``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hybridize.lattice.dtype import DType
from hybridize.lattice.effects import Effects
from hybridize.lattice.shape import Shape
from hybridize.lattice.tensor import TensorKind
from hybridize.lattice.tri import Tri
from hybridize.lattice.values import Value

from . import strategies as S
from .measures import widen_budget

#: An element of some domain: anything with ``leq / join / widen`` (and ``meet`` where declared).
Elem = Any

CHAIN_LENGTH = 50


@dataclass(frozen=True)
class Domain:
    name: str
    elements: st.SearchStrategy[Elem]
    bottom: Elem | None
    top: Elem | None
    has_meet: bool
    #: Upper bound on the number of strict increases of a widening chain fed ``CHAIN_LENGTH``
    #: elements, as a function of the elements fed (see ``widen_bound_doc``).
    widen_bound: Callable[[Sequence[Elem]], int]
    widen_bound_doc: str
    #: Smaller example budgets for the expensive domains keep the suite well under 20 s.
    max_examples: int = 150


def _constant(n: int) -> Callable[[Sequence[Elem]], int]:
    return lambda _: n


def _effects_universe(chain: Sequence[Elem]) -> int:
    return len(frozenset().union(*(e.items for e in chain)))


def _tensor_domain(kind: TensorKind) -> Domain:
    return Domain(
        name=f"TensorType[{kind.value}]",
        elements=S.tensor_types(kind),
        bottom=S.tensor_type_bottom(kind),
        top=S.tensor_type_top(kind),
        has_meet=False,
        widen_bound=_constant(2 + S.MAX_RANK + 2 + 1),
        widen_bound_doc="dtype height (2) + shape height + symbolic flag (1)",
        max_examples=75,  # four rows: 300 examples per law in all
    )


DOMAINS: tuple[Domain, ...] = (
    Domain(
        name="Tri",
        elements=S.tris(),
        bottom=None,  # knowledge order: NO and YES are both minimal
        top=Tri.MAYBE,
        has_meet=False,
        widen_bound=_constant(1),
        widen_bound_doc="NO | YES -> MAYBE",
        max_examples=50,  # 3 elements: exhausted long before
    ),
    Domain(
        name="DType",
        elements=S.dtypes(),
        bottom=DType.BOTTOM,
        top=DType.TOP,
        has_meet=True,
        widen_bound=_constant(2),
        widen_bound_doc="flat lattice: ⊥ -> dtype -> ⊤",
    ),
    Domain(
        name="Shape",
        elements=S.shapes(),
        bottom=Shape.BOTTOM,
        top=Shape.UNKNOWN,
        has_meet=True,
        widen_bound=_constant(S.MAX_RANK + 2),
        widen_bound_doc="⊥ -> rank r (one step per dim forgotten, r <= MAX_RANK) -> unknown rank",
    ),
    *(_tensor_domain(kind) for kind in TensorKind),
    Domain(
        name="Effects",
        elements=S.effects(),
        bottom=Effects.EMPTY,
        top=None,  # no ⊤: the set of program locations is finite
        has_meet=True,
        widen_bound=_effects_universe,
        widen_bound_doc="powerset: at most one increase per distinct effect seen",
        max_examples=100,
    ),
    Domain(
        name="Value",
        elements=S.values(),
        bottom=Value.BOTTOM,
        top=None,
        has_meet=False,
        widen_bound=widen_budget,
        widen_bound_doc="map lattice: one entry per key path, each a finite local chain",
        max_examples=100,
    ),
)


def for_all(domain: Domain, arity: int, prop: Callable[..., None]) -> None:
    """Check ``prop`` on ``arity`` independently drawn elements of ``domain``."""
    test = given(*([domain.elements] * arity))(prop)
    settings(
        max_examples=domain.max_examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )(test)()


with_domains = pytest.mark.parametrize("domain", DOMAINS, ids=[d.name for d in DOMAINS])
with_meet = pytest.mark.parametrize(
    "domain", [d for d in DOMAINS if d.has_meet], ids=[d.name for d in DOMAINS if d.has_meet]
)
with_bottom = pytest.mark.parametrize(
    "domain",
    [d for d in DOMAINS if d.bottom is not None],
    ids=[d.name for d in DOMAINS if d.bottom is not None],
)
with_top = pytest.mark.parametrize(
    "domain",
    [d for d in DOMAINS if d.top is not None],
    ids=[d.name for d in DOMAINS if d.top is not None],
)


def show(x: Elem) -> str:
    pretty = getattr(x, "pretty", None)
    return f"{pretty()} = {x!r}" if callable(pretty) else repr(x)


# -- order -----------------------------------------------------------------------------------


@with_domains
def test_leq_reflexive(domain: Domain) -> None:
    def prop(a: Elem) -> None:
        assert a.leq(a), show(a)

    for_all(domain, 1, prop)


@with_domains
def test_leq_antisymmetric(domain: Domain) -> None:
    """Mutually below means *equal*: the forms are canonical. Independent draws rarely compare,
    so the pairs ``(a, a ⊔ b)`` and ``(a ⊔ b, b ⊔ a)`` are checked as well."""

    def prop(a: Elem, b: Elem) -> None:
        ab, ba = a.join(b), b.join(a)
        for x, y in ((a, b), (a, ab), (b, ab), (ab, ba)):
            if x.leq(y) and y.leq(x):
                assert x == y, f"{show(x)}\n{show(y)}"

    for_all(domain, 2, prop)


@with_domains
def test_leq_transitive(domain: Domain) -> None:
    def prop(a: Elem, b: Elem, c: Elem) -> None:
        if a.leq(b) and b.leq(c):
            assert a.leq(c), f"{show(a)}\n{show(b)}\n{show(c)}"
        # a chain built by joins: a <= a ⊔ b <= (a ⊔ b) ⊔ c
        ab = a.join(b)
        abc = ab.join(c)
        assert a.leq(ab) and ab.leq(abc)
        assert a.leq(abc), f"{show(a)}\n{show(abc)}"

    for_all(domain, 3, prop)


@with_domains
def test_leq_is_join_order(domain: Domain) -> None:
    """``a <= b`` exactly when ``a ⊔ b == b``: the order and the join agree."""

    def prop(a: Elem, b: Elem) -> None:
        assert a.leq(b) == (a.join(b) == b), f"{show(a)}\n{show(b)}\n{show(a.join(b))}"

    for_all(domain, 2, prop)


# -- join ------------------------------------------------------------------------------------


@with_domains
def test_join_commutative(domain: Domain) -> None:
    def prop(a: Elem, b: Elem) -> None:
        assert a.join(b) == b.join(a), f"{show(a)}\n{show(b)}"

    for_all(domain, 2, prop)


@with_domains
def test_join_associative(domain: Domain) -> None:
    def prop(a: Elem, b: Elem, c: Elem) -> None:
        assert a.join(b).join(c) == a.join(b.join(c)), f"{show(a)}\n{show(b)}\n{show(c)}"

    for_all(domain, 3, prop)


@with_domains
def test_join_idempotent(domain: Domain) -> None:
    def prop(a: Elem) -> None:
        assert a.join(a) == a, show(a)

    for_all(domain, 1, prop)


@with_domains
def test_join_upper_bound(domain: Domain) -> None:
    def prop(a: Elem, b: Elem) -> None:
        j = a.join(b)
        assert a.leq(j) and b.leq(j), f"{show(a)}\n{show(b)}\n{show(j)}"

    for_all(domain, 2, prop)


@with_domains
def test_join_least(domain: Domain) -> None:
    """For every upper bound ``c`` of ``a`` and ``b``: ``a ⊔ b <= c``. Upper bounds are drawn
    independently (and kept when they are bounds) and built as ``(x ⊔ b) ⊔ a`` and
    ``(a ∇ x) ∇ b``, which reach them by other routes than ``a ⊔ b``."""

    def prop(a: Elem, b: Elem, x: Elem) -> None:
        j = a.join(b)
        for c in (x, x.join(b).join(a), a.widen(x).widen(b)):
            if a.leq(c) and b.leq(c):
                assert j.leq(c), f"{show(a)}\n{show(b)}\nc = {show(c)}\njoin = {show(j)}"

    for_all(domain, 3, prop)


@with_bottom
def test_bottom_is_join_identity_and_least(domain: Domain) -> None:
    bottom = domain.bottom
    assert bottom is not None

    def prop(a: Elem) -> None:
        assert bottom.leq(a), show(a)
        assert bottom.join(a) == a, show(a)
        assert a.join(bottom) == a, show(a)
        assert a.widen(bottom) == a, show(a)
        assert bottom.widen(a) == a, show(a)
        if a.leq(bottom):
            assert a == bottom, show(a)

    for_all(domain, 1, prop)


@with_top
def test_top_absorbs(domain: Domain) -> None:
    top = domain.top
    assert top is not None

    def prop(a: Elem) -> None:
        assert a.leq(top), show(a)
        assert top.join(a) == top, show(a)
        assert a.join(top) == top, show(a)
        assert a.widen(top) == top, show(a)
        if top.leq(a):
            assert a == top, show(a)

    for_all(domain, 1, prop)


# -- meet ------------------------------------------------------------------------------------


@with_meet
def test_meet_lower_bound_and_commutative(domain: Domain) -> None:
    def prop(a: Elem, b: Elem) -> None:
        m = a.meet(b)
        assert m.leq(a) and m.leq(b), f"{show(a)}\n{show(b)}\n{show(m)}"
        assert m == b.meet(a), f"{show(a)}\n{show(b)}"

    for_all(domain, 2, prop)


@with_meet
def test_meet_greatest_and_absorption(domain: Domain) -> None:
    def prop(a: Elem, b: Elem, c: Elem) -> None:
        m = a.meet(b)
        if c.leq(a) and c.leq(b):
            assert c.leq(m), f"{show(a)}\n{show(b)}\n{show(c)}"
        assert a.meet(a) == a, show(a)
        assert a.meet(b).meet(c) == a.meet(b.meet(c)), f"{show(a)}\n{show(b)}\n{show(c)}"
        assert a.join(m) == a, f"{show(a)}\n{show(b)}"
        assert a.meet(a.join(b)) == a, f"{show(a)}\n{show(b)}"

    for_all(domain, 3, prop)


@with_meet
def test_meet_with_bottom_and_top(domain: Domain) -> None:
    def prop(a: Elem) -> None:
        if domain.bottom is not None:
            assert a.meet(domain.bottom) == domain.bottom, show(a)
        if domain.top is not None:
            assert a.meet(domain.top) == a, show(a)

    for_all(domain, 1, prop)


# -- widening --------------------------------------------------------------------------------


@with_domains
def test_widen_upper_bound(domain: Domain) -> None:
    def prop(a: Elem, b: Elem) -> None:
        w = a.widen(b)
        assert a.leq(w) and b.leq(w), f"{show(a)}\n{show(b)}\n{show(w)}"

    for_all(domain, 2, prop)


@with_domains
def test_widen_stable_on_subsumed(domain: Domain) -> None:
    """Widening with something already below changes nothing (so a chain stops changing once
    every new element is subsumed): ``b <= a`` implies ``a ∇ b == a``."""

    def prop(a: Elem, b: Elem) -> None:
        big = a.join(b)
        for x in (a, b, big):
            assert big.widen(x) == big, f"{show(big)}\n{show(x)}"
        assert a.widen(a) == a, show(a)

    for_all(domain, 2, prop)


@with_domains
def test_widening_chain_terminates(domain: Domain) -> None:
    """``w0 = x1, w(i+1) = w(i) ∇ x(i+1)`` over 50 elements increases at most
    ``domain.widen_bound`` times, each step being an increase or no change."""

    def prop(chain: list[Elem]) -> None:
        w, changes = chain[0], 0
        for x in chain[1:]:
            nxt = w.widen(x)
            assert w.leq(nxt) and x.leq(nxt), f"{show(w)}\n{show(x)}\n{show(nxt)}"
            if nxt != w:
                changes += 1
            w = nxt
        bound = domain.widen_bound(chain)
        assert changes <= bound, f"{changes} > {bound} ({domain.widen_bound_doc})"
        # and the limit is a post-fixpoint of the whole chain
        assert all(w.widen(x) == w for x in chain)

    chains = st.lists(domain.elements, min_size=CHAIN_LENGTH, max_size=CHAIN_LENGTH)
    settings(
        max_examples=max(20, domain.max_examples // 4),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )(given(chains)(prop))()
