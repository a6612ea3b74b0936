"""The records exchanged with the rewriter: what to change, and what became of each change.

A change names its function twice, by qualified name and by the line of its ``def``, because a
name alone is ambiguous (redefinitions, functions defined in both branches of an ``if``) and a
line alone goes stale when the file is edited. The rewriter never raises for a change it cannot
apply; it reports why in the change's outcome, so a caller can apply what it can and explain
the rest.
"""

from __future__ import annotations

import enum

import attrs


class ChangeAction(enum.Enum):
    ADD = "add-decorator"  # add @tf.function
    REMOVE = "remove-decorator"  # remove every tf.function decorator of the function
    CONFIGURE = "set-arguments"  # set keyword arguments on the existing tf.function decorator


@attrs.frozen
class Change:
    """One edit of one function's decorators.

    ``qualname`` joins the enclosing class and function names with ``.`` (``outer.inner``,
    ``Class.method``), never ``<locals>``; ``line`` is the 1-based line of the ``def`` keyword.
    ``arguments`` are ``(keyword, Python source)`` pairs spelling TensorFlow as ``tf.``; the
    rewriter re-spells that prefix the way the module imports TensorFlow. ``function_id`` is not
    interpreted, only carried to the outcome so callers can match outcomes to their decisions.
    """

    qualname: str
    line: int
    action: ChangeAction
    arguments: tuple[tuple[str, str], ...] = ()
    function_id: str = ""


@attrs.frozen
class Outcome:
    """What became of one change: applied or not, and a message saying what was done or why not."""

    change: Change
    applied: bool
    message: str


@attrs.frozen
class Rewrite:
    """The rewritten text and one outcome per change, in the order the changes were given.

    When nothing applied, ``source`` is the input string itself, never a re-serialisation, so a
    caller can compare by identity and never writes back a file it did not change.
    """

    source: str
    outcomes: tuple[Outcome, ...]

    @property
    def changed(self) -> bool:
        return any(outcome.applied for outcome in self.outcomes)


class RewriteError(Exception):
    """The source cannot be rewritten (LibCST cannot parse it)."""
