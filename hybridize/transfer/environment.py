"""Abstract environments (local name -> value) and their join / widening.

An environment is a plain dict owned by one frame; ``None`` stands for an unreachable program point
(after ``return``, ``raise``, ``break``), which is the ⊥ of environments.
"""

from __future__ import annotations

from collections.abc import Iterable

from hybridize.lattice.values import Value

Env = dict[str, Value]


def join_envs(envs: Iterable[Env | None]) -> Env | None:
    """Pointwise join; a name bound on only some paths keeps the value of those paths."""
    result: Env | None = None
    for env in envs:
        if env is None:
            continue
        if result is None:
            result = dict(env)
            continue
        for name, value in env.items():
            previous = result.get(name)
            result[name] = value if previous is None else previous.join(value)
    return result


def widen_envs(old: Env | None, new: Env | None) -> Env | None:
    if old is None:
        return None if new is None else dict(new)
    if new is None:
        return dict(old)
    result = dict(old)
    for name, value in new.items():
        previous = result.get(name)
        result[name] = value if previous is None else previous.widen(value)
    return result


def env_leq(a: Env | None, b: Env | None) -> bool:
    if a is None:
        return True
    if b is None:
        return False
    for name, value in a.items():
        other = b.get(name)
        if other is None or not (value is other or value.leq(other)):
            return False
    return True
