//! Modules: validated, compiled, ready to instantiate many times.

pub mod info;

use std::sync::Arc;

use crate::artifact::{self, Cache, Kind};
use crate::compile::{self, CodeImage, CompiledCode};
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
    from_cache: bool,
}

impl std::fmt::Debug for Module {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Module")
            .field("name", &self.inner.info.name)
            .finish()
    }
}

impl Module {
    /// Validates and compiles a module binary (or loads it from the
    /// engine's [`crate::Config::cache_dir`]).
    pub fn new(engine: &Engine, wasm: &[u8]) -> Result<Module, Error> {
        match Cache::of(engine, Kind::Module, wasm) {
            None => Self::compile(engine, wasm),
            Some(cache) => {
                let load = |bytes: &[u8]| {
                    // SAFETY: cache entries are trusted (`Config::cache_dir`).
                    let module = unsafe { Module::deserialize(engine, bytes) }?;
                    (*module.wasm() == *wasm)
                        .then_some(module)
                        .ok_or_else(|| Error::Artifact("the cache entry holds other wasm".into()))
                };
                let compile = || Self::compile(engine, wasm);
                let (mut module, from_cache) =
                    cache.load_or_compile(load, compile, Module::serialize)?;
                if let Some(inner) = Arc::get_mut(&mut module.inner) {
                    inner.from_cache = from_cache;
                }
                Ok(module)
            }
        }
    }

    /// Validates and compiles, without the cache (a component's modules
    /// are cached as part of it).
    pub(crate) fn compile(engine: &Engine, wasm: &[u8]) -> Result<Module, Error> {
        let info = ModuleInfo::parse(wasm)?;
        let code = compile::compile(engine, &info, wasm)?;
        Ok(Self::from_parts(engine, wasm, info, code))
    }

    fn from_parts(engine: &Engine, wasm: &[u8], info: ModuleInfo, code: CompiledCode) -> Module {
        let type_ids = info.types.iter().map(|t| engine.type_id(t)).collect();
        Module {
            inner: Arc::new(ModuleInner {
                engine: engine.clone(),
                wasm: wasm.into(),
                info,
                code,
                type_ids,
                from_cache: false,
            }),
        }
    }

    /// Whether [`Module::new`] loaded this module's code from the engine's
    /// cache rather than compiling it.
    pub fn from_cache(&self) -> bool {
        self.inner.from_cache
    }

    /// The module with its compiled code, as an artifact that
    /// [`Module::deserialize`] loads without compiling, in this or another
    /// process using the same weft build on a like machine.
    pub fn serialize(&self) -> Vec<u8> {
        artifact::encode(
            &self.inner.engine,
            Kind::Module,
            &self.inner.wasm,
            &[self.inner.code.image()],
        )
    }

    /// Loads a module from an artifact made by [`Module::serialize`]. An
    /// artifact from another weft build, for another CPU, with other
    /// settings (fuel, epochs) or damaged is refused with
    /// [`Error::Artifact`] saying which.
    ///
    /// # Safety
    ///
    /// The machine code in `bytes` is mapped and run as it is: only the
    /// wasm and the artifact's structure are checked. `bytes` must come
    /// from `serialize` (of this or a compatible weft), not from anyone
    /// who could choose its contents.
    pub unsafe fn deserialize(engine: &Engine, bytes: &[u8]) -> Result<Module, Error> {
        let artifact = artifact::decode(engine, Kind::Module, bytes)?;
        let [image] = <[_; 1]>::try_from(artifact.images).map_err(|images| {
            Error::Artifact(format!(
                "a module artifact holds {} code images",
                images.len()
            ))
        })?;
        Self::precompiled(engine, artifact.wasm, image)
    }

    /// A module from its wasm and the code compiled from it earlier.
    pub(crate) fn precompiled(
        engine: &Engine,
        wasm: &[u8],
        image: CodeImage<'_>,
    ) -> Result<Module, Error> {
        let info = ModuleInfo::parse_precompiled(wasm)?;
        let expected = (info.defined_funcs() as usize, info.types.len());
        let found = (image.funcs.len(), image.array_calls.len());
        if expected != found || image.host_calls.len() != info.types.len() {
            return Err(Error::Artifact(format!(
                "the code does not fit the wasm: {} functions and {} types, code for {} and {}",
                expected.0, expected.1, found.0, found.1
            )));
        }
        Ok(Self::from_parts(engine, wasm, info, image.load()?))
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
