"""Speculative rules: name-based guesses, used only when nothing else is known, always reported
as assumptions of kind ``speculative-name`` (and only with ``--speculative``, the default)."""

from __future__ import annotations

import re

from hybridize.lattice.values import KerasRole
from hybridize.refactor.model import Assumption, AssumptionKind
from hybridize.refactor.registry import RuleContext
from hybridize.transfer.facts import FunctionFacts

_STEP_NAMES = re.compile(
    r"^(train|test|eval|evaluate|validation|val|predict|inference)_step$"
    r"|^.*_(train|test|eval)_step$|inference|^run_model$"
)


def speculative_tensor_inputs(facts: FunctionFacts, context: RuleContext) -> Assumption | None:
    """A function named like a training/evaluation/inference step, or ``call``/``__call__`` of a
    Keras model, is assumed to receive tensors; the assumption says how to make it a proof."""
    del context
    named_step = bool(_STEP_NAMES.search(facts.name))
    keras_call = facts.name in ("call", "__call__") and facts.keras_role in (
        KerasRole.MODEL.value,
        KerasRole.LAYER.value,
    )
    if not (named_step or keras_call):
        return None
    unknown = [p.name for p in facts.parameters if p.kind == "unknown"]
    why = (
        "its name looks like a training/evaluation step"
        if named_step
        else (f"it is {facts.name} of a Keras {facts.keras_role}")
    )
    return Assumption(
        id=f"speculative-tensors:{facts.id}",
        kind=AssumptionKind.SPECULATIVE_NAME,
        claim=f"{', '.join(unknown) or 'its parameters'} receive tensors, because {why}",
        at=facts.location,
        discharge="annotate the parameters as tf.Tensor (e.g. `x: tf.Tensor`) or analyse the "
        "code that calls it",
    )
