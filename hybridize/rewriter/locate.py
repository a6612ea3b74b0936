"""Finding the functions a change names, by qualified name and ``def`` line.

Qualified names follow the analyser's convention: the names of the enclosing classes and
functions joined by ``.``, without ``<locals>``, whatever compound statements (``if``, ``try``,
``with``) lie in between. Names are compared NFKC-normalised, as Python itself reads
identifiers (``ast`` reports ``def ﬁt`` as ``fit``). Lambdas are recorded too, under the name
they are assigned to, only so that a change aimed at one can be refused with a reason instead
of "not found"."""

from __future__ import annotations

import unicodedata

import attrs
import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider


@attrs.frozen(eq=False)
class FunctionSite:
    qualname: str
    line: int
    node: cst.FunctionDef
    #: index in the module body of the top-level statement holding the function
    top_level_index: int


@attrs.frozen
class Sites:
    functions: tuple[FunctionSite, ...]
    lambdas: frozenset[tuple[str, int]]

    def find(self, qualname: str, line: int) -> FunctionSite | None:
        qualname = normalized(qualname)
        for site in self.functions:
            if site.qualname == qualname and site.line == line:
                return site
        return None

    def lines_of(self, qualname: str) -> list[int]:
        qualname = normalized(qualname)
        return [site.line for site in self.functions if site.qualname == qualname]

    def has_lambda(self, qualname: str, line: int) -> bool:
        """Is there a lambda on ``line`` that the change could mean (same name, or anonymous)?"""
        name = normalized(qualname).rsplit(".", 1)[-1]
        return any(
            lambda_line == line and lambda_name.rsplit(".", 1)[-1] in (name, "<lambda>")
            for lambda_name, lambda_line in self.lambdas
        )


class _Locator(cst.CSTVisitor):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self) -> None:
        super().__init__()
        self.functions: list[FunctionSite] = []
        self.lambdas: set[tuple[str, int]] = set()
        self._names: list[str] = []
        self._lambda_names: dict[int, str] = {}
        self._top_level: dict[int, int] = {}
        self._top_level_index = 0

    def _qualify(self, name: str) -> str:
        return ".".join([*self._names, normalized(name)])

    def _line(self, node: cst.CSTNode) -> int:
        return self.get_metadata(PositionProvider, node).start.line

    def visit_Module(self, node: cst.Module) -> None:
        self._top_level = {id(statement): index for index, statement in enumerate(node.body)}

    def on_visit(self, node: cst.CSTNode) -> bool:
        index = self._top_level.get(id(node))
        if index is not None:
            self._top_level_index = index
        return super().on_visit(node)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._names.append(normalized(node.name.value))

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._names.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        name = node.name.value
        site = FunctionSite(self._qualify(name), self._line(node.name), node, self._top_level_index)
        self.functions.append(site)
        self._names.append(normalized(name))

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._names.pop()

    def visit_Assign(self, node: cst.Assign) -> None:
        targets = node.targets
        if len(targets) == 1 and isinstance(targets[0].target, cst.Name):
            self._name_lambda(node.value, targets[0].target.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if isinstance(node.target, cst.Name) and node.value is not None:
            self._name_lambda(node.value, node.target.value)

    def _name_lambda(self, value: cst.BaseExpression, name: str) -> None:
        if isinstance(value, cst.Lambda):
            self._lambda_names[id(value)] = name

    def visit_Lambda(self, node: cst.Lambda) -> None:
        name = self._lambda_names.get(id(node), "<lambda>")
        self.lambdas.add((self._qualify(name), self._line(node)))


def locate(wrapper: MetadataWrapper) -> Sites:
    locator = _Locator()
    wrapper.visit(locator)
    return Sites(tuple(locator.functions), frozenset(locator.lambdas))


def normalized(name: str) -> str:
    """An identifier (or dotted name) as Python reads it: NFKC-normalised."""
    return unicodedata.normalize("NFKC", name)
