"""The rule registry: every module in ``refactor/rules/`` defines one ``RULE``, found by import.

Declaring rules as data (id, category, message, docs, examples) in one place per rule is what lets
docs, ``--select/--ignore`` and tests be generated from them (style items 9 and 13).
"""

from __future__ import annotations

import enum
import functools
import importlib
import pkgutil
from collections.abc import Callable, Mapping

import attrs

from hybridize.lattice.location import Location
from hybridize.refactor.model import Category, Finding
from hybridize.transfer.facts import FunctionFacts


class Applies(enum.Enum):
    EAGER = "eager"  # checked on functions without tf.function (should we add it?)
    HYBRID = "hybrid"  # checked on tf.functions (should we remove it?)
    BOTH = "both"


@attrs.frozen
class Settings:
    """Decision settings (CLI flags / ``[tool.hybridize]``)."""

    speculative: bool = True
    min_ops: int = 6
    select: frozenset[str] | None = None  # only these reason ids (None: all)
    ignore: frozenset[str] = frozenset()  # never these reason ids
    input_signatures: str = "when-retracing"  # always | never | when-retracing (reconfigure)

    def enabled(self, reason: str) -> bool:
        if reason in self.ignore:
            return False
        return self.select is None or reason in self.select


@attrs.frozen
class RuleContext:
    settings: Settings
    functions: Mapping[str, FunctionFacts]
    #: Reason ids switched off for this function by a ``# hybridize: ignore[...]`` comment at
    #: ``suppressed_at`` (they are also in ``settings.ignore``).
    suppressed: frozenset[str] = frozenset()
    suppressed_at: Location | None = None


Check = Callable[[FunctionFacts, RuleContext], Finding | None]


@attrs.frozen
class Rule:
    """One reason id. ``valid``/``invalid`` are example programs: the rule must stay silent on
    (resp. fire on) the function named ``target`` in each (or the qualname given by a first line
    ``# target: Class.method``); tests are generated from them."""

    id: str
    category: Category
    applies: Applies
    summary: str
    check: Check
    doc: str
    valid: tuple[str, ...] = ()
    invalid: tuple[str, ...] = ()


@functools.cache
def all_rules() -> dict[str, Rule]:
    """Every rule, by id, in a stable order (category, then id)."""
    from hybridize.refactor import rules as package

    found: list[Rule] = []
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        rule = getattr(module, "RULE", None)
        if isinstance(rule, Rule):
            found.append(rule)
    order = list(Category)
    found.sort(key=lambda r: (order.index(r.category), r.id))
    return {rule.id: rule for rule in found}
