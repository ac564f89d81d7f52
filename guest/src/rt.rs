//! Guest-side runtime support for the code that [`world!`](crate::world)
//! and [`export`](crate::export) generate: the canonical ABI from inside
//! the component, where "linear memory" is the guest's own address space.
//!
//! | module | concern |
//! |---|---|
//! | [`memory`] | `cabi_realloc` over the global allocator; return areas; freeing what the host handed over |
//! | [`flat`] | core values as raw 64-bit slots, read and written in order |
//! | [`traits`] | [`ComponentType`], [`Lift`] and [`Lower`] |
//! | [`resource`] | resources the guest exports: handles, reps, destructors |
//! | `std_impls` | the traits for integers, floats, `bool`, `char`, `String`, `Vec`, `Option`, `Result` and tuples |
//!
//! Generated code names everything here by absolute path
//! (`::weft::rt::...`); nothing in this module is meant to be called by
//! hand, but it is public, documented and stable within a release so
//! that generated code can rely on it.

pub mod flat;
pub mod memory;
pub mod resource;
mod std_impls;
pub mod traits;

pub use flat::{FlatReader, FlatWriter};
pub use traits::{ComponentType, Lift, Lower};

/// `alloc`'s `String` and `Vec`, named by generated code so that a crate
/// using `weft` needs no `extern crate alloc` of its own.
pub mod alloc {
    pub use alloc::string::String;
    pub use alloc::vec::Vec;
}

/// Stops the guest: the host handed over a value that the canonical ABI
/// rules out (an unknown discriminant, an invalid `char`, bad UTF-8).
/// On `wasm32` with `panic = "abort"` this is a trap.
#[cold]
#[track_caller]
pub fn invalid(what: &str, value: u32) -> ! {
    panic!("weft: invalid {what} from the host: {value}")
}

/// `offset` rounded up to a multiple of `align` (a power of two), for the
/// layout constants of generic types.
pub const fn align_to(offset: usize, align: usize) -> usize {
    (offset + align - 1) & !(align - 1)
}

/// The larger of `a` and `b`, in constant expressions.
pub const fn max(a: usize, b: usize) -> usize {
    if a > b {
        a
    } else {
        b
    }
}
