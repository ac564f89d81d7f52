//! What the checks need to know of a core module: its exported and
//! imported functions with their core types, its memories, and its
//! `component-type` custom sections. Reading it validates it first, so
//! malformed bytes are an error with an offset, never a panic.

use std::collections::BTreeMap;
use std::fmt;

use wasmparser::{
    CompositeInnerType, Encoding, ExternalKind, FuncType, Parser, Payload, SubType, TypeRef,
    ValType, Validator, WasmFeatures,
};

use crate::error::ComponentizeError;

/// The prefix of the custom sections that carry a module's WIT world.
pub(crate) const COMPONENT_TYPE: &str = "component-type";

/// A validated core module, as far as componentizing looks at it.
#[derive(Debug, Default)]
pub(crate) struct CoreModule {
    /// Exported functions by name, with their core types.
    pub funcs: BTreeMap<String, CoreFuncType>,
    /// Names of exported memories.
    pub memories: Vec<String>,
    /// Imported functions by (module, name), with their core types.
    pub imports: BTreeMap<(String, String), CoreFuncType>,
    /// The module imports a memory.
    pub imports_memory: bool,
    /// The `component-type*` custom sections: name and contents.
    pub world_sections: Vec<(String, Vec<u8>)>,
}

/// A core function type, compared and printed as WebAssembly text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CoreFuncType {
    pub params: Vec<ValType>,
    pub results: Vec<ValType>,
}

impl From<&FuncType> for CoreFuncType {
    fn from(ty: &FuncType) -> CoreFuncType {
        CoreFuncType {
            params: ty.params().to_vec(),
            results: ty.results().to_vec(),
        }
    }
}

impl fmt::Display for CoreFuncType {
    /// `(func (param i32 i32) (result i32))`, as `CoreSignature` prints.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(func")?;
        for (keyword, types) in [("param", &self.params), ("result", &self.results)] {
            if !types.is_empty() {
                write!(f, " ({keyword}")?;
                for ty in types {
                    write!(f, " {ty}")?;
                }
                f.write_str(")")?;
            }
        }
        f.write_str(")")
    }
}

impl CoreModule {
    /// Validates `bytes` as a core module and reads it; `name` names it in
    /// errors.
    pub fn read(name: &str, bytes: &[u8]) -> Result<CoreModule, ComponentizeError> {
        if !bytes.starts_with(b"\0asm") {
            return Err(ComponentizeError::NotWasm {
                name: name.to_string(),
            });
        }
        if Parser::is_component(bytes) {
            return Err(ComponentizeError::AlreadyComponent {
                name: name.to_string(),
            });
        }
        let invalid = |err: wasmparser::BinaryReaderError| ComponentizeError::InvalidModule {
            name: name.to_string(),
            offset: err.offset(),
            message: err.message().to_string(),
        };
        // Every feature: the module's types are what matters here, and
        // wit-component judges what a component may hold.
        let types = Validator::new_with_features(WasmFeatures::all())
            .validate_all(bytes)
            .map_err(invalid)?;
        let types = types.as_ref();

        let mut module = CoreModule::default();
        for payload in Parser::new(0).parse_all(bytes) {
            match payload.map_err(invalid)? {
                Payload::Version { encoding, .. } if encoding != Encoding::Module => {
                    return Err(ComponentizeError::AlreadyComponent {
                        name: name.to_string(),
                    });
                }
                Payload::ImportSection(section) => {
                    for import in section.into_imports() {
                        let import = import.map_err(invalid)?;
                        match import.ty {
                            TypeRef::Func(index) | TypeRef::FuncExact(index) => {
                                let id = types.core_type_at_in_module(index);
                                if let Some(ty) = func_type(&types[id]) {
                                    module.imports.insert(
                                        (import.module.to_string(), import.name.to_string()),
                                        ty,
                                    );
                                }
                            }
                            TypeRef::Memory(_) => module.imports_memory = true,
                            _ => {}
                        }
                    }
                }
                Payload::ExportSection(section) => {
                    for export in section {
                        let export = export.map_err(invalid)?;
                        match export.kind {
                            ExternalKind::Func | ExternalKind::FuncExact => {
                                let id = types.core_function_at(export.index);
                                if let Some(ty) = func_type(&types[id]) {
                                    module.funcs.insert(export.name.to_string(), ty);
                                }
                            }
                            ExternalKind::Memory => module.memories.push(export.name.to_string()),
                            _ => {}
                        }
                    }
                }
                Payload::CustomSection(section) if section.name().starts_with(COMPONENT_TYPE) => {
                    module
                        .world_sections
                        .push((section.name().to_string(), section.data().to_vec()));
                }
                _ => {}
            }
        }
        Ok(module)
    }
}

/// The function type `ty` is, if it is one.
fn func_type(ty: &SubType) -> Option<CoreFuncType> {
    match &ty.composite_type.inner {
        CompositeInnerType::Func(func) => Some(func.into()),
        _ => None,
    }
}

/// `bytes` (a valid core module) without its `component-type` sections.
pub(crate) fn strip_world_sections(bytes: &[u8]) -> Result<Vec<u8>, wasmparser::BinaryReaderError> {
    let mut module = wasm_encoder::Module::new();
    for payload in Parser::new(0).parse_all(bytes) {
        let payload = payload?;
        if let Payload::CustomSection(section) = &payload {
            if section.name().starts_with(COMPONENT_TYPE) {
                continue;
            }
        }
        if let Some((id, range)) = payload.as_section() {
            // Ranges the parser gives lie within `bytes`.
            let data = usize::try_from(range.start)
                .ok()
                .zip(usize::try_from(range.end).ok())
                .and_then(|(start, end)| bytes.get(start..end))
                .unwrap_or_default();
            module.section(&wasm_encoder::RawSection { id, data });
        }
    }
    Ok(module.finish())
}
