"""``unknown-input-type``: the analysis can't tell what a parameter receives.

What: a call site passes a value whose type, dtype or structure the analysis does not know (the
result of an unmodelled call, a list of unknown length, a ragged tensor of unknown rank), or the
function has no call site in the analysed code.

Why: an ``input_signature`` binds strictly: a call that does not fit raises ``TypeError``. A
signature is only proposed when it is known to fit every call site, so an unknown input
withholds it.

Example::

    step(load_batch())      # load_batch is not modelled: dtype and shape unknown

How to fix: annotate or model the producer, cast to a known dtype at the call site, or write
the signature by hand.

Assumptions: none (it is the absence of knowledge that is reported).
"""

from __future__ import annotations

from hybridize.refactor.model import Category
from hybridize.refactor.premises import signature_block_check
from hybridize.refactor.registry import Applies, Rule

RULE = Rule(
    id="unknown-input-type",
    category=Category.SIGNATURE,
    applies=Applies.BOTH,
    summary="what a parameter receives is unknown: no input_signature can be inferred",
    check=signature_block_check("unknown-input-type"),
    doc=__doc__ or "",
    valid=(
        "import tensorflow as tf\n\n@tf.function\ndef target(x):\n    return x * 2\n\n"
        "target(tf.ones([2, 3]))\n",
    ),
    invalid=(
        "import tensorflow as tf\nimport mystery\n\n@tf.function\ndef target(x):\n"
        "    return x * 2\n\ntarget(mystery.batch())\n",
    ),
)
