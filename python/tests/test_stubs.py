"""The type stubs (python/levysgd/_levysgd*.pyi) against the compiled modules.

Editors and type checkers read the stubs; the interpreter never does, so a
function added to, renamed in or dropped from the bindings would go unnoticed
there. Each stub must name exactly the public functions and classes of its
module, and each class the public methods and properties of the runtime class.
"""
import ast
import importlib
import os
import shutil

import pytest

import levysgd

STUBS = (("_levysgd.pyi", levysgd._levysgd), ("_levysgd_sde.pyi", levysgd._sde))


def _stub_names(path):
    """Top-level functions and classes of a stub; per class its methods,
    properties and attributes."""
    tree = ast.parse(open(path, encoding="utf-8").read(), path)
    funcs, classes = set(), {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            funcs.add(node.name)
        elif isinstance(node, ast.ClassDef):
            members = set()
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    members.add(item.name)
                elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    members.add(item.target.id)
                elif isinstance(item, ast.Assign):
                    members.update(t.id for t in item.targets if isinstance(t, ast.Name))
            classes[node.name] = members
    return funcs, classes


def _public(names):
    return {n for n in names if not n.startswith("_")}


@pytest.mark.parametrize("stub,module", STUBS, ids=[s for s, _ in STUBS])
def test_stub_names_the_module_exactly(stub, module):
    path = os.path.join(os.path.dirname(levysgd.__file__), stub)
    funcs, classes = _stub_names(path)
    runtime = _public(dir(module))
    # everything the stub promises exists, and the module has nothing it omits
    # (private helpers, e.g. _fit_stable, may appear in either)
    assert _public(funcs | set(classes)) <= runtime, sorted(_public(funcs | set(classes)) - runtime)
    assert runtime <= funcs | set(classes), sorted(runtime - funcs - set(classes))
    for name in _public(funcs):
        assert callable(getattr(module, name)) and not isinstance(getattr(module, name), type), name
    base = set(dir(object)) | {"__nb_signature__"}
    for name, members in classes.items():
        cls = getattr(module, name, None)
        if cls is None:
            continue  # private stub class without a runtime twin is caught above
        assert isinstance(cls, type), name
        have = _public(set(dir(cls)) - base)
        assert _public(members) <= have, (name, sorted(_public(members) - have))
        assert have <= members, (name, sorted(have - members))


def test_type_checking_imports_match_the_runtime_exports():
    """__init__.py re-exports one list of names for type checkers and another
    at run time: they must be the same list."""
    src = open(levysgd.__file__, encoding="utf-8").read()
    tree = ast.parse(src)
    checked, runtime = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) \
                and node.test.id == "TYPE_CHECKING":
            for imp in node.body:
                if isinstance(imp, ast.ImportFrom):
                    checked.update(a.name for a in imp.names)
            for loop in node.orelse:
                if isinstance(loop, ast.For) and isinstance(loop.iter, ast.Tuple):
                    runtime.update(e.value for e in loop.iter.elts
                                   if isinstance(e, ast.Constant))
    assert checked and checked == runtime, sorted(checked ^ runtime)
    for name in checked:
        assert hasattr(levysgd, name), name


def test_the_stubs_type_check_where_mypy_is_installed(tmp_path):
    """mypy on the package (its own code against the stubs); skipped where
    mypy is absent (it is not a dependency). It checks a copy of the
    installed sources and stubs: in site-packages itself every neighbour
    (mypy's own typing_extensions.py, say) would count as a source root."""
    try:
        api = importlib.import_module("mypy.api")
    except ImportError:
        pytest.skip("mypy is not installed (pip install mypy to run this check)")
    pkg = tmp_path / "levysgd"
    shutil.copytree(os.path.dirname(levysgd.__file__), pkg,
                    ignore=shutil.ignore_patterns("*.so", "*.pyd", "__pycache__"))
    out, err, status = api.run(["--no-incremental", "--cache-dir", os.devnull, str(pkg)])
    assert status == 0, out + err
