//! Engines, components, linkers, stores, instances and functions.

use std::ptr;

use weft_runtime::component::{Component, Instance, Linker, RawFunc, StringEncoding, Type};
use weft_runtime::ValType;
use weft_runtime::{Config, Engine, Store};

use crate::{bytes, check_out, get, get_mut, guard, guard_value, put, text, weft_error_t, Res};

/// An engine: the compiler and what its stores share. Shareable between
/// threads.
pub struct weft_engine_t {
    pub(crate) engine: Engine,
}

/// A validated, compiled component. Shareable between threads.
pub struct weft_component_t {
    pub(crate) component: Component,
    exports: Vec<String>,
    imports: Vec<String>,
}

impl weft_component_t {
    /// The C object of `component`, with its export and import names.
    pub(crate) fn wrap(component: Component) -> weft_component_t {
        let exports = component.exports().map(str::to_owned).collect();
        let imports = component.imports().map(str::to_owned).collect();
        weft_component_t {
            component,
            exports,
            imports,
        }
    }
}

/// Host functions, resources and instances by name, for instantiating.
pub struct weft_linker_t {
    pub(crate) linker: Linker<()>,
}

/// A store: owns every instance and resource made in it. Used by one
/// thread at a time; while a call made with `weft_call_begin` is in
/// progress the store is held by it, and other uses of the store fail
/// with `WEFT_ERROR_INVALID_ARGUMENT`.
pub struct weft_store_t {
    pub(crate) store: Store<()>,
    /// Held by a call in progress or an entry point running.
    pub(crate) busy: bool,
    /// The object of the last call that ended, reused by the next
    /// `weft_call_begin` (one allocation less per call).
    pub(crate) spare_call: Option<Box<crate::call::weft_call_t>>,
    /// The result `weft_call_invoke_finish_bytes` copied out, valid until
    /// the store's next call.
    pub(crate) result_bytes: Vec<u8>,
}

/// An instance of a component in a store.
pub struct weft_instance_t {
    pub(crate) instance: Instance,
    exports: Vec<String>,
}

/// An exported function of an instance, with its core signature.
pub struct weft_func_t {
    pub(crate) raw: RawFunc,
    params: Vec<weft_valkind_t>,
    results: Vec<weft_valkind_t>,
    /// Its parameters or result hold resource handles, which only the
    /// staged call moves (`weft_func_call_flat` refuses it).
    pub(crate) handles: bool,
}

/// Whether a value of type `ty` holds a resource handle.
fn holds_handle(ty: &Type) -> bool {
    match ty {
        Type::Own(_) | Type::Borrow(_) => true,
        Type::List(inner) | Type::Option(inner) => holds_handle(inner),
        Type::Record(fields) => fields.iter().any(|(_, t)| holds_handle(t)),
        Type::Tuple(types) => types.iter().any(holds_handle),
        Type::Variant(cases) => cases
            .iter()
            .any(|(_, t)| t.as_ref().is_some_and(holds_handle)),
        Type::Result { ok, err } => [ok, err]
            .into_iter()
            .any(|t| t.as_deref().is_some_and(holds_handle)),
        _ => false,
    }
}

/// A flat core value's type (`WEFT_I32` ... `WEFT_F64`).
pub type weft_valkind_t = u32;
/// `i32`.
pub const WEFT_I32: weft_valkind_t = 0;
/// `i64`.
pub const WEFT_I64: weft_valkind_t = 1;
/// `f32`.
pub const WEFT_F32: weft_valkind_t = 2;
/// `f64`.
pub const WEFT_F64: weft_valkind_t = 3;

/// A component's string encoding (`WEFT_STRING_*`).
pub type weft_string_encoding_t = u32;
/// UTF-8; lengths count bytes.
pub const WEFT_STRING_UTF8: weft_string_encoding_t = 0;
/// UTF-16LE; lengths count code units.
pub const WEFT_STRING_UTF16: weft_string_encoding_t = 1;
/// Latin-1, or UTF-16 when the length's top bit is set.
pub const WEFT_STRING_LATIN1_UTF16: weft_string_encoding_t = 2;

/// Marks the store held while `body` runs with it; an error if it is
/// already held (a call in progress, or a callback of an entry point
/// using it).
///
/// # Safety
///
/// `store` is NULL or a live store, used by this thread only.
#[inline(always)]
pub(crate) unsafe fn with_store<R>(
    store: *mut weft_store_t,
    body: impl FnOnce(&mut Store<()>) -> Res<R>,
) -> Res<R> {
    // SAFETY: the caller's contract.
    let mut held = unsafe { StoreHold::new(store) }?;
    body(held.store())
}

/// A store marked held until this is dropped ([`with_store`] without a
/// closure, for the paths where every nanosecond counts).
pub(crate) struct StoreHold {
    store: *mut weft_store_t,
}

impl StoreHold {
    /// Holds `store`; an error if it is NULL or already held.
    ///
    /// # Safety
    ///
    /// As [`with_store`]; the store outlives the hold.
    #[inline(always)]
    pub(crate) unsafe fn new(store: *mut weft_store_t) -> Res<StoreHold> {
        if store.is_null() {
            return Err(weft_error_t::invalid("store is NULL"));
        }
        // SAFETY: a live store (contract); only the flag is touched,
        // through the raw pointer, as a call in progress holds `&mut` to
        // the store field.
        let busy = unsafe { ptr::addr_of_mut!((*store).busy) };
        // SAFETY: as above.
        if unsafe { busy.read() } {
            return Err(weft_error_t::invalid(
                "the store is in use: a call in progress holds it (finish or discard it first)",
            ));
        }
        // SAFETY: as above.
        unsafe { busy.write(true) };
        Ok(StoreHold { store })
    }

    /// The store held.
    #[inline(always)]
    pub(crate) fn store(&mut self) -> &mut Store<()> {
        // SAFETY: a live store (`new`'s contract), not held by anything
        // else (the flag); the borrow ends before the hold does.
        unsafe { &mut *ptr::addr_of_mut!((*self.store).store) }
    }
}

impl Drop for StoreHold {
    #[inline(always)]
    fn drop(&mut self) {
        // SAFETY: the flag of the live store held.
        unsafe { ptr::addr_of_mut!((*self.store).busy).write(false) };
    }
}

/// Deletes a boxed object made by this crate (NULL is ignored).
///
/// # Safety
///
/// `ptr` is NULL or came from `Box::into_raw` and is deleted once.
pub(crate) unsafe fn delete<T>(ptr: *mut T) {
    if !ptr.is_null() {
        // SAFETY: the caller's contract.
        guard_value((), || drop(unsafe { Box::from_raw(ptr) }));
    }
}

/// Makes an engine with the default settings (no cache) into `*out`;
/// `weft_engine_new_with_config` takes settings.
///
/// # Safety
///
/// `out` is valid for a write.
#[no_mangle]
pub unsafe extern "C" fn weft_engine_new(out: *mut *mut weft_engine_t) -> *mut weft_error_t {
    guard(|| {
        check_out(out, "out")?;
        let engine = Engine::new(&Config::default())?;
        // SAFETY: checked above.
        unsafe {
            put(
                out,
                Box::into_raw(Box::new(weft_engine_t { engine })),
                "out",
            )
        }
    })
}

/// Deletes an engine (NULL is ignored). Components and stores made with
/// it keep what they need of it.
///
/// # Safety
///
/// `engine` is NULL or an engine not yet deleted.
#[no_mangle]
pub unsafe extern "C" fn weft_engine_delete(engine: *mut weft_engine_t) {
    // SAFETY: the caller's contract.
    unsafe { delete(engine) }
}

/// Validates and compiles the component binary `bytes` (`len` bytes)
/// into `*out`, or loads its code from the engine's cache
/// (`weft_config_set_cache_dir`). Errors: `WEFT_ERROR_COMPILE` with the
/// offset and reason.
///
/// # Safety
///
/// `engine` is a live engine, `bytes` valid for `len` bytes, `out` for a
/// write.
#[no_mangle]
pub unsafe extern "C" fn weft_component_new(
    engine: *const weft_engine_t,
    bytes_ptr: *const u8,
    len: usize,
    out: *mut *mut weft_component_t,
) -> *mut weft_error_t {
    guard(|| {
        check_out(out, "out")?;
        // SAFETY: the caller's contract.
        let engine = unsafe { get(engine, "engine") }?;
        // SAFETY: the caller's contract.
        let binary = unsafe { bytes(bytes_ptr, len, "bytes") }?;
        let made = weft_component_t::wrap(Component::new(&engine.engine, binary)?);
        // SAFETY: checked above.
        unsafe { put(out, Box::into_raw(Box::new(made)), "out") }
    })
}

/// Deletes a component (NULL is ignored); its instances live on.
///
/// # Safety
///
/// `component` is NULL or a component not yet deleted.
#[no_mangle]
pub unsafe extern "C" fn weft_component_delete(component: *mut weft_component_t) {
    // SAFETY: the caller's contract.
    unsafe { delete(component) }
}

/// Writes the name `names[index]` as a pointer and length (owned by the
/// object).
///
/// # Safety
///
/// `name`, `len` valid for writes.
unsafe fn name_at(
    names: &[String],
    index: usize,
    name: *mut *const u8,
    len: *mut usize,
) -> Res<()> {
    check_out(name, "name")?;
    check_out(len, "len")?;
    let found = names.get(index).ok_or_else(|| {
        weft_error_t::not_found(format!("no name {index}: there are {}", names.len()))
    })?;
    // SAFETY: checked above.
    unsafe {
        put(name, found.as_ptr(), "name")?;
        put(len, found.len(), "len")
    }
}

/// How many top-level exports the component has (0 for NULL).
///
/// # Safety
///
/// `component` is NULL or a live component.
#[no_mangle]
pub unsafe extern "C" fn weft_component_export_count(component: *const weft_component_t) -> usize {
    // SAFETY: the caller's contract.
    unsafe { component.as_ref() }.map_or(0, |c| c.exports.len())
}

/// The name of top-level export `index` (UTF-8, not NUL-terminated, valid
/// while the component lives) into `*name` and `*len`.
///
/// # Safety
///
/// `component` is a live component; `name` and `len` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn weft_component_export_name(
    component: *const weft_component_t,
    index: usize,
    name: *mut *const u8,
    len: *mut usize,
) -> *mut weft_error_t {
    guard(|| {
        // SAFETY: the caller's contract.
        let component = unsafe { get(component, "component") }?;
        // SAFETY: the caller's contract.
        unsafe { name_at(&component.exports, index, name, len) }
    })
}

/// How many top-level imports the component has (0 for NULL).
///
/// # Safety
///
/// `component` is NULL or a live component.
#[no_mangle]
pub unsafe extern "C" fn weft_component_import_count(component: *const weft_component_t) -> usize {
    // SAFETY: the caller's contract.
    unsafe { component.as_ref() }.map_or(0, |c| c.imports.len())
}

/// The name of top-level import `index`, as `weft_component_export_name`.
///
/// # Safety
///
/// `component` is a live component; `name` and `len` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn weft_component_import_name(
    component: *const weft_component_t,
    index: usize,
    name: *mut *const u8,
    len: *mut usize,
) -> *mut weft_error_t {
    guard(|| {
        // SAFETY: the caller's contract.
        let component = unsafe { get(component, "component") }?;
        // SAFETY: the caller's contract.
        unsafe { name_at(&component.imports, index, name, len) }
    })
}

/// Makes an empty linker for components of `engine` into `*out`.
///
/// # Safety
///
/// `engine` is a live engine; `out` valid for a write.
#[no_mangle]
pub unsafe extern "C" fn weft_linker_new(
    engine: *const weft_engine_t,
    out: *mut *mut weft_linker_t,
) -> *mut weft_error_t {
    guard(|| {
        check_out(out, "out")?;
        // SAFETY: the caller's contract.
        let engine = unsafe { get(engine, "engine") }?;
        let linker = weft_linker_t {
            linker: Linker::new(&engine.engine),
        };
        // SAFETY: checked above.
        unsafe { put(out, Box::into_raw(Box::new(linker)), "out") }
    })
}

/// Deletes a linker (NULL is ignored). Host functions defined in it live
/// on in the instances that use them; each one's finalizer runs when the
/// last user is gone.
///
/// # Safety
///
/// `linker` is NULL or a linker not yet deleted.
#[no_mangle]
pub unsafe extern "C" fn weft_linker_delete(linker: *mut weft_linker_t) {
    // SAFETY: the caller's contract.
    unsafe { delete(linker) }
}

/// Defines `name` (`name_len` bytes) in `linker` as the exports of
/// `instance`, so that one component's exports satisfy another's imports.
///
/// # Safety
///
/// `linker` and `instance` are live; `name` valid for `name_len` bytes.
#[no_mangle]
pub unsafe extern "C" fn weft_linker_define_instance(
    linker: *mut weft_linker_t,
    name: *const u8,
    name_len: usize,
    instance: *const weft_instance_t,
) -> *mut weft_error_t {
    guard(|| {
        // SAFETY: the caller's contract.
        let linker = unsafe { get_mut(linker, "linker") }?;
        // SAFETY: the caller's contract.
        let instance = unsafe { get(instance, "instance") }?;
        // SAFETY: the caller's contract.
        let name = unsafe { text(name, name_len, "name") }?;
        linker.linker.define_instance(name, &instance.instance);
        Ok(())
    })
}

/// Instantiates `component` in `store`, its imports satisfied from
/// `linker`, into `*out`. Errors: `WEFT_ERROR_LINK` (a missing or
/// mistyped import), `WEFT_ERROR_TRAP` (a start function trapped).
///
/// # Safety
///
/// All objects live; `out` valid for a write.
#[no_mangle]
pub unsafe extern "C" fn weft_linker_instantiate(
    linker: *const weft_linker_t,
    store: *mut weft_store_t,
    component: *const weft_component_t,
    out: *mut *mut weft_instance_t,
) -> *mut weft_error_t {
    guard(|| {
        check_out(out, "out")?;
        // SAFETY: the caller's contract.
        let linker = unsafe { get(linker, "linker") }?;
        // SAFETY: the caller's contract.
        let component = unsafe { get(component, "component") }?;
        // SAFETY: the caller's contract.
        let instance = unsafe {
            with_store(store, |store| {
                Ok(linker.linker.instantiate(store, &component.component)?)
            })
        }?;
        let exports = instance.exports();
        let made = weft_instance_t { instance, exports };
        // SAFETY: checked above.
        unsafe { put(out, Box::into_raw(Box::new(made)), "out") }
    })
}

/// Makes a store for `engine` into `*out`.
///
/// # Safety
///
/// `engine` is a live engine; `out` valid for a write.
#[no_mangle]
pub unsafe extern "C" fn weft_store_new(
    engine: *const weft_engine_t,
    out: *mut *mut weft_store_t,
) -> *mut weft_error_t {
    guard(|| {
        check_out(out, "out")?;
        // SAFETY: the caller's contract.
        let engine = unsafe { get(engine, "engine") }?;
        let store = weft_store_t {
            store: Store::new(&engine.engine, ()),
            busy: false,
            spare_call: None,
            result_bytes: Vec::new(),
        };
        // SAFETY: checked above.
        unsafe { put(out, Box::into_raw(Box::new(store)), "out") }
    })
}

/// Deletes a store and everything in it (NULL is ignored). Instances,
/// functions and resources of the store must not be used afterwards. A
/// store held by a call in progress is not deleted (it is leaked):
/// finish or discard the call first.
///
/// # Safety
///
/// `store` is NULL or a store not yet deleted.
#[no_mangle]
pub unsafe extern "C" fn weft_store_delete(store: *mut weft_store_t) {
    if store.is_null() {
        return;
    }
    // SAFETY: a live store; only the flag is read.
    if unsafe { ptr::addr_of!((*store).busy).read() } {
        return;
    }
    // SAFETY: the caller's contract.
    unsafe { delete(store) }
}

/// Deletes an instance handle (NULL is ignored); the instance itself
/// lives as long as its store.
///
/// # Safety
///
/// `instance` is NULL or an instance not yet deleted.
#[no_mangle]
pub unsafe extern "C" fn weft_instance_delete(instance: *mut weft_instance_t) {
    // SAFETY: the caller's contract.
    unsafe { delete(instance) }
}

/// How many functions the instance exports (0 for NULL), counting those
/// inside exported instances (named `interface#function`).
///
/// # Safety
///
/// `instance` is NULL or a live instance.
#[no_mangle]
pub unsafe extern "C" fn weft_instance_export_count(instance: *const weft_instance_t) -> usize {
    // SAFETY: the caller's contract.
    unsafe { instance.as_ref() }.map_or(0, |i| i.exports.len())
}

/// The name of exported function `index`, as
/// `weft_component_export_name`.
///
/// # Safety
///
/// `instance` is a live instance; `name` and `len` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn weft_instance_export_name(
    instance: *const weft_instance_t,
    index: usize,
    name: *mut *const u8,
    len: *mut usize,
) -> *mut weft_error_t {
    guard(|| {
        // SAFETY: the caller's contract.
        let instance = unsafe { get(instance, "instance") }?;
        // SAFETY: the caller's contract.
        unsafe { name_at(&instance.exports, index, name, len) }
    })
}

/// Looks up the exported function `name` (`name_len` bytes: a top-level
/// export, `interface#function`, or a function name exported by exactly
/// one instance) into `*out`, prepared for calls: its core signature is
/// worked out once. Errors: `WEFT_ERROR_NOT_FOUND`; `WEFT_ERROR_TYPE` for
/// a host function a component re-exports (it has no raw form).
///
/// # Safety
///
/// `store` and `instance` are live; `name` valid for `name_len` bytes;
/// `out` valid for a write.
#[no_mangle]
pub unsafe extern "C" fn weft_instance_get_func(
    store: *mut weft_store_t,
    instance: *const weft_instance_t,
    name: *const u8,
    name_len: usize,
    out: *mut *mut weft_func_t,
) -> *mut weft_error_t {
    guard(|| {
        check_out(out, "out")?;
        // SAFETY: the caller's contract.
        let instance = unsafe { get(instance, "instance") }?;
        // SAFETY: the caller's contract.
        let name = unsafe { text(name, name_len, "name") }?;
        // SAFETY: the caller's contract.
        let raw = unsafe {
            with_store(store, |store| {
                let func = instance.instance.get_func(store, name).ok_or_else(|| {
                    weft_error_t::not_found(format!("no exported function `{name}`"))
                })?;
                Ok(func.raw(store)?)
            })
        }?;
        let kinds = |types: &[ValType]| -> Res<Vec<weft_valkind_t>> {
            types
                .iter()
                .map(|ty| match ty {
                    ValType::I32 => Ok(WEFT_I32),
                    ValType::I64 => Ok(WEFT_I64),
                    ValType::F32 => Ok(WEFT_F32),
                    ValType::F64 => Ok(WEFT_F64),
                    other => Err(weft_error_t::invalid(format!(
                        "a core signature with {other:?}"
                    ))),
                })
                .collect()
        };
        let signature = raw.signature();
        let ty = raw.ty();
        let handles = ty.params.iter().any(|(_, t)| holds_handle(t))
            || ty.result.as_ref().is_some_and(holds_handle);
        let func = weft_func_t {
            params: kinds(&signature.params)?,
            results: kinds(&signature.results)?,
            handles,
            raw,
        };
        // SAFETY: checked above.
        unsafe { put(out, Box::into_raw(Box::new(func)), "out") }
    })
}

/// Deletes a function handle (NULL is ignored). Calls in progress keep
/// what they need.
///
/// # Safety
///
/// `func` is NULL or a function not yet deleted.
#[no_mangle]
pub unsafe extern "C" fn weft_func_delete(func: *mut weft_func_t) {
    // SAFETY: the caller's contract.
    unsafe { delete(func) }
}

/// The number of core parameters: flat values to push, or 1 (a pointer)
/// when the parameters go through memory. 0 for NULL.
///
/// # Safety
///
/// `func` is NULL or a live function.
#[no_mangle]
pub unsafe extern "C" fn weft_func_param_count(func: *const weft_func_t) -> usize {
    // SAFETY: the caller's contract.
    unsafe { func.as_ref() }.map_or(0, |f| f.params.len())
}

/// The type of core parameter `index` (`WEFT_I32` ... `WEFT_F64`);
/// `UINT32_MAX` when out of range or NULL.
///
/// # Safety
///
/// `func` is NULL or a live function.
#[no_mangle]
pub unsafe extern "C" fn weft_func_param_kind(
    func: *const weft_func_t,
    index: usize,
) -> weft_valkind_t {
    // SAFETY: the caller's contract.
    unsafe { func.as_ref() }
        .and_then(|f| f.params.get(index).copied())
        .unwrap_or(u32::MAX)
}

/// The number of core results (0 or 1; 1 is the result's pointer when it
/// goes through memory). 0 for NULL.
///
/// # Safety
///
/// `func` is NULL or a live function.
#[no_mangle]
pub unsafe extern "C" fn weft_func_result_count(func: *const weft_func_t) -> usize {
    // SAFETY: the caller's contract.
    unsafe { func.as_ref() }.map_or(0, |f| f.results.len())
}

/// The type of core result `index`, as `weft_func_param_kind`.
///
/// # Safety
///
/// `func` is NULL or a live function.
#[no_mangle]
pub unsafe extern "C" fn weft_func_result_kind(
    func: *const weft_func_t,
    index: usize,
) -> weft_valkind_t {
    // SAFETY: the caller's contract.
    unsafe { func.as_ref() }
        .and_then(|f| f.results.get(index).copied())
        .unwrap_or(u32::MAX)
}

/// Whether the parameters go through memory (more than 16 flat values):
/// store them at `weft_lower_area` instead of pushing them.
///
/// # Safety
///
/// `func` is NULL or a live function.
#[no_mangle]
pub unsafe extern "C" fn weft_func_params_in_memory(func: *const weft_func_t) -> bool {
    // SAFETY: the caller's contract.
    unsafe { func.as_ref() }.is_some_and(|f| f.raw.signature().params_in_memory)
}

/// Whether the result comes through memory (more than one flat value):
/// read it at `weft_lift_area`.
///
/// # Safety
///
/// `func` is NULL or a live function.
#[no_mangle]
pub unsafe extern "C" fn weft_func_result_in_memory(func: *const weft_func_t) -> bool {
    // SAFETY: the caller's contract.
    unsafe { func.as_ref() }.is_some_and(|f| f.raw.signature().result_in_memory)
}

/// How the component encodes strings (`WEFT_STRING_*`; UTF-8 for NULL).
///
/// # Safety
///
/// `func` is NULL or a live function.
#[no_mangle]
pub unsafe extern "C" fn weft_func_string_encoding(
    func: *const weft_func_t,
) -> weft_string_encoding_t {
    // SAFETY: the caller's contract.
    unsafe { func.as_ref() }.map_or(WEFT_STRING_UTF8, |f| encoding(f.raw.encoding()))
}

/// The C constant of a string encoding.
pub(crate) fn encoding(encoding: StringEncoding) -> weft_string_encoding_t {
    match encoding {
        StringEncoding::Utf8 => WEFT_STRING_UTF8,
        StringEncoding::Utf16 => WEFT_STRING_UTF16,
        StringEncoding::Latin1Utf16 => WEFT_STRING_LATIN1_UTF16,
    }
}
