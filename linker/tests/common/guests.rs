//! The `link-*` guests (`guests/link-base`, `guests/link-lib`,
//! `guests/link-app`) built from source at test time, and the native
//! logic they wrap. Shared by weft-linker's tests and the `weft` binary's
//! (`cli/tests/link_command.rs` includes this file).
//!
//! The first call for a target builds the three crates once per test
//! process, into `guests/target` (their own target directory, so the
//! nested cargo never waits on the lock the outer `cargo test` holds).

// Each test file uses part of this.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};

/// The guests' crates, bottom up.
pub const GUESTS: [&str; 3] = ["link-base", "link-lib", "link-app"];

/// The interfaces the guests export.
pub const TEXT: &str = "weft-test:link-base/text@0.1.0";
pub const INDEX: &str = "weft-test:link-lib/index@0.1.0";
pub const REPORT: &str = "weft-test:link-app/report@0.1.0";

/// Core modules, componentized here.
pub const CORE: &str = "wasm32-unknown-unknown";
/// Components made by the Rust toolchain's own linker (they import WASI).
pub const WASIP2: &str = "wasm32-wasip2";

/// The `guests/` workspace.
pub fn guests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the crate sits in the repository root")
        .join("guests")
}

/// The bytes cargo built for guest `name` and `target`: a core module for
/// [`CORE`], a component for [`WASIP2`].
pub fn built(name: &str, target: &str) -> Vec<u8> {
    static BUILT: OnceLock<Mutex<HashMap<String, Result<PathBuf, String>>>> = OnceLock::new();
    let mut built = BUILT
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let dir = built
        .entry(target.to_string())
        .or_insert_with(|| build(target));
    let dir = dir.as_ref().unwrap_or_else(|message| panic!("{message}"));
    let path = dir.join(format!("{}.wasm", name.replace('-', "_")));
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

fn build(target: &str) -> Result<PathBuf, String> {
    let guests = guests_dir();
    let target_dir = guests.join("target");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(&cargo);
    command.args(["build", "--release", "--locked", "--target", target]);
    for guest in GUESTS {
        command.args(["-p", guest]);
    }
    let output = command
        .arg("--manifest-path")
        .arg(guests.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target_dir)
        // Settings meant for the outer build are not the guests'.
        .env_remove("CARGO_BUILD_TARGET")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("RUSTFLAGS")
        .env_remove("WEFT_WIT")
        .env_remove("WEFT_WORLD")
        .output()
        .map_err(|e| format!("running {cargo:?}: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "building the guests for {target} failed with {}:\n{}\n(hint: `rustup target add {target}`)",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(target_dir.join(target).join("release"))
}

/// Guest `name` as a component: its core module componentized by
/// weft-linker.
pub fn component(name: &str) -> Vec<u8> {
    let module = built(name, CORE);
    weft_linker::Componentizer::new()
        .componentize(name, &module)
        .unwrap_or_else(|e| panic!("componentizing {name}: {e}"))
        .component
}

/// Validates a component with every feature wasmparser knows.
pub fn validate(bytes: &[u8]) {
    wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all())
        .validate_all(bytes)
        .unwrap_or_else(|e| panic!("invalid component: {e}"));
}
