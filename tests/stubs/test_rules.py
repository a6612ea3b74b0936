"""What the models say about effects, callbacks, Keras, datasets and Python builtins."""

from __future__ import annotations

import pytest

from hybridize.lattice.effects import EffectKind
from hybridize.lattice.shape import Shape
from hybridize.lattice.tensor import TensorKind
from hybridize.lattice.values import (
    CallableAtom,
    ConstAtom,
    ContainerAtom,
    DatasetAtom,
    InstanceAtom,
    IteratorAtom,
    KerasRole,
    UnknownAtom,
    UnknownReason,
    Value,
    join_all,
)
from hybridize.stubs import rules
from hybridize.stubs.loader import load_models
from hybridize.stubs.model import FunctionModel

from .support import HERE, array, call, literal, model_of, tensor

E = EffectKind


def _effects(qualname: str, *args: object, receiver: Value | None = None,
             **kwargs: object) -> set[EffectKind]:
    model = model_of(qualname)
    bound = rules.bind(model, [literal(a) for a in args],
                       {k: literal(v) for k, v in kwargs.items()}, HERE, receiver)
    return {kind for kind, _ in rules.call_effects(model, bound)}


def _method(class_qualname: str, name: str) -> FunctionModel:
    model = load_models().method(class_qualname, name)
    assert model is not None, f"{class_qualname}.{name}"
    return model


def _call_method(class_qualname: str, name: str, receiver: Value, *args: object,
                 **kwargs: object) -> tuple[Value, set[EffectKind], tuple[tuple[str, Value], ...]]:
    model = _method(class_qualname, name)
    bound = rules.bind(model, [literal(a) for a in args],
                       {k: literal(v) for k, v in kwargs.items()}, HERE, receiver)
    effects = {kind for kind, _ in rules.call_effects(model, bound)}
    return rules.evaluate(model, bound, rules.no_invoke), effects, rules.mutated_arguments(
        model, bound)


class Recorder:
    """An ``Invoke`` that records the calls and answers with a fixed value."""

    def __init__(self, answer: Value) -> None:
        self.answer = answer
        self.calls: list[tuple[Value, list[Value]]] = []

    def __call__(self, callee: Value, args: list[Value]) -> Value:
        self.calls.append((callee, args))
        return self.answer


FUNCTION = Value.atom(CallableAtom("pkg/mod.py::fn"))
OTHER = Value.atom(CallableAtom("pkg/mod.py::other"))


# -- effects -----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("qualname", "args", "expected"),
    [
        ("builtins.print", ("x",), {E.PYTHON_IO}),
        ("tensorflow.print", ("x",), set()),
        ("logging.info", ("x",), {E.PYTHON_IO}),
        ("time.time", (), {E.PYTHON_IO}),
        ("time.sleep", (1,), {E.PYTHON_IO}),
        ("random.random", (), {E.PYTHON_RNG}),
        ("numpy.random.rand", (2,), {E.PYTHON_RNG}),
        ("numpy.random.default_rng", (0,), set()),
        ("tensorflow.random.normal", ([2],), set()),
        ("tensorflow.Variable", (1.0,), {E.VARIABLE_CREATION}),
        ("tensorflow.executing_eagerly", (), {E.EAGER_ONLY_CALL}),
        ("tensorflow.config.list_physical_devices", ("GPU",), {E.EAGER_ONLY_CALL}),
        ("tensorflow.config.experimental.set_memory_growth", (None, True), {E.EAGER_ONLY_CALL}),
        ("tensorflow.saved_model.save", (None, "dir"), {E.PYTHON_IO}),
        ("tensorflow.io.gfile.exists", ("f",), {E.PYTHON_IO}),
        ("tensorflow.io.read_file", ("f",), set()),
        ("tensorflow.summary.scalar", ("loss", 1.0), set()),
        ("tensorflow.debugging.assert_equal", (1, 1), set()),
        ("os.path.join", ("a", "b"), set()),
        ("os.makedirs", ("a",), {E.PYTHON_IO}),
        ("json.dumps", ({},), set()),
        ("json.dump", ({}, None), {E.PYTHON_IO}),
        ("pickle.dump", ({}, None), {E.PYTHON_IO}),
        ("builtins.open", ("f",), {E.PYTHON_IO}),
        ("builtins.input", (), {E.PYTHON_IO}),
        ("builtins.eval", ("1",), {E.UNKNOWN_CALL}),
    ],
)
def test_effects(qualname: str, args: tuple[object, ...], expected: set[EffectKind]) -> None:
    assert _effects(qualname, *args) == expected


@pytest.mark.parametrize(
    ("qualname", "argument", "eager_only"),
    [
        ("builtins.int", tensor("int32"), True),
        ("builtins.int", literal("3"), False),
        ("builtins.float", tensor("float32"), True),
        ("builtins.bool", tensor("bool"), True),
        ("builtins.str", tensor("string"), True),
        ("builtins.int", array("int64"), False),
        ("math.sqrt", tensor("float32"), True),
        ("math.sqrt", literal(2.0), False),
        ("builtins.len", tensor("float32", None, 3), True),
        ("builtins.len", tensor("float32", 4, 3), False),
        ("builtins.len", Value.tensor("float32"), True),
        ("builtins.len", literal([1, 2]), False),
    ],
)
def test_conditional_eager_only_effects(qualname: str, argument: Value, eager_only: bool) -> None:
    assert (E.EAGER_ONLY_CALL in _effects(qualname, argument)) is eager_only


def test_effect_details_for_proofs() -> None:
    model = model_of("time.perf_counter")
    details = rules.call_effects(model, rules.bind(model, [], {}, HERE))
    assert details == ((E.PYTHON_IO, "clock"),)


def test_tensor_methods() -> None:
    x = tensor("float32", 2, 3)
    value, effects, _ = _call_method("tensorflow.Tensor", "numpy", x)
    assert value == array("float32", 2, 3) and effects == {E.EAGER_ONLY_CALL}
    variable = Value.tensor("float32", Shape((3,)), TensorKind.VARIABLE)
    value, effects, mutated = _call_method("tensorflow.Variable", "assign_add", variable, 1.0)
    assert value == tensor("float32", 3) and effects == set() and mutated == ()
    assert _method("tensorflow.Variable", "assign").is_op


def test_attributes() -> None:
    models = load_models()
    x = tensor("float32", None, 3)
    shape = models.property("tensorflow.Tensor", "shape")
    dtype = models.property("tensorflow.Variable", "dtype")
    assert shape is not None and dtype is not None
    result = rules.evaluate(shape, rules.bind(shape, [], {}, HERE, x), rules.no_invoke)
    atom = result.only(ContainerAtom)
    assert atom is not None and atom.kind == "tuple"
    assert atom.items == (Value.any_of("int"), literal(3))
    result = rules.evaluate(dtype, rules.bind(dtype, [], {}, HERE, x), rules.no_invoke)
    assert result == Value.atom(ConstAtom("dtype", frozenset({"float32"})))
    ndim = models.property("numpy.ndarray", "ndim")
    assert ndim is not None
    assert rules.evaluate(ndim, rules.bind(ndim, [], {}, HERE, array("int8", 2, 2)),
                          rules.no_invoke) == literal(2)


def test_attribute_values_from_rules() -> None:
    models = load_models()
    x = tensor("float32", 2, 3)
    for cls, name, expected in [
        ("tensorflow.Tensor", "T", tensor("float32", 3, 2)),
        ("tensorflow.Tensor", "ndim", literal(2)),
        ("numpy.ndarray", "T", array("float32", 3, 2)),
        ("keras.optimizers.Adam", "learning_rate", Value.tensor("float32", Shape.SCALAR,
                                                                TensorKind.VARIABLE)),
    ]:
        rule = models.class_attribute(cls, name)
        assert rule is not None, name
        receiver = array("float32", 2, 3) if cls.startswith("numpy") else x
        assert rules.attribute_value(rule, receiver, HERE) == expected, (cls, name, rule)


def test_shape_as_list_through_tensorshape() -> None:
    shape = load_models().property("tensorflow.Tensor", "shape")
    assert shape is not None
    dims = rules.evaluate(shape, rules.bind(shape, [], {}, HERE, tensor("float32", 4, 5)),
                          rules.no_invoke)
    value, _, _ = _call_method("tensorflow.TensorShape", "as_list", dims)
    assert value == Value.container("list", [literal(4), literal(5)], origin=str(HERE))


# -- mutation ----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("class_qualname", "name", "args", "mutated"),
    [
        ("builtins.list", "append", (1,), ("self",)),
        ("builtins.list", "sort", (), ("self",)),
        ("builtins.dict", "update", ({},), ("self",)),
        ("builtins.dict", "__setitem__", ("k", 1), ("self",)),
        ("builtins.dict", "get", ("k",), ()),
        ("builtins.set", "add", (1,), ("self",)),
        ("keras.Model", "compile", (), ("self",)),
        ("keras.metrics.Mean", "update_state", (1.0,), ()),
        ("keras.optimizers.Adam", "apply_gradients", ([],), ()),
    ],
)
def test_mutation(class_qualname: str, name: str, args: tuple[object, ...],
                  mutated: tuple[str, ...]) -> None:
    receiver = literal([]) if class_qualname.startswith("builtins") else Value.atom(
        InstanceAtom(class_qualname, True))
    _, _, found = _call_method(class_qualname, name, receiver, *args)
    assert tuple(name for name, _ in found) == mutated


@pytest.mark.parametrize(
    ("qualname", "args", "mutated", "effects"),
    [
        ("random.shuffle", ([1, 2],), ("x",), {E.PYTHON_RNG}),
        ("numpy.random.shuffle", (array("float64", 3),), ("x",), {E.PYTHON_RNG}),
        ("builtins.setattr", (None, "a", 1), ("obj",), set()),
        ("builtins.next", (call("builtins.iter", [1]),), ("iterator",), {E.ITERATOR_ADVANCE}),
    ],
)
def test_function_mutation(qualname: str, args: tuple[object, ...], mutated: tuple[str, ...],
                           effects: set[EffectKind]) -> None:
    model = model_of(qualname)
    bound = rules.bind(model, [literal(a) for a in args], {}, HERE)
    assert tuple(n for n, _ in rules.mutated_arguments(model, bound)) == mutated
    assert {k for k, _ in rules.call_effects(model, bound)} == effects


# -- callbacks ---------------------------------------------------------------------------------

def test_dataset_map_calls_the_function_with_the_unpacked_element() -> None:
    dataset = call("tensorflow.data.Dataset.from_tensor_slices",
                   (tensor("float32", 8, 3), tensor("int32", 8)))
    recorder = Recorder(tensor("float32", 3))
    result = call("tensorflow.data.Dataset.map", FUNCTION, receiver=dataset, invoke=recorder)
    assert recorder.calls == [(FUNCTION, [tensor("float32", 3), tensor("int32")])]
    assert result == Value.atom(DatasetAtom(tensor("float32", 3)))
    call_spec = model_of("tensorflow.data.Dataset.map").calls
    assert call_spec[0].repeated


def test_filter_is_called_even_though_its_result_is_unused() -> None:
    dataset = call("tensorflow.data.Dataset.range", 10)
    recorder = Recorder(tensor("bool"))
    result = call("tensorflow.data.Dataset.filter", FUNCTION, receiver=dataset, invoke=recorder)
    assert len(recorder.calls) == 1
    assert result == dataset


def test_cond_joins_both_branches() -> None:
    recorder = Recorder(tensor("float32"))
    result = call("tensorflow.cond", tensor("bool"), FUNCTION, OTHER, invoke=recorder)
    assert [c for c, _ in recorder.calls] == [FUNCTION, OTHER]
    assert all(args == [] for _, args in recorder.calls)
    assert result == tensor("float32")


def test_while_loop_unpacks_the_loop_variables() -> None:
    recorder = Recorder(literal((1, 2.0)))
    loop_vars = literal((0, tensor("float32", 2)))
    result = call("tensorflow.while_loop", FUNCTION, OTHER, loop_vars, invoke=recorder)
    assert [args for _, args in recorder.calls] == [[literal(0), tensor("float32", 2)]] * 2
    atom = result.only(ContainerAtom)
    assert atom is not None and atom.items == (tensor("int32"), tensor("float32", 2))


def test_while_loop_keeps_list_structure() -> None:
    recorder = Recorder(literal([1, 2.0]))
    result = call("tensorflow.while_loop", FUNCTION, OTHER, [0, 1.5], invoke=recorder)
    atom = result.only(ContainerAtom)
    assert atom is not None and atom.kind == "list"
    assert atom.items == (tensor("int32"), tensor("float32"))


def test_keras_construction_keywords_reach_the_rules() -> None:
    """``Dense(4, dtype="float64")`` passes ``dtype`` through ``**kwargs``."""
    from .support import construct_and_call

    result = construct_and_call("keras.layers.Dense", (4,), {"dtype": "float64"},
                                [tensor("float64", 2, 3)])
    assert result == tensor("float64", 2, 4)
    inherited = construct_and_call("keras.layers.Dense", (4,), {}, [tensor("float32", 2, 3)],
                                   method="add_weight")
    assert inherited.tensors()[0].kind is TensorKind.VARIABLE


def test_map_fn_adds_the_leading_dimension() -> None:
    recorder = Recorder(tensor("float32", 3))
    result = call("tensorflow.map_fn", FUNCTION, tensor("float32", 5, 7), invoke=recorder)
    assert recorder.calls == [(FUNCTION, [tensor("float32", 7)])]
    assert result == tensor("float32", 5, 3)


def test_case_finds_callables_inside_pairs() -> None:
    recorder = Recorder(literal(1))
    pairs = literal([(tensor("bool"), FUNCTION), (tensor("bool"), OTHER)])
    call("tensorflow.case", pairs, invoke=recorder)
    assert {c for c, _ in recorder.calls} == {FUNCTION, OTHER}


def test_builtin_map_and_sorted() -> None:
    recorder = Recorder(literal("s"))
    result = call("builtins.map", FUNCTION, [1, 2], invoke=recorder)
    assert recorder.calls == [(FUNCTION, [literal(1).join(literal(2))])]
    assert result.only(IteratorAtom) == IteratorAtom(literal("s"), frozenset({str(HERE)}))
    sorted_list = call("builtins.sorted", [3, 1], key=FUNCTION, invoke=recorder)
    atom = sorted_list.only(ContainerAtom)
    assert atom is not None and atom.kind == "list" and atom.element == literal(3).join(literal(1))


def test_keras_lambda_calls_its_function() -> None:
    recorder = Recorder(tensor("float32", 2))
    model = _method("keras.layers.Lambda", "__call__")
    bound = rules.bind(model, [tensor("float32", 2)], {}, HERE,
                       Value.atom(InstanceAtom("keras.layers.Lambda", True)),
                       init_arguments={"function": FUNCTION})
    assert rules.evaluate(model, bound, recorder) == tensor("float32", 2)
    assert recorder.calls == [(FUNCTION, [tensor("float32", 2)])]


# -- Keras and TF classes ------------------------------------------------------------------------

def test_keras_roles_and_flags() -> None:
    dense = call("keras.layers.Dense", 10)
    atom = dense.only(InstanceAtom)
    assert atom is not None and atom.role is KerasRole.LAYER and atom.external
    assert atom.origins == frozenset({str(HERE)})
    assert model_of("keras.Input").symbolic
    assert _method("keras.layers.Dense", "__call__").propagates_symbolic
    assert _method("keras.Model", "__call__").propagates_symbolic
    fit = _method("keras.Model", "fit")
    assert fit.loop_methods == ("train_step", "call") and fit.effects == (E.EAGER_ONLY_CALL,)
    assert _method("keras.Model", "evaluate").loop_methods == ("test_step", "call")
    assert _method("keras.Model", "summary").effects == (E.PYTHON_IO,)
    assert _method("keras.Model", "save_weights").effects == (E.PYTHON_IO,)
    assert _method("keras.layers.Layer", "add_weight").effects == ()
    apply = _method("keras.optimizers.SGD", "apply_gradients")
    assert apply.is_op and apply.effects == ()
    assert not model_of("tensorflow.train.Example").is_op
    assert model_of("tensorflow.summary.scalar").is_op


def test_keras_layer_without_known_construction_assumes_nothing() -> None:
    model = _method("keras.layers.LSTM", "__call__")
    bound = rules.bind(model, [tensor("float32", 2, 5, 3)], {}, HERE,
                       Value.atom(InstanceAtom("keras.layers.LSTM", True)))
    assert rules.evaluate(model, bound, rules.no_invoke) == Value.tensor("float32")


def test_model_variables_and_gradients() -> None:
    model = Value.atom(InstanceAtom("keras.Sequential", True, KerasRole.MODEL))
    variables = load_models().property("keras.Sequential", "trainable_variables")
    assert variables is not None
    value = rules.evaluate(variables, rules.bind(variables, [], {}, HERE, model), rules.no_invoke)
    atom = value.only(ContainerAtom)
    assert atom is not None and atom.element.tensors()[0].kind is TensorKind.VARIABLE
    tape = call("tensorflow.GradientTape")
    entered, _, _ = _call_method("tensorflow.GradientTape", "__enter__", tape)
    assert entered == tape
    grads, effects, _ = _call_method("tensorflow.GradientTape", "gradient", tape,
                                     tensor("float32"), value)
    grads_atom = grads.only(ContainerAtom)
    assert grads_atom is not None and grads_atom.kind == "list"
    assert grads_atom.element == Value.tensor(None)  # dense, like the (unknown) variables
    assert effects == set()
    single, _, _ = _call_method("tensorflow.GradientTape", "gradient", tape, tensor("float32"),
                                Value.tensor("float32", Shape((3,)), TensorKind.VARIABLE))
    assert single == tensor("float32", 3)


def test_dataset_iteration() -> None:
    dataset = call("tensorflow.data.Dataset.from_tensor_slices", tensor("float32", 8, 3))
    iterator, _, _ = _call_method("tensorflow.data.Dataset", "__iter__", dataset)
    assert rules.iterate(iterator) == tensor("float32", 3)
    numpy_iterator, _, _ = _call_method("tensorflow.data.Dataset", "as_numpy_iterator", dataset)
    assert rules.iterate(numpy_iterator) == array("float32", 3)
    assert rules.iterate(dataset) == tensor("float32", 3)


def test_sparse_and_ragged_constructors() -> None:
    sparse = call("tensorflow.SparseTensor", [[0, 0]], [1.0], [3, 4])
    assert sparse == Value.tensor("float32", Shape((3, 4)), TensorKind.SPARSE)
    ragged = call("tensorflow.RaggedTensor.from_row_lengths", tensor("int64", 6), [2, 4])
    assert [t.kind for t in ragged.tensors()] == [TensorKind.RAGGED]
    assert ragged.tensors()[0].dtype.name == "int64"


# -- Python builtins ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("qualname", "args", "expected"),
    [
        ("builtins.int", ("12",), literal(12)),
        ("builtins.int", (3.7,), literal(3)),
        ("builtins.int", (tensor("int32"),), Value.any_of("int")),
        ("builtins.float", (), literal(0.0)),
        ("builtins.bool", ([],), literal(False)),
        ("builtins.str", (5,), literal("5")),
        ("builtins.abs", (-3,), literal(3)),
        ("builtins.min", (3, 1, 2), literal(1)),
        ("builtins.max", ([4, 9],), literal(9)),
        ("builtins.max", (Value.any_of("int"), 2), Value.any_of("int")),
        ("builtins.sum", ([1, 2, 3],), literal(6)),
        ("builtins.sum", ([tensor("float32", 2), tensor("float32", 2)],), tensor("float32", 2)),
        ("builtins.divmod", (7, 2), Value.container("tuple", [literal(3), literal(1)],
                                                   origin=str(HERE))),
        ("builtins.round", (2.5,), literal(2)),
        ("builtins.round", (2.567, 2), literal(2.57)),
        ("builtins.round", (tensor("float32", 2),), tensor("float32", 2)),
        ("builtins.pow", (2, 8), literal(256)),
        ("builtins.isinstance", (1, None), Value.any_of("bool")),
        ("builtins.len", ((1, 2),), literal(2)),
        ("builtins.list", ((1, 2),), Value.container("list", [literal(1), literal(2)],
                                                     origin=str(HERE))),
        ("builtins.tuple", ([1],), Value.container("tuple", [literal(1)], origin=str(HERE))),
        ("builtins.dict", (), Value.container("dict", [], origin=str(HERE), keys=())),
    ],
)
def test_builtins(qualname: str, args: tuple[object, ...], expected: Value) -> None:
    assert call(qualname, *args) == expected


def test_range_items_and_bounds() -> None:
    small = call("builtins.range", 3).only(ContainerAtom)
    assert small is not None and small.items == (literal(0), literal(1), literal(2))
    empty = call("builtins.range", 5, 0).only(ContainerAtom)
    assert empty is not None and empty.items == ()
    large = call("builtins.range", 1000).only(ContainerAtom)
    assert large is not None and large.items is None and large.element == Value.any_of("int")
    unknown = call("builtins.range", Value.any_of("int")).only(ContainerAtom)
    assert unknown is not None and unknown.element == Value.any_of("int")


def test_dict_methods() -> None:
    mapping = literal({"a": 1, "b": "x"})
    assert _call_method("builtins.dict", "get", mapping, "a")[0] == literal(1)
    assert _call_method("builtins.dict", "get", mapping, "zzz")[0] == Value.NONE
    assert _call_method("builtins.dict", "get", mapping, "zzz", 0)[0] == literal(0)
    keys = _call_method("builtins.dict", "keys", mapping)[0].only(ContainerAtom)
    assert keys is not None and keys.items == (literal("a"), literal("b"))
    items = _call_method("builtins.dict", "items", mapping)[0]
    pair = rules.iterate(items).only(ContainerAtom)
    assert pair is not None and pair.kind == "tuple"


def test_enumerate_and_zip() -> None:
    enumerated = call("builtins.enumerate", ["a", "b"])
    pair = rules.iterate(enumerated).only(ContainerAtom)
    assert pair is not None and pair.items == (literal(0).join(literal(1)),
                                               literal("a").join(literal("b")))
    zipped = call("builtins.zip", [1], ["a"])
    pair = rules.iterate(zipped).only(ContainerAtom)
    assert pair is not None and pair.items == (literal(1), literal("a"))


def test_iter_of_an_iterator_is_itself() -> None:
    iterator = call("builtins.iter", [1])
    assert call("builtins.iter", iterator) == iterator


def test_dynamic_features_are_unknown_with_reason() -> None:
    result = call("builtins.getattr", None, "x")
    atom = result.only(UnknownAtom)
    assert atom is not None and atom.reason is UnknownReason.DYNAMIC_FEATURE


def test_logging_and_files() -> None:
    logger = call("logging.getLogger", "x")
    atom = logger.only(InstanceAtom)
    assert atom is not None and atom.cls == "logging.Logger"
    _, effects, _ = _call_method("logging.Logger", "info", logger, "msg")
    assert effects == {E.PYTHON_IO}
    stdout = load_models().attribute("sys.stdout")
    assert stdout is not None
    _, effects, _ = _call_method("io.TextIOWrapper", "write", stdout, "x")
    assert effects == {E.PYTHON_IO}
    generator = call("numpy.random.default_rng", 0)
    value, effects, _ = _call_method("numpy.random.Generator", "normal", generator, size=(2, 3))
    assert value == array("float64", 2, 3) and effects == {E.PYTHON_RNG}


def test_numpy_arrays() -> None:
    x = array("float32", 4, 5)
    assert _call_method("numpy.ndarray", "astype", x, "int32")[0] == array("int32", 4, 5)
    assert _call_method("numpy.ndarray", "reshape", x, 2, -1)[0] == array("float32", 2, 10)
    assert _call_method("numpy.ndarray", "reshape", x, (20,))[0] == array("float32", 20)
    assert _call_method("numpy.ndarray", "mean", x, axis=0)[0] == array("float32", 5)
    assert _call_method("numpy.ndarray", "flatten", x)[0] == array("float32", 20)
    assert call("numpy.asarray", tensor("int32", 3)) == array("int32", 3)
    assert call("numpy.array", [1, 2], dtype=load_models().attribute("numpy.float32")) == \
        array("float32", 2)


def test_unmodelled_results_carry_the_model_name() -> None:
    result = call("tensorflow.saved_model.load", "dir")
    atom = result.only(UnknownAtom)
    assert atom is not None and atom.reason is UnknownReason.UNMODELLED_CALL
    assert atom.origin == HERE and "tensorflow.saved_model.load" in atom.detail


def test_every_model_evaluates_on_unknown_arguments() -> None:
    """No rule crashes on arguments it knows nothing about (the common case in analyses)."""
    unknown = Value.unknown(UnknownReason.NO_CALLER)
    for model in load_models().functions():
        positional = [p for p in model.params if p.kind.value.startswith("positional")]
        if model.is_method and not model.is_constructor:
            positional = positional[1:]
        receiver = unknown if model.is_method and not model.is_constructor else None
        bound = rules.bind(model, [unknown] * len(positional), {}, HERE, receiver)
        result = rules.evaluate(model, bound, lambda callee, args: unknown)
        assert isinstance(result, Value), model.qualname
        rules.call_effects(model, bound)


def test_every_model_evaluates_on_tensor_arguments() -> None:
    x = tensor("float32", 2, 3)
    for model in load_models().functions():
        positional = [p for p in model.params if p.kind.value.startswith("positional")]
        if model.is_method and not model.is_constructor:
            positional = positional[1:]
        receiver = x if model.is_method and not model.is_constructor else None
        bound = rules.bind(model, [x] * len(positional), {}, HERE, receiver)
        assert isinstance(rules.evaluate(model, bound, rules.no_invoke), Value), model.qualname


def test_results_are_never_bottom_except_for_noreturn() -> None:
    unknown = Value.unknown(UnknownReason.NO_CALLER)
    for model in load_models().functions():
        if model.returns == "never":
            continue
        bound = rules.bind(model, [], {}, HERE, unknown if model.is_method else None)
        assert not rules.evaluate(model, bound, rules.no_invoke).is_bottom, model.qualname


def test_join_all_of_nothing_is_bottom() -> None:
    assert join_all([]) == Value.BOTTOM
