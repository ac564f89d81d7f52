//! `weft-runtime`: weft's WebAssembly engine. Modules are validated with
//! wasmparser, translated to Cranelift IR and compiled to native code for
//! this host; linear memories sit in guarded reservations so loads and
//! stores need no bounds checks; traps are caught by a signal handler and
//! come back as [`Trap`] values with a wasm backtrace.
//!
//! ```no_run
//! use weft_runtime::{Engine, Linker, Module, Store, Val};
//! let engine = Engine::default();
//! let module = Module::new(&engine, &std::fs::read("add.wasm")?)?;
//! let mut store = Store::new(&engine, ());
//! let instance = Linker::new(&engine).instantiate(&mut store, &module)?;
//! let add = instance.get_func(&mut store, "add").expect("exported");
//! let mut result = [Val::I32(0)];
//! add.call(&mut store, &[Val::I32(1), Val::I32(2)], &mut result)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod artifact;
mod compile;
pub mod component;
mod engine;
mod error;
mod externals;
mod func;
mod instance;
mod linker;
mod module;
mod store;
mod trap;
mod typed;
mod types;
mod values;
mod vm;

pub use artifact::{artifact_kind, is_artifact, Kind as ArtifactKind};
pub use engine::{Config, Engine};
pub use error::Error;
pub use externals::{Global, Memory, Table};
pub use func::Func;
pub use instance::{Extern, Instance};
pub use linker::Linker;
pub use module::Module;
pub use store::Store;
pub use trap::{FrameInfo, Trap, TrapKind};
pub use typed::{NativeResult, TypedFunc, WasmParams, WasmResults, WasmTy};
pub use types::{
    ExternType, FuncType, GlobalType, MemoryType, Mutability, RefType, TableType, ValType,
};
pub use values::Val;
