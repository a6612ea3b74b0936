"""Generated inputs for signature-driven verification.

When no entry program calls a function, it can still be run on inputs built from what the analysis
knows about its parameters: the inferred ``input_signature`` (``FunctionFacts.signature.specs``),
or, per parameter, a dense tensor of one known dtype and rank, or a Python constant from a known,
finite set. Inputs are drawn with hypothesis (deterministically: ``derandomize``), in this process,
and handed to the child as JSON: small tensors as their values, large ones as a seed the child
fills them from, so the draw stays cheap. Every unknown dim of one example takes the same drawn
size (1..8): dims left unknown are mostly batch dims, which must agree between the arguments.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable, Sequence
from typing import Any

import attrs

from hybridize.lattice.tensor import TensorKind, TensorType
from hybridize.lattice.values import ConstAtom, TensorAtom
from hybridize.transfer.facts import FunctionFacts, ParameterFacts
from hybridize.transfer.signature import LeafSpec, NestedSpec, Spec

EXAMPLES = 10
MAX_LISTED = 64  # tensors with more elements are filled by the child from a drawn seed
FLOATS = {"float16": 16, "bfloat16": 32, "float32": 32, "float64": 64}
INTEGERS = frozenset({"int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"})


@attrs.frozen
class TensorInput:
    dtype: str
    dims: tuple[int | None, ...]


@attrs.frozen
class NestedInput:
    kind: str  # list | tuple
    items: tuple[Input, ...]


@attrs.frozen
class ConstantInput:
    values: tuple[Any, ...]


Input = TensorInput | NestedInput | ConstantInput


class NoInputs(Exception):
    """Why inputs cannot be generated (the message ends up in ``not-verifiable: ...``)."""


def plan_inputs(facts: FunctionFacts) -> list[Input]:
    """One input description per positional parameter to pass; raises NoInputs."""
    if "." in facts.qualname:
        raise NoInputs(
            f"{facts.qualname} is not a module-level function (no instance to call it on)"
        )
    signature = facts.signature
    if signature.complete and signature.specs is not None:
        try:
            return [_from_spec(spec) for spec in signature.specs]
        except NoInputs:
            pass
    problems: list[str] = []
    inputs: list[Input] = []
    for parameter in facts.parameters:
        try:
            inputs.append(_from_parameter(parameter))
        except NoInputs as problem:
            problems.append(f"{parameter.name}={problem}")
    if problems:
        raise NoInputs(f"its inputs are not all tensors: {', '.join(problems)}")
    return inputs


def _from_spec(spec: Spec) -> Input:
    if isinstance(spec, NestedSpec):
        return NestedInput(spec.kind, tuple(_from_spec(item) for item in spec.items))
    assert isinstance(spec, LeafSpec)
    if spec.kind is not TensorKind.DENSE:
        raise NoInputs(f"a {spec.kind.value} tensor")
    return _tensor(spec.dtype, spec.shape.dims)


def _tensor(dtype: str | None, dims: Sequence[int | None] | None) -> TensorInput:
    if dtype is None:
        raise NoInputs("a tensor of unknown dtype")
    if dtype not in FLOATS and dtype not in INTEGERS and dtype != "bool":
        raise NoInputs(f"a {dtype} tensor")
    if dims is None:
        raise NoInputs(f"a {dtype} tensor of unknown rank")
    return TensorInput(dtype, tuple(dims))


def _from_parameter(parameter: ParameterFacts) -> Input:
    value = parameter.value
    if value.has_unknown or not value.atoms:
        raise NoInputs("unknown")
    atoms = value.known_atoms()
    if all(isinstance(atom, TensorAtom) for atom in atoms):
        tensors: list[TensorType] = [atom.type for atom in atoms if isinstance(atom, TensorAtom)]
        joined = tensors[0]
        for other in tensors[1:]:
            if other.kind is not joined.kind:
                raise NoInputs("tensors of several kinds")
            joined = joined.join(other)
        if joined.kind not in (TensorKind.DENSE, TensorKind.VARIABLE):
            raise NoInputs(f"a {joined.kind.value} tensor")
        return _tensor(joined.dtype.known, joined.shape.dims)
    if all(isinstance(atom, ConstAtom) for atom in atoms):
        constants: list[Any] = []
        for atom in atoms:
            assert isinstance(atom, ConstAtom)
            if atom.values is None:
                raise NoInputs(f"any {atom.pytype}")
            constants.extend(sorted(atom.values, key=repr))
        if not all(_plain(c) for c in constants):
            raise NoInputs(value.type_name())
        return ConstantInput(tuple(constants))
    raise NoInputs(value.type_name())


def _plain(value: Any) -> bool:
    if isinstance(value, float) and not math.isfinite(value):
        return False
    return value is None or isinstance(value, (bool, int, float, str))


# --- drawing -----------------------------------------------------------------------------


def draw(inputs: Sequence[Input], count: int = EXAMPLES) -> tuple[list[list[dict[str, Any]]], str]:
    """``count`` examples (fewer when the input space is smaller), each one JSON-able argument
    record per input, and how they were drawn."""
    try:
        from hypothesis import HealthCheck, Phase, given, settings
        from hypothesis import strategies as st
    except ImportError:
        return _draw_randomly(inputs, count), "drawn at random (hypothesis is not installed)"
    examples: list[list[dict[str, Any]]] = []
    seen: set[str] = set()

    strategy = st.integers(1, 8).flatmap(
        lambda size: st.tuples(*[_strategy(st, item, size) for item in inputs])
    )

    @settings(
        max_examples=count,
        database=None,
        derandomize=True,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        deadline=None,
    )
    @given(strategy)
    def collect(arguments: tuple[dict[str, Any], ...]) -> None:
        key = json.dumps(arguments, sort_keys=True)
        if key not in seen and len(examples) < count:
            seen.add(key)
            examples.append(list(arguments))

    collect()
    return examples, "generated by hypothesis"


def _strategy(st: Any, item: Input, size: int) -> Any:
    if isinstance(item, ConstantInput):
        return st.sampled_from(item.values).map(lambda v: {"t": "py", "v": v})
    if isinstance(item, NestedInput):
        parts = [_strategy(st, inner, size) for inner in item.items]
        return st.tuples(*parts).map(lambda xs: {"t": item.kind, "items": list(xs)})
    shape = [size if d is None else d for d in item.dims]
    elements = math.prod(shape)
    base = {"t": "tensor", "dtype": item.dtype, "shape": shape}
    if elements > MAX_LISTED:
        return st.integers(0, 2**32 - 1).map(lambda seed: {**base, "seed": seed})
    element = _element(st, item.dtype)
    return st.lists(element, min_size=elements, max_size=elements).map(
        lambda values: {**base, "values": values}
    )


def _element(st: Any, dtype: str) -> Any:
    if dtype in FLOATS:
        return st.floats(-10, 10, allow_nan=False, allow_infinity=False, width=FLOATS[dtype])
    if dtype == "bool":
        return st.booleans()
    return st.integers(0, 9)


def _draw_randomly(inputs: Sequence[Input], count: int) -> list[list[dict[str, Any]]]:
    """Without hypothesis: the same kind of inputs from a seeded ``random.Random``."""
    generator = random.Random(0)
    examples = []
    for _ in range(count):
        size = generator.randint(1, 8)
        examples.append([_random(generator, item, size) for item in inputs])
    return examples


def _random(generator: random.Random, item: Input, size: int) -> dict[str, Any]:
    if isinstance(item, ConstantInput):
        return {"t": "py", "v": generator.choice(item.values)}
    if isinstance(item, NestedInput):
        return {"t": item.kind, "items": [_random(generator, i, size) for i in item.items]}
    shape = [size if d is None else d for d in item.dims]
    elements = math.prod(shape)
    base: dict[str, Any] = {"t": "tensor", "dtype": item.dtype, "shape": shape}
    if elements > MAX_LISTED:
        return {**base, "seed": generator.randrange(2**32)}
    make: Callable[[], Any]
    if item.dtype in FLOATS:
        make = lambda: round(generator.uniform(-10, 10), 3)  # noqa: E731
    elif item.dtype == "bool":
        make = lambda: generator.random() < 0.5  # noqa: E731
    else:
        make = lambda: generator.randint(0, 9)  # noqa: E731
    return {**base, "values": [make() for _ in range(elements)]}
