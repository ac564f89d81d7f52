//! Loading what `weft run` and `weft compile` take: a `.wasm` binary or
//! `.wat` text of a core module or a component, compiled (through the
//! cache unless `--no-cache`), or an artifact `weft compile` wrote.

use std::path::Path;

use anyhow::{bail, Context};
use weft_runtime::component::Component;
use weft_runtime::{ArtifactKind, Config, Engine, Module};

/// A loaded module or component.
pub enum Loaded {
    /// A core module.
    Module(Module),
    /// A component.
    Component(Component),
}

/// Arguments shared by the commands that compile.
#[derive(Debug, clap::Args)]
pub struct CacheArgs {
    /// Compile without the cache of compiled code (by default kept in
    /// `$WEFT_CACHE_DIR`, else `~/.cache/weft`; `WEFT_NO_CACHE=1` turns it
    /// off too).
    #[arg(long)]
    no_cache: bool,
}

impl CacheArgs {
    /// An engine with the default settings and, unless turned off, the
    /// cache.
    pub fn engine(&self) -> anyhow::Result<Engine> {
        let config = Config {
            cache_dir: if self.no_cache {
                None
            } else {
                Config::default_cache_dir()
            },
            ..Config::default()
        };
        Engine::new(&config).context("cannot make an engine for this machine")
    }
}

/// Reads `path`: an artifact is loaded as it is (see [`deserialize`]); a
/// `.wasm` binary or `.wat` text is compiled.
pub fn load(engine: &Engine, path: &Path) -> anyhow::Result<Loaded> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    if weft_runtime::is_artifact(&bytes) {
        return deserialize(engine, path, &bytes);
    }
    let wasm =
        wat::parse_bytes(&bytes).with_context(|| format!("cannot load {}", path.display()))?;
    let compile = || format!("cannot compile {}", path.display());
    Ok(if is_component(&wasm) {
        Loaded::Component(Component::new(engine, &wasm).with_context(compile)?)
    } else {
        Loaded::Module(Module::new(engine, &wasm).with_context(compile)?)
    })
}

/// Loads an artifact `weft compile` wrote.
#[allow(unsafe_code)]
fn deserialize(engine: &Engine, path: &Path, bytes: &[u8]) -> anyhow::Result<Loaded> {
    let context = || format!("cannot load the precompiled {}", path.display());
    // SAFETY: the artifact's machine code runs as it is, which is what the
    // user asks for by naming the file, as when running a native program;
    // its header, checksum and wasm are checked.
    Ok(match weft_runtime::artifact_kind(bytes) {
        Some(ArtifactKind::Module) => {
            Loaded::Module(unsafe { Module::deserialize(engine, bytes) }.with_context(context)?)
        }
        _ => Loaded::Component(
            unsafe { Component::deserialize(engine, bytes) }.with_context(context)?,
        ),
    })
}

/// Reads a `.wasm` binary or `.wat` text for compiling: artifacts are
/// refused.
pub fn load_wasm(path: &Path) -> anyhow::Result<Vec<u8>> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    if weft_runtime::is_artifact(&bytes) {
        bail!("{} is already compiled (a weft artifact)", path.display());
    }
    wat::parse_bytes(&bytes)
        .map(|wasm| wasm.into_owned())
        .with_context(|| format!("cannot load {}", path.display()))
}

/// Whether the binary is a component: the same magic number as a core
/// module, and layer 1 in the header (a core module has layer 0).
pub fn is_component(wasm: &[u8]) -> bool {
    wasm.len() >= 8 && wasm[..4] == *b"\0asm" && wasm[6..8] == [1, 0]
}
