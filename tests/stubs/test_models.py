"""Every hand-written model names something that exists in the installed libraries, with a
compatible signature.

This is the project's equivalent of ``mypy.stubtest`` for the models (design §6). The check
itself is ``hybridize.stubs.check`` (``python -m hybridize.stubs.check``, also a CI step): each
modelled function, class, method, attribute, module and re-export is looked up in the real
TensorFlow, Keras, NumPy and standard library (members that only exist on instances on a sample
instance), and each modelled signature is compared with ``inspect.signature``. Known
differences are documented in ``hybridize/stubs/allowlist.txt``.
"""

from __future__ import annotations

import pytest

from hybridize.stubs import check
from hybridize.stubs.loader import load_models

pytest.importorskip("tensorflow")
pytest.importorskip("keras")
pytest.importorskip("numpy")

pytestmark = pytest.mark.tf


@pytest.fixture(scope="module")
def report() -> check.Report:
    return check.run()


def test_models_match_the_installed_libraries(report: check.Report) -> None:
    assert not report.failures, "\n".join(d.line() for d in report.failures)


def test_allowlist_is_not_stale(report: check.Report) -> None:
    assert not report.stale, "\n".join(f"{e.name} {e.kind} (line {e.line})" for e in report.stale)


def test_every_modelled_name_is_checked(report: check.Report) -> None:
    assert report.names_checked == len(list(load_models().qualnames()))
    assert report.signatures_checked > 900


def test_allowlist_entries_name_models_and_say_why() -> None:
    names = {name for name, _ in load_models().qualnames()}
    for entry in check.read_allowlist(check.ALLOWLIST_FILE):
        assert entry.name.removesuffix(".__init__") in names, entry
        assert len(entry.reason.split()) >= 3, entry


def test_the_installed_tensorflow_is_recorded(report: check.Report) -> None:
    record = check.read_versions(check.VERSIONS_FILE)
    assert "tensorflow" in record
    assert not [w for w in report.warnings if w.startswith("tensorflow ")], report.warnings
