"""The graph fixpoints: strongly connected components, repetition and tracing by callers."""

from __future__ import annotations

from hybridize.lattice.tri import Tri
from hybridize.transfer.callgraph import (
    called_repeatedly,
    recursive_functions,
    strongly_connected,
    traced_functions,
)


def test_components_come_callees_first() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"b"}, "d": set()}
    components = strongly_connected(["a", "b", "c", "d"], edges)
    assert ["b", "c"] in components
    assert components.index(["b", "c"]) < components.index(["a"])


def test_recursion_direct_mutual_and_none() -> None:
    edges = {"f": {"f"}, "g": {"h"}, "h": {"g"}, "k": {"f"}}
    result = recursive_functions(["f", "g", "h", "k"], edges)
    assert result["f"] == ["f"]
    assert result["g"] == ["g", "h"] and result["h"] == ["g", "h"]
    assert "k" not in result


def test_deep_chain_does_not_overflow() -> None:
    nodes = [f"n{i}" for i in range(5000)]
    edges = {nodes[i]: {nodes[i + 1]} for i in range(len(nodes) - 1)}
    assert recursive_functions(nodes, edges) == {}


def test_repetition_through_callers() -> None:
    callers = {
        "step": [("loop", True)],
        "helper": [("step", False)],
        "once": [("mod::<module>", False)],
    }
    result = called_repeatedly(["step", "helper", "once", "orphan", "loop"], callers)
    assert result["step"] is Tri.YES
    assert result["helper"] is Tri.YES
    assert result["once"] is Tri.NO
    assert result["orphan"] is Tri.MAYBE


def test_traced_needs_every_caller_traced() -> None:
    callers = {"inner": [("outer", False)], "shared": [("outer", False), ("eager", False)]}
    traced = traced_functions(["outer", "inner", "shared", "eager"], {"outer": True}, callers)
    assert traced["inner"] is True
    assert traced["shared"] is False
    assert traced["eager"] is False
