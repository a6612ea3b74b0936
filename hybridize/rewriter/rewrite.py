"""Applying decorator changes to one module's source in a single pass.

All changes are planned against the original tree, whose names LibCST has resolved, and then
applied by one transformation, so every change sees the module as it was given: several
changes in one call behave as if each were applied alone, except that a TensorFlow import is
added at most once (and a name joins a ``from tensorflow import`` statement at most once) and
an import that a new decorator uses is never dropped.

Argument values spell TensorFlow as ``tf.``; each ``tf.X`` is re-spelled the way the module
reaches TensorFlow where the decorator is (see ``_Planner._spelled``). An existing argument is
compared with a change's value by meaning, not spelling: ``Spec(...)`` after ``from tensorflow
import TensorSpec as Spec`` already is ``tf.TensorSpec(...)``, so a second run changes nothing
even where the first one left the module a new way to spell TensorFlow.

The result is byte-identical outside the edited lines: LibCST reproduces the rest of the tree
exactly, and where it does not, the edited lines are spliced into the original text (see
``splice``). When nothing applies, the input string itself is returned.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeVar

import attrs
import libcst as cst
from libcst.metadata import MetadataWrapper, Scope

from hybridize.rewriter.decorators import (
    configure,
    flat_code,
    insertion_index,
    new_decorator,
    same_expression,
    without_decorators,
)
from hybridize.rewriter.imports import (
    describe_from_import,
    describe_import,
    import_statement,
    injection_index,
    with_names,
    without_aliases,
    without_statements,
)
from hybridize.rewriter.locate import Sites
from hybridize.rewriter.model import Change, ChangeAction, Outcome, Rewrite, RewriteError
from hybridize.rewriter.names import ImportBinding, ModuleNames, Position
from hybridize.rewriter.splice import splice
from hybridize.rewriter.survey import FunctionSite, Survey, survey

Arguments = list[tuple[str, cst.BaseExpression]]
_ImportT = TypeVar("_ImportT", cst.Import, cst.ImportFrom)

#: Names a new ``import tensorflow`` may bind, in order of preference.
_IMPORT_NAMES = ("tf", "tensorflow")


def rewrite_source(source: str, changes: Sequence[Change]) -> Rewrite:
    """Apply ``changes`` to ``source``; one outcome per change, in order.

    Raises RewriteError when LibCST cannot parse the source (or, when a change applies, the
    lines to edit are among the few LibCST does not reproduce exactly); a change that cannot be
    applied is reported, never raised.
    """
    module = _parse(source)
    if not changes:
        return Rewrite(source, ())
    try:
        wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        planner = _Planner(wrapper, survey(wrapper, source))
    except Exception as error:  # scope analysis rejects code CPython rejects too
        raise RewriteError(f"cannot resolve names: {_one_line(error)}") from error
    outcomes = [planner.plan(index, change) for index, change in enumerate(changes)]
    if not any(outcome.applied for outcome in outcomes):
        return Rewrite(source, tuple(outcomes))
    notes = planner.plan_import_removals()
    outcomes = [
        attrs.evolve(outcome, message="; ".join([outcome.message, *notes[index]]))
        if notes.get(index)
        else outcome
        for index, outcome in enumerate(outcomes)
    ]
    rewritten = wrapper.module.visit(planner.transformer())
    text = splice(source, module.code, rewritten.code)
    if text is None:
        raise RewriteError(
            "LibCST does not reproduce the lines to edit exactly; the file is not rewritten"
        )
    return Rewrite(text, tuple(outcomes))


def _parse(source: str) -> cst.Module:
    try:
        return cst.parse_module(source)
    except cst.ParserSyntaxError as error:
        raise RewriteError(
            f"cannot parse: {error.message} (line {error.raw_line}, column {error.raw_column})"
        ) from error
    except Exception as error:  # LibCST's parser has a few other failure modes
        raise RewriteError(f"cannot parse: {_one_line(error)}") from error


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


@attrs.define(eq=False)
class _FunctionEdit:
    """The planned decorator list of one function, updated by each change aimed at it."""

    site: FunctionSite
    position: Position
    decorators: list[cst.Decorator]
    tf_function: list[bool]
    traced: list[bool]
    lines_after_decorators: list[cst.EmptyLine]
    changed: bool = False


@attrs.frozen
class _Name:
    """A name to spell TensorFlow with, and whether a new import must bind it."""

    text: str
    inject: str | None = None


@attrs.frozen
class _Spelling:
    """How to write ``tf.X``: ``alias.X`` (``bare`` false) or the name ``text`` (``bare``)."""

    text: str
    bare: bool


@attrs.frozen(eq=False)
class _Spelled:
    """Arguments with ``tf.`` re-spelled, and the names and imports that spelling relies on."""

    values: Arguments
    #: the module alias the values use (perhaps one a new import binds)
    module: _Name | None = None
    #: names of existing imports the values use bare
    bare: tuple[str, ...] = ()
    #: a ``from tensorflow import ...`` statement the names ``appended`` join
    statement: cst.ImportFrom | None = None
    appended: tuple[str, ...] = ()


class _Planner:
    def __init__(self, wrapper: MetadataWrapper, survey: Survey) -> None:
        self._wrapper = wrapper
        self._survey = survey
        self._names = ModuleNames(wrapper, survey)
        self._sites = Sites.of(survey)
        self._edits: dict[cst.FunctionDef, _FunctionEdit] = {}
        #: name of a new import -> index of the first top-level statement that needs it
        self._injections: dict[str, int] = {}
        #: id of a ``from tensorflow import`` statement -> the statement and the names it gains
        self._appends: dict[int, tuple[cst.ImportFrom, list[str]]] = {}
        #: id of a new argument value -> the value and its canonical form (see ``_canonical``)
        self._canonical_values: dict[int, tuple[cst.BaseExpression, cst.BaseExpression]] = {}
        #: names that new code refers to (their imports must stay)
        self._used_names: set[str] = set()
        #: original decorators removed, with the index of the change that removed them
        self._removed: list[tuple[int, cst.Decorator]] = []
        self._doomed_aliases: set[int] = set()
        self._doomed_small_statements: set[int] = set()
        self._doomed_lines: set[int] = set()
        self._doomed_statements: list[cst.CSTNode] = []

    # -- changes ----------------------------------------------------------------------------

    def plan(self, index: int, change: Change) -> Outcome:
        site = self._sites.find(change.qualname, change.line)
        if site is None:
            return Outcome(change, False, self._not_found(change))
        edit = self._edit(site)
        if change.action is ChangeAction.ADD:
            applied, message = self._add(edit, change)
        elif change.action is ChangeAction.REMOVE:
            applied, message = self._remove(index, edit)
        else:
            applied, message = self._configure(edit, change)
        return Outcome(change, applied, message)

    def _not_found(self, change: Change) -> str:
        if self._sites.has_lambda(change.qualname, change.line):
            return "lambda functions cannot take a decorator"
        message = f"no def named {change.qualname} at line {change.line}"
        lines = self._sites.lines_of(change.qualname)
        if lines:
            where = ", ".join(str(line) for line in lines)
            message += f" ({change.qualname} is defined at line {where})"
        return message

    def _edit(self, site: FunctionSite) -> _FunctionEdit:
        edit = self._edits.get(site.node)
        if edit is None:
            decorators = list(site.node.decorators)
            edit = _FunctionEdit(
                site=site,
                position=Position.of(self._names.scope_of(site.node), site.top_level_index),
                decorators=decorators,
                tf_function=[self._names.is_tf_function(d) for d in decorators],
                traced=[self._names.is_traced(d) for d in decorators],
                lines_after_decorators=list(site.node.lines_after_decorators),
            )
            self._edits[site.node] = edit
        return edit

    def _add(self, edit: _FunctionEdit, change: Change) -> tuple[bool, str]:
        existing = [d for d, is_tf in zip(edit.decorators, edit.tf_function, strict=True) if is_tf]
        if existing:
            return False, f"already has @{flat_code(existing[0].decorator)}"
        arguments = _parse_arguments(change.arguments)
        if isinstance(arguments, str):
            return False, arguments
        spelling = self._function_spelling(edit.position)
        if spelling is None:
            return False, _NO_NAME
        module = _Name(spelling.inject, spelling.inject) if spelling.inject else None
        spelled = self._respelled(arguments, edit.position, module)
        if isinstance(spelled, str):
            return False, spelled
        values = spelled.values
        decorator = new_decorator(cst.parse_expression(spelling.text), values)
        position = insertion_index(edit.traced)
        edit.decorators.insert(position, decorator)
        edit.tf_function.insert(position, True)
        edit.traced.insert(position, False)
        edit.changed = True
        notes = self._commit(edit.site, spelling, spelled)
        return True, "; ".join([f"added @{flat_code(decorator.decorator)}", *notes])

    def _remove(self, index: int, edit: _FunctionEdit) -> tuple[bool, str]:
        if not any(edit.tf_function):
            return False, self._no_decorator(edit.site)
        removed = [d for d, is_tf in zip(edit.decorators, edit.tf_function, strict=True) if is_tf]
        kept, lines_after = without_decorators(
            edit.decorators, edit.tf_function, edit.lines_after_decorators
        )
        originals = {id(decorator) for decorator in edit.site.node.decorators}
        self._removed.extend((index, d) for d in removed if id(d) in originals)
        flags = zip(edit.traced, edit.tf_function, strict=True)
        edit.traced = [traced for traced, is_tf in flags if not is_tf]
        edit.decorators = kept
        edit.tf_function = [False] * len(kept)
        edit.lines_after_decorators = lines_after
        edit.changed = True
        return True, "removed " + ", ".join(f"@{flat_code(d.decorator)}" for d in removed)

    def _configure(self, edit: _FunctionEdit, change: Change) -> tuple[bool, str]:
        positions = [position for position, is_tf in enumerate(edit.tf_function) if is_tf]
        if not positions:
            return False, self._no_decorator(edit.site)
        arguments = _parse_arguments(change.arguments)
        if isinstance(arguments, str):
            return False, arguments
        if not arguments:
            return False, "no arguments to set"
        spelled = self._respelled(arguments, edit.position)
        if isinstance(spelled, str):
            return False, spelled
        values = spelled.values
        position = positions[-1]  # the innermost traces the Python function
        decorator = edit.decorators[position]
        configured = configure(decorator.decorator, values, self._equivalent)
        if isinstance(configured, str):
            return False, configured
        expression, changed = configured
        if not changed:
            return False, "already configured"
        edit.decorators[position] = decorator.with_changes(decorator=expression)
        edit.changed = True
        notes = self._commit(edit.site, None, spelled)
        settings = ", ".join(
            f"{keyword}={flat_code(value)}" for keyword, value in values if keyword in changed
        )
        return True, "; ".join([f"set {settings} on @{flat_code(decorator.decorator)}", *notes])

    def _no_decorator(self, site: FunctionSite) -> str:
        lines = self._names.wrapping_calls(site.node.name.value)
        if lines:
            return (
                f"no tf.function decorator (it is wrapped by the tf.function(...) call at line "
                f"{lines[0]}, which is left as it is)"
            )
        return "no tf.function decorator"

    # -- spelling TensorFlow ----------------------------------------------------------------

    def _importable(self, scope: Scope) -> _Name | None:
        """A name a new module-level import could bind and the position would see."""
        for name in dict.fromkeys([*self._injections, *_IMPORT_NAMES]):
            if self._names.is_free(name, scope):
                return _Name(name, inject=name)
        return None

    def _function_spelling(self, position: Position) -> _Name | None:
        spelling = self._names.function_spelling(position)
        if spelling is not None:
            return _Name(spelling)
        module_name = self._importable(position.scope)
        if module_name is None:
            return None
        return _Name(f"{module_name.text}.function", module_name.inject)

    def _respelled(
        self, arguments: Arguments, position: Position, module: _Name | None = None
    ) -> _Spelled | str:
        """``arguments`` with each ``tf.X`` spelled as the module can at ``position`` (see
        ``_spelled``); the canonical form of each new value is remembered for comparisons."""
        attributes = list(
            dict.fromkeys(name for _, value in arguments for name in _tf_attributes(value))
        )
        spelled = self._spelled(arguments, attributes, position, module)
        if isinstance(spelled, str):
            return spelled
        marker = _Spelling(_CANONICAL_ROOT, bare=False)
        for (_, value), (_, new_value) in zip(arguments, spelled.values, strict=True):
            canonical = value.visit(_Respell(dict.fromkeys(attributes, marker)))
            assert isinstance(canonical, cst.BaseExpression)
            self._canonical_values[id(new_value)] = (new_value, canonical)
        return spelled

    def _spelled(
        self,
        arguments: Arguments,
        attributes: Sequence[str],
        position: Position,
        module: _Name | None,
    ) -> _Spelled | str:
        """``arguments`` with each ``tf.X`` spelled as the module can at ``position``.

        In order of preference: through a module alias of TensorFlow for every ``X`` (``module``,
        the one a new import for the decorator binds, or one that reaches the position);
        otherwise each ``X`` through a name ``from tensorflow import X [as Y]`` binds there,
        bare under ``from tensorflow import *``, or bare after joining the module's ``from
        tensorflow import ...`` statement when the name is free; when some ``X`` can have none
        of those, every one through a new ``import tensorflow as tf``.
        """
        if not attributes:
            return _Spelled(arguments)
        if module is None:
            alias = self._names.module_alias(position)
            if alias is not None:
                module = _Name(alias)
        if module is not None:
            return self._spelled_through(arguments, attributes, module)
        spellings: dict[str, _Spelling] = {}
        bare: list[str] = []
        appended: list[str] = []
        statement: cst.ImportFrom | None = None
        for attribute in attributes:
            bound = self._names.from_import_spelling(attribute, position)
            if bound is not None:
                spellings[attribute] = _Spelling(bound, bare=True)
                bare.append(bound)
            elif self._names.wildcards and self._names.from_wildcard(attribute, position):
                spellings[attribute] = _Spelling(attribute, bare=True)
            else:
                statement = statement or self._names.from_statement(position)
                if statement is None or not self._names.is_free(attribute, position.scope):
                    module = self._importable(position.scope)
                    if module is None:
                        return _NO_NAME
                    return self._spelled_through(arguments, attributes, module)
                spellings[attribute] = _Spelling(attribute, bare=True)
                appended.append(attribute)
        return _Spelled(
            values=_respell_all(arguments, spellings),
            bare=tuple(dict.fromkeys(bare)),
            statement=statement if appended else None,
            appended=tuple(appended),
        )

    def _spelled_through(
        self, arguments: Arguments, attributes: Sequence[str], module: _Name
    ) -> _Spelled:
        prefix = _Spelling(module.text, bare=False)
        values = _respell_all(arguments, dict.fromkeys(attributes, prefix))
        return _Spelled(values=values, module=module)

    def _canonical(self, value: cst.BaseExpression) -> cst.BaseExpression:
        """``value`` with every name that means TensorFlow written ``ROOT.path``.

        ``ROOT`` is a name nobody writes, so ``tf.TensorSpec`` after ``import tensorflow as
        tf``, ``Spec`` after ``from tensorflow import TensorSpec as Spec`` and a change's
        ``tf.TensorSpec`` all become ``ROOT.TensorSpec``, while a ``tf`` that is not TensorFlow
        stays ``tf``. Values of the original tree are resolved by scope; values new in this
        rewrite take the form recorded before they were re-spelled.
        """
        known = self._canonical_values.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        canonical = value.visit(_Canonical(self._names))
        assert isinstance(canonical, cst.BaseExpression)
        return canonical

    def _equivalent(self, old: cst.BaseExpression, new: cst.BaseExpression) -> bool:
        """Does an existing argument value already say what a change asks, however it spells
        TensorFlow? (``new`` is the change's value, already re-spelled.)"""
        return same_expression(old, new) or same_expression(
            self._canonical(old), self._canonical(new)
        )

    def _commit(
        self, site: FunctionSite, spelling: _Name | None, spelled: _Spelled | None
    ) -> list[str]:
        """Record the names new code uses; plan their imports. Returns notes for the message."""
        notes = []
        module = spelled.module if spelled is not None else None
        for name in (spelling, module):
            if name is None:
                continue
            self._used_names.add(name.text.split(".")[0])
            if name.inject is None:
                continue
            if name.inject not in self._injections:
                notes.append(f"added {describe_import(name.inject)}")
            first = self._injections.get(name.inject, site.top_level_index)
            self._injections[name.inject] = min(first, site.top_level_index)
        if spelled is not None:
            self._used_names.update(spelled.bare)
            if spelled.statement is not None:
                statement = spelled.statement
                _, planned = self._appends.setdefault(id(statement), (statement, []))
                new = [name for name in spelled.appended if name not in planned]
                if new:
                    notes.append(f"added {', '.join(new)} to {describe_from_import(statement)}")
                    planned.extend(new)
                self._used_names.update(spelled.appended)
        return list(dict.fromkeys(notes))

    # -- imports left unused ----------------------------------------------------------------

    def plan_import_removals(self) -> dict[int, list[str]]:
        """Plan dropping TensorFlow imports only removed decorators used; notes per change."""
        if not self._removed:
            return {}
        owner: dict[int, int] = {}
        for index, decorator in self._removed:
            for node in _subtree(decorator):
                owner.setdefault(id(node), index)
        exported = self._names.names_in_dunder_all()
        candidates: list[tuple[ImportBinding, int]] = []
        for binding in self._names.bindings:
            if not _is_tensorflow(binding.target):
                continue
            if binding.name in self._used_names or binding.name in exported:
                continue
            references = [
                access for assignment in binding.assignments() for access in assignment.references
            ]
            owners = [owner.get(id(access.node)) for access in references]
            if references and all(index is not None for index in owners):
                candidates.append((binding, min(index for index in owners if index is not None)))
        removable = self._structurally_removable([binding for binding, _ in candidates])
        notes: dict[int, list[str]] = {}
        for binding, index in candidates:
            if binding in removable:
                notes.setdefault(index, []).append(f"removed unused {binding.describe()}")
        return notes

    def _structurally_removable(self, bindings: list[ImportBinding]) -> set[ImportBinding]:
        """The bindings whose removal leaves valid code; records the nodes to drop."""
        chosen = set(bindings)
        while True:
            aliases = {id(binding.alias) for binding in chosen}
            statements = {id(binding.statement): binding.statement for binding in chosen}
            small = {
                key
                for key, statement in statements.items()
                if not isinstance(statement.names, cst.ImportStar)
                and all(id(alias) in aliases for alias in statement.names)
                and key not in self._appends  # names join it: it stays
            }
            lines: set[int] = set()
            blocked: set[int] = set()  # statements whose removal would leave invalid code
            for key in small:
                line = self._ancestor(statements[key], 1)
                if not isinstance(line, cst.SimpleStatementLine):
                    blocked.add(key)
                elif all(id(part) in small for part in line.body):
                    lines.add(id(line))
            for binding in chosen:
                block = self._ancestor(binding.statement, 2)
                if isinstance(block, cst.IndentedBlock) and all(
                    id(statement) in lines for statement in block.body
                ):
                    blocked.add(id(binding.statement))
            if not blocked:
                break
            chosen = {binding for binding in chosen if id(binding.statement) not in blocked}
        self._doomed_aliases = {id(binding.alias) for binding in chosen}
        self._doomed_small_statements = small
        self._doomed_lines = lines
        self._doomed_statements = [binding.statement for binding in chosen]
        return chosen

    def _ancestor(self, node: cst.CSTNode, generations: int) -> cst.CSTNode | None:
        """The parent (1), grandparent (2) ... of a function or import statement."""
        ancestors = self._survey.ancestors[id(node)]
        return ancestors[-generations] if len(ancestors) >= generations else None

    # -- applying ---------------------------------------------------------------------------

    def transformer(self) -> cst.CSTTransformer:
        body = self._wrapper.module.body
        injections = sorted(
            (
                (injection_index(body, before), _IMPORT_NAMES.index(name), name)
                for name, before in self._injections.items()
            ),
        )
        functions = {node: edit for node, edit in self._edits.items() if edit.changed}
        edited: list[cst.CSTNode] = [*functions]
        edited.extend(self._doomed_statements)
        edited.extend(statement for statement, _ in self._appends.values())
        descend = {id(ancestor) for node in edited for ancestor in self._survey.ancestors[id(node)]}
        return _Apply(
            descend=descend,
            functions=functions,
            injections=[(index, import_statement(name)) for index, _, name in injections],
            doomed_aliases=self._doomed_aliases,
            doomed_small_statements=self._doomed_small_statements,
            doomed_lines=self._doomed_lines,
            appends={key: names for key, (_, names) in self._appends.items()},
        )


_NO_NAME = "cannot spell TensorFlow here: the names tf and tensorflow are both taken"


def _parse_arguments(arguments: Sequence[tuple[str, str]]) -> Arguments | str:
    parsed: Arguments = []
    for keyword, text in arguments:
        if not keyword.isidentifier():
            return f"invalid keyword {keyword!r}"
        try:
            parsed.append((keyword, cst.parse_expression(text)))
        except Exception:  # LibCST reports syntax errors with several exception types
            return f"invalid value for {keyword}: {text!r}"
    return parsed


def _tf_attributes(value: cst.BaseExpression) -> list[str]:
    """The names read from ``tf`` in ``value``, in order: ``["TensorSpec", "float32"]``."""
    finder = _TfAttributes()
    value.visit(finder)
    return list(dict.fromkeys(finder.names))


class _TfAttributes(cst.CSTVisitor):
    def __init__(self) -> None:
        self.names: list[str] = []

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if isinstance(node.value, cst.Name) and node.value.value == "tf":
            self.names.append(node.attr.value)


def _respell_all(arguments: Arguments, spellings: Mapping[str, _Spelling]) -> Arguments:
    respell = _Respell(spellings)
    values: Arguments = []
    for keyword, value in arguments:
        new_value = value.visit(respell)
        assert isinstance(new_value, cst.BaseExpression)
        values.append((keyword, new_value))
    return values


class _Respell(cst.CSTTransformer):
    """Replace ``tf.X`` by ``alias.X`` (only the root changes) or by a bare name."""

    def __init__(self, spellings: Mapping[str, _Spelling]) -> None:
        super().__init__()
        self._spellings = spellings

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        value = updated_node.value
        if not (isinstance(value, cst.Name) and value.value == "tf"):
            return updated_node
        spelling = self._spellings[updated_node.attr.value]
        if spelling.bare:
            return cst.Name(spelling.text, lpar=updated_node.lpar, rpar=updated_node.rpar)
        return updated_node.with_changes(value=value.with_changes(value=spelling.text))


#: The root of canonical TensorFlow names (a name no module uses, for comparisons only).
_CANONICAL_ROOT = "__hybridize_tensorflow__"


class _Canonical(cst.CSTTransformer):
    """Writes each name of the original tree that means TensorFlow as ``ROOT.path``."""

    def __init__(self, names: ModuleNames) -> None:
        super().__init__()
        self._names = names

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        path = self._names.tensorflow_path(original_node)
        if path is None:
            return updated_node
        expression: cst.BaseExpression = cst.Name(_CANONICAL_ROOT)
        for part in path.split(".") if path else ():
            expression = cst.Attribute(value=expression, attr=cst.Name(part))
        return expression.with_changes(lpar=updated_node.lpar, rpar=updated_node.rpar)


def _is_tensorflow(target: str) -> bool:
    return target == "tensorflow" or target.startswith("tensorflow.")


def _subtree(node: cst.CSTNode) -> list[cst.CSTNode]:
    nodes = [node]
    index = 0
    while index < len(nodes):
        nodes.extend(nodes[index].children)
        index += 1
    return nodes


class _Apply(cst.CSTTransformer):
    """Writes a plan into the tree: decorator lists, import names, dropped and added lines."""

    def __init__(
        self,
        *,
        descend: set[int],
        functions: Mapping[cst.FunctionDef, _FunctionEdit],
        injections: Sequence[tuple[int, cst.SimpleStatementLine]],
        doomed_aliases: set[int],
        doomed_small_statements: set[int],
        doomed_lines: set[int],
        appends: Mapping[int, Sequence[str]],
    ) -> None:
        super().__init__()
        self._appends = appends
        self._descend = descend
        self._functions = functions
        self._injections = injections
        self._doomed_aliases = doomed_aliases
        self._doomed_small_statements = doomed_small_statements
        self._doomed_lines = doomed_lines
        self._dropped: dict[int, cst.CSTNode] = {}  # updated lines to drop, kept alive by id

    def on_visit(self, node: cst.CSTNode) -> bool:
        """Descend only towards edited nodes: the rest of the tree is left as it is."""
        return id(node) in self._descend or isinstance(node, cst.Module)

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef:
        edit = self._functions.get(original_node)
        if edit is None:
            return updated_node
        return updated_node.with_changes(
            decorators=edit.decorators, lines_after_decorators=edit.lines_after_decorators
        )

    def leave_Import(self, original_node: cst.Import, updated_node: cst.Import) -> cst.Import:
        return self._trimmed(original_node, updated_node)

    def leave_ImportFrom(
        self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom
    ) -> cst.ImportFrom:
        added = self._appends.get(id(original_node))
        if added:
            # new names follow the old ones, which keep their places (and the statement stays)
            updated_node = with_names(updated_node, added)
        return self._trimmed(original_node, updated_node)

    def _trimmed(self, original: _ImportT, updated: _ImportT) -> _ImportT:
        if isinstance(original.names, cst.ImportStar) or isinstance(updated.names, cst.ImportStar):
            return updated
        # names that joined the statement come last: zip stops before them (none is doomed)
        doomed = {
            id(new)
            for old, new in zip(original.names, updated.names, strict=False)
            if id(old) in self._doomed_aliases
        }
        if not doomed or len(doomed) == len(updated.names):
            return updated  # nothing to drop, or the whole statement goes
        return updated.with_changes(names=without_aliases(updated.names, doomed))

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine:
        if id(original_node) in self._doomed_lines:
            self._dropped[id(updated_node)] = updated_node
            return updated_node
        parts = list(zip(original_node.body, updated_node.body, strict=True))
        if not any(id(old) in self._doomed_small_statements for old, _ in parts):
            return updated_node
        body = [new for old, new in parts if id(old) not in self._doomed_small_statements]
        if body[-1] is not updated_node.body[-1]:
            body[-1] = body[-1].with_changes(semicolon=updated_node.body[-1].semicolon)
        return updated_node.with_changes(body=body)

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        if not any(id(statement) in self._dropped for statement in updated_node.body):
            return updated_node
        body, comments = without_statements(updated_node.body, set(self._dropped))
        return updated_node.with_changes(body=body, footer=[*comments, *updated_node.footer])

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        body: list[cst.BaseStatement] = list(updated_node.body)
        for index, statement in reversed(self._injections):
            body.insert(index, statement)
        body, comments = without_statements(body, set(self._dropped))
        return updated_node.with_changes(body=body, footer=[*comments, *updated_node.footer])
