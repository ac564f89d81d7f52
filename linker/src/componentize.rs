//! Core module + WIT world → component.
//!
//! The steps: read and validate the core module (`module.rs`); if a WIT
//! world was given, replace the module's `component-type` sections with
//! it; decode the sections as wit-component will
//! (`wit_component::metadata::decode`, which merges several into one
//! world); check the module against the world (`check.rs`); then encode
//! with wit-component's `ComponentEncoder`, validation on.

use weft_wit::abi::AbiTable;
use weft_wit::wit_parser::{Resolve, WorldId};
use wit_component::{ComponentEncoder, StringEncoding};

use crate::check::check;
use crate::error::ComponentizeError;
use crate::module::{strip_world_sections, CoreModule};

/// Turns core modules into components; holds the options.
///
/// ```no_run
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let module = std::fs::read("lib.wasm")?;
/// let done = weft_linker::Componentizer::new().componentize("lib.wasm", &module)?;
/// std::fs::write("lib.component.wasm", &done.component)?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Default)]
pub struct Componentizer {
    world: Option<(Resolve, WorldId)>,
    adapters: Vec<Adapter>,
}

#[derive(Debug)]
struct Adapter {
    module: String,
    name: String,
    bytes: Vec<u8>,
}

/// A component made from a core module.
#[derive(Debug, Clone)]
pub struct Componentized {
    /// The component's binary, validated.
    pub component: Vec<u8>,
    /// The world it implements, as `ns:pkg/world` (names joined with `+`
    /// when the module carried several sections).
    pub world: String,
    /// Things that work but are probably not meant, each a sentence
    /// naming the module: an exported resource without a destructor.
    pub warnings: Vec<String>,
}

impl Componentizer {
    /// A componentizer that uses the module's own `component-type`
    /// sections and no adapters.
    pub fn new() -> Componentizer {
        Componentizer::default()
    }

    /// Uses `world` of `resolve` as the module's world, in place of any
    /// `component-type` sections it carries (for a module built without
    /// them). Strings are UTF-8.
    pub fn world(&mut self, resolve: Resolve, world: WorldId) -> &mut Componentizer {
        self.world = Some((resolve, world));
        self
    }

    /// Satisfies the module's imports from the core module `module` (such
    /// as `wasi_snapshot_preview1`) with the wit-component adapter `bytes`,
    /// named `name` in messages.
    pub fn adapter(
        &mut self,
        module: impl Into<String>,
        name: impl Into<String>,
        bytes: Vec<u8>,
    ) -> &mut Componentizer {
        self.adapters.push(Adapter {
            module: module.into(),
            name: name.into(),
            bytes,
        });
        self
    }

    /// Checks the core module `bytes` (named `name` in messages) against
    /// its world and encodes it as a component.
    pub fn componentize(
        &self,
        name: &str,
        bytes: &[u8],
    ) -> Result<Componentized, ComponentizeError> {
        let mut module = CoreModule::read(name, bytes)?;
        let replaced;
        let bytes = match &self.world {
            Some((resolve, world)) => {
                replaced = self.embed(name, bytes, resolve, *world)?;
                module.world_sections.clear();
                &replaced[..]
            }
            None if module.world_sections.is_empty() => {
                return Err(ComponentizeError::NoWorld {
                    name: name.to_string(),
                });
            }
            None => bytes,
        };
        let world_name = match &self.world {
            Some((resolve, world)) => world_name(resolve, *world),
            None => section_world_names(&module),
        };

        let bad_world = |err: anyhow::Error| ComponentizeError::BadWorld {
            name: name.to_string(),
            message: format!("{err:#}"),
        };
        let (_, bindgen) = wit_component::metadata::decode(bytes).map_err(bad_world)?;
        let table = AbiTable::new(&bindgen.resolve).map_err(|source| ComponentizeError::Abi {
            name: name.to_string(),
            source,
        })?;
        let findings = check(name, &bindgen.resolve, bindgen.world, &table, &module);
        if !findings.problems.is_empty() {
            return Err(ComponentizeError::Mismatch {
                name: name.to_string(),
                world: world_name,
                problems: findings.problems,
            });
        }

        let encode_error = |err: anyhow::Error| ComponentizeError::Encode {
            name: name.to_string(),
            message: format!("{err:#}"),
        };
        let mut encoder = ComponentEncoder::default();
        encoder.module(bytes).map_err(encode_error)?;
        encoder.validate(true);
        for adapter in &self.adapters {
            encoder
                .adapter(&adapter.module, &adapter.bytes)
                .map_err(|err| ComponentizeError::Adapter {
                    module: adapter.module.clone(),
                    adapter: adapter.name.clone(),
                    message: format!("{err:#}"),
                })?;
        }
        let component = encoder.encode().map_err(encode_error)?;
        Ok(Componentized {
            component,
            world: world_name,
            warnings: findings.warnings,
        })
    }

    /// `bytes` with `world` in place of its `component-type` sections.
    fn embed(
        &self,
        name: &str,
        bytes: &[u8],
        resolve: &Resolve,
        world: WorldId,
    ) -> Result<Vec<u8>, ComponentizeError> {
        let mut stripped =
            strip_world_sections(bytes).map_err(|err| ComponentizeError::InvalidModule {
                name: name.to_string(),
                offset: err.offset(),
                message: err.message().to_string(),
            })?;
        wit_component::embed_component_metadata(
            &mut stripped,
            resolve,
            world,
            StringEncoding::UTF8,
            false,
        )
        .map_err(|err| ComponentizeError::EmbedWorld {
            name: name.to_string(),
            message: format!("{err:#}"),
        })?;
        Ok(stripped)
    }
}

/// [`Componentizer::componentize`] with the module's own world and no
/// adapters.
pub fn componentize(name: &str, bytes: &[u8]) -> Result<Componentized, ComponentizeError> {
    Componentizer::new().componentize(name, bytes)
}

/// `ns:pkg/world` of `world`.
fn world_name(resolve: &Resolve, world: WorldId) -> String {
    let world = &resolve.worlds[world];
    match world.package {
        Some(package) => resolve.id_of_name(package, &world.name),
        None => world.name.clone(),
    }
}

/// The worlds of the module's sections, each decoded on its own for its
/// name (the merged world wit-component makes is called `root`).
fn section_world_names(module: &CoreModule) -> String {
    let names: Vec<String> = module
        .world_sections
        .iter()
        .map(
            |(section, data)| match weft_wit::wit_parser::decoding::decode_world(data) {
                Ok((resolve, world)) => world_name(&resolve, world),
                Err(_) => section.clone(),
            },
        )
        .collect();
    names.join(" + ")
}
