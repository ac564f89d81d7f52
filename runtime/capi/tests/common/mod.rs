//! What the C API's tests share: the test components, and the built
//! libraries.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use std::ffi::CStr;

use weft_capi::{
    weft_error_delete, weft_error_kind, weft_error_message, weft_error_t, weft_error_trap_kind,
};

pub mod flat_env;

/// The test component's text.
pub const COMPONENT: &str = include_str!("component.wat");

/// The test component's binary.
pub fn component_bytes() -> Vec<u8> {
    wat::parse_str(COMPONENT).expect("valid component text")
}

/// The text of the component of the one-crossing paths (`flat.rs`).
pub const FLAT_COMPONENT: &str = include_str!("flat.wat");

/// Its binary.
pub fn flat_component_bytes() -> Vec<u8> {
    wat::parse_str(FLAT_COMPONENT).expect("valid component text")
}

/// The target directory's profile folder (`target/debug`), from this
/// test executable's path (`target/debug/deps/<test>`).
pub fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test's path");
    exe.parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>/deps")
        .to_path_buf()
}

/// Builds `weft-capi` (its static and shared libraries) once per test
/// process with the cargo running the tests, returning the profile
/// folder that holds `libweft_capi.a` and `libweft_capi.so`.
pub fn built_libraries() -> &'static PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        let dir = profile_dir();
        let target = dir.parent().expect("the target directory").to_path_buf();
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut command = Command::new(cargo);
        command
            .args(["build", "-p", "weft-capi", "--lib"])
            .env("CARGO_TARGET_DIR", &target)
            .current_dir(env!("CARGO_MANIFEST_DIR"));
        if dir.file_name().is_some_and(|name| name == "release") {
            command.arg("--release");
        }
        let status = command.status().expect("cargo runs");
        assert!(status.success(), "cargo build -p weft-capi failed");
        assert!(
            dir.join("libweft_capi.a").exists(),
            "no libweft_capi.a in {dir:?}"
        );
        dir
    })
}

/// The manifest folder of `weft-capi`.
pub fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Panics with the error's message if there is one.
pub fn ok(err: *mut weft_error_t) {
    if !err.is_null() {
        let (_, _, message) = error(err);
        panic!("unexpected error: {message}");
    }
}

/// The error's kind, trap kind and message; the error is deleted.
pub fn error(err: *mut weft_error_t) -> (u32, u32, String) {
    assert!(!err.is_null(), "expected an error");
    // SAFETY: `err` is a live error the C API returned.
    let found = unsafe {
        (
            weft_error_kind(err),
            weft_error_trap_kind(err),
            CStr::from_ptr(weft_error_message(err))
                .to_string_lossy()
                .into_owned(),
        )
    };
    // SAFETY: as above; deleted once.
    unsafe { weft_error_delete(err) };
    found
}

/// The message of a live error (which stays alive).
///
/// # Safety
///
/// `err` is a live error.
pub unsafe fn message(err: *const weft_error_t) -> String {
    // SAFETY: the caller's contract; the message is NUL-terminated.
    unsafe { CStr::from_ptr(weft_error_message(err)) }
        .to_string_lossy()
        .into_owned()
}
