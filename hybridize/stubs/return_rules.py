"""Return rules: what kind of value a call produces (see ``syntax.RETURN_RULES``).

Each function receives the ``Evaluation`` of the call and the parsed ``Rule``; wrappers receive
the value of their nested rule. Python-level special cases (``range``, ``min``, ``dict.get``,
``tf.unstack``, ``tf.map_fn``, ...) live here too: they are the "code second" half of "stubs
first, code second" — what a declarative model cannot say.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Final

from hybridize.lattice.dtype import DType
from hybridize.lattice.shape import Dim, Shape
from hybridize.lattice.tensor import TensorKind
from hybridize.lattice.values import (
    MAX_ITEMS,
    Atom,
    CallableAtom,
    ClassAtom,
    Constant,
    ConstAtom,
    ContainerAtom,
    DatasetAtom,
    InstanceAtom,
    IteratorAtom,
    NDArrayAtom,
    TensorAtom,
    UnknownAtom,
    UnknownReason,
    Value,
    join_all,
)
from hybridize.stubs import promotion, shapes
from hybridize.stubs.operators import binary_op, class_of_atom, iterate, length, subscript, unary_op
from hybridize.stubs.structures import (
    batch_leaf,
    dense_like,
    known_items,
    leaves,
    map_leaves,
    numpy_leaf,
    sequence_items,
    slice_leaf,
    structured,
    tensor_shape_tuple,
    to_tensor_leaf,
    to_tensors,
    unbatch_leaf,
)
from hybridize.stubs.syntax import Rule, literal

if TYPE_CHECKING:
    from hybridize.stubs.evaluation import Evaluation, ReturnFunction, WrapperFunction


def _w_list(kind: str) -> WrapperFunction:
    def wrap(evaluation: Evaluation, inner: Value) -> Value:
        return evaluation.container(kind, None, inner)

    return wrap


def _w_iterator(evaluation: Evaluation, inner: Value) -> Value:
    return Value.atom(IteratorAtom(inner, frozenset({evaluation.origin})))


def _w_dataset(evaluation: Evaluation, inner: Value) -> Value:
    return Value.atom(DatasetAtom(inner))


def _w_sliced_dataset(evaluation: Evaluation, inner: Value) -> Value:
    """``Dataset.from_tensor_slices(inner)``: one element per row, so the size is the leading
    dim that every leaf shares (when known)."""
    sizes = {_leading_dim(atom) for atom in leaves(inner).atoms}
    size = sizes.pop() if len(sizes) == 1 else None
    element = structured(inner, slice_leaf, evaluation.origin)
    return Value.atom(DatasetAtom(element, size))


def _leading_dim(atom: Atom) -> int | None:
    shape = atom.type.shape if isinstance(atom, TensorAtom) else None
    if isinstance(atom, NDArrayAtom):
        shape = atom.shape
    if shape is None or not shape.dims:
        return None
    return shape.dims[0]


def _w_dataset_of_self(evaluation: Evaluation, inner: Value) -> Value:
    """A dataset with as many elements as the receiver (``map``)."""
    receiver = evaluation.param("self")
    source = receiver.only(DatasetAtom) if receiver is not None else None
    return Value.atom(DatasetAtom(inner, source.size if source is not None else None))


def _w_element(evaluation: Evaluation, inner: Value) -> Value:
    return iterate(inner)


def _w_item(evaluation: Evaluation, inner: Value) -> Value:
    results: list[Value] = []
    for atom in inner.atoms:
        if isinstance(atom, ContainerAtom):
            results.append(atom.element)
        else:
            results.append(iterate(Value.atom(atom)))
    return join_all(results)


def _w_numpy(evaluation: Evaluation, inner: Value) -> Value:
    return map_leaves(inner, numpy_leaf, evaluation.origin)


def _w_tensors(evaluation: Evaluation, inner: Value) -> Value:
    return to_tensors(inner, evaluation.origin, lists_are_structure=True)


def _w_data_tensors(evaluation: Evaluation, inner: Value) -> Value:
    return to_tensors(inner, evaluation.origin, lists_are_structure=False)


def _w_structure(evaluation: Evaluation, inner: Value) -> Value:
    return map_leaves(inner, dense_like, evaluation.origin)


def _w_leaves(evaluation: Evaluation, inner: Value) -> Value:
    return leaves(inner)


def _w_slices(evaluation: Evaluation, inner: Value) -> Value:
    return structured(inner, slice_leaf, evaluation.origin)


def _w_unbatch(evaluation: Evaluation, inner: Value) -> Value:
    return structured(iterate(inner), unbatch_leaf, evaluation.origin)


def _w_iter(evaluation: Evaluation, inner: Value) -> Value:
    results: list[Value] = []
    for atom in inner.atoms:
        if isinstance(atom, IteratorAtom):
            results.append(Value.atom(atom))
        elif isinstance(atom, UnknownAtom):
            results.append(Value.atom(atom))
        else:
            element = iterate(Value.atom(atom))
            results.append(Value.atom(IteratorAtom(element, frozenset({evaluation.origin}))))
    return join_all(results)


def _w_shape_of(evaluation: Evaluation, inner: Value) -> Value:
    if not inner.tensors() and not inner.of_type(NDArrayAtom):
        if inner.has_unknown:
            return inner
    return tensor_shape_tuple(shapes.shape_of(inner), evaluation.origin)


def _w_dtype_of(evaluation: Evaluation, inner: Value) -> Value:
    results: list[Value] = []
    for atom in inner.atoms:
        if isinstance(atom, UnknownAtom):
            results.append(Value.atom(atom))
            continue
        dtype = promotion.strong_dtype(Value.atom(atom))
        name = dtype.known
        results.append(
            Value.atom(ConstAtom("dtype", None if name is None else frozenset({name})))
        )
    return join_all(results)


def _w_rank_of(evaluation: Evaluation, inner: Value) -> Value:
    rank = shapes.shape_of(inner).rank
    return Value.any_of("int") if rank is None else Value.const(rank)


def _w_len(evaluation: Evaluation, inner: Value) -> Value:
    return length(inner)


def _w_keys(evaluation: Evaluation, inner: Value) -> Value:
    atom = inner.only(ContainerAtom)
    if atom is not None and atom.keys is not None:
        return evaluation.container("list", [Value.const(k) for k in atom.keys])
    return evaluation.container("list", None, iterate(inner))


def _w_values(evaluation: Evaluation, inner: Value) -> Value:
    atom = inner.only(ContainerAtom)
    if atom is not None and atom.items is not None:
        return evaluation.container("list", atom.items, atom.element)
    return evaluation.container("list", None, _w_item(evaluation, inner))


def _w_pairs(evaluation: Evaluation, inner: Value) -> Value:
    atom = inner.only(ContainerAtom)
    if atom is not None and atom.keys is not None and atom.items is not None:
        pairs = [
            Value.container("tuple", [Value.const(k), v], origin=evaluation.origin)
            for k, v in zip(atom.keys, atom.items, strict=True)
        ]
        return evaluation.container("list", pairs)
    pair = Value.container(
        "tuple", [iterate(inner), _w_item(evaluation, inner)], origin=evaluation.origin
    )
    return evaluation.container("list", None, pair)


def _w_to(kind: str) -> WrapperFunction:
    def convert(evaluation: Evaluation, inner: Value) -> Value:
        items = None if kind == "set" else sequence_items(inner)
        return evaluation.container(kind, items, iterate(inner))

    return convert


def _w_type_of(evaluation: Evaluation, inner: Value) -> Value:
    results: list[Value] = []
    for atom in inner.atoms:
        if isinstance(atom, UnknownAtom):
            results.append(Value.atom(atom))
        elif isinstance(atom, InstanceAtom):
            results.append(Value.atom(ClassAtom(atom.cls, atom.external, atom.role)))
        else:
            classes = class_of_atom(atom)
            if classes:
                results.append(Value.atom(ClassAtom(classes[0], True)))
            else:
                results.append(
                    Value.unknown(UnknownReason.DYNAMIC_FEATURE, None, f"type of {atom.type_name}")
                )
    return join_all(results)


WRAPPER_FUNCTIONS: Final[dict[str, WrapperFunction]] = {
    "list": _w_list("list"),
    "tuple": _w_list("tuple"),
    "set": _w_list("set"),
    "dict": _w_list("dict"),
    "iterator": _w_iterator,
    "dataset": _w_dataset,
    "sliced-dataset": _w_sliced_dataset,
    "dataset-of-self": _w_dataset_of_self,
    "element": _w_element,
    "item": _w_item,
    "numpy": _w_numpy,
    "tensors": _w_tensors,
    "data-tensors": _w_data_tensors,
    "structure": _w_structure,
    "leaves": _w_leaves,
    "slices": _w_slices,
    "unbatch": _w_unbatch,
    "iter": _w_iter,
    "shape-of": _w_shape_of,
    "dtype-of": _w_dtype_of,
    "rank-of": _w_rank_of,
    "len": _w_len,
    "keys": _w_keys,
    "values": _w_values,
    "pairs": _w_pairs,
    "to-list": _w_to("list"),
    "to-tuple": _w_to("tuple"),
    "to-set": _w_to("set"),
    "type-of": _w_type_of,
}


def _r_join(evaluation: Evaluation, rule: Rule, dtype: str | None, shape: str | None) -> Value:
    return join_all(evaluation.value(inner, dtype, shape) for inner in rule.inner)


def _r_tuple_of(evaluation: Evaluation, rule: Rule, dtype: str | None, shape: str | None
                ) -> Value:
    items = [evaluation.value(inner, dtype, shape) for inner in rule.inner]
    return evaluation.container("tuple", items, keys=rule.params or None)


def _r_like(evaluation: Evaluation, rule: Rule, dtype: str | None, shape: str | None) -> Value:
    kinds: set[TensorKind] = set()
    for value in evaluation.params_values(rule.params):
        for tensor in value.tensors():
            kinds.add(TensorKind.DENSE if tensor.kind is TensorKind.VARIABLE else tensor.kind)
    if TensorKind.RAGGED in kinds:
        kinds = {TensorKind.RAGGED}
    if not kinds:
        kinds = {TensorKind.DENSE}
    computed_dtype, computed_shape = evaluation.dtype(dtype), evaluation.shape(shape)
    return join_all(Value.tensor(computed_dtype, computed_shape, kind) for kind in kinds)


def _r_dtype(evaluation: Evaluation, rule: Rule, dtype: str | None, shape: str | None) -> Value:
    name = evaluation.dtype(dtype).known
    return Value.atom(ConstAtom("dtype", None if name is None else frozenset({name})))


def _r_unknown(evaluation: Evaluation, rule: Rule, dtype: str | None, shape: str | None
               ) -> Value:
    return evaluation.unknown_result()


def _r_dynamic(evaluation: Evaluation, rule: Rule, dtype: str | None, shape: str | None
               ) -> Value:
    return Value.unknown(
        UnknownReason.DYNAMIC_FEATURE, evaluation.bound.location, evaluation.model.qualname
    )


def _r_never(evaluation: Evaluation, rule: Rule, dtype: str | None, shape: str | None) -> Value:
    return Value.BOTTOM


def _r_self(evaluation: Evaluation, rule: Rule, dtype: str | None, shape: str | None) -> Value:
    receiver = evaluation.bound.receiver
    return evaluation.unknown_result() if receiver is None else receiver


def _r_arg(evaluation: Evaluation, rule: Rule, dtype: str | None, shape: str | None) -> Value:
    return join_all(evaluation.params_values(rule.params[:1]))


def _r_call(evaluation: Evaluation, rule: Rule, dtype: str | None, shape: str | None) -> Value:
    return join_all(evaluation.called(p) for p in rule.params)


def _r_const(evaluation: Evaluation, rule: Rule, dtype: str | None, shape: str | None) -> Value:
    return Value.const(literal(rule.params[0]))


def _r_instance(evaluation: Evaluation, rule: Rule, dtype: str | None, shape: str | None
                ) -> Value:
    qualname = rule.params[0] if rule.params else evaluation.model.owner
    if qualname is None:
        return evaluation.unknown_result()
    return evaluation.instance(qualname)


def _r_class(evaluation: Evaluation, rule: Rule, dtype: str | None, shape: str | None) -> Value:
    return Value.atom(ClassAtom(rule.params[0], True))


def _r_callable(evaluation: Evaluation, rule: Rule, dtype: str | None, shape: str | None
                ) -> Value:
    return Value.atom(CallableAtom(f"stub:{rule.params[0]}"))


def _r_batch(evaluation: Evaluation, rule: Rule, dtype: str | None, shape: str | None) -> Value:
    dataset, size, drop = (evaluation.param(p) for p in (*rule.params, "", "")[:3])
    if dataset is None:
        return evaluation.unknown_result()
    dim: Dim = None
    dropped = shapes.const_bool(drop)
    batch = shapes.const_int(size)
    source = dataset.only(DatasetAtom)
    count = source.size if source is not None else None
    if dropped is True:
        dim = batch
    elif batch is not None and count is not None and count % batch == 0:
        dim = batch
    # without drop_remainder the last batch is smaller, unless the size is known to divide
    varying = (drop is None or dropped is False) and dim is None
    return structured(iterate(dataset), batch_leaf(dim, varying), evaluation.origin)


def _r_zip(evaluation: Evaluation, rule: Rule, dtype: str | None, shape: str | None) -> Value:
    for name in rule.params:
        value = evaluation.param(name)
        if value is None or value == Value.NONE:
            continue
        items = known_items(value)
        if items is not None and len(items) == 1 and value.only(ContainerAtom) is not None:
            nested = items[0]
            if nested.only(ContainerAtom) is not None:
                value = nested
        atom = value.only(ContainerAtom)
        if atom is None or atom.items is None:
            if atom is not None and atom.kind in ("tuple", "list") and atom.items == ():
                continue
            return evaluation.unknown_result()
        if not atom.items:
            continue
        elements = [iterate(item) for item in atom.items]
        kind = "dict" if atom.kind == "dict" else "tuple"
        return evaluation.container(kind, elements, keys=atom.keys)
    return evaluation.unknown_result()


def _r_to_dict(evaluation: Evaluation, rule: Rule, dtype: str | None, shape: str | None
               ) -> Value:
    source, keywords = (evaluation.param(p) for p in (*rule.params, "")[:2])
    keys: list[Constant] = []
    items: list[Value] = []
    precise = True
    element = Value.BOTTOM
    if source is not None and source != Value.NONE:
        atom = source.only(ContainerAtom)
        if atom is not None and atom.kind == "dict" and atom.keys is not None and atom.items:
            keys.extend(atom.keys)
            items.extend(atom.items)
        else:
            precise = False
            pair = iterate(source)
            pair_items = known_items(pair)
            element = element.join(pair_items[1] if pair_items and len(pair_items) == 2 else
                                   Value.unknown(UnknownReason.DYNAMIC_FEATURE, None, "dict()"))
    if keywords is not None:
        atom = keywords.only(ContainerAtom)
        if atom is not None and atom.keys is not None and atom.items is not None:
            for key, item in zip(atom.keys, atom.items, strict=True):
                if key in keys:
                    items[keys.index(key)] = item
                else:
                    keys.append(key)
                    items.append(item)
        else:
            precise = False
            element = element.join(_w_item(evaluation, keywords))
    if precise:
        return evaluation.container("dict", items, keys=tuple(keys))
    return evaluation.container("dict", None, element.join(join_all(items)))


def _fold_convert(target: str, value: Value) -> Value:
    results: list[Value] = []
    for atom in value.atoms:
        if isinstance(atom, UnknownAtom) or isinstance(atom, (TensorAtom, NDArrayAtom)):
            results.append(Value.any_of(target))
            continue
        if isinstance(atom, ConstAtom) and atom.values is not None and len(atom.values) <= 8:
            converter: Callable[[object], object] = {
                "int": int, "float": float, "bool": bool, "str": str, "complex": complex,
            }[target]
            folded: list[Value] = []
            for constant in atom.values:
                try:
                    result = converter(constant)
                except (TypeError, ValueError, OverflowError):
                    continue
                if isinstance(result, str) and len(result) > 200:
                    folded = [Value.any_of(target)]
                    break
                folded.append(Value.const(result))  # type: ignore[arg-type]
            results.append(join_all(folded) if folded else Value.any_of(target))
            continue
        results.append(Value.any_of(target))
    return join_all(results) if results else Value.any_of(target)


_EMPTY_CONVERSIONS: Final[dict[str, Constant]] = {
    "int": 0, "float": 0.0, "bool": False, "str": "", "complex": 0j,
}


def _r_convert(evaluation: Evaluation, rule: Rule, dtype: str | None, shape: str | None
               ) -> Value:
    target, name = rule.params[0], rule.params[1]
    value = evaluation.param(name)
    if value is None:
        return Value.const(_EMPTY_CONVERSIONS[target])
    if target == "bool":
        return unary_op("not", unary_op("not", value))
    return _fold_convert(target, value)


def _r_range(evaluation: Evaluation, rule: Rule, dtype: str | None, shape: str | None) -> Value:
    first, stop, step = (evaluation.param(p) for p in (*rule.params, "", "", "")[:3])
    if stop is None or stop == Value.NONE:
        first, stop = Value.const(0), first
    if step is None or step == Value.NONE:
        step = Value.const(1)
    bounds = [shapes.const_int(v) for v in (first, stop, step)]
    if all(b is not None for b in bounds) and bounds[2] != 0:
        values = range(*(b for b in bounds if b is not None))
        if len(values) <= MAX_ITEMS:
            items = [Value.const(i) for i in values]
            return evaluation.container("range", items)
    return evaluation.container("range", None, Value.any_of("int"))


def _r_enumerate(evaluation: Evaluation, rule: Rule, dtype: str | None, shape: str | None
                 ) -> Value:
    iterable, start = (evaluation.param(p) for p in (*rule.params, "")[:2])
    if iterable is None:
        return evaluation.unknown_result()
    element = iterate(iterable)
    begin = 0 if start is None else shapes.const_int(start)
    items = sequence_items(iterable)
    index = Value.any_of("int")
    if begin is not None and items is not None and len(items) <= 8:
        index = join_all(Value.const(begin + i) for i in range(len(items))) if items else index
    pair = Value.container("tuple", [index, element], origin=evaluation.origin)
    return Value.atom(IteratorAtom(pair, frozenset({evaluation.origin})))


def _r_zip_iter(evaluation: Evaluation, rule: Rule, dtype: str | None, shape: str | None
                ) -> Value:
    iterables = evaluation.param(rule.params[0])
    items = None if iterables is None else known_items(iterables)
    if items is None:
        element = Value.container(
            "tuple", None, Value.unknown(UnknownReason.STAR_ARGS, None, "zip"), evaluation.origin
        )
    else:
        element = Value.container("tuple", [iterate(i) for i in items], origin=evaluation.origin)
    return Value.atom(IteratorAtom(element, frozenset({evaluation.origin})))


def _r_min_max(which: str) -> ReturnFunction:
    def rule_function(evaluation: Evaluation, rule: Rule, dtype: str | None, shape: str | None
                      ) -> Value:
        args, default = (evaluation.param(p) for p in (*rule.params, "")[:2])
        if args is None:
            return evaluation.unknown_result()
        items = known_items(args)
        if items is None:
            return iterate(args).join(iterate(iterate(args)))
        candidates = list(items)
        if len(items) == 1:
            inner = known_items(items[0])
            if inner is None:
                result = iterate(items[0])
                return result if default is None else result.join(default)
            candidates = list(inner)
        constants = [c.constant() for c in candidates]
        if candidates and all(
            known and isinstance(c, (int, float)) for known, c in constants
        ):
            numbers = [c for _, c in constants if isinstance(c, (int, float))]
            return Value.const(min(numbers) if which == "min" else max(numbers))
        return join_all(candidates)

    return rule_function


def _r_sum(evaluation: Evaluation, rule: Rule, dtype: str | None, shape: str | None) -> Value:
    iterable, start = (evaluation.param(p) for p in (*rule.params, "")[:2])
    total = Value.const(0) if start is None else start
    if iterable is None:
        return total
    items = known_items(iterable)
    if items is not None and len(items) <= MAX_ITEMS:
        for item in items:
            total = binary_op("+", total, item)
        return total
    return total.join(binary_op("+", total, iterate(iterable)))


def _r_binary(evaluation: Evaluation, rule: Rule, dtype: str | None, shape: str | None) -> Value:
    op, left_name, right_name = rule.params
    left, right = evaluation.param(left_name), evaluation.param(right_name)
    if left is None or right is None:
        return evaluation.unknown_result()
    return binary_op(op, left, right, evaluation.origin)


def _r_unary(evaluation: Evaluation, rule: Rule, dtype: str | None, shape: str | None) -> Value:
    op, name = rule.params
    value = evaluation.param(name)
    return evaluation.unknown_result() if value is None else unary_op(op, value)


def _r_subscript(evaluation: Evaluation, rule: Rule, dtype: str | None, shape: str | None
                 ) -> Value:
    container, key = (evaluation.param(p) for p in rule.params[:2])
    if container is None or key is None:
        return evaluation.unknown_result()
    return subscript(container, key)


def _r_get(evaluation: Evaluation, rule: Rule, dtype: str | None, shape: str | None) -> Value:
    container, key, default = (evaluation.param(p) for p in (*rule.params, "", "")[:3])
    if container is None:
        return evaluation.unknown_result()
    fallback = Value.NONE if default is None else default
    results: list[Value] = []
    for atom in container.atoms:
        if isinstance(atom, ContainerAtom) and atom.kind == "dict":
            constant = key.only(ConstAtom) if key is not None else None
            if (
                atom.keys is not None
                and atom.items is not None
                and constant is not None
                and constant.values is not None
                and all(k in atom.keys for k in constant.values)
            ):
                results.extend(atom.items[atom.keys.index(k)] for k in constant.values)
            elif atom.keys is not None and constant is not None and constant.values is not None \
                    and not any(k in atom.keys for k in constant.values):
                results.append(fallback)
            else:
                results.extend((atom.element, fallback))
        elif isinstance(atom, ContainerAtom) and atom.kind == "list" and key is not None:
            results.append(subscript(Value.atom(atom), key))
        elif isinstance(atom, ContainerAtom):
            results.append(atom.element)
        elif isinstance(atom, UnknownAtom):
            results.append(Value.atom(atom))
        else:
            results.append(evaluation.unknown_result())
    return join_all(results)


def _element_tensor(evaluation: Evaluation, value: Value, shape: Shape) -> Value:
    dtype = promotion.strong_dtype(value)
    kinds = {t.kind for t in value.tensors()}
    kind = TensorKind.RAGGED if kinds == {TensorKind.RAGGED} else TensorKind.DENSE
    return Value.tensor(dtype, shape, kind)


def _r_unstack(evaluation: Evaluation, rule: Rule, dtype: str | None, shape: str | None
               ) -> Value:
    value, num, axis_value = (evaluation.param(p) for p in (*rule.params, "", "")[:3])
    if value is None:
        return evaluation.unknown_result()
    full = shapes.shape_of(value)
    axis = 0 if axis_value is None else shapes.const_int(axis_value)
    count = shapes.const_int(num)
    item_shape = Shape.UNKNOWN
    if full.dims is not None and axis is not None:
        index = shapes.normalize_axis(axis, len(full.dims))
        if index is not None:
            item_shape = Shape(full.dims[:index] + full.dims[index + 1 :])
            if count is None:
                count = full.dims[index]
    element = _element_tensor(evaluation, value, item_shape)
    if count is not None and count <= MAX_ITEMS:
        return evaluation.container("list", [element] * count, element)
    return evaluation.container("list", None, element)


def _r_split(evaluation: Evaluation, rule: Rule, dtype: str | None, shape: str | None) -> Value:
    value, splits, axis_value = (evaluation.param(p) for p in (*rule.params, "", "")[:3])
    if value is None or splits is None:
        return evaluation.unknown_result()
    full = shapes.shape_of(value)
    axis = 0 if axis_value is None else shapes.const_int(axis_value)
    index = None
    if full.dims is not None and axis is not None:
        index = shapes.normalize_axis(axis, len(full.dims))

    def piece(dim: Dim) -> Value:
        if full.dims is None or index is None:
            return _element_tensor(evaluation, value, Shape.UNKNOWN)
        dims = list(full.dims)
        dims[index] = dim
        return _element_tensor(evaluation, value, Shape(tuple(dims)))

    count = shapes.const_int(splits)
    if count is not None and count > 0:
        size: Dim = None
        if full.dims is not None and index is not None and full.dims[index] is not None:
            total = full.dims[index]
            size = total // count if total is not None and total % count == 0 else None
        item = piece(size)
        if count <= MAX_ITEMS:
            return evaluation.container("list", [item] * count, item)
        return evaluation.container("list", None, item)
    sizes = shapes.int_items_raw(splits)
    if sizes is not None and value.only(TensorAtom) is not None and splits.only(TensorAtom) is None:
        pieces = [piece(s if s is not None and s >= 0 else None) for s in sizes]
        return evaluation.container("list", pieces)
    return evaluation.container("list", None, piece(None))


def _r_map_fn(evaluation: Evaluation, rule: Rule, dtype: str | None, shape: str | None) -> Value:
    function_name, elems_name = rule.params[:2]
    result = evaluation.called(function_name)
    elems = evaluation.param(elems_name)
    dim: Dim = None
    if elems is not None:
        first = leaves(elems)
        leading = shapes.shape_of(first)
        if leading.dims:
            dim = leading.dims[0]
    signature = evaluation.param("fn_output_signature")
    override = signature is not None and signature != Value.NONE

    def leaf(atom: Atom) -> Value:
        if isinstance(atom, UnknownAtom):
            return Value.atom(atom)
        converted = to_tensor_leaf(atom)
        out: list[Value] = []
        for inner in converted.atoms:
            if isinstance(inner, TensorAtom):
                ttype = inner.type
                new_dtype = DType.TOP if override else ttype.dtype
                out.append(
                    Value.tensor(new_dtype, shapes.prepend(ttype.shape, dim), ttype.kind)
                )
            else:
                out.append(Value.atom(inner))
        return join_all(out)

    if result.is_bottom:
        return evaluation.unknown_result()
    return map_leaves(result, leaf, evaluation.origin)


def _r_round(evaluation: Evaluation, rule: Rule, dtype: str | None, shape: str | None) -> Value:
    number, digits = (evaluation.param(p) for p in (*rule.params, "")[:2])
    if number is None:
        return evaluation.unknown_result()
    ndigits = None if digits is None or digits == Value.NONE else shapes.const_int(digits)
    has_digits = digits is not None and digits != Value.NONE
    results: list[Value] = []
    for atom in number.atoms:
        if isinstance(atom, (TensorAtom, NDArrayAtom, UnknownAtom)):
            results.append(Value.atom(atom))  # Tensor.__round__ / ndarray.__round__
        elif (
            isinstance(atom, ConstAtom)
            and atom.pytype in ("int", "float", "bool")
            and atom.values is not None
            and (ndigits is not None or not has_digits)
        ):
            results.extend(
                Value.const(round(v, ndigits))
                for v in atom.values
                if isinstance(v, (int, float))
            )
        elif isinstance(atom, ConstAtom) and atom.pytype == "int":
            results.append(Value.any_of("int"))
        else:
            results.append(Value.any_of("float" if has_digits else "int"))
    return join_all(results)


RETURN_FUNCTIONS: Final[dict[str, ReturnFunction]] = {
    "round": _r_round,
    "join": _r_join,
    "tuple-of": _r_tuple_of,
    "like": _r_like,
    "dtype": _r_dtype,
    "unknown": _r_unknown,
    "dynamic": _r_dynamic,
    "never": _r_never,
    "self": _r_self,
    "arg": _r_arg,
    "call": _r_call,
    "const": _r_const,
    "instance": _r_instance,
    "class": _r_class,
    "callable": _r_callable,
    "batch": _r_batch,
    "zip": _r_zip,
    "to-dict": _r_to_dict,
    "convert": _r_convert,
    "range": _r_range,
    "enumerate": _r_enumerate,
    "zip-iter": _r_zip_iter,
    "min": _r_min_max("min"),
    "max": _r_min_max("max"),
    "sum": _r_sum,
    "binary": _r_binary,
    "unary": _r_unary,
    "subscript": _r_subscript,
    "get": _r_get,
    "unstack": _r_unstack,
    "split": _r_split,
    "map-fn": _r_map_fn,
}

