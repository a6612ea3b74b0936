"""The dtype domain: a flat lattice over TensorFlow dtypes (⊥ < each dtype < ⊤)."""

from __future__ import annotations

from typing import ClassVar

import attrs

DTYPE_NAMES: tuple[str, ...] = (
    "float16",
    "bfloat16",
    "float32",
    "float64",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "bool",
    "string",
    "complex64",
    "complex128",
    "resource",
    "variant",
)

_BOTTOM = "⊥"
_TOP = "⊤"
_ALIASES = {
    "half": "float16",
    "float": "float32",
    "double": "float64",
    "int": "int32",
    "str": "string",
}


@attrs.frozen(slots=True)
class DType:
    """A dtype, or ⊥ (no value yet) or ⊤ (unknown dtype). Build with ``DType.of``."""

    name: str

    BOTTOM: ClassVar[DType]
    TOP: ClassVar[DType]

    @staticmethod
    def of(name: str | None) -> DType:
        """Normalise a dtype name (``tf.float32``, ``float32``, ``'float'``); unknown names
        give ⊤."""
        if name is None:
            return DType.TOP
        short = name.rsplit(".", 1)[-1]
        short = _ALIASES.get(short, short)
        return DType(short) if short in DTYPE_NAMES else DType.TOP

    @property
    def is_bottom(self) -> bool:
        return self.name == _BOTTOM

    @property
    def is_top(self) -> bool:
        return self.name == _TOP

    @property
    def known(self) -> str | None:
        """The dtype name when it is a single known dtype."""
        return None if self.name in (_BOTTOM, _TOP) else self.name

    @property
    def is_floating(self) -> bool:
        return self.name in ("float16", "bfloat16", "float32", "float64")

    def leq(self, other: DType) -> bool:
        return self.is_bottom or other.is_top or self == other

    def join(self, other: DType) -> DType:
        if self.is_bottom or self == other:
            return other
        if other.is_bottom:
            return self
        return DType.TOP

    def meet(self, other: DType) -> DType:
        if self.is_top or self == other:
            return other
        if other.is_top:
            return self
        return DType.BOTTOM

    def widen(self, other: DType) -> DType:
        return self.join(other)

    def pretty(self) -> str:
        return self.known or ("?" if self.is_top else _BOTTOM)


DType.BOTTOM = DType(_BOTTOM)
DType.TOP = DType(_TOP)
