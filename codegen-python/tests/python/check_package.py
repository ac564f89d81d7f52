"""Imports a generated package over the fake `weft` and checks its shape.

    python check_package.py PACKAGE EXPECTED.json [PACKAGE EXPECTED.json ...]

with the fake `weft` and the packages' directories on `sys.path`.
EXPECTED.json, written by the test from the WIT, holds:

- `world_class`: the class named after the world;
- `exports`: every exported function as [interface or null, WIT name];
- `imports`: every imported function, the same way;
- `import_free`: whether the world needs nothing from the host.

Checked: the package imports (so every descriptor registered on import was
accepted by the fake, which checks it against the class it names); the world
class takes one keyword argument per import; an instance asks the runtime for
exactly the exported functions and gives it exactly the imported ones; every
method, resource constructor, method and static function reaches the
function it stands for; module-level functions (worlds without imports) use
a default instance, and resource classes used outside an instance refuse
with a `TypeError` otherwise; every public class and function has a
docstring. Prints one line and exits 0, or raises.
"""

from __future__ import annotations

import importlib
import inspect
import json
import os
import pkgutil
import sys
import types
from typing import Any

import weft

rec = weft._recorded  # type: ignore[attr-defined]


class Anything:
    """Stands in for any host implementation: every attribute is callable."""

    def __getattr__(self, name: str) -> Anything:
        return Anything()

    def __call__(self, *args: Any, **kwargs: Any) -> Anything:
        return Anything()


def dummies(fn: Any, skip: int) -> list[None]:
    """`None` for each parameter of `fn` after the first `skip`."""
    params = list(inspect.signature(fn).parameters.values())[skip:]
    return [None for p in params if p.kind == p.POSITIONAL_OR_KEYWORD]


def modules(pkg: types.ModuleType) -> list[types.ModuleType]:
    found = [pkg]
    for info in pkgutil.iter_modules(pkg.__path__):
        found.append(importlib.import_module(f"{pkg.__name__}.{info.name}"))
    return found


def generated_classes(pkg: types.ModuleType) -> list[type]:
    classes = []
    for module in modules(pkg):
        for value in vars(module).values():
            if isinstance(value, type) and value.__module__ == module.__name__:
                classes.append(value)
    return classes


def exercise_resource(cls: type) -> None:
    """Calls the constructor, methods and static functions of an exported
    resource class bound to an instance."""
    base = cls.__mro__[1]
    members = vars(base)
    try:
        obj = cls(*dummies(members["__init__"], 1))
        assert obj._handle is not None, f"{cls.__name__}() bound no handle"
    except TypeError as e:
        assert "no WIT constructor" in str(e), e
    obj = cls.__new__(cls)
    for name, member in members.items():
        if name.startswith("_"):
            continue
        if isinstance(member, classmethod):
            getattr(cls, name)(*dummies(member.__func__, 1))
        elif inspect.isfunction(member):
            getattr(obj, name)(*dummies(member, 1))
    with obj as entered:
        assert entered is obj
    assert obj._handle is None, "close() on leaving `with`"


def exercise(owner: object, pkg: types.ModuleType) -> None:
    """Calls every public method of the world object or an interface's
    binding, and every resource class on it."""
    for name, member in vars(type(owner)).items():
        if name.startswith("_") or name == "from_file":
            continue
        if inspect.isfunction(member):
            getattr(owner, name)(*dummies(member, 1))
    for name, value in vars(owner).items():
        if name.startswith("_"):
            continue
        if isinstance(value, type) and issubclass(value, weft.Resource):
            exercise_resource(value)
        elif type(value).__module__.startswith(pkg.__name__ + "."):
            exercise(value, pkg)


def check_docs(pkg: types.ModuleType) -> None:
    root = os.path.dirname(pkg.__file__ or "")
    for module in modules(pkg):
        assert module.__doc__, f"{module.__name__} has no docstring"
        for name in getattr(module, "__all__"):
            assert hasattr(module, name), f"{module.__name__}.__all__ names {name}, missing"
    for cls in generated_classes(pkg):
        if cls.__name__.startswith("_"):
            continue
        assert cls.__doc__, f"class {cls.__qualname__} has no docstring"
        for name, member in vars(cls).items():
            if isinstance(member, classmethod):
                member = member.__func__
            written = inspect.isfunction(member) and member.__code__.co_filename.startswith(root)
            if written and (not name.startswith("_") or name in ("__init__", "__call__")):
                assert member.__doc__, f"{cls.__qualname__}.{name} has no docstring"


def main() -> None:
    args = sys.argv[1:]
    for package, expected_path in zip(args[::2], args[1::2]):
        check(package, expected_path)


def check(package: str, expected_path: str) -> None:
    with open(expected_path) as f:
        expected = json.load(f)
    pkg = importlib.import_module(package)
    check_docs(pkg)
    world_class = getattr(pkg, expected["world_class"])

    params = inspect.signature(world_class.__init__).parameters
    kwargs = {
        name: Anything()
        for name, p in params.items()
        if p.kind == p.KEYWORD_ONLY and name != "component"
    }
    assert (not kwargs) == expected["import_free"], f"keyword arguments {sorted(kwargs)}"
    component = weft.Component(b"\0asm\r\0\x01\0")
    world = world_class(component=component, **kwargs)
    instance = rec.instances[-1]
    assert instance.component is component

    exports = {(i, n) for i, n in expected["exports"]}
    asked = set(instance.funcs)
    assert asked == exports, f"asked for {sorted(asked - exports, key=str)}, missed {sorted(exports - asked, key=str)}"

    given = set()
    protocol_methods = set()
    for cls in generated_classes(pkg):
        if getattr(cls, "_is_protocol", False):
            protocol_methods.update(n for n, m in vars(cls).items() if inspect.isfunction(m))
    for key, entry in instance.imports.items():
        entries = entry.items() if isinstance(entry, dict) else [(key, entry)]
        for name, func in entries:
            given.add((key if isinstance(entry, dict) else None, name))
            if isinstance(func.impl, str):
                assert func.impl in protocol_methods, f"{name}: no protocol has a method {func.impl}"
    imports = {(i, n) for i, n in expected["imports"]}
    assert given == imports, f"gave {sorted(given - imports, key=str)}, missed {sorted(imports - given, key=str)}"

    rec.calls.clear()
    exercise(world, pkg)
    called = {(i, n) for i, n, _ in rec.calls}
    assert called == exports, f"not reached: {sorted(exports - called, key=str)}"

    # Without a packaged component, making one says how to pass it; the
    # module-level functions are then tried on the fake component.
    packaged = [f for f in os.listdir(os.path.dirname(pkg.__file__ or "")) if f.endswith(".wasm")]
    if not packaged:
        try:
            pkg._component()
        except TypeError as e:
            assert "--wasm" in str(e) and "from_file" in str(e), e
        else:
            raise AssertionError("_component() without a packaged component")
        pkg._component = lambda: component

    free = 0
    for module in modules(pkg):
        if module is not pkg and module.__name__.rsplit(".", 1)[1].startswith("_"):
            continue
        for name in module.__all__:
            value = getattr(module, name)
            if inspect.isfunction(value) and value.__module__ == module.__name__:
                assert expected["import_free"], f"module-level function {name} in a world with imports"
                before = len(rec.instances)
                value(*dummies(value, 0))
                free += 1
                assert rec.calls[-1][2] is not None
                assert len(rec.instances) <= before + 1, "a default instance per call"
            if isinstance(value, type) and issubclass(value, weft.Resource) and value.__module__ == module.__name__:
                if "__init__" in vars(value) and not expected["import_free"]:
                    try:
                        value(*dummies(vars(value)["__init__"], 1))
                    except TypeError as e:
                        msg = str(e)
                        assert "belong to an instance" in msg or "no WIT constructor" in msg, msg
                    else:
                        raise AssertionError(f"{value.__name__}() outside an instance did not refuse")
    if free:
        default = rec.instances[-1]
        assert default is not instance, "module-level functions made no default instance"
    print(f"ok: {package}: {len(exports)} exports, {len(imports)} imports, {free} module-level functions")


if __name__ == "__main__":
    main()
