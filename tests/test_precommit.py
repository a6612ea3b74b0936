"""The pre-commit hooks of ``.pre-commit-hooks.yaml``, run by the real ``pre-commit try-repo``.

A small TensorFlow project (``examples/`` with ``total_steps`` left undecorated, so that exactly
two safe decisions apply: hybridize ``train_step`` and reconfigure ``eval_step``, both with
``reduce_retracing=True`` since they are fed dataset batches of varying size) is committed to a
fresh git repository in a temporary directory. ``pre-commit try-repo <this checkout>
hybridize-fix --all-files`` must fail and make exactly those edits; afterwards both hooks pass.

pre-commit builds a fresh virtualenv for a ``language: python`` hook and ``pip install``s this
checkout into it. To keep that off the network, a session-scoped wheelhouse is built first,
without any download: each distribution this project needs (its dependencies from
``pyproject.toml``, recursively) is repacked as a wheel from the files installed in the running
environment, and the build backend (setuptools) comes from the wheels bundled with virtualenv,
which pre-commit itself depends on. pip in the hook's virtualenv then gets ``PIP_NO_INDEX=1`` and
``PIP_FIND_LINKS=<wheelhouse>``, so the test runs offline. (pip's own cache cannot serve this: its
HTTP cache holds raw responses, its wheel cache only wheels pip built itself, and none of the
dependencies is installed from an sdist that ``pip wheel`` could rebuild.) Only if some
requirement cannot be found that way (e.g. a dependency installed by other means than from a
wheel) does the test fall back to letting pip fetch what is missing from the package index.

``PRE_COMMIT_HOME`` points into the session's temporary directory, so the user's pre-commit
cache is never touched. (``try-repo`` itself installs the hook into a throwaway store on every
call, so each of the three calls builds the hook's virtualenv anew: about 13 s each, 45 s in all,
on a 2-core machine.)
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - tomli is a dependency of this project on 3.10
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

CHECKOUT = Path(__file__).resolve().parents[1]
EXAMPLES = CHECKOUT / "examples"
TRAIN = Path("mnist_trainer") / "train.py"


def _pre_commit_executable() -> str | None:
    """``pre-commit`` beside the running interpreter (an unactivated venv), else on ``PATH``."""
    beside = Path(sys.executable).parent / "pre-commit"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("pre-commit")


PRE_COMMIT = _pre_commit_executable()
GIT = shutil.which("git")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        PRE_COMMIT is None,
        reason="the pre-commit executable is not installed (pip install -e '.[test]')",
    ),
    pytest.mark.skipif(GIT is None, reason="git is not installed (pre-commit needs it)"),
]


# --- an offline wheelhouse --------------------------------------------------------------------


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return "sha256=" + digest.decode("ascii")


def _wheel_filename(dist: importlib.metadata.Distribution, tags: list[str]) -> str:
    """``name-version-pythons-abis-platforms.whl``, each tag part compressed with dots."""
    parts = [list(dict.fromkeys(tag.split("-")[i] for tag in tags)) for i in range(3)]
    name = re.sub(r"[-_.]+", "_", dist.metadata["Name"])
    return f"{name}-{dist.version}-" + "-".join(".".join(part) for part in parts) + ".whl"


def _repack(dist: importlib.metadata.Distribution, wheelhouse: Path) -> Path | None:
    """A wheel made of ``dist``'s installed files, or None when it was not installed from one.

    Files outside site-packages (console scripts in ``bin/``, headers) are left out: pip writes
    console scripts anew from ``entry_points.txt``. Caches and pip's own install markers are left
    out too, and RECORD is written afresh.
    """
    wheel_metadata = dist.read_text("WHEEL")
    files = dist.files
    if wheel_metadata is None or files is None or dist.read_text("direct_url.json") is not None:
        return None  # not installed from a wheel, or an editable/local install
    tags = [
        line.split(":", 1)[1].strip()
        for line in wheel_metadata.splitlines()
        if line.startswith("Tag:")
    ]
    dist_infos = {file.parts[0] for file in files if file.parts[0].endswith(".dist-info")}
    if not tags or len(dist_infos) != 1:
        return None
    (dist_info,) = dist_infos
    target = wheelhouse / _wheel_filename(dist, tags)
    skipped_metadata = {"RECORD", "INSTALLER", "REQUESTED", "direct_url.json"}
    record: list[str] = []
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as archive:
        for file in files:
            parts = file.parts
            if parts[0] == ".." or "__pycache__" in parts or file.suffix == ".pyc":
                continue
            if parts[0] == dist_info and len(parts) == 2 and parts[1] in skipped_metadata:
                continue
            path = Path(str(dist.locate_file(file)))
            if not path.is_file():
                continue
            data = path.read_bytes()
            archive.writestr(file.as_posix(), data)
            record.append(f"{file.as_posix()},{_record_hash(data)},{len(data)}")
        record.append(f"{dist_info}/RECORD,,")
        archive.writestr(f"{dist_info}/RECORD", "\n".join(record) + "\n")
    return target


def _bundled_wheels() -> dict[str, list[Path]]:
    """The wheels virtualenv ships (pip, setuptools, ...), by canonical project name."""
    try:
        from virtualenv.seed.wheels.embed import BUNDLE_FOLDER
    except ImportError:  # pragma: no cover - pre-commit depends on virtualenv
        return {}
    found: dict[str, list[Path]] = {}
    for wheel in Path(BUNDLE_FOLDER).glob("*.whl"):
        found.setdefault(_canonical(wheel.name.split("-")[0]), []).append(wheel)
    return found


def _requirements(specs: list[str]) -> Iterator[Requirement]:
    for spec in specs:
        requirement = Requirement(spec)
        if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
            yield requirement


def build_wheelhouse(wheelhouse: Path) -> list[str]:
    """Fill ``wheelhouse`` with everything ``pip install <checkout>`` needs; return what is missing.

    The build requirements come from virtualenv's bundled wheels when one satisfies them (the
    installed setuptools is often older than the one this project builds with); the rest are
    repacked from the running environment, following their dependencies.
    """
    pyproject = tomllib.loads((CHECKOUT / "pyproject.toml").read_text(encoding="utf-8"))
    bundled = _bundled_wheels()
    missing: list[str] = []
    done: set[str] = set()

    def from_bundle(requirement: Requirement) -> bool:
        candidates = [
            wheel
            for wheel in bundled.get(_canonical(requirement.name), [])
            if requirement.specifier.contains(Version(wheel.name.split("-")[1]), prereleases=True)
        ]
        if not candidates:
            return False
        best = max(candidates, key=lambda wheel: Version(wheel.name.split("-")[1]))
        shutil.copy2(best, wheelhouse / best.name)
        return True

    for requirement in _requirements(pyproject["build-system"]["requires"]):
        done.add(_canonical(requirement.name))
        if not from_bundle(requirement):
            missing.append(str(requirement))
    queue = list(_requirements(pyproject["project"]["dependencies"]))
    while queue:
        requirement = queue.pop()
        name = _canonical(requirement.name)
        if name in done:
            continue
        done.add(name)
        try:
            dist = importlib.metadata.distribution(requirement.name)
        except importlib.metadata.PackageNotFoundError:
            missing.append(str(requirement))
            continue
        if not requirement.specifier.contains(dist.version, prereleases=True):
            missing.append(str(requirement))
            continue
        if _repack(dist, wheelhouse) is None:
            missing.append(str(requirement))
            continue
        queue.extend(_requirements(dist.requires or []))
    return missing


# --- fixtures and helpers ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def hook_environment(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment for pre-commit: a private PRE_COMMIT_HOME and, if possible, offline pip."""
    root = tmp_path_factory.mktemp("pre-commit")
    wheelhouse = root / "wheelhouse"
    wheelhouse.mkdir()
    missing = build_wheelhouse(wheelhouse)
    # no GIT_DIR & co. from an enclosing git hook, no pre-commit settings of the user's
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GIT_", "PRE_COMMIT"))
    }
    environment.update(
        PRE_COMMIT_HOME=str(root / "home"),
        PIP_FIND_LINKS=str(wheelhouse),
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        PIP_NO_INPUT="1",
        TF_CPP_MIN_LOG_LEVEL="2",
    )
    if missing:
        print(f"pre-commit test: fetching from the package index: {', '.join(missing)}")
        environment.pop("PIP_NO_INDEX", None)
    else:
        environment["PIP_NO_INDEX"] = "1"
    return environment


def run(command: list[str], cwd: Path, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        cwd=cwd,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def git(project: Path, env: Mapping[str, str], *arguments: str) -> None:
    assert GIT is not None
    result = run([GIT, *arguments], project, env)
    assert result.returncode == 0, f"git {' '.join(arguments)}:\n{result.stdout}{result.stderr}"


def try_repo(project: Path, env: Mapping[str, str], hook: str) -> subprocess.CompletedProcess[str]:
    assert PRE_COMMIT is not None
    return run(
        [PRE_COMMIT, "try-repo", str(CHECKOUT), hook, "--all-files", "--verbose"], project, env
    )


def output(result: subprocess.CompletedProcess[str]) -> str:
    return f"exit {result.returncode}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"


@pytest.fixture
def project(tmp_path: Path, hook_environment: dict[str, str]) -> Path:
    """A git repository with the example project; ``total_steps`` is left undecorated."""
    root = tmp_path / "project"
    shutil.copytree(EXAMPLES, root, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    train = root / TRAIN
    source = train.read_text(encoding="utf-8")
    assert "@tf.function\ndef total_steps(" in source
    train.write_text(source.replace("@tf.function\ndef total_steps(", "def total_steps("))
    git(root, hook_environment, "init", "--quiet")
    git(root, hook_environment, "config", "user.name", "hybridize tests")
    git(root, hook_environment, "config", "user.email", "tests@hybridize.invalid")
    git(root, hook_environment, "config", "commit.gpgsign", "false")
    git(root, hook_environment, "add", "-A")
    git(root, hook_environment, "commit", "--quiet", "-m", "example project")
    return root


# --- the test ---------------------------------------------------------------------------------


def test_hooks_fix_then_pass(project: Path, hook_environment: dict[str, str]) -> None:
    train = project / TRAIN
    before = train.read_text(encoding="utf-8")
    assert "@tf.function\ndef train_step(" not in before
    assert "\n@tf.function\ndef eval_step(" in before
    expected = before.replace(
        "\ndef train_step(", "\n@tf.function(reduce_retracing=True)\ndef train_step(", 1
    ).replace(
        "\n@tf.function\ndef eval_step(", "\n@tf.function(reduce_retracing=True)\ndef eval_step(", 1
    )

    first = try_repo(project, hook_environment, "hybridize-fix")
    assert first.returncode != 0, output(first)
    assert "hybridize (fix)" in first.stdout, output(first)
    assert train.read_text(encoding="utf-8") == expected, output(first)

    git(project, hook_environment, "add", "-A")
    check = try_repo(project, hook_environment, "hybridize")
    assert check.returncode == 0, output(check)
    assert "hybridize (check)" in check.stdout, output(check)

    again = try_repo(project, hook_environment, "hybridize-fix")
    assert again.returncode == 0, output(again)
    assert train.read_text(encoding="utf-8") == expected, output(again)
