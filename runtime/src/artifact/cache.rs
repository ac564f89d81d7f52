//! The on-disk cache of compiled code ([`crate::Config::cache_dir`]): one
//! artifact per file, named by the key of the wasm it was compiled from, so
//! that a second process loads what the first compiled.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::Kind;
use crate::engine::Engine;
use crate::error::Error;

/// The cache entry of one wasm binary.
pub(crate) struct Cache {
    path: PathBuf,
}

impl Cache {
    /// The entry for `wasm` compiled as `kind` by `engine`, if the engine
    /// has a cache directory.
    pub(crate) fn of(engine: &Engine, kind: Kind, wasm: &[u8]) -> Option<Cache> {
        let dir = engine.config().cache_dir.as_ref()?;
        let key = super::key(engine, kind, wasm);
        Some(Cache {
            path: dir.join(format!("{key}.weftbin")),
        })
    }

    /// Loads the entry with `load`, or compiles with `compile` and stores
    /// what `serialize` makes of the result. Returns the value and whether
    /// it came from the cache. Cache trouble (an unreadable directory, a
    /// damaged entry, a full disk) never fails the load: it compiles
    /// instead, and a damaged entry is replaced.
    pub(crate) fn load_or_compile<T>(
        &self,
        load: impl FnOnce(&[u8]) -> Result<T, Error>,
        compile: impl FnOnce() -> Result<T, Error>,
        serialize: impl FnOnce(&T) -> Vec<u8>,
    ) -> Result<(T, bool), Error> {
        if let Ok(bytes) = std::fs::read(&self.path) {
            if let Ok(value) = load(&bytes) {
                return Ok((value, true));
            }
        }
        let value = compile()?;
        // Best effort: a cache that cannot be written only costs time.
        let _ = self.store(&serialize(&value));
        Ok((value, false))
    }

    /// Writes the entry atomically: a temporary file in the same directory,
    /// renamed over the entry, so a reader never sees half of one and
    /// concurrent writers leave one whole file.
    fn store(&self, artifact: &[u8]) -> std::io::Result<()> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        create_private_dir(dir)?;
        let unique = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let temp = self
            .path
            .with_extension(format!("{}.{unique}.tmp", std::process::id()));
        let written = std::fs::File::create(&temp).and_then(|mut file| {
            file.write_all(artifact)?;
            file.sync_data()
        });
        match written.and_then(|()| std::fs::rename(&temp, &self.path)) {
            Ok(()) => Ok(()),
            Err(e) => {
                let _ = std::fs::remove_file(&temp);
                Err(e)
            }
        }
    }
}

/// Creates `dir` and its parents, readable by this user only: whoever can
/// write to a cache can make the processes that use it run their code.
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

#[cfg(test)]
#[path = "../../tests/common/scratch.rs"]
mod scratch;

#[cfg(test)]
mod tests {
    use super::scratch::Scratch;
    use super::*;
    use crate::engine::Config;

    fn engine(dir: &Path) -> Engine {
        Engine::new(&Config {
            cache_dir: Some(dir.to_path_buf()),
            ..Config::default()
        })
        .unwrap()
    }

    #[test]
    fn compiles_once_then_loads() {
        let dir = Scratch::vacant("cache", "once");
        let engine = engine(&dir.join("nested"));
        let cache = Cache::of(&engine, Kind::Module, b"wasm").unwrap();
        let compile = || Ok(7u8);
        let serialize = |v: &u8| vec![*v];
        let load = |b: &[u8]| Ok(b[0] + 1);
        assert_eq!(
            cache.load_or_compile(load, compile, serialize).unwrap(),
            (7, false)
        );
        assert_eq!(
            cache.load_or_compile(load, compile, serialize).unwrap(),
            (8, true)
        );
        let entries: Vec<_> = std::fs::read_dir(dir.join("nested")).unwrap().collect();
        assert_eq!(entries.len(), 1, "no temporary file is left");
    }

    #[test]
    fn a_damaged_entry_is_replaced() {
        let dir = Scratch::vacant("cache", "damaged");
        let engine = engine(&dir);
        let cache = Cache::of(&engine, Kind::Module, b"wasm").unwrap();
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(&cache.path, b"junk").unwrap();
        let load = |b: &[u8]| {
            if b == b"good" {
                Ok(1)
            } else {
                Err(Error::Artifact("damaged".into()))
            }
        };
        let got = cache.load_or_compile(load, || Ok(2), |_| b"good".to_vec());
        assert_eq!(got.unwrap(), (2, false));
        assert_eq!(std::fs::read(&cache.path).unwrap(), b"good");
    }

    #[test]
    fn an_unwritable_cache_still_compiles() {
        let dir = Scratch::vacant("cache", "unwritable");
        std::fs::write(&dir, b"a file where the directory should be").unwrap();
        let engine = engine(&dir);
        let cache = Cache::of(&engine, Kind::Module, b"wasm").unwrap();
        let got = cache.load_or_compile(|_| Ok(1), || Ok(2), |_| vec![]);
        assert_eq!(got.unwrap(), (2, false));
    }

    #[test]
    fn a_compile_error_is_returned() {
        let dir = Scratch::vacant("cache", "error");
        let engine = engine(&dir);
        let cache = Cache::of(&engine, Kind::Module, b"wasm").unwrap();
        let got: Result<(u8, bool), Error> =
            cache.load_or_compile(|_| Ok(1), || Err(Error::unsupported("x")), |_| vec![]);
        assert!(got.is_err());
        assert!(!dir.exists(), "nothing is written for a failed compile");
    }
}
