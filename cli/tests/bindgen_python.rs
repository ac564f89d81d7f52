//! `weft bindgen --lang python`: the packages it writes for real WIT
//! (examples/text-kit, the kitchen-sink and weft-basics guests, the
//! wit-bindgen codegen corpus of `../shared/testsuite`) are checked with
//! Python's own tools: `mypy --strict` against the runtime API stub
//! (`codegen-python/runtime-api/weft.pyi`), `compileall`, and imports over
//! a fake `weft` module that records what the bindings register and call
//! (`codegen-python/tests/python/`); `pip install` of a package with its
//! component inside; and the command's errors.
//!
//! The Python tools come from a virtual environment made once under the
//! target directory (`python3 -m venv`, then mypy 2 from PyPI), or from
//! `$WEFT_PYTHON`, a Python with mypy installed.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use weft_wit::names::python::class_name;
use weft_wit::wit_parser::{TypeDefKind, WorldItem};
use weft_wit::Wit;

fn weft(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_weft"))
        .args(args)
        .output()
        .expect("weft runs")
}

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
}

/// The fixtures of the Python side: the fake `weft`, the check scripts.
fn fixtures() -> PathBuf {
    repo("codegen-python/tests/python")
}

/// The directory holding the runtime API stub, for `MYPYPATH`.
fn stub_dir() -> PathBuf {
    repo("codegen-python/runtime-api")
}

/// A fresh scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("bindgen-python-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs `command`, panicking with its output unless it succeeds.
fn run(command: &mut Command) -> Output {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"));
    if !output.status.success() {
        let mut shown = format!("{command:?}");
        if shown.len() > 400 {
            shown.truncate(400);
            shown.push_str("...");
        }
        panic!(
            "{shown} failed:\n{}\n{}",
            text(&output.stdout),
            text(&output.stderr)
        );
    }
    output
}

/// The Python interpreter with mypy installed.
fn python() -> &'static Path {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON.get_or_init(|| {
        if let Some(python) = std::env::var_os("WEFT_PYTHON") {
            return PathBuf::from(python);
        }
        let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join("py-venv");
        let python = venv.join("bin/python");
        if has_mypy(&python) {
            return python;
        }
        let _ = std::fs::remove_dir_all(&venv);
        // Made aside and renamed into place, so that a test process
        // stopped half way leaves nothing a later run would trust.
        let staging = venv.with_file_name(format!("py-venv.{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&staging);
        run(Command::new("python3").args(["-m", "venv"]).arg(&staging));
        run(Command::new(staging.join("bin/python")).args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "mypy>=2,<3",
            // Builds wheels without the `wheel` package.
            "setuptools>=70.1",
        ]));
        if std::fs::rename(&staging, &venv).is_err() {
            // Another process made it first.
            let _ = std::fs::remove_dir_all(&staging);
        }
        assert!(has_mypy(&python), "no mypy in {}", venv.display());
        python
    })
}

fn has_mypy(python: &Path) -> bool {
    Command::new(python)
        .args(["-c", "import mypy"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// `python` with the fake `weft` and `paths` on `sys.path`.
fn python_with(paths: &[&Path]) -> Command {
    let mut path = vec![fixtures().join("fake_weft")];
    path.extend(paths.iter().map(|p| p.to_path_buf()));
    let mut command = Command::new(python());
    command
        .env("PYTHONPATH", std::env::join_paths(path).expect("paths"))
        .env("PYTHONDONTWRITEBYTECODE", "1");
    command
}

/// `mypy --strict` over `paths` (package directories and user code), with
/// the runtime API stub as the `weft` module.
fn mypy(cache: &str, paths: &[&Path]) -> Output {
    let cache = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("mypy-cache-{cache}"));
    Command::new(python())
        .args(["-m", "mypy", "--strict", "--cache-dir"])
        .arg(cache)
        .args(paths)
        .env("MYPYPATH", stub_dir())
        .output()
        .expect("mypy runs")
}

fn assert_mypy_clean(cache: &str, paths: &[&Path]) {
    let output = mypy(cache, paths);
    assert!(
        output.status.success(),
        "mypy --strict found problems:\n{}{}",
        text(&output.stdout),
        text(&output.stderr)
    );
}

/// Generates the bindings of `wit` (and `--world`, if given) into `out`.
fn bindgen(wit: &Path, world: Option<&str>, extra: &[&str], out: &Path) {
    let mut args = vec!["bindgen", "--lang", "python"];
    let wit = wit.display().to_string();
    args.push(&wit);
    if let Some(world) = world {
        args.extend(["--world", world]);
    }
    args.extend(extra);
    let out_arg = out.display().to_string();
    args.extend(["-o", &out_arg]);
    let output = weft(&args);
    assert!(
        output.status.success(),
        "weft {args:?} failed: {}",
        text(&output.stderr)
    );
}

/// What `check_package.py` expects of the package for `world` of `wit`,
/// as JSON: the world class and every function imported and exported.
fn expected(wit: &Wit, world: &str) -> String {
    let resolve = &wit.resolve;
    let id = wit.world(Some(world)).expect("world");
    let w = &resolve.worlds[id];
    let functions = |items: &weft_wit::wit_parser::World, exports: bool| {
        let items = if exports {
            &items.exports
        } else {
            &items.imports
        };
        let mut out = Vec::new();
        let mut resources = false;
        for (key, item) in items {
            match item {
                WorldItem::Function(f) => out.push(format!("[null, {}]", json(&f.name))),
                WorldItem::Interface { id, .. } => {
                    let iface = &resolve.interfaces[*id];
                    let name = json(&resolve.name_world_key(key));
                    for f in iface.functions.values() {
                        out.push(format!("[{name}, {}]", json(&f.name)));
                    }
                    resources |= iface
                        .types
                        .values()
                        .any(|t| matches!(resolve.types[*t].kind, TypeDefKind::Resource));
                }
                WorldItem::Type { .. } => {}
            }
        }
        (out, resources)
    };
    let (exports, _) = functions(w, true);
    let (imports, host_resources) = functions(w, false);
    format!(
        "{{\"world_class\": {}, \"import_free\": {}, \"exports\": [{}], \"imports\": [{}]}}",
        json(&class_name(&w.name)),
        imports.is_empty() && !host_resources,
        exports.join(", "),
        imports.join(", ")
    )
}

fn json(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Runs `check_package.py` on packages (name, generated project directory,
/// expected JSON) in one Python process.
fn check_packages(dir: &Path, packages: &[(String, PathBuf, String)]) {
    let mut args = vec![fixtures().join("check_package.py")];
    for (i, (name, _, expected)) in packages.iter().enumerate() {
        let file = dir.join(format!("expected-{i}.json"));
        std::fs::write(&file, expected).expect("expected json");
        args.push(PathBuf::from(name));
        args.push(file);
    }
    let roots: Vec<&Path> = packages.iter().map(|(_, p, _)| p.as_path()).collect();
    let output = run(python_with(&roots).args(&args));
    let stdout = text(&output.stdout);
    assert_eq!(stdout.lines().count(), packages.len(), "{stdout}");
}

/// `python -m compileall` over a generated project: every file is valid
/// Python syntax.
fn compiles(project: &Path) {
    run(Command::new(python())
        .args(["-m", "compileall", "-q"])
        .arg(project));
}

/// Generates, type-checks and imports the bindings of one real WIT world.
fn check_world(name: &str, wit: &Path, world: &str, usage: Option<&str>) -> PathBuf {
    let dir = scratch(name);
    let out = dir.join("out");
    bindgen(wit, Some(world), &[], &out);
    let loaded = Wit::load(wit).expect("WIT loads");
    let package = weft_wit::names::python::module_name(world);
    let pkg_dir = out.join(&package);
    for file in [
        "pyproject.toml",
        &format!("{package}/__init__.py"),
        &format!("{package}/py.typed"),
    ] {
        assert!(out.join(file).is_file(), "{file} is written");
    }
    compiles(&out);
    let mut paths = vec![pkg_dir.clone()];
    if let Some(usage) = usage {
        paths.push(fixtures().join(usage));
    }
    let paths: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
    assert_mypy_clean(name, &paths);
    check_packages(&dir, &[(package, out.clone(), expected(&loaded, world))]);
    out
}

#[test]
fn text_kit_bindings() {
    let out = check_world(
        "text-kit",
        &repo("examples/text-kit/wit"),
        "text-kit",
        Some("usage_text_kit.py"),
    );
    let wasm = out.join("placeholder.wasm");
    std::fs::write(&wasm, b"\0asm\r\0\x01\0").unwrap();
    run(python_with(&[&out])
        .arg(fixtures().join("check_text_kit.py"))
        .arg(&wasm));
}

#[test]
fn text_kit_misuse_is_a_type_error() {
    let dir = scratch("misuse");
    let out = dir.join("out");
    bindgen(&repo("examples/text-kit/wit"), None, &[], &out);
    let bad = dir.join("bad.py");
    std::fs::write(
        &bad,
        "import text_kit\n\
         from text_kit import geometry, stats\n\
         \n\
         class Quiet:\n\
         \x20   def log(self, level: int, message: str) -> None: ...\n\
         \n\
         t = text_kit.TextKit(logger=Quiet())\n\
         n: int = t.upper('x')\n\
         p = geometry.Point(x='1', y=2.0)\n\
         t.stats.Tally(0, 'a').add(['w'], 3)\n\
         stats.Mode.TRIMM\n",
    )
    .unwrap();
    let output = mypy("misuse", &[&out.join("text_kit"), &bad]);
    let report = text(&output.stdout);
    assert!(!output.status.success(), "{report}");
    for (line, what) in [
        (7, "incompatible type \"Quiet\""),
        (8, "Incompatible types in assignment"),
        (9, "incompatible type \"str\""),
        (10, "incompatible type \"int\""),
        (11, "has no attribute \"TRIMM\""),
    ] {
        assert!(
            report.contains(&format!("bad.py:{line}: error:")) && report.contains(what),
            "line {line} ({what}) not reported:\n{report}"
        );
    }
}

#[test]
fn kitchen_sink_bindings() {
    check_world(
        "kitchen-sink",
        &repo("guests/kitchen-sink/wit"),
        "kitchen-sink",
        Some("usage_kitchen_sink.py"),
    );
}

#[test]
fn weft_basics_bindings() {
    check_world(
        "weft-basics",
        &repo("guests/weft-basics/wit"),
        "basics",
        None,
    );
}

/// Files of the corpus the bindings refuse, each with the feature named in
/// the error.
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

/// Every world of every file and package directory of the wit-bindgen
/// codegen corpus: bindings that pass `mypy --strict` together and import
/// with the shape their WIT gives, or, for the async features (futures,
/// streams, async functions, `error-context`) and maps and fixed-length
/// lists, a clear refusal naming the function and the feature.
#[test]
fn codegen_corpus() {
    let corpus = common::testsuite("wit/wit-bindgen-codegen");
    let dir = scratch("corpus");
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .expect("corpus")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    let mut packages = Vec::new();
    let mut refused = 0;
    for entry in entries {
        let file = entry.file_name().unwrap().to_string_lossy().into_owned();
        // A package directory keeps its WIT in `wit/`.
        let wit_path = if entry.is_dir() {
            entry.join("wit")
        } else {
            entry.clone()
        };
        let wit = Wit::load(&wit_path).unwrap_or_else(|e| panic!("{file}: {e}"));
        for world in wit.world_names() {
            let stem: String = format!("{file}-{world}")
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect();
            let name = format!("p_{stem}");
            let out = dir.join(&stem);
            let out_arg = out.display().to_string();
            let wit_arg = wit_path.display().to_string();
            let output = weft(&[
                "bindgen", "--lang", "python", &wit_arg, "--world", &world, "--name", &name, "-o",
                &out_arg,
            ]);
            if let Some((_, feature)) = UNSUPPORTED.iter().find(|(f, _)| *f == file) {
                let stderr = text(&output.stderr);
                assert_eq!(output.status.code(), Some(1), "{file}: {stderr}");
                assert!(
                    stderr.contains(&format!(
                        "uses {feature}, which the Python bindings do not support yet"
                    )) && stderr.contains("function `"),
                    "{file}: {stderr}"
                );
                refused += 1;
                continue;
            }
            assert!(
                output.status.success(),
                "{file} world {world}: {}",
                text(&output.stderr)
            );
            compiles(&out);
            packages.push((name, out, expected(&wit, &world)));
        }
    }
    assert_eq!(refused, UNSUPPORTED.len(), "every refused file was seen");
    assert!(packages.len() > 60, "{} packages", packages.len());
    let dirs: Vec<PathBuf> = packages.iter().map(|(n, out, _)| out.join(n)).collect();
    let dirs: Vec<&Path> = dirs.iter().map(PathBuf::as_path).collect();
    assert_mypy_clean("corpus", &dirs);
    check_packages(&dir, &packages);
}

/// A world without imports, bound with `--name` and `--wasm`: the package
/// holds the component as data, `pip install` installs it, and the
/// module-level functions run it through a default instance.
#[test]
fn name_and_packaged_component() {
    let dir = scratch("packaged");
    let wit = dir.join("answers.wit");
    std::fs::write(
        &wit,
        "package demo:answers@1.2.3;\n\
         /// Answers to questions.\n\
         world answers {\n\
         \x20 /// The answer.\n\
         \x20 export answer: func() -> u32;\n\
         }\n",
    )
    .unwrap();
    let component = wat::parse_str(
        r#"(component
            (core module $m (func (export "answer") (result i32) i32.const 42))
            (core instance $i (instantiate $m))
            (func (export "answer") (result u32) (canon lift (core func $i "answer"))))"#,
    )
    .expect("component");
    let wasm = dir.join("answers.wasm");
    std::fs::write(&wasm, &component).unwrap();
    let out = dir.join("out");
    let wasm_arg = wasm.display().to_string();
    bindgen(
        &wit,
        None,
        &["--name", "answers_lib", "--wasm", &wasm_arg],
        &out,
    );
    let packaged = out.join("answers_lib/answers_lib.wasm");
    assert_eq!(std::fs::read(&packaged).unwrap(), component);
    let pyproject = std::fs::read_to_string(out.join("pyproject.toml")).unwrap();
    for line in [
        "name = \"answers-lib\"",
        "version = \"1.2.3\"",
        "description = \"Answers to questions.\"",
        "dependencies = [\"weft\"]",
        "answers_lib = [\"py.typed\", \"*.wasm\"]",
    ] {
        assert!(pyproject.contains(line), "{line} in:\n{pyproject}");
    }
    assert_mypy_clean("packaged", &[&out.join("answers_lib")]);

    // Built into a wheel (setuptools, offline), and installed into a
    // virtual environment of its own, away from `out`.
    let wheels = dir.join("wheels");
    run(Command::new(python())
        .args([
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--disable-pip-version-check",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-w",
        ])
        .arg(&wheels)
        .arg(&out));
    let wheel = std::fs::read_dir(&wheels)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "whl"))
        .expect("a wheel");
    let venv = dir.join("venv");
    run(Command::new(python()).args(["-m", "venv"]).arg(&venv));
    let venv_python = venv.join("bin/python");
    run(Command::new(&venv_python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-deps",
            "--no-index",
        ])
        .arg(&wheel));
    let script = format!(
        "import importlib.resources, sys, weft\n\
         import answers_lib\n\
         assert answers_lib.__file__.startswith({venv:?}), answers_lib.__file__\n\
         data = importlib.resources.files('answers_lib').joinpath('answers_lib.wasm').read_bytes()\n\
         assert data == open({wasm:?}, 'rb').read()\n\
         assert importlib.resources.files('answers_lib').joinpath('py.typed').is_file()\n\
         weft._recorded.result = 42\n\
         assert answers_lib.answer() == 42\n\
         assert answers_lib.answer() == 42\n\
         assert len(weft._recorded.instances) == 1, 'one default instance'\n\
         assert weft._recorded.components[0].wasm == data\n\
         assert weft._recorded.calls == [(None, 'answer', ())] * 2\n\
         assert answers_lib.answer.__doc__.startswith('The answer.')\n\
         own = answers_lib.Answers()\n\
         assert own.answer() == 42 and len(weft._recorded.instances) == 2\n\
         print('ok')\n",
        venv = venv.display().to_string(),
        wasm = wasm.display().to_string(),
    );
    let output = run(Command::new(&venv_python)
        .args(["-c", &script])
        .current_dir(&dir)
        .env("PYTHONPATH", fixtures().join("fake_weft"))
        .env("PYTHONDONTWRITEBYTECODE", "1"));
    assert_eq!(text(&output.stdout).trim(), "ok");

    // A component that does not implement the world is refused.
    let other = dir.join("other.wasm");
    std::fs::write(
        &other,
        wat::parse_str(
            r#"(component
                (core module $m (func (export "f") (result i32) i32.const 1))
                (core instance $i (instantiate $m))
                (func (export "question") (result u32) (canon lift (core func $i "f"))))"#,
        )
        .unwrap(),
    )
    .unwrap();
    let output = weft(&[
        "bindgen",
        "--lang",
        "python",
        &wit.display().to_string(),
        "--wasm",
        &other.display().to_string(),
        "-o",
        &dir.join("x").display().to_string(),
    ]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("does not implement world `answers`: it does not export `answer`"),
        "{stderr}"
    );
    // And so is a core module.
    let core = dir.join("core.wasm");
    std::fs::write(&core, wat::parse_str("(module)").unwrap()).unwrap();
    let output = weft(&[
        "bindgen",
        "--lang",
        "python",
        &wit.display().to_string(),
        "--wasm",
        &core.display().to_string(),
        "-o",
        &dir.join("x").display().to_string(),
    ]);
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("is a core WebAssembly module, not a component"),
        "{stderr}"
    );
}

#[test]
fn errors_are_clear() {
    let dir = scratch("errors");
    let out = dir.join("out").display().to_string();
    let text_kit = repo("examples/text-kit/wit").display().to_string();

    let output = weft(&[
        "bindgen", "--lang", "python", &text_kit, "--world", "nope", "-o", &out,
    ]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("no world named `nope`") && stderr.contains("text-kit"),
        "{stderr}"
    );

    let output = weft(&["bindgen", "--lang", "cobol", &text_kit, "-o", &out]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("invalid value 'cobol'") && stderr.contains("python"),
        "{stderr}"
    );

    let bad = dir.join("bad.wit");
    std::fs::write(
        &bad,
        "package a:b;\n\nworld w {\n  export f: func() -> strin;\n}\n",
    )
    .unwrap();
    let output = weft(&[
        "bindgen",
        "--lang",
        "python",
        &bad.display().to_string(),
        "-o",
        &out,
    ]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("bad.wit:4:"), "file:line in {stderr}");

    let output = weft(&[
        "bindgen", "--lang", "python", &text_kit, "--name", "1kit", "-o", &out,
    ]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("`1kit` cannot name a Python package"),
        "{stderr}"
    );

    let output = weft(&[
        "bindgen", "--lang", "python", &text_kit, "--name", "class", "-o", &out,
    ]);
    assert!(text(&output.stderr).contains("it is a Python keyword"));

    let asynchronous = dir.join("async.wit");
    std::fs::write(
        &asynchronous,
        "package a:b;\n\nworld w {\n  export f: async func();\n}\n",
    )
    .unwrap();
    let output = weft(&[
        "bindgen",
        "--lang",
        "python",
        &asynchronous.display().to_string(),
        "-o",
        &out,
    ]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "function `f` uses async functions, which the Python bindings do not support yet"
        ),
        "{stderr}"
    );
    assert!(!Path::new(&out).exists(), "nothing written on error");
}

/// The fake `weft` the tests import implements exactly the runtime API
/// stub (mypy's stubtest), so what passes against one passes against the
/// other.
#[test]
fn fake_runtime_matches_the_stub() {
    run(python_with(&[])
        .args(["-m", "mypy.stubtest", "weft", "--allowlist"])
        .arg(fixtures().join("stubtest-allowlist.txt"))
        .env("MYPYPATH", stub_dir())
        .current_dir(scratch("stubtest")));
}
