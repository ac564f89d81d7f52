//! `weft-codegen-python`: a pip-installable Python package for a WIT world.
//!
//! [`generate`] turns a resolved world into [`Files`]: `pyproject.toml`,
//! the package (named after the world in snake_case) with `__init__.py`
//! holding the world's class, one module per interface holding its types,
//! `py.typed`, and the component itself as package data when one is given.
//!
//! The generated code converts nothing itself. It describes, once on
//! import, how each WIT type maps to Python (`weft.record(Point, ...)`),
//! takes one callable per function from the `weft` runtime module when an
//! instance is made, and forwards each call to it. The runtime API it is
//! written against is `runtime-api/weft.pyi` beside this crate, with its
//! rules in `RUNTIME_API.md`.
//!
//! Names follow PEP 8 through [`weft_wit::names::python`]; [`naming`]
//! keeps them apart within each Python scope.

mod module;
mod naming;
mod plan;
mod project;
mod source;
mod types;
mod world;

use weft_wit::wit_parser::{Resolve, WorldId};
use weft_wit::{Wit, WitError};

pub use world::RUNTIME_API_VERSION;

/// What to generate besides the world's bindings.
#[derive(Debug, Clone, Default)]
pub struct Opts {
    /// The import name of the package; the world's name in snake_case if
    /// `None`.
    pub name: Option<String>,
    /// The component (a `.wasm` file's bytes) to package as data; without
    /// one, users load it themselves (`World.from_file(path)`).
    pub wasm: Option<Vec<u8>>,
}

pub use weft_wit::bindgen::Files;

/// Why no bindings could be generated.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// `Opts::name` cannot name a Python package.
    #[error("`{name}` cannot name a Python package: {reason}")]
    InvalidName {
        /// The name given.
        name: String,
        /// Why not.
        reason: String,
    },
    /// The world uses something the Python bindings cannot express yet.
    #[error("{item} uses {feature}, which the Python bindings do not support yet")]
    Unsupported {
        /// The function or type, and where it is.
        item: String,
        /// What it uses.
        feature: String,
    },
    /// The component given is not a component.
    #[error("the component given with the bindings cannot be read: {0}")]
    Component(#[source] WitError),
    /// The component lacks exports of the world.
    #[error(
        "the component does not implement world `{world}`: it does not export {}",
        missing.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")
    )]
    ComponentMismatch {
        /// The world.
        world: String,
        /// The world's exports it lacks.
        missing: Vec<String>,
    },
}

/// The Python package for `world` of `resolve`.
pub fn generate(resolve: &Resolve, world: WorldId, opts: &Opts) -> Result<Files, Error> {
    let plan = plan::Plan::new(resolve, world, opts.name.as_deref())?;
    if let Some(wasm) = &opts.wasm {
        check_component(resolve, world, wasm)?;
    }
    let package = plan.package.clone();
    let wasm_file = opts.wasm.as_ref().map(|_| format!("{package}.wasm"));
    let mut files = Files::default();
    files.insert("pyproject.toml".into(), project::pyproject(&plan));
    files.insert(format!("{package}/py.typed"), "");
    files.insert(
        format!("{package}/_support.py"),
        format!("{}\n{}", module::HEADER, project::SUPPORT),
    );
    files.insert(
        format!("{package}/__init__.py"),
        world::write_root(&plan, wasm_file.as_deref()),
    );
    for m in 1..plan.modules.len() {
        let text = module::ModuleWriter::new(&plan, m).interface();
        files.insert(format!("{package}/{}.py", plan.modules[m].name), text);
    }
    if let (Some(file), Some(wasm)) = (wasm_file, &opts.wasm) {
        files.insert(format!("{package}/{file}"), wasm.clone());
    }
    Ok(files)
}

/// Checks that `wasm` is a component exporting everything `world`
/// exports (by name: interfaces by their full names, functions by
/// theirs).
pub fn check_component(resolve: &Resolve, world: WorldId, wasm: &[u8]) -> Result<(), Error> {
    let component = Wit::from_binary(wasm, "the component").map_err(Error::Component)?;
    let Some(component_world) = component.component_world else {
        return Err(Error::Component(WitError::Binary {
            path: "the component".into(),
            message: "it is an encoded WIT package, not a component".into(),
        }));
    };
    let cw = &component.resolve.worlds[component_world];
    let exported: Vec<String> = cw
        .exports
        .keys()
        .map(|k| component.resolve.name_world_key(k))
        .collect();
    let w = &resolve.worlds[world];
    let missing: Vec<String> = w
        .exports
        .keys()
        .map(|k| resolve.name_world_key(k))
        .filter(|name| !exported.contains(name))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(Error::ComponentMismatch {
            world: w.name.clone(),
            missing,
        })
    }
}
