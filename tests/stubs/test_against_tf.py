"""The dtype and shape rules agree with real TensorFlow, Keras and NumPy.

Each case names a library call and its arguments as *specs* that produce both a concrete value
(run eagerly) and the abstract value of the same dtype and shape. The abstract result computed by
the models must describe the real one exactly (or, where a dim depends on data, leave it ``None``
when the case says ``partial``). Adding a case is adding a row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import attrs
import pytest

from hybridize.lattice.shape import Shape
from hybridize.lattice.tensor import TensorKind
from hybridize.lattice.values import (
    ContainerAtom,
    DatasetAtom,
    NDArrayAtom,
    TensorAtom,
    Value,
)
from hybridize.stubs import rules

from .support import array, call, construct_and_call, dtype_const, literal, tensor

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")
np = pytest.importorskip("numpy")

pytestmark = pytest.mark.tf


@attrs.frozen
class T:
    """A tensor argument: ones (or zeros for ints/bools, valid as indices) of this dtype/shape."""

    dtype: str
    shape: tuple[int, ...]

    def real(self) -> Any:
        if self.dtype in ("int32", "int64", "bool"):
            return tf.zeros(self.shape, self.dtype)
        return tf.ones(self.shape, self.dtype)

    def abstract(self) -> Value:
        return tensor(self.dtype, *self.shape)


@attrs.frozen
class N:
    """A NumPy array argument."""

    dtype: str
    shape: tuple[int, ...]

    def real(self) -> Any:
        return np.ones(self.shape, self.dtype)

    def abstract(self) -> Value:
        return array(self.dtype, *self.shape)


@attrs.frozen
class D:
    """A dtype argument (``tf.float32``)."""

    name: str

    def real(self) -> Any:
        return tf.as_dtype(self.name)

    def abstract(self) -> Value:
        return dtype_const(self.name)


def _real(spec: object) -> Any:
    if isinstance(spec, (T, N, D)):
        return spec.real()
    if isinstance(spec, list):
        return [_real(s) for s in spec]
    if isinstance(spec, tuple):
        return tuple(_real(s) for s in spec)
    return spec


def _abstract(spec: object) -> Any:
    if isinstance(spec, (T, N, D)):
        return spec.abstract()
    if isinstance(spec, list):
        return Value.container("list", [_abstract_value(s) for s in spec], origin="test")
    if isinstance(spec, tuple):
        return Value.container("tuple", [_abstract_value(s) for s in spec], origin="test")
    return literal(spec)


def _abstract_value(spec: object) -> Value:
    value = _abstract(spec)
    assert isinstance(value, Value)
    return value


@attrs.frozen
class Case:
    """``function(*args, **kwargs)`` on real values vs. the model of ``qualname``."""

    qualname: str
    function: Callable[..., Any]
    args: tuple[object, ...] = ()
    kwargs: dict[str, object] = attrs.field(factory=dict)
    partial: bool = False  # data-dependent dims may be None in the abstract result

    @property
    def id(self) -> str:
        return self.qualname.rsplit(".", 1)[-1]

    def run(self) -> tuple[Any, Value]:
        real = self.function(*_real(self.args), **{k: _real(v) for k, v in self.kwargs.items()})
        abstract = call(
            self.qualname,
            *(_abstract(a) for a in self.args),
            **{k: _abstract(v) for k, v in self.kwargs.items()},
        )
        return real, abstract


def _cases() -> list[Case]:
    f32 = "float32"
    return [
        Case("tensorflow.constant", tf.constant, ([1, 2, 3],)),
        Case("tensorflow.constant", tf.constant, ([[1.0, 2.0]],)),
        Case("tensorflow.constant", tf.constant, (N("float64", (2, 3)),)),
        Case("tensorflow.constant", tf.constant, (1,), {"dtype": D("float64")}),
        Case("tensorflow.constant", tf.constant, (True,)),
        Case("tensorflow.constant", tf.constant, ("text",)),
        Case("tensorflow.constant", tf.constant, (2**40,)),
        Case("tensorflow.constant", tf.constant, (0.0,), {"shape": [2, 2]}),
        Case("tensorflow.convert_to_tensor", tf.convert_to_tensor, ([1.5],), {
            "dtype_hint": D("float64")}),
        Case("tensorflow.zeros", tf.zeros, ((2, 3),)),
        Case("tensorflow.zeros", tf.zeros, ([4],), {"dtype": D("int32")}),
        Case("tensorflow.ones_like", tf.ones_like, (T("int32", (2, 2)),)),
        Case("tensorflow.fill", tf.fill, ([2, 2], 1.5)),
        Case("tensorflow.range", tf.range, (5,)),
        Case("tensorflow.range", tf.range, (0.0, 1.0, 0.25)),
        Case("tensorflow.linspace", tf.linspace, (0.0, 1.0, 5)),
        Case("tensorflow.eye", tf.eye, (3,)),
        Case("tensorflow.one_hot", tf.one_hot, (T("int32", (4,)), 10)),
        Case("tensorflow.matmul", tf.matmul, (T(f32, (2, 3)), T(f32, (3, 4)))),
        Case("tensorflow.matmul", tf.matmul, (T(f32, (5, 2, 3)), T(f32, (4, 3))), {
            "transpose_b": True}),
        Case("tensorflow.reduce_sum", tf.reduce_sum, (T(f32, (2, 3, 4)),), {"axis": 1}),
        Case("tensorflow.reduce_sum", tf.reduce_sum, (T(f32, (2, 3, 4)),), {
            "axis": [0, 2], "keepdims": True}),
        Case("tensorflow.reduce_mean", tf.reduce_mean, (T("int32", (2, 3)),)),
        Case("tensorflow.reduce_any", tf.reduce_any, (T("bool", (2, 3)), 0)),
        Case("tensorflow.argmax", tf.argmax, (T(f32, (2, 5)),), {"axis": 1}),
        Case("tensorflow.argmax", tf.argmax, (T(f32, (2, 5)),)),
        Case("tensorflow.reshape", tf.reshape, (T(f32, (2, 6)), [3, -1])),
        Case("tensorflow.concat", tf.concat, ([T(f32, (2, 3)), T(f32, (4, 3))],), {"axis": 0}),
        Case("tensorflow.stack", tf.stack, ([T(f32, (3,)), T(f32, (3,))],), {"axis": 1}),
        Case("tensorflow.unstack", tf.unstack, (T(f32, (3, 2)),)),
        Case("tensorflow.split", tf.split, (T(f32, (6, 4)), 3)),
        Case("tensorflow.split", tf.split, (T(f32, (6, 4)), [2, 2]), {"axis": 1}),
        Case("tensorflow.gather", tf.gather, (T(f32, (5, 3)), T("int32", (2,)))),
        Case("tensorflow.gather", tf.gather, (T(f32, (5, 3)), T("int32", (2, 4))), {"axis": 1}),
        Case("tensorflow.gather_nd", tf.gather_nd, (T(f32, (4, 5)), T("int32", (2, 2)))),
        Case("tensorflow.squeeze", tf.squeeze, (T(f32, (1, 3, 1)),)),
        Case("tensorflow.expand_dims", tf.expand_dims, (T(f32, (3,)), -1)),
        Case("tensorflow.transpose", tf.transpose, (T(f32, (2, 3, 4)),)),
        Case("tensorflow.transpose", tf.transpose, (T(f32, (2, 3, 4)),), {"perm": [0, 2, 1]}),
        Case("tensorflow.tile", tf.tile, (T(f32, (2, 3)), [2, 1])),
        Case("tensorflow.cast", tf.cast, (T("int32", (2,)), D(f32))),
        Case("tensorflow.where", tf.where, (T("bool", (3,)), T(f32, (3,)), T(f32, (1,)))),
        Case("tensorflow.where", tf.where, (T("bool", (3, 2)),), partial=True),
        Case("tensorflow.einsum", tf.einsum, ("ij,jk->ik", T(f32, (2, 3)), T(f32, (3, 5)))),
        Case("tensorflow.clip_by_value", tf.clip_by_value, (T(f32, (2,)), 0.0, 1.0)),
        Case("tensorflow.equal", tf.equal, (T(f32, (2, 3)), T(f32, (3,)))),
        Case("tensorflow.maximum", tf.maximum, (T(f32, (2, 1)), T(f32, (3,)))),
        Case("tensorflow.divide", tf.divide, (T("int32", (2,)), T("int32", (2,)))),
        Case("tensorflow.shape", tf.shape, (T(f32, (2, 3)),)),
        Case("tensorflow.size", tf.size, (T(f32, (2, 3)),)),
        Case("tensorflow.rank", tf.rank, (T(f32, (2, 3)),)),
        Case("tensorflow.boolean_mask", tf.boolean_mask, (T(f32, (4, 3)), T("bool", (4,))),
             partial=True),
        Case("tensorflow.pad", tf.pad, (T(f32, (2, 3)), [[1, 1], [2, 2]])),
        Case("tensorflow.sort", tf.sort, (T(f32, (4,)),)),
        Case("tensorflow.argsort", tf.argsort, (T(f32, (4,)),)),
        Case("tensorflow.math.top_k", tf.math.top_k, (T(f32, (3, 5)),), {"k": 2}),
        Case("tensorflow.nn.moments", tf.nn.moments, (T(f32, (4, 3)), [0])),
        Case("tensorflow.nn.relu", tf.nn.relu, (T(f32, (2, 3)),)),
        Case("tensorflow.nn.softmax", tf.nn.softmax, (T(f32, (2, 3)),)),
        Case("tensorflow.nn.l2_loss", tf.nn.l2_loss, (T(f32, (2, 3)),)),
        Case("tensorflow.nn.softmax_cross_entropy_with_logits",
             tf.nn.softmax_cross_entropy_with_logits, (), {
                 "labels": T(f32, (4, 10)), "logits": T(f32, (4, 10))}),
        Case("tensorflow.nn.sparse_softmax_cross_entropy_with_logits",
             tf.nn.sparse_softmax_cross_entropy_with_logits, (), {
                 "labels": T("int32", (4,)), "logits": T(f32, (4, 10))}),
        Case("tensorflow.nn.dropout", tf.nn.dropout, (T(f32, (2, 3)), 0.5)),
        Case("tensorflow.linalg.inv", lambda x: tf.linalg.inv(x * tf.eye(3)), (T(f32, (3, 3)),)),
        Case("tensorflow.random.normal", tf.random.normal, ([2, 3],)),
        Case("tensorflow.random.uniform", tf.random.uniform, ([4],), {
            "maxval": 10, "dtype": D("int32")}),
        Case("tensorflow.random.categorical", tf.random.categorical, (T(f32, (2, 3)), 5)),
        Case("tensorflow.sequence_mask", tf.sequence_mask, (T("int32", (3,)), 4)),
        Case("tensorflow.clip_by_global_norm", tf.clip_by_global_norm, (
            [T(f32, (2,)), T(f32, (3, 3))], 1.0)),
        Case("tensorflow.identity", tf.identity, (T("int64", (2,)),)),
        Case("tensorflow.stop_gradient", tf.stop_gradient, (T(f32, (2,)),)),
        Case("tensorflow.ragged.constant", tf.ragged.constant, ([[1, 2], [3]],), partial=True),
        Case("tensorflow.nn.top_k", tf.nn.top_k, (T("int32", (2, 3, 4)), 3)),
        Case("tensorflow.unique", tf.unique, (T("int32", (5,)),), partial=True),
        Case("tensorflow.unique", tf.unique, (T("int32", (5,)),), {"out_idx": D("int64")},
             partial=True),
        Case("tensorflow.unique_with_counts", tf.unique_with_counts, (T("int32", (5,)),),
             partial=True),
        Case("tensorflow.linalg.eigh", tf.linalg.eigh, (T(f32, (2, 3, 3)),)),
        Case("tensorflow.linalg.eigh", tf.linalg.eigh, (T("complex64", (3, 3)),)),
        Case("tensorflow.linalg.eigvalsh", tf.linalg.eigvalsh, (T("float64", (3, 3)),)),
        Case("tensorflow.math.abs", tf.math.abs, (T("complex128", (3,)),)),
        Case("tensorflow.math.abs", tf.math.abs, (T("int32", (3,)),)),
        Case("tensorflow.math.real", tf.math.real, (T("complex64", (3,)),)),
        Case("tensorflow.nn.conv2d", tf.nn.conv2d, (T(f32, (1, 28, 28, 1)), T(f32, (3, 3, 1, 8))),
             {"strides": 1, "padding": "SAME"}),
        Case("tensorflow.nn.conv2d", tf.nn.conv2d, (T(f32, (2, 9, 7, 3)), T(f32, (3, 2, 3, 4))),
             {"strides": [1, 2, 2, 1], "padding": "VALID"}),
        Case("tensorflow.nn.conv2d", tf.nn.conv2d, (T(f32, (1, 9, 9, 2)), T(f32, (3, 3, 2, 4))),
             {"strides": (1, 1), "padding": "VALID", "dilations": 2}),
        Case("tensorflow.nn.conv1d", tf.nn.conv1d, (T(f32, (2, 10, 4)), T(f32, (3, 4, 6)), 2,
                                                      "SAME")),
        Case("tensorflow.nn.conv3d", tf.nn.conv3d, (T(f32, (1, 5, 6, 7, 2)),
                                                      T(f32, (2, 2, 2, 2, 3)), [1, 1, 1, 1, 1],
                                                      "VALID")),
        Case("tensorflow.nn.depthwise_conv2d", tf.nn.depthwise_conv2d, (
            T(f32, (2, 8, 8, 3)), T(f32, (3, 3, 3, 2)), [1, 2, 2, 1], "SAME")),
        Case("tensorflow.nn.max_pool2d", tf.nn.max_pool2d, (T(f32, (2, 9, 9, 3)), 2, 2, "VALID")),
        Case("tensorflow.nn.avg_pool2d", tf.nn.avg_pool2d, (T(f32, (2, 9, 9, 3)), 3, 2, "SAME")),
        Case("tensorflow.nn.max_pool", tf.nn.max_pool, (T(f32, (2, 9, 3)), 2, 1, "VALID")),
        Case("tensorflow.nn.max_pool_with_argmax", tf.nn.max_pool_with_argmax, (
            T(f32, (1, 4, 6, 2)), 2, 2, "VALID")),
        Case("tensorflow.image.rot90", tf.image.rot90, (T(f32, (5, 7, 3)),)),
        Case("tensorflow.image.rot90", tf.image.rot90, (T(f32, (2, 5, 7, 3)),), {"k": 2}),
        Case("tensorflow.image.transpose", tf.image.transpose, (T(f32, (5, 7, 3)),)),
        Case("tensorflow.image.flip_left_right", tf.image.flip_left_right, (T(f32, (5, 7, 3)),)),
        Case("tensorflow.image.random_crop", tf.image.random_crop, (T(f32, (5, 7, 3)),
                                                                      [4, 4, 3])),
        Case("tensorflow.image.convert_image_dtype", tf.image.convert_image_dtype, (
            T("uint8", (5, 7, 3)), D("float32"))),
        Case("tensorflow.image.per_image_standardization", tf.image.per_image_standardization,
             (T("float64", (5, 7, 3)),)),
        Case("tensorflow.image.resize", tf.image.resize, (T(f32, (2, 5, 7, 3)), [10, 4])),
        Case("tensorflow.image.resize", tf.image.resize, (T("uint8", (5, 7, 3)), [10, 4])),
        Case("tensorflow.image.resize", tf.image.resize, (T("uint8", (5, 7, 3)), [10, 4]),
             {"method": "nearest"}),
        Case("tensorflow.image.resize", tf.image.resize, (T(f32, (5, 7, 3)), [10, 4]),
             {"preserve_aspect_ratio": True}, partial=True),
        Case("tensorflow.image.resize_with_pad", tf.image.resize_with_pad, (
            T("uint8", (5, 7, 3)), 8, 8)),
        Case("tensorflow.image.resize_with_crop_or_pad", tf.image.resize_with_crop_or_pad, (
            T("uint8", (5, 7, 3)), 8, 4)),
        Case("tensorflow.image.crop_to_bounding_box", tf.image.crop_to_bounding_box, (
            T(f32, (2, 5, 7, 3)), 1, 1, 3, 4)),
        Case("tensorflow.image.pad_to_bounding_box", tf.image.pad_to_bounding_box, (
            T(f32, (5, 7, 3)), 1, 1, 8, 9)),
        Case("tensorflow.image.grayscale_to_rgb", tf.image.grayscale_to_rgb, (
            T(f32, (5, 7, 1)),)),
        Case("tensorflow.image.image_gradients", tf.image.image_gradients, (
            T(f32, (2, 5, 7, 3)),)),
        Case("numpy.zeros", np.zeros, ((2, 3),)),
        Case("numpy.array", np.array, ([1, 2],)),
        Case("numpy.array", np.array, ([[1.0], [2.0]],), {"dtype": "float32"}),
        Case("numpy.mean", np.mean, (N("int32", (2, 3)),), {"axis": 0}),
        Case("numpy.sum", np.sum, (N("int32", (2, 3)),)),
        Case("numpy.arange", np.arange, (5,)),
        Case("numpy.arange", np.arange, (0, 1, 0.25)),
        Case("numpy.sqrt", np.sqrt, (N("int32", (3,)),)),
        Case("numpy.concatenate", np.concatenate, ([N("float32", (2, 3)), N("float32", (1, 3))],)),
        Case("numpy.matmul", np.matmul, (N("float64", (2, 3)), N("float64", (3,)))),
        Case("numpy.linspace", np.linspace, (0, 1)),
        Case("numpy.eye", np.eye, (2, 3)),
    ]


def _check(real: Any, abstract: Value, partial: bool, path: str = "result") -> None:
    if isinstance(real, (list, tuple)) or _is_namedtuple(real):
        container = abstract.only(ContainerAtom)
        assert container is not None, f"{path}: expected a container, got {abstract.pretty()}"
        assert container.items is not None, f"{path}: unknown length {abstract.pretty()}"
        assert len(container.items) == len(real), path
        if _is_namedtuple(real):
            assert container.keys == tuple(real._fields), f"{path}: fields {container.keys}"
        for index, (item_real, item) in enumerate(zip(real, container.items, strict=True)):
            _check(item_real, item, partial, f"{path}[{index}]")
        return
    if isinstance(real, np.ndarray) or isinstance(real, np.generic):
        array_atom = abstract.only(NDArrayAtom)
        assert array_atom is not None, f"{path}: expected an ndarray, got {abstract.pretty()}"
        _check_type(path, str(np.asarray(real).dtype), real.shape, array_atom.dtype.known,
                    array_atom.shape, partial)
        return
    if isinstance(real, tf.data.Dataset):
        dataset = abstract.only(DatasetAtom)
        assert dataset is not None, f"{path}: expected a dataset, got {abstract.pretty()}"
        _check_spec(real.element_spec, dataset.element, partial, f"{path}.element")
        return
    atom = abstract.only(TensorAtom)
    assert atom is not None, f"{path}: expected a tensor, got {abstract.pretty()}"
    kind = TensorKind.RAGGED if isinstance(real, tf.RaggedTensor) else TensorKind.DENSE
    assert atom.type.kind is kind or (kind is TensorKind.DENSE and atom.type.kind is
                                      TensorKind.VARIABLE), path
    _check_type(path, real.dtype.name, tuple(real.shape), atom.type.dtype.known,
                atom.type.shape, partial)


def _check_spec(spec: Any, abstract: Value, partial: bool, path: str) -> None:
    if isinstance(spec, (tuple, dict)):
        container = abstract.only(ContainerAtom)
        assert container is not None and container.items is not None, path
        values = spec.values() if isinstance(spec, dict) else spec
        for index, (item_spec, item) in enumerate(zip(values, container.items, strict=True)):
            _check_spec(item_spec, item, partial, f"{path}[{index}]")
        return
    atom = abstract.only(TensorAtom)
    assert atom is not None, f"{path}: expected a tensor, got {abstract.pretty()}"
    _check_type(path, spec.dtype.name, tuple(spec.shape), atom.type.dtype.known,
                atom.type.shape, partial)


def _is_namedtuple(value: Any) -> bool:
    return isinstance(value, tuple) and hasattr(value, "_fields")


def _check_type(path: str, real_dtype: str, real_shape: Sequence[int | None],
                dtype: str | None, shape: Shape, partial: bool) -> None:
    assert dtype == real_dtype, f"{path}: dtype {dtype} != {real_dtype}"
    assert shape.dims is not None, f"{path}: unknown rank, real {tuple(real_shape)}"
    assert len(shape.dims) == len(real_shape), f"{path}: {shape.pretty()} vs {real_shape}"
    for dim, real_dim in zip(shape.dims, real_shape, strict=True):
        if dim is None and (partial or real_dim is None):
            continue
        assert dim == real_dim, f"{path}: shape {shape.pretty()} != {tuple(real_shape)}"


@pytest.mark.parametrize("case", _cases(), ids=lambda c: c.id)
def test_rule_matches_tensorflow(case: Case) -> None:
    real, abstract = case.run()
    _check(real, abstract, case.partial)


@attrs.frozen
class OperatorCase:
    op: str
    left: object
    right: object


_OPERATOR_CASES = [
    OperatorCase("+", T("float32", (2, 3)), T("float32", (3,))),
    OperatorCase("*", T("float32", (2, 3)), 2.0),
    OperatorCase("-", 1, T("int32", (4, 1))),
    OperatorCase("/", T("int32", (2,)), T("int32", (2,))),
    OperatorCase("/", T("int16", (2,)), 2),
    OperatorCase("//", T("int32", (2,)), 2),
    OperatorCase("@", T("float32", (2, 3)), T("float32", (3, 4))),
    OperatorCase("<", T("float32", (2,)), 0.5),
    OperatorCase("==", T("int32", (2,)), T("int32", (2,))),
    OperatorCase("&", T("bool", (2,)), T("bool", (2,))),
    OperatorCase("**", T("float32", (2,)), 2),
    OperatorCase("+", T("float32", (2,)), N("float32", (3, 2))),
    OperatorCase("+", N("float32", (3, 2)), T("float32", (2,))),
    OperatorCase("+", N("int32", (2,)), 1),
    OperatorCase("+", N("int32", (2,)), 1.5),
    OperatorCase("*", N("float32", (2,)), 2.0),
    OperatorCase("/", N("int32", (2,)), N("int32", (2,))),
    OperatorCase("+", N("int8", (2,)), N("uint8", (2,))),
    OperatorCase("+", N("float32", (2,)), N("int64", (2,))),
    OperatorCase("@", N("float64", (4, 3)), N("float64", (3,))),
    OperatorCase(">", N("float64", (2,)), 0),
]

_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
    "/": lambda a, b: a / b, "//": lambda a, b: a // b, "**": lambda a, b: a ** b,
    "@": lambda a, b: a @ b, "<": lambda a, b: a < b, ">": lambda a, b: a > b,
    "==": lambda a, b: a == b, "&": lambda a, b: a & b,
}


@pytest.mark.parametrize(
    "case", _OPERATOR_CASES, ids=lambda c: f"{c.left}{c.op}{c.right}".replace(" ", "")
)
def test_binary_op_matches_tensorflow(case: OperatorCase) -> None:
    real = _OPERATORS[case.op](_real(case.left), _real(case.right))
    abstract = rules.binary_op(case.op, _abstract_value(case.left), _abstract_value(case.right))
    _check(real, abstract, partial=False)


@pytest.mark.parametrize(
    ("index", "expected"),
    [
        (0, (5, 6)),
        (-1, (5, 6)),
        (slice(1, 3), (2, 5, 6)),
        ((slice(None), 0), (4, 6)),
        ((Ellipsis, 0), (4, 5)),
        (None, (1, 4, 5, 6)),
        ((slice(None), slice(1, 4, 2)), (4, 2, 6)),
        ((0, None, Ellipsis, slice(None, None, -1)), (1, 5, 6)),
    ],
)
def test_subscript_matches_tensorflow(index: Any, expected: tuple[int, ...]) -> None:
    real = tf.ones((4, 5, 6))[index]
    assert tuple(real.shape) == expected
    abstract = rules.subscript(tensor("float32", 4, 5, 6), _index_value(index))
    _check(real, abstract, partial=False)


def _index_value(index: Any) -> Value:
    if isinstance(index, tuple):
        return Value.container("tuple", [_index_value(i) for i in index], origin="test")
    if isinstance(index, slice):
        bounds = [None if b is None else Value.const(b) for b in (index.start, index.stop,
                                                                  index.step)]
        return rules.slice_value(*bounds)
    if index is Ellipsis:
        return rules.ELLIPSIS
    return literal(index)


_LAYER_CASES: list[tuple[str, tuple[object, ...], dict[str, object], Any]] = [
    ("keras.layers.Dense", (10,), {}, T("float32", (4, 8))),
    ("keras.layers.Dense", (3,), {}, T("float32", (2, 5, 8))),
    ("keras.layers.Conv2D", (8, 3), {}, T("float32", (2, 28, 28, 1))),
    ("keras.layers.Conv2D", (8, (3, 3)), {"padding": "same", "strides": 2},
     T("float32", (2, 28, 28, 1))),
    ("keras.layers.Conv1D", (4, 5), {}, T("float32", (2, 20, 3))),
    ("keras.layers.MaxPooling2D", (), {}, T("float32", (2, 28, 28, 8))),
    ("keras.layers.AveragePooling2D", (3,), {"strides": 1, "padding": "same"},
     T("float32", (2, 9, 9, 8))),
    ("keras.layers.Flatten", (), {}, T("float32", (2, 4, 4, 3))),
    ("keras.layers.Embedding", (100, 16), {}, T("int32", (2, 5))),
    ("keras.layers.LSTM", (7,), {}, T("float32", (2, 5, 3))),
    ("keras.layers.GRU", (7,), {"return_sequences": True}, T("float32", (2, 5, 3))),
    ("keras.layers.GlobalAveragePooling2D", (), {}, T("float32", (2, 4, 4, 3))),
    ("keras.layers.Dropout", (0.5,), {}, T("float32", (2, 3))),
    ("keras.layers.BatchNormalization", (), {}, T("float32", (2, 3))),
    ("keras.layers.LayerNormalization", (), {}, T("float32", (2, 3))),
    ("keras.layers.Reshape", ((2, -1),), {}, T("float32", (3, 8))),
    ("keras.layers.Activation", ("relu",), {}, T("float32", (3, 8))),
    ("keras.layers.Concatenate", (), {}, [T("float32", (2, 3)), T("float32", (2, 5))]),
    ("keras.layers.Add", (), {}, [T("float32", (2, 3)), T("float32", (2, 3))]),
]


@pytest.mark.parametrize(
    ("qualname", "init_args", "init_kwargs", "inputs"), _LAYER_CASES,
    ids=[c[0].rsplit(".", 1)[-1] for c in _LAYER_CASES],
)
def test_keras_layer_matches(qualname: str, init_args: tuple[object, ...],
                             init_kwargs: dict[str, object], inputs: Any) -> None:
    layer_class = getattr(keras.layers, qualname.rsplit(".", 1)[-1])
    real = layer_class(*init_args, **init_kwargs)(_real(inputs))
    abstract = construct_and_call(qualname, init_args, init_kwargs, [_abstract(inputs)])
    _check(real, abstract, partial=False)


def test_keras_loss_object_gives_a_scalar() -> None:
    labels, logits = T("int32", (4,)), T("float32", (4, 10))
    real = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(
        labels.real(), logits.real()
    )
    abstract = construct_and_call(
        "keras.losses.SparseCategoricalCrossentropy", (), {"from_logits": True},
        [labels.abstract(), logits.abstract()],
    )
    _check(real, abstract, partial=False)


def test_keras_input_is_a_symbolic_tensor() -> None:
    real = keras.Input(shape=(28, 28, 1), batch_size=16)
    abstract = call("keras.Input", shape=(28, 28, 1), batch_size=16)
    assert abstract == tensor("float32", 16, 28, 28, 1)
    assert tuple(real.shape) == (16, 28, 28, 1)


@pytest.mark.parametrize(
    ("build_real", "build_abstract"),
    [
        (
            lambda: tf.data.Dataset.from_tensor_slices(
                (tf.ones((5, 3)), tf.zeros((5,), tf.int32))).batch(2),
            lambda: call("tensorflow.data.Dataset.batch", 2, receiver=call(
                "tensorflow.data.Dataset.from_tensor_slices",
                (tensor("float32", 5, 3), tensor("int32", 5)))),
        ),
        (
            lambda: tf.data.Dataset.from_tensor_slices({"a": np.zeros((4, 3))}).batch(
                2, drop_remainder=True),
            lambda: call("tensorflow.data.Dataset.batch", 2, drop_remainder=True, receiver=call(
                "tensorflow.data.Dataset.from_tensor_slices", {"a": array("float64", 4, 3)})),
        ),
        (
            lambda: tf.data.Dataset.from_tensor_slices([1, 2, 3]),
            lambda: call("tensorflow.data.Dataset.from_tensor_slices", [1, 2, 3]),
        ),
        (
            lambda: tf.data.Dataset.range(10).batch(4).unbatch(),
            lambda: call("tensorflow.data.Dataset.unbatch", receiver=call(
                "tensorflow.data.Dataset.batch", 4,
                receiver=call("tensorflow.data.Dataset.range", 10))),
        ),
        (
            lambda: tf.data.Dataset.from_tensors([1.0, 2.0]),
            lambda: call("tensorflow.data.Dataset.from_tensors", [1.0, 2.0]),
        ),
        (
            lambda: tf.data.Dataset.zip((tf.data.Dataset.range(3),
                                         tf.data.Dataset.from_tensor_slices(tf.ones((3, 2))))),
            lambda: call("tensorflow.data.Dataset.zip", (
                call("tensorflow.data.Dataset.range", 3),
                call("tensorflow.data.Dataset.from_tensor_slices", tensor("float32", 3, 2)))),
        ),
    ],
    ids=["tuple-batch", "dict-batch-drop", "list", "unbatch", "from-tensors", "zip"],
)
def test_dataset_elements_match(build_real: Callable[[], Any],
                                build_abstract: Callable[[], Value]) -> None:
    _check(build_real(), build_abstract(), partial=False)


def test_tensor_array_reads_match() -> None:
    init = (D("float32"),)
    init_kwargs: dict[str, object] = {"size": 3, "element_shape": [2, 4]}
    real = tf.TensorArray(tf.float32, size=3, element_shape=[2, 4])
    real = real.unstack(tf.ones([3, 2, 4]))
    for method, args, expected in (
        ("stack", [], real.stack()),
        ("read", [1], real.read(1)),
        ("gather", [[0, 2]], real.gather([0, 2])),
        ("size", [], real.size()),
    ):
        abstract = construct_and_call(
            "tensorflow.TensorArray", [_abstract(a) for a in init],
            {k: _abstract(v) for k, v in init_kwargs.items()}, args, method,
        )
        _check(expected, abstract, partial=False, path=method)
    dynamic = construct_and_call("tensorflow.TensorArray", [_abstract(D("int32"))],
                                 {"size": 0, "dynamic_size": True}, [], "stack")
    atom = dynamic.only(TensorAtom)
    assert atom is not None and atom.type.dtype.known == "int32"
    assert atom.type.shape.dims is None  # no element_shape: rank unknown


def test_gradients_are_shaped_like_sources() -> None:
    w = tf.Variable(tf.ones((3, 2)))
    b = tf.Variable(tf.zeros((2,)))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.ones((4, 3)) @ w + b)
    real = tape.gradient(loss, [w, b])
    variables = Value.container("list", [
        Value.tensor("float32", Shape((3, 2)), TensorKind.VARIABLE),
        Value.tensor("float32", Shape((2,)), TensorKind.VARIABLE),
    ], origin="test")
    abstract = call("tensorflow.GradientTape.gradient", tensor("float32"), variables,
                    receiver=call("tensorflow.GradientTape"))
    _check(real, abstract, partial=False)
