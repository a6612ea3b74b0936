"""Properties of the whole ``fix`` pipeline (analysis, decisions, rewrite, write) on generated
projects: fixing twice equals fixing once, every written file parses, files with nothing to
apply are byte-identical (not even re-serialised), and ``diff`` describes exactly what
``apply`` writes."""

from __future__ import annotations

import ast
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hybridize.api import Config, analyze

IMPORTS = [
    "import tensorflow as tf\n",
    "import tensorflow as tf\nimport numpy as np\n",
    '"""Generated module."""\nfrom __future__ import annotations\n\nimport tensorflow as tf\n',
]

BODIES = [
    "    y = tf.matmul(x, x)\n    y = tf.nn.relu(y) + tf.reduce_sum(y) * 2.0\n"
    "    return tf.tanh(y) - tf.sigmoid(y) + tf.exp(y)\n",
    "    return x + 1\n",
    '    print("value", x)\n    return tf.reduce_sum(x * x) + tf.reduce_mean(x) - tf.exp(x)\n',
    "    total = 0\n    for i in range(3):\n        total += i\n    return total\n",
    "    return tf.add(x, 1)\n",
]

DECORATORS = ["", "@tf.function\n", "@tf.function(reduce_retracing=True)\n", "@staticmethod\n"]

CALLS = [
    "        {name}(tf.ones([2, 2]))\n",
    "        {name}(i)\n",
    "        {name}(3)\n",
]


@st.composite
def modules(draw: st.DrawFn) -> str:
    """A module of a few functions, some called in a loop with tensors or Python values."""
    parts = [draw(st.sampled_from(IMPORTS))]
    count = draw(st.integers(1, 4))
    calls: list[str] = []
    for index in range(count):
        decorator = draw(st.sampled_from(DECORATORS[:3]))
        comment = draw(st.sampled_from(["", "  # note", "  # hybridize: ignore"]))
        name = f"f{index}"
        parts.append(f"\n\n{decorator}def {name}(x):{comment}\n{draw(st.sampled_from(BODIES))}")
        if draw(st.booleans()):
            calls.append(draw(st.sampled_from(CALLS)).format(name=name))
    if calls:
        parts.append("\n\ndef _loop():\n    for i in range(10):\n" + "".join(calls))
    return "".join(parts)


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(root.glob("*.py"))}


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(modules(), min_size=1, max_size=3))
def test_fix_is_idempotent_and_touches_only_what_it_changes(sources: list[str]) -> None:
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        for index, source in enumerate(sources):
            (root / f"m{index}.py").write_text(source, encoding="utf-8")
        before = _snapshot(root)
        mtimes = {p.name: p.stat().st_mtime_ns for p in root.glob("*.py")}
        result = analyze([root], Config())
        diff = result.diff(unsafe=True)
        assert _snapshot(root) == before  # diff writes nothing
        edits = result.apply(unsafe=True)
        after = _snapshot(root)
        written = {e.path for e in edits if e.written}
        for name, data in after.items():
            if name in written:
                ast.parse(data.decode("utf-8"))
                assert data != before[name]
                assert f"--- a/{name}\n" in diff
            else:
                assert data == before[name]
                assert (root / name).stat().st_mtime_ns == mtimes[name]
                assert f"--- a/{name}\n" not in diff
        # A second run, on the rewritten files, has nothing left to apply.
        again = analyze([root], Config())
        assert again.diff(unsafe=True) == ""
        assert not any(e.written for e in again.apply(unsafe=True))
        assert _snapshot(root) == after
