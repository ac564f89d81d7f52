//! One input of `weft link`: a component, validated, with its imports and
//! exports as wasmparser types them.

use std::borrow::Cow;

use wasmparser::component_types::ComponentEntityType;
use wasmparser::types::Types;
use wasmparser::{Parser, Payload, Validator, WasmFeatures};

use super::error::LinkError;

/// A validated input component.
pub(crate) struct Input {
    /// The name the caller gave it.
    pub name: String,
    /// Its bytes, embedded as they are in the result.
    pub bytes: Vec<u8>,
    /// Its types, from validation.
    pub types: Types,
    /// Its imports, in order.
    pub imports: Vec<Item>,
    /// Its exports, in order.
    pub exports: Vec<Item>,
}

/// An import or export of a component.
#[derive(Debug, Clone)]
pub(crate) struct Item {
    /// The name, as the import or export section writes it (the key of
    /// instantiation arguments).
    pub name: String,
    /// The name with its version suffix applied, if it has one: what is
    /// matched.
    pub full: String,
    /// `(implements "...")`, kept in the result.
    pub implements: Option<String>,
    /// `(version-suffix "...")`, kept in the result.
    pub version_suffix: Option<String>,
    /// Its type.
    pub ty: ComponentEntityType,
}

impl Item {
    /// The name to encode, with its options.
    pub fn extern_name(&self) -> wasm_encoder::ComponentExternName<'_> {
        wasm_encoder::ComponentExternName {
            name: Cow::Borrowed(&self.name),
            implements: self.implements.as_deref().map(Cow::Borrowed),
            version_suffix: self.version_suffix.as_deref().map(Cow::Borrowed),
            external_id: None,
        }
    }

    /// What kind of thing it is, in words.
    pub fn kind(&self) -> &'static str {
        kind_name(&self.ty)
    }
}

/// `func`, `instance`, ... as the component model's text format says.
pub(crate) fn kind_name(ty: &ComponentEntityType) -> &'static str {
    match ty {
        ComponentEntityType::Module(_) => "core module",
        ComponentEntityType::Func(_) => "func",
        ComponentEntityType::Value(_) => "value",
        ComponentEntityType::Type { .. } => "type",
        ComponentEntityType::Instance(_) => "instance",
        ComponentEntityType::Component(_) => "component",
    }
}

impl Input {
    /// Validates `bytes` as a component (every feature wasmparser knows)
    /// and reads its imports and exports.
    pub fn read(name: &str, bytes: Vec<u8>) -> Result<Input, LinkError> {
        let malformed = |reason: String| LinkError::Malformed {
            name: name.to_string(),
            reason,
        };
        if !bytes.starts_with(b"\0asm") {
            return Err(malformed(
                "is not a WebAssembly binary (it does not start with `\\0asm`)".into(),
            ));
        }
        if !Parser::is_component(&bytes) {
            return Err(malformed(if Parser::is_core_wasm(&bytes) {
                "is a core WebAssembly module, not a component (make one with `weft componentize`)"
                    .into()
            } else {
                "is not a component (its header has an unknown version or layer)".into()
            }));
        }
        let types = Validator::new_with_features(WasmFeatures::all())
            .validate_all(&bytes)
            .map_err(|err| {
                malformed(format!(
                    "is not a valid component: {} (at byte offset {:#x})",
                    err.message(),
                    err.offset()
                ))
            })?;
        let (import_names, export_names) =
            top_level_names(&bytes).map_err(|err| malformed(format!("cannot be read: {err}")))?;
        let item =
            |(name, implements, version_suffix): (String, Option<String>, Option<String>),
             found: Option<&wasmparser::component_types::ComponentItem>| {
                let found = found.ok_or_else(|| {
                    malformed(format!(
                        "names `{name}` but its types do not (an inconsistent binary)"
                    ))
                })?;
                Ok(Item {
                    full: found.full_name(&name).into_owned(),
                    name,
                    implements,
                    version_suffix,
                    ty: found.ty,
                })
            };
        let imports = import_names
            .into_iter()
            .map(|n| {
                let found = types.component_item_for_import(&n.0);
                item(n, found)
            })
            .collect::<Result<Vec<_>, LinkError>>()?;
        let exports = export_names
            .into_iter()
            .map(|n| {
                let found = types.component_item_for_export(&n.0);
                item(n, found)
            })
            .collect::<Result<Vec<_>, LinkError>>()?;
        Ok(Input {
            name: name.to_string(),
            bytes,
            types,
            imports,
            exports,
        })
    }
}

type Name = (String, Option<String>, Option<String>);

/// The names of the component's own imports and exports (not those of
/// nested modules and components), in order.
fn top_level_names(bytes: &[u8]) -> wasmparser::Result<(Vec<Name>, Vec<Name>)> {
    let mut imports = Vec::new();
    let mut exports = Vec::new();
    let mut depth = 0usize;
    for payload in Parser::new(0).parse_all(bytes) {
        match payload? {
            Payload::ModuleSection { .. } | Payload::ComponentSection { .. } => depth += 1,
            Payload::End(_) => match depth.checked_sub(1) {
                Some(outer) => depth = outer,
                None => break,
            },
            Payload::ComponentImportSection(reader) if depth == 0 => {
                for import in reader {
                    let name = import?.name;
                    imports.push(owned(&name));
                }
            }
            Payload::ComponentExportSection(reader) if depth == 0 => {
                for export in reader {
                    let name = export?.name;
                    exports.push(owned(&name));
                }
            }
            _ => {}
        }
    }
    Ok((imports, exports))
}

fn owned(name: &wasmparser::ComponentExternName<'_>) -> Name {
    (
        name.name.to_string(),
        name.implements.map(str::to_string),
        name.version_suffix.map(str::to_string),
    )
}
