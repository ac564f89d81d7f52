//! Building the guests of `../guests` written with this crate, once per
//! test process and target, and turning them into components.
//!
//! The build runs cargo on the `guests/` workspace into `guests/target`
//! (its own target directory, so the nested cargo never waits on the lock
//! the outer `cargo test` holds), for the one package asked for.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};

/// The target that gives core modules, for wit-component to componentize.
pub const CORE: &str = "wasm32-unknown-unknown";

/// The target whose linker makes a component itself.
pub const WASIP2: &str = "wasm32-wasip2";

/// The `guests/` workspace.
pub fn guests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the guest crate sits in the repository root")
        .join("guests")
}

/// The `.wasm` of the guest package `name` built for `target` ([`CORE`]
/// or [`WASIP2`]), built on first use.
///
/// # Panics
///
/// If the build fails (the message holds cargo's output).
pub fn build(name: &str, target: &str) -> Vec<u8> {
    type Built = HashMap<(String, String), Vec<u8>>;
    static BUILT: OnceLock<Mutex<Built>> = OnceLock::new();
    let built = BUILT.get_or_init(Default::default);
    let mut built = built.lock().unwrap_or_else(|e| e.into_inner());
    let key = (name.to_string(), target.to_string());
    if let Some(bytes) = built.get(&key) {
        return bytes.clone();
    }
    let bytes = run_cargo(name, target).unwrap_or_else(|message| panic!("{message}"));
    built.insert(key, bytes.clone());
    bytes
}

/// `module` as a component, validated by wit-component.
pub fn componentize(module: &[u8]) -> Result<Vec<u8>, String> {
    wit_component::ComponentEncoder::default()
        .module(module)
        .and_then(|encoder| encoder.validate(true).encode())
        .map_err(|e| format!("{e:#}"))
}

fn run_cargo(name: &str, target: &str) -> Result<Vec<u8>, String> {
    let guests = guests_dir();
    let target_dir = guests.join("target");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(&cargo)
        .args([
            "build",
            "--release",
            "--locked",
            "--target",
            target,
            "-p",
            name,
        ])
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
        .map_err(|e| format!("running `{}`: {e}", cargo.to_string_lossy()))?;
    if !output.status.success() {
        return Err(format!(
            "building the guest `{name}` for {target} failed with {}:\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let path = target_dir
        .join(target)
        .join("release")
        .join(format!("{}.wasm", name.replace('-', "_")));
    std::fs::read(&path).map_err(|e| format!("reading {}: {e}", path.display()))
}
