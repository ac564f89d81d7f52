//! What the tests share: the component (built once per test process),
//! the corpus manifest, the component's functions called through
//! weft-runtime's dynamic API, and the native results as the values the
//! component must return.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Instant;

use graphql_kit as kit;
use serde::Deserialize;
use serde_json::Value as Json;
use weft_runtime::component::{Component, Instance, Linker, Resource, Val};
use weft_runtime::{Engine, Error, Store};

/// The exported interface.
pub const GRAPHQL: &str = "demo:graphql/graphql@0.1.0";

/// This example's directory (the workspace root).
pub fn example_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

// ---- the component -------------------------------------------------------

/// The core module, built for `wasm32-unknown-unknown` on first use.
///
/// The build runs cargo in this directory, so that `.cargo/config.toml`
/// applies (getrandom's backend), into `target/component`: its own
/// target directory, so the nested cargo never waits on the lock that
/// the outer `cargo test` holds.
pub fn module() -> &'static [u8] {
    static MODULE: OnceLock<Vec<u8>> = OnceLock::new();
    MODULE.get_or_init(|| build().unwrap_or_else(|message| panic!("{message}")))
}

fn build() -> Result<Vec<u8>, String> {
    let dir = example_dir();
    let target_dir = dir.join("target").join("component");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let started = Instant::now();
    let output = Command::new(&cargo)
        .current_dir(dir)
        .args([
            "build",
            "--release",
            "--locked",
            "--target",
            "wasm32-unknown-unknown",
            "-p",
            "graphql-component",
        ])
        .arg("--target-dir")
        .arg(&target_dir)
        // Settings meant for the outer build are not the component's.
        .env_remove("CARGO_BUILD_TARGET")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("WEFT_WIT")
        .env_remove("WEFT_WORLD")
        .output()
        .map_err(|e| format!("running `{}`: {e}", cargo.to_string_lossy()))?;
    if !output.status.success() {
        return Err(format!(
            "building the component failed with {}:\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let path = target_dir.join("wasm32-unknown-unknown/release/graphql.wasm");
    let bytes = std::fs::read(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    eprintln!(
        "built {} ({} bytes) in {:.1?}",
        path.display(),
        bytes.len(),
        started.elapsed()
    );
    Ok(bytes)
}

/// The core module as a component, made by `weft componentize`'s library
/// (weft-linker) from the `component-type` section that `weft::world!`
/// put in it.
pub fn component_bytes() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        let made = weft_linker::componentize("graphql.wasm", module())
            .unwrap_or_else(|e| panic!("componentizing: {e}"));
        assert_eq!(made.world, "demo:graphql/toolkit@0.1.0");
        assert!(made.warnings.is_empty(), "{:?}", made.warnings);
        made.component
    })
}

/// The component, compiled once.
pub fn component() -> &'static Component {
    static COMPONENT: OnceLock<Component> = OnceLock::new();
    COMPONENT.get_or_init(|| {
        let bytes = component_bytes();
        let started = Instant::now();
        let component = Component::new(&Engine::default(), bytes).expect("the component loads");
        eprintln!("compiled the component in {:.1?}", started.elapsed());
        component
    })
}

/// An instance of the component and its store.
pub struct Guest {
    pub store: Store<()>,
    pub instance: Instance,
}

impl Guest {
    /// A fresh instance of [`component`].
    pub fn new() -> Guest {
        Guest::of(component())
    }

    /// A fresh instance of `component` (it imports nothing).
    pub fn of(component: &Component) -> Guest {
        let mut store = Store::new(component.engine(), ());
        let instance = Linker::new(component.engine())
            .instantiate(&mut store, component)
            .expect("the component instantiates");
        Guest { store, instance }
    }

    /// Calls the interface's function `name`, which returns one value.
    pub fn try_call(&mut self, name: &str, args: &[Val]) -> Result<Val, Error> {
        let full = format!("{GRAPHQL}#{name}");
        let func = self
            .instance
            .get_func(&mut self.store, &full)
            .unwrap_or_else(|| panic!("no export `{full}`"));
        let mut results = func.call(&mut self.store, args)?;
        assert_eq!(results.len(), 1, "`{name}` returned {results:?}");
        Ok(results.remove(0))
    }

    /// Calls the interface's function `name`, which must not trap.
    pub fn call(&mut self, name: &str, args: &[Val]) -> Val {
        self.try_call(name, args)
            .unwrap_or_else(|e| panic!("`{name}` failed: {e}"))
    }

    /// `graphql.parse`.
    pub fn parse(&mut self, query: &str) -> Val {
        self.call("parse", &[string(query)])
    }

    /// `[static]schema.parse`: the result, and the schema if it parsed.
    pub fn parse_schema(&mut self, sdl: &str) -> (Val, Option<Resource>) {
        let result = self.call("[static]schema.parse", &[string(sdl)]);
        let schema = match &result {
            Val::Result(Ok(Some(value))) => match **value {
                Val::Own(resource) => Some(resource),
                ref other => panic!("not a schema: {other:?}"),
            },
            _ => None,
        };
        (result, schema)
    }

    /// Calls the method `name` of `schema`.
    pub fn method(&mut self, schema: Resource, name: &str, args: Vec<Val>) -> Val {
        let mut all = vec![Val::Borrow(schema)];
        all.extend(args);
        self.call(&format!("[method]schema.{name}"), &all)
    }
}

// ---- the corpus ----------------------------------------------------------

/// `corpus/cases.json`.
#[derive(Debug, Deserialize)]
pub struct Manifest {
    pub schemas: Vec<SchemaCase>,
    pub queries: Vec<QueryCase>,
}

/// A schema of the corpus.
#[derive(Debug, Deserialize)]
pub struct SchemaCase {
    pub name: String,
    /// The SDL file, relative to `corpus/`.
    pub sdl: String,
    /// The JSON data file, for valid schemas.
    pub data: Option<String>,
    pub expect: SchemaExpect,
}

/// What a schema is expected to do.
#[derive(Debug, Deserialize)]
pub struct SchemaExpect {
    pub valid: bool,
    pub error: Option<ErrorExpect>,
}

/// A query of the corpus, and how it is run.
#[derive(Debug, Deserialize)]
pub struct QueryCase {
    pub id: String,
    /// The schema's name.
    pub schema: String,
    /// The query file, relative to `corpus/`.
    pub query: String,
    pub operation: Option<String>,
    /// The variables, passed as this value's JSON text.
    pub variables: Option<Json>,
    /// The variables' text as given (for JSON that does not parse).
    pub variables_text: Option<String>,
    /// Data to run on instead of the schema's (for JSON that does not
    /// parse, or is not an object).
    pub data_text: Option<String>,
    pub expect: QueryExpect,
}

/// What is expected of a query, written by hand.
#[derive(Debug, Deserialize)]
pub struct QueryExpect {
    /// Whether `validate` accepts it.
    pub valid: bool,
    /// One of the errors of `validate`.
    pub error: Option<ErrorExpect>,
    /// How `execute` ends when it does not give a response:
    /// `request-error` or `json-error`.
    pub executes: Option<String>,
    /// How many field errors the response has.
    pub field_errors: Option<usize>,
    /// The response's data (`null` for data that is null).
    #[serde(default, deserialize_with = "present")]
    pub data: Option<Json>,
}

/// Part of an expected error: what is given must match.
#[derive(Debug, Deserialize)]
pub struct ErrorExpect {
    pub kind: String,
    pub line: Option<u32>,
    pub column: Option<u32>,
    /// A piece of the message.
    pub contains: Option<String>,
}

fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Json>, D::Error> {
    Json::deserialize(d).map(Some)
}

/// The corpus directory.
pub fn corpus_dir() -> PathBuf {
    example_dir().join("corpus")
}

/// The manifest, read once.
pub fn manifest() -> &'static Manifest {
    static MANIFEST: OnceLock<Manifest> = OnceLock::new();
    MANIFEST.get_or_init(|| {
        let text = read("cases.json");
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("corpus/cases.json: {e}"))
    })
}

/// A corpus file's text.
pub fn read(relative: &str) -> String {
    let path = corpus_dir().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

impl Manifest {
    /// The schema case `name`.
    pub fn schema(&self, name: &str) -> &SchemaCase {
        self.schemas
            .iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("no schema `{name}` in the manifest"))
    }
}

impl QueryCase {
    /// The request the case makes.
    pub fn request(&self) -> kit::Request {
        kit::Request {
            query: read(&self.query),
            operation_name: self.operation.clone(),
            variables: match (&self.variables_text, &self.variables) {
                (Some(text), _) => Some(text.clone()),
                (None, Some(value)) => Some(value.to_string()),
                (None, None) => None,
            },
        }
    }

    /// The data the case runs on.
    pub fn data(&self, manifest: &Manifest) -> String {
        match &self.data_text {
            Some(text) => text.clone(),
            None => {
                let schema = manifest.schema(&self.schema);
                read(schema.data.as_deref().expect("a valid schema has data"))
            }
        }
    }

    /// The `normalize` options of the case, in `style`.
    pub fn normalize_options(&self, style: kit::PrintStyle) -> kit::NormalizeOptions {
        kit::NormalizeOptions {
            style,
            operation_name: self.operation.clone(),
        }
    }
}

// ---- native results as the component's values ------------------------------

pub fn string(s: &str) -> Val {
    Val::String(s.to_string())
}

fn strings(items: &[String]) -> Val {
    Val::List(items.iter().map(|s| string(s)).collect())
}

fn option<T>(value: Option<T>, f: impl FnOnce(T) -> Val) -> Val {
    Val::Option(value.map(f).map(Box::new))
}

fn record(fields: Vec<(&str, Val)>) -> Val {
    Val::Record(
        fields
            .into_iter()
            .map(|(name, value)| (name.to_string(), value))
            .collect(),
    )
}

fn enumeration(case: &str) -> Val {
    Val::Enum(case.to_string())
}

/// A result whose `err` case is a list of errors.
pub fn result<T>(value: &Result<T, Vec<kit::GqlError>>, ok: impl FnOnce(&T) -> Option<Val>) -> Val {
    Val::Result(match value {
        Ok(v) => Ok(ok(v).map(Box::new)),
        Err(e) => Err(Some(Box::new(errors(e)))),
    })
}

pub fn errors(errors: &[kit::GqlError]) -> Val {
    Val::List(errors.iter().map(error).collect())
}

fn location(at: kit::Location) -> Val {
    record(vec![
        ("line", Val::U32(at.line)),
        ("column", Val::U32(at.column)),
    ])
}

fn error(e: &kit::GqlError) -> Val {
    let kind = match e.kind {
        kit::ErrorKind::Syntax => "syntax",
        kit::ErrorKind::Validation => "validation",
        kit::ErrorKind::Request => "request",
        kit::ErrorKind::Field => "field",
        kit::ErrorKind::Json => "json",
    };
    record(vec![
        ("kind", enumeration(kind)),
        ("message", string(&e.message)),
        (
            "locations",
            Val::List(e.locations.iter().copied().map(location).collect()),
        ),
        (
            "path",
            Val::List(
                e.path
                    .iter()
                    .map(|segment| match segment {
                        kit::PathSegment::Field(name) => {
                            Val::Variant("field".into(), Some(Box::new(string(name))))
                        }
                        kit::PathSegment::Index(i) => {
                            Val::Variant("index".into(), Some(Box::new(Val::U32(*i))))
                        }
                    })
                    .collect(),
            ),
        ),
    ])
}

fn input_value(value: &kit::InputValue) -> Val {
    record(vec![
        ("name", string(&value.name)),
        ("type-ref", string(&value.type_ref)),
        (
            "default-value",
            option(value.default_value.as_deref(), string),
        ),
        ("description", option(value.description.as_deref(), string)),
    ])
}

/// The value of `parse`'s `ok` case.
pub fn summary(summary: &kit::DocumentSummary) -> Val {
    record(vec![
        (
            "operations",
            Val::List(
                summary
                    .operations
                    .iter()
                    .map(|op| {
                        let kind = match op.kind {
                            kit::OperationKind::Query => "query",
                            kit::OperationKind::Mutation => "mutation",
                            kit::OperationKind::Subscription => "subscription",
                        };
                        record(vec![
                            ("name", option(op.name.as_deref(), string)),
                            ("kind", enumeration(kind)),
                            (
                                "variables",
                                Val::List(op.variables.iter().map(input_value).collect()),
                            ),
                            ("root-fields", strings(&op.root_fields)),
                            ("fragment-spreads", strings(&op.fragment_spreads)),
                            ("depth", Val::U32(op.depth)),
                            ("location", option(op.location, location)),
                        ])
                    })
                    .collect(),
            ),
        ),
        (
            "fragments",
            Val::List(
                summary
                    .fragments
                    .iter()
                    .map(|fragment| {
                        record(vec![
                            ("name", string(&fragment.name)),
                            ("type-condition", string(&fragment.type_condition)),
                            ("fragment-spreads", strings(&fragment.fragment_spreads)),
                            ("depth", Val::U32(fragment.depth)),
                            ("location", option(fragment.location, location)),
                        ])
                    })
                    .collect(),
            ),
        ),
    ])
}

/// A `type-info`.
pub fn type_info(info: &kit::TypeInfo) -> Val {
    let kind = match info.kind {
        kit::TypeKind::Scalar => "scalar",
        kit::TypeKind::Object => "object",
        kit::TypeKind::Interface => "interface",
        kit::TypeKind::Union => "union",
        kit::TypeKind::Enum => "enum",
        kit::TypeKind::InputObject => "input-object",
    };
    record(vec![
        ("name", string(&info.name)),
        ("kind", enumeration(kind)),
        ("description", option(info.description.as_deref(), string)),
        (
            "fields",
            Val::List(
                info.fields
                    .iter()
                    .map(|field| {
                        record(vec![
                            ("name", string(&field.name)),
                            ("type-ref", string(&field.type_ref)),
                            (
                                "arguments",
                                Val::List(field.arguments.iter().map(input_value).collect()),
                            ),
                            ("description", option(field.description.as_deref(), string)),
                            ("deprecation", option(field.deprecation.as_deref(), string)),
                        ])
                    })
                    .collect(),
            ),
        ),
        (
            "input-fields",
            Val::List(info.input_fields.iter().map(input_value).collect()),
        ),
        ("interfaces", strings(&info.interfaces)),
        ("members", strings(&info.members)),
        ("values", strings(&info.values)),
    ])
}

/// The value of `execute`'s `ok` case.
pub fn response(response: &kit::Response) -> Val {
    record(vec![
        ("data", option(response.data.as_deref(), string)),
        ("errors", errors(&response.errors)),
    ])
}

/// A `normalize-options`.
pub fn normalize_options(options: &kit::NormalizeOptions) -> Val {
    let style = match options.style {
        kit::PrintStyle::Pretty => "pretty",
        kit::PrintStyle::Compact => "compact",
    };
    record(vec![
        ("style", enumeration(style)),
        (
            "operation-name",
            option(options.operation_name.as_deref(), string),
        ),
    ])
}

/// A `request`.
pub fn request(request: &kit::Request) -> Val {
    record(vec![
        ("query", string(&request.query)),
        (
            "operation-name",
            option(request.operation_name.as_deref(), string),
        ),
        ("variables", option(request.variables.as_deref(), string)),
    ])
}
