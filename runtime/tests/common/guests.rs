//! Guest components built from Rust source at test time.
//!
//! The crates of the `guests/` workspace (at the repository's root) use
//! upstream guest tooling, wit-bindgen, so that the runtime is tested on
//! components weft did not produce. The first call of [`component`] in a
//! test process builds the whole workspace for `wasm32-unknown-unknown`
//! (once, whatever the number of threads asking), into `guests/target`:
//! its own target directory, so the nested cargo never waits on the lock
//! the outer `cargo test` holds on the main one. Cargo's own freshness
//! checks make later builds, in this process or the next, near instant.
//!
//! Each core module carries wit-bindgen's `component-type` custom section;
//! wit-component turns it into a component.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

/// The `wasm32` target the guests are built for.
const TARGET: &str = "wasm32-unknown-unknown";

/// The `guests/` workspace.
pub fn guests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the runtime crate sits in the repository root")
        .join("guests")
}

/// The component built from the guest crate `name` (a member of the
/// `guests/` workspace, such as `kitchen-sink`).
///
/// # Panics
///
/// If the guests do not build (the message holds cargo's output), the
/// crate has no module, or wit-component cannot make a valid component of
/// it.
pub fn component(name: &str) -> Vec<u8> {
    static COMPONENTS: OnceLock<Mutex<HashMap<String, Vec<u8>>>> = OnceLock::new();
    let components = COMPONENTS.get_or_init(Default::default);
    let mut components = components.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(bytes) = components.get(name) {
        return bytes.clone();
    }
    let modules = match build() {
        Ok(dir) => dir,
        Err(message) => panic!("{message}"),
    };
    let path = modules.join(format!("{}.wasm", name.replace('-', "_")));
    let module = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "guest `{name}` built, but its module {} cannot be read: {e} \
             (is `{name}` a cdylib member of guests/Cargo.toml?)",
            path.display()
        )
    });
    let bytes = componentize(&module)
        .unwrap_or_else(|e| panic!("componentizing guest `{name}` ({}): {e}", path.display()));
    components.insert(name.to_string(), bytes.clone());
    bytes
}

/// `module` (a core module with `component-type` custom sections) as a
/// validated component.
pub fn componentize(module: &[u8]) -> Result<Vec<u8>, String> {
    wit_component::ComponentEncoder::default()
        .module(module)
        .and_then(|encoder| encoder.validate(true).encode())
        .map_err(|e| format!("{e:#}"))
}

/// Builds the `guests/` workspace once per process; gives the directory
/// of the built modules, or a message saying why the build failed.
fn build() -> &'static Result<PathBuf, String> {
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    BUILT.get_or_init(|| {
        let guests = guests_dir();
        let target_dir = guests.join("target");
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let start = Instant::now();
        let output = Command::new(&cargo)
            .args(["build", "--release", "--locked", "--target", TARGET])
            .arg("--manifest-path")
            .arg(guests.join("Cargo.toml"))
            .arg("--target-dir")
            .arg(&target_dir)
            // Settings meant for the outer build are not the guests'.
            .env_remove("CARGO_BUILD_TARGET")
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .env_remove("RUSTFLAGS")
            .output()
            .map_err(|e| {
                format!(
                    "running `{}` to build the guests: {e}",
                    cargo.to_string_lossy()
                )
            })?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let hint = if stderr.contains("target may not be installed")
                || stderr.contains("can't find crate for `core`")
            {
                format!("\nhint: `rustup target add {TARGET}` (scripts/setup.sh does it)")
            } else {
                String::new()
            };
            return Err(format!(
                "building the guest components ({}) failed with {}:\n{stderr}{hint}",
                guests.join("Cargo.toml").display(),
                output.status,
            ));
        }
        eprintln!(
            "built the guest components in {:.1}s",
            start.elapsed().as_secs_f64()
        );
        Ok(target_dir.join(TARGET).join("release"))
    })
}
