//! The runtime's unsafe foundation: memory mappings, linear memory, code
//! memory, trap handling, the vmctx layout and the structures compiled
//! code reads, and the runtime library functions it calls.

pub mod builtins;
// Some accessors of these small APIs are used only by their tests.
#[allow(dead_code)]
pub mod code_memory;
pub mod instance;
#[allow(dead_code)]
pub mod linear_memory;
#[allow(dead_code)]
pub mod mmap;
pub mod offsets;
pub mod traps;
