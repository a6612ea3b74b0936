"""Dtype rules: the dtype of the tensor-kind parts of a result (``same:x``, ``arg:dtype``, ...).

A rule function returns ``None`` when its alternative does not apply (the argument it reads is
absent or ``None``), so that the next ``|`` alternative is tried; it returns ⊤ when it applies but
cannot tell, which stops the search rather than guessing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from hybridize.lattice.dtype import DType
from hybridize.lattice.values import (
    NDArrayAtom,
    Value,
)
from hybridize.stubs import promotion

if TYPE_CHECKING:
    from hybridize.stubs.evaluation import DTypeFunction, Evaluation


def _d_value(numpy: bool) -> DTypeFunction:
    def rule(evaluation: Evaluation, params: tuple[str, ...]) -> DType | None:
        value = evaluation.param(params[0])
        if value is None or value == Value.NONE:
            return None
        return promotion.infer(value, numpy)

    return rule


def _d_strong(evaluation: Evaluation, params: tuple[str, ...]) -> DType | None:
    value = evaluation.param(params[0])
    if value is None or value == Value.NONE:
        return None
    found = promotion.leaves(value)
    if not found.strong and not found.unknown:
        return None  # only Python values: this alternative does not apply
    return promotion.strong_dtype(value)


def _d_tf_range(evaluation: Evaluation, params: tuple[str, ...]) -> DType | None:
    values = [v for v in evaluation.params_values(params) if v != Value.NONE]
    if not values:
        return None
    strong = {promotion.strong_dtype(v) for v in values if v.tensors() or v.of_type(NDArrayAtom)}
    if strong:
        return strong.pop() if len(strong) == 1 else DType.TOP
    inferred = {promotion.infer(v).name for v in values}
    for name in ("float32", "int64", "int32"):
        if name in inferred and inferred <= {"float32", "int64", "int32"}:
            return DType.of(name)
    return DType.TOP


def _d_arg(numpy: bool) -> DTypeFunction:
    def rule(evaluation: Evaluation, params: tuple[str, ...]) -> DType | None:
        value = evaluation.param(params[0])
        if value is None:
            return None
        return promotion.from_spec(value, numpy)

    return rule


def _d_promote(numpy: bool) -> DTypeFunction:
    def rule(evaluation: Evaluation, params: tuple[str, ...]) -> DType | None:
        values = [v for v in evaluation.params_values(params) if v != Value.NONE]
        if not values:
            return None
        return promotion.promote_np(values) if numpy else promotion.promote_tf(values)

    return rule


def _d_np_float(evaluation: Evaluation, params: tuple[str, ...]) -> DType | None:
    values = evaluation.params_values(params)
    return promotion.np_float(promotion.promote_np(values)) if values else None


def _d_np_mean(evaluation: Evaluation, params: tuple[str, ...]) -> DType | None:
    value = evaluation.param(params[0])
    return None if value is None else promotion.np_mean(promotion.infer(value, True))


def _d_np_sum(evaluation: Evaluation, params: tuple[str, ...]) -> DType | None:
    value = evaluation.param(params[0])
    if value is None:
        return None
    dtype = promotion.infer(value, True)
    if dtype.known in ("bool", "int8", "int16", "int32"):
        return DType.of("int64")
    if dtype.known in ("uint8", "uint16", "uint32"):
        return DType.of("uint64")
    return dtype


def _d_truediv(evaluation: Evaluation, params: tuple[str, ...]) -> DType | None:
    values = evaluation.params_values(params)
    return promotion.tf_truediv(promotion.promote_tf(values)) if values else None


def _d_keras_compute(evaluation: Evaluation, params: tuple[str, ...]) -> DType | None:
    value = evaluation.param(params[0])
    if value is None:
        return None
    dtype = promotion.infer(value)
    return DType.of("float32") if dtype.is_floating else DType.TOP


_REAL_PARTS: Final[dict[str, str]] = {"complex64": "float32", "complex128": "float64"}


def _d_real(evaluation: Evaluation, params: tuple[str, ...]) -> DType | None:
    value = evaluation.param(params[0])
    if value is None or value == Value.NONE:
        return None
    dtype = promotion.infer(value)
    if dtype.known is None:
        return DType.TOP
    return DType.of(_REAL_PARTS.get(dtype.known, dtype.known))


def _d_resize(evaluation: Evaluation, params: tuple[str, ...]) -> DType | None:
    """``tf.image.resize``: float32, except that ``'nearest'`` keeps the images' dtype."""
    method = evaluation.param(params[1]) if len(params) > 1 else None
    if method is None or method == Value.NONE:
        return DType.of("float32")
    known, constant = method.constant()
    if not known or not isinstance(constant, str):
        return DType.TOP
    if constant == "nearest":
        images = evaluation.param(params[0])
        return DType.TOP if images is None else promotion.infer(images)
    return DType.of("float32")


def _d_unknown(evaluation: Evaluation, params: tuple[str, ...]) -> DType | None:
    return DType.TOP


#: Dtype rules, tried left to right across ``|`` until one gives a known dtype.
DTYPE_RULES: Final[dict[str, str]] = {
    "NAME": "a fixed dtype (float32, int64, bool, string, ...)",
    "same:P / infer:P": "dtype of P; Python literals the TensorFlow way (int→int32, float→float32)",
    "np-same:P / np-infer:P": "dtype of P the NumPy way (int→int64, float→float64)",
    "strong:P": "dtype of P only when it is a tensor or array",
    "arg:P": "the dtype named by argument P (tf.float32, 'float32', float); absent/None: next",
    "np-arg:P": "like arg:P, NumPy spelling (float→float64, int→int64)",
    "promote:P,Q,...": "TF binary-op dtype: tensors must agree, Python scalars adopt theirs",
    "np-promote:P,Q,...": "NumPy promotion (NEP 50)",
    "np-float:P,...": "NumPy float ufunc result (ints → float64, floats kept)",
    "np-mean:P": "np.mean (ints → float64)",
    "np-sum:P": "np.sum (small ints → int64)",
    "truediv:P,Q": "TF '/' (int32/int64 → float64, int8/16 → float32)",
    "tf-range:START,LIMIT,DELTA": "tf.range: a float bound makes it float32, else int32",
    "keras-compute:P": "Keras autocast: float inputs compute in float32",
    "real:P": "dtype of P with complex made real (complex64 → float32): abs, real, imag",
    "resize:IMAGES,METHOD": "tf.image.resize: float32, the images' dtype for 'nearest'",
    "unknown": "⊤",
}


DTYPE_FUNCTIONS: Final[dict[str, DTypeFunction]] = {
    "same": _d_value(False),
    "infer": _d_value(False),
    "np-same": _d_value(True),
    "np-infer": _d_value(True),
    "strong": _d_strong,
    "arg": _d_arg(False),
    "np-arg": _d_arg(True),
    "promote": _d_promote(False),
    "np-promote": _d_promote(True),
    "np-float": _d_np_float,
    "np-mean": _d_np_mean,
    "np-sum": _d_np_sum,
    "truediv": _d_truediv,
    "tf-range": _d_tf_range,
    "keras-compute": _d_keras_compute,
    "real": _d_real,
    "resize": _d_resize,
    "unknown": _d_unknown,
}

