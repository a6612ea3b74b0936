"""Editing a function's decorator list and a decorator's argument list, preserving layout.

Placement rule for a new ``@tf.function``: it goes innermost, directly above the ``def`` and
below ``staticmethod``, ``classmethod``, ``property`` and any user decorator, because those
expect a callable and ``tf.function`` should trace the plain Python function. The exception is
a run of decorators that must themselves be traced (``tf.custom_gradient``,
``tf.recompute_grad``, ``tf.autograph.experimental.do_not_convert``) sitting innermost: what
they return is what has to become a graph, so ``@tf.function`` goes directly above that run.

Removal deletes the decorator's own lines and nothing else: comment and blank lines that sat
between decorators stay (they move down onto the next remaining decorator, or above the
``def``). A comment at the end of a removed decorator's line goes with it, since it described
that decorator.

Argument edits touch only the value being replaced or the place where a keyword is appended:
an appended keyword follows the separator style of the existing arguments (on its own line
with the same indentation when each argument has its own line) and keeps a trailing comma.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence

import libcst as cst

#: ``tf.function``'s parameters in positional order, to find a keyword passed positionally.
TF_FUNCTION_PARAMETERS = (
    "func",
    "input_signature",
    "autograph",
    "jit_compile",
    "reduce_retracing",
    "experimental_implements",
    "experimental_autograph_options",
    "experimental_attributes",
    "experimental_relax_shapes",
    "experimental_compile",
    "experimental_follow_type_hints",
)

_NO_SPACE = cst.SimpleWhitespace("")
_TIGHT_EQUAL = cst.AssignEqual(whitespace_before=_NO_SPACE, whitespace_after=_NO_SPACE)
_SAME_LINE_COMMA = cst.Comma(
    whitespace_before=_NO_SPACE, whitespace_after=cst.SimpleWhitespace(" ")
)
_EMPTY_MODULE = cst.Module(body=())


def code_of(node: cst.CSTNode) -> str:
    return _EMPTY_MODULE.code_for_node(node)


def flat_code(node: cst.CSTNode, limit: int = 100) -> str:
    """One line of code for messages, as ``ast.unparse`` spells it, long text shortened."""
    code = code_of(node)
    try:
        text = ast.unparse(ast.parse(f"({code})", mode="eval"))
    except SyntaxError:
        text = " ".join(code.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def same_expression(left: cst.BaseExpression, right: cst.BaseExpression) -> bool:
    """Equal as Python expressions, whatever their formatting."""

    def dump(node: cst.BaseExpression) -> str | None:
        try:
            return ast.dump(ast.parse(f"({code_of(node)})", mode="eval"))
        except SyntaxError:
            return None

    left_dump = dump(left)
    return left_dump is not None and left_dump == dump(right)


# -- the decorator list ---------------------------------------------------------------------


def new_decorator(
    spelling: cst.BaseExpression, arguments: Sequence[tuple[str, cst.BaseExpression]]
) -> cst.Decorator:
    expression: cst.BaseExpression = spelling
    if arguments:
        expression = cst.Call(func=spelling, args=_fresh_arguments(arguments, _TIGHT_EQUAL))
    return cst.Decorator(decorator=expression)


def insertion_index(traced: Sequence[bool]) -> int:
    """Where ``@tf.function`` goes: innermost, but above an innermost run of traced decorators."""
    index = len(traced)
    while index > 0 and traced[index - 1]:
        index -= 1
    return index


def without_decorators(
    decorators: Sequence[cst.Decorator],
    remove: Sequence[bool],
    lines_after_decorators: Sequence[cst.EmptyLine],
) -> tuple[list[cst.Decorator], list[cst.EmptyLine]]:
    """The remaining decorators and the lines that now separate them from the ``def``."""
    kept: list[cst.Decorator] = []
    carried: list[cst.EmptyLine] = []
    for decorator, removed in zip(decorators, remove, strict=True):
        if removed:
            carried.extend(decorator.leading_lines)
        elif carried:
            kept.append(decorator.with_changes(leading_lines=[*carried, *decorator.leading_lines]))
            carried = []
        else:
            kept.append(decorator)
    return kept, [*carried, *lines_after_decorators]


# -- the argument list ----------------------------------------------------------------------


def configure(
    expression: cst.BaseExpression,
    arguments: Sequence[tuple[str, cst.BaseExpression]],
    equivalent: Callable[[cst.BaseExpression, cst.BaseExpression], bool] = same_expression,
) -> tuple[cst.BaseExpression, list[str]] | str:
    """Set keyword ``arguments`` on a ``tf.function`` decorator expression.

    Returns the new expression and the keywords whose value changed, or why it cannot be done.
    A keyword already passed (by keyword or by position) gets its value replaced in place,
    unless ``equivalent(old, new)`` says it already has it; the others are appended in order.
    """
    if not isinstance(expression, cst.Call):
        return cst.Call(func=expression, args=_fresh_arguments(arguments, _TIGHT_EQUAL)), [
            keyword for keyword, _ in arguments
        ]
    call = expression
    if any(argument.star for argument in call.args):
        return "the decorator unpacks * or ** arguments, which may already set these keywords"
    args = list(call.args)
    changed: list[str] = []
    for keyword, value in arguments:
        index = _argument_index(args, keyword)
        if index is None:
            args = _appended(call, args, _keyword_argument(keyword, value, _equal_style(args)))
            changed.append(keyword)
        elif not equivalent(args[index].value, value):
            args[index] = args[index].with_changes(value=value)
            changed.append(keyword)
    return call.with_changes(args=args), changed


def _argument_index(args: Sequence[cst.Arg], keyword: str) -> int | None:
    for index, argument in enumerate(args):
        if argument.keyword is not None and argument.keyword.value == keyword:
            return index
    positional = [index for index, argument in enumerate(args) if argument.keyword is None]
    if keyword in TF_FUNCTION_PARAMETERS:
        position = TF_FUNCTION_PARAMETERS.index(keyword)
        if position < len(positional):
            return positional[position]
    return None


def _equal_style(args: Sequence[cst.Arg]) -> cst.AssignEqual:
    for argument in args:
        if argument.keyword is not None and isinstance(argument.equal, cst.AssignEqual):
            return argument.equal
    return _TIGHT_EQUAL


def _keyword_argument(keyword: str, value: cst.BaseExpression, equal: cst.AssignEqual) -> cst.Arg:
    return cst.Arg(value=value, keyword=cst.Name(keyword), equal=equal)


def _fresh_arguments(
    arguments: Sequence[tuple[str, cst.BaseExpression]], equal: cst.AssignEqual
) -> list[cst.Arg]:
    fresh = [_keyword_argument(keyword, value, equal) for keyword, value in arguments]
    return [
        argument.with_changes(comma=_SAME_LINE_COMMA) if index < len(fresh) - 1 else argument
        for index, argument in enumerate(fresh)
    ]


def _appended(call: cst.Call, args: list[cst.Arg], new: cst.Arg) -> list[cst.Arg]:
    """``args`` with ``new`` after the last one, in the layout the call already uses.

    The whitespace before ``)`` (with any comment ending the last argument's line) stays where
    it is relative to the last argument's line; the new argument gets a line of its own when
    the arguments already have one each.
    """
    if not args:
        return [new]
    last = args[-1]
    trailing = last.comma if isinstance(last.comma, cst.Comma) else None
    closing = trailing.whitespace_after if trailing is not None else last.whitespace_after_arg
    template = _line_break_template(call, args)
    separator: cst.Comma
    new_closing: cst.BaseParenthesizableWhitespace
    if template is not None:
        if isinstance(closing, cst.ParenthesizedWhitespace):
            # the comment ending the last argument's line stays on that line
            separator_after = cst.ParenthesizedWhitespace(
                first_line=closing.first_line,
                empty_lines=(),
                indent=template.indent,
                last_line=template.last_line,
            )
            new_closing = closing.with_changes(first_line=cst.TrailingWhitespace())
        else:
            separator_after = cst.ParenthesizedWhitespace(
                first_line=cst.TrailingWhitespace(),
                empty_lines=(),
                indent=template.indent,
                last_line=template.last_line,
            )
            new_closing = closing
        separator = cst.Comma(whitespace_before=_NO_SPACE, whitespace_after=separator_after)
    else:
        separator = _same_line_separator(args)
        new_closing = closing
    if trailing is not None:
        return [
            *args[:-1],
            last.with_changes(comma=separator),
            new.with_changes(comma=trailing.with_changes(whitespace_after=new_closing)),
        ]
    return [
        *args[:-1],
        last.with_changes(comma=separator, whitespace_after_arg=_NO_SPACE),
        new.with_changes(whitespace_after_arg=new_closing),
    ]


def _line_break_template(
    call: cst.Call, args: Sequence[cst.Arg]
) -> cst.ParenthesizedWhitespace | None:
    """The line break before the last argument, when it starts a line of its own."""
    before_last: cst.BaseParenthesizableWhitespace
    if len(args) >= 2:
        comma = args[-2].comma
        if not isinstance(comma, cst.Comma):
            return None
        before_last = comma.whitespace_after
    else:
        before_last = call.whitespace_before_args
    return before_last if isinstance(before_last, cst.ParenthesizedWhitespace) else None


def _same_line_separator(args: Sequence[cst.Arg]) -> cst.Comma:
    if len(args) >= 2:
        comma = args[-2].comma
        if isinstance(comma, cst.Comma) and isinstance(
            comma.whitespace_after, cst.SimpleWhitespace
        ):
            return comma
    return _SAME_LINE_COMMA
