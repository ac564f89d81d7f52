"""weft: WebAssembly components as Python libraries.

This stub is the contract between the packages `weft bindgen --lang python`
writes and the `weft` runtime module (a PyO3 extension) that runs them:
everything generated code uses, and the little a program using them may
ask of the runtime itself (the compile cache: `cache_dir`,
`Component.from_cache`; `set_release_gil`). `RUNTIME_API.md` beside it gives the rules each
item follows.

Generated code describes, once on import, how each WIT type maps to Python
(`Type` values made by the functions below), makes one `Instance` per
object of the world's class, takes one callable per function from it, and
forwards calls to those callables. All conversion between Python objects
and the component's linear memory happens in the runtime, driven by the
descriptors; no per-call work happens in Python beyond the call itself.
"""

from collections.abc import Callable, Mapping, Sequence
from enum import Enum, Flag
from os import PathLike
from typing import Any, Final, Generic, TypeVar, final

from typing_extensions import Self

_T_co = TypeVar("_T_co", covariant=True)
_E_co = TypeVar("_E_co", covariant=True)

API_VERSION: Final[int]
"""The version of this API the module implements: 1. Generated packages
refuse to import under another."""

# ---- errors -------------------------------------------------------------

class Error(Exception):
    """An error of the runtime itself: a component that cannot be loaded
    or instantiated, a function or type that does not match the
    component, a value that does not fit its WIT type, a closed resource."""

class Trap(Error):
    """The component trapped (or a host function raised while the component
    was calling it): the instance must not be used again.

    Ctrl-C during a call on the main thread interrupts it with
    `KeyboardInterrupt` instead (the instance is poisoned all the same)."""

class ResultError(Exception, Generic[_E_co]):
    """The error case of a WIT `result` a function returned.

    Generated packages subclass it once per error type (`RefusalError`
    for `result<T, refusal>`) and the runtime raises the subclass a
    function was registered with, holding the error value. `ResultError`
    itself is raised for `result<T>`, whose error carries no value. Must
    be subscriptable at run time (`ResultError[Refusal]` as a base class),
    as `typing.Generic` subclasses are.
    """

    def __init__(self, value: _E_co) -> None: ...
    @property
    def value(self) -> _E_co:
        """The WIT error value (`None` for `result<T>`)."""

# ---- values without a class of their own --------------------------------

@final
class Ok(Generic[_T_co]):
    """The `ok` case of a WIT `result` that is passed as a value (a
    parameter, a field, a list element), not returned."""

    def __init__(self, value: _T_co) -> None: ...
    @property
    def value(self) -> _T_co:
        """The payload (`None` for `result<_, E>`)."""
    def __eq__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Err(Generic[_E_co]):
    """The `error` case of a WIT `result` passed as a value."""

    def __init__(self, value: _E_co) -> None: ...
    @property
    def value(self) -> _E_co:
        """The payload (`None` for `result<T>`)."""
    def __eq__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Some(Generic[_T_co]):
    """`some(x)` of an option whose payload is itself an option
    (`option<option<T>>`): `None` is the outer `none`, `Some(None)` is
    `some(none)`, `Some(x)` is `some(some(x))`."""

    def __init__(self, value: _T_co) -> None: ...
    @property
    def value(self) -> _T_co:
        """The payload."""
    def __eq__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...

# ---- type descriptors ---------------------------------------------------

@final
class Type:
    """How values of one WIT type convert: made once, on import, by the
    constants and functions below. Checked against the component's own
    types when an `Instance` hands out a function using it."""

@final
class ResourceType:
    """A WIT resource type, made once on import by `resource`."""

BOOL: Final[Type]
"""`bool` ↔ `bool`."""
S8: Final[Type]
"""`s8` ↔ `int` (out of range: `OverflowError`)."""
U8: Final[Type]
"""`u8` ↔ `int`."""
S16: Final[Type]
"""`s16` ↔ `int`."""
U16: Final[Type]
"""`u16` ↔ `int`."""
S32: Final[Type]
"""`s32` ↔ `int`."""
U32: Final[Type]
"""`u32` ↔ `int`."""
S64: Final[Type]
"""`s64` ↔ `int`."""
U64: Final[Type]
"""`u64` ↔ `int`."""
F32: Final[Type]
"""`f32` ↔ `float` (an `int` is accepted)."""
F64: Final[Type]
"""`f64` ↔ `float` (an `int` is accepted)."""
CHAR: Final[Type]
"""`char` ↔ a `str` of one character (not a surrogate)."""
STRING: Final[Type]
"""`string` ↔ `str`."""
BYTES: Final[Type]
"""`list<u8>` ↔ `bytes` (any buffer is accepted in)."""

def list_of(element: Type) -> Type:
    """`list<T>` ↔ `list` (any sequence is accepted in)."""

def tuple_of(*elements: Type) -> Type:
    """`tuple<A, B, ...>` ↔ `tuple` of that length."""

def option_of(some: Type, *, wrap: bool = False) -> Type:
    """`option<T>` ↔ `None` or the value; with `wrap`, `some(x)` is
    `Some(x)` (for `option<option<T>>`, where `None` alone would be
    ambiguous)."""

def result_of(ok: Type | None, err: Type | None) -> Type:
    """`result<T, E>` ↔ `Ok(value)` or `Err(value)` (`None` for a missing
    type). As a function's result with `raises`, the function returns the
    ok value and raises the error instead."""

def record(cls: type, fields: Sequence[tuple[str, str, Type]]) -> Type:
    """A WIT record ↔ objects of `cls`, a dataclass whose fields are
    `fields` in order: (WIT name, Python attribute, type). Objects are
    made without calling `__init__`."""

def variant(cases: Sequence[tuple[str, type, Type | None]]) -> Type:
    """A WIT variant ↔ an object of one case class. Each case is (WIT
    name, class, payload type or `None`); a case with a payload holds it
    in its attribute `value`. Objects are made without calling
    `__init__`."""

def enum(cls: type[Enum], cases: Sequence[str]) -> Type:
    """A WIT enum ↔ members of `cls`; `cases` are the WIT names, and the
    member for case i has the value i."""

def flags(cls: type[Flag], names: Sequence[str]) -> Type:
    """WIT flags ↔ values of `cls`; `names` are the WIT names, and flag i
    is the bit `1 << i` of the value."""

def resource(interface: str | None, name: str, cls: type[Resource] | None = None) -> ResourceType:
    """The resource `name` of `interface` (a name the component imports or
    exports, or `None` for the world's own).

    With `cls`, a resource the component exports: values are objects of
    `cls` (or of the class an instance sets with `Instance.set_class`),
    made without calling `__init__`. Without it, a resource the host
    implements: values are the host's own objects."""

def own(resource: ResourceType) -> Type:
    """`own<R>`: passing one in moves it (an exported resource's object is
    closed); getting one back gives an object the caller owns."""

def borrow(resource: ResourceType) -> Type:
    """`borrow<R>`: lent for the call only."""

# ---- resources ----------------------------------------------------------

class Resource:
    """Base of the classes of resources a component exports.

    An object holds one handle of one instance. `close()` drops the handle
    (running the component's destructor) and is idempotent; a `with`
    block closes on exit; an object garbage collected while open is
    dropped then. Calling a method of a closed object raises `Error`.
    Subclasses may set `__slots__ = ()`."""

    def close(self) -> None:
        """Drops the handle now."""
    def __enter__(self) -> Self: ...
    def __exit__(self, *exc_info: object) -> None: ...

# ---- components and instances -------------------------------------------

@final
class Component:
    """A compiled component, ready to instantiate many times.

    Compiled code is kept in the cache directory (`cache_dir()`), so that
    the next process loading the same component skips compiling it."""

    def __init__(self, wasm: bytes) -> None:
        """Compiles the component in `wasm` (its binary), or loads its
        compiled code from the cache."""
    @staticmethod
    def from_file(path: str | PathLike[str]) -> Component:
        """Compiles the component in the file at `path` (or loads it from
        the cache)."""
    @property
    def from_cache(self) -> bool:
        """Whether the compiled code came from the cache directory rather
        than being compiled by this process."""

def cache_dir() -> str | None:
    """The directory compiled components are kept in between processes,
    or `None` if there is no cache: `$WEFT_CACHE_DIR` if set, else `weft`
    in the user's cache directory (`$XDG_CACHE_HOME`, else `~/.cache`;
    `~/Library/Caches` on macOS); `None` when `$WEFT_NO_CACHE` is set (not
    to `0`). Read from the environment when the process loads its first
    component (or calls this), and fixed from then on."""

def set_release_gil(release: bool) -> None:
    """Whether calls into wasm release the GIL while the wasm runs (the
    default: other Python threads run meanwhile) or keep it (about 45 ns
    less a call, a third of a no-op call, for programs whose calls are
    short and whose other threads can wait). Process-wide; host functions
    always run with the GIL."""

@final
class HostFunc:
    """A function the host provides to a component, with its WIT
    signature; made by `host_func`."""

def host_func(
    impl: Callable[..., Any] | str,
    params: Sequence[Type],
    result: Type | None = None,
    *,
    raises: type[ResultError[Any]] | None = None,
) -> HostFunc:
    """`impl` as an imported function taking `params` and returning
    `result`.

    A `str` `impl` names a method: the function's first argument (a
    resource the host implements) is the object it is called on. With
    `raises`, `result` is a `result<T, E>`: `impl` returns the ok value,
    or raises `raises` (its `value` is the error). Any other exception
    makes the component trap; the call into the component that led to it
    raises `Trap` with that exception as its cause."""

@final
class Instance:
    """One instance of a component: its memories, tables and resources."""

    def __init__(
        self,
        component: Component,
        imports: Mapping[str, HostFunc | Mapping[str, HostFunc]] = ...,
    ) -> None:
        """Instantiates `component`. `imports` maps each imported interface
        (by the name the component imports it under) to its functions by
        WIT name (`log`, `[constructor]r`, `[method]r.f`, `[static]r.f`),
        and each imported world function to its `HostFunc`. An interface
        that has only types needs no entry; entries the component does not
        import are ignored."""
    def func(
        self,
        interface: str | None,
        name: str,
        params: Sequence[Type],
        result: Type | None = None,
        *,
        raises: type[ResultError[Any]] | None = None,
    ) -> Callable[..., Any]:
        """The exported function `name` of `interface` (`None` for the
        world's own), after checking `params` and `result` against its
        type. The callable takes and returns Python values as the
        descriptors say; with `raises`, see `result_of`."""
    def constructor(self, resource: ResourceType, params: Sequence[Type]) -> Callable[..., None]:
        """The constructor of an exported resource. The callable takes a
        new, unbound object of the resource's class (from `__init__`),
        then the constructor's arguments, and binds the handle made to
        that object."""
    def set_class(self, resource: ResourceType, cls: type[Resource]) -> None:
        """Makes objects of the exported `resource` that this instance
        hands out members of `cls`, a subclass of the class `resource`
        was made with."""
