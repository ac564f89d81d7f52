//! The seed source of getrandom 0.3 on `wasm32-unknown-unknown`.
//!
//! apollo-compiler's hash maps use ahash, which seeds itself through
//! getrandom. That target has no randomness, so `.cargo/config.toml`
//! selects getrandom's `custom` backend, which calls the function below.
//! It gives a fixed sequence: the seeds only guard hash maps against
//! inputs crafted to collide, and the component owns no secret that
//! such inputs could reach (its worst case is slower hashing, inside
//! the sandbox). Nothing this crate returns depends on hashing order,
//! which `tests/native_and_component.rs` checks against the native
//! build, whose seeds are random.

/// Fills `len` bytes at `dest` with a fixed pseudo-random sequence
/// (splitmix64).
///
/// # Safety
///
/// getrandom calls it with `dest` valid for writes of `len` bytes.
#[allow(unsafe_code)]
#[unsafe(no_mangle)]
unsafe extern "Rust" fn __getrandom_v03_custom(
    dest: *mut u8,
    len: usize,
) -> Result<(), getrandom::Error> {
    let mut state: u64 = 0x5745_4654_4751_4c21; // "WEFTGQL!"
    for i in 0..len {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        // SAFETY: `i < len`, and the caller gives `len` writable bytes.
        unsafe { dest.add(i).write((z ^ (z >> 31)) as u8) };
    }
    Ok(())
}
