"""Reason id ``eager-only-call``.

Claim (hazards.md A): APIs that need concrete values — ``Tensor.numpy()``, ``int()/float()/
bool()/len()`` on a tensor of unknown value, Keras ``fit/predict/evaluate/*_on_batch``,
branching on ``tf.executing_eagerly()`` — raise or silently behave differently on symbolic
tensors.

Shown here on TF 2.21 / Keras 3.15, and where it is more nuanced than the catalogue says:

* ``x.numpy()`` raises ``AttributeError: 'SymbolicTensor' object has no attribute 'numpy'``.
* ``int(x)``/``float(x)`` do **not** raise under default AutoGraph: AutoGraph rewrites them to
  ``tf.cast`` and they return a symbolic tensor, so Python code that uses the result as a
  number then misbehaves (``int(x) + 0.5`` raises a dtype ``TypeError``, ``items[int(x)]``
  raises ``TypeError``). With ``autograph=False`` they raise ``TypeError`` directly.
* ``bool(x)`` outside an AutoGraph-converted condition raises ``OperatorNotAllowedInGraphError``.
* ``len(x)`` with an unknown first dimension returns a symbolic tensor under AutoGraph
  (``[0] * len(x)`` then silently yields a different value), and raises ``TypeError: len is not
  well defined for a symbolic Tensor`` with ``autograph=False``; with a known first dimension it
  is a Python int.
* Keras: ``fit`` and ``evaluate`` raise ``OperatorNotAllowedInGraphError``; ``predict`` and
  ``predict_on_batch`` raise ``AttributeError`` (``.numpy`` on a symbolic tensor). But
  ``train_on_batch`` and ``test_on_batch`` **work** inside a ``tf.function``: they train on
  every call and return a ``tf.Tensor`` where eager returns a Python ``float``.
* ``tf.executing_eagerly()`` is ``False`` while tracing, so a branch on it takes the other arm.
"""

from __future__ import annotations

from typing import Any

import pytest

np = pytest.importorskip("numpy")
tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")

pytestmark = [
    pytest.mark.tf,
    pytest.mark.filterwarnings(
        "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning"
    ),
]

UNKNOWN_LENGTH = [tf.TensorSpec([None], tf.float32)]


def test_numpy_method_raises_on_a_symbolic_tensor() -> None:
    def body(x: Any) -> Any:
        return x.numpy()

    assert body(tf.constant(1.0)) == 1.0
    with pytest.raises(AttributeError, match="'SymbolicTensor' object has no attribute 'numpy'"):
        tf.function(body)(tf.constant(1.0))


@pytest.mark.parametrize("convert", [int, float])
def test_int_float_raise_without_autograph(convert: type) -> None:
    def body(x: Any) -> Any:
        return convert(x)

    assert body(tf.constant(2.0)) == 2
    with pytest.raises(TypeError, match="SymbolicTensor"):
        tf.function(body, autograph=False)(tf.constant(2.0))


def test_int_becomes_a_cast_under_autograph() -> None:
    seen: list[Any] = []

    @tf.function
    def body(x: Any) -> Any:
        converted = int(x)
        seen.append(converted)
        return converted

    assert int(body(tf.constant(2.7))) == 2
    assert not isinstance(seen[0], int)
    assert type(seen[0]).__name__ == "SymbolicTensor"


def test_int_result_used_as_a_python_number_breaks_under_autograph() -> None:
    def body(x: Any) -> Any:
        return int(x) + 0.5

    assert body(tf.constant(2.7)) == 2.5
    with pytest.raises(TypeError, match="has type float32 that does not match type int32"):
        tf.function(body)(tf.constant(2.7))


def test_int_result_used_as_an_index_breaks_under_autograph() -> None:
    items = [10, 20, 30]

    def body(x: Any) -> Any:
        return items[int(x)]

    assert body(tf.constant(1.0)) == 20
    with pytest.raises(TypeError, match="list indices must be integers or slices"):
        tf.function(body)(tf.constant(1.0))


def test_bool_raises_on_a_symbolic_tensor() -> None:
    def body(x: Any) -> Any:
        return bool(x)

    assert body(tf.constant(True)) is True
    with pytest.raises(tf.errors.OperatorNotAllowedInGraphError, match="as a Python `bool`"):
        tf.function(body)(tf.constant(True))


def test_len_of_unknown_first_dim_raises_without_autograph() -> None:
    def body(x: Any) -> Any:
        return len(x)

    traced = tf.function(body, input_signature=UNKNOWN_LENGTH, autograph=False)
    with pytest.raises(TypeError, match="len is not well defined for a symbolic Tensor"):
        traced(tf.constant([1.0, 2.0]))


def test_len_of_unknown_first_dim_is_a_tensor_under_autograph() -> None:
    kinds: list[str] = []

    def body(x: Any) -> Any:
        length = len(x)
        kinds.append(type(length).__name__)
        return length

    tf.function(body, input_signature=UNKNOWN_LENGTH)(tf.constant([1.0, 2.0]))
    tf.function(body)(tf.constant([1.0, 2.0]))
    assert kinds == ["SymbolicTensor", "int"]


def test_len_used_as_a_python_int_silently_changes_the_result() -> None:
    def body(x: Any) -> Any:
        return [0] * len(x)

    assert body(tf.constant([1.0, 2.0])) == [0, 0]
    traced = tf.function(body, input_signature=UNKNOWN_LENGTH)(tf.constant([1.0, 2.0]))
    assert traced.numpy().tolist() == [0]


def test_executing_eagerly_is_false_while_tracing() -> None:
    def body(x: Any) -> Any:
        if tf.executing_eagerly():
            return x + 1.0
        return x - 1.0

    assert float(body(tf.constant(0.0))) == 1.0
    assert float(tf.function(body)(tf.constant(0.0))) == -1.0


def _compiled_model() -> Any:
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, kernel_initializer="ones")])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    return model


_FEATURES = np.ones((4, 2), np.float32)
_TARGETS = np.zeros((4, 1), np.float32)


def test_keras_fit_and_evaluate_raise_inside_tf_function() -> None:
    model = _compiled_model()

    @tf.function
    def fit(x: Any, y: Any) -> Any:
        model.fit(x, y, epochs=1, verbose=0)
        return tf.constant(0)

    @tf.function
    def evaluate(x: Any, y: Any) -> Any:
        return model.evaluate(x, y, verbose=0)

    for traced in (fit, evaluate):
        with pytest.raises(tf.errors.OperatorNotAllowedInGraphError):
            traced(tf.constant(_FEATURES), tf.constant(_TARGETS))


def test_keras_predict_and_predict_on_batch_raise_inside_tf_function() -> None:
    model = _compiled_model()
    assert model.predict(_FEATURES, verbose=0).shape == (4, 1)

    @tf.function
    def predict(x: Any) -> Any:
        return model.predict(x, verbose=0)

    @tf.function
    def predict_on_batch(x: Any) -> Any:
        return model.predict_on_batch(x)

    for traced in (predict, predict_on_batch):
        with pytest.raises(AttributeError, match="'SymbolicTensor' object has no attribute"):
            traced(tf.constant(_FEATURES))


def test_keras_train_and_test_on_batch_work_inside_tf_function() -> None:
    """Discrepancy: these two do not raise; only their return type changes."""
    eager_model = _compiled_model()
    eager = [eager_model.train_on_batch(_FEATURES, _TARGETS) for _ in range(3)]
    assert all(isinstance(loss, float) for loss in eager)

    model = _compiled_model()

    @tf.function
    def train(x: Any, y: Any) -> Any:
        return model.train_on_batch(x, y)

    @tf.function
    def test(x: Any, y: Any) -> Any:
        return model.test_on_batch(x, y)

    traced = [train(tf.constant(_FEATURES), tf.constant(_TARGETS)) for _ in range(3)]
    assert all(isinstance(loss, tf.Tensor) for loss in traced)
    assert [float(loss) for loss in traced] == pytest.approx(eager)
    assert train.experimental_get_tracing_count() == 1
    assert isinstance(test(tf.constant(_FEATURES), tf.constant(_TARGETS)), tf.Tensor)
