"""Models of ``tensorflow.dtypes``: the dtype constants (re-exported at the top level)."""

from hybridize.stubs.markers import op, returns

float16: DType
half: DType
bfloat16: DType
float32: DType
float64: DType
double: DType
int8: DType
int16: DType
int32: DType
int64: DType
uint8: DType
uint16: DType
uint32: DType
uint64: DType
bool: DType
string: DType
complex64: DType
complex128: DType
resource: DType
variant: DType

@op(dtype="arg:dtype", shape="same:x")
@returns("like:x")
def cast(x, dtype, name=None) -> Tensor: ...
@op(dtype="arg:dtype", shape="same:value")
@returns("like:value")
def saturate_cast(value, dtype, name=None) -> Tensor: ...
@returns("dtype", dtype="arg:type_value")
def as_dtype(type_value) -> DType: ...

class DType:
    def __init__(self, type_enum, handle_data=None) -> None: ...
    name: str
    is_floating: bool
    is_integer: bool
    is_bool: bool
    is_complex: bool
    size: int
    @returns("dtype", dtype="arg:self")
    @property
    def base_dtype(self) -> DType: ...
    @returns("dtype", dtype="arg:self")
    @property
    def real_dtype(self) -> DType: ...
    def is_compatible_with(self, other) -> bool: ...
