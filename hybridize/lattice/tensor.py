"""Tensor types: a dtype, a shape, a kind (dense, ragged, sparse, variable) and whether the tensor
may be a Keras symbolic tensor, joined pointwise."""

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
    applied to one): a two-point lattice, ``False`` below ``True``, joined by ``or``."""

    kind: TensorKind
    dtype: DType
    shape: Shape
    symbolic: bool = False

    @staticmethod
    def dense(dtype: str | DType | None = None, shape: Shape | None = None) -> TensorType:
        return TensorType(TensorKind.DENSE, _dtype(dtype), shape or Shape.UNKNOWN)

    def leq(self, other: TensorType) -> bool:
        return (
            self.kind == other.kind
            and self.dtype.leq(other.dtype)
            and self.shape.leq(other.shape)
            and (other.symbolic or not self.symbolic)
        )

    def join(self, other: TensorType) -> TensorType:
        return TensorType(
            self.kind,
            self.dtype.join(other.dtype),
            self.shape.join(other.shape),
            self.symbolic or other.symbolic,
        )

    def widen(self, other: TensorType) -> TensorType:
        return TensorType(
            self.kind,
            self.dtype.widen(other.dtype),
            self.shape.widen(other.shape),
            self.symbolic or other.symbolic,
        )

    def with_dtype(self, dtype: DType) -> TensorType:
        return attrs.evolve(self, dtype=dtype)

    def with_shape(self, shape: Shape) -> TensorType:
        return attrs.evolve(self, shape=shape)

    def pretty(self) -> str:
        mark = ", symbolic" if self.symbolic else ""
        return f"{self.kind.value}[{self.dtype.pretty()}, {self.shape.pretty()}{mark}]"


def _dtype(dtype: str | DType | None) -> DType:
    if isinstance(dtype, DType):
        return dtype
    return DType.of(dtype)
