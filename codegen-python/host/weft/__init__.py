"""weft: WebAssembly components as Python libraries.

The runtime for packages made by `weft bindgen --lang python`: it
implements `codegen-python/runtime-api/weft.pyi` (rules in
`codegen-python/RUNTIME_API.md`). The native part, `weft._weft`, is
weft-runtime as a PyO3 extension; this file adds the classes that must be
real `typing.Generic`s (`ResultError`, `Ok`, `Err`, `Some`) and re-exports
the rest.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar, final

from . import _weft
from ._weft import (
    API_VERSION,
    BOOL,
    BYTES,
    CHAR,
    F32,
    F64,
    S8,
    S16,
    S32,
    S64,
    STRING,
    U8,
    U16,
    U32,
    U64,
    Component,
    Error,
    HostFunc,
    Instance,
    Resource,
    ResourceType,
    Trap,
    Type,
    borrow,
    cache_dir,
    enum,
    flags,
    host_func,
    list_of,
    option_of,
    own,
    record,
    resource,
    result_of,
    set_release_gil,
    tuple_of,
    variant,
)

__all__ = [
    "API_VERSION",
    "BOOL",
    "BYTES",
    "CHAR",
    "F32",
    "F64",
    "S8",
    "S16",
    "S32",
    "S64",
    "STRING",
    "U8",
    "U16",
    "U32",
    "U64",
    "Component",
    "Err",
    "Error",
    "HostFunc",
    "Instance",
    "Ok",
    "Resource",
    "ResourceType",
    "ResultError",
    "Some",
    "Trap",
    "Type",
    "borrow",
    "cache_dir",
    "enum",
    "flags",
    "host_func",
    "list_of",
    "option_of",
    "own",
    "record",
    "resource",
    "result_of",
    "set_release_gil",
    "tuple_of",
    "variant",
]

_T_co = TypeVar("_T_co", covariant=True)
_E_co = TypeVar("_E_co", covariant=True)


class ResultError(Exception, Generic[_E_co]):
    """The error case of a WIT `result` a function returned.

    Generated packages subclass it once per error type; the runtime
    raises the subclass a function was registered with, holding the error
    value (`None` for `result<T>`).
    """

    def __init__(self, value: _E_co) -> None:
        super().__init__(value)
        self._value = value

    @property
    def value(self) -> _E_co:
        """The WIT error value (`None` for `result<T>`)."""
        return self._value


class _Box:
    """A value in a box: equal to a box of the same class and value."""

    __slots__ = ("_value",)

    def __init__(self, value: Any) -> None:
        self._value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Box) and type(other) is type(self) and other._value == self._value

    def __hash__(self) -> int:
        return hash((type(self), self._value))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._value!r})"


@final
class Ok(_Box, Generic[_T_co]):
    """The `ok` case of a WIT `result` passed as a value."""

    __slots__ = ()

    def __init__(self, value: _T_co) -> None:
        super().__init__(value)

    @property
    def value(self) -> _T_co:
        """The payload (`None` for `result<_, E>`)."""
        return self._value  # type: ignore[no-any-return]

    def __eq__(self, other: object) -> bool:
        return super().__eq__(other)

    def __hash__(self) -> int:
        return super().__hash__()


@final
class Err(_Box, Generic[_E_co]):
    """The `error` case of a WIT `result` passed as a value."""

    __slots__ = ()

    def __init__(self, value: _E_co) -> None:
        super().__init__(value)

    @property
    def value(self) -> _E_co:
        """The payload (`None` for `result<T>`)."""
        return self._value  # type: ignore[no-any-return]

    def __eq__(self, other: object) -> bool:
        return super().__eq__(other)

    def __hash__(self) -> int:
        return super().__hash__()


@final
class Some(_Box, Generic[_T_co]):
    """`some(x)` of an option whose payload is itself an option."""

    __slots__ = ()

    def __init__(self, value: _T_co) -> None:
        super().__init__(value)

    @property
    def value(self) -> _T_co:
        """The payload."""
        return self._value  # type: ignore[no-any-return]

    def __eq__(self, other: object) -> bool:
        return super().__eq__(other)

    def __hash__(self) -> int:
        return super().__hash__()


_weft._init(Ok, Err, Some)
