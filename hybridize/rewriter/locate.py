"""Finding the functions a change names, by qualified name and ``def`` line.

Qualified names follow the analyser's convention: the names of the enclosing classes and
functions joined by ``.``, without ``<locals>``, whatever compound statements (``if``, ``try``,
``with``) lie in between. Names are compared NFKC-normalised, as Python itself reads
identifiers (``ast`` reports ``def ﬁt`` as ``fit``). Lambdas are recorded too, under the name
they are assigned to, only so that a change aimed at one can be refused with a reason instead
of "not found".
"""

from __future__ import annotations

import attrs

from hybridize.rewriter.survey import FunctionSite, Survey, normalized


@attrs.frozen(eq=False)
class Sites:
    functions: tuple[FunctionSite, ...]
    lambdas: frozenset[tuple[str, int]]

    @classmethod
    def of(cls, survey: Survey) -> Sites:
        return cls(survey.functions, survey.lambdas)

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
