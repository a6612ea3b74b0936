"""Section C of hazards.md: ``reconfigure`` (``add-input-signature`` / ``reduce-retracing``).

Claims the reconfigure decisions rely on, each shown on TF 2.21 by counting traces
(``experimental_get_tracing_count``) or by the exact exception raised:

1. a plain ``tf.function`` traces once per distinct input shape and once per dtype, NumPy
   arguments included (so calls with several batch sizes re-trace);
2. ``reduce_retracing=True`` relaxes after the second shape: 4 shapes → 2 traces (the first
   exact, then one with the varying axis ``None``);
3. ``input_signature=[TensorSpec((None, 3), float32)]``: any batch size → 1 trace, same results
   as eager;
4. ``Dataset.batch`` without ``drop_remainder`` yields a smaller last batch → 2 traces; with
   ``drop_remainder=True`` → 1;
5. a signature does not cast tensors: another dtype, rank or known dim raises ``TypeError``
   ("Can not cast ..."), whereas NumPy arrays and Python lists are converted to the spec's dtype
   (silently losing float64 precision);
6. ``static-shape-read``: an axis the signature makes ``None`` reads as ``None`` in the trace, so
   Python-int uses of it (``tf.reshape`` sizes, ``range``, ``Dense(units)``, ``np.zeros``,
   arithmetic) raise; ``tf.shape(x)[0]`` and axes the signature keeps known work;
7. binding rules: the signature binds the *leading* positional parameters; defaulted parameters
   after it are frozen to their default (passing another value raises ``TypeError``, passing an
   equal one is fine); a signature that misses a non-defaulted parameter raises at decoration
   time; keyword-only parameters cannot usefully be in a signature; extra ``*args`` raise;
   keyword calls work; an omitted defaulted parameter *inside* the signature gets its default
   converted, which fails for ``None``;
8. nested containers must match exactly (a list spec rejects a tuple and vice versa); ragged and
   sparse specs give 1 trace over varying sizes (a plain ``tf.function`` re-traces on each);
9. methods: ``self`` is not part of the signature (one spec for one parameter after ``self``;
   a spec for ``self`` is an error at class definition).

Where the brief's wording needed sharpening, the test asserts what TF does: passing a value
*equal* to a default that is outside the signature does not raise (the default is a
``Literal`` type); a keyword-only parameter *with* a default can be given a spec, but then every
call raises ``TypeError: too many positional arguments``.
"""

from __future__ import annotations

from typing import Any

import pytest

np = pytest.importorskip("numpy")
tf = pytest.importorskip("tensorflow")

pytestmark = pytest.mark.tf

BATCHES = (1, 2, 3, 4)
CANNOT_CAST = r"Binding inputs to tf\.function failed due to `Can not cast "


def _rows() -> Any:
    return tf.TensorSpec(shape=(None, 3), dtype=tf.float32)


def _vector() -> Any:
    return tf.TensorSpec(shape=(None,), dtype=tf.float32)


def _row_sums(x: Any) -> Any:
    return tf.reduce_sum(x * 2.0, axis=-1)


# 1. a plain tf.function traces per shape and per dtype ---------------------------------------


def test_plain_function_traces_once_per_distinct_shape() -> None:
    traced = tf.function(_row_sums)
    for batch in BATCHES:
        traced(tf.ones((batch, 3)))
    assert traced.experimental_get_tracing_count() == 4
    for batch in BATCHES:  # same shapes, new values: cached
        traced(tf.random.uniform((batch, 3)))
    assert traced.experimental_get_tracing_count() == 4


def test_plain_function_traces_once_per_distinct_dtype() -> None:
    traced = tf.function(_row_sums)
    for dtype in (tf.float32, tf.float64, tf.float16):
        traced(tf.ones((2, 3), dtype))
    assert traced.experimental_get_tracing_count() == 3


def test_numpy_arguments_trace_per_shape() -> None:
    traced = tf.function(_row_sums)
    for batch in BATCHES:
        traced(np.ones((batch, 3), np.float32))
    for batch in BATCHES:  # new values, same shapes
        traced(np.full((batch, 3), 5.0, np.float32))
    assert traced.experimental_get_tracing_count() == 4


# 2. reduce_retracing -------------------------------------------------------------------------


def test_reduce_retracing_traces_twice_for_four_shapes() -> None:
    traced = tf.function(_row_sums, reduce_retracing=True)
    for batch in BATCHES:
        traced(tf.ones((batch, 3)))
    assert traced.experimental_get_tracing_count() == 2
    # The second trace generalised the batch axis, so further sizes reuse it.
    traced(tf.ones((17, 3)))
    assert traced.experimental_get_tracing_count() == 2
    relaxed = traced.get_concrete_function(tf.TensorSpec((None, 3), tf.float32))
    assert relaxed.structured_input_signature[0][0].shape.as_list() == [None, 3]
    assert traced.experimental_get_tracing_count() == 2


# 3. input_signature with a None batch axis ---------------------------------------------------


def test_signature_with_none_batch_traces_once_and_matches_eager() -> None:
    traced = tf.function(_row_sums, input_signature=[_rows()])
    for batch in (*BATCHES, 17):
        x = tf.random.uniform((batch, 3), seed=batch)
        result = traced(x)
        assert result.shape == (batch,)
        np.testing.assert_allclose(result.numpy(), _row_sums(x).numpy(), rtol=1e-6)
    assert traced.experimental_get_tracing_count() == 1


# 4. tf.data: the smaller last batch ------------------------------------------------------------


def test_dataset_remainder_batch_retraces() -> None:
    dataset = tf.data.Dataset.from_tensor_slices(tf.ones((10, 3))).batch(4)
    assert [tuple(batch.shape) for batch in dataset] == [(4, 3), (4, 3), (2, 3)]
    traced = tf.function(_row_sums)
    for batch in dataset:
        traced(batch)
    assert traced.experimental_get_tracing_count() == 2


def test_dataset_drop_remainder_traces_once() -> None:
    dataset = tf.data.Dataset.from_tensor_slices(tf.ones((10, 3))).batch(4, drop_remainder=True)
    traced = tf.function(_row_sums)
    for batch in dataset:
        traced(batch)
    assert traced.experimental_get_tracing_count() == 1


def test_dataset_remainder_batch_with_signature_traces_once() -> None:
    dataset = tf.data.Dataset.from_tensor_slices(tf.ones((10, 3))).batch(4)
    traced = tf.function(_row_sums, input_signature=[_rows()])
    for batch in dataset:
        traced(batch)
    assert traced.experimental_get_tracing_count() == 1


# 5. mismatches raise, NumPy/lists are converted --------------------------------------------------


@pytest.mark.parametrize(
    ("spec_shape", "argument_shape", "dtype"),
    [
        pytest.param((None, 3), (2, 3), "float64", id="float64-tensor-into-float32"),
        pytest.param((None, 3), (2, 3), "int32", id="int32-tensor-into-float32"),
        pytest.param((None,), (2, 3), "float32", id="rank-2-into-rank-1"),
        pytest.param((None, 3), (3,), "float32", id="rank-1-into-rank-2"),
        pytest.param((None, 3), (2, 4), "float32", id="other-known-dim"),
    ],
)
def test_tensor_mismatching_the_signature_raises(
    spec_shape: tuple[Any, ...], argument_shape: tuple[int, ...], dtype: str
) -> None:
    traced = tf.function(tf.identity, input_signature=[tf.TensorSpec(spec_shape, tf.float32)])
    with pytest.raises(TypeError, match=CANNOT_CAST + r"TensorSpec\(shape="):
        traced(tf.ones(argument_shape, dtype))
    assert traced.experimental_get_tracing_count() == 0


def test_numpy_array_with_other_shape_raises_too() -> None:
    traced = tf.function(tf.identity, input_signature=[_rows()])
    with pytest.raises(TypeError, match=CANNOT_CAST):
        traced(np.ones((2, 4), np.float32))


def test_numpy_float64_array_is_converted_to_the_spec_dtype() -> None:
    traced = tf.function(tf.identity, input_signature=[_rows()])
    third = np.full((2, 3), 1 / 3)
    assert third.dtype == np.float64
    result = traced(third)
    assert result.dtype == tf.float32
    assert result.numpy()[0, 0] == np.float32(1 / 3)  # precision silently reduced
    assert traced(np.ones((5, 3), np.int64)).dtype == tf.float32
    assert traced.experimental_get_tracing_count() == 1


def test_python_lists_are_converted_to_the_spec_dtype() -> None:
    traced = tf.function(tf.identity, input_signature=[_rows()])
    floats = traced([[1.5, 2.5, 3.5]])
    assert floats.dtype == tf.float32
    assert floats.numpy().tolist() == [[1.5, 2.5, 3.5]]
    assert traced([[1, 2, 3], [4, 5, 6]]).dtype == tf.float32  # ints too
    assert traced.experimental_get_tracing_count() == 1


# 6. static shape reads of a None axis ----------------------------------------------------------


def _flatten_static(x: Any) -> Any:
    return tf.reshape(x, [x.shape[0] * 3])


def _range_static(x: Any) -> Any:
    rows = [x[i] for i in range(x.shape[0])]
    return tf.stack(rows)


def _dense_static(x: Any) -> Any:
    layer = tf.keras.layers.Dense(x.shape[0])  # constructed only: calling it creates variables
    return x * float(layer.units)


def _numpy_static(x: Any) -> Any:
    return x[:, 0] + np.zeros(x.shape[0], np.float32)


def _half_static(x: Any) -> Any:
    return x[: x.shape[0] // 2]


def _scale_static(x: Any) -> Any:
    return x * float(x.shape[0] + 1)


@pytest.mark.parametrize(
    ("body", "error", "message"),
    [
        pytest.param(
            _flatten_static,
            TypeError,
            r"unsupported operand type\(s\) for \*: 'NoneType' and 'int'",
            id="reshape",
        ),
        pytest.param(
            _range_static,
            TypeError,
            r"'NoneType' object cannot be interpreted as an integer",
            id="range",
        ),
        pytest.param(
            _dense_static,
            ValueError,
            r"Received an invalid value for `units`, expected a positive integer\. "
            r"Received: units=None",
            id="keras-dense-units",
        ),
        pytest.param(
            _numpy_static, TypeError, r"Use \(\) not None as shape arguments", id="np-zeros"
        ),
        pytest.param(
            _half_static,
            TypeError,
            r"unsupported operand type\(s\) for //: 'NoneType' and 'int'",
            id="floordiv",
        ),
        pytest.param(
            _scale_static,
            TypeError,
            r"unsupported operand type\(s\) for \+: 'NoneType' and 'int'",
            id="add",
        ),
    ],
)
def test_static_read_of_a_none_axis_fails(body: Any, error: type, message: str) -> None:
    x = tf.ones((2, 3))
    body(x)  # eagerly the axis is a concrete int: fine
    tf.function(body)(x)  # without a signature the trace sees 2: fine
    with pytest.raises(error, match=message):
        tf.function(body, input_signature=[_rows()])(x)


def test_none_axis_reads_as_none_inside_the_trace() -> None:
    seen: list[Any] = []

    def record(x: Any) -> Any:
        seen.append((x.shape[0], x.shape[1]))
        return x

    tf.function(record, input_signature=[_rows()])(tf.ones((2, 3)))
    assert seen == [(None, 3)]


def test_dynamic_shape_of_a_none_axis_works() -> None:
    def flatten(x: Any) -> Any:
        return tf.reshape(x, [tf.shape(x)[0] * 3])

    traced = tf.function(flatten, input_signature=[_rows()])
    assert traced(tf.ones((4, 3))).shape == (12,)
    assert traced(tf.ones((1, 3))).shape == (3,)
    assert traced.experimental_get_tracing_count() == 1


def test_static_read_of_an_axis_the_signature_keeps_known_works() -> None:
    def use_width(x: Any) -> Any:
        width = x.shape[1]
        units = tf.keras.layers.Dense(width).units  # construct only: no variables
        padded = x + np.zeros(width, np.float32)
        return tf.reshape(padded, [-1, width * units])

    traced = tf.function(use_width, input_signature=[_rows()])
    assert traced(tf.ones((6, 3))).shape == (2, 9)
    assert traced(tf.ones((3, 3))).shape == (1, 9)
    assert traced.experimental_get_tracing_count() == 1


# 7. binding rules --------------------------------------------------------------------------------


def _scaled(x: Any, scale: float = 2.0) -> Any:
    return x * scale


def test_defaulted_parameter_left_out_of_the_signature_at_the_end() -> None:
    traced = tf.function(_scaled, input_signature=[_vector()])
    assert traced(tf.ones((2,))).numpy().tolist() == [2.0, 2.0]
    assert traced(tf.ones((3,)), 2.0).numpy().tolist() == [2.0, 2.0, 2.0]  # equal value: fine
    assert traced(tf.ones((1,)), scale=2).numpy().tolist() == [2.0]  # 2 == 2.0: fine
    assert traced.experimental_get_tracing_count() == 1
    message = CANNOT_CAST + r"3\.0 to Literal\[2\.0\]`"
    with pytest.raises(TypeError, match=message):
        traced(tf.ones((2,)), 3.0)
    with pytest.raises(TypeError, match=message):
        traced(tf.ones((2,)), scale=3.0)
    with pytest.raises(TypeError, match=r"Can not cast <tf\.Tensor: .* to Literal\[2\.0\]`"):
        traced(tf.ones((2,)), tf.constant(3.0))


def test_signature_binds_the_leading_parameters_only() -> None:
    """A defaulted parameter can only be left out after the last one in the signature."""

    def affine(x: Any, a: float = 1.0, b: float = 2.0) -> Any:
        return x * a + b

    traced = tf.function(affine, input_signature=[_vector(), tf.TensorSpec((), tf.float32)])
    assert traced(tf.ones((2,)), tf.constant(3.0)).numpy().tolist() == [5.0, 5.0]
    assert traced(tf.ones((2,)), a=4.0).numpy().tolist() == [6.0, 6.0]  # a is in the signature
    assert traced.experimental_get_tracing_count() == 1
    with pytest.raises(TypeError, match=r"Can not cast .* to Literal\[2\.0\]`"):
        traced(tf.ones((2,)), b=tf.constant(3.0))  # b is not: frozen to its default


def test_signature_missing_a_required_parameter_raises_at_decoration() -> None:
    def add(x: Any, y: Any) -> Any:
        return x + y

    with pytest.raises(TypeError, match=r"^input_signature missing type constraint for y$"):
        tf.function(add, input_signature=[_vector()])


def test_keyword_only_parameter_without_default_is_rejected() -> None:
    def scaled(x: Any, *, scale: Any) -> Any:
        return x * scale

    message = (
        r"^Since input_signature is defined, keyword-only parameter `scale` must have a "
        r"default value$"
    )
    for signature in ([_vector()], [_vector(), _vector()]):
        with pytest.raises(TypeError, match=message):
            tf.function(scaled, input_signature=signature)


def test_keyword_only_parameter_with_default_is_frozen_to_it() -> None:
    def scaled(x: Any, *, scale: float = 2.0) -> Any:
        return x * scale

    traced = tf.function(scaled, input_signature=[_vector()])
    assert traced(tf.ones((2,))).numpy().tolist() == [2.0, 2.0]
    assert traced(tf.ones((2,)), scale=2.0).numpy().tolist() == [2.0, 2.0]
    with pytest.raises(TypeError, match=CANNOT_CAST + r"3\.0 to Literal\[2\.0\]`"):
        traced(tf.ones((2,)), scale=3.0)


def test_keyword_only_parameter_given_a_spec_makes_every_call_fail() -> None:
    """Decoration succeeds (the spec lands on ``scale``) but no call can bind."""

    def scaled(x: Any, *, scale: float = 2.0) -> Any:
        return x * scale

    traced = tf.function(scaled, input_signature=[_vector(), tf.TensorSpec((), tf.float32)])
    for kwargs in ({}, {"scale": 3.0}, {"scale": tf.constant(3.0)}):
        with pytest.raises(TypeError, match=r"too many positional arguments"):
            traced(tf.ones((2,)), **kwargs)
    assert traced.experimental_get_tracing_count() == 0


def test_extra_positional_arguments_beyond_the_signature_raise() -> None:
    def first(x: Any, *rest: Any) -> Any:
        return x

    traced = tf.function(first, input_signature=[_vector()])
    traced(tf.ones((2,)))
    with pytest.raises(TypeError, match=r"failed due to `too many positional arguments`"):
        traced(tf.ones((2,)), tf.ones((2,)))
    # *args covered by the signature become fixed positional parameters.
    covered = tf.function(first, input_signature=[_vector(), _vector()])
    covered(tf.ones((2,)), tf.ones((2,)))
    with pytest.raises(TypeError, match=r"missing a required argument: 'rest_0'"):
        covered(tf.ones((2,)))


def test_keyword_calls_bind_to_the_signature() -> None:
    def subtract(x: Any, y: Any) -> Any:
        return x - y

    traced = tf.function(subtract, input_signature=[_vector(), _vector()])
    assert traced(x=tf.constant([3.0]), y=tf.constant([1.0])).numpy().tolist() == [2.0]
    assert traced(y=tf.constant([1.0]), x=tf.constant([5.0])).numpy().tolist() == [4.0]
    assert traced(tf.constant([5.0, 6.0]), y=tf.constant([1.0, 1.0])).numpy().tolist() == [
        4.0,
        5.0,
    ]
    assert traced.experimental_get_tracing_count() == 1
    with pytest.raises(TypeError, match=r"too many positional arguments"):
        traced(tf.ones((1,)), tf.ones((1,)), tf.ones((1,)))


def test_defaulted_parameter_inside_the_signature_may_be_omitted() -> None:
    def shifted(x: Any, y: Any = 1) -> Any:
        return x + y

    traced = tf.function(shifted, input_signature=[_vector(), tf.TensorSpec((), tf.float32)])
    assert traced(tf.ones((2,))).numpy().tolist() == [2.0, 2.0]  # int default → float32
    assert traced(tf.ones((2,)), 3.0).numpy().tolist() == [4.0, 4.0]
    assert traced.experimental_get_tracing_count() == 1


def test_none_default_inside_the_signature_fails_when_omitted() -> None:
    def maybe_add(x: Any, y: Any = None) -> Any:
        return x if y is None else x + y

    traced = tf.function(maybe_add, input_signature=[_vector(), _vector()])
    assert traced(tf.ones((2,)), tf.ones((2,))).numpy().tolist() == [2.0, 2.0]
    with pytest.raises(
        TypeError,
        match=r"failed due to `Attempt to convert a value \(None\) with an unsupported type "
        r"\(<class 'NoneType'>\) to a Tensor\.`",
    ):
        traced(tf.ones((2,)))


def test_default_that_does_not_fit_the_spec_fails_when_omitted() -> None:
    traced = tf.function(_scaled, input_signature=[_vector(), _vector()])
    with pytest.raises(TypeError, match=CANNOT_CAST + r"TensorSpec\(shape=\(\), "):
        traced(tf.ones((2,)))  # the scalar default 2.0 is not rank 1


# 8. nested, ragged and sparse specs --------------------------------------------------------------


def _pair_sum(pair: Any) -> Any:
    return pair[0] + pair[1]


def test_list_spec_accepts_lists_only() -> None:
    traced = tf.function(_pair_sum, input_signature=[[_vector(), _vector()]])
    assert traced([tf.ones((2,)), tf.ones((2,))]).numpy().tolist() == [2.0, 2.0]
    assert traced([np.ones(3, np.float32), np.ones(3)]).shape == (3,)  # elements converted
    assert traced.experimental_get_tracing_count() == 1
    with pytest.raises(TypeError, match=r"Can not cast \(<tf\.Tensor.* to list type\.`"):
        traced((tf.ones((2,)), tf.ones((2,))))
    with pytest.raises(TypeError):
        traced([tf.ones((2,))] * 3)  # another length


def test_tuple_spec_accepts_tuples_only() -> None:
    traced = tf.function(_pair_sum, input_signature=[(_vector(), _vector())])
    assert traced((tf.ones((2,)), tf.ones((2,)))).numpy().tolist() == [2.0, 2.0]
    with pytest.raises(TypeError, match=r"Can not cast \[<tf\.Tensor.* to tuple type\.`"):
        traced([tf.ones((2,)), tf.ones((2,))])


def _row_lengths(ragged: Any) -> Any:
    return ragged.row_lengths()


RAGGED_ROWS = ([[1], [2, 3]], [[1, 2, 3], [], [4], [5, 6]], [[7]])


def test_ragged_spec_traces_once_over_varying_sizes() -> None:
    spec = tf.RaggedTensorSpec(shape=(None, None), dtype=tf.int32, ragged_rank=1)
    traced = tf.function(_row_lengths, input_signature=[spec])
    lengths = [traced(tf.ragged.constant(rows, tf.int32)).numpy().tolist() for rows in RAGGED_ROWS]
    assert lengths == [[1, 2], [3, 0, 1, 2], [1]]
    assert traced.experimental_get_tracing_count() == 1
    plain = tf.function(_row_lengths)
    for rows in RAGGED_ROWS:
        plain(tf.ragged.constant(rows, tf.int32))
    assert plain.experimental_get_tracing_count() == 3
    with pytest.raises(TypeError):
        traced(tf.ones((2, 2), tf.int32))  # a dense tensor is not accepted


def _sparse(rows: int) -> Any:
    return tf.sparse.SparseTensor(
        indices=[[row, row % 4] for row in range(rows)], values=[1.0] * rows, dense_shape=[rows, 4]
    )


def _sparse_row_sums(sparse: Any) -> Any:
    return tf.sparse.reduce_sum(sparse, axis=1)


def test_sparse_spec_traces_once_over_varying_sizes() -> None:
    spec = tf.SparseTensorSpec(shape=(None, 4), dtype=tf.float32)
    traced = tf.function(_sparse_row_sums, input_signature=[spec])
    sums = [traced(_sparse(rows)).numpy().tolist() for rows in (1, 3, 5)]
    assert sums == [[1.0], [1.0] * 3, [1.0] * 5]
    assert traced.experimental_get_tracing_count() == 1
    plain = tf.function(_sparse_row_sums)
    for rows in (1, 3, 5):
        plain(_sparse(rows))
    assert plain.experimental_get_tracing_count() == 3
    with pytest.raises(TypeError):
        traced(tf.ones((2, 4)))  # a dense tensor is not accepted


# 9. methods ----------------------------------------------------------------------------------


def test_method_signature_excludes_self() -> None:
    class Scale(tf.Module):
        def __init__(self) -> None:
            super().__init__()
            self.weight = tf.Variable(2.0)

        @tf.function(input_signature=[tf.TensorSpec(shape=(None, 3), dtype=tf.float32)])
        def __call__(self, x: Any) -> Any:
            return x * self.weight

        @tf.function(input_signature=[tf.TensorSpec(shape=(None, 3), dtype=tf.float32)])
        def apply(self, x: Any) -> Any:
            return x * self.weight

    module = Scale()
    for batch in (1, 2, 5):
        assert module(tf.ones((batch, 3))).shape == (batch, 3)
        assert module.apply(tf.ones((batch, 3))).numpy().sum() == 6.0 * batch
    assert module.__call__.experimental_get_tracing_count() == 1
    assert module.apply.experimental_get_tracing_count() == 1
    (spec,), _ = module.apply.get_concrete_function().structured_input_signature
    assert spec.shape.as_list() == [None, 3]


def test_spec_for_self_is_an_error() -> None:
    def method(self: Any, x: Any) -> Any:
        return x

    with pytest.raises(TypeError, match=r"^input_signature contains 1 extra type constraints\.$"):

        class Broken(tf.Module):
            apply = tf.function(method, input_signature=[tf.TensorSpec(None, tf.float32), _rows()])
