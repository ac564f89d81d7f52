//! The GraphQL toolkit natively and as a component, over the corpus.
//!
//! The component is built for `wasm32-unknown-unknown` (once per test
//! process), componentized by weft-linker (`weft componentize`) and run on weft-runtime
//! through the dynamic API. For every schema and every query of
//! `corpus/cases.json`, each function of the WIT is called in the
//! component and natively (`graphql-kit`'s Rust API), and the answers
//! must be equal: same verdicts, same error messages and positions,
//! same normalised text, same execution JSON.
//!
//! The native answers are also kept in `corpus/expected/` (the Python
//! and Go tests compare with those): they must be current
//! (`GRAPHQL_KIT_BLESS=1` rewrites them), and must meet the expectations
//! written by hand in the manifest.

mod common;

use common::{manifest, Guest, QueryCase};
use graphql_kit as kit;
use serde_json::{json, Value as Json};
use weft_runtime::component::{Component, Val};
use weft_runtime::{Config, Engine};

/// The names `lookup` is asked for on every valid schema: a type of the
/// schema, a built-in one, and one that is not there.
const LOOKUPS: [&str; 3] = ["Query", "String", "Missing"];

/// Every answer of the native library for one query case.
struct Native {
    parse: Result<kit::DocumentSummary, Vec<kit::GqlError>>,
    validate: Result<(), Vec<kit::GqlError>>,
    pretty: Result<String, Vec<kit::GqlError>>,
    compact: Result<String, Vec<kit::GqlError>>,
    execute: Result<kit::Response, Vec<kit::GqlError>>,
}

impl Native {
    fn run(schema: &kit::Schema, case: &QueryCase) -> Native {
        let request = case.request();
        let query = &request.query;
        Native {
            parse: kit::parse(query),
            validate: schema.validate(query),
            pretty: schema.normalize(query, &case.normalize_options(kit::PrintStyle::Pretty)),
            compact: schema.normalize(query, &case.normalize_options(kit::PrintStyle::Compact)),
            execute: schema.execute(&request, &case.data(manifest())),
        }
    }

    /// The golden file's content.
    fn golden(&self) -> Json {
        json!({
            "parse": outcome(&self.parse),
            "validate": outcome(&self.validate),
            "normalize": {
                "pretty": outcome(&self.pretty),
                "compact": outcome(&self.compact),
            },
            "execute": outcome(&self.execute),
        })
    }
}

/// `{"ok": value}` or `{"err": [errors]}`.
fn outcome<T: serde::Serialize>(result: &Result<T, Vec<kit::GqlError>>) -> Json {
    match result {
        Ok(value) => json!({ "ok": value }),
        Err(errors) => json!({ "err": errors }),
    }
}

/// The valid schemas of the corpus, parsed natively.
fn native_schemas() -> Vec<(String, kit::Schema)> {
    manifest()
        .schemas
        .iter()
        .filter(|s| s.expect.valid)
        .map(|s| {
            let schema = kit::Schema::parse(&common::read(&s.sdl))
                .unwrap_or_else(|e| panic!("schema `{}`: {e:?}", s.name));
            (s.name.clone(), schema)
        })
        .collect()
}

fn native_schema<'a>(schemas: &'a [(String, kit::Schema)], name: &str) -> &'a kit::Schema {
    &schemas
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no valid schema `{name}`"))
        .1
}

/// Collects differences, and fails with all of them at the end.
#[derive(Default)]
struct Mismatches(Vec<String>);

impl Mismatches {
    fn check(&mut self, what: String, expected: &Val, actual: &Val) {
        if expected != actual {
            self.0.push(format!(
                "{what}:\n  native:    {expected:?}\n  component: {actual:?}"
            ));
        }
    }

    fn fail(&mut self, what: String) {
        self.0.push(what);
    }

    fn finish(self, checked: usize) {
        assert!(
            self.0.is_empty(),
            "{} of {checked} checks failed:\n{}",
            self.0.len(),
            self.0.join("\n")
        );
    }
}

#[test]
fn corpus_has_three_schemas_and_fifty_queries_valid_and_invalid() {
    let manifest = manifest();
    let valid_schemas = manifest.schemas.iter().filter(|s| s.expect.valid).count();
    assert!(valid_schemas >= 3, "{valid_schemas} valid schemas");
    assert!(manifest.schemas.len() > valid_schemas, "no invalid schema");
    let queries = manifest.queries.len();
    let valid = manifest.queries.iter().filter(|q| q.expect.valid).count();
    assert!(queries >= 50, "{queries} queries");
    assert!(
        valid >= 20 && queries - valid >= 20,
        "{valid} of {queries} valid"
    );
    for schema in manifest.schemas.iter().filter(|s| s.expect.valid) {
        let count = manifest
            .queries
            .iter()
            .filter(|q| q.schema == schema.name)
            .count();
        assert!(count >= 15, "only {count} queries for `{}`", schema.name);
    }
    eprintln!(
        "corpus: {} schemas ({valid_schemas} valid), {queries} queries ({valid} valid, {} invalid)",
        manifest.schemas.len(),
        queries - valid
    );
}

#[test]
fn component_exports_the_interface_and_imports_nothing() {
    let component = common::component();
    let exports: Vec<&str> = component.exports().collect();
    assert_eq!(exports, [common::GRAPHQL]);
    let imports: Vec<&str> = component.imports().collect();
    assert!(imports.is_empty(), "imports: {imports:?}");
    wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all())
        .validate_all(common::component_bytes())
        .expect("the component validates");
    eprintln!(
        "core module {} bytes, component {} bytes",
        common::module().len(),
        common::component_bytes().len()
    );
}

#[test]
fn schemas_agree_with_native() {
    let mut guest = Guest::new();
    let mut mismatches = Mismatches::default();
    let mut checked = 0;
    for case in &manifest().schemas {
        let sdl = common::read(&case.sdl);
        let native = kit::Schema::parse(&sdl);
        let (result, resource) = guest.parse_schema(&sdl);
        checked += 1;
        match (&native, resource) {
            (Ok(schema), Some(resource)) => {
                let mut check = |what: &str, expected: Val, args: Vec<Val>| {
                    let actual = guest.method(resource, what, args);
                    mismatches.check(format!("schema {}: {what}", case.name), &expected, &actual);
                    checked += 1;
                };
                check("sdl", common::string(&schema.sdl()), vec![]);
                check(
                    "types",
                    Val::List(schema.types().iter().map(common::type_info).collect()),
                    vec![],
                );
                for name in LOOKUPS {
                    let expected = Val::Option(
                        schema
                            .lookup(name)
                            .map(|info| Box::new(common::type_info(&info))),
                    );
                    check("lookup", expected, vec![common::string(name)]);
                }
                resource.drop(&mut guest.store).expect("the schema drops");
            }
            (Err(errors), None) => {
                let expected = common::result(&Err::<(), _>(errors.clone()), |_| None);
                mismatches.check(format!("schema {}: parse", case.name), &expected, &result);
            }
            _ => mismatches.fail(format!(
                "schema {}: native parse gave {native:?}, the component {result:?}",
                case.name
            )),
        }
    }
    mismatches.finish(checked);
}

#[test]
fn queries_agree_with_native() {
    let natives = native_schemas();
    let mut guest = Guest::new();
    let mut resources = Vec::new();
    for (name, _) in &natives {
        let sdl = common::read(&manifest().schema(name).sdl);
        let (_, resource) = guest.parse_schema(&sdl);
        resources.push((name.clone(), resource.expect("a valid schema parses")));
    }
    let mut mismatches = Mismatches::default();
    let mut checked = 0;
    for case in &manifest().queries {
        let schema = native_schema(&natives, &case.schema);
        let resource = resources
            .iter()
            .find(|(n, _)| *n == case.schema)
            .expect("schema parsed")
            .1;
        let native = Native::run(schema, case);
        let request = case.request();
        let query = common::string(&request.query);
        let id = &case.id;

        let actual = guest.parse(&request.query);
        mismatches.check(
            format!("{id}: parse"),
            &common::result(&native.parse, |s| Some(common::summary(s))),
            &actual,
        );
        let actual = guest.method(resource, "validate", vec![query.clone()]);
        mismatches.check(
            format!("{id}: validate"),
            &common::result(&native.validate, |_| None),
            &actual,
        );
        for (style, expected) in [
            (kit::PrintStyle::Pretty, &native.pretty),
            (kit::PrintStyle::Compact, &native.compact),
        ] {
            let options = common::normalize_options(&case.normalize_options(style));
            let actual = guest.method(resource, "normalize", vec![query.clone(), options]);
            mismatches.check(
                format!("{id}: normalize {style:?}"),
                &common::result(expected, |text| Some(common::string(text))),
                &actual,
            );
        }
        let data = common::string(&case.data(manifest()));
        let actual = guest.method(resource, "execute", vec![common::request(&request), data]);
        mismatches.check(
            format!("{id}: execute"),
            &common::result(&native.execute, |r| Some(common::response(r))),
            &actual,
        );
        checked += 5;
    }
    for (_, resource) in resources {
        resource.drop(&mut guest.store).expect("the schema drops");
    }
    eprintln!("{checked} calls agree");
    mismatches.finish(checked);
}

/// Compares `golden` with the file at `relative` in `corpus/expected`,
/// or writes it there under `GRAPHQL_KIT_BLESS=1`.
fn compare_golden(relative: &str, golden: &Json, stale: &mut Vec<String>) {
    let path = common::corpus_dir().join("expected").join(relative);
    let text = serde_json::to_string_pretty(golden).expect("serialises") + "\n";
    if std::env::var_os("GRAPHQL_KIT_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(&path, text).expect("writes the golden file");
        return;
    }
    match std::fs::read_to_string(&path) {
        Ok(old) if old == text => {}
        Ok(_) => stale.push(format!("{} differs", path.display())),
        Err(e) => stale.push(format!("{}: {e}", path.display())),
    }
}

#[test]
fn expected_files_are_current() {
    let natives = native_schemas();
    let mut stale = Vec::new();
    for case in &manifest().schemas {
        let golden = match kit::Schema::parse(&common::read(&case.sdl)) {
            Ok(schema) => {
                let lookups: serde_json::Map<String, Json> = LOOKUPS
                    .iter()
                    .map(|name| (name.to_string(), json!(schema.lookup(name))))
                    .collect();
                json!({
                    "parse": { "ok": { "sdl": schema.sdl(), "types": schema.types() } },
                    "lookup": lookups,
                })
            }
            Err(errors) => json!({ "parse": { "err": errors } }),
        };
        compare_golden(&format!("schemas/{}.json", case.name), &golden, &mut stale);
    }
    for case in &manifest().queries {
        let native = Native::run(native_schema(&natives, &case.schema), case);
        compare_golden(&format!("{}.json", case.id), &native.golden(), &mut stale);
    }
    assert!(
        stale.is_empty(),
        "stale files in corpus/expected (rerun with GRAPHQL_KIT_BLESS=1 after checking the \
         change):\n{}",
        stale.join("\n")
    );
}

/// Whether `error` fits what the manifest says of it.
fn error_fits(error: &kit::GqlError, expect: &common::ErrorExpect) -> Result<(), String> {
    let kind = serde_json::to_value(error.kind).expect("serialises");
    if kind != expect.kind.as_str() {
        return Err(format!("kind {kind}, expected {}", expect.kind));
    }
    // The manifest names one place the error concerns (an error may
    // concern several: a name defined twice, both definitions).
    let fits = |at: &kit::Location| {
        expect.line.is_none_or(|line| at.line == line)
            && expect.column.is_none_or(|column| at.column == column)
    };
    let placed = expect.line.is_none() && expect.column.is_none();
    if !placed && !error.locations.iter().any(fits) {
        return Err(format!(
            "at {:?}, expected line {:?}, column {:?}",
            error.locations, expect.line, expect.column
        ));
    }
    if let Some(piece) = &expect.contains {
        if !error.message.contains(piece.as_str()) {
            return Err(format!("message {:?} lacks {piece:?}", error.message));
        }
    }
    Ok(())
}

/// Whether one of `errors` fits; else why the first does not.
fn some_error_fits(errors: &[kit::GqlError], expect: &common::ErrorExpect) -> Result<(), String> {
    match errors
        .iter()
        .map(|e| error_fits(e, expect))
        .find(Result::is_ok)
    {
        Some(_) => Ok(()),
        None => Err(format!(
            "no error fits ({}): {errors:?}",
            errors
                .first()
                .map_or(Ok(()), |e| error_fits(e, expect))
                .err()
                .unwrap_or_default()
        )),
    }
}

#[test]
fn manifest_expectations_hold() {
    let natives = native_schemas();
    let mut failures = Vec::new();
    for case in &manifest().schemas {
        let result = kit::Schema::parse(&common::read(&case.sdl));
        match (&result, &case.expect.error) {
            (Ok(_), _) if case.expect.valid => {}
            (Err(errors), Some(expect)) if !case.expect.valid => {
                if let Err(why) = some_error_fits(errors, expect) {
                    failures.push(format!("schema {}: {why}", case.name));
                }
            }
            _ => failures.push(format!("schema {}: {result:?}", case.name)),
        }
    }
    for case in &manifest().queries {
        let native = Native::run(native_schema(&natives, &case.schema), case);
        let id = &case.id;
        let expect = &case.expect;
        match (&native.validate, expect.valid) {
            (Ok(()), true) => {}
            (Err(errors), false) => {
                if errors.iter().any(|e| e.locations.is_empty()) {
                    failures.push(format!("{id}: an error without a location: {errors:?}"));
                }
                match &expect.error {
                    Some(want) => {
                        if let Err(why) = some_error_fits(errors, want) {
                            failures.push(format!("{id}: {why}"));
                        }
                    }
                    None => failures.push(format!("{id}: say which error is expected")),
                }
                if native.pretty.as_ref().err() != Some(errors) {
                    failures.push(format!("{id}: normalize reports other errors"));
                }
            }
            (verdict, _) => failures.push(format!("{id}: validate gave {verdict:?}")),
        }
        // Errors in parse are syntax errors, exactly those of validate.
        if let Err(errors) = &native.parse {
            if native.validate.as_ref().err() != Some(errors)
                || errors.iter().any(|e| e.kind != kit::ErrorKind::Syntax)
            {
                failures.push(format!("{id}: parse errors {errors:?}"));
            }
        }
        let executes = match &native.execute {
            Ok(_) => "ok".to_string(),
            Err(errors) => {
                let kind = serde_json::to_value(errors[0].kind).expect("serialises");
                format!("{}-error", kind.as_str().unwrap_or_default())
            }
        };
        let expected = match (&expect.executes, expect.valid) {
            (Some(e), _) => e.clone(),
            (None, true) => "ok".into(),
            (None, false) => "validation-error".into(),
        };
        if executes != expected && !(expected == "validation-error" && executes == "syntax-error") {
            failures.push(format!(
                "{id}: execute ended {executes}, expected {expected}"
            ));
        }
        if let Ok(response) = &native.execute {
            let field_errors = response.errors.len();
            if field_errors != expect.field_errors.unwrap_or(0) {
                failures.push(format!(
                    "{id}: {field_errors} field errors {:?}",
                    response.errors
                ));
            }
            if let Some(want) = &expect.data {
                let got: Json = match &response.data {
                    Some(text) => serde_json::from_str(text).expect("data is JSON"),
                    None => Json::Null,
                };
                if &got != want {
                    failures.push(format!("{id}: data {got}, expected {want}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Schemas made and dropped, documents parsed and executed many times,
/// within a memory limit of 32 MiB: the guest frees what calls allocate,
/// and a dropped schema's destructor runs.
#[test]
fn repeated_calls_free_their_memory() {
    let config = Config {
        memory_limit: Some(32 << 20),
        ..Config::default()
    };
    let engine = Engine::new(&config).expect("an engine");
    let component = Component::new(&engine, common::component_bytes()).expect("loads");
    let mut guest = Guest::of(&component);
    let library = manifest().schema("library");
    let sdl = common::read(&library.sdl);
    let data = common::string(&common::read(library.data.as_deref().expect("data")));
    let query = manifest()
        .queries
        .iter()
        .find(|q| q.id == "library/nested-authors-reviews")
        .expect("the case exists")
        .request();
    for _ in 0..60 {
        let (_, schema) = guest.parse_schema(&sdl);
        let schema = schema.expect("parses");
        for _ in 0..5 {
            match guest.method(
                schema,
                "execute",
                vec![common::request(&query), data.clone()],
            ) {
                Val::Result(Ok(Some(_))) => {}
                other => panic!("{other:?}"),
            }
        }
        schema.drop(&mut guest.store).expect("drops");
        // A dropped schema is gone.
        assert!(guest
            .try_call("[method]schema.sdl", &[Val::Borrow(schema)])
            .is_err());
    }
}
