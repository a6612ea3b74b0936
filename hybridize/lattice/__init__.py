"""Abstract domains of the interpreter (design §4). Imports nothing else of the project."""

from hybridize.lattice.dtype import DType
from hybridize.lattice.effects import Effect, EffectKind, Effects
from hybridize.lattice.location import Location
from hybridize.lattice.shape import Shape
from hybridize.lattice.tensor import TensorKind, TensorType
from hybridize.lattice.tri import Tri
from hybridize.lattice.values import UnknownReason, Value

__all__ = [
    "DType",
    "Effect",
    "EffectKind",
    "Effects",
    "Location",
    "Shape",
    "TensorKind",
    "TensorType",
    "Tri",
    "UnknownReason",
    "Value",
]
