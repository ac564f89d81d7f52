//! The engine: the compiler for this host, its settings, and what all
//! stores share (function type ids, the epoch counter, host trampolines).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use cranelift_codegen::isa::OwnedTargetIsa;

use crate::compile::{self, CompiledCode};
use crate::error::Error;
use crate::module::info::ModuleInfo;
use crate::types::FuncType;

/// Settings of an [`Engine`].
#[derive(Debug, Clone)]
pub struct Config {
    /// Bytes of native stack wasm may use before "call stack exhausted".
    pub max_wasm_stack: usize,
    /// The most bytes of linear memory one store may hold (`None`: no limit).
    pub memory_limit: Option<usize>,
    /// Compile a module's functions on several threads.
    pub parallel_compilation: bool,
    /// Count executed operators against a store's fuel
    /// ([`crate::Store::set_fuel`]).
    pub consume_fuel: bool,
    /// Check the engine's epoch at function entries and loop headers
    /// ([`crate::Store::set_epoch_deadline`], [`Engine::increment_epoch`]).
    pub epoch_interruption: bool,
    /// A directory where compiled code is kept between processes, keyed by
    /// a hash of the wasm and of what the code depends on (this weft build,
    /// the CPU, fuel and epochs): [`crate::Module::new`] and
    /// [`crate::component::Component::new`] load from it instead of
    /// compiling, and store what they compile. `None`: no cache.
    ///
    /// Created readable by this user only. Entries are trusted like
    /// [`crate::Module::deserialize`]'s input: whoever can write to the
    /// directory can choose the code its users run. Entries are never
    /// removed; deleting the directory is safe at any time.
    pub cache_dir: Option<std::path::PathBuf>,
}

impl Config {
    /// The cache directory hosts use unless told otherwise, the same for
    /// every weft host (Python, Go, the CLI): `$WEFT_CACHE_DIR` if set,
    /// else `weft` in the user's cache directory (`$XDG_CACHE_HOME`, else
    /// `~/Library/Caches` on macOS and `~/.cache` elsewhere). `None` when
    /// `$WEFT_NO_CACHE` is set to anything but empty or `0`, or no home
    /// directory is known.
    pub fn default_cache_dir() -> Option<std::path::PathBuf> {
        let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
        if var("WEFT_NO_CACHE").is_some_and(|v| v != "0") {
            return None;
        }
        if let Some(dir) = var("WEFT_CACHE_DIR") {
            return Some(dir.into());
        }
        let base = match var("XDG_CACHE_HOME") {
            Some(dir) => std::path::PathBuf::from(dir),
            None if cfg!(target_os = "macos") => {
                std::path::PathBuf::from(var("HOME")?).join("Library/Caches")
            }
            None => std::path::PathBuf::from(var("HOME")?).join(".cache"),
        };
        Some(base.join("weft"))
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_wasm_stack: 512 * 1024,
            memory_limit: None,
            parallel_compilation: true,
            consume_fuel: false,
            epoch_interruption: false,
            cache_dir: None,
        }
    }
}

/// Compiles modules and holds what every store of it shares. Cheap to
/// clone.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<EngineInner>,
}

struct EngineInner {
    config: Config,
    isa: OwnedTargetIsa,
    types: Mutex<TypeRegistry>,
    epoch: AtomicU64,
    host_trampolines: Mutex<HashMap<FuncType, Arc<CompiledCode>>>,
    /// What compiled code depends on (`artifact::fingerprint`), made once.
    fingerprint: std::sync::OnceLock<String>,
}

#[derive(Default)]
struct TypeRegistry {
    ids: HashMap<FuncType, u32>,
    types: Vec<FuncType>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("config", &self.inner.config)
            .finish()
    }
}

impl Engine {
    /// Whether two handles name the same engine.
    pub fn same(a: &Engine, b: &Engine) -> bool {
        Arc::ptr_eq(&a.inner, &b.inner)
    }

    /// An engine for this host with `config`.
    pub fn new(config: &Config) -> Result<Engine, Error> {
        crate::vm::traps::init();
        Ok(Engine {
            inner: Arc::new(EngineInner {
                config: config.clone(),
                isa: compile::host_isa()?,
                types: Mutex::default(),
                epoch: AtomicU64::new(0),
                host_trampolines: Mutex::default(),
                fingerprint: std::sync::OnceLock::new(),
            }),
        })
    }

    /// The engine's settings.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    pub(crate) fn isa(&self) -> &dyn cranelift_codegen::isa::TargetIsa {
        &*self.inner.isa
    }

    /// The fingerprint artifacts made with this engine carry.
    pub(crate) fn fingerprint(&self) -> &str {
        self.inner
            .fingerprint
            .get_or_init(|| crate::artifact::fingerprint::of(self))
    }

    /// Advances the epoch (for epoch interruption).
    #[inline]
    pub fn increment_epoch(&self) {
        self.inner.epoch.fetch_add(1, Ordering::Relaxed);
    }

    /// The current epoch.
    #[inline]
    pub fn current_epoch(&self) -> u64 {
        self.inner.epoch.load(Ordering::Relaxed)
    }

    pub(crate) fn epoch_counter(&self) -> *const AtomicU64 {
        &self.inner.epoch
    }

    /// The engine-wide id of a function type: equal types, equal ids.
    pub(crate) fn type_id(&self, ty: &FuncType) -> u32 {
        let mut registry = self.inner.types.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(id) = registry.ids.get(ty) {
            return *id;
        }
        let id = registry.types.len() as u32;
        registry.types.push(ty.clone());
        registry.ids.insert(ty.clone(), id);
        id
    }

    /// The function type of an id from [`Engine::type_id`].
    pub(crate) fn type_of_id(&self, id: u32) -> Option<FuncType> {
        let registry = self.inner.types.lock().unwrap_or_else(|e| e.into_inner());
        registry.types.get(id as usize).cloned()
    }

    /// The trampolines for host functions of type `ty`: compiled once per
    /// engine and type.
    pub(crate) fn host_trampolines(&self, ty: &FuncType) -> Result<Arc<CompiledCode>, Error> {
        let mut cache = self
            .inner
            .host_trampolines
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(code) = cache.get(ty) {
            return Ok(code.clone());
        }
        let info = ModuleInfo {
            types: vec![ty.clone()],
            ..ModuleInfo::default()
        };
        let code = Arc::new(compile::compile(self, &info, &[])?);
        cache.insert(ty.clone(), code.clone());
        Ok(code)
    }
}

impl Default for Engine {
    fn default() -> Self {
        Engine::new(&Config::default()).expect("the host architecture is supported")
    }
}
