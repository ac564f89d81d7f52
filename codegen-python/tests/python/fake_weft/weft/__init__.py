"""A stand-in for the weft runtime module, for testing generated bindings.

It implements the API of `codegen-python/runtime-api/weft.pyi` (mypy's
stubtest checks that it matches) by recording instead of running: type
descriptors hold their arguments, after checking that they fit the classes
they name; an `Instance` records its import table and the functions asked
of it; calling a function records the call and returns `_recorded.result`.
"""

from __future__ import annotations

import dataclasses
import enum as _enum
import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, Generic, TypeVar, final

_T_co = TypeVar("_T_co", covariant=True)
_E_co = TypeVar("_E_co", covariant=True)

API_VERSION: Final[int] = 1



class _Recorded:
    """Everything recorded, in order (private, so not part of the API)."""

    def __init__(self) -> None:
        self.descriptors: list[Type] = []
        self.resource_types: list[ResourceType] = []
        self.components: list[Component] = []
        self.instances: list[Instance] = []
        #: (interface, WIT function name, arguments) per call.
        self.calls: list[tuple[str | None, str, tuple[Any, ...]]] = []
        #: What every function call returns.
        self.result: Any = None


_recorded = _Recorded()


class Error(Exception):
    """An error of the runtime itself."""


class Trap(Error):
    """The component trapped."""


class ResultError(Exception, Generic[_E_co]):
    """The error case of a WIT `result`."""

    def __init__(self, value: _E_co) -> None:
        super().__init__(value)
        self._value = value

    @property
    def value(self) -> _E_co:
        return self._value


class _Box:
    __slots__ = ("_value",)

    def __init__(self, value: Any) -> None:
        self._value = value

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other._value == self._value  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self), self._value))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._value!r})"


@final
class Ok(_Box, Generic[_T_co]):
    """The `ok` case of a `result` value."""

    __slots__ = ()

    def __init__(self, value: _T_co) -> None:
        super().__init__(value)

    @property
    def value(self) -> _T_co:
        return self._value  # type: ignore[no-any-return]

    def __eq__(self, other: object) -> bool:
        return super().__eq__(other)

    def __hash__(self) -> int:
        return super().__hash__()


@final
class Err(_Box, Generic[_E_co]):
    """The `error` case of a `result` value."""

    __slots__ = ()

    def __init__(self, value: _E_co) -> None:
        super().__init__(value)

    @property
    def value(self) -> _E_co:
        return self._value  # type: ignore[no-any-return]

    def __eq__(self, other: object) -> bool:
        return super().__eq__(other)

    def __hash__(self) -> int:
        return super().__hash__()


@final
class Some(_Box, Generic[_T_co]):
    """`some(x)` of a nested option."""

    __slots__ = ()

    def __init__(self, value: _T_co) -> None:
        super().__init__(value)

    @property
    def value(self) -> _T_co:
        return self._value  # type: ignore[no-any-return]

    def __eq__(self, other: object) -> bool:
        return super().__eq__(other)

    def __hash__(self) -> int:
        return super().__hash__()


def _fail(message: str) -> None:
    raise AssertionError(f"fake weft: {message}")


@final
class Type:
    """A recorded type descriptor: `kind` and its arguments."""

    def __init__(self, kind: str, *args: Any) -> None:
        self.kind = kind
        self.args = args
        _recorded.descriptors.append(self)

    def __repr__(self) -> str:
        return f"Type({self.kind!r})"


@final
class ResourceType:
    """A recorded resource type."""

    def __init__(self, interface: str | None, name: str, cls: type[Resource] | None) -> None:
        self.interface = interface
        self.name = name
        self.cls = cls
        _recorded.resource_types.append(self)

    def __repr__(self) -> str:
        return f"ResourceType({self.interface!r}, {self.name!r})"


def _check_type(value: object, what: str) -> None:
    if not isinstance(value, Type):
        _fail(f"{what} is {value!r}, not a weft.Type")


BOOL: Final[Type] = Type("bool")
S8: Final[Type] = Type("s8")
U8: Final[Type] = Type("u8")
S16: Final[Type] = Type("s16")
U16: Final[Type] = Type("u16")
S32: Final[Type] = Type("s32")
U32: Final[Type] = Type("u32")
S64: Final[Type] = Type("s64")
U64: Final[Type] = Type("u64")
F32: Final[Type] = Type("f32")
F64: Final[Type] = Type("f64")
CHAR: Final[Type] = Type("char")
STRING: Final[Type] = Type("string")
BYTES: Final[Type] = Type("bytes")


def list_of(element: Type) -> Type:
    _check_type(element, "a list's element type")
    return Type("list", element)


def tuple_of(*elements: Type) -> Type:
    for e in elements:
        _check_type(e, "a tuple's element type")
    return Type("tuple", *elements)


def option_of(some: Type, *, wrap: bool = False) -> Type:
    _check_type(some, "an option's payload type")
    if wrap != (some.kind == "option"):
        _fail(f"option_of(wrap={wrap}) of a {some.kind}: wrap exactly the options of options")
    return Type("option", some, wrap)


def result_of(ok: Type | None, err: Type | None) -> Type:
    for t in (ok, err):
        if t is not None:
            _check_type(t, "a result's payload type")
    return Type("result", ok, err)


def record(cls: type, fields: Sequence[tuple[str, str, Type]]) -> Type:
    if not dataclasses.is_dataclass(cls):
        _fail(f"record class {cls!r} is not a dataclass")
    names = [f.name for f in dataclasses.fields(cls)]
    if names != [attr for _, attr, _ in fields]:
        _fail(f"record {cls.__name__} has fields {names}, registered {fields}")
    for _, _, t in fields:
        _check_type(t, f"a field type of {cls.__name__}")
    return Type("record", cls, tuple(fields))


def variant(cases: Sequence[tuple[str, type, Type | None]]) -> Type:
    if not cases:
        _fail("a variant without cases")
    for name, cls, payload in cases:
        if not dataclasses.is_dataclass(cls):
            _fail(f"case class {cls!r} of `{name}` is not a dataclass")
        fields = [f.name for f in dataclasses.fields(cls)]
        expected = ["value"] if payload is not None else []
        if fields != expected:
            _fail(f"case class {cls.__name__} has fields {fields}, expected {expected}")
        if payload is not None:
            _check_type(payload, f"the payload of {cls.__name__}")
    return Type("variant", tuple(cases))


def enum(cls: type[_enum.Enum], cases: Sequence[str]) -> Type:
    if not issubclass(cls, _enum.Enum) or issubclass(cls, _enum.Flag):
        _fail(f"{cls!r} is not an Enum")
    values = [m.value for m in cls]
    if values != list(range(len(cases))):
        _fail(f"enum {cls.__name__} has values {values} for {len(cases)} cases")
    return Type("enum", cls, tuple(cases))


def flags(cls: type[_enum.Flag], names: Sequence[str]) -> Type:
    if not issubclass(cls, _enum.Flag):
        _fail(f"{cls!r} is not a Flag")
    values = [m.value for m in cls]
    if values != [1 << i for i in range(len(names))]:
        _fail(f"flags {cls.__name__} have values {values} for {len(names)} flags")
    return Type("flags", cls, tuple(names))


def resource(interface: str | None, name: str, cls: type[Resource] | None = None) -> ResourceType:
    if cls is not None and not issubclass(cls, Resource):
        _fail(f"resource class {cls!r} is not a weft.Resource")
    return ResourceType(interface, name, cls)


def own(resource: ResourceType) -> Type:
    if not isinstance(resource, ResourceType):
        _fail(f"own of {resource!r}")
    return Type("own", resource)


def borrow(resource: ResourceType) -> Type:
    if not isinstance(resource, ResourceType):
        _fail(f"borrow of {resource!r}")
    return Type("borrow", resource)


class Resource:
    """Base of exported resource classes: a recorded handle."""

    __slots__ = ("_handle",)

    def close(self) -> None:
        self._handle = None

    def __enter__(self) -> Resource:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


@final
class Component:
    """A recorded component: its bytes."""

    def __init__(self, wasm: bytes) -> None:
        self.wasm = bytes(wasm)
        _recorded.components.append(self)

    @staticmethod
    def from_file(path: str | os.PathLike[str]) -> Component:
        with open(path, "rb") as f:
            return Component(f.read())

    @property
    def from_cache(self) -> bool:
        """Never: nothing is compiled, so nothing is cached."""
        return False


def cache_dir() -> str | None:
    """No cache: the fake compiles nothing."""
    return None


def set_release_gil(release: bool) -> None:
    """Nothing to release: the fake runs no wasm."""


@final
class HostFunc:
    """A recorded host function."""

    def __init__(
        self,
        impl: Callable[..., Any] | str,
        params: Sequence[Type],
        result: Type | None,
        raises: type[ResultError[Any]] | None,
    ) -> None:
        self.impl = impl
        self.params = tuple(params)
        self.result = result
        self.raises = raises


def _check_signature(params: Sequence[Type], result: Type | None, raises: object) -> None:
    for p in params:
        _check_type(p, "a parameter type")
    if result is not None:
        _check_type(result, "a result type")
    if raises is not None:
        if not (isinstance(raises, type) and issubclass(raises, ResultError)):
            _fail(f"raises={raises!r} is not a ResultError class")
        if result is None or result.kind != "result":
            _fail(f"raises={raises!r} for a function that does not return a result")


def host_func(
    impl: Callable[..., Any] | str,
    params: Sequence[Type],
    result: Type | None = None,
    *,
    raises: type[ResultError[Any]] | None = None,
) -> HostFunc:
    if not (isinstance(impl, str) or callable(impl)):
        _fail(f"host function {impl!r} is neither callable nor a method name")
    _check_signature(params, result, raises)
    if isinstance(impl, str) and (not params or params[0].kind not in ("borrow", "own")):
        _fail(f"method {impl!r} of a function whose first parameter is no resource")
    return HostFunc(impl, params, result, raises)


class _Func:
    def __init__(self, interface: str | None, name: str, arity: int) -> None:
        self.interface = interface
        self.name = name
        self.arity = arity

    def __call__(self, *args: Any) -> Any:
        if len(args) != self.arity:
            _fail(f"{self.name} called with {len(args)} arguments, takes {self.arity}")
        _recorded.calls.append((self.interface, self.name, args))
        return _recorded.result


@final
class Instance:
    """A recorded instance."""

    def __init__(
        self,
        component: Component,
        imports: Mapping[str, HostFunc | Mapping[str, HostFunc]] = {},
    ) -> None:
        if not isinstance(component, Component):
            _fail(f"instance of {component!r}")
        for name, entry in imports.items():
            entries = entry.values() if isinstance(entry, Mapping) else [entry]
            for func in entries:
                if not isinstance(func, HostFunc):
                    _fail(f"import {name!r} holds {func!r}, not a HostFunc")
        self.component = component
        self.imports = imports
        self.funcs: dict[tuple[str | None, str], _Func] = {}
        self.classes: dict[ResourceType, type[Resource]] = {}
        _recorded.instances.append(self)

    def _add(self, interface: str | None, name: str, arity: int) -> _Func:
        if (interface, name) in self.funcs:
            _fail(f"{interface}#{name} asked for twice")
        func = _Func(interface, name, arity)
        self.funcs[(interface, name)] = func
        return func

    def func(
        self,
        interface: str | None,
        name: str,
        params: Sequence[Type],
        result: Type | None = None,
        *,
        raises: type[ResultError[Any]] | None = None,
    ) -> Callable[..., Any]:
        _check_signature(params, result, raises)
        return self._add(interface, name, len(params))

    def constructor(self, resource: ResourceType, params: Sequence[Type]) -> Callable[..., None]:
        if resource.cls is None:
            _fail(f"constructor of the host resource {resource!r}")
        _check_signature(params, None, None)
        func = self._add(resource.interface, f"[constructor]{resource.name}", len(params) + 1)
        cls = resource.cls

        def construct(obj: Any, *args: Any) -> None:
            if not isinstance(obj, cls):
                _fail(f"constructor of {cls!r} given {obj!r}")
            func(obj, *args)
            obj._handle = (resource, len(_recorded.calls))

        return construct

    def set_class(self, resource: ResourceType, cls: type[Resource]) -> None:
        if resource.cls is None or not issubclass(cls, resource.cls):
            _fail(f"set_class({resource!r}, {cls!r})")
        self.classes[resource] = cls
