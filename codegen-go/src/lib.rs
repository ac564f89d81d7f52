//! `weft-codegen-go`: a Go module for a WIT world.
//!
//! [`generate`] turns a resolved world into [`Files`]: `go.mod`, the
//! component as `<package>.wasm` (embedded with `//go:embed`) when one is
//! given, one `.go` file for the world and one per interface, all in one
//! Go package named after the last element of the module path.
//!
//! Unlike the Python bindings, the generated Go code converts every value
//! itself, by the canonical ABI: per function it lowers each parameter
//! into flat `uint64` slots or into the guest's memory through a
//! `*weft.Lower`, invokes, and lifts the result through a `*weft.Lift`,
//! with one lower/store/lift/load helper per named type. The runtime
//! package it imports, `weft.dev/go/weft`, is specified by
//! `RUNTIME_API.md` beside this crate.
//!
//! Names follow Effective Go through [`weft_wit::names::go`]; sizes,
//! offsets and core signatures come from [`weft_wit::abi`].

mod abi;
mod module;
mod naming;
mod plan;
mod types;
mod world;

use std::path::PathBuf;

use weft_wit::wit_parser::{Resolve, WorldId};
use weft_wit::{Wit, WitError};

/// What to generate besides the world's bindings.
#[derive(Debug, Clone, Default)]
pub struct Opts {
    /// The Go module path written to `go.mod`; the world's name if `None`.
    pub module: Option<String>,
    /// The component (a `.wasm` file's bytes), embedded in the package;
    /// without one, users load it themselves (`NewFromBytes`, or
    /// `NewFromArtifact` for a precompiled one).
    pub wasm: Option<Vec<u8>>,
    /// Where the runtime package `weft.dev/go/weft` lives (the
    /// `codegen-go/host` folder of a weft checkout), for `go.mod`'s
    /// `replace` directive; without one, `go.mod` only requires it.
    pub runtime_path: Option<PathBuf>,
}

pub use weft_wit::bindgen::Files;

/// Why no bindings could be generated.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// `Opts::module` cannot be a Go module path.
    #[error("`{path}` cannot be a Go module path: {reason}")]
    InvalidModule {
        /// The path given.
        path: String,
        /// Why not.
        reason: String,
    },
    /// The world uses something the Go bindings cannot express yet.
    #[error("{item} uses {feature}, which the Go bindings do not support yet")]
    Unsupported {
        /// The function or type, and where it is.
        item: String,
        /// What it uses.
        feature: String,
    },
    /// The canonical ABI of the world could not be computed.
    #[error("the canonical ABI of the world cannot be computed: {0}")]
    Abi(#[from] weft_wit::abi::AbiError),
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

/// The Go module for `world` of `resolve`.
pub fn generate(resolve: &Resolve, world: WorldId, opts: &Opts) -> Result<Files, Error> {
    let plan = plan::Plan::new(resolve, world, opts)?;
    if let Some(wasm) = &opts.wasm {
        check_component(resolve, world, wasm)?;
    }
    let mut files = Files::default();
    files.insert("go.mod".into(), world::go_mod(&plan, opts));
    if let Some(wasm) = &opts.wasm {
        files.insert(plan.wasm_file(), wasm.clone());
    }
    files.insert(
        format!("{}.go", plan.package),
        world::write(&plan, opts.wasm.is_some()),
    );
    for m in 1..plan.modules.len() {
        if let Some(text) = module::write(&plan, m) {
            files.insert(plan.modules[m].file.clone(), text);
        }
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

/// The version of `RUNTIME_API.md` the generated code is written against
/// (it refers to `weft.APIVersion1`).
pub const RUNTIME_API_VERSION: u32 = 1;
