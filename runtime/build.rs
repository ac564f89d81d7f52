//! Compiles the few lines of C that enter wasm with `sigsetjmp` and leave it
//! with `siglongjmp` when a trap is caught, and computes the build id that
//! precompiled artifacts carry.

use std::path::{Path, PathBuf};

fn main() {
    let source = "src/vm/trap_entry.c";
    println!("cargo:rerun-if-changed={source}");
    cc::Build::new()
        .file(source)
        .warnings(true)
        .extra_warnings(true)
        .compile("weft_trap_entry");
    emit_build_id();
}

/// Compiled code depends on the runtime's side of the contract (the vmctx
/// layout, builtins, trampolines, trap codes), all of it in this crate's
/// sources and its pinned Cranelift. An artifact records this id, a hash of
/// those files, and is refused by any other build, so a cache never hands a
/// changed runtime code compiled for an older one.
fn emit_build_id() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let mut files = Vec::new();
    collect(&manifest.join("src"), &mut files);
    files.push(manifest.join("build.rs"));
    files.push(manifest.join("Cargo.toml"));
    // The workspace manifest pins Cranelift's version.
    files.push(manifest.join("../Cargo.toml"));
    files.sort();
    let mut hash = Fnv::default();
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let relative = file.strip_prefix(&manifest).unwrap_or(file);
        hash.write(relative.to_string_lossy().as_bytes());
        hash.write(&std::fs::read(file).unwrap_or_default());
    }
    println!("cargo:rustc-env=WEFT_RUNTIME_BUILD_ID={:016x}", hash.0);
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, files);
        } else {
            files.push(path);
        }
    }
}

/// FNV-1a, 64 bits: enough to tell builds apart, and needs no dependency.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
        // A separator, so that moving bytes between files changes the hash.
        self.0 = self.0.wrapping_mul(0x0100_0000_01b3) ^ 0xff;
    }
}
