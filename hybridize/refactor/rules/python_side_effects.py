"""``python-side-effects``: the function (or a callee) has Python side effects.

What: the function or anything it calls writes a global or nonlocal, mutates an object it did
not create (an argument, a global, ``self`` attributes outside Keras ``build``), does Python I/O
(``print``, ``logging``, files), draws Python/NumPy random numbers, or advances a Python iterator.

Why: under ``tf.function`` Python code runs only while tracing. Its side effects happen once per
trace, not once per call, so the program silently changes. Removing ``@tf.function`` from such a
function also changes behaviour (the effects start running on every call): it is reported as a
latent bug instead.

Example::

    def train_step(x):
        print("step")            # printed once, at trace time
        return tf.reduce_sum(x)

How to fix: use ``tf.print`` for logging, ``tf.Variable.assign`` for state, ``tf.random`` for
randomness, or move the effect out of the function.

Assumptions: calls the models do not describe may have effects (``unmodelled-call``); the
decision lists each one.
"""

from __future__ import annotations

from hybridize.lattice.tri import Tri
from hybridize.refactor.model import Category, Finding
from hybridize.refactor.premises import fact_premise
from hybridize.refactor.registry import Applies, Rule, RuleContext
from hybridize.transfer.facts import FunctionFacts


def check(facts: FunctionFacts, context: RuleContext) -> Finding | None:
    if facts.fact("python_side_effects") is not Tri.YES:
        return None
    kinds = sorted({e.kind.value for e in facts.effects.items if e.kind.is_python_side_effect})
    return Finding(
        "python-side-effects",
        f"Python side effects ({', '.join(kinds)}) would run only when tracing",
        (
            fact_premise(
                facts, "python_side_effects", f"has Python side effects: {', '.join(kinds)}"
            ),
        ),
    )


RULE = Rule(
    id="python-side-effects",
    category=Category.SAFETY,
    applies=Applies.BOTH,
    summary="Python side effects would run only when tracing",
    check=check,
    doc=__doc__ or "",
    valid=(
        "import tensorflow as tf\n\ndef target(x):\n    tf.print(x)\n    return x * 2\n\n"
        "target(tf.ones([2]))\n",
        "import tensorflow as tf\n\ndef target(x):\n    parts = []\n    parts.append(x)\n"
        "    return tf.add_n(parts)\n\ntarget(tf.ones([2]))\n",
    ),
    invalid=(
        "import tensorflow as tf\n\ndef target(x):\n    print('step')\n    return x * 2\n\n"
        "target(tf.ones([2]))\n",
        "import tensorflow as tf\n\nseen = []\n\ndef target(x):\n    seen.append(x)\n"
        "    return x\n\ntarget(tf.ones([2]))\n",
    ),
)
