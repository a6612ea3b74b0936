"""The rewriter's contract: outcomes and messages, errors, and properties on generated code.

The fixture tests (``test_fixtures.py``) pin exact output; these pin what callers rely on:
one outcome per change in order, readable reasons for what was not applied, ``RewriteError``
only for source LibCST cannot parse, the input returned as is when nothing applies, and, on
generated modules, idempotence and independence of changes applied together.
"""

from __future__ import annotations

import ast
import textwrap
import unicodedata
from unittest import mock

import hypothesmith
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from hybridize.rewriter import (
    Change,
    ChangeAction,
    Outcome,
    Rewrite,
    RewriteError,
    names,
    rewrite_source,
)

pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning")  # generated code warns, legally

ADD = ChangeAction.ADD
REMOVE = ChangeAction.REMOVE
CONFIGURE = ChangeAction.CONFIGURE


def _source(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def _def_line(source: str, qualname: str) -> int:
    """The line of the first ``def`` with this qualname (classes and functions nest)."""

    def walk(node: ast.AST, prefix: str) -> list[tuple[str, int]]:
        found = []
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                found.append((prefix + child.name, child.lineno))
                found.extend(walk(child, f"{prefix}{child.name}."))
            elif isinstance(child, ast.ClassDef):
                found.extend(walk(child, f"{prefix}{child.name}."))
            else:
                found.extend(walk(child, prefix))
        return found

    return min(line for name, line in walk(ast.parse(source), "") if name == qualname)


def _change(
    source: str,
    qualname: str,
    action: ChangeAction,
    arguments: tuple[tuple[str, str], ...] = (),
    function_id: str = "",
) -> Change:
    return Change(qualname, _def_line(source, qualname), action, arguments, function_id)


def _only(rewrite: Rewrite) -> Outcome:
    (outcome,) = rewrite.outcomes
    return outcome


MODULE = _source(
    """
    import tensorflow as tf


    def plain(x):
        return tf.identity(x)


    @tf.function
    def traced(x):
        return x + 1


    @tf.function(jit_compile=True)
    def compiled(x):
        return x * 2
    """
)


# -- outcomes and messages ------------------------------------------------------------------


def test_one_outcome_per_change_in_input_order_carrying_the_change() -> None:
    changes = [
        _change(MODULE, "compiled", REMOVE, function_id="m.py::compiled"),
        _change(MODULE, "plain", ADD, function_id="m.py::plain"),
        _change(MODULE, "traced", ADD, function_id="m.py::traced"),
    ]
    rewrite = rewrite_source(MODULE, changes)
    assert [outcome.change for outcome in rewrite.outcomes] == changes
    assert [outcome.applied for outcome in rewrite.outcomes] == [True, True, False]
    assert [outcome.change.function_id for outcome in rewrite.outcomes] == [
        "m.py::compiled",
        "m.py::plain",
        "m.py::traced",
    ]
    assert rewrite.changed


def test_messages_say_what_was_done() -> None:
    rewrite = rewrite_source(
        MODULE,
        [
            _change(MODULE, "plain", ADD),
            _change(MODULE, "compiled", REMOVE),
            _change(MODULE, "traced", CONFIGURE, (("reduce_retracing", "True"),)),
        ],
    )
    assert [outcome.message for outcome in rewrite.outcomes] == [
        "added @tf.function",
        "removed @tf.function(jit_compile=True)",
        "set reduce_retracing=True on @tf.function",
    ]


def test_messages_mention_imports_added_and_removed() -> None:
    source = "def f(x):\n    return x\n"
    added = _only(rewrite_source(source, [_change(source, "f", ADD)]))
    assert added.message == "added @tf.function; added import tensorflow as tf"
    source = "import tensorflow as tf\n\n\n@tf.function\ndef f(x):\n    return x\n"
    removed = _only(rewrite_source(source, [_change(source, "f", REMOVE)]))
    assert removed.message == "removed @tf.function; removed unused import tensorflow as tf"


def test_an_import_added_for_several_changes_is_reported_once() -> None:
    source = "def f(x):\n    return x\n\n\ndef g(x):\n    return x\n"
    rewrite = rewrite_source(source, [_change(source, "f", ADD), _change(source, "g", ADD)])
    assert [outcome.message for outcome in rewrite.outcomes] == [
        "added @tf.function; added import tensorflow as tf",
        "added @tf.function",
    ]
    assert rewrite.source.count("import tensorflow") == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (Change("plain", 99, ADD), "no def named plain at line 99 (plain is defined at line 4)"),
        (Change("missing", 4, ADD), "no def named missing at line 4"),
        (Change("traced", 9, ADD), "already has @tf.function"),
        (Change("compiled", 14, ADD), "already has @tf.function(jit_compile=True)"),
        (Change("plain", 4, REMOVE), "no tf.function decorator"),
        (Change("plain", 4, CONFIGURE, (("jit_compile", "True"),)), "no tf.function decorator"),
        (Change("compiled", 14, CONFIGURE, (("jit_compile", "True"),)), "already configured"),
        (Change("traced", 9, CONFIGURE), "no arguments to set"),
        (Change("traced", 9, CONFIGURE, (("jit compile", "True"),)), "invalid keyword"),
        (Change("traced", 9, CONFIGURE, (("jit_compile", "True)"),)), "invalid value"),
        (Change("plain", 4, ADD, (("jit_compile", "(("),)), "invalid value for jit_compile"),
    ],
)
def test_reasons_for_changes_not_applied(change: Change, message: str) -> None:
    rewrite = rewrite_source(MODULE, [change])
    outcome = _only(rewrite)
    assert not outcome.applied
    assert message in outcome.message
    assert rewrite.source is MODULE
    assert not rewrite.changed


def test_a_lambda_cannot_be_decorated() -> None:
    source = "import tensorflow as tf\n\nsquare = lambda x: tf.square(x)\n"
    outcome = _only(rewrite_source(source, [Change("square", 3, ADD)]))
    assert not outcome.applied
    assert outcome.message == "lambda functions cannot take a decorator"


def test_a_function_wrapped_by_a_call_is_named_in_the_reason() -> None:
    source = "import tensorflow as tf\n\n\ndef g(x):\n    return x\n\n\nh = tf.function(g)\n"
    outcome = _only(rewrite_source(source, [Change("g", 4, REMOVE)]))
    assert not outcome.applied
    assert "wrapped by the tf.function(...) call at line 8" in outcome.message


def test_wrapping_calls_are_indexed_once_per_module() -> None:
    """Wording "wrapped by the call at line N" must not rescan every call of the module for
    each change that cannot apply (a hot spot on generated code with many calls)."""
    functions = 40
    calls = [f"h{index} = tf.function(g{index})\n" for index in range(functions)]
    calls += [f"print(g{index})\n" for index in range(functions)]
    definitions = [f"def g{index}(x):\n    return x\n\n\n" for index in range(functions)]
    source = "import tensorflow as tf\n\n\n" + "".join(definitions) + "".join(calls)
    changes = [_change(source, f"g{index}", REMOVE) for index in range(functions)]
    seen: list[str] = []

    def counting(name: str) -> str:
        seen.append(name)
        return unicodedata.normalize("NFKC", name)

    with mock.patch.object(names, "normalized", counting):
        rewrite = rewrite_source(source, changes)
    first_call = 4 + 4 * functions
    assert [outcome.message for outcome in rewrite.outcomes] == [
        "no tf.function decorator (it is wrapped by the tf.function(...) call at line "
        f"{first_call + index}, which is left as it is)"
        for index in range(functions)
    ]
    assert len(seen) <= 2 * len(calls) + functions, len(seen)


def test_a_signature_joins_the_from_import_and_says_so() -> None:
    source = "from tensorflow import function\n\n\n@function\ndef f(x):\n    return x\n"
    signature = "[tf.TensorSpec(shape=(None, 784), dtype=tf.float32)]"
    rewrite = rewrite_source(
        source, [_change(source, "f", CONFIGURE, (("input_signature", signature),))]
    )
    assert _only(rewrite).message == (
        "set input_signature=[TensorSpec(shape=(None, 784), dtype=float32)] on @function; "
        "added TensorSpec, float32 to from tensorflow import function"
    )
    assert rewrite.source.startswith("from tensorflow import function, TensorSpec, float32\n")


def test_an_existing_signature_is_compared_by_meaning() -> None:
    """The same signature spelled another way is already there; a ``tf`` that is not
    TensorFlow does not spell the same signature, however alike the text looks."""
    signature = (("input_signature", "[tf.TensorSpec(shape=[None], dtype=tf.float32)]"),)
    same = _source(
        """
        import tensorflow
        from tensorflow import TensorSpec as Spec, float32 as f32


        @tensorflow.function(input_signature=[Spec(shape=[None], dtype=f32)])
        def f(x):
            return x
        """
    )
    rewrite = rewrite_source(same, [_change(same, "f", CONFIGURE, signature)])
    assert _only(rewrite).message == "already configured"
    assert rewrite.source is same
    other = _source(
        """
        import tensorflow


        class Model:
            tf = fake_tensorflow

            @tensorflow.function(input_signature=[tf.TensorSpec(shape=[None], dtype=tf.float32)])
            def f(self, x):
                return x
        """
    )
    rewrite = rewrite_source(other, [_change(other, "Model.f", CONFIGURE, signature)])
    assert _only(rewrite).applied
    assert (
        "@tensorflow.function(input_signature=[tensorflow.TensorSpec(shape=[None], "
        "dtype=tensorflow.float32)])" in rewrite.source
    )


def test_no_name_left_to_import_tensorflow_with() -> None:
    source = "tf = 1\ntensorflow = 2\n\n\ndef f(x):\n    return x\n"
    outcome = _only(rewrite_source(source, [Change("f", 5, ADD)]))
    assert not outcome.applied
    assert "tf and tensorflow are both taken" in outcome.message


def test_positional_arguments_are_configured_in_place() -> None:
    source = "import tensorflow as tf\n\n\n@tf.function(None, None)\ndef f(x):\n    return x\n"
    change = Change("f", 5, CONFIGURE, (("input_signature", "[]"),))
    assert rewrite_source(source, [change]).source.splitlines()[3] == "@tf.function(None, [])"


# -- returning the input, and errors --------------------------------------------------------


def test_no_changes_returns_the_input_itself() -> None:
    rewrite = rewrite_source(MODULE, [])
    assert rewrite.source is MODULE
    assert rewrite.outcomes == ()
    assert not rewrite.changed


def test_trailing_whitespace_is_not_normalised_when_nothing_applies() -> None:
    source = "import tensorflow as tf   \n\n\ndef f(x):  \n    return x\n\n\n\n"
    rewrite = rewrite_source(source, [Change("f", 99, ADD)])
    assert rewrite.source is source


@pytest.mark.parametrize(
    "source",
    ["def f(:\n    pass\n", "x = (\n", "def f():\nreturn 1\n", "class C\n    pass\n"],
)
def test_unparseable_source_raises_rewrite_error_with_one_line(source: str) -> None:
    with pytest.raises(RewriteError) as raised:
        rewrite_source(source, [Change("f", 1, ADD)])
    message = str(raised.value)
    assert message.startswith("cannot parse")
    assert "\n" not in message


def test_unparseable_source_raises_even_without_changes() -> None:
    with pytest.raises(RewriteError):
        rewrite_source("def (:\n", [])


def test_rewrite_error_is_an_exception() -> None:
    assert issubclass(RewriteError, Exception)


# -- several changes in one call ------------------------------------------------------------


def test_changes_to_one_function_apply_in_sequence() -> None:
    changes = [
        _change(MODULE, "plain", ADD),
        _change(MODULE, "plain", CONFIGURE, (("reduce_retracing", "True"),)),
    ]
    rewrite = rewrite_source(MODULE, changes)
    assert all(outcome.applied for outcome in rewrite.outcomes)
    assert "@tf.function(reduce_retracing=True)\ndef plain(x):" in rewrite.source


def test_a_removal_keeps_the_import_another_change_now_uses() -> None:
    source = _source(
        """
        import tensorflow as tf


        @tf.function
        def f(x):
            return x


        def g(x):
            return x
        """
    )
    rewrite = rewrite_source(source, [_change(source, "f", REMOVE), _change(source, "g", ADD)])
    assert rewrite.source.startswith("import tensorflow as tf\n")
    assert "@tf.function\ndef g" in rewrite.source


# -- properties on generated modules --------------------------------------------------------

_IMPORTS = [
    "import tensorflow as tf\n",
    "import tensorflow\n",
    "import tensorflow as tfx\n",
    "from tensorflow import function\n",
    "from tensorflow import function as F\n",
    "from tensorflow import *\n",
    '"""Docstring."""\n',
    "import os\n",
    "",
]
_DECORATORS = [
    "@tf.function\n",
    "@tf.function(\n    jit_compile=True,\n)\n",
    "@staticmethod\n",
    "@tf.custom_gradient\n",
    "@user\n",
    "# a comment\n",
]
_ARGUMENTS = [
    (),
    (("reduce_retracing", "True"),),
    (("jit_compile", "False"),),
    (("input_signature", "[tf.TensorSpec(shape=[None], dtype=tf.float32)]"),),
]


@st.composite
def _modules(draw: st.DrawFn) -> tuple[str, list[Change]]:
    """A module of a few functions (some methods, some decorated) and changes aimed at them."""
    tf_import = draw(st.sampled_from(["import tensorflow as tf\n", "import numpy as np\n", ""]))
    lines = [draw(st.sampled_from(_IMPORTS)), tf_import]
    names: list[str] = []
    in_class = draw(st.booleans())
    if in_class:
        lines.append("\n\nclass Holder:\n")
    indent = "    " if in_class else ""
    for index in range(draw(st.integers(1, 4))):
        name = f"f{index}"
        decorators = draw(st.lists(st.sampled_from(_DECORATORS), max_size=2))
        lines.append("\n" if in_class else "\n\n")
        lines.extend(textwrap.indent(decorator, indent) for decorator in decorators if decorator)
        lines.append(f"{indent}def {name}(x):\n{indent}    return x + {index}\n")
        names.append(f"Holder.{name}" if in_class else name)
    source = "".join(lines)
    changes = []
    for qualname in draw(st.lists(st.sampled_from(names), max_size=len(names), unique=True)):
        action = draw(st.sampled_from(list(ChangeAction)))
        arguments = draw(st.sampled_from(_ARGUMENTS[1:] if action is CONFIGURE else _ARGUMENTS))
        changes.append(_change(source, qualname, action, arguments))
    return source, changes


def _again(source: str, changes: list[Change]) -> list[Change]:
    """The same changes, aimed at the same functions in a rewritten source."""
    return [
        Change(c.qualname, _def_line(source, c.qualname), c.action, c.arguments) for c in changes
    ]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_modules())
def test_rewrites_parse_and_are_idempotent(case: tuple[str, list[Change]]) -> None:
    source, changes = case
    rewrite = rewrite_source(source, changes)
    if not rewrite.changed:
        assert rewrite.source is source
        return
    ast.parse(rewrite.source)
    again = rewrite_source(rewrite.source, _again(rewrite.source, changes))
    assert not again.changed, [outcome.message for outcome in again.outcomes]
    assert again.source is rewrite.source


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_modules())
def test_changes_together_equal_changes_one_at_a_time(case: tuple[str, list[Change]]) -> None:
    """Applied together or in sequence, the changes give the same text, except where imports
    are added or dropped (together, an import is added once and kept when still needed)."""
    source, changes = case
    together = rewrite_source(source, changes)
    assume(not any("import" in outcome.message for outcome in together.outcomes))
    sequential = source
    for change in changes:
        (aimed,) = _again(sequential, [change])
        step = rewrite_source(sequential, [aimed])
        assume(not any("import" in outcome.message for outcome in step.outcomes))
        sequential = step.source
    assert together.source == sequential


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(hypothesmith.from_grammar())
def test_arbitrary_code_round_trips_and_every_function_can_be_decorated(source: str) -> None:
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        assume(False)
    try:
        untouched = rewrite_source(source, [Change("__no_such_function__", 1, ADD)])
    except RewriteError:
        assume(False)  # valid for CPython but not for LibCST's parser
    assert untouched.source is source
    functions = [
        node for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    ]
    changes = [Change(function.name, function.lineno, ADD) for function in functions]
    rewrite = rewrite_source(source, changes)
    if rewrite.changed:
        ast.parse(rewrite.source)
