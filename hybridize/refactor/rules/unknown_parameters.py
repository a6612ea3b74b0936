"""``unknown-parameters``: nothing is known of the parameters.

What: the function has parameters, but there is no call site in the analysed code, no annotation,
and no speculative rule applies, so nothing says whether they are tensors.

Why: without evidence either way, adding ``@tf.function`` is a blind bet: Python arguments would
re-trace on every new value.

Example::

    def scale(x, factor):          # never called in the analysed code
        return x * factor

How to fix: annotate the parameters (``x: tf.Tensor``), or analyse the code that calls it.

Assumptions: none (this reason blocks the decision; it assumes nothing).
"""

from __future__ import annotations

from hybridize.refactor.model import Category, Finding
from hybridize.refactor.premises import at_function
from hybridize.refactor.registry import Applies, Rule, RuleContext
from hybridize.refactor.speculation import speculative_tensor_inputs
from hybridize.transfer.facts import FunctionFacts


def check(facts: FunctionFacts, context: RuleContext) -> Finding | None:
    unknown = [p.name for p in facts.parameters if p.kind == "unknown"]
    if not unknown:
        return None
    known_tensor = any(p.kind in ("tensor", "mixed") for p in facts.parameters)
    if known_tensor:
        return None
    if context.settings.speculative and speculative_tensor_inputs(facts, context) is not None:
        return None
    names = ", ".join(unknown)
    return Finding(
        "unknown-parameters",
        f"nothing is known of {names}: no call site, annotation or speculative rule",
        (at_function(facts, f"parameters of unknown kind: {names}"),),
    )


RULE = Rule(
    id="unknown-parameters",
    category=Category.EVIDENCE,
    applies=Applies.EAGER,
    summary="nothing is known of the parameters",
    check=check,
    doc=__doc__ or "",
    valid=(
        "import tensorflow as tf\n\ndef target(x: tf.Tensor):\n    return tf.square(x)\n",
        "import tensorflow as tf\n\ndef target(x):\n    return tf.square(x)\n\n"
        "target(tf.ones([2]))\n",
    ),
    invalid=("import tensorflow as tf\n\ndef target(x, factor):\n    return x * factor\n",),
)
