"""Import bindings: every import shape, relative resolution and TF/Keras canonical names."""

from __future__ import annotations

import ast
import textwrap

import pytest

from hybridize.project.imports import collect_imports, resolve_relative
from hybridize.stubs.aliases import canonical


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("tensorflow", "tensorflow"),
        ("tensorflow.compat.v2", "tensorflow"),
        ("tensorflow.compat.v2.function", "tensorflow.function"),
        ("tensorflow.compat.v1.Session", "tensorflow.Session"),
        ("tensorflow.compat.v2.keras.layers.Dense", "keras.layers.Dense"),
        ("tensorflow.keras.Model", "keras.Model"),
        ("tensorflow.python.keras.engine", "keras.engine"),
        ("tf_keras.layers.Layer", "keras.layers.Layer"),
        ("keras.api.layers.Dense", "keras.layers.Dense"),
        ("keras.api._v2.keras.Model", "keras.Model"),
        ("keras._tf_keras.keras.Model", "keras.Model"),
        ("keras.layers.Dense", "keras.layers.Dense"),
        ("tensorflow.python.ops.math_ops", "tensorflow.python.ops.math_ops"),
        ("tensorflowx.compat.v2", "tensorflowx.compat.v2"),
        ("tensorflow.compat.v22", "tensorflow.compat.v22"),
        ("my.tensorflow.keras", "my.tensorflow.keras"),
        ("numpy", "numpy"),
    ],
)
def test_canonical_names(name: str, expected: str) -> None:
    assert canonical(name) == expected
    assert canonical(expected) == expected


@pytest.mark.parametrize(
    ("module", "is_package", "level", "name", "expected"),
    [
        ("pkg.model", False, 1, None, "pkg"),
        ("pkg.model", False, 1, "layers", "pkg.layers"),
        ("pkg", True, 1, "layers", "pkg.layers"),
        ("pkg.sub", True, 2, "other", "pkg.other"),
        ("a.b.c", False, 2, "pkg.m", "a.pkg.m"),
        ("pkg.model", False, 2, None, None),
        ("pkg.model", False, 3, "x", None),
        ("script", False, 1, None, None),
        ("any", False, 0, "absolute.name", "absolute.name"),
    ],
)
def test_resolve_relative(
    module: str, is_package: bool, level: int, name: str | None, expected: str | None
) -> None:
    assert resolve_relative(module, is_package, level, name) == expected


IMPORT_SHAPES = [
    ("import numpy", "numpy", "numpy", True),
    ("import numpy as np", "np", "numpy", True),
    ("import os.path", "os", "os", True),
    ("import a.b as c", "c", "a.b", True),
    ("import tensorflow.compat.v2 as tf", "tf", "tensorflow", True),
    ("import tensorflow.keras as K", "K", "keras", True),
    ("from x import y", "y", "x.y", False),
    ("from x import y as z", "z", "x.y", False),
    ("from tensorflow import keras", "keras", "keras", False),
    ("from tensorflow.keras.layers import Dense", "Dense", "keras.layers.Dense", False),
    ("from . import m", "m", "pkg.sub.m", False),
    ("from .layers import Dense", "Dense", "pkg.sub.layers.Dense", False),
    ("from ..util import helper as h", "h", "pkg.util.helper", False),
    ("from .... import too_far", "too_far", "....too_far", False),
]


@pytest.mark.parametrize(("statement", "local", "target", "is_module_import"), IMPORT_SHAPES)
def test_import_shapes(statement: str, local: str, target: str, is_module_import: bool) -> None:
    imports = collect_imports(
        ast.parse(statement).body, module="pkg.sub.mod", is_package=False, relpath="pkg/sub/mod.py"
    )
    binding = imports.bindings[local]
    assert (binding.target, binding.is_module_import) == (target, is_module_import)
    assert binding.location.path == "pkg/sub/mod.py" and binding.location.line == 1


def test_written_name_is_kept_before_canonicalisation() -> None:
    body = ast.parse("import tensorflow.compat.v2 as tf").body
    binding = collect_imports(body, module="m", is_package=False, relpath="m.py").bindings["tf"]
    assert (binding.target, binding.written) == ("tensorflow", "tensorflow.compat.v2")


def test_relative_imports_in_a_package_init_are_relative_to_the_package() -> None:
    body = ast.parse("from .sub import X\nfrom . import y").body
    bindings = collect_imports(body, module="pkg", is_package=True, relpath="pkg/__init__.py")
    assert bindings.bindings["X"].target == "pkg.sub.X"
    assert bindings.bindings["y"].target == "pkg.y"


def test_guarded_imports_are_collected_but_nested_scopes_are_not() -> None:
    source = textwrap.dedent(
        """
        from typing import TYPE_CHECKING
        try:
            import ujson as json
        except ImportError:
            import json
        if TYPE_CHECKING:
            from keras import Model
        with ctx():
            import os
        def f():
            import inner
        class C:
            import in_class
        """
    )
    imports = collect_imports(ast.parse(source).body, module="m", is_package=False, relpath="m.py")
    assert set(imports.bindings) == {"TYPE_CHECKING", "json", "Model", "os"}
    assert imports.bindings["json"].target == "json"  # the later binding wins
    assert imports.bindings["json"].location.line == 6


def test_star_imports_are_recorded_as_absolute_modules() -> None:
    source = "from tensorflow.keras.layers import *\nfrom .sibling import *\nfrom os import path"
    imports = collect_imports(
        ast.parse(source).body, module="pkg.mod", is_package=False, relpath="pkg/mod.py"
    )
    assert imports.star_imports == ("keras.layers", "pkg.sibling")
    assert "*" not in imports.bindings
