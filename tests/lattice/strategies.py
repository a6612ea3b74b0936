"""Hypothesis strategies for every abstract domain of ``hybridize.lattice``.

The strategies draw from deliberately small pools (a few locations, refs, constants, dims) so that
independently drawn elements often share merge keys and collide: that is where joins, widenings
and the order do interesting work. Every element is built through the public constructors
(``DType.of``, ``Shape.of``, ``Effects.of``, ``Value.of / atom / tensor / const / container ...``)
so that the laws are checked on canonical forms, the only forms the interpreter ever sees.

Two domain invariants are respected by construction rather than tested, because the domains
document them as preconditions:

* ``TensorType.join`` assumes equal kinds (``Value`` keeps kinds apart as different atoms), so the
  ``TensorType`` laws are checked one kind at a time (``tensor_types(kind)``).
* A class ref (``ClassAtom.ref`` / ``InstanceAtom.cls``) names one class, so its ``external`` flag
  and Keras role are a function of the ref (``CLASSES``), never drawn independently.
"""

from __future__ import annotations

import math

from hypothesis import strategies as st

from hybridize.lattice.dtype import DTYPE_NAMES, DType
from hybridize.lattice.effects import EXTERNAL_TARGET, Effect, EffectKind, Effects
from hybridize.lattice.location import Location
from hybridize.lattice.shape import Dim, Shape
from hybridize.lattice.tensor import TensorKind, TensorType
from hybridize.lattice.tri import Tri
from hybridize.lattice.values import (
    MAX_CONSTANTS,
    CallableAtom,
    ClassAtom,
    Constant,
    DatasetAtom,
    InstanceAtom,
    IteratorAtom,
    KerasRole,
    ModuleAtom,
    UnknownReason,
    Value,
    join_all,
    mark_symbolic,
)

# -- pools --------------------------------------------------------------------------------------

LOCATIONS: tuple[Location, ...] = (
    Location("a.py", 1, 0),
    Location("a.py", 2, 4),
    Location("pkg/b.py", 10, 0),
)
#: Highest rank drawn for known-rank shapes (the shape widening bound depends on it).
MAX_RANK = 3
#: Allocation-site ids (``"?"`` = from outside the analysed extent).
ORIGINS: tuple[str, ...] = (EXTERNAL_TARGET, "a.py:3:1", "a.py:7:5")
#: ref -> (external, role): a ref names one class, so these are functions of it.
CLASSES: dict[str, tuple[bool, KerasRole]] = {
    "pkg.Net": (False, KerasRole.MODEL),
    "pkg.Plain": (False, KerasRole.NONE),
    "tf.keras.layers.Dense": (True, KerasRole.LAYER),
}
FUNCTIONS: tuple[str, ...] = ("pkg.f", "pkg.Net.call", "stub:tf.math.add")
MODULES: tuple[str, ...] = ("tensorflow", "numpy")
DETAILS: tuple[str, ...] = ("", "x")
PYTYPES: tuple[str, ...] = ("int", "float", "str", "bool", "none", "bytes", "complex")
CONTAINER_KINDS: tuple[str, ...] = ("list", "tuple", "dict", "set")


def locations() -> st.SearchStrategy[Location]:
    return st.sampled_from(LOCATIONS)


def origin_sets() -> st.SearchStrategy[frozenset[str]]:
    return st.frozensets(st.sampled_from(ORIGINS), min_size=1)


# -- tri, dtype, shape, tensor -----------------------------------------------------------------


def tris() -> st.SearchStrategy[Tri]:
    return st.sampled_from(Tri)


def dtype_names() -> st.SearchStrategy[str]:
    """Spellings ``DType.of`` accepts: bare, ``tf.``-qualified, aliases, and unknown names."""
    bare = st.sampled_from(DTYPE_NAMES)
    return st.one_of(
        bare,
        bare.map(lambda n: f"tf.{n}"),
        bare.map(lambda n: f"tf.dtypes.{n}"),
        st.sampled_from(("half", "float", "double", "int", "str", "tf.double", "no_such_dtype")),
    )


def dtypes() -> st.SearchStrategy[DType]:
    return st.one_of(
        st.just(DType.BOTTOM),
        st.just(DType.TOP),
        st.none().map(DType.of),
        dtype_names().map(DType.of),
    )


def dims() -> st.SearchStrategy[Dim]:
    # negative dims are normalised to unknown by ``Shape.of``
    return st.one_of(st.none(), st.integers(min_value=-1, max_value=3))


def shapes(max_rank: int = MAX_RANK) -> st.SearchStrategy[Shape]:
    return st.one_of(
        st.just(Shape.BOTTOM),
        st.just(Shape.UNKNOWN),
        st.none().map(Shape.of),
        st.integers(min_value=0, max_value=max_rank).map(Shape.of_rank),
        st.lists(dims(), max_size=max_rank).map(Shape.of),
    )


def tensor_kinds() -> st.SearchStrategy[TensorKind]:
    return st.sampled_from(TensorKind)


def tensor_types(kind: TensorKind | None = None) -> st.SearchStrategy[TensorType]:
    """Tensor types of ``kind`` (any kind when ``None``)."""
    kinds = tensor_kinds() if kind is None else st.just(kind)
    return st.builds(TensorType, kinds, dtypes(), shapes(), st.booleans(), st.booleans())


def tensor_type_bottom(kind: TensorKind) -> TensorType:
    return TensorType(kind, DType.BOTTOM, Shape.BOTTOM)


def tensor_type_top(kind: TensorKind) -> TensorType:
    return TensorType(kind, DType.TOP, Shape.UNKNOWN, symbolic=True, varying=True)


# -- effects ------------------------------------------------------------------------------------


def effect_items() -> st.SearchStrategy[Effect]:
    return st.builds(
        Effect,
        kind=st.sampled_from(EffectKind),
        location=locations(),
        detail=st.sampled_from(DETAILS),
        via=st.none() | locations(),
        targets=st.frozensets(st.sampled_from(ORIGINS), max_size=2),
    )


def effects(max_size: int = 4) -> st.SearchStrategy[Effects]:
    return st.lists(effect_items(), max_size=max_size).map(Effects.of)


# -- values -------------------------------------------------------------------------------------


def constants_of(pytype: str) -> st.SearchStrategy[Constant]:
    """Small pools of Python constants of one type (with the float and complex oddities)."""
    pools: dict[str, st.SearchStrategy[Constant]] = {
        "int": st.integers(min_value=-2, max_value=6),
        "float": st.one_of(
            st.sampled_from((0.0, -0.0, 0.5, -1.5, math.inf, math.nan)),
            st.floats(allow_nan=True, allow_infinity=True),
        ),
        "str": st.text(alphabet="ab", max_size=2),
        "bool": st.booleans(),
        "none": st.none(),
        "bytes": st.binary(max_size=1),
        "complex": st.sampled_from((0j, 1 + 2j, complex(0, math.inf))),
    }
    return pools[pytype]


def constants() -> st.SearchStrategy[Constant]:
    return st.sampled_from(PYTYPES).flatmap(constants_of)


def const_values() -> st.SearchStrategy[Value]:
    """Python scalars: single constants, bounded sets (some past ``MAX_CONSTANTS``), any-of."""
    singles = constants().map(Value.const)
    sets = (
        st.sampled_from(PYTYPES)
        .flatmap(lambda t: st.lists(constants_of(t), min_size=1, max_size=MAX_CONSTANTS + 3))
        .map(lambda cs: join_all(Value.const(c) for c in cs))
    )
    unbounded = st.sampled_from(PYTYPES).map(Value.any_of)
    return st.one_of(singles, sets, unbounded)


def tensor_values() -> st.SearchStrategy[Value]:
    dtype_args: st.SearchStrategy[str | DType | None] = st.one_of(
        st.none(), dtype_names(), dtypes()
    )
    tensors = st.builds(Value.tensor, dtype_args, st.none() | shapes(), tensor_kinds())
    symbolic = tensors.map(mark_symbolic)  # Keras symbolic tensors
    arrays = st.builds(Value.ndarray, dtype_args, st.none() | shapes())
    return st.one_of(tensors, symbolic, arrays)


def unknown_values() -> st.SearchStrategy[Value]:
    return st.builds(
        Value.unknown,
        st.sampled_from(UnknownReason),
        st.none() | locations(),
        st.sampled_from(DETAILS),
    )


def _class_value(ref: str) -> Value:
    external, role = CLASSES[ref]
    return Value.atom(ClassAtom(ref, external, role))


def _instance_value(cls: str, origins: frozenset[str]) -> Value:
    external, role = CLASSES[cls]
    return Value.atom(InstanceAtom(cls, external, role, origins))


def object_values() -> st.SearchStrategy[Value]:
    """Classes, instances, modules and unbound callables."""
    refs = st.sampled_from(sorted(CLASSES))
    return st.one_of(
        refs.map(_class_value),
        st.builds(_instance_value, refs, origin_sets()),
        st.sampled_from(MODULES).map(lambda name: Value.atom(ModuleAtom(name))),
        st.sampled_from(FUNCTIONS).map(lambda ref: Value.atom(CallableAtom(ref))),
    )


def leaf_values() -> st.SearchStrategy[Value]:
    return st.one_of(
        st.just(Value.BOTTOM),
        st.just(Value.NONE),
        const_values(),
        tensor_values(),
        unknown_values(),
        object_values(),
    )


@st.composite
def _containers(draw: st.DrawFn, children: st.SearchStrategy[Value]) -> Value:
    kind = draw(st.sampled_from(CONTAINER_KINDS))
    origin = draw(st.sampled_from(ORIGINS))
    if draw(st.booleans()):  # length (and, for dicts, keys) unknown: only the element is known
        return Value.container(kind, None, element=draw(children), origin=origin)
    items = draw(st.lists(children, max_size=3))
    if kind != "dict":
        return Value.container(kind, items, origin=origin)
    keys = draw(
        st.lists(
            st.one_of(constants_of("str"), constants_of("int")),
            min_size=len(items),
            max_size=len(items),
            unique=True,
        )
    )
    return Value.container("dict", items, origin=origin, keys=tuple(keys))


def _extend(children: st.SearchStrategy[Value]) -> st.SearchStrategy[Value]:
    return st.one_of(
        _containers(children),
        _containers(children),  # twice: containers are the most common nesting
        st.builds(
            lambda v, n: Value.atom(DatasetAtom(v, n)),
            children,
            st.one_of(st.none(), st.integers(0, 5)),
        ),
        st.builds(lambda v, o: Value.atom(IteratorAtom(v, o)), children, origin_sets()),
        st.builds(
            lambda ref, v: Value.atom(CallableAtom(ref, v)), st.sampled_from(FUNCTIONS), children
        ),
        st.lists(children, min_size=2, max_size=3).map(join_all),  # unions
        st.lists(children, max_size=3).map(lambda vs: Value.of(a for v in vs for a in v.atoms)),
    )


def values(max_leaves: int = 6) -> st.SearchStrategy[Value]:
    """Every atom type, nested through containers, datasets, iterators and bound methods."""
    return st.recursive(leaf_values(), _extend, max_leaves=max_leaves)
