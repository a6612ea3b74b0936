"""``shape-retracing``: a ``tf.function`` re-traces on the shapes or dtypes of its tensors.

What: call sites pass tensors (or NumPy arrays) of two or more distinct shapes or dtypes to the
hybrid function, or the elements of a dataset batched without ``drop_remainder=True`` (the last
batch is smaller).

Why: without an ``input_signature``, a ``tf.function`` traces a new graph for every new input
shape and dtype: four batch sizes cost four traces (``tests/tf_behaviour``), and tracing costs
far more than a call. An ``input_signature`` with ``None`` for the varying dims makes it trace
once; ``reduce_retracing=True`` makes it trace at most twice per dtype.

Example::

    @tf.function
    def step(x): ...

    step(tf.ones([32, 784]))
    step(tf.ones([64, 784]))     # a second trace

How to fix: ``hybridize fix`` adds the inferred ``input_signature`` (or ``reduce_retracing=True``
when no complete signature exists).

Assumptions: callers outside the analysed code are assumed to pass what the analysed ones do
(an ``external-callers`` assumption when there are none).
"""

from __future__ import annotations

from hybridize.refactor.model import Category, Finding, Premise
from hybridize.refactor.premises import site_items
from hybridize.refactor.registry import Applies, Rule, RuleContext
from hybridize.transfer.facts import FunctionFacts


def check(facts: FunctionFacts, context: RuleContext) -> Finding | None:
    sites = facts.signature.retracing
    if not sites:
        return None
    return Finding(
        "shape-retracing",
        "re-traces: its tensor arguments come in several shapes or dtypes",
        (
            Premise(
                "receives tensors of several shapes or dtypes (one trace each)",
                sites[0].location,
                site_items(sites),
            ),
        ),
    )


RULE = Rule(
    id="shape-retracing",
    category=Category.BENEFIT,
    applies=Applies.HYBRID,
    summary="the tf.function re-traces on tensor shapes or dtypes",
    check=check,
    doc=__doc__ or "",
    valid=(
        "import tensorflow as tf\n\n@tf.function\ndef target(x):\n    return x * 2\n\n"
        "target(tf.ones([2, 3]))\ntarget(tf.ones([2, 3]))\n",
    ),
    invalid=(
        "import tensorflow as tf\n\n@tf.function\ndef target(x):\n    return x * 2\n\n"
        "target(tf.ones([2, 3]))\ntarget(tf.ones([4, 3]))\n",
        "import tensorflow as tf\n\n@tf.function\ndef target(x):\n    return x * 2\n\n"
        "for batch in tf.data.Dataset.from_tensor_slices(tf.ones([10, 3])).batch(4):\n"
        "    target(batch)\n",
    ),
)
