//! The two engines behind one interface: compile, instantiate, prepare a
//! kernel call, and time tight call loops with each engine's own API.
//!
//! Everything measured goes through the engines' public APIs as an
//! embedder would use them. Calls are measured with each engine's typed
//! API (`TypedFunc::call` in both) and with its dynamic API (`Func::call`
//! with `Val`s in both), typed against typed and dynamic against dynamic.

use std::time::{Duration, Instant};

/// A kernel's result, compared bit for bit between the engines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    I32(u32),
    I64(u64),
    /// An `f64`, as its bits.
    F64(u64),
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::I32(v) => write!(f, "{v}"),
            Value::I64(v) => write!(f, "{v}"),
            Value::F64(bits) => write!(f, "{:.9}", f64::from_bits(*bits)),
        }
    }
}

/// The result type of a kernel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultKind {
    I32,
    I64,
    F64,
}

/// One call of an exported function with `u32` arguments.
#[derive(Debug, Clone)]
pub struct Call {
    pub export: String,
    pub args: Vec<u32>,
    pub result: ResultKind,
}

/// Which tight call loop to time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallLoop {
    /// `noop()` through the fastest API.
    Noop,
    /// `fib(1)` (one parameter, one result) through the fastest API.
    Fib1,
    /// `noop()` through the dynamic, `Val`-based API.
    NoopDynamic,
    /// `fib(1)` through the dynamic, `Val`-based API.
    Fib1Dynamic,
}

/// What the benchmark needs of an engine.
pub trait Runtime {
    type Module;
    type Instance;

    /// Compiles (and validates) a module binary.
    fn compile(&self, wasm: &[u8]) -> Result<Self::Module, String>;
    /// The module's compiled code as the engine's precompiled artifact.
    fn serialize(&self, module: &Self::Module) -> Vec<u8>;
    /// Loads a module from an artifact `serialize` made.
    fn deserialize(&self, artifact: &[u8]) -> Result<Self::Module, String>;
    /// A new store and an instance of `module` in it (no imports).
    fn instantiate(&self, module: &Self::Module) -> Result<Self::Instance, String>;
    /// Looks `call` up once; the returned closure calls it.
    #[allow(clippy::type_complexity)]
    fn prepare(
        &self,
        instance: &mut Self::Instance,
        call: &Call,
    ) -> Result<Box<dyn FnMut(&mut Self::Instance) -> Value>, String>;
    /// Whether the instance exports a function `name` (a lookup by name
    /// with the engine's `Instance::get_func`).
    fn has_func(&self, instance: &mut Self::Instance, name: &str) -> bool;
    /// The time `calls` calls of one kind take, back to back.
    fn call_loop(&self, instance: &mut Self::Instance, kind: CallLoop, calls: u32) -> Duration;
}

// ------------------------------------------------------------------ weft

pub struct Weft {
    engine: weft_runtime::Engine,
}

pub struct WeftInstance {
    store: weft_runtime::Store<()>,
    instance: weft_runtime::Instance,
}

impl Weft {
    pub fn new() -> Weft {
        // The defaults: parallel compilation, no memory limit, no fuel or
        // epoch deadlines.
        let engine = weft_runtime::Engine::new(&weft_runtime::Config::default())
            .expect("weft supports this host");
        Weft { engine }
    }

    fn func(instance: &mut WeftInstance, name: &str) -> Result<weft_runtime::Func, String> {
        instance
            .instance
            .get_func(&mut instance.store, name)
            .ok_or_else(|| format!("weft: no exported function `{name}`"))
    }
}

impl Runtime for Weft {
    type Module = weft_runtime::Module;
    type Instance = WeftInstance;

    fn compile(&self, wasm: &[u8]) -> Result<Self::Module, String> {
        weft_runtime::Module::new(&self.engine, wasm).map_err(|e| format!("weft: {e}"))
    }

    fn serialize(&self, module: &Self::Module) -> Vec<u8> {
        module.serialize()
    }

    fn deserialize(&self, artifact: &[u8]) -> Result<Self::Module, String> {
        // SAFETY: the benchmark deserializes only what `serialize` made.
        unsafe { weft_runtime::Module::deserialize(&self.engine, artifact) }
            .map_err(|e| format!("weft: {e}"))
    }

    fn instantiate(&self, module: &Self::Module) -> Result<Self::Instance, String> {
        let mut store = weft_runtime::Store::new(&self.engine, ());
        let instance = weft_runtime::Linker::new(&self.engine)
            .instantiate(&mut store, module)
            .map_err(|e| format!("weft: {e}"))?;
        Ok(WeftInstance { store, instance })
    }

    fn prepare(
        &self,
        instance: &mut Self::Instance,
        call: &Call,
    ) -> Result<Box<dyn FnMut(&mut Self::Instance) -> Value>, String> {
        use weft_runtime::Val;
        let func = Self::func(instance, &call.export)?;
        let params: Vec<Val> = call.args.iter().map(|a| Val::I32(*a as i32)).collect();
        let kind = call.result;
        let export = call.export.clone();
        Ok(Box::new(move |instance: &mut WeftInstance| {
            let mut results = [match kind {
                ResultKind::I32 => Val::I32(0),
                ResultKind::I64 => Val::I64(0),
                ResultKind::F64 => Val::F64(0),
            }];
            if let Err(e) = func.call(&mut instance.store, &params, &mut results) {
                panic!("weft: calling `{export}`: {e}");
            }
            match results[0] {
                Val::I32(v) => Value::I32(v as u32),
                Val::I64(v) => Value::I64(v as u64),
                Val::F64(bits) => Value::F64(bits),
                other => panic!("weft: `{export}` returned {other:?}"),
            }
        }))
    }

    fn has_func(&self, instance: &mut Self::Instance, name: &str) -> bool {
        instance
            .instance
            .get_func(&mut instance.store, name)
            .is_some()
    }

    fn call_loop(&self, instance: &mut Self::Instance, kind: CallLoop, calls: u32) -> Duration {
        use weft_runtime::Val;
        match kind {
            CallLoop::Noop => {
                let func = Self::func(instance, "noop").expect("noop");
                let store = &mut instance.store;
                let typed = func.typed::<(), (), _>(store).expect("noop: () -> ()");
                let start = Instant::now();
                for _ in 0..calls {
                    typed.call(store, ()).expect("noop");
                }
                start.elapsed()
            }
            CallLoop::NoopDynamic => {
                let func = Self::func(instance, "noop").expect("noop");
                let store = &mut instance.store;
                let start = Instant::now();
                for _ in 0..calls {
                    func.call(store, &[], &mut []).expect("noop");
                }
                start.elapsed()
            }
            CallLoop::Fib1 => {
                let func = Self::func(instance, "fib").expect("fib");
                let store = &mut instance.store;
                let typed = func.typed::<u32, u64, _>(store).expect("fib: u32 -> u64");
                let mut result = 0;
                let start = Instant::now();
                for _ in 0..calls {
                    result = typed.call(store, 1).expect("fib");
                }
                let elapsed = start.elapsed();
                assert_eq!(result, 1);
                elapsed
            }
            CallLoop::Fib1Dynamic => {
                let func = Self::func(instance, "fib").expect("fib");
                let store = &mut instance.store;
                let mut results = [Val::I64(0)];
                let start = Instant::now();
                for _ in 0..calls {
                    func.call(store, &[Val::I32(1)], &mut results).expect("fib");
                }
                let elapsed = start.elapsed();
                assert_eq!(results[0], Val::I64(1));
                elapsed
            }
        }
    }
}

// -------------------------------------------------------------- wasmtime

pub struct Wasmtime {
    engine: wasmtime::Engine,
}

pub struct WasmtimeInstance {
    store: wasmtime::Store<()>,
    instance: wasmtime::Instance,
}

impl Wasmtime {
    pub fn new() -> Wasmtime {
        // Comparable to weft: Cranelift at opt level "speed", parallel
        // compilation, no fuel, no epochs, the default memory
        // reservation and guard pages (so no explicit bounds checks), no
        // compilation cache (the `cache` feature is not even built).
        let mut config = wasmtime::Config::new();
        config
            .strategy(wasmtime::Strategy::Cranelift)
            .cranelift_opt_level(wasmtime::OptLevel::Speed)
            .consume_fuel(false)
            .epoch_interruption(false)
            .parallel_compilation(true);
        let engine = wasmtime::Engine::new(&config).expect("wasmtime supports this host");
        Wasmtime { engine }
    }
}

fn typed<P, R>(
    instance: &mut WasmtimeInstance,
    name: &str,
) -> Result<wasmtime::TypedFunc<P, R>, String>
where
    P: wasmtime::WasmParams,
    R: wasmtime::WasmResults,
{
    instance
        .instance
        .get_typed_func::<P, R>(&mut instance.store, name)
        .map_err(|e| format!("wasmtime: `{name}`: {e}"))
}

impl Runtime for Wasmtime {
    type Module = wasmtime::Module;
    type Instance = WasmtimeInstance;

    fn compile(&self, wasm: &[u8]) -> Result<Self::Module, String> {
        wasmtime::Module::new(&self.engine, wasm).map_err(|e| format!("wasmtime: {e}"))
    }

    fn serialize(&self, module: &Self::Module) -> Vec<u8> {
        module.serialize().expect("wasmtime serializes a module it compiled")
    }

    fn deserialize(&self, artifact: &[u8]) -> Result<Self::Module, String> {
        // SAFETY: the benchmark deserializes only what `serialize` made.
        unsafe { wasmtime::Module::deserialize(&self.engine, artifact) }
            .map_err(|e| format!("wasmtime: {e}"))
    }

    fn instantiate(&self, module: &Self::Module) -> Result<Self::Instance, String> {
        let mut store = wasmtime::Store::new(&self.engine, ());
        let instance = wasmtime::Instance::new(&mut store, module, &[])
            .map_err(|e| format!("wasmtime: {e}"))?;
        Ok(WasmtimeInstance { store, instance })
    }

    fn prepare(
        &self,
        instance: &mut Self::Instance,
        call: &Call,
    ) -> Result<Box<dyn FnMut(&mut Self::Instance) -> Value>, String> {
        let export = call.export.clone();
        let fail = move |e: wasmtime::Error| -> ! { panic!("wasmtime: calling `{export}`: {e}") };
        let a = call.args.clone();
        Ok(match (call.args.len(), call.result) {
            (0, ResultKind::I32) => {
                let f = typed::<(), u32>(instance, &call.export)?;
                Box::new(move |i: &mut WasmtimeInstance| {
                    Value::I32(f.call(&mut i.store, ()).unwrap_or_else(|e| fail(e)))
                })
            }
            (1, ResultKind::I32) => {
                let f = typed::<u32, u32>(instance, &call.export)?;
                Box::new(move |i: &mut WasmtimeInstance| {
                    Value::I32(f.call(&mut i.store, a[0]).unwrap_or_else(|e| fail(e)))
                })
            }
            (1, ResultKind::I64) => {
                let f = typed::<u32, u64>(instance, &call.export)?;
                Box::new(move |i: &mut WasmtimeInstance| {
                    Value::I64(f.call(&mut i.store, a[0]).unwrap_or_else(|e| fail(e)))
                })
            }
            (1, ResultKind::F64) => {
                let f = typed::<u32, f64>(instance, &call.export)?;
                Box::new(move |i: &mut WasmtimeInstance| {
                    let v = f.call(&mut i.store, a[0]).unwrap_or_else(|e| fail(e));
                    Value::F64(v.to_bits())
                })
            }
            (2, ResultKind::I32) => {
                let f = typed::<(u32, u32), u32>(instance, &call.export)?;
                Box::new(move |i: &mut WasmtimeInstance| {
                    Value::I32(
                        f.call(&mut i.store, (a[0], a[1]))
                            .unwrap_or_else(|e| fail(e)),
                    )
                })
            }
            (3, ResultKind::I32) => {
                let f = typed::<(u32, u32, u32), u32>(instance, &call.export)?;
                Box::new(move |i: &mut WasmtimeInstance| {
                    Value::I32(
                        f.call(&mut i.store, (a[0], a[1], a[2]))
                            .unwrap_or_else(|e| fail(e)),
                    )
                })
            }
            (n, kind) => return Err(format!("no typed signature for {n} u32 args -> {kind:?}")),
        })
    }

    fn has_func(&self, instance: &mut Self::Instance, name: &str) -> bool {
        instance
            .instance
            .get_func(&mut instance.store, name)
            .is_some()
    }

    fn call_loop(&self, instance: &mut Self::Instance, kind: CallLoop, calls: u32) -> Duration {
        use wasmtime::Val;
        match kind {
            CallLoop::Noop => {
                let f = typed::<(), ()>(instance, "noop").expect("noop");
                let store = &mut instance.store;
                let start = Instant::now();
                for _ in 0..calls {
                    f.call(&mut *store, ()).expect("noop");
                }
                start.elapsed()
            }
            CallLoop::Fib1 => {
                let f = typed::<u32, u64>(instance, "fib").expect("fib");
                let store = &mut instance.store;
                let mut last = 0;
                let start = Instant::now();
                for _ in 0..calls {
                    last = f.call(&mut *store, 1).expect("fib");
                }
                let elapsed = start.elapsed();
                assert_eq!(last, 1);
                elapsed
            }
            CallLoop::NoopDynamic => {
                let f = instance
                    .instance
                    .get_func(&mut instance.store, "noop")
                    .expect("noop");
                let store = &mut instance.store;
                let start = Instant::now();
                for _ in 0..calls {
                    f.call(&mut *store, &[], &mut []).expect("noop");
                }
                start.elapsed()
            }
            CallLoop::Fib1Dynamic => {
                let f = instance
                    .instance
                    .get_func(&mut instance.store, "fib")
                    .expect("fib");
                let store = &mut instance.store;
                let mut results = [Val::I64(0)];
                let start = Instant::now();
                for _ in 0..calls {
                    f.call(&mut *store, &[Val::I32(1)], &mut results)
                        .expect("fib");
                }
                let elapsed = start.elapsed();
                assert_eq!(results[0].i64(), Some(1));
                elapsed
            }
        }
    }
}
