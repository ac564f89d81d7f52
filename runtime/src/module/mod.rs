//! Modules: validated, compiled, ready to instantiate many times.

pub mod info;

use std::sync::Arc;

use crate::compile::{self, CompiledCode};
use crate::engine::Engine;
use crate::error::Error;
use crate::types::ExternType;
use info::{EntityIndex, ModuleInfo};

/// A compiled WebAssembly module. Cheap to clone.
#[derive(Clone)]
pub struct Module {
    inner: Arc<ModuleInner>,
}

struct ModuleInner {
    engine: Engine,
    wasm: Box<[u8]>,
    info: ModuleInfo,
    code: CompiledCode,
    /// Engine type id of each type index.
    type_ids: Box<[u32]>,
}

impl std::fmt::Debug for Module {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Module")
            .field("name", &self.inner.info.name)
            .finish()
    }
}

impl Module {
    /// Validates and compiles a module binary.
    pub fn new(engine: &Engine, wasm: &[u8]) -> Result<Module, Error> {
        let info = ModuleInfo::parse(wasm)?;
        let code = compile::compile(engine, &info, wasm)?;
        let type_ids = info.types.iter().map(|t| engine.type_id(t)).collect();
        Ok(Module {
            inner: Arc::new(ModuleInner {
                engine: engine.clone(),
                wasm: wasm.into(),
                info,
                code,
                type_ids,
            }),
        })
    }

    /// The module's name, from its name section.
    pub fn name(&self) -> Option<&str> {
        self.inner.info.name.as_deref()
    }

    /// The imports: module name, item name and type.
    pub fn imports(&self) -> impl Iterator<Item = (&str, &str, ExternType)> + '_ {
        self.inner
            .info
            .imports
            .iter()
            .map(|i| (i.module.as_str(), i.name.as_str(), self.entity_type(i.kind)))
    }

    /// The exports: name and type.
    pub fn exports(&self) -> impl Iterator<Item = (&str, ExternType)> + '_ {
        self.inner
            .info
            .exports
            .iter()
            .map(|(name, index)| (name.as_str(), self.entity_type(*index)))
    }

    pub(crate) fn entity_type(&self, index: EntityIndex) -> ExternType {
        let info = &self.inner.info;
        match index {
            EntityIndex::Func(i) => ExternType::Func(info.func_type(i).clone()),
            EntityIndex::Table(i) => ExternType::Table(info.tables[i as usize]),
            EntityIndex::Memory(i) => ExternType::Memory(info.memories[i as usize]),
            EntityIndex::Global(i) => ExternType::Global(info.globals[i as usize]),
        }
    }

    pub(crate) fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    pub(crate) fn info(&self) -> &ModuleInfo {
        &self.inner.info
    }

    pub(crate) fn wasm(&self) -> &[u8] {
        &self.inner.wasm
    }

    pub(crate) fn code(&self) -> &CompiledCode {
        &self.inner.code
    }

    pub(crate) fn type_ids(&self) -> &[u32] {
        &self.inner.type_ids
    }

    /// Whether two handles are the same module.
    pub fn same(a: &Module, b: &Module) -> bool {
        Arc::ptr_eq(&a.inner, &b.inner)
    }
}
