"""Which names of a module mean TensorFlow, resolved with LibCST's scope analysis.

Decorators are recognised by what their names are bound to, never by how they are spelled:
``tfx.function`` is ``tf.function`` after ``import tensorflow as tfx``, while ``tf.function`` is
not when ``tf`` is a parameter of the enclosing function. LibCST does not follow star imports,
so under ``from tensorflow import *`` a bare name that nothing in the module binds is taken to
come from TensorFlow.

The same resolution answers the opposite question, how to spell a TensorFlow name at a given
position: through a binding of the module (or of an enclosing function) that reaches the
position unshadowed, preferring the conventional ``tf``; for a name such as ``TensorSpec``, also
through ``from tensorflow import TensorSpec [as Spec]``, or by joining the module's own ``from
tensorflow import ...`` statement when nothing else means that name there.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping

import attrs
import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import (
    ClassScope,
    CodeRange,
    GlobalScope,
    ImportAssignment,
    MetadataWrapper,
    PositionProvider,
    Scope,
    ScopeProvider,
)

from hybridize.rewriter.survey import ImportStatement, Survey, normalized

#: Modules whose ``function`` is ``tf.function``; an alias of any of them spells TensorFlow.
TENSORFLOW_MODULES = frozenset({"tensorflow", "tensorflow.compat.v2", "tensorflow.compat.v1"})
TF_FUNCTION = frozenset(f"{module}.function" for module in TENSORFLOW_MODULES)

#: Decorators whose result must itself be traced, so ``tf.function`` has to wrap them.
_TRACED_SUFFIXES = ("custom_gradient", "recompute_grad", "autograph.experimental.do_not_convert")
TRACED_DECORATORS = frozenset(
    f"{module}.{suffix}" for module in TENSORFLOW_MODULES for suffix in _TRACED_SUFFIXES
)
_TRACED_BARE_NAMES = frozenset(suffix for suffix in _TRACED_SUFFIXES if "." not in suffix)

#: The name ``from tensorflow import *`` binds for ``tf.function``.
WILDCARD_FUNCTION = "function"


@attrs.frozen(eq=False)
class ImportBinding:
    """A name bound by an import: ``tf`` → ``tensorflow``, ``F`` → ``tensorflow.function``."""

    name: str
    target: str
    statement: ImportStatement
    alias: cst.ImportAlias
    scope: Scope

    @property
    def is_module_alias(self) -> bool:
        return self.target in TENSORFLOW_MODULES

    @property
    def is_function_alias(self) -> bool:
        return self.target in TF_FUNCTION

    def assignments(self) -> list[ImportAssignment]:
        """The scope's records of this binding (``import a.b`` records ``a`` and ``a.b``)."""
        bound_node = _bound_node(self.alias)
        return [
            assignment
            for assignment in self.scope.assignments
            if isinstance(assignment, ImportAssignment)
            and assignment.node is self.statement
            and assignment.as_name is bound_node
        ]

    def describe(self) -> str:
        """The import as a statement, for messages: ``import tensorflow as tf``."""
        imported = get_full_name_for_node(self.alias.name) or self.name
        alias = f"{imported} as {self.name}" if self.alias.asname is not None else imported
        if isinstance(self.statement, cst.Import):
            return f"import {alias}"
        module = self.target[: -len(imported) - 1]
        return f"from {module} import {alias}"


def _is_tensorflow_wildcard(statement: cst.ImportFrom) -> bool:
    if not isinstance(statement.names, cst.ImportStar) or statement.relative:
        return False
    module = get_full_name_for_node(statement.module) if statement.module is not None else None
    return module in TENSORFLOW_MODULES


def _bound_node(alias: cst.ImportAlias) -> cst.CSTNode:
    return alias.asname.name if alias.asname is not None else alias.name


def _binding_of(statement: ImportStatement, alias: cst.ImportAlias) -> tuple[str, str] | None:
    """``(bound name, what it is bound to)`` of one alias; ``None`` for relative imports."""
    imported = get_full_name_for_node(alias.name)
    if imported is None:
        return None
    if isinstance(statement, cst.Import):
        if alias.asname is not None:
            return alias.evaluated_alias or imported, imported
        root = imported.split(".")[0]
        return root, root
    if statement.relative or statement.module is None:
        return None
    module = get_full_name_for_node(statement.module)
    if module is None:
        return None
    return alias.evaluated_alias or imported, f"{module}.{imported}"


@attrs.frozen(eq=False)
class Position:
    """Where a decorator is evaluated: its scope and, when it runs while the module is being
    imported, the index of the top-level statement running it. Module-level bindings made by
    later statements do not exist yet at that moment, so they cannot spell the decorator."""

    scope: Scope
    before: int | None

    @staticmethod
    def of(scope: Scope, top_level_index: int) -> Position:
        runs_at_import = True
        current = scope
        while not isinstance(current, GlobalScope):
            if not isinstance(current, ClassScope):
                runs_at_import = False  # inside a function: runs when that is called
                break
            current = current.parent
        return Position(scope, top_level_index if runs_at_import else None)


class ModuleNames:
    """The TensorFlow bindings of one parsed module and the questions asked about them."""

    def __init__(self, wrapper: MetadataWrapper, survey: Survey) -> None:
        self.module = wrapper.module
        self._wrapper = wrapper
        self._scopes = wrapper.resolve(ScopeProvider)
        self._survey = survey
        self.wildcards: tuple[cst.ImportFrom, ...] = tuple(
            statement
            for statement in survey.imports
            if isinstance(statement, cst.ImportFrom) and _is_tensorflow_wildcard(statement)
        )
        global_scope = self._scopes.get(self.module)
        assert isinstance(global_scope, GlobalScope)
        self.global_scope: GlobalScope = global_scope
        self.bindings: tuple[ImportBinding, ...] = tuple(self._collect_bindings())
        self._targets: dict[int, str] = {
            id(_bound_node(binding.alias)): binding.target for binding in self.bindings
        }
        self._all_scopes = {scope for scope in self._scopes.values() if scope is not None}
        self._wrapping_candidates: dict[str, list[cst.Call]] | None = None
        self._read_unbound: dict[str, bool] = {}
        self._positions: Mapping[cst.CSTNode, CodeRange] | None = None

    def _collect_bindings(self) -> Iterator[ImportBinding]:
        for statement in self._survey.imports:
            if isinstance(statement.names, cst.ImportStar):
                continue
            for alias in statement.names:
                binding = _binding_of(statement, alias)
                scope = self._scopes.get(alias)
                if binding is not None and scope is not None:
                    yield ImportBinding(binding[0], binding[1], statement, alias, scope)

    # -- recognising decorators -------------------------------------------------------------

    def scope_of(self, node: cst.CSTNode) -> Scope:
        scope = self._scopes.get(node)
        assert scope is not None, "every statement has a scope"
        return scope

    def qualified_names(self, expression: cst.BaseExpression) -> set[str]:
        """What ``expression`` names, as LibCST's QualifiedNameProvider computes it."""
        scope = self._scopes.get(expression)
        if scope is None:
            return set()
        return {name.name for name in scope.get_qualified_names_for(expression)}

    def is_tf_function(self, decorator: cst.Decorator) -> bool:
        return self._is_one_of(decorator.decorator, TF_FUNCTION, {WILDCARD_FUNCTION})

    def is_traced(self, decorator: cst.Decorator) -> bool:
        """Is this a decorator that must sit below ``tf.function`` (``tf.custom_gradient`` ...)?"""
        return self._is_one_of(decorator.decorator, TRACED_DECORATORS, _TRACED_BARE_NAMES)

    def _is_one_of(
        self, expression: cst.BaseExpression, names: Collection[str], bare: Collection[str]
    ) -> bool:
        if isinstance(expression, cst.Call):
            expression = expression.func
        if self.qualified_names(expression) & set(names):
            return True
        return (
            isinstance(expression, cst.Name)
            and expression.value in bare
            and self.from_wildcard(expression.value, Position(self.scope_of(expression), None))
        )

    def from_wildcard(self, name: str, position: Position) -> bool:
        """Does ``name`` come from ``from tensorflow import *`` there (nothing else binds it)?"""
        return name not in position.scope and any(
            self._exists_at(wildcard, position) for wildcard in self.wildcards
        )

    def _exists_at(self, statement: ImportStatement, position: Position) -> bool:
        index = self._survey.top_level[id(statement)]
        if _only_for_type_checkers(self.module.body[index], statement):
            return False  # ``if TYPE_CHECKING:`` imports never run
        return position.before is None or index < position.before

    def wrapping_calls(self, name: str) -> list[int]:
        """Lines of ``tf.function(name)`` calls: the function is traced, but not by a decorator."""
        calls = self._calls_by_argument().get(normalized(name), ())
        lines = []
        for call in calls:
            function = call.func
            if self.qualified_names(function) & TF_FUNCTION or (
                isinstance(function, cst.Name)
                and function.value == WILDCARD_FUNCTION
                and self.from_wildcard(function.value, Position(self.scope_of(function), None))
            ):
                if self._positions is None:  # only when reporting: LibCST's positions are slow
                    self._positions = self._wrapper.resolve(PositionProvider)
                lines.append(self._positions[call].start.line)
        return lines

    def _calls_by_argument(self) -> dict[str, list[cst.Call]]:
        """The calls whose first argument is a plain positional name (or attribute), by that
        name, NFKC-normalised; built once, when a message first needs it."""
        if self._wrapping_candidates is None:
            index: dict[str, list[cst.Call]] = {}
            for call in self._survey.calls:
                if not call.args or call.args[0].keyword is not None or call.args[0].star:
                    continue
                argument = call.args[0].value
                if isinstance(argument, cst.Name):
                    argument_name = argument.value
                elif isinstance(argument, cst.Attribute):
                    argument_name = argument.attr.value
                else:
                    continue
                index.setdefault(normalized(argument_name), []).append(call)
            self._wrapping_candidates = index
        return self._wrapping_candidates

    # -- spelling TensorFlow at a position --------------------------------------------------

    def reaches(self, name: str, position: Position, targets: Collection[str]) -> bool:
        """Does ``name`` mean one of ``targets`` at ``position`` (an import of it, unshadowed)?

        Every binding the name can have there must come from one scope, one of them must be an
        import of a target that has run by then, and no import may bind it to anything else; a
        fallback such as ``tf = None`` beside the import in the same scope is tolerated.
        """
        found = False
        for assignment in position.scope[name]:
            if isinstance(assignment, ImportAssignment):
                if self._targets.get(id(assignment.as_name)) not in targets:
                    return False
                statement = assignment.node
                if assignment.scope is not self.global_scope or (
                    isinstance(statement, (cst.Import, cst.ImportFrom))
                    and self._exists_at(statement, position)
                ):
                    found = True
        return found

    def _candidates(self, *, module_alias: bool) -> list[ImportBinding]:
        chosen = [
            binding
            for binding in self.bindings
            if (binding.is_module_alias if module_alias else binding.is_function_alias)
        ]
        # module-level bindings first, then the conventional ``tf``, then source order
        return sorted(
            chosen,
            key=lambda binding: (binding.scope is not self.global_scope, binding.name != "tf"),
        )

    def module_alias(self, position: Position) -> str | None:
        """A name that means the ``tensorflow`` module at ``position``, if the module has one."""
        for binding in self._candidates(module_alias=True):
            if self.reaches(binding.name, position, TENSORFLOW_MODULES):
                return binding.name
        return None

    def function_spelling(self, position: Position) -> str | None:
        """How to spell ``tf.function`` at ``position`` with the module's imports, if it can."""
        alias = self.module_alias(position)
        if alias is not None:
            return f"{alias}.function"
        for binding in self._candidates(module_alias=False):
            if self.reaches(binding.name, position, TF_FUNCTION):
                return binding.name
        if self.from_wildcard(WILDCARD_FUNCTION, position):
            return WILDCARD_FUNCTION
        return None

    def from_import_spelling(self, attribute: str, position: Position) -> str | None:
        """A name bound by ``from tensorflow import attribute [as name]`` that means
        ``tensorflow.attribute`` at ``position``, unshadowed; module-level bindings first."""
        targets = _targets_of(attribute)
        chosen = [binding for binding in self.bindings if binding.target in targets]
        chosen.sort(
            key=lambda binding: (
                binding.scope is not self.global_scope,
                binding.name != attribute,
            )
        )
        for binding in chosen:
            if self.reaches(binding.name, position, targets):
                return binding.name
        return None

    def from_statement(self, position: Position) -> cst.ImportFrom | None:
        """The first ``from tensorflow import a, b`` statement on a line of the module body (not
        under ``if`` or ``try``) that has run at ``position``: new names can join it.

        None when the module also star-imports another module, which may bind the same names
        after that statement (LibCST cannot tell which ones).
        """
        if any(
            isinstance(statement, cst.ImportFrom)
            and isinstance(statement.names, cst.ImportStar)
            and not _is_tensorflow_wildcard(statement)
            for statement in self._survey.imports
        ):
            return None
        for statement in self._survey.imports:
            if not (
                isinstance(statement, cst.ImportFrom)
                and not isinstance(statement.names, cst.ImportStar)
                and not statement.relative
                and statement.module is not None
                and get_full_name_for_node(statement.module) == "tensorflow"
            ):
                continue
            line = self.module.body[self._survey.top_level[id(statement)]]
            if not isinstance(line, cst.SimpleStatementLine) or not any(
                small is statement for small in line.body
            ):
                continue
            if self._exists_at(statement, position):
                return statement
        return None

    def tensorflow_path(self, name: cst.Name) -> str | None:
        """What a name read in the original tree means in TensorFlow: ``""`` for the module
        itself (``tf``), ``"TensorSpec"`` for ``tensorflow.TensorSpec`` (``Spec`` after ``from
        tensorflow import TensorSpec as Spec``, or a name of ``from tensorflow import *``);
        ``None`` when it means something else, or is not a read LibCST resolved."""
        scope = self._scopes.get(name)
        if scope is None:
            return None
        qualified = {qualified.name for qualified in scope.get_qualified_names_for(name)}
        if not qualified:
            return name.value if self.from_wildcard(name.value, Position(scope, None)) else None
        paths = {_tensorflow_path(qualified_name) for qualified_name in qualified}
        return paths.pop() if len(paths) == 1 else None

    def is_free(self, name: str, scope: Scope) -> bool:
        """Could a new module-level ``name`` be added and reach ``scope``?

        Not if the module binds it, if something between the module and ``scope`` shadows it, or
        if the module reads it without binding it (it then comes from a star import or from
        outside, and a new binding would change what those reads mean).
        """
        if name in self.global_scope.assignments or name in scope:
            return False
        read_unbound = self._read_unbound.get(name)
        if read_unbound is None:  # the same for every position: asked once per name
            read_unbound = any(
                not access.referents
                for any_scope in self._all_scopes
                for access in any_scope.accesses[name]
            )
            self._read_unbound[name] = read_unbound
        return not read_unbound

    # -- uses of imports --------------------------------------------------------------------

    def names_in_dunder_all(self) -> set[str]:
        """Strings inside statements that mention ``__all__``: exported names count as uses."""
        exported: set[str] = set()
        for statement in self.module.body:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue  # ``__all__`` is built by module-level simple statements
            finder = _DunderAllFinder()
            statement.visit(finder)
            if finder.mentions_all:
                exported |= finder.strings
        return exported


def _targets_of(attribute: str) -> frozenset[str]:
    """What ``tf.attribute`` is, through each of the TensorFlow modules."""
    return frozenset(f"{module}.{attribute}" for module in TENSORFLOW_MODULES)


_MODULES_LONGEST_FIRST = sorted(TENSORFLOW_MODULES, key=len, reverse=True)


def _tensorflow_path(qualified_name: str) -> str | None:
    """``tensorflow.compat.v2.TensorSpec`` → ``TensorSpec``; ``tensorflow`` → ``""``."""
    for module in _MODULES_LONGEST_FIRST:
        if qualified_name == module:
            return ""
        if qualified_name.startswith(module + "."):
            return qualified_name[len(module) + 1 :]
    return None


def _only_for_type_checkers(top: cst.CSTNode, statement: ImportStatement) -> bool:
    """Is ``statement`` in the body of a top-level ``if TYPE_CHECKING:`` (or
    ``typing.TYPE_CHECKING``), which type checkers read and Python never runs?"""
    if not isinstance(top, cst.If):
        return False
    test = top.test
    name = (
        test.value
        if isinstance(test, cst.Name)
        else (test.attr.value if isinstance(test, cst.Attribute) else None)
    )
    if name != "TYPE_CHECKING":
        return False
    stack: list[cst.CSTNode] = [top.body]
    while stack:
        node = stack.pop()
        if node is statement:
            return True
        stack.extend(node.children)
    return False


class _DunderAllFinder(cst.CSTVisitor):
    def __init__(self) -> None:
        self.mentions_all = False
        self.strings: set[str] = set()

    def visit_Name(self, node: cst.Name) -> None:
        if node.value == "__all__":
            self.mentions_all = True

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        value = node.evaluated_value
        if isinstance(value, str):
            self.strings.add(value)
