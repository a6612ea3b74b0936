"""``signature-mismatch``: an existing ``input_signature`` contradicts a call site.

What: the decorator declares an ``input_signature``, and some call site passes a tensor of
another dtype or rank, a known dim the signature fixes to another size, a different container,
or an argument the signature has no entry for.

Why: ``tf.function`` binds arguments to the declared signature strictly and raises
``TypeError`` for a call that does not fit ("Can not cast TensorSpec(...) to TensorSpec(...)"),
so the call site fails at run time. hybridize never overwrites a declared signature: it reports
the contradiction, with the call sites, for a person to resolve.

Example::

    @tf.function(input_signature=[tf.TensorSpec(shape=(None, 3), dtype=tf.float32)])
    def step(x): ...

    step(tf.ones([2, 3], dtype=tf.float64))     # TypeError

How to fix: correct the signature or the call site (cast, reshape).

Assumptions: none; only contradictions with known dtypes and dims are reported.
"""

from __future__ import annotations

from hybridize.refactor.model import Category, Finding, Premise
from hybridize.refactor.premises import site_items
from hybridize.refactor.registry import Applies, Rule, RuleContext
from hybridize.transfer.facts import FunctionFacts


def check(facts: FunctionFacts, context: RuleContext) -> Finding | None:
    signature = facts.signature
    if not signature.mismatches:
        return None
    first = signature.mismatches[0]
    declared = signature.declared_text or "its input_signature"
    return Finding(
        "signature-mismatch",
        f"call sites contradict input_signature={declared} ({first.detail})",
        (
            Premise(
                f"declares input_signature={declared}",
                facts.decorator.location if facts.decorator else facts.location,
            ),
            Premise(
                "some call sites pass what the signature rejects (TypeError at run time)",
                first.location,
                site_items(signature.mismatches),
            ),
        ),
    )


RULE = Rule(
    id="signature-mismatch",
    category=Category.SIGNATURE,
    applies=Applies.HYBRID,
    summary="an existing input_signature contradicts a call site",
    check=check,
    doc=__doc__ or "",
    valid=(
        "import tensorflow as tf\n\n"
        "@tf.function(input_signature=[tf.TensorSpec(shape=(None, 3), dtype=tf.float32)])\n"
        "def target(x):\n    return x * 2\n\ntarget(tf.ones([2, 3]))\ntarget(tf.ones([4, 3]))\n",
    ),
    invalid=(
        "import tensorflow as tf\n\n"
        "@tf.function(input_signature=[tf.TensorSpec(shape=(None, 3), dtype=tf.float32)])\n"
        "def target(x):\n    return x * 2\n\ntarget(tf.ones([2, 3], dtype=tf.float64))\n",
        "import tensorflow as tf\n\n"
        "@tf.function(input_signature=[tf.TensorSpec(shape=(None, 3), dtype=tf.float32)])\n"
        "def target(x):\n    return x * 2\n\ntarget(tf.ones([2, 4]))\n",
    ),
)
