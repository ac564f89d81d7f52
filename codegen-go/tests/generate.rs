//! What `generate` writes: the Go each WIT construct becomes (unit-level
//! checks on small worlds), and for real worlds (the wit-bindgen codegen
//! corpus of `../shared/testsuite`, the kitchen-sink and weft-basics
//! guests, the GraphQL example) modules that `gofmt -l` leaves alone and
//! `go vet` accepts against the runtime package (`codegen-go/host`; vet
//! type-checks its cgo code, which needs a C compiler and `weft.h`, not
//! the built library). The Go steps are skipped, saying so, when no Go
//! toolchain is installed.

use std::path::{Path, PathBuf};
use std::process::Command;

use weft_codegen_go::{generate, Error, Files, Opts};
use weft_wit::Wit;

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
}

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

fn has_go() -> bool {
    Command::new("go")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A fresh scratch directory.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("codegen-go-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// Runs a Go command in `dir` (offline, no toolchain download).
fn go(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new("go")
        .args(args)
        .current_dir(dir)
        .env("GOFLAGS", "-mod=mod")
        .env("GOPROXY", "off")
        .env("GOTOOLCHAIN", "local")
        .env("GOWORK", "off")
        .output()
        .expect("go runs")
}

/// `gofmt -l` on `dir` prints nothing.
fn assert_gofmt_clean(dir: &Path) {
    let out = Command::new("gofmt")
        .arg("-l")
        .arg(dir)
        .output()
        .expect("gofmt runs");
    assert!(
        out.status.success() && out.stdout.is_empty(),
        "gofmt -l {}:\n{}{}",
        dir.display(),
        text(&out.stdout),
        text(&out.stderr)
    );
}

/// `go vet ./...` in module `dir` succeeds.
fn assert_vet_clean(dir: &Path) {
    let out = go(dir, &["vet", "./..."]);
    assert!(
        out.status.success(),
        "go vet in {}:\n{}{}",
        dir.display(),
        text(&out.stdout),
        text(&out.stderr)
    );
}

/// The runtime package generated code imports (`codegen-go/host`).
fn runtime() -> PathBuf {
    repo("codegen-go/host")
}

/// A WIT source to bind: a file or package directory and its worlds.
struct Source {
    label: String,
    path: PathBuf,
}

/// Files of the corpus the bindings refuse, with the feature named.
const UNSUPPORTED: &[(&str, &str)] = &[
    ("async-resource-func.wit", "async functions"),
    ("async-trait-function.wit", "async functions"),
    ("error-context.wit", "`error-context`"),
    ("future-same-type-different-names.wit", "futures"),
    ("futures.wit", "futures"),
    ("import-export-future.wit", "futures"),
    ("import-export-stream.wit", "streams"),
    ("issue-1432.wit", "streams"),
    ("issue-1433.wit", "streams"),
    ("issue-1544.wit", "futures"),
    ("issue-1598.wit", "async functions"),
    ("map.wit", "maps"),
    ("named-fixed-length-list.wit", "fixed-length lists"),
    ("resources-with-futures.wit", "futures"),
    ("resources-with-streams.wit", "streams"),
    ("streams.wit", "streams"),
];

fn testsuite(sub: &str) -> PathBuf {
    let root = match std::env::var_os("WEFT_TESTSUITE") {
        Some(path) => PathBuf::from(path),
        None => repo("../shared/testsuite"),
    };
    let dir = root.join(sub);
    assert!(
        dir.is_dir(),
        "missing {} (set WEFT_TESTSUITE)",
        dir.display()
    );
    dir
}

/// Generates every world of `sources` as a package `dir/<stem>` of one
/// Go module at `dir` (each world's own go.mod left out, so that one
/// `go vet ./...` checks them all against the runtime package); gives
/// the package directories and how many worlds were refused.
fn generate_all(sources: &[Source], dir: &Path) -> (Vec<PathBuf>, usize) {
    std::fs::create_dir_all(dir).expect("module dir");
    std::fs::write(
        dir.join("go.mod"),
        format!(
            "module example.com/generated\n\ngo 1.22\n\nrequire weft.dev/go/weft v0.0.0\n\nreplace weft.dev/go/weft => {}\n",
            runtime().display()
        ),
    )
    .expect("go.mod");
    let mut modules = Vec::new();
    let mut refused = 0;
    for source in sources {
        let wit = Wit::load(&source.path).unwrap_or_else(|e| panic!("{}: {e}", source.label));
        for world_name in wit.world_names() {
            let world = wit.world(Some(&world_name)).expect("world");
            let stem: String = format!("{}-{world_name}", source.label)
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect();
            let opts = Opts {
                module: Some(format!("example.com/generated/{stem}")),
                wasm: None,
                runtime_path: Some(runtime()),
            };
            match generate(&wit.resolve, world, &opts) {
                Ok(files) => {
                    let out = dir.join(&stem);
                    for (path, contents) in files.iter().filter(|(p, _)| *p != "go.mod") {
                        let path = out.join(path);
                        std::fs::create_dir_all(path.parent().expect("parent")).expect("dir");
                        std::fs::write(path, contents).expect("written");
                    }
                    modules.push(out);
                }
                Err(e @ Error::Unsupported { .. }) => {
                    let known = UNSUPPORTED
                        .iter()
                        .find(|(f, _)| *f == source.label)
                        .unwrap_or_else(|| panic!("{} world {world_name}: {e}", source.label));
                    let msg = e.to_string();
                    assert!(
                        msg.contains(&format!("uses {}", known.1)),
                        "{}: {msg}",
                        source.label
                    );
                    refused += 1;
                }
                Err(e) => panic!("{} world {world_name}: {e}", source.label),
            }
        }
    }
    (modules, refused)
}

fn real_worlds() -> Vec<Source> {
    vec![
        Source {
            label: "kitchen-sink".into(),
            path: repo("guests/kitchen-sink/wit"),
        },
        Source {
            label: "graphql".into(),
            path: repo("examples/graphql/wit"),
        },
        Source {
            label: "weft-basics".into(),
            path: repo("guests/weft-basics/wit"),
        },
    ]
}

fn corpus() -> Vec<Source> {
    let corpus = testsuite("wit/wit-bindgen-codegen");
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .expect("corpus")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    entries
        .into_iter()
        .map(|entry| Source {
            label: entry.file_name().unwrap().to_string_lossy().into_owned(),
            path: if entry.is_dir() {
                entry.join("wit")
            } else {
                entry
            },
        })
        .collect()
}

/// Checks generated packages with Go's tools: `gofmt -l` prints nothing
/// and `go vet ./...` passes against the real runtime package.
fn check_with_go(name: &str, sources: &[Source]) {
    let dir = scratch(name);
    let (packages, _) = generate_all(sources, &dir);
    assert!(!packages.is_empty());
    if !has_go() {
        eprintln!("no Go toolchain: gofmt and go vet skipped");
        return;
    }
    assert_gofmt_clean(&dir);
    assert_vet_clean(&dir);
}

#[test]
fn real_worlds_pass_gofmt_and_vet() {
    check_with_go("real", &real_worlds());
}

#[test]
fn codegen_corpus_passes_gofmt_and_vet() {
    let sources = corpus();
    let dir = scratch("corpus-count");
    let (modules, refused) = generate_all(&sources, &dir);
    assert_eq!(refused, UNSUPPORTED.len(), "every refused file was seen");
    assert!(modules.len() > 60, "{} modules", modules.len());
    check_with_go("corpus", &sources);
}

#[test]
fn every_type_maps_to_its_go_type() {
    let files = gen("package t:types;
         interface all {
           /// A record.
           record r { /// Field a.
                      a: u8, b-c: string }
           variant v { none, some(string) }
           enum e { lo, hi }
           flags f { x, y }
           resource res { constructor(n: u32); get: func() -> u32; make: static func() -> res; }
           type alias = list<r>;
           scalars: func(a: bool, b: s8, c: u8, d: s16, e: u16, f: s32, g: u32, h: s64, i: u64,
                         j: f32, k: f64) -> u64;
           ch: func(l: char) -> char;
           compound: func(a: list<u8>, b: list<string>, c: tuple<u32, string>, d: tuple<u32>,
                          e: option<u32>, f: option<option<u32>>, g: result<u32, string>,
                          h: result, i: r, j: v, k: e, l: f, m: borrow<res>, n: alias)
                     -> option<res>;
           pair: func() -> tuple<u32, string>;
           fallible: func() -> result<u32, string>;
           unit-fallible: func() -> result<_, e>;
         }
         interface host { log: func(msg: string); now: func() -> result<u64>; }
         world w { import host; export all; import clock: func() -> u64; }");
    let all = file(&files, "all.go");
    assert_has(
        &all,
        &[
            "// Code generated by weft bindgen. DO NOT EDIT.\n\npackage w\n",
            "// R is the record `r`: a record.\ntype R struct {\n\t// A is the field `a`: field a.\n\tA uint8\n\t// BC is the field `b-c`.\n\tBC string\n}",
            "type V interface {\n\tisV()\n}",
            "type VNone struct{}\n\nfunc (VNone) isV() {}",
            "type VSome struct {\n\t// Value is the case's payload.\n\tValue string\n}",
            "type E uint8\n\nconst (\n\t// ELo is the case `lo`.\n\tELo E = iota\n\t// EHi is the case `hi`.\n\tEHi\n)",
            "func (v E) String() string {",
            "type F uint8\n\nconst (\n\t// FX is the flag `x`.\n\tFX F = 1 << iota",
            "func (v F) Has(f F) bool {",
            "type Res struct {\n\tw *W\n\tr *weft.Resource\n}",
            "func (v *Res) Close() error {",
            "type Alias = []R",
            "func (x *All) Scalars(a bool, b int8, c uint8, d int16, e uint16, f int32, g uint32, h int64, i uint64, j float32, k float64) (uint64, error) {",
            ".CallFlat(args[:], res[:])",
            "func (x *All) Compound(a []byte, b []string, c weft.Tuple2[uint32, string], d Tuple1[uint32], e weft.Option[uint32], f weft.Option[weft.Option[uint32]], g weft.Result[uint32, string], h weft.Result[weft.Unit, weft.Unit], i R, j V, k E, l F, m *Res, n Alias) (weft.Option[*Res], error) {",
            "func (x *All) Pair() (uint32, string, error) {",
            "func (x *All) Fallible() (uint32, error) {",
            "return 0, &weft.ResultError[string]{Value: v0.Err}",
            "func (x *All) UnitFallible() error {",
            "func (x *All) NewRes(n uint32) (*Res, error) {",
            "func (x *All) ResMake() (*Res, error) {",
            "func (v *Res) Get() (uint32, error) {",
            "func lowerR(lo *weft.Lower, v R, out []uint64) error {",
            "func storeV(lo *weft.Lower, v V, at uint32) error {",
            "func liftE(li *weft.Lift, in []uint64) E {",
            "func loadF(li *weft.Lift, at uint32) F {",
            "lo.PutBytes(",
            "fmt.Errorf(\"invalid char %U: not a Unicode scalar value\", l)",
            "\"w all.compound: parameter a: %w\"",
            "func (x *All) Ch(l rune) (rune, error) {",
        ],
    );
    let host = file(&files, "host.go");
    assert_has(
        &host,
        &[
            "type Host interface {",
            "\tLog(msg string) error",
            "\tNow() (uint64, error)",
            "func (w *W) defineHost(impl Host) error {",
            "w.linker.DefineFunc(\"t:types/host\", \"log\", func(h *weft.HostCall) error {",
            "var re *weft.ResultError[weft.Unit]",
        ],
    );
    let world = file(&files, "w.go");
    assert_has(
        &world,
        &[
            "type Imports struct {",
            "\tHost Host",
            "\tClock func() (uint64, error)",
            "func NewFromBytes(wasm []byte, imports Imports) (*W, error) {",
            "func NewFromArtifact(artifact []byte, imports Imports) (*W, error) {",
            "\tc, err := weft.DeserializeComponent(e, artifact)",
            "func (w *W) FromCache() bool {",
            "func (w *W) All() *All {",
            "func (w *W) Close() error {",
            "const _ = weft.APIVersion1",
            "type Tuple1[T0 any] struct {",
        ],
    );
    assert!(!world.contains("go:embed"), "no component, no embedding");
    assert!(
        !world.contains("func New(") && !world.contains("func Precompile("),
        "no component, nothing to make or precompile"
    );
    let go_mod = file(&files, "go.mod");
    assert_eq!(
        go_mod,
        "module w\n\ngo 1.22\n\nrequire weft.dev/go/weft v0.0.0\n"
    );
}

#[test]
fn names_clash_and_escape() {
    let files = gen("package t:names;
         interface a { record point { x: u32 } type %type = u32; f: func(%type: %type, call: u32, lo: u32, %func: point); }
         interface b { record point { y: u32 } g: func(p: point); }
         world %func { export a; export b; }");
    let a = file(&files, "a.go");
    assert_has(
        &a,
        &[
            "type Point struct",
            "type Type = uint32",
            "func (x *A) F(type_ Type, call_ uint32, lo_ uint32, func_ Point) error {",
        ],
    );
    let b = file(&files, "b.go");
    assert_has(
        &b,
        &["type BPoint struct", "func (x *B) G(p BPoint) error {"],
    );
    assert!(
        files.get("func_.go").is_some(),
        "{:?}",
        files.iter().map(|(p, _)| p).collect::<Vec<_>>()
    );
    // The world type's own methods and the package's own functions keep
    // their names; WIT items that would take them are renamed.
    let files = gen("package t:names;
         world w { record precompile { x: u32 } export from-cache: func() -> precompile; export close: func(); }");
    let world = file(&files, "w.go");
    assert_has(
        &world,
        &[
            "type Precompile_ struct",
            "func (w *W) FromCache_() (Precompile_, error) {",
            "func (w *W) Close_() error {",
            "func (w *W) FromCache() bool {",
            "func (w *W) Close() error {",
        ],
    );
}

#[test]
fn unsupported_and_invalid() {
    let err = gen_with(
        "package t:u; world w { export f: func(x: future<u8>); }",
        &Opts::default(),
    )
    .unwrap_err();
    assert!(
        matches!(&err, Error::Unsupported { item, feature } if item == "function `f`" && feature == "futures"),
        "{err}"
    );
    let err = gen_with(
        "package t:u; world w { export f: func(); }",
        &Opts {
            module: Some("bad path".into()),
            ..Opts::default()
        },
    )
    .unwrap_err();
    assert!(matches!(err, Error::InvalidModule { .. }), "{err}");
}
