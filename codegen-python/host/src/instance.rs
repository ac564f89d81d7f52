//! Components, instances and host functions.
//!
//! An [`Instance`] owns a store (behind a lock kept under the GIL,
//! `store_lock.rs`: one call at a time; the GIL is released while wasm
//! runs, so other Python threads go on) with
//! one component instance. Each function asked of it is prepared once
//! (`RawFunc` and conversion plans) into a [`Func`] (`func.rs`), whose
//! call lowers the Python arguments, runs the component without the GIL,
//! and lifts the result.

use std::collections::HashMap;
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError, Weak};

use pyo3::exceptions::{PyKeyboardInterrupt, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyMapping, PyString, PyTuple, PyType};
use weft_runtime::component::{
    Component as RtComponent, FuncType, Instance as RtInstance, Linker, RawFunc, RawHostCall,
    Resource as RtResource, ResourceType,
};
use weft_runtime::{Store, Trap as RtTrap, TrapKind};

use crate::convert::{self, At, Ctx, Fail};
use crate::desc::{descs_of, opt_desc_of, type_name, Desc, ResourceDesc, ResourceTypeDesc};
use crate::errors::{runtime_error, trap_error, Error, Trap};
use crate::fastcall::MethodDef;
use crate::func::Func;
use crate::plan::{self, Kind, Plan, ResKind, Resolve, Style};
use crate::resource::Slab;
use crate::scalar::is_scalar;
use crate::store_lock::{Refused, StoreGuard, StoreLock};

/// The most flat parameters a function takes before they go through
/// memory (the canonical ABI's `MAX_FLAT_PARAMS`).
pub(crate) const MAX_FLAT_PARAMS: usize = 16;

/// Whether calls release the GIL while wasm runs (on by default; off only
/// to measure what releasing costs).
pub(crate) static RELEASE_GIL: AtomicBool = AtomicBool::new(true);

/// `weft.set_release_gil(release)`: whether calls release the GIL while
/// wasm runs (the default), so that other Python threads run meanwhile,
/// or keep it, which saves about 45 ns a call (a third of a no-op call)
/// for programs whose calls are short and whose other threads can wait.
/// Process-wide; host functions run with the GIL either way.
#[pyfunction]
fn set_release_gil(release: bool) {
    RELEASE_GIL.store(release, Ordering::Relaxed);
}

/// A value moved to a thread-agnostic closure for `Python::detach`: the
/// closure runs on the calling thread, the GIL merely released.
pub(crate) struct AssertSend<T>(pub(crate) T);

// SAFETY: `Python::detach` runs its closure on the current thread; the
// bound only keeps Python objects out, and none are inside.
#[allow(unsafe_code)]
unsafe impl<T> Send for AssertSend<T> {}

impl<T> AssertSend<T> {
    pub(crate) fn into_inner(self) -> T {
        self.0
    }
}

/// What an instance's calls and its host functions share.
pub struct Shared {
    /// A Python exception a host function raised, for the trap it caused.
    pending: Mutex<Option<PyErr>>,
    /// Set by the first trap: the instance is not used again. (A
    /// `OnceLock`: every call reads it, with one atomic load.)
    poisoned: OnceLock<String>,
    /// Classes set with `set_class`, by resource descriptor.
    classes: Mutex<HashMap<u64, Py<PyType>>>,
    /// The host's resource types, by descriptor.
    host_types: HashMap<u64, (ResourceType, Arc<Slab>)>,
    /// Resources whose objects were collected while the store was busy.
    drops: Mutex<Vec<RtResource>>,
    /// Whether `drops` may hold any: every call ends by checking, without
    /// taking the lock when there are none.
    drops_pending: AtomicBool,
    /// The instance, once made.
    core: OnceLock<Weak<Core>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    /// The class of objects of an exported resource.
    pub fn class_of<'py>(
        &self,
        py: Python<'py>,
        desc: &ResourceDesc,
    ) -> Option<Bound<'py, PyType>> {
        if let Some(cls) = lock(&self.classes).get(&desc.id) {
            return Some(cls.bind(py).clone());
        }
        desc.cls.as_ref().map(|c| c.bind(py).clone())
    }

    fn core(&self) -> Option<Arc<Core>> {
        self.core.get().and_then(Weak::upgrade)
    }

    pub(crate) fn check_poisoned(&self) -> PyResult<()> {
        match self.poisoned.get() {
            Some(message) => Err(Trap::new_err(format!(
                "the instance trapped earlier and cannot be used again; make a new instance \
                 (the trap: {message})"
            ))),
            None => Ok(()),
        }
    }

    /// The Python error for a runtime error of a call; a trap poisons the
    /// instance and is chained to the host exception that caused it (a
    /// `KeyboardInterrupt` in a host function, Ctrl-C while it ran, is
    /// raised as is).
    pub(crate) fn error(&self, py: Python<'_>, err: &weft_runtime::Error) -> PyErr {
        let pending = lock(&self.pending).take();
        match err.as_trap() {
            Some(trap) => {
                let _ = self.poisoned.set(trap.kind.to_string());
                if let Some(cause) = pending.as_ref() {
                    if cause.is_instance_of::<PyKeyboardInterrupt>(py) {
                        return cause.clone_ref(py);
                    }
                }
                let err = trap_error(py, trap);
                if let Some(cause) = pending {
                    err.set_cause(py, Some(cause));
                }
                err
            }
            None => runtime_error(err),
        }
    }

    /// A conversion failure of a call: a trap (an invalid value from the
    /// component, a failed `realloc`) poisons the instance.
    pub(crate) fn fail(&self, fail: Fail, func: &str) -> PyErr {
        if let Fail::Lift(err) = &fail {
            let _ = self.poisoned.set(err.to_string());
        }
        fail.into_pyerr(func)
    }
}

/// An instance's state: its store and component instance.
pub struct Core {
    /// The store, one call at a time (kept under the GIL).
    store: StoreLock,
    instance: RtInstance,
    pub shared: Arc<Shared>,
}

/// The store, held by the current thread (given back when dropped, with
/// the GIL held).
pub(crate) struct Guard<'a, 'py> {
    guard: StoreGuard<'a, 'py>,
    /// An epoch deadline is set (a call from the main thread).
    armed: bool,
}

impl Guard<'_, '_> {
    /// Lets the next `SIGINT` interrupt wasm running in the store.
    pub(crate) fn arm(&mut self) {
        self.guard.set_epoch_deadline(1);
        self.armed = true;
    }

    /// No deadline again: destructors and calls from other threads run to
    /// the end.
    pub(crate) fn disarm(&mut self) {
        if self.armed {
            self.guard.set_epoch_deadline(u64::MAX);
            self.armed = false;
        }
    }
}

impl Deref for Guard<'_, '_> {
    type Target = Store<()>;
    fn deref(&self) -> &Store<()> {
        &self.guard
    }
}

impl DerefMut for Guard<'_, '_> {
    fn deref_mut(&mut self) -> &mut Store<()> {
        &mut self.guard
    }
}

impl Drop for Guard<'_, '_> {
    fn drop(&mut self) {
        self.disarm();
    }
}

impl Core {
    /// Takes the store: at once if free, else waiting without the GIL. A
    /// thread that already holds it (a host function calling back into
    /// its instance) is refused.
    /// `me` is the current thread's `interrupt::current_thread`.
    pub(crate) fn lock<'py>(&self, py: Python<'py>, me: u64) -> PyResult<Guard<'_, 'py>> {
        match self.store.lock(py, me) {
            Ok(guard) => Ok(Guard {
                guard,
                armed: false,
            }),
            Err(Refused::Reentrant) => Err(Error::new_err(
                "the instance is already running a call on this thread \
                 (a host function called back into the component that called it)",
            )),
        }
    }

    /// Drops `res` now (`Resource.close`).
    pub fn drop_resource(&self, py: Python<'_>, res: RtResource) -> PyResult<()> {
        if self.shared.poisoned.get().is_some() {
            return Ok(());
        }
        let mut store = self.lock(py, crate::interrupt::current_thread())?;
        let outcome = RtResource::drop(res, &mut store);
        let outcome = outcome.map_err(|e| self.shared.error(py, &e));
        self.flush_drops(py, &mut store);
        outcome
    }

    /// Drops `res` now if the store is free, else at the end of the call
    /// that holds it (an object collected during a call).
    pub fn drop_resource_soon(&self, py: Python<'_>, res: RtResource) -> PyResult<()> {
        if self.shared.poisoned.get().is_some() {
            return Ok(());
        }
        if let Some(guard) = self.store.try_lock(py, crate::interrupt::current_thread()) {
            let mut store = Guard {
                guard,
                armed: false,
            };
            let outcome = RtResource::drop(res, &mut store);
            self.flush_drops(py, &mut store);
            return outcome.map_err(|e| self.shared.error(py, &e));
        }
        lock(&self.shared.drops).push(res);
        self.shared.drops_pending.store(true, Ordering::Release);
        Ok(())
    }

    /// Drops the resources whose objects were collected while the store
    /// was busy.
    pub(crate) fn flush_drops(&self, py: Python<'_>, store: &mut Store<()>) {
        // A plain load first: the swap, an atomic write, only when some
        // are pending (rarely; every call ends here).
        if !self.shared.drops_pending.load(Ordering::Acquire)
            || !self.shared.drops_pending.swap(false, Ordering::AcqRel)
        {
            return;
        }
        let drops = std::mem::take(&mut *lock(&self.shared.drops));
        for res in drops {
            if let Err(err) = RtResource::drop(res, store) {
                self.shared.error(py, &err).write_unraisable(py, None);
            }
        }
    }
}

/// `weft.Component`: a compiled component.
#[pyclass(frozen, module = "weft", name = "Component")]
pub struct Component {
    component: RtComponent,
}

#[pymethods]
impl Component {
    #[new]
    fn new(py: Python<'_>, wasm: &Bound<'_, PyAny>) -> PyResult<Component> {
        let bytes: Vec<u8> = if let Ok(b) = wasm.cast::<pyo3::types::PyBytes>() {
            b.as_bytes().to_vec()
        } else {
            pyo3::buffer::PyBuffer::<u8>::get(wasm)
                .map_err(|_| {
                    PyTypeError::new_err(format!(
                        "Component() takes the component's bytes, not {}",
                        type_name(wasm)
                    ))
                })?
                .to_vec(py)?
        };
        compile(py, bytes)
    }

    #[staticmethod]
    fn from_file(py: Python<'_>, path: std::path::PathBuf) -> PyResult<Component> {
        let bytes = std::fs::read(&path).map_err(|e| {
            Error::new_err(format!("cannot read component {}: {e}", path.display()))
        })?;
        compile(py, bytes)
    }

    /// Whether the compiled code was loaded from the cache directory
    /// rather than compiled.
    #[getter(from_cache)]
    fn loaded_from_cache(&self) -> bool {
        self.component.from_cache()
    }
}

/// Compiles a component (or loads its code from the cache) without the
/// GIL.
fn compile(py: Python<'_>, bytes: Vec<u8>) -> PyResult<Component> {
    let component = py
        .detach(move || RtComponent::new(crate::engine(), &bytes))
        .map_err(|e| Error::new_err(format!("invalid component: {e}")))?;
    Ok(Component { component })
}

/// A host function's definition, shared by the instances using it.
pub struct HostDef {
    /// The callable, or the method name (`str`).
    imp: Py<PyAny>,
    method: Option<Py<PyString>>,
    params: Vec<Arc<Desc>>,
    result: Option<Arc<Desc>>,
    raises: Option<Py<PyType>>,
}

/// `weft.HostFunc`: made by `weft.host_func`.
#[pyclass(frozen, module = "weft", name = "HostFunc")]
pub struct HostFunc {
    def: Arc<HostDef>,
}

#[pyfunction]
#[pyo3(signature = (r#impl, params, result = None, *, raises = None))]
fn host_func(
    r#impl: &Bound<'_, PyAny>,
    params: &Bound<'_, PyAny>,
    result: Option<&Bound<'_, PyAny>>,
    raises: Option<Bound<'_, PyType>>,
) -> PyResult<HostFunc> {
    let params = descs_of(params, "parameter")?;
    let result = opt_desc_of(result, "the result type")?;
    let method = match r#impl.cast::<PyString>() {
        Ok(name) => {
            if !matches!(
                params.first().map(|d| &**d),
                Some(Desc::Own(_) | Desc::Borrow(_))
            ) {
                return Err(PyTypeError::new_err(format!(
                    "method {name} of a function whose first parameter is no resource"
                )));
            }
            Some(name.clone().unbind())
        }
        Err(_) if r#impl.is_callable() => None,
        Err(_) => {
            return Err(PyTypeError::new_err(format!(
                "a host function must be callable or a method name, not {}",
                type_name(r#impl)
            )))
        }
    };
    check_raises(raises.as_ref(), result.as_deref())?;
    Ok(HostFunc {
        def: Arc::new(HostDef {
            imp: r#impl.clone().unbind(),
            method,
            params,
            result,
            raises: raises.map(Bound::unbind),
        }),
    })
}

fn check_raises(raises: Option<&Bound<'_, PyType>>, result: Option<&Desc>) -> PyResult<()> {
    if raises.is_some() && !matches!(result, Some(Desc::Result { .. })) {
        return Err(PyTypeError::new_err(
            "raises= is for functions whose result is a result type",
        ));
    }
    Ok(())
}

/// How one function's values convert, and where they go.
pub(crate) struct Signature {
    pub(crate) params: Vec<(String, Plan)>,
    pub(crate) params_in_memory: bool,
    pub(crate) offsets: Vec<u32>,
    pub(crate) result: Option<Plan>,
    pub(crate) result_in_memory: bool,
}

impl Signature {
    fn build(
        py: Python<'_>,
        func: &str,
        ty: &FuncType,
        params: &[Arc<Desc>],
        result: Option<&Arc<Desc>>,
        resolve: &dyn Resolve,
    ) -> Result<Signature, String> {
        if params.len() != ty.params.len() {
            return Err(format!(
                "{func}: {} parameters in the component, {} here",
                ty.params.len(),
                params.len()
            ));
        }
        let mut plans = Vec::new();
        for (i, (desc, (name, t))) in params.iter().zip(&ty.params).enumerate() {
            let plan = plan::build(py, desc, t, resolve)
                .map_err(|e| format!("{func}: parameter {} ({name}): {e}", i + 1))?;
            plans.push((name.clone(), plan));
        }
        let result = match (result, &ty.result) {
            (None, None) => None,
            (Some(d), Some(t)) => {
                Some(plan::build(py, d, t, resolve).map_err(|e| format!("{func}: result: {e}"))?)
            }
            (None, Some(t)) => {
                return Err(format!(
                    "{func}: returns {t} in the component, nothing here"
                ))
            }
            (Some(d), None) => {
                return Err(format!(
                    "{func}: returns nothing in the component, {d} here"
                ))
            }
        };
        let flat: usize = plans
            .iter()
            .map(|(_, p)| p.flat)
            .fold(0, usize::saturating_add);
        Ok(Signature {
            params_in_memory: flat > 16,
            offsets: ty.param_offsets(),
            result_in_memory: result.as_ref().is_some_and(|r| r.flat > 1),
            params: plans,
            result,
        })
    }
}

/// Resolves resource descriptors for an exported function.
struct ExportResolve<'a> {
    shared: &'a Shared,
    raw: &'a RawFunc,
    exported: &'a dyn Fn(&ResourceDesc) -> Option<ResourceType>,
}

impl Resolve for ExportResolve<'_> {
    fn resolve(&self, desc: &Arc<ResourceDesc>, slot: u32) -> Result<ResKind, String> {
        resolve(
            self.shared,
            desc,
            self.raw.resource_type(slot),
            self.exported,
        )
    }
}

fn resolve(
    shared: &Shared,
    desc: &Arc<ResourceDesc>,
    actual: Option<ResourceType>,
    exported: &dyn Fn(&ResourceDesc) -> Option<ResourceType>,
) -> Result<ResKind, String> {
    if desc.cls.is_none() {
        let (ty, slab) = shared.host_types.get(&desc.id).ok_or_else(|| {
            format!(
                "the host resource {} is not among the instance's imports",
                desc.name
            )
        })?;
        if actual.is_some_and(|a| a != *ty) {
            return Err(format!(
                "resource {} is another resource type in the component",
                desc.name
            ));
        }
        return Ok(ResKind::Host(*ty, slab.clone()));
    }
    if let (Some(expected), Some(actual)) = (exported(desc), actual) {
        if expected != actual {
            return Err(format!(
                "resource {} is another resource type in the component",
                desc.export_path()
            ));
        }
    }
    Ok(ResKind::Exported(actual))
}

/// Resolves resource descriptors for a host function (exported types are
/// taken as the component has them).
struct HostResolve<'a> {
    shared: &'a Shared,
    call: &'a RawHostCall<'a>,
}

impl Resolve for HostResolve<'_> {
    fn resolve(&self, desc: &Arc<ResourceDesc>, slot: u32) -> Result<ResKind, String> {
        resolve(self.shared, desc, self.call.resource_type(slot), &|_| None)
    }
}

/// A host function bound into one instance.
struct HostBinding {
    def: Arc<HostDef>,
    name: String,
    shared: Arc<Shared>,
    signature: OnceLock<Result<Signature, String>>,
}

impl HostBinding {
    /// A call from the component: arguments lifted, the Python function
    /// called (with the GIL, which the calling thread gave up while wasm
    /// ran), its result lowered. A Python exception ends the wasm call: it
    /// is kept for the `Trap` the caller raises.
    fn call(&self, call: &mut RawHostCall<'_>) -> Result<(), RtTrap> {
        Python::attach(|py| match self.run(py, call) {
            Ok(()) => Ok(()),
            Err(err) => {
                let message = format!("host function {} raised {}", self.name, err);
                *lock(&self.shared.pending) = Some(err);
                Err(RtTrap {
                    kind: TrapKind::Host(message),
                    backtrace: Vec::new(),
                })
            }
        })
    }

    fn run(&self, py: Python<'_>, call: &mut RawHostCall<'_>) -> PyResult<()> {
        let signature = self.signature.get_or_init(|| {
            let resolve = HostResolve {
                shared: &self.shared,
                call,
            };
            let ty = call.ty().clone();
            Signature::build(
                py,
                &self.name,
                &ty,
                &self.def.params,
                self.def.result.as_ref(),
                &resolve,
            )
        });
        let signature = signature.as_ref().map_err(|e| Error::new_err(e.clone()))?;
        let core = self.shared.core();
        let mut ctx = Ctx::new(&self.shared, core.as_ref());
        let mut args = Vec::with_capacity(signature.params.len());
        {
            let mut lif = call.args();
            let base = if signature.params_in_memory {
                Some(
                    lif.spill_area()
                        .map_err(|e| Fail::Lift(e).into_pyerr(&self.name))?,
                )
            } else {
                None
            };
            for (i, (_, plan)) in signature.params.iter().enumerate() {
                let at = match base {
                    Some(base) => At::Mem(base + signature.offsets[i]),
                    None => At::Flat,
                };
                let arg = convert::lift(py, plan, &mut lif, at, &mut ctx)
                    .map_err(|f| f.into_pyerr(&self.name))?;
                args.push(arg);
            }
        }
        for res in ctx.host_owns.drain(..) {
            call.store()
                .drop_resource(res)
                .map_err(|t| Trap::new_err(t.to_string()))?;
        }
        let outcome = match &self.def.method {
            Some(name) => {
                let (this, rest) = args.split_first().expect("a method has a first parameter");
                this.call_method1(name.bind(py), PyTuple::new(py, rest)?)
            }
            None => self.def.imp.bind(py).call1(PyTuple::new(py, &args)?),
        };
        let mut low = call.results();
        let Some(plan) = &signature.result else {
            return outcome.map(drop);
        };
        let at = if signature.result_in_memory {
            At::Mem(
                low.spill_area()
                    .map_err(|e| Fail::Lift(e).into_pyerr(&self.name))?,
            )
        } else {
            At::Flat
        };
        let what = format!("{} (its return value)", self.name);
        let lowered = match (&self.def.raises, outcome) {
            (None, Ok(value)) => convert::lower(&value, plan, &mut low, at, &mut ctx),
            (Some(_), Ok(value)) => {
                let payload = has_payload(plan, 0).then_some(&value);
                convert::lower_case(plan, 0, payload, &mut low, at, &mut ctx)
            }
            (Some(raises), Err(err)) if err.is_instance(py, raises.bind(py)) => {
                let value = err.value(py).getattr("value")?;
                let payload = has_payload(plan, 1).then_some(&value);
                convert::lower_case(plan, 1, payload, &mut low, at, &mut ctx)
            }
            (_, Err(err)) => return Err(err),
        };
        lowered.map_err(|f| f.into_pyerr(&what))
    }
}

/// Whether case `index` of the variant `plan` has a payload.
fn has_payload(plan: &Plan, index: usize) -> bool {
    matches!(&plan.kind, Kind::Variant { cases, .. } if cases.get(index).is_some_and(Option::is_some))
}

/// The host resource descriptors in `desc`.
fn host_resources(desc: &Desc, out: &mut Vec<Arc<ResourceDesc>>) {
    match desc {
        Desc::Own(r) | Desc::Borrow(r) if r.cls.is_none() && !out.iter().any(|o| o.id == r.id) => {
            out.push(r.clone());
        }
        Desc::List(d) | Desc::Option { some: d, .. } => host_resources(d, out),
        Desc::Tuple(ds) => ds.iter().for_each(|d| host_resources(d, out)),
        Desc::Result { ok, err } => {
            ok.iter().chain(err).for_each(|d| host_resources(d, out));
        }
        Desc::Record { fields, .. } => fields.iter().for_each(|f| host_resources(&f.ty, out)),
        Desc::Variant { cases } => cases
            .iter()
            .filter_map(|c| c.payload.as_ref())
            .for_each(|d| host_resources(d, out)),
        _ => {}
    }
}

/// `weft.Instance`: one instance of a component.
#[pyclass(frozen, module = "weft", name = "Instance")]
pub struct Instance {
    core: Arc<Core>,
}

#[pymethods]
impl Instance {
    #[new]
    #[pyo3(signature = (component, imports = None))]
    fn new(
        py: Python<'_>,
        component: PyRef<'_, Component>,
        imports: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Instance> {
        let component = component.component.clone();
        // (interface or None, function name, definition)
        let mut funcs: Vec<(Option<String>, String, Arc<HostDef>)> = Vec::new();
        if let Some(imports) = imports {
            let imports = imports.cast::<PyMapping>().map_err(|_| {
                PyTypeError::new_err(format!(
                    "imports must be a mapping, not {}",
                    type_name(imports)
                ))
            })?;
            for item in imports.items()?.iter() {
                let (name, entry): (String, Bound<'_, PyAny>) = item.extract()?;
                if let Ok(f) = entry.cast::<HostFunc>() {
                    funcs.push((None, name, f.get().def.clone()));
                    continue;
                }
                let entry = entry.cast::<PyMapping>().map_err(|_| {
                    PyTypeError::new_err(format!(
                        "import {name:?} must be a HostFunc or a mapping of them, not {}",
                        type_name(&entry)
                    ))
                })?;
                for inner in entry.items()?.iter() {
                    let (fname, f): (String, Bound<'_, PyAny>) = inner.extract()?;
                    let f = f.cast::<HostFunc>().map_err(|_| {
                        PyTypeError::new_err(format!(
                            "import {name:?} function {fname:?} must be a HostFunc, not {}",
                            type_name(&f)
                        ))
                    })?;
                    funcs.push((Some(name.clone()), fname, f.get().def.clone()));
                }
            }
        }
        let mut store = Store::new(crate::engine(), ());
        // The host's resource types, one per descriptor the imports use.
        let mut host = Vec::new();
        for (_, _, def) in &funcs {
            for d in def.params.iter().chain(&def.result) {
                host_resources(d, &mut host);
            }
        }
        let mut host_types = HashMap::new();
        for desc in &host {
            let slab = Arc::new(Slab::default());
            let kept = slab.clone();
            let ty = ResourceType::host_with_destructor(&mut store, move |_, rep| {
                kept.remove(rep);
                Ok(())
            });
            host_types.insert(desc.id, (ty, slab));
        }
        let shared = Arc::new(Shared {
            pending: Mutex::new(None),
            poisoned: OnceLock::new(),
            classes: Mutex::new(HashMap::new()),
            host_types,
            drops: Mutex::new(Vec::new()),
            drops_pending: AtomicBool::new(false),
            core: OnceLock::new(),
        });
        let mut linker = Linker::new(crate::engine());
        for desc in &host {
            let (ty, _) = shared.host_types[&desc.id];
            match &desc.interface {
                Some(i) => linker.instance(i).resource(&desc.name, ty),
                None => linker.root().resource(&desc.name, ty),
            };
        }
        let imported: Vec<String> = component.imports().map(str::to_string).collect();
        for (interface, name, def) in funcs {
            // Entries the component does not import are ignored.
            match &interface {
                Some(i) if !imported.contains(i) => continue,
                None if !imported.contains(&name) => continue,
                _ => {}
            }
            let declared = FuncType {
                params: def
                    .params
                    .iter()
                    .enumerate()
                    .map(|(i, d)| (format!("p{i}"), plan::runtime_type(d)))
                    .collect(),
                result: def.result.as_deref().map(plan::runtime_type),
            };
            let binding = Arc::new(HostBinding {
                def,
                name: match &interface {
                    Some(i) => format!("{i}#{name}"),
                    None => name.clone(),
                },
                shared: shared.clone(),
                signature: OnceLock::new(),
            });
            let f = move |call: &mut RawHostCall<'_>| binding.call(call);
            match &interface {
                Some(i) => linker.instance(i).func_raw(&name, Some(declared), f),
                None => linker.root().func_raw(&name, Some(declared), f),
            };
        }
        // Interfaces with only types need no entry: an empty instance.
        let given: Vec<String> = imports
            .map(|i| -> PyResult<Vec<String>> { i.cast::<PyMapping>()?.keys()?.extract() })
            .transpose()?
            .unwrap_or_default();
        for name in &imported {
            if given.contains(name) || host.iter().any(|d| d.interface.as_ref() == Some(name)) {
                continue;
            }
            if component.import_func_type(name).is_some() {
                return Err(Error::new_err(format!(
                    "the component imports the function {name:?}, which the imports do not give"
                )));
            }
            // Interfaces are named `ns:pkg/iface`; other plain names are
            // types (`use iface.{t}` in the world), bound by instantiation.
            if name.contains('/') {
                linker.instance(name);
            }
        }
        let instance = AssertSend((linker, store, component));
        let (instance, store) = py
            .detach(move || {
                let (linker, mut store, component) = instance.into_inner();
                let instance = linker.instantiate(&mut store, &component);
                AssertSend((instance, store))
            })
            .into_inner();
        let instance = instance.map_err(|e| match e.as_trap() {
            Some(t) => trap_error(py, t),
            None => Error::new_err(format!("cannot instantiate the component: {e}")),
        })?;
        let core = Arc::new(Core {
            store: StoreLock::new(store),
            instance,
            shared: shared.clone(),
        });
        let _ = shared.core.set(Arc::downgrade(&core));
        Ok(Instance { core })
    }

    #[pyo3(signature = (interface, name, params, result = None, *, raises = None))]
    fn func(
        &self,
        py: Python<'_>,
        interface: Option<String>,
        name: String,
        params: &Bound<'_, PyAny>,
        result: Option<&Bound<'_, PyAny>>,
        raises: Option<Bound<'_, PyType>>,
    ) -> PyResult<Py<PyAny>> {
        let params = descs_of(params, "parameter")?;
        let result = opt_desc_of(result, "the result type")?;
        check_raises(raises.as_ref(), result.as_deref())?;
        let func = self.make_func(py, interface, &name, &params, result.as_ref(), raises, None)?;
        // An all-scalar function's callable is a vectorcall builtin.
        crate::fastcall::method(py, Py::new(py, func)?)
    }

    fn constructor(
        &self,
        py: Python<'_>,
        resource: &Bound<'_, PyAny>,
        params: &Bound<'_, PyAny>,
    ) -> PyResult<Func> {
        let resource = resource.cast::<ResourceTypeDesc>()?.get().desc.clone();
        if resource.cls.is_none() {
            return Err(Error::new_err(format!(
                "{} is a host resource: the host makes its objects",
                resource.name
            )));
        }
        let params = descs_of(params, "parameter")?;
        let result = Arc::new(Desc::Own(resource.clone()));
        let name = format!("[constructor]{}", resource.name);
        self.make_func(
            py,
            resource.interface.clone(),
            &name,
            &params,
            Some(&result),
            None,
            Some(resource),
        )
    }

    fn set_class(&self, resource: &Bound<'_, PyAny>, cls: Bound<'_, PyType>) -> PyResult<()> {
        let resource = resource.cast::<ResourceTypeDesc>()?.get().desc.clone();
        let base = resource.cls.as_ref().ok_or_else(|| {
            Error::new_err(format!(
                "{} is a host resource: it has no class",
                resource.name
            ))
        })?;
        if !cls.is_subclass(base.bind(cls.py()))? {
            return Err(PyTypeError::new_err(format!(
                "set_class: {} is not a subclass of {}",
                cls.qualname()?,
                base.bind(cls.py()).qualname()?
            )));
        }
        lock(&self.core.shared.classes).insert(resource.id, cls.unbind());
        Ok(())
    }
}

impl Instance {
    #[allow(clippy::too_many_arguments)]
    fn make_func(
        &self,
        py: Python<'_>,
        interface: Option<String>,
        name: &str,
        params: &[Arc<Desc>],
        result: Option<&Arc<Desc>>,
        raises: Option<Bound<'_, PyType>>,
        construct: Option<Arc<ResourceDesc>>,
    ) -> PyResult<Func> {
        let path = match &interface {
            Some(i) => format!("{i}#{name}"),
            None => name.to_string(),
        };
        let core = &self.core;
        let mut store = core.lock(py, crate::interrupt::current_thread())?;
        let func = core
            .instance
            .get_func(&mut store, &path)
            .ok_or_else(|| Error::new_err(format!("the component exports no function {path}")))?;
        let raw = func.raw(&store).map_err(|e| runtime_error(&e))?;
        let ty = raw.ty().clone();
        let exported = |d: &ResourceDesc| core.instance.get_resource_type(&store, &d.export_path());
        let resolve = ExportResolve {
            shared: &core.shared,
            raw: &raw,
            exported: &exported,
        };
        let signature =
            Signature::build(py, name, &ty, params, result, &resolve).map_err(Error::new_err)?;
        drop(store);
        if raises.is_some()
            && !matches!(
                &signature.result,
                Some(Plan {
                    kind: Kind::Variant {
                        style: Style::Result,
                        ..
                    },
                    ..
                })
            )
        {
            return Err(Error::new_err(format!(
                "{name}: raises= for a result that is no result"
            )));
        }
        let scalars_only = construct.is_none()
            && raises.is_none()
            && !signature.params_in_memory
            && !signature.result_in_memory
            && signature
                .params
                .iter()
                .all(|(_, plan)| is_scalar(&plan.kind))
            && signature
                .result
                .as_ref()
                .is_none_or(|plan| is_scalar(&plan.kind));
        Ok(Func {
            core: core.clone(),
            raw,
            name: name.to_string(),
            signature,
            raises: raises.map(Bound::unbind),
            construct,
            scalars_only,
            fast_def: scalars_only.then(|| MethodDef::new(name)),
        })
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Component>()?;
    m.add_class::<Instance>()?;
    m.add_class::<HostFunc>()?;
    m.add_class::<Func>()?;
    m.add_function(wrap_pyfunction!(host_func, m)?)?;
    m.add_function(wrap_pyfunction!(set_release_gil, m)?)?;
    Ok(())
}
