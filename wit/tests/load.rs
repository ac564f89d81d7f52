//! Loading WIT with `Wit`: text, package directories with `deps/`,
//! components and encoded packages, world selection, printing back as
//! text, and every way loading fails.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use weft_wit::wit_parser::{IndexMap, ManglingAndAbi, WorldId, WorldItem, WorldKey};
use weft_wit::{Wit, WitError};
use wit_component::{ComponentEncoder, StringEncoding};

/// A package with two worlds, exercising interfaces that use each other,
/// records, variants, enums, flags and resources (imported and exported).
const DEMO: &str = "package test:demo@0.1.0;

interface types {
  record point { x: s32, y: s32 }
  variant shape { circle(f64), rect(tuple<point, point>), empty }
  enum color { red, green, blue }
  flags perms { read, write, exec }
  resource counter {
    constructor(start: u32);
    get: func() -> u64;
    add: func(by: u32);
  }
}

interface host {
  use types.{point, color};
  log: func(msg: string);
  nearest: func(p: point) -> option<color>;
}

interface api {
  use types.{shape, perms, counter};
  resource session {
    constructor(name: string);
    name: func() -> string;
    count: func() -> counter;
  }
  area: func(s: shape) -> result<f64, string>;
  allowed: func(p: perms) -> list<perms>;
}

world app {
  import host;
  export api;
}

world cli {
  import host;
  export run: func(args: list<string>) -> result;
}
";

/// A package with a single world.
const ONE_WORLD: &str = "package test:single;

world only {
  import log: func(msg: string);
}
";

fn demo() -> Wit {
    Wit::parse("demo.wit", DEMO).expect("the demo WIT is valid")
}

/// Parses WIT that must be rejected.
fn parse_err(file: &str, text: &str) -> WitError {
    match Wit::parse(file, text) {
        Ok(wit) => panic!("{file} parsed, as package {}", wit.package_name()),
        Err(err) => err,
    }
}

/// Checks that `err` is `Invalid` and points at `file`, `line`, `column`,
/// quoting `snippet` as the source line.
fn assert_located(err: &WitError, file: &Path, line: u32, column: u32, snippet: &str) {
    assert!(matches!(err, WitError::Invalid { .. }), "{err:?}");
    let location = err
        .location()
        .unwrap_or_else(|| panic!("no location in {err:?}"));
    assert_eq!(location.file, file, "{err}");
    assert_eq!((location.line, location.column), (line, column), "{err}");
    assert_eq!(location.snippet, snippet, "{err}");
}

#[path = "../../runtime/tests/common/scratch.rs"]
mod scratch;
use scratch::Scratch;

/// A scratch directory for one test of this file.
fn scratch(test: &str) -> Scratch {
    Scratch::new("wit-load", test)
}

/// Writes `contents` at `relative` under `root`, creating the parent
/// folders, and returns the file's path.
fn write(root: &Path, relative: &str, contents: impl AsRef<[u8]>) -> PathBuf {
    let path = root.join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).expect("create parent dir");
    std::fs::write(&path, contents).expect("write temp file");
    path
}

/// A real component for `world`: wit-component's dummy core module, with
/// the world embedded, componentized and validated.
fn component(wit: &Wit, world: WorldId) -> Vec<u8> {
    let mut module = dummy_module(wit, world);
    wit_component::embed_component_metadata(
        &mut module,
        &wit.resolve,
        world,
        StringEncoding::UTF8,
        false,
    )
    .expect("embed the world");
    ComponentEncoder::default()
        .module(&module)
        .expect("a componentizable module")
        .validate(true)
        .encode()
        .expect("a valid component")
}

fn dummy_module(wit: &Wit, world: WorldId) -> Vec<u8> {
    wit_component::dummy_module(&wit.resolve, world, ManglingAndAbi::Standard32)
}

/// The names (`ns:pkg/iface@version`, or plain names for functions) of a
/// world's imports and of its exports.
fn world_items(wit: &Wit, world: WorldId) -> (BTreeSet<String>, BTreeSet<String>) {
    let world = &wit.resolve.worlds[world];
    let names = |items: &IndexMap<WorldKey, WorldItem>| {
        items
            .keys()
            .map(|key| wit.resolve.name_world_key(key))
            .collect()
    };
    (names(&world.imports), names(&world.exports))
}

fn print(wit: &Wit, world: Option<WorldId>) -> String {
    wit.to_wit_text(world).expect("the WIT prints")
}

// World selection.

#[test]
fn parse_names_the_package_and_its_worlds() {
    let wit = demo();
    assert_eq!(wit.package_name(), "test:demo@0.1.0");
    assert_eq!(wit.world_names(), ["app", "cli"]);
    assert_eq!(wit.component_world, None);
}

#[test]
fn the_only_world_is_chosen_without_a_name() {
    let wit = Wit::parse("single.wit", ONE_WORLD).unwrap();
    let world = wit.world(None).unwrap();
    assert_eq!(wit.resolve.worlds[world].name, "only");
}

#[test]
fn worlds_are_chosen_by_plain_or_qualified_name() {
    let wit = demo();
    let app = wit.world(Some("app")).unwrap();
    let cli = wit.world(Some("cli")).unwrap();
    assert_eq!(wit.resolve.worlds[app].name, "app");
    assert_eq!(wit.resolve.worlds[cli].name, "cli");
    assert_eq!(wit.world(Some("test:demo/cli@0.1.0")).unwrap(), cli);
    // Without the version: the package exists at a single version.
    assert_eq!(wit.world(Some("test:demo/app")).unwrap(), app);

    let single = Wit::parse("single.wit", ONE_WORLD).unwrap();
    let only = single.world(None).unwrap();
    assert_eq!(single.world(Some("test:single/only")).unwrap(), only);
}

#[test]
fn two_worlds_and_no_name_is_ambiguous() {
    let err = demo().world(None).unwrap_err();
    let WitError::AmbiguousWorld { package, available } = &err else {
        panic!("expected AmbiguousWorld, got {err:?}");
    };
    assert_eq!(package, "test:demo@0.1.0");
    assert_eq!(available, &["app", "cli"]);
    let message = err.to_string();
    assert!(message.contains("app, cli"), "{message}");
}

#[test]
fn an_unknown_world_lists_the_available_ones() {
    let wit = demo();
    let err = wit.world(Some("nope")).unwrap_err();
    let WitError::WorldNotFound {
        requested,
        package,
        available,
    } = &err
    else {
        panic!("expected WorldNotFound, got {err:?}");
    };
    assert_eq!(requested, "nope");
    assert_eq!(package, "test:demo@0.1.0");
    assert_eq!(available, &["app", "cli"]);
    assert!(err.to_string().contains("app, cli"), "{err}");
}

#[test]
fn an_unknown_qualified_world_says_what_is_missing() {
    let wit = demo();
    for (requested, reason) in [("test:demo/nope", "nope"), ("test:other/app", "test:other")] {
        let err = wit.world(Some(requested)).unwrap_err();
        let WitError::WorldSelection {
            requested: got,
            reason: why,
        } = &err
        else {
            panic!("expected WorldSelection for {requested}, got {err:?}");
        };
        assert_eq!(got, requested);
        assert!(why.contains(reason), "{requested}: {why}");
    }
}

// Invalid WIT text, located.

#[test]
fn a_syntax_error_is_located() {
    let text = "package test:bad;

interface i {
  f: func(x: u32 -> u32;
}
";
    let err = parse_err("syntax.wit", text);
    // The parameter list is not closed: the error is at `->`.
    assert_located(
        &err,
        Path::new("syntax.wit"),
        4,
        18,
        "  f: func(x: u32 -> u32;",
    );
    assert!(err.to_string().contains("syntax.wit:4:18"), "{err}");
}

#[test]
fn an_unknown_type_is_located() {
    let text = "package test:bad;

interface i {
  record r {
    a: u32,
    b: missing-type,
  }
}
";
    let err = parse_err("unknown.wit", text);
    assert_located(&err, Path::new("unknown.wit"), 6, 8, "    b: missing-type,");
    assert!(err.to_string().contains("missing-type"), "{err}");
}

#[test]
fn a_type_cycle_is_located() {
    let text = "package test:bad;

interface i {
  type a = b;
  type b = a;
}
";
    let err = parse_err("cycle.wit", text);
    // wit-parser reports the cycle where it closes: `b`, used by `a`.
    assert_located(&err, Path::new("cycle.wit"), 4, 12, "  type a = b;");
    assert!(err.to_string().contains("depends on itself"), "{err}");
}

#[test]
fn a_missing_package_header_points_at_line_one_with_help() {
    let text = "interface i {
  f: func();
}
";
    let err = parse_err("headless.wit", text);
    assert_located(&err, Path::new("headless.wit"), 1, 1, "interface i {");
    let message = err.to_string();
    assert!(message.contains("no `package` header"), "{message}");
    assert!(
        message.contains("help: start the file with `package namespace:name;`"),
        "{message}"
    );
}

// Directories, files and their failures.

/// The app package in `root/`, with a dependency in each of the two forms
/// `deps/` allows: a folder and a single file.
fn write_package_with_deps(root: &Path) -> PathBuf {
    write(
        root,
        "app/app.wit",
        "package test:app;

world app {
  import test:logging/log@1.0.0;
  use test:clock/time.{instant};
  export now: func() -> instant;
}
",
    );
    write(
        root,
        "app/deps/logging/log.wit",
        "package test:logging@1.0.0;

interface log {
  enum level { info, warn }
  log: func(level: level, msg: string);
}
",
    );
    write(
        root,
        "app/deps/clock.wit",
        "package test:clock;

interface time {
  record instant { seconds: u64, nanos: u32 }
}
",
    );
    root.join("app")
}

#[test]
fn a_directory_resolves_its_deps() {
    let root = scratch("deps");
    let wit = Wit::load(write_package_with_deps(&root)).unwrap();
    assert_eq!(wit.package_name(), "test:app");
    let world = wit.world(None).unwrap();
    let (imports, exports) = world_items(&wit, world);
    // `use` in a world imports the interface and the type it names.
    assert_eq!(
        imports,
        BTreeSet::from([
            "test:logging/log@1.0.0".into(),
            "test:clock/time".into(),
            "instant".into()
        ])
    );
    assert_eq!(exports, BTreeSet::from(["now".into()]));
    let mut packages: Vec<String> = wit
        .resolve
        .packages
        .iter()
        .map(|(_, p)| p.name.to_string())
        .collect();
    packages.sort();
    assert_eq!(packages, ["test:app", "test:clock", "test:logging@1.0.0"]);
}

#[test]
fn a_missing_dependency_names_the_file_and_line_of_the_use() {
    let root = scratch("missing-dep");
    let main = write(
        &root,
        "app/main.wit",
        "package test:app;

interface i {
  use test:gone/types.{t};
}
",
    );
    let err = Wit::load(root.join("app")).unwrap_err();
    let location = err
        .location()
        .unwrap_or_else(|| panic!("no location in {err:?}"));
    assert_eq!(location.file, main, "{err}");
    assert_eq!((location.line, location.column), (4, 7), "{err}");
    assert_eq!(location.snippet, "  use test:gone/types.{t};", "{err}");
    assert!(err.to_string().contains("test:gone"), "{err}");
}

#[test]
fn a_missing_path_is_an_io_error() {
    let root = scratch("missing");
    let path = root.join("absent.wit");
    let err = Wit::load(&path).unwrap_err();
    let WitError::Io { path: got, source } = &err else {
        panic!("expected Io, got {err:?}");
    };
    assert_eq!(got, &path);
    assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
}

#[test]
fn a_file_that_is_neither_text_nor_wasm_is_not_text() {
    let root = scratch("binary");
    let path = write(&root, "latin1.wit", b"package t:x;\n// caf\xe9\n\xff\xfe");
    let err = Wit::load(&path).unwrap_err();
    let WitError::NotText { path: got } = &err else {
        panic!("expected NotText, got {err:?}");
    };
    assert_eq!(got, &path);
}

#[test]
fn a_wit_file_loads_like_its_text() {
    let root = scratch("file");
    let path = write(&root, "demo.wit", DEMO);
    let wit = Wit::load(&path).unwrap();
    assert_eq!(wit.package_name(), "test:demo@0.1.0");
    assert_eq!(print(&wit, None), print(&demo(), None));
}

// Components and encoded packages.

#[test]
fn a_component_carries_its_world() {
    let source = demo();
    let app = source.world(Some("app")).unwrap();
    let bytes = component(&source, app);
    let root = scratch("component");
    let path = write(&root, "app.wasm", &bytes);

    for (how, wit) in [
        ("from_binary", Wit::from_binary(&bytes, "app.wasm").unwrap()),
        ("load", Wit::load(&path).unwrap()),
    ] {
        let world = wit.component_world.expect("a component has a world");
        assert_eq!(wit.world(None).unwrap(), world, "{how}");
        assert_eq!(
            world_items(&wit, world),
            world_items(&source, app),
            "{how}: the component's imports and exports are the source world's"
        );
        let text = print(&wit, None);
        let reparsed = Wit::parse("component.wit", &text)
            .unwrap_or_else(|err| panic!("{how}: printed WIT does not parse: {err}\n{text}"));
        assert_eq!(reparsed.package_name(), wit.package_name(), "{how}");
    }
}

#[test]
fn a_component_of_functions_only_carries_them() {
    let source = demo();
    let cli = source.world(Some("cli")).unwrap();
    let wit = Wit::from_binary(&component(&source, cli), "cli.wasm").unwrap();
    let world = wit.world(None).unwrap();
    let (imports, exports) = world_items(&wit, world);
    assert!(imports.contains("test:demo/host@0.1.0"), "{imports:?}");
    assert_eq!(exports, BTreeSet::from(["run".into()]));
}

#[test]
fn an_encoded_wit_package_loads_as_a_package() {
    let source = demo();
    let bytes = wit_component::encode(&source.resolve, source.package, false).unwrap();
    let root = scratch("package");
    let path = write(&root, "demo.wasm", &bytes);
    for wit in [
        Wit::from_binary(&bytes, "demo.wasm").unwrap(),
        Wit::load(&path).unwrap(),
    ] {
        assert_eq!(wit.component_world, None);
        assert_eq!(wit.package_name(), "test:demo@0.1.0");
        assert_eq!(wit.world_names(), ["app", "cli"]);
        assert_eq!(print(&wit, None), print(&source, None));
    }
}

#[test]
fn a_core_module_is_not_a_component() {
    let source = demo();
    let app = source.world(Some("app")).unwrap();
    let empty = wasm_encoder::Module::new().finish();
    for (what, bytes) in [("empty", empty), ("dummy", dummy_module(&source, app))] {
        let err = Wit::from_binary(&bytes, "core.wasm").unwrap_err();
        assert!(
            matches!(&err, WitError::CoreModule { path } if path == Path::new("core.wasm")),
            "{what}: {err:?}"
        );
        assert!(err.to_string().contains("weft componentize"), "{err}");
    }
}

#[test]
fn a_core_module_file_is_not_a_component() {
    let root = scratch("core");
    let path = write(&root, "core.wasm", wasm_encoder::Module::new().finish());
    let err = Wit::load(&path).unwrap_err();
    assert!(matches!(err, WitError::CoreModule { .. }), "{err:?}");
}

/// What `Wit::from_binary` makes of `bytes`: the decoder's reason if it
/// rejects them, checking that it is a `Binary` error naming the file.
fn decode(bytes: &[u8]) -> Result<Wit, String> {
    let err = match Wit::from_binary(bytes, "broken.wasm") {
        Ok(wit) => return Ok(wit),
        Err(err) => err,
    };
    let rendered = err.to_string();
    match err {
        WitError::Binary { path, message } => {
            assert_eq!(path, Path::new("broken.wasm"));
            assert!(rendered.contains(&message), "{rendered}");
            Err(message)
        }
        other => panic!("expected a Binary error, got {other:?}"),
    }
}

fn binary_error(bytes: &[u8]) -> String {
    match decode(bytes) {
        Ok(wit) => panic!("decoded as package {}", wit.package_name()),
        Err(message) => message,
    }
}

#[test]
fn a_truncated_component_is_a_binary_error() {
    let source = demo();
    let bytes = component(&source, source.world(Some("app")).unwrap());
    let message = binary_error(&bytes[..bytes.len() - 1]);
    assert!(message.contains("unexpected end-of-file"), "{message}");
    // A cut inside a section fails cleanly, without panicking (a cut
    // between sections leaves a valid, smaller component).
    let mut rejected = 0;
    for len in (0..bytes.len()).step_by(7) {
        rejected += usize::from(decode(&bytes[..len]).is_err());
    }
    assert!(rejected > 0);
}

#[test]
fn garbage_after_a_component_header_is_a_binary_error() {
    // Section id `g`, then a size (`a`, 97) past the end of the input.
    let message = binary_error(b"\0asm\x0d\0\x01\0garbage");
    assert!(message.contains("unexpected end-of-file"), "{message}");
    assert!(message.contains("offset"), "{message}");
    // The header alone is an empty component: a world without items.
    let wit = decode(b"\0asm\x0d\0\x01\0").unwrap();
    let world = wit.world(None).unwrap();
    assert!(wit.resolve.worlds[world].imports.is_empty());
}

// Printing.

#[test]
fn printed_wit_round_trips() {
    let root = scratch("print");
    let source = demo();
    let app = source.world(Some("app")).unwrap();
    let decoded = Wit::from_binary(&component(&source, app), "app.wasm").unwrap();
    for wit in [
        demo(),
        Wit::load(write_package_with_deps(&root)).unwrap(),
        decoded,
    ] {
        let text = print(&wit, None);
        let reparsed = Wit::parse("printed.wit", &text)
            .unwrap_or_else(|err| panic!("printed WIT does not parse: {err}\n{text}"));
        assert_eq!(reparsed.package_name(), wit.package_name());
        assert_eq!(reparsed.world_names(), wit.world_names());
        assert_eq!(print(&reparsed, None), text);
    }
}

#[test]
fn printing_one_world_keeps_only_it() {
    let wit = demo();
    let cli = wit.world(Some("cli")).unwrap();
    let text = print(&wit, Some(cli));
    let reparsed = Wit::parse("cli.wit", &text).unwrap();
    assert_eq!(reparsed.world_names(), ["cli"]);
    // The interfaces stay, for the world (or others) to use.
    let interfaces: Vec<&String> = reparsed.resolve.packages[reparsed.package]
        .interfaces
        .keys()
        .collect();
    assert_eq!(interfaces, ["types", "host", "api"]);
    assert!(!text.contains("world app"), "{text}");
}
