"""``no-tensor-parameters``: no parameter receives a tensor.

What: no parameter (other than ``self``/``cls``) is tensor-like at any call site in the analysed
code, by its annotation, or by a container it receives.

Why: graph execution pays off on tensor work. Without tensor inputs a ``tf.function`` keys its
traces on Python values, so every call with new values traces again.

Example::

    @tf.function
    def total_steps(epochs, steps_per_epoch):
        return epochs * steps_per_epoch

How to fix: leave the function eager (or remove ``@tf.function``); pass tensors if the values
really are data.

Assumptions: parameters seen only through annotations rest on the annotation (``type-hint``).
"""

from __future__ import annotations

from hybridize.lattice.tri import Tri
from hybridize.refactor.model import Category, Finding
from hybridize.refactor.premises import at_function
from hybridize.refactor.registry import Applies, Rule, RuleContext
from hybridize.transfer.facts import FunctionFacts


def check(facts: FunctionFacts, context: RuleContext) -> Finding | None:
    if facts.fact("has_tensor_parameter") is not Tri.NO:
        return None
    if any(p.kind == "unknown" for p in facts.parameters):
        return None  # unknown-parameters speaks for those
    kinds = ", ".join(f"{p.name}={p.kind}" for p in facts.parameters) or "no parameters"
    return Finding(
        "no-tensor-parameters",
        f"no parameter receives a tensor ({kinds})",
        (at_function(facts, f"no tensor-like parameter: {kinds}"),),
    )


RULE = Rule(
    id="no-tensor-parameters",
    category=Category.EVIDENCE,
    applies=Applies.BOTH,
    summary="no parameter receives a tensor",
    check=check,
    doc=__doc__ or "",
    valid=(
        "import tensorflow as tf\n\ndef target(x):\n    return tf.square(x)\n\n"
        "target(tf.ones([2]))\n",
    ),
    invalid=(
        "import tensorflow as tf\n\n@tf.function\ndef target(epochs, steps):\n"
        "    return epochs * steps\n\ntarget(2, 3)\n",
        "def target():\n    return 1\n\ntarget()\n",
    ),
)
