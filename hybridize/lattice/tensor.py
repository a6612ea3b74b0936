"""Tensor types: a dtype, a shape, a kind (dense, ragged, sparse, variable), whether the tensor
may be a Keras symbolic tensor and whether its shape is known to vary at run time, joined
pointwise."""

from __future__ import annotations

import enum

import attrs

from hybridize.lattice.dtype import DType
from hybridize.lattice.shape import Shape


class TensorKind(enum.Enum):
    DENSE = "tensor"
    VARIABLE = "variable"
    RAGGED = "ragged"
    SPARSE = "sparse"


@attrs.frozen(slots=True)
class TensorType:
    """The abstract type of a TF tensor-like value. Values of different kinds are kept apart by
    ``values.Value`` (they are different atoms), so ``join`` here assumes equal kinds and keeps
    the left kind otherwise (callers never mix them).

    ``symbolic`` says the tensor may be a Keras symbolic tensor (``keras.Input(...)`` or a layer
    applied to one): a two-point lattice, ``False`` below ``True``, joined by ``or``.

    ``varying`` says the unknown dims of ``shape`` are known to take more than one value at run
    time, so a ``tf.function`` receiving it re-traces: the elements of a dataset batched without
    ``drop_remainder=True`` (the last batch is smaller). Also a two-point lattice joined by
    ``or``; ``False`` claims nothing (a ``None`` dim may still be one unknown size)."""

    kind: TensorKind
    dtype: DType
    shape: Shape
    symbolic: bool = False
    varying: bool = False

    @staticmethod
    def dense(dtype: str | DType | None = None, shape: Shape | None = None) -> TensorType:
        return TensorType(TensorKind.DENSE, _dtype(dtype), shape or Shape.UNKNOWN)

    def leq(self, other: TensorType) -> bool:
        return (
            self.kind == other.kind
            and self.dtype.leq(other.dtype)
            and self.shape.leq(other.shape)
            and (other.symbolic or not self.symbolic)
            and (other.varying or not self.varying)
        )

    def join(self, other: TensorType) -> TensorType:
        return TensorType(
            self.kind,
            self.dtype.join(other.dtype),
            self.shape.join(other.shape),
            self.symbolic or other.symbolic,
            self.varying or other.varying,
        )

    def widen(self, other: TensorType) -> TensorType:
        return TensorType(
            self.kind,
            self.dtype.widen(other.dtype),
            self.shape.widen(other.shape),
            self.symbolic or other.symbolic,
            self.varying or other.varying,
        )

    def with_dtype(self, dtype: DType) -> TensorType:
        return attrs.evolve(self, dtype=dtype)

    def with_shape(self, shape: Shape) -> TensorType:
        return attrs.evolve(self, shape=shape)

    def pretty(self) -> str:
        mark = (", symbolic" if self.symbolic else "") + (", varying" if self.varying else "")
        return f"{self.kind.value}[{self.dtype.pretty()}, {self.shape.pretty()}{mark}]"


def _dtype(dtype: str | DType | None) -> DType:
    if isinstance(dtype, DType):
        return dtype
    return DType.of(dtype)
