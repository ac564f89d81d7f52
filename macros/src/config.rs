//! Where a crate's WIT is and which world it implements, and the WIT
//! loaded from there (once per compiler process).
//!
//! In order of precedence:
//!
//! 1. the environment variables `WEFT_WIT` (a `.wit` file or package
//!    directory) and `WEFT_WORLD`, for build tools and tests that compile
//!    a crate away from its WIT;
//! 2. `[package.metadata.weft]` in the crate's `Cargo.toml`: `wit = "path"`
//!    (relative to the manifest) and `world = "name"`;
//! 3. `wit/` beside the crate's `Cargo.toml`, and its only world.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use weft_wit::abi::AbiTable;
use weft_wit::wit_parser::WorldId;
use weft_wit::Wit;

/// The WIT a crate implements, resolved and laid out.
pub struct Loaded {
    /// The resolved WIT.
    pub wit: Wit,
    /// The world the crate implements.
    pub world: WorldId,
    /// The canonical-ABI layout of every type.
    pub abi: AbiTable,
    /// The `.wit` files read, so that the crate is rebuilt when one changes.
    pub files: Vec<PathBuf>,
}

impl Loaded {
    /// The world's name.
    pub fn world_name(&self) -> &str {
        &self.wit.resolve.worlds[self.world].name
    }
}

/// Where the WIT is and which world to pick.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Config {
    path: PathBuf,
    world: Option<String>,
}

/// The crate's WIT, loaded on first use in this compiler process.
///
/// A WIT that fails to load is reported in full once; the macro
/// invocations after that get a short error pointing to it.
pub fn load() -> Result<Rc<Loaded>, String> {
    thread_local! {
        static CACHE: RefCell<HashMap<Config, Result<Rc<Loaded>, ()>>> =
            RefCell::new(HashMap::new());
    }
    let config = config()?;
    match CACHE.with(|cache| cache.borrow().get(&config).cloned()) {
        Some(Ok(loaded)) => return Ok(loaded),
        Some(Err(())) => {
            return Err(format!(
                "weft: the WIT at {} did not load (the first error says why)",
                config.path.display()
            ))
        }
        None => {}
    }
    let loaded = load_uncached(&config).map(Rc::new);
    let cached = loaded.as_ref().map(Rc::clone).map_err(|_| ());
    CACHE.with(|cache| cache.borrow_mut().insert(config, cached));
    loaded
}

fn load_uncached(config: &Config) -> Result<Loaded, String> {
    let wit = Wit::load(&config.path).map_err(|err| {
        format!(
            "weft: cannot load the WIT at {}:\n{err}",
            config.path.display()
        )
    })?;
    let world = wit.world(config.world.as_deref()).map_err(|err| {
        format!(
            "weft: {err}\n  = help: name the world in `[package.metadata.weft]`: `world = \"...\"`"
        )
    })?;
    let abi = AbiTable::new(&wit.resolve).map_err(|err| format!("weft: {err}"))?;
    let mut files = Vec::new();
    wit_files(&config.path, &mut files);
    Ok(Loaded {
        wit,
        world,
        abi,
        files,
    })
}

fn config() -> Result<Config, String> {
    if let Some(path) = std::env::var_os("WEFT_WIT") {
        return Ok(Config {
            path: PathBuf::from(path),
            world: std::env::var("WEFT_WORLD").ok(),
        });
    }
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .ok_or("weft: CARGO_MANIFEST_DIR is not set; build the crate with cargo")?;
    let (path, world) = metadata(&manifest_dir.join("Cargo.toml"))?;
    Ok(Config {
        path: manifest_dir.join(path.unwrap_or_else(|| "wit".to_string())),
        world,
    })
}

/// `wit` and `world` from `[package.metadata.weft]`, if given.
fn metadata(manifest: &Path) -> Result<(Option<String>, Option<String>), String> {
    let text = std::fs::read_to_string(manifest)
        .map_err(|err| format!("weft: cannot read {}: {err}", manifest.display()))?;
    let table: toml::Table = text
        .parse()
        .map_err(|err| format!("weft: cannot parse {}: {err}", manifest.display()))?;
    let Some(weft) = table
        .get("package")
        .and_then(|p| p.get("metadata"))
        .and_then(|m| m.get("weft"))
    else {
        return Ok((None, None));
    };
    let field = |name: &str| match weft.get(name) {
        None => Ok(None),
        Some(toml::Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(format!(
            "weft: `package.metadata.weft.{name}` in {} must be a string",
            manifest.display()
        )),
    };
    Ok((field("wit")?, field("world")?))
}

/// The `.wit` files at `path` (a file, or a directory and its `deps/`).
fn wit_files(path: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(path) else {
        if path.is_file() {
            files.push(path.to_path_buf());
        }
        return;
    };
    let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for entry in entries {
        if entry.is_dir() {
            wit_files(&entry, files);
        } else if entry.extension().is_some_and(|ext| ext == "wit") {
            files.push(entry);
        }
    }
}

#[cfg(test)]
#[path = "../../runtime/tests/common/scratch.rs"]
mod scratch;

#[cfg(test)]
mod tests {
    use super::scratch::Scratch;
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn manifest(text: &str) -> Result<(Option<String>, Option<String>), String> {
        // Tests run in parallel: each manifest gets its own directory.
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let id = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = Scratch::new("macros-config", &id.to_string());
        let path = dir.join("Cargo.toml");
        std::fs::write(&path, text).unwrap();
        metadata(&path)
    }

    #[test]
    fn metadata_names_the_wit_and_the_world() {
        let text = "[package]\nname = \"a\"\n\n[package.metadata.weft]\nwit = \"api/lib.wit\"\nworld = \"lib\"\n";
        assert_eq!(
            manifest(text),
            Ok((Some("api/lib.wit".into()), Some("lib".into())))
        );
    }

    #[test]
    fn metadata_is_optional() {
        assert_eq!(manifest("[package]\nname = \"b\"\n"), Ok((None, None)));
        let other_tools = "[package]\nname = \"c\"\n[package.metadata.other]\nx = 1\n";
        assert_eq!(manifest(other_tools), Ok((None, None)));
    }

    #[test]
    fn metadata_of_the_wrong_type_is_an_error() {
        let text = "[package]\nname = \"d\"\n[package.metadata.weft]\nworld = 3\n";
        let error = manifest(text).unwrap_err();
        assert!(error.contains("`package.metadata.weft.world`"), "{error}");
    }

    #[test]
    fn wit_files_lists_a_directory_and_its_deps() {
        let dir = Scratch::new("macros", "files");
        std::fs::create_dir_all(dir.join("deps/x")).unwrap();
        std::fs::write(dir.join("a.wit"), "").unwrap();
        std::fs::write(dir.join("notes.md"), "").unwrap();
        std::fs::write(dir.join("deps/x/b.wit"), "").unwrap();
        let mut files = Vec::new();
        wit_files(&dir, &mut files);
        assert_eq!(files, [dir.join("a.wit"), dir.join("deps/x/b.wit")]);
    }
}
