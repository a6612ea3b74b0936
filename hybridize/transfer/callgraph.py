"""Graph facts computed over the resolved call edges: recursion (SCCs), repetition, tracing.

Each is a small fixpoint over the call graph, kept apart from the interpreter (style item 6).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from hybridize.lattice.tri import Tri


def strongly_connected(nodes: Iterable[str], edges: Mapping[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative (project call graphs can be deep); components come out in
    reverse topological order (callees before callers)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for root in sorted(nodes):
        if root in index:
            continue
        work: list[tuple[str, list[str]]] = [(root, sorted(edges.get(root, ())))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            if successors:
                successor = successors.pop()
                if successor not in index:
                    index[successor] = low[successor] = counter
                    counter += 1
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, sorted(edges.get(successor, ()))))
                elif successor in on_stack:
                    low[node] = min(low[node], index[successor])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
    return components


def recursive_functions(
    nodes: Iterable[str], edges: Mapping[str, set[str]]
) -> dict[str, list[str]]:
    """Functions that can reach themselves, each with the members of its cycle."""
    result: dict[str, list[str]] = {}
    for component in strongly_connected(nodes, edges):
        if len(component) > 1 or component[0] in edges.get(component[0], set()):
            for member in component:
                result[member] = component
    return result


def called_repeatedly(
    functions: Iterable[str],
    callers: Mapping[str, list[tuple[str, bool]]],
) -> dict[str, Tri]:
    """YES when some call runs in a loop (or a framework loop), directly or through a caller that
    is itself called repeatedly; NO when every chain of callers ends in straight-line top-level
    code; MAYBE for functions with no caller in the analysed code (unknown callers may loop)."""
    result: dict[str, Tri] = {}
    function_list = sorted(functions)
    for fid in function_list:
        result[fid] = Tri.NO
    changed = True
    while changed:
        changed = False
        for fid in function_list:
            edges = callers.get(fid, [])
            if not edges:
                value = Tri.MAYBE
            else:
                value = Tri.NO
                for caller, repeated in edges:
                    if repeated:
                        value = Tri.YES
                        break
                    value = value.or_(result.get(caller, Tri.NO))
            if value is not result[fid] and _tri_rank(value) > _tri_rank(result[fid]):
                result[fid] = value
                changed = True
    return result


def traced_functions(
    functions: Iterable[str],
    hybrid: Mapping[str, bool],
    callers: Mapping[str, list[tuple[str, bool]]],
) -> dict[str, bool]:
    """A function runs inside a trace when it is hybrid, or when it has callers and every one of
    them runs inside a trace (least fixpoint: cycles without a hybrid member are not traced)."""
    function_list = sorted(functions)
    traced = {fid: hybrid.get(fid, False) for fid in function_list}
    changed = True
    while changed:
        changed = False
        for fid in function_list:
            if traced[fid]:
                continue
            edges = callers.get(fid, [])
            if edges and all(traced.get(caller, False) for caller, _ in edges):
                traced[fid] = True
                changed = True
    return traced


def _tri_rank(value: Tri) -> int:
    return {Tri.NO: 0, Tri.MAYBE: 1, Tri.YES: 2}[value]
