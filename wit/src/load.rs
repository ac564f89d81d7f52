//! Loading WIT: a `.wit` file, a package directory with its `deps/`, or the
//! WIT carried by a component binary (or a WIT package encoded as wasm).

use std::path::{Path, PathBuf};

use wit_parser::decoding::{decode, DecodedWasm};
use wit_parser::{PackageId, Resolve, WorldId};

use crate::error::{Location, WitError};

/// Resolved WIT with its main package: what a `.wit` file, a package
/// directory or a component describes.
#[derive(Debug, Clone)]
pub struct Wit {
    /// Every package loaded, dependencies included.
    pub resolve: Resolve,
    /// The package that was asked for (for a component, the synthesized
    /// package holding its world).
    pub package: PackageId,
    /// For a component, the world its imports and exports form.
    pub component_world: Option<WorldId>,
}

/// Which `@unstable(feature = …)` items of the WIT are kept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Features {
    /// Feature names to activate.
    pub enabled: Vec<String>,
    /// Activate every feature.
    pub all: bool,
}

impl Features {
    fn resolve(&self) -> Resolve {
        let mut resolve = Resolve {
            all_features: self.all,
            ..Resolve::default()
        };
        resolve.features.extend(self.enabled.iter().cloned());
        resolve
    }
}

impl Wit {
    /// Loads WIT from `path`: a directory holding a WIT package (with an
    /// optional `deps/` folder of dependencies), a single `.wit` file, or a
    /// `.wasm` (or `.wat`) file holding a component or an encoded WIT
    /// package. Unstable items are left out; see [`Wit::load_with`].
    pub fn load(path: impl AsRef<Path>) -> Result<Wit, WitError> {
        Wit::load_with(path, &Features::default())
    }

    /// [`Wit::load`], keeping the unstable items of the given features.
    pub fn load_with(path: impl AsRef<Path>, features: &Features) -> Result<Wit, WitError> {
        let path = path.as_ref();
        let io = |source| WitError::Io {
            path: path.to_path_buf(),
            source,
        };
        if std::fs::metadata(path).map_err(io)?.is_dir() {
            let mut resolve = features.resolve();
            return match resolve.push_dir(path) {
                Ok((package, _sources)) => Ok(Wit::package(resolve, package)),
                Err(err) => Err(invalid(&resolve, &err)),
            };
        }
        let bytes = std::fs::read(path).map_err(io)?;
        if bytes.starts_with(b"\0asm") {
            return Wit::from_binary(&bytes, path);
        }
        if path.extension().is_some_and(|ext| ext == "wat") {
            let binary = wat::parse_bytes(&bytes).map_err(|err| WitError::Binary {
                path: path.to_path_buf(),
                message: err.to_string(),
            })?;
            return Wit::from_binary(&binary, path);
        }
        let text = String::from_utf8(bytes).map_err(|_| WitError::NotText {
            path: path.to_path_buf(),
        })?;
        Wit::parse_with(path, &text, features)
    }

    /// Parses WIT text; `path` names it in error messages and is not read.
    pub fn parse(path: impl AsRef<Path>, text: &str) -> Result<Wit, WitError> {
        Wit::parse_with(path, text, &Features::default())
    }

    /// [`Wit::parse`], keeping the unstable items of the given features.
    pub fn parse_with(
        path: impl AsRef<Path>,
        text: &str,
        features: &Features,
    ) -> Result<Wit, WitError> {
        let path = path.as_ref();
        let mut resolve = features.resolve();
        match resolve.push_str(path, text) {
            Ok(package) => Ok(Wit::package(resolve, package)),
            Err(err) => Err(match invalid(&resolve, &err) {
                WitError::Invalid {
                    location: None,
                    message,
                    ..
                } => unlocated(path, text, message),
                located => located,
            }),
        }
    }

    /// Decodes the WIT of a component binary, or of a WIT package encoded
    /// as wasm; `path` names it in error messages.
    pub fn from_binary(bytes: &[u8], path: impl AsRef<Path>) -> Result<Wit, WitError> {
        let path = path.as_ref();
        if wasmparser::Parser::is_core_wasm(bytes) {
            return Err(WitError::CoreModule {
                path: path.to_path_buf(),
            });
        }
        let binary_error = |message: String| WitError::Binary {
            path: path.to_path_buf(),
            message,
        };
        wasmparser::Validator::new()
            .validate_all(bytes)
            .map_err(|err| binary_error(err.to_string()))?;
        match decode(bytes) {
            Ok(DecodedWasm::WitPackage(resolve, package)) => Ok(Wit::package(resolve, package)),
            Ok(DecodedWasm::Component(resolve, world)) => {
                let package = resolve.worlds[world]
                    .package
                    .expect("decoded component worlds belong to a package");
                Ok(Wit {
                    resolve,
                    package,
                    component_world: Some(world),
                })
            }
            Err(err) => Err(binary_error(format!("{err:#}"))),
        }
    }

    fn package(resolve: Resolve, package: PackageId) -> Wit {
        Wit {
            resolve,
            package,
            component_world: None,
        }
    }

    /// The main package's name, e.g. `demo:kv@1.0.0`.
    pub fn package_name(&self) -> String {
        self.resolve.packages[self.package].name.to_string()
    }

    /// Names of the worlds the main package defines, in source order.
    pub fn world_names(&self) -> Vec<String> {
        self.resolve.packages[self.package]
            .worlds
            .keys()
            .cloned()
            .collect()
    }

    /// Picks a world: the one named (`name` or a qualified `ns:pkg/name`),
    /// else the component's own world, else the main package's only world.
    pub fn world(&self, name: Option<&str>) -> Result<WorldId, WitError> {
        let worlds = &self.resolve.packages[self.package].worlds;
        match name {
            Some(name) if name.contains(':') => self
                .resolve
                .select_world(&[self.package], Some(name))
                .map_err(|err| WitError::WorldSelection {
                    requested: name.to_string(),
                    reason: format!("{err:#}"),
                }),
            Some(name) => worlds
                .get(name)
                .copied()
                .ok_or_else(|| self.world_not_found(name)),
            None => match (self.component_world, worlds.len()) {
                (Some(world), _) => Ok(world),
                (None, 1) => Ok(worlds[0]),
                _ => Err(WitError::AmbiguousWorld {
                    package: self.package_name(),
                    available: self.world_names(),
                }),
            },
        }
    }

    fn world_not_found(&self, name: &str) -> WitError {
        WitError::WorldNotFound {
            requested: name.to_string(),
            package: self.package_name(),
            available: self.world_names(),
        }
    }
}

/// Turns a wit-parser error into [`WitError::Invalid`], locating it in the
/// source when the parser recorded where it happened.
fn invalid(resolve: &Resolve, err: &anyhow::Error) -> WitError {
    let rendered = resolve.render_error(err);
    let located = err.chain().find_map(|layer| {
        if let Some(e) = layer.downcast_ref::<wit_parser::ParseError>() {
            Some((e.kind().span(), e.kind().to_string()))
        } else {
            layer
                .downcast_ref::<wit_parser::ResolveError>()
                .map(|e| (e.kind().span(), e.kind().to_string()))
        }
    });
    let (location, message) = match located {
        Some((span, message)) => (locate(resolve, span, &rendered), message),
        None => (None, format!("{err:#}")),
    };
    WitError::Invalid {
        location,
        message,
        rendered,
    }
}

/// Points an error that wit-parser could not place at the file it is in.
/// A missing `package` header is placed on the first line, where the
/// header belongs, with a hint for files that are part of a directory.
fn unlocated(path: &Path, text: &str, message: String) -> WitError {
    let missing_header = message.contains("no `package` header");
    let location = missing_header.then(|| Location {
        file: path.to_path_buf(),
        line: 1,
        column: 1,
        snippet: text.lines().next().unwrap_or_default().to_string(),
    });
    let mut rendered = match &location {
        Some(location) => format!("{message}\n     --> {location}"),
        None => format!("{}: {message}", path.display()),
    };
    if missing_header {
        rendered.push_str(
            "\n     = help: start the file with `package namespace:name;`, or, if it is one \
             file of a package directory, pass the directory",
        );
    }
    WitError::Invalid {
        location,
        message,
        rendered,
    }
}

/// Resolves `span` to a [`Location`]; the snippet is the source line that
/// wit-parser's own report marks.
fn locate(resolve: &Resolve, span: wit_parser::Span, rendered: &str) -> Option<Location> {
    // `render_location` gives `file:line:col`; the file may contain colons.
    let text = resolve.render_location(span);
    let mut parts = text.rsplitn(3, ':');
    let column = parts.next()?.parse().ok()?;
    let line: u32 = parts.next()?.parse().ok()?;
    let file = PathBuf::from(parts.next()?);
    let marker = format!("{line:4} | ");
    let snippet = rendered
        .lines()
        .find_map(|l| l.strip_prefix(' ')?.strip_prefix(&marker))
        .unwrap_or_default()
        .to_string();
    Some(Location {
        file,
        line,
        column,
        snippet,
    })
}
