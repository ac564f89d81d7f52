//! Compiles the few lines of C that enter wasm with `sigsetjmp` and leave it
//! with `siglongjmp` when a trap is caught.

fn main() {
    let source = "src/vm/trap_entry.c";
    println!("cargo:rerun-if-changed={source}");
    cc::Build::new()
        .file(source)
        .warnings(true)
        .extra_warnings(true)
        .compile("weft_trap_entry");
}
