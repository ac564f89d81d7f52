//! What `generate` writes for small worlds: the Python each WIT type
//! becomes, names escaped and kept apart, exceptions, module layout. (The
//! cli's `bindgen_python` test runs mypy and Python on real worlds.)

use weft_codegen_python::{generate, Error, Files, Opts};
use weft_wit::Wit;

fn gen_with(wit: &str, opts: &Opts) -> Result<Files, Error> {
    let wit = Wit::parse("test.wit", wit).expect("WIT parses");
    let world = wit.world(None).expect("one world");
    generate(&wit.resolve, world, opts)
}

fn gen(wit: &str) -> Files {
    gen_with(wit, &Opts::default()).expect("bindings")
}

fn file(files: &Files, path: &str) -> String {
    let paths: Vec<&str> = files.iter().map(|(p, _)| p).collect();
    let bytes = files
        .get(path)
        .unwrap_or_else(|| panic!("no {path} among {paths:?}"));
    String::from_utf8(bytes.to_vec()).expect("UTF-8")
}

fn assert_has(text: &str, wanted: &[&str]) {
    for w in wanted {
        assert!(text.contains(w), "missing {w:?} in:\n{text}");
    }
}

#[test]
fn every_type_maps_to_its_python_type() {
    let files = gen("package t:types;
         interface all {
           record r { a: u8 }
           variant v { none, some(string) }
           enum e { lo, hi }
           flags f { x, y }
           resource res;
           type alias = list<r>;
           scalars: func(a: bool, b: s8, c: u8, d: s16, e: u16, f: s32, g: u32, h: s64, i: u64,
                         j: f32, k: f64, l: char, m: string);
           compound: func(a: list<u8>, b: list<string>, c: tuple<u32, string>, d: tuple<u32>,
                          e: option<u32>, f: option<option<u32>>, g: result<u32, string>,
                          h: result, i: r, j: v, k: e, l: f, m: borrow<res>, n: alias)
                     -> option<res>;
         }
         world w { export all; }");
    let all = file(&files, "w/all.py");
    assert_has(
        &all,
        &[
            "def scalars(\n        self,\n        a: bool,\n        b: int,\n        c: int,",
            "        j: float,\n        k: float,\n        l: str,\n        m: str,\n    ) -> None:",
            "        a: bytes,\n        b: list[str],\n        c: tuple[int, str],\n        d: tuple[int],",
            "        e: Optional[int],\n        f: Optional[weft.Some[Optional[int]]],",
            "        g: Union[weft.Ok[int], weft.Err[str]],\n        h: Union[weft.Ok[None], weft.Err[None]],",
            "        i: R,\n        j: V,\n        k: E,\n        l: F,\n        m: Res,\n        n: Alias,\n    ) -> Optional[Res]:",
            // Descriptors of the same.
            "[weft.BOOL, weft.S8, weft.U8, weft.S16, weft.U16, weft.S32, weft.U32, weft.S64, weft.U64, weft.F32, weft.F64, weft.CHAR, weft.STRING]",
            "weft.BYTES, weft.list_of(weft.STRING), weft.tuple_of(weft.U32, weft.STRING), weft.tuple_of(weft.U32), weft.option_of(weft.U32), weft.option_of(weft.option_of(weft.U32), wrap=True), weft.result_of(weft.U32, weft.STRING), weft.result_of(None, None), _R, _V, _E, _F, weft.borrow(_RES), _ALIAS]",
            "weft.option_of(weft.own(_RES))",
            // The named types.
            "@dataclass(frozen=True, slots=True)\nclass R:",
            "class VNone:\n    \"\"\"The `none` case of `V`.\"\"\"\n",
            "class VSome:\n    \"\"\"The `some` case of `V`.\"\"\"\n\n    value: str",
            "V: TypeAlias = Union[VNone, VSome]",
            "class E(Enum):",
            "    LO = 0\n    HI = 1",
            "class F(Flag):",
            "    X = 1 << 0\n    Y = 1 << 1",
            "class Res(weft.Resource):",
            "Alias: TypeAlias = list[R]",
            "_R = weft.record(R, [(\"a\", \"a\", weft.U8)])",
            "_V = weft.variant([(\"none\", VNone, None), (\"some\", VSome, weft.STRING)])",
            "_E = weft.enum(E, [\"lo\", \"hi\"])",
            "_F = weft.flags(F, [\"x\", \"y\"])",
            "_RES = weft.resource(_INTERFACE, \"res\", Res)",
            "_ALIAS = weft.list_of(_R)",
            "from typing import Optional, TypeAlias, Union",
            "from enum import Enum, Flag",
        ],
    );
}

#[test]
fn keywords_builtins_and_clashes_are_escaped() {
    let files = gen("package t:names;
         interface %class {
           record %from { %list: u32, %type: string, %str: string, value: u32 }
           %lambda: func(%self: u32, len: string, %type: %from) -> u32;
           %list: func();
           variant %match { %case(u32), %none }
           enum %true { %none, read-only }
         }
         world %import { export %class; }");
    let module = file(&files, "import_/class_.py");
    assert_has(
        &module,
        &[
            "class From:",
            "    list_: int\n    type_: str\n    str_: str\n    value: int",
            "(\"list\", \"list_\", weft.U32),",
            "(\"type\", \"type_\", weft.STRING),",
            "def lambda_(self, self_: int, len_: str, type_: From) -> int:",
            "def list_(self) -> None:",
            "class MatchCase:",
            "class MatchNone:",
            "class True_(Enum):",
            "    NONE = 0\n    READ_ONLY = 1",
            "class Class:",
        ],
    );
    let init = file(&files, "import_/__init__.py");
    assert_has(
        &init,
        &[
            "class Import:",
            "self.class_: _class_.Class = _class_.Class(instance)",
        ],
    );
}

#[test]
fn results_raise_one_exception_class_per_error_type() {
    let files = gen("package t:errors;
         interface types {
           record refusal { why: string }
           record gql-error { message: string }
         }
         interface api {
           use types.{refusal, gql-error};
           a: func() -> result<u32, refusal>;
           b: func() -> result<_, refusal>;
           c: func() -> result<string, string>;
           d: func() -> result<u8, string>;
           e: func() -> result<u32>;
           f: func() -> result<u32, list<gql-error>>;
           g: func() -> result<u32, gql-error>;
         }
         world w { export api; }");
    let types = file(&files, "w/types.py");
    assert_has(
        &types,
        &[
            "class RefusalError(weft.ResultError[Refusal]):",
            "class GqlErrorException(weft.ResultError[GqlError]):",
        ],
    );
    let api = file(&files, "w/api.py");
    assert_has(
        &api,
        &[
            "def a(self) -> int:",
            "raises=_types.RefusalError",
            "def b(self) -> None:",
            "class StringError(weft.ResultError[str]):",
            "class GqlErrorListException(weft.ResultError[list[GqlError]]):",
            "def e(self) -> int:",
            "raises=weft.ResultError",
            "Raises:\n            _types.RefusalError: the WIT error case",
            "weft.result_of(weft.U32, _REFUSAL),\n            raises=_types.RefusalError,",
        ],
    );
    assert_eq!(
        api.matches("class StringError").count(),
        1,
        "one class per type"
    );
}

#[test]
fn imports_become_protocols_and_keyword_arguments() {
    let files = gen("package t:host;
         interface store {
           /// A bucket the host keeps.
           resource bucket {
             constructor(name: string);
             get: func(key: string) -> option<list<u8>>;
             open: static func(name: string) -> result<bucket, string>;
           }
           /// Logs.
           log: func(msg: string);
         }
         world w {
           import store;
           import now: func() -> u64;
           export run: func() -> u32;
         }");
    let store = file(&files, "w/store.py");
    assert_has(
        &store,
        &[
            "class Bucket(Protocol):\n    \"\"\"A bucket the host keeps.",
            "    def get(self, key: str) -> Optional[bytes]:",
            "class BucketClass(Protocol):",
            "    def __call__(self, name: str) -> Bucket:",
            "    def open(self, name: str) -> Bucket:",
            "Raise `StringError(value)` to return the WIT error case `value`.",
            "class Store(Protocol):",
            "    def log(self, msg: str) -> None:",
            // Properties come last (they would hide the classes).
            "    @property\n    def Bucket(self) -> BucketClass:",
            "_BUCKET = weft.resource(_INTERFACE, \"bucket\")",
            "def _imports(impl: Store) -> dict[str, weft.HostFunc]:",
            "\"[constructor]bucket\": weft.host_func(impl.Bucket, [weft.STRING], weft.own(_BUCKET))",
            "\"[method]bucket.get\": weft.host_func(\"get\", [weft.borrow(_BUCKET), weft.STRING], weft.option_of(weft.BYTES))",
            "\"[static]bucket.open\": weft.host_func(impl.Bucket.open, [weft.STRING], weft.result_of(weft.own(_BUCKET), weft.STRING), raises=StringError)",
            "\"log\": weft.host_func(impl.log, [weft.STRING])",
        ],
    );
    let init = file(&files, "w/__init__.py");
    assert_has(
        &init,
        &[
            "        store: _store.Store,\n        now: Callable[[], int],\n        component: Optional[weft.Component] = None,",
            "\"t:host/store\": _store._imports(store),",
            "\"now\": weft.host_func(now, [], weft.U64),",
            "def from_file(",
            "return cls(store=store, now=now, component=weft.Component.from_file(path))",
        ],
    );
    // A world with imports has no default instance.
    assert!(!init.contains("def _default"), "{init}");
    assert!(
        !init.contains("def run(\n") && !init.contains("\ndef run("),
        "{init}"
    );
}

#[test]
fn import_free_worlds_get_module_level_functions() {
    let files = gen("package t:free;
         interface calc {
           resource acc { constructor(); add: func(n: u32); }
           twice: func(n: u32) -> u32;
         }
         world w { export calc; export hello: func(name: string) -> string; }");
    let init = file(&files, "w/__init__.py");
    assert_has(
        &init,
        &[
            "@_functools.cache\ndef _default() -> W:",
            "def hello(name: str) -> str:",
            "    return _default().hello(name)",
        ],
    );
    let calc = file(&files, "w/calc.py");
    assert_has(
        &calc,
        &[
            "def _default_exports() -> Calc:",
            "    from . import _default\n\n    return _default().calc",
            "def twice(n: int) -> int:",
            "    return _default_exports().twice(n)",
            "    _exports = _support.Unbound(_default_exports)",
        ],
    );
}

#[test]
fn a_library_of_one_interface_is_the_package() {
    let files = gen("package t:lib;
         interface graphql {
           record doc { name: string }
           parse: func(q: string) -> result<doc, string>;
         }
         world toolkit { export graphql; }");
    let init = file(&files, "toolkit/__init__.py");
    assert_has(
        &init,
        &[
            "from .graphql import Doc as Doc",
            "from .graphql import Graphql as Graphql",
            "from .graphql import StringError as StringError",
            "from .graphql import parse as parse",
        ],
    );
    // Not when the world exports more.
    let files = gen("package t:lib;
         interface graphql { parse: func(q: string); }
         world toolkit { export graphql; export version: func() -> string; }");
    assert!(!file(&files, "toolkit/__init__.py").contains("from .graphql import"));
}

#[test]
fn one_interface_under_several_names_and_on_both_sides() {
    let files = gen("package t:sides;
         interface kv { get: func(k: string) -> string; }
         world w {
           import primary: kv;
           import secondary: kv;
           import kv;
           export kv;
         }");
    let paths: Vec<&str> = files.iter().map(|(p, _)| p).collect();
    for module in [
        "w/primary.py",
        "w/secondary.py",
        "w/kv.py",
        "w/kv_import.py",
    ] {
        assert!(paths.contains(&module), "{module} in {paths:?}");
    }
    let init = file(&files, "w/__init__.py");
    assert_has(
        &init,
        &[
            "primary: _primary.Primary,\n        secondary: _secondary.Secondary,\n        kv: _kv_import.Kv,",
            "\"primary\": _primary._imports(primary),",
            "\"t:sides/kv\": _kv_import._imports(kv),",
            "self.kv: _kv.Kv = _kv.Kv(instance)",
        ],
    );
}

#[test]
fn interfaces_of_the_same_name_get_distinct_modules() {
    let files = gen("package t:main;
         package t:other { interface util { f: func(); } }
         interface util { g: func(); }
         world w { export util; export t:other/util; }");
    let paths: Vec<&str> = files.iter().map(|(p, _)| p).collect();
    assert!(
        paths.contains(&"w/util.py") && paths.contains(&"w/other_util.py"),
        "{paths:?}"
    );
}

#[test]
fn docs_become_docstrings() {
    let files = gen("package t:docs@2.0.0;
         /// Shapes.
         interface shapes {
           /// A point.
           record point {
             /// Across.
             x: f64,
           }
           /// Sizes.
           enum size {
             /// Small.
             small,
           }
           /// Area of \"\"\"things\"\"\" with a \\ backslash.
           area: func(p: point) -> f64;
         }
         /// The world.
         world w { export shapes; }");
    let shapes = file(&files, "w/shapes.py");
    assert_has(
        &shapes,
        &[
            "\"\"\"Shapes.\"\"\"",
            "class Point:\n    \"\"\"A point.\"\"\"\n\n    x: float\n    \"\"\"Across.\"\"\"",
            "    SMALL = 0\n    \"\"\"Small.\"\"\"",
            r#""""Area of \"""things\""" with a \\ backslash.""""#,
        ],
    );
    let pyproject = file(&files, "pyproject.toml");
    assert_has(
        &pyproject,
        &[
            "name = \"w\"",
            "version = \"2.0.0\"",
            "description = \"The world.\"",
            "build-backend = \"setuptools.build_meta\"",
        ],
    );
    assert_eq!(file(&files, "w/py.typed"), "");
}

#[test]
fn name_and_component_options() {
    let wit = "package t:opts; world my-world { export f: func(); }";
    let files = gen_with(
        wit,
        &Opts {
            name: Some("custom_name".into()),
            wasm: None,
        },
    )
    .unwrap();
    assert!(files.get("custom_name/__init__.py").is_some());
    assert!(file(&files, "custom_name/__init__.py").contains("class MyWorld:"));
    for bad in ["my-lib", "1x", "def", "None", "_x", "weft"] {
        let err = gen_with(
            wit,
            &Opts {
                name: Some(bad.into()),
                wasm: None,
            },
        )
        .unwrap_err();
        assert!(matches!(err, Error::InvalidName { .. }), "{bad}: {err}");
    }
    let err = gen_with(
        wit,
        &Opts {
            name: None,
            wasm: Some(b"not wasm".to_vec()),
        },
    )
    .unwrap_err();
    assert!(matches!(err, Error::Component(_)), "{err}");
}

#[test]
fn unsupported_features_are_named() {
    for (wit, feature) in [
        ("world w { export f: async func(); }", "async functions"),
        ("world w { export f: func(s: stream<u8>); }", "streams"),
        ("world w { export f: func() -> future<u8>; }", "futures"),
        (
            "interface i { type t = stream<u8>; } world w { export i; }",
            "streams",
        ),
    ] {
        let err = gen_with(&format!("package t:u; {wit}"), &Opts::default()).unwrap_err();
        assert!(err.to_string().contains(feature), "{wit}: {err}");
    }
}
