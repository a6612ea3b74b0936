"""The project model: functions, classes, call sites and name resolution across modules."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import pytest

from hybridize.project.build import UNRESOLVED_BASE_PREFIX, Project, build_project
from hybridize.project.collect import FileCollection, FileCollector
from hybridize.project.model import FileStatus, Symbol, SymbolKind

from .helpers import make_project

FUNCTIONS_SOURCE = """\
import functools


def top(x):
    def inner(y):
        def innermost():
            pass
        return y
    square = lambda v: v * v
    return inner(x)


class Model:
    scale = lambda self, v: v * 2

    def call(self, x):
        return x

    @staticmethod
    def make():
        pass

    @classmethod
    def build(cls):
        pass

    @property
    def size(self):
        return 1

    @size.setter
    def size(self, value):
        pass

    @functools.cached_property
    def cached(self):
        return 2

    class Inner:
        def method(self):
            pass


async def fetch():
    pass


def gen():
    yield 1


def not_gen():
    def nested_gen():
        yield 1
    lambda: (yield)
    return [x for x in range(3)]


async def agen():
    yield 1


handler = lambda event: event
"""


@pytest.fixture
def functions_project(tmp_path: Path) -> Project:
    return make_project(tmp_path, {"pkg/__init__.py": "", "pkg/mod.py": FUNCTIONS_SOURCE})


def test_function_ids_and_qualnames(functions_project: Project) -> None:
    assert list(functions_project.functions) == [
        f"pkg/mod.py::{qualname}"
        for qualname in [
            "top", "top.inner", "top.inner.innermost", "top.square", "Model.scale", "Model.call",
            "Model.make", "Model.build", "Model.size", "Model.size@32", "Model.cached",
            "Model.Inner.method", "fetch", "gen", "not_gen", "not_gen.nested_gen", "agen",
            "handler",
        ]
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("qualname", "expected"),
    [
        ("top", {"parent_id": None, "class_id": None}),
        ("top.inner", {"parent_id": "pkg/mod.py::top", "class_id": None}),
        ("top.inner.innermost", {"parent_id": "pkg/mod.py::top.inner"}),
        ("top.square", {"is_lambda": True, "parent_id": "pkg/mod.py::top", "name": "square"}),
        ("Model.scale", {"is_lambda": True, "class_id": "pkg/mod.py::Model", "parent_id": None}),
        ("Model.call", {"class_id": "pkg/mod.py::Model", "is_staticmethod": False}),
        ("Model.make", {"is_staticmethod": True, "is_classmethod": False}),
        ("Model.build", {"is_classmethod": True}),
        ("Model.size", {"is_property": True}),
        ("Model.size@32", {"is_property": True, "qualname": "Model.size"}),
        ("Model.cached", {"is_property": True}),
        ("Model.Inner.method", {"class_id": "pkg/mod.py::Model.Inner"}),
        ("fetch", {"is_async": True, "is_generator": False}),
        ("gen", {"is_generator": True, "is_async": False}),
        ("not_gen", {"is_generator": False}),
        ("not_gen.nested_gen", {"is_generator": True}),
        ("agen", {"is_async": True, "is_generator": True}),
        ("handler", {"is_lambda": True, "module": "pkg.mod", "relpath": "pkg/mod.py"}),
    ],
)
def test_function_records(
    functions_project: Project, qualname: str, expected: dict[str, object]
) -> None:
    function = functions_project.functions[f"pkg/mod.py::{qualname}"]
    assert {key: getattr(function, key) for key in expected} == expected


def test_locations_are_the_def_line_not_the_decorator(functions_project: Project) -> None:
    make = functions_project.functions["pkg/mod.py::Model.make"]
    assert (make.location.line, make.location.col, make.end_line) == (20, 4, 21)
    assert str(make.location) == "pkg/mod.py:20:5"
    assert [ast.unparse(decorator) for decorator in make.decorators] == ["staticmethod"]
    square = functions_project.functions["pkg/mod.py::top.square"]
    assert (square.location.line, square.location.col) == (9, 13)
    assert isinstance(square.node, ast.Lambda)


def test_class_methods_and_nested_definitions(functions_project: Project) -> None:
    model = functions_project.classes["pkg/mod.py::Model"]
    assert model.methods == {
        "scale": "pkg/mod.py::Model.scale",
        "call": "pkg/mod.py::Model.call",
        "make": "pkg/mod.py::Model.make",
        "build": "pkg/mod.py::Model.build",
        "size": "pkg/mod.py::Model.size",  # the getter; the setter only re-binds the property
        "cached": "pkg/mod.py::Model.cached",
    }
    assert functions_project.nested["pkg/mod.py::Model"]["Inner"] == "pkg/mod.py::Model.Inner"
    assert functions_project.nested["pkg/mod.py::top"] == {
        "inner": "pkg/mod.py::top.inner",
        "square": "pkg/mod.py::top.square",
    }
    inner_class = functions_project.classes["pkg/mod.py::Model.Inner"]
    assert (inner_class.qualname, inner_class.parent_id) == ("Model.Inner", "pkg/mod.py::Model")
    module = functions_project.modules["pkg.mod"]
    assert module.functions["handler"] == "pkg/mod.py::handler"
    assert module.classes == {"Model": "pkg/mod.py::Model"}
    assert "handler" not in module.variables


def test_duplicate_definitions_keep_both_and_the_later_binding_wins(tmp_path: Path) -> None:
    project = make_project(
        tmp_path,
        {
            "m.py": """\
            import sys
            if sys.version_info >= (3, 11):
                def f():
                    return 1
            else:
                def f():
                    return 2
            f = lambda: 3
            """
        },
    )
    assert list(project.functions) == ["m.py::f", "m.py::f@6", "m.py::f@8"]
    assert project.modules["m"].functions["f"] == "m.py::f@8"
    assert project.function_at("m.py", "f") is project.functions["m.py::f"]
    assert project.function_at("m.py", "missing") is None


CALLS_SOURCE = """\
setup()


@decorate(option())
def work(items, default=make_default()):
    first()
    for item in source():
        body(item)
        for other in inner_source():
            deeper()
    else:
        after_for()
    while check():
        spin()
    else:
        after_while()
    values = [transform(x) for x in produce() if keep(x)]
    pairs = {key(x): value(x) for x in produce_dict()}
    total = sum(weigh(x) for x in produce_gen())
    callback = lambda: in_named_lambda()
    apply(lambda: in_anonymous_lambda())

    def helper():
        in_helper()
    return finish()


class Config:
    defaults = load_defaults()

    def method(self):
        in_method()


for path in paths():
    at_module_in_loop()
"""


@pytest.fixture
def calls_project(tmp_path: Path) -> Project:
    return make_project(tmp_path, {"app.py": CALLS_SOURCE})


def calls_of(project: Project, caller_id: str) -> dict[str, bool]:
    sites = project.call_sites[caller_id]
    assert all(site.caller_id == caller_id for site in sites)
    return {ast.unparse(site.node.func): site.in_loop for site in sites}


def test_module_calls_include_decorators_defaults_and_class_bodies(calls_project: Project) -> None:
    assert calls_of(calls_project, "app.py::<module>") == {
        "setup": False,
        "decorate": False,
        "option": False,
        "make_default": False,
        "load_defaults": False,
        "paths": False,
        "at_module_in_loop": True,
    }


def test_function_calls_and_loop_context(calls_project: Project) -> None:
    assert calls_of(calls_project, "app.py::work") == {
        "first": False,
        "source": False,
        "body": True,
        "inner_source": True,
        "deeper": True,
        "after_for": False,
        "check": True,
        "spin": True,
        "after_while": False,
        "produce": False,
        "transform": True,
        "keep": True,
        "produce_dict": False,
        "key": True,
        "value": True,
        "sum": False,
        "produce_gen": False,
        "weigh": True,
        "apply": False,
        "in_anonymous_lambda": False,
        "finish": False,
    }


def test_nested_scopes_own_their_calls(calls_project: Project) -> None:
    assert calls_of(calls_project, "app.py::work.callback") == {"in_named_lambda": False}
    assert calls_of(calls_project, "app.py::work.helper") == {"in_helper": False}
    assert calls_of(calls_project, "app.py::Config.method") == {"in_method": False}


def test_call_site_locations(calls_project: Project) -> None:
    site = calls_project.call_sites["app.py::<module>"][0]
    assert (site.location.path, site.location.line, site.location.col) == ("app.py", 1, 0)


RESOLUTION_FILES = {
    "pkg/__init__.py": """\
    from .core import Layer, helper as exported_helper
    from . import util
    from .stars import *
    VERSION = "1"
    """,
    "pkg/core.py": """\
    import numpy as np
    import tensorflow.compat.v2 as tf
    from tensorflow import keras
    from .util import shout

    CONSTANT = 3
    Dense = tf.keras.layers.Dense

    def helper():
        pass

    class Layer(tf.keras.layers.Layer):
        def call(self, x):
            return x

    class Model(keras.Model):
        pass

    class MyModel(Model, Layer):
        def call(self, x):
            return x
    """,
    "pkg/util.py": """\
    def shout():
        pass
    """,
    "pkg/stars.py": """\
    from .starsource import *
    """,
    "pkg/starsource.py": """\
    __all__ = ["public", "_listed"]
    def public(): pass
    def _listed(): pass
    def unlisted(): pass
    """,
    "pkg/nostars.py": """\
    from .plain import *
    from .cycle_a import *
    from numpy import *
    """,
    "pkg/plain.py": """\
    def visible(): pass
    def _hidden(): pass
    import os
    """,
    "pkg/cycle_a.py": "from .cycle_b import *\ndef a_name(): pass\n",
    "pkg/cycle_b.py": "from .cycle_a import *\ndef b_name(): pass\n",
    "app.py": """\
    from pkg import Layer, exported_helper as h
    import pkg.core
    from pkg.missing import ghost
    from .. import beyond
    """,
}


@pytest.fixture
def resolution_project(tmp_path: Path) -> Project:
    return make_project(tmp_path, RESOLUTION_FILES)


def function(ref: str) -> Symbol:
    return Symbol(SymbolKind.FUNCTION, ref)


def klass(ref: str) -> Symbol:
    return Symbol(SymbolKind.CLASS, ref)


def external(ref: str) -> Symbol:
    return Symbol(SymbolKind.EXTERNAL, ref)


UNRESOLVED = Symbol(SymbolKind.UNRESOLVED, "")


@pytest.mark.parametrize(
    ("module", "name", "expected"),
    [
        ("pkg.core", "helper", function("pkg/core.py::helper")),
        ("pkg.core", "Layer", klass("pkg/core.py::Layer")),
        ("pkg.core", "CONSTANT", Symbol(SymbolKind.VARIABLE, "pkg.core:CONSTANT")),
        ("pkg.core", "np", external("numpy")),
        ("pkg.core", "tf", external("tensorflow")),
        ("pkg.core", "keras", external("keras")),
        ("pkg.core", "shout", function("pkg/util.py::shout")),
        ("pkg.core", "len", external("builtins.len")),
        ("pkg.core", "__name__", Symbol(SymbolKind.VARIABLE, "pkg.core:__name__")),
        ("pkg.core", "nowhere", UNRESOLVED),
        ("pkg", "util", Symbol(SymbolKind.MODULE, "pkg.util")),
        ("pkg", "exported_helper", function("pkg/core.py::helper")),
        ("pkg", "public", function("pkg/starsource.py::public")),
        ("pkg.stars", "_listed", function("pkg/starsource.py::_listed")),
        ("pkg", "_listed", UNRESOLVED),  # pkg.stars has no __all__: its _names are not exported
        ("pkg", "unlisted", UNRESOLVED),
        ("pkg.nostars", "visible", function("pkg/plain.py::visible")),
        ("pkg.nostars", "_hidden", UNRESOLVED),
        ("pkg.nostars", "os", external("os")),
        ("pkg.nostars", "a_name", function("pkg/cycle_a.py::a_name")),
        ("pkg.nostars", "b_name", function("pkg/cycle_b.py::b_name")),
        ("pkg.nostars", "print", external("builtins.print")),
        ("pkg.nostars", "linspace", external("numpy.linspace")),
        ("app", "Layer", klass("pkg/core.py::Layer")),
        ("app", "h", function("pkg/core.py::helper")),
        ("app", "pkg", Symbol(SymbolKind.MODULE, "pkg")),
        ("app", "ghost", UNRESOLVED),
        ("app", "beyond", UNRESOLVED),
        ("no.such.module", "x", UNRESOLVED),
    ],
)
def test_resolve_global(
    resolution_project: Project, module: str, name: str, expected: Symbol
) -> None:
    assert resolution_project.resolve_global(module, name) == expected


@pytest.mark.parametrize(
    ("dotted", "expected"),
    [
        ("pkg", Symbol(SymbolKind.MODULE, "pkg")),
        ("pkg.core", Symbol(SymbolKind.MODULE, "pkg.core")),
        ("pkg.core.helper", function("pkg/core.py::helper")),
        ("pkg.core.Layer", klass("pkg/core.py::Layer")),
        ("pkg.core.Layer.call", function("pkg/core.py::Layer.call")),
        ("pkg.core.MyModel.call", function("pkg/core.py::MyModel.call")),
        ("pkg.Layer", klass("pkg/core.py::Layer")),
        ("pkg.Layer.call", function("pkg/core.py::Layer.call")),
        ("pkg.util.shout", function("pkg/util.py::shout")),
        ("pkg.core.np.zeros", external("numpy.zeros")),
        ("pkg.core.tf.function", external("tensorflow.function")),
        ("pkg.core.helper.attribute", UNRESOLVED),
        ("pkg.core.missing", UNRESOLVED),
        ("tensorflow.compat.v2.keras.Model", external("keras.Model")),
        ("numpy.linalg.norm", external("numpy.linalg.norm")),
        ("..relative", UNRESOLVED),
    ],
)
def test_resolve_qualified(resolution_project: Project, dotted: str, expected: Symbol) -> None:
    assert resolution_project.resolve_qualified(dotted) == expected


def test_class_bases_resolve_through_imports_and_aliases(resolution_project: Project) -> None:
    classes = resolution_project.classes
    assert classes["pkg/core.py::Layer"].bases == ("keras.layers.Layer",)
    assert classes["pkg/core.py::Model"].bases == ("keras.Model",)
    assert classes["pkg/core.py::MyModel"].bases == ("pkg/core.py::Model", "pkg/core.py::Layer")


def test_mro_and_method_lookup(resolution_project: Project) -> None:
    assert resolution_project.mro("pkg/core.py::MyModel") == [
        "pkg/core.py::MyModel",
        "pkg/core.py::Model",
        "keras.Model",
        "pkg/core.py::Layer",
        "keras.layers.Layer",
    ]
    assert resolution_project.method("pkg/core.py::MyModel", "call") == "pkg/core.py::MyModel.call"
    assert resolution_project.method("pkg/core.py::Model", "call") is None


def test_resolve_name_follows_aliases_and_scopes(resolution_project: Project) -> None:
    assert resolution_project.resolve_name("pkg/core.py::<module>", "Dense") == external(
        "keras.layers.Dense"
    )
    assert resolution_project.resolve_global("pkg.core", "Dense") == Symbol(
        SymbolKind.VARIABLE, "pkg.core:Dense"
    )
    assert resolution_project.resolve_name("pkg/core.py::MyModel.call", "np.ones") == external(
        "numpy.ones"
    )


def test_module_of(resolution_project: Project) -> None:
    assert resolution_project.module_of("pkg/core.py::Layer.call").name == "pkg.core"
    assert resolution_project.module_of("pkg/core.py::<module>").relpath == "pkg/core.py"
    assert resolution_project.module_of("pkg.util").relpath == "pkg/util.py"
    with pytest.raises(KeyError):
        resolution_project.module_of("nowhere.py::f")


@pytest.mark.parametrize(
    ("source", "bases"),
    [
        ("import tensorflow as tf\nclass C(tf.keras.Model): pass", ("keras.Model",)),
        ("import tensorflow.compat.v2 as tf\nclass C(tf.keras.Model): pass", ("keras.Model",)),
        (
            "from tensorflow.keras import layers\nclass C(layers.Layer): pass",
            ("keras.layers.Layer",),
        ),
        ("import keras\nclass C(keras.layers.Layer): pass", ("keras.layers.Layer",)),
        (
            "from typing import Generic, TypeVar\nT = TypeVar('T')\nclass C(Generic[T]): pass",
            ("typing.Generic",),
        ),
        ("class C(object): pass", ("builtins.object",)),
        ("class C: pass", ()),
        ("class C(make_base()): pass", (UNRESOLVED_BASE_PREFIX + "make_base()",)),
        ("class C(Unknown): pass", (UNRESOLVED_BASE_PREFIX + "Unknown",)),
        ("class A: pass\nclass C(A): pass", ("m.py::A",)),
        ("class O:\n class A: pass\n class C(A): pass", ("m.py::O.A",)),
        ("class O:\n class A: pass\nclass C(O.A): pass", ("m.py::O.A",)),
    ],
)
def test_base_expressions(tmp_path: Path, source: str, bases: tuple[str, ...]) -> None:
    project = make_project(tmp_path, {"m.py": source})
    (last,) = [info for info in project.classes.values() if info.name == "C"]
    assert last.bases == bases


def test_bases_defined_in_an_enclosing_function(tmp_path: Path) -> None:
    project = make_project(
        tmp_path,
        {
            "m.py": """\
            def factory():
                from keras import layers
                class Base(layers.Layer):
                    pass
                def build():
                    class Derived(Base):
                        pass
                    return Derived
                return build
            """
        },
    )
    assert project.classes["m.py::factory.Base"].bases == ("keras.layers.Layer",)
    derived = project.classes["m.py::factory.build.Derived"]
    assert derived.bases == ("m.py::factory.Base",)
    assert derived.parent_id == "m.py::factory.build"
    assert project.function_imports["m.py::factory"]["layers"].target == "keras.layers"
    assert project.nested["m.py::factory"] == {
        "Base": "m.py::factory.Base",
        "build": "m.py::factory.build",
    }


def test_import_cycles_and_self_inheritance_do_not_hang(tmp_path: Path) -> None:
    project = make_project(
        tmp_path,
        {
            "a.py": "from b import X\nclass Y(X): pass\n",
            "b.py": "from a import X\n",
            "c.py": "class Z(Z): pass\n",
        },
    )
    assert project.resolve_global("a", "X") == UNRESOLVED
    assert project.classes["a.py::Y"].bases == (UNRESOLVED_BASE_PREFIX + "X",)
    assert project.mro("a.py::Y") == ["a.py::Y", UNRESOLVED_BASE_PREFIX + "X"]
    assert project.classes["c.py::Z"].bases == ("c.py::Z",)
    assert project.mro("c.py::Z") == ["c.py::Z"]


def test_module_records(tmp_path: Path) -> None:
    project = make_project(
        tmp_path,
        {
            "m.py": """\
            import os
            from tensorflow.keras import *
            __all__ = ["f"]
            __all__ += ["g"]
            __all__.append("h")
            x = 1
            for i in range(3):
                pass
            try:
                pass
            except ValueError as error:
                pass
            ann: int
            [y for y in ()]
            def f():
                global counter
                counter = 1
            """
        },
    )
    module = project.modules["m"]
    assert module.id == "m.py::<module>"
    assert module.all_names == ("f", "g", "h")
    assert module.star_imports == ("keras",)
    assert set(module.imports) == {"os"}
    assert module.variables == {"__all__", "x", "i", "error", "counter"}


def test_non_literal_all_is_unknown(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"m.py": "__all__ = names()\n"})
    assert project.modules["m"].all_names is None


def test_unanalysable_files_are_listed_but_contribute_nothing(tmp_path: Path) -> None:
    project = make_project(
        tmp_path, {"good.py": "def f(): pass\n", "bad.py": "def g(:\n", "bin.py": b"\x00\x01"}
    )
    assert [(file.relpath, file.status) for file in project.files] == [
        ("bad.py", FileStatus.SYNTAX_ERROR),
        ("bin.py", FileStatus.UNREADABLE),
        ("good.py", FileStatus.ANALYZED),
    ]
    assert set(project.modules) == {"good"}
    assert list(project.functions) == ["good.py::f"]


def test_a_file_that_breaks_the_collector_is_skipped_with_the_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = FileCollector.collect

    def explode(self: FileCollector) -> FileCollection:
        if self.relpath == "boom.py":
            raise RuntimeError("kaboom\nsecond line")
        return original(self)

    monkeypatch.setattr(FileCollector, "collect", explode)
    project = make_project(tmp_path, {"boom.py": "def f(): pass\n", "ok.py": "def g(): pass\n"})
    boom = project.files[0]
    assert (boom.status, boom.error, boom.tree) == (
        FileStatus.SKIPPED,
        "internal error: RuntimeError: kaboom second line",
        None,
    )
    assert list(project.functions) == ["ok.py::g"]


def test_same_dotted_name_in_two_places_gets_a_unique_module_key(tmp_path: Path) -> None:
    project = make_project(
        tmp_path, {"a/setup.py": "def f(): pass\n", "b/setup.py": "def f(): pass\n"}
    )
    assert set(project.modules) == {"setup", "setup@b/setup.py"}
    second = project.functions["b/setup.py::f"]
    assert second.module == "setup@b/setup.py"
    assert project.resolve_global(second.module, "f") == function("b/setup.py::f")


def test_deeply_nested_expressions_do_not_overflow(tmp_path: Path) -> None:
    source = "x = " + " + ".join(f"f{index}()" for index in range(2000)) + "\n"
    project = make_project(tmp_path, {"deep.py": source})
    assert project.files[0].status is FileStatus.ANALYZED
    assert len(project.call_sites["deep.py::<module>"]) == 2000


def test_every_function_has_call_site_nested_and_import_entries(functions_project: Project) -> None:
    for function_id in functions_project.functions:
        assert function_id in functions_project.call_sites
        assert function_id in functions_project.nested
        assert function_id in functions_project.function_imports


@pytest.mark.slow
def test_keras_source_tree_builds() -> None:
    spec = importlib.util.find_spec("keras")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("keras is not installed")
    project = build_project([spec.submodule_search_locations[0]])
    assert all(file.status is FileStatus.ANALYZED for file in project.files)
    assert project.resolve_qualified("keras.layers.Dense").kind is SymbolKind.CLASS
