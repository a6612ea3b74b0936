"""Shape rules: the shape of the tensor-kind parts of a result (``broadcast:x,y``, ...).

As with dtype rules, a function returns ``None`` when its alternative does not apply and
``Shape.UNKNOWN`` when it applies but cannot tell. The arithmetic is in ``stubs.shapes``; these
functions only read the arguments.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from hybridize.lattice.shape import Dim, Shape
from hybridize.lattice.values import (
    ConstAtom,
    ContainerAtom,
    Value,
)
from hybridize.stubs import shapes
from hybridize.stubs.structures import known_items

if TYPE_CHECKING:
    from hybridize.stubs.evaluation import Evaluation, ShapeFunction


def _shape_param(evaluation: Evaluation, params: tuple[str, ...], index: int) -> Shape:
    if index >= len(params):
        return Shape.UNKNOWN
    value = evaluation.param(params[index])
    return Shape.UNKNOWN if value is None else shapes.shape_of(value)


def _value_param(evaluation: Evaluation, params: tuple[str, ...], index: int) -> Value | None:
    if index >= len(params):
        return None
    value = evaluation.param(params[index])
    return None if value is None or value == Value.NONE else value


def _int_param(evaluation: Evaluation, params: tuple[str, ...], index: int, default: int | None
               ) -> int | None:
    value = _value_param(evaluation, params, index)
    return default if value is None else shapes.const_int(value)


def _flag_param(evaluation: Evaluation, params: tuple[str, ...], index: int) -> bool | None:
    """A boolean flag: ``False`` when the rule does not name it or it is ``None``; ``None``
    (unknown) when it is named but its value is not known (e.g. an unknown construction)."""
    if index >= len(params):
        return False
    value = evaluation.param(params[index])
    if value is None:
        return None
    return False if value == Value.NONE else shapes.const_bool(value)


def _unwrap_varargs(value: Value | None) -> Value | None:
    """``a.reshape(2, 3)`` and ``a.reshape((2, 3))`` both bind ``*shape``: unwrap the latter."""
    items = None if value is None else known_items(value)
    if items is not None and len(items) == 1 and items[0].only(ContainerAtom) is not None:
        return items[0]
    return value


def _s_scalar(evaluation: Evaluation, params: tuple[str, ...]) -> Shape:
    return Shape.SCALAR


def _s_unknown(evaluation: Evaluation, params: tuple[str, ...]) -> Shape:
    return Shape.UNKNOWN


def _s_same(evaluation: Evaluation, params: tuple[str, ...]) -> Shape | None:
    if _value_param(evaluation, params, 0) is None:
        return None
    return _shape_param(evaluation, params, 0)


def _s_broadcast(evaluation: Evaluation, params: tuple[str, ...]) -> Shape:
    values = [v for v in evaluation.params_values(params) if v != Value.NONE]
    return shapes.broadcast([shapes.shape_of(v) for v in values])


def _s_matmul(numpy: bool) -> ShapeFunction:
    def rule(evaluation: Evaluation, params: tuple[str, ...]) -> Shape:
        flags = [_flag_param(evaluation, params, i) for i in range(2, 6)]
        if any(f is None for f in flags):
            return Shape.UNKNOWN
        transpose_a = bool(flags[0]) or bool(flags[2])
        transpose_b = bool(flags[1]) or bool(flags[3])
        return shapes.matmul(
            _shape_param(evaluation, params, 0),
            _shape_param(evaluation, params, 1),
            transpose_a,
            transpose_b,
            numpy,
        )

    return rule


def _s_reduce(default_axis: int | None) -> ShapeFunction:
    def rule(evaluation: Evaluation, params: tuple[str, ...]) -> Shape:
        shape = _shape_param(evaluation, params, 0)
        axis_value = _value_param(evaluation, params, 1)
        keepdims = _flag_param(evaluation, params, 2)
        if axis_value is None:
            axes = None if default_axis is None else [default_axis]
            return shapes.reduce(shape, axes, keepdims)
        axes = shapes.axis_list(axis_value)
        if axes is not None:
            return shapes.reduce(shape, axes, keepdims)
        atom = axis_value.only(ConstAtom)
        if atom is not None and atom.pytype == "int":
            return shapes.reduce(shape, None, keepdims, any_one_axis=True)
        return Shape.UNKNOWN

    return rule


def _s_from_arg(evaluation: Evaluation, params: tuple[str, ...]) -> Shape | None:
    value = _unwrap_varargs(_value_param(evaluation, params, 0))
    if value is None:
        return None
    dims = shapes.int_items(value)
    return Shape.UNKNOWN if dims is None else Shape(tuple(dims))


def _s_reshape(evaluation: Evaluation, params: tuple[str, ...]) -> Shape:
    target = _unwrap_varargs(_value_param(evaluation, params, 1))
    return shapes.reshape(_shape_param(evaluation, params, 0), shapes.int_items_raw(target))


def _item_shapes(value: Value | None) -> tuple[list[Shape], bool]:
    if value is None:
        return [], False
    items = known_items(value)
    if items is not None:
        return [shapes.shape_of(i) for i in items], True
    atom = value.only(ContainerAtom)
    if atom is not None:
        return [shapes.shape_of(atom.element)], False
    return [], False


def _s_concat(evaluation: Evaluation, params: tuple[str, ...]) -> Shape:
    item_shapes, count_known = _item_shapes(_value_param(evaluation, params, 0))
    axis = _int_param(evaluation, params, 1, 0)
    return shapes.concat(item_shapes, count_known, axis)


def _s_stack(evaluation: Evaluation, params: tuple[str, ...]) -> Shape:
    value = _value_param(evaluation, params, 0)
    item_shapes, count_known = _item_shapes(value)
    axis = _int_param(evaluation, params, 1, 0)
    if not item_shapes or axis is None:
        return Shape.UNKNOWN
    count: Dim = len(item_shapes) if count_known else None
    return shapes.insert_dim(shapes.unify(item_shapes), axis, count)


def _s_unify(evaluation: Evaluation, params: tuple[str, ...]) -> Shape:
    item_shapes, _ = _item_shapes(_value_param(evaluation, params, 0))
    return shapes.unify(item_shapes) if item_shapes else Shape.UNKNOWN


def _s_expand_dims(evaluation: Evaluation, params: tuple[str, ...]) -> Shape:
    axis = _int_param(evaluation, params, 1, None)
    if axis is None:
        return Shape.UNKNOWN
    return shapes.insert_dim(_shape_param(evaluation, params, 0), axis, 1)


def _s_squeeze(evaluation: Evaluation, params: tuple[str, ...]) -> Shape:
    axis_value = _value_param(evaluation, params, 1)
    axes = None if axis_value is None else shapes.axis_list(axis_value)
    if axis_value is not None and axes is None:
        return Shape.UNKNOWN
    return shapes.squeeze(_shape_param(evaluation, params, 0), axes)


def _s_transpose(evaluation: Evaluation, params: tuple[str, ...]) -> Shape:
    perm_value = _unwrap_varargs(_value_param(evaluation, params, 1))
    if perm_value is not None and known_items(perm_value) == ():
        perm_value = None
    perm = None if perm_value is None else shapes.axis_list(perm_value)
    if perm_value is not None and perm is None:
        return Shape.UNKNOWN
    return shapes.transpose(_shape_param(evaluation, params, 0), perm)


def _s_one_hot(evaluation: Evaluation, params: tuple[str, ...]) -> Shape:
    depth = _int_param(evaluation, params, 1, None)
    axis = _int_param(evaluation, params, 2, -1)
    if axis is None:
        return Shape.UNKNOWN
    return shapes.insert_dim(_shape_param(evaluation, params, 0), axis, depth)


def _s_gather(evaluation: Evaluation, params: tuple[str, ...]) -> Shape:
    batch_dims = _int_param(evaluation, params, 3, 0)
    axis = _int_param(evaluation, params, 2, batch_dims)
    if axis is None or batch_dims is None:
        return Shape.UNKNOWN
    return shapes.gather(
        _shape_param(evaluation, params, 0), _shape_param(evaluation, params, 1), axis, batch_dims
    )


def _s_gather_nd(evaluation: Evaluation, params: tuple[str, ...]) -> Shape:
    batch_dims = _int_param(evaluation, params, 2, 0)
    if batch_dims is None:
        return Shape.UNKNOWN
    return shapes.gather_nd(
        _shape_param(evaluation, params, 0), _shape_param(evaluation, params, 1), batch_dims
    )


def _s_tile(evaluation: Evaluation, params: tuple[str, ...]) -> Shape:
    multiples = shapes.int_items(_value_param(evaluation, params, 1))
    return shapes.tile(_shape_param(evaluation, params, 0), multiples)


def _s_shape_vector(evaluation: Evaluation, params: tuple[str, ...]) -> Shape:
    return Shape((_shape_param(evaluation, params, 0).rank,))


def _s_vector(evaluation: Evaluation, params: tuple[str, ...]) -> Shape:
    return Shape((None,))


def _s_boolean_mask(evaluation: Evaluation, params: tuple[str, ...]) -> Shape:
    tensor = _shape_param(evaluation, params, 0)
    mask = _shape_param(evaluation, params, 1)
    axis = _int_param(evaluation, params, 2, 0)
    if tensor.dims is None or mask.rank is None or axis is None or axis < 0:
        return Shape.UNKNOWN
    return Shape((*tensor.dims[:axis], None, *tensor.dims[axis + mask.rank :]))


def _s_drop_last(evaluation: Evaluation, params: tuple[str, ...]) -> Shape:
    return shapes.drop_last(_shape_param(evaluation, params, 0))


def _s_drop_first(evaluation: Evaluation, params: tuple[str, ...]) -> Shape:
    return shapes.drop_first(_shape_param(evaluation, params, 0))


def _s_replace_last(evaluation: Evaluation, params: tuple[str, ...]) -> Shape:
    return shapes.replace_last(
        _shape_param(evaluation, params, 0), _int_param(evaluation, params, 1, None)
    )


def _s_append(evaluation: Evaluation, params: tuple[str, ...]) -> Shape:
    return shapes.append(
        _shape_param(evaluation, params, 0), _int_param(evaluation, params, 1, None)
    )


def _s_prepend(evaluation: Evaluation, params: tuple[str, ...]) -> Shape:
    return shapes.prepend(
        _shape_param(evaluation, params, 0), _int_param(evaluation, params, 1, None)
    )


def _s_unknown_first(evaluation: Evaluation, params: tuple[str, ...]) -> Shape:
    return shapes.prepend(shapes.drop_first(_shape_param(evaluation, params, 0)), None)


def _s_flatten(evaluation: Evaluation, params: tuple[str, ...]) -> Shape:
    return shapes.flatten(_shape_param(evaluation, params, 0))


def _s_global_pool(evaluation: Evaluation, params: tuple[str, ...]) -> Shape:
    shape = _shape_param(evaluation, params, 0)
    keepdims = _flag_param(evaluation, params, 1)
    if shape.dims is None or len(shape.dims) < 3 or keepdims is None:
        return Shape.UNKNOWN
    if keepdims:
        return Shape((shape.dims[0], *([1] * (len(shape.dims) - 2)), shape.dims[-1]))
    return Shape((shape.dims[0], shape.dims[-1]))


def _spatial_list(value: Value | None, rank: int) -> list[int] | None:
    if value is None:
        return None
    single = shapes.const_int(value)
    if single is not None:
        return [single] * rank
    items = shapes.int_items_raw(value)
    if items is None or len(items) != rank or any(i is None for i in items):
        return None
    return [i for i in items if i is not None]


def _padding(value: Value | None) -> bool | None:
    if value is None:
        return False
    known, constant = value.constant()
    if known and isinstance(constant, str) and constant.lower() in ("same", "valid"):
        return constant.lower() == "same"
    return None


def _channels_last(evaluation: Evaluation, params: tuple[str, ...], index: int) -> bool:
    value = _value_param(evaluation, params, index)
    if value is None:
        return True
    known, constant = value.constant()
    return known and constant == "channels_last"


def _s_conv(evaluation: Evaluation, params: tuple[str, ...]) -> Shape:
    """``conv:X,FILTERS,KERNEL,STRIDES,PADDING,RANK[,DATA_FORMAT]`` (channels-last only)."""
    rank = _int_param(evaluation, params, 5, None)
    shape = _shape_param(evaluation, params, 0)
    if rank is None or not _channels_last(evaluation, params, 6):
        return Shape.UNKNOWN
    filters = _int_param(evaluation, params, 1, None)
    kernel = _spatial_list(_value_param(evaluation, params, 2), rank)
    strides = _spatial_list(_value_param(evaluation, params, 3) or Value.const(1), rank)
    padding = _padding(_value_param(evaluation, params, 4))
    return shapes.spatial(shape, kernel, strides, padding, filters, rank)


def _s_pool(evaluation: Evaluation, params: tuple[str, ...]) -> Shape:
    """``pool:X,POOL,STRIDES,PADDING,RANK[,DATA_FORMAT]``: strides default to the pool size."""
    rank = _int_param(evaluation, params, 4, None)
    shape = _shape_param(evaluation, params, 0)
    if rank is None or not _channels_last(evaluation, params, 5):
        return Shape.UNKNOWN
    pool_value = _value_param(evaluation, params, 1)
    pool = _spatial_list(pool_value or Value.const(2), rank)
    strides = _spatial_list(_value_param(evaluation, params, 2), rank) or pool
    padding = _padding(_value_param(evaluation, params, 3))
    channels = shape.dims[-1] if shape.dims else None
    return shapes.spatial(shape, pool, strides, padding, channels, rank)


def _nn_window(value: Value | None, rank: int, channels_last: bool) -> list[int] | None:
    """``tf.nn`` strides/dilations/ksize: an int, or a list of 1, ``rank`` or ``rank + 2``
    ints (the last form includes the batch and channel dims)."""
    if value is None:
        return None
    single = shapes.const_int(value)
    if single is not None:
        return [single] * rank
    items = shapes.int_items_raw(value)
    if items is None or any(i is None for i in items):
        return None
    known = [i for i in items if i is not None]
    if len(known) == 1:
        return known * rank
    if len(known) == rank:
        return known
    if len(known) == rank + 2:
        return known[1:-1] if channels_last else known[2:]
    return None


def _nn_channels_last(value: Value | None) -> bool | None:
    """``data_format``: ``None``/``"NHWC"``/``"NWC"``/... is channels-last, ``"NC..."`` is
    channels-first, anything not constant is unknown."""
    if value is None:
        return True
    known, constant = value.constant()
    if not known or not isinstance(constant, str):
        return None
    return not constant.upper().startswith("NC")


def _nn_spatial(mode: str) -> ShapeFunction:
    """``nn-conv:INPUT,FILTERS,STRIDES,PADDING,FORMAT,DILATIONS`` (``tf.nn.conv2d`` & co.: the
    spatial rank is the input's, the kernel size and output channels come from the filters'
    shape), ``nn-depthwise:...`` (output channels in * multiplier) and
    ``nn-pool:INPUT,KSIZE,STRIDES,PADDING,FORMAT`` (channels kept)."""

    def rule(evaluation: Evaluation, params: tuple[str, ...]) -> Shape:
        shape = _shape_param(evaluation, params, 0)
        if shape.dims is None or len(shape.dims) < 3:
            return Shape.UNKNOWN
        rank = len(shape.dims) - 2
        channels_last = _nn_channels_last(_value_param(evaluation, params, 4))
        if channels_last is None:
            return Shape.UNKNOWN
        sizes = shape.dims[1:-1] if channels_last else shape.dims[2:]
        kernel: list[int] | None
        channels: Dim
        if mode == "pool":
            kernel = _nn_window(_value_param(evaluation, params, 1), rank, channels_last)
            channels = shape.dims[-1] if channels_last else shape.dims[1]
        else:
            filters = _shape_param(evaluation, params, 1).dims
            kernel, channels = None, None
            if filters is not None and len(filters) == rank + 2:
                spatial = filters[:rank]
                if all(k is not None for k in spatial):
                    kernel = [k for k in spatial if k is not None]
                inner, outer = filters[-2], filters[-1]
                if mode == "conv":
                    channels = outer
                elif inner is not None and outer is not None:
                    channels = inner * outer
        strides = _nn_window(_value_param(evaluation, params, 2), rank, channels_last)
        dilation_value = _value_param(evaluation, params, 5) if mode != "pool" else None
        dilations = _nn_window(dilation_value or Value.const(1), rank, channels_last)
        padding = _padding(_value_param(evaluation, params, 3))
        out: list[Dim] = [None] * rank
        if kernel is not None and strides is not None and dilations is not None and (
            padding is not None
        ):
            out = [
                shapes.conv_output(size, k, stride, padding, dilation)
                for size, k, stride, dilation in zip(sizes, kernel, strides, dilations,
                                                     strict=True)
            ]
        batch = shape.dims[0]
        return Shape((batch, *out, channels) if channels_last else (batch, channels, *out))

    return rule


def _image_parts(shape: Shape) -> tuple[tuple[Dim, ...], Dim, Dim, Dim] | None:
    """An image tensor's (batch dims, height, width, channels): rank 3 or 4."""
    if shape.dims is None or len(shape.dims) not in (3, 4):
        return None
    *batch, height, width, channels = shape.dims
    return tuple(batch), height, width, channels


def _s_image_size(evaluation: Evaluation, params: tuple[str, ...]) -> Shape:
    parts = _image_parts(_shape_param(evaluation, params, 0))
    if parts is None:
        return Shape.UNKNOWN
    batch, _, _, channels = parts
    height = _int_param(evaluation, params, 1, None)
    width = _int_param(evaluation, params, 2, None)
    return Shape((*batch, height, width, channels))


def _s_image_resize(evaluation: Evaluation, params: tuple[str, ...]) -> Shape:
    parts = _image_parts(_shape_param(evaluation, params, 0))
    if parts is None:
        return Shape.UNKNOWN
    batch, _, _, channels = parts
    size = shapes.int_items(_value_param(evaluation, params, 1))
    preserve = _flag_param(evaluation, params, 2)
    height: Dim = None
    width: Dim = None
    if size is not None and len(size) == 2 and preserve is False:
        height, width = size
    return Shape((*batch, height, width, channels))


def _s_rot90(evaluation: Evaluation, params: tuple[str, ...]) -> Shape:
    shape = _shape_param(evaluation, params, 0)
    parts = _image_parts(shape)
    if parts is None:
        return Shape.UNKNOWN
    batch, height, width, channels = parts
    turns = _int_param(evaluation, params, 1, 1)
    if turns is not None and turns % 2 == 0:
        return shape
    if turns is not None:
        return Shape((*batch, width, height, channels))
    if height is not None and height == width:
        return shape
    return Shape((*batch, None, None, channels))


def _element_shape(evaluation: Evaluation, params: tuple[str, ...], index: int) -> Shape:
    value = _value_param(evaluation, params, index)
    dims = None if value is None else shapes.int_items(value)
    return Shape.UNKNOWN if dims is None else Shape(tuple(dims))


def _s_stacked(evaluation: Evaluation, params: tuple[str, ...]) -> Shape:
    """``TensorArray.stack``: ``(size, *element_shape)``; the size is unknown when dynamic."""
    dynamic = _flag_param(evaluation, params, 2)
    size = _int_param(evaluation, params, 0, None) if dynamic is False else None
    return shapes.prepend(_element_shape(evaluation, params, 1), size)


def _s_gathered(evaluation: Evaluation, params: tuple[str, ...]) -> Shape:
    """``TensorArray.gather(indices)``: ``(len(indices), *element_shape)``."""
    indices = shapes.int_items(_value_param(evaluation, params, 0))
    count: Dim = None if indices is None else len(indices)
    return shapes.prepend(_element_shape(evaluation, params, 1), count)


def _s_rnn(evaluation: Evaluation, params: tuple[str, ...]) -> Shape:
    shape = _shape_param(evaluation, params, 0)
    units = _int_param(evaluation, params, 1, None)
    sequences = _flag_param(evaluation, params, 2)
    if shape.dims is None or len(shape.dims) != 3 or sequences is None:
        return Shape.UNKNOWN
    if sequences:
        return Shape((shape.dims[0], shape.dims[1], units))
    return Shape((shape.dims[0], units))


def _s_keras_input(evaluation: Evaluation, params: tuple[str, ...]) -> Shape:
    value = _value_param(evaluation, params, 0)
    dims = shapes.int_items(value)
    if dims is None:
        return Shape.UNKNOWN
    batch = _int_param(evaluation, params, 1, None)
    return Shape((batch, *dims))


def _s_keras_reshape(evaluation: Evaluation, params: tuple[str, ...]) -> Shape:
    shape = _shape_param(evaluation, params, 0)
    target = shapes.int_items_raw(_value_param(evaluation, params, 1))
    if shape.dims is None or not shape.dims or target is None:
        return Shape.UNKNOWN
    inner = shapes.reshape(Shape(shape.dims[1:]), target)
    return shapes.prepend(inner, shape.dims[0])


def _s_range(evaluation: Evaluation, params: tuple[str, ...]) -> Shape:
    start = _value_param(evaluation, params, 0)
    limit = _value_param(evaluation, params, 1)
    delta = _value_param(evaluation, params, 2)
    if limit is None:
        start, limit = Value.const(0), start
    bounds = [shapes.const_number(v) if v is not None else 1 for v in (start, limit, delta)]
    first, stop, step = bounds
    if first is None or stop is None or step is None:
        return Shape((None,))
    return Shape((shapes.range_length(first, stop, step),))


def _s_linspace(evaluation: Evaluation, params: tuple[str, ...]) -> Shape:
    start = _shape_param(evaluation, params, 0)
    stop = _shape_param(evaluation, params, 1)
    number = _int_param(evaluation, params, 2, 50 if len(params) > 3 else None)
    if start.dims != () or stop.dims != ():
        return Shape.UNKNOWN
    return Shape((number,))


def _s_eye(evaluation: Evaluation, params: tuple[str, ...]) -> Shape:
    rows = _int_param(evaluation, params, 0, None)
    columns_value = _value_param(evaluation, params, 1)
    columns = rows if columns_value is None else shapes.const_int(columns_value)
    batch_value = _value_param(evaluation, params, 2)
    batch = [] if batch_value is None else shapes.int_items(batch_value)
    if batch is None:
        return Shape.UNKNOWN
    return Shape((*batch, rows, columns))


def _s_where(evaluation: Evaluation, params: tuple[str, ...]) -> Shape:
    condition = _shape_param(evaluation, params, 0)
    x, y = _value_param(evaluation, params, 1), _value_param(evaluation, params, 2)
    if x is None and y is None:
        return Shape((None, condition.rank))
    others = [shapes.shape_of(v) for v in (x, y) if v is not None]
    return shapes.broadcast([condition, *others])


def _s_einsum(evaluation: Evaluation, params: tuple[str, ...]) -> Shape:
    equation = _value_param(evaluation, params, 0)
    operands = _value_param(evaluation, params, 1)
    if equation is None or operands is None:
        return Shape.UNKNOWN
    known, text = equation.constant()
    items = known_items(operands)
    if not known or not isinstance(text, str) or items is None:
        return Shape.UNKNOWN
    return shapes.einsum(text, [shapes.shape_of(i) for i in items])


def _s_sequence_mask(evaluation: Evaluation, params: tuple[str, ...]) -> Shape:
    return shapes.append(
        _shape_param(evaluation, params, 0), _int_param(evaluation, params, 1, None)
    )


def _s_pad(evaluation: Evaluation, params: tuple[str, ...]) -> Shape:
    shape = _shape_param(evaluation, params, 0)
    paddings = _value_param(evaluation, params, 1)
    rows = None if paddings is None else known_items(paddings)
    if shape.dims is None:
        return Shape.UNKNOWN
    if rows is None or len(rows) != len(shape.dims):
        return Shape.of_rank(len(shape.dims))
    dims: list[Dim] = []
    for dim, row in zip(shape.dims, rows, strict=True):
        pair = shapes.int_items(row)
        if dim is None or pair is None or len(pair) != 2 or None in pair:
            dims.append(None)
        else:
            dims.append(dim + sum(p for p in pair if p is not None))
    return Shape(tuple(dims))


def _s_categorical(evaluation: Evaluation, params: tuple[str, ...]) -> Shape:
    logits = _shape_param(evaluation, params, 0)
    samples = _int_param(evaluation, params, 1, None)
    if logits.dims is None or len(logits.dims) != 2:
        return Shape.UNKNOWN
    return Shape((logits.dims[0], samples))


def _s_loss_reduction(evaluation: Evaluation, params: tuple[str, ...]) -> Shape:
    prediction = _shape_param(evaluation, params, 0)
    if len(params) < 2:
        return Shape.UNKNOWN
    reduction = evaluation.param(params[1])
    if reduction is None:
        return Shape.UNKNOWN
    known, constant = reduction.constant()
    if not known:
        return Shape.UNKNOWN
    if constant is None or constant == "none":
        return shapes.drop_last(prediction)
    return Shape.SCALAR


#: Shape rules, tried left to right across ``|`` until one gives a known rank.
SHAPE_RULES: Final[dict[str, str]] = {
    "scalar": "()",
    "unknown": "unknown rank",
    "same:P / literal:P": "shape of P (a nested Python list gives its literal shape)",
    "broadcast:P,Q,...": "broadcast of the shapes",
    "matmul:A,B[,TA,TB,AA,AB]": "matrix product, transpose/adjoint flags, batch dims broadcast",
    "np-matmul:A,B": "np.matmul / @ on arrays (1-D operands allowed)",
    "reduce:X,AXIS,KEEPDIMS": "reduction (AXIS None: all)",
    "argmax:X,AXIS": "tf.argmax (AXIS None: 0)",
    "from-arg:P": "a shape argument: list/tuple of ints, an int, or a 1-D tensor of known length",
    "reshape:X,SHAPE": "reshape, one -1 inferred when possible",
    "concat:VALUES,AXIS": "concatenation of a list of tensors",
    "stack:VALUES,AXIS": "stacking a list of tensors",
    "unify:VALUES": "the common shape of a list of same-shaped tensors (Keras Add)",
    "expand-dims:X,AXIS": "insert a 1",
    "squeeze:X,AXIS": "remove 1s (AXIS None: all, when static)",
    "transpose:X,PERM": "permutation (PERM None: reverse)",
    "one-hot:INDICES,DEPTH,AXIS": "insert DEPTH at AXIS",
    "gather:PARAMS,INDICES,AXIS,BATCH_DIMS": "tf.gather",
    "gather-nd:PARAMS,INDICES,BATCH_DIMS": "tf.gather_nd",
    "tile:X,MULTIPLES": "tf.tile",
    "shape-vector:X": "(rank of X,): the result of tf.shape",
    "vector": "(None,)",
    "boolean-mask:X,MASK,AXIS": "tf.boolean_mask",
    "drop-first:X / drop-last:X": "X without its first / last dim",
    "replace-last:X,N / append:X,N / prepend:X,N": "last dim replaced / N appended / prepended",
    "unknown-first:X": "X with an unknown first dim (segment ops)",
    "flatten:X": "Keras Flatten (batch, product of the rest)",
    "global-pool:X,KEEPDIMS": "Keras global pooling (batch, channels)",
    "conv:X,FILTERS,KERNEL,STRIDES,PADDING,RANK[,FORMAT]": "channels-last convolution",
    "pool:X,POOL,STRIDES,PADDING,RANK[,FORMAT]": "channels-last pooling",
    "nn-conv:X,FILTERS,STRIDES,PADDING,FORMAT,DILATIONS": "tf.nn.conv*d (filters' shape)",
    "nn-depthwise:X,FILTERS,STRIDES,PADDING,FORMAT,DILATIONS": "tf.nn.depthwise_conv2d",
    "nn-pool:X,KSIZE,STRIDES,PADDING,FORMAT": "tf.nn.max_pool* / avg_pool*",
    "image-size:IMAGES,HEIGHT,WIDTH": "image (batch, HEIGHT, WIDTH, channels): crops, pads",
    "image-resize:IMAGES,SIZE,PRESERVE_ASPECT": "tf.image.resize (SIZE = [height, width])",
    "rot90:IMAGE,K": "tf.image.rot90 (odd K swaps height and width)",
    "stacked:SIZE,ELEMENT_SHAPE,DYNAMIC": "TensorArray.stack: (SIZE or None, *ELEMENT_SHAPE)",
    "gathered:INDICES,ELEMENT_SHAPE": "TensorArray.gather: (len(INDICES), *ELEMENT_SHAPE)",
    "rnn:X,UNITS,RETURN_SEQUENCES": "Keras LSTM/GRU/SimpleRNN",
    "keras-input:SHAPE,BATCH": "keras.Input: (BATCH, *SHAPE)",
    "keras-reshape:X,TARGET": "Keras Reshape: (batch, *TARGET)",
    "range:START,LIMIT,DELTA": "tf.range / np.arange length",
    "linspace:START,STOP,NUM": "(NUM,)",
    "eye:N,M,BATCH": "(*BATCH, N, M or N)",
    "where:COND,X,Y": "tf.where (X, Y absent: (None, rank of COND))",
    "einsum:EQUATION,OPERANDS": "einsum without ellipsis",
    "sequence-mask:LENGTHS,MAXLEN": "lengths shape + (MAXLEN,)",
    "pad:X,PADDINGS": "tf.pad with constant paddings",
    "categorical:LOGITS,NUM": "(batch, NUM)",
    "loss-reduction:Y_PRED,REDUCTION": "Keras loss: scalar, or per-sample when reduction is none",
}


SHAPE_FUNCTIONS: Final[dict[str, ShapeFunction]] = {
    "scalar": _s_scalar,
    "unknown": _s_unknown,
    "same": _s_same,
    "literal": _s_same,
    "broadcast": _s_broadcast,
    "matmul": _s_matmul(False),
    "np-matmul": _s_matmul(True),
    "reduce": _s_reduce(None),
    "argmax": _s_reduce(0),
    "from-arg": _s_from_arg,
    "reshape": _s_reshape,
    "concat": _s_concat,
    "stack": _s_stack,
    "unify": _s_unify,
    "expand-dims": _s_expand_dims,
    "expand_dims": _s_expand_dims,
    "squeeze": _s_squeeze,
    "transpose": _s_transpose,
    "one-hot": _s_one_hot,
    "gather": _s_gather,
    "gather-nd": _s_gather_nd,
    "tile": _s_tile,
    "shape-vector": _s_shape_vector,
    "vector": _s_vector,
    "boolean-mask": _s_boolean_mask,
    "drop-first": _s_drop_first,
    "drop-last": _s_drop_last,
    "replace-last": _s_replace_last,
    "dense": _s_replace_last,
    "append": _s_append,
    "prepend": _s_prepend,
    "unknown-first": _s_unknown_first,
    "flatten": _s_flatten,
    "global-pool": _s_global_pool,
    "conv": _s_conv,
    "pool": _s_pool,
    "nn-conv": _nn_spatial("conv"),
    "nn-depthwise": _nn_spatial("depthwise"),
    "nn-pool": _nn_spatial("pool"),
    "image-size": _s_image_size,
    "image-resize": _s_image_resize,
    "rot90": _s_rot90,
    "stacked": _s_stacked,
    "gathered": _s_gathered,
    "rnn": _s_rnn,
    "keras-input": _s_keras_input,
    "keras-reshape": _s_keras_reshape,
    "range": _s_range,
    "linspace": _s_linspace,
    "eye": _s_eye,
    "where": _s_where,
    "einsum": _s_einsum,
    "sequence-mask": _s_sequence_mask,
    "pad": _s_pad,
    "categorical": _s_categorical,
    "loss-reduction": _s_loss_reduction,
}

