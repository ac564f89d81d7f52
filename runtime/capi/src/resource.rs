//! Resources and resource types.

use std::ffi::c_void;

use weft_runtime::component::{Resource, ResourceType};

use crate::host::{callback_outcome, weft_finalizer_t, weft_host_call_t, Callback};
use crate::objects::{
    delete, weft_func_t, weft_instance_t, weft_linker_t, weft_store_t, with_store,
};
use crate::{check_out, get, get_mut, guard, put, text, weft_error_t};

/// A resource the host holds: its type and representation. Owned ones
/// (from `weft_lift_own` or `weft_resource_new`) are dropped with
/// `weft_resource_drop` or passed on; every handle object is deleted with
/// `weft_resource_delete` (or by `weft_resource_drop`).
pub struct weft_resource_t {
    pub(crate) resource: Resource,
}

/// A resource type of a store: defined by a component instance, or by
/// the host (`weft_resource_type_new_host`).
pub struct weft_resource_type_t {
    pub(crate) ty: ResourceType,
}

/// A host resource type's destructor: called with the rep of a resource
/// of the type when its last own handle is dropped (by a guest, or by
/// `weft_resource_drop`). An error traps whoever dropped it.
pub type weft_resource_dtor_t =
    Option<unsafe extern "C" fn(env: *mut c_void, rep: u32) -> *mut weft_error_t>;

/// The resource's representation (the `i32` its defining component or
/// the host chose); 0 for NULL.
///
/// # Safety
///
/// `resource` is NULL or live.
#[no_mangle]
pub unsafe extern "C" fn weft_resource_rep(resource: *const weft_resource_t) -> u32 {
    // SAFETY: the caller's contract.
    unsafe { resource.as_ref() }.map_or(0, |r| r.resource.rep())
}

/// Makes a resource of the host type `ty` with representation `rep` (the
/// host's own key for it) into `*out`, owned by the host.
///
/// # Safety
///
/// `ty` is live; `out` valid for a write.
#[no_mangle]
pub unsafe extern "C" fn weft_resource_new(
    ty: *const weft_resource_type_t,
    rep: u32,
    out: *mut *mut weft_resource_t,
) -> *mut weft_error_t {
    guard(|| {
        check_out(out, "out")?;
        // SAFETY: the caller's contract.
        let ty = unsafe { get(ty, "type") }?.ty;
        let made = weft_resource_t {
            resource: Resource::new(ty, rep),
        };
        // SAFETY: checked above.
        unsafe { put(out, Box::into_raw(Box::new(made)), "out") }
    })
}

/// The resource's type into a new `*out`.
///
/// # Safety
///
/// `resource` is live; `out` valid for a write.
#[no_mangle]
pub unsafe extern "C" fn weft_resource_type(
    resource: *const weft_resource_t,
    out: *mut *mut weft_resource_type_t,
) -> *mut weft_error_t {
    guard(|| {
        check_out(out, "out")?;
        // SAFETY: the caller's contract.
        let ty = unsafe { get(resource, "resource") }?.resource.ty();
        // SAFETY: checked above.
        unsafe {
            put(
                out,
                Box::into_raw(Box::new(weft_resource_type_t { ty })),
                "out",
            )
        }
    })
}

/// Drops an own resource the host holds, running its destructor (in the
/// component that defined it, or the host's), and deletes `resource` in
/// any case. A resource already dropped or moved into a guest is an
/// error. Inside a host callback use `weft_host_call_drop_resource`.
///
/// # Safety
///
/// `store` is live and the resource's; `resource` live.
#[no_mangle]
pub unsafe extern "C" fn weft_resource_drop(
    store: *mut weft_store_t,
    resource: *mut weft_resource_t,
) -> *mut weft_error_t {
    guard(|| {
        if resource.is_null() {
            return Err(weft_error_t::invalid("resource is NULL"));
        }
        // SAFETY: made by this crate; deleted here.
        let resource = unsafe { Box::from_raw(resource) }.resource;
        // SAFETY: the caller's contract.
        unsafe { with_store(store, |store| Ok(resource.drop(store)?)) }
    })
}

/// Deletes a resource handle object without dropping the resource (NULL
/// is ignored): for borrows, and own resources passed on.
///
/// # Safety
///
/// `resource` is NULL or not yet deleted.
#[no_mangle]
pub unsafe extern "C" fn weft_resource_delete(resource: *mut weft_resource_t) {
    // SAFETY: the caller's contract.
    unsafe { delete(resource) }
}

/// Makes a new resource type defined by the host in `store` into `*out`.
/// `dtor` (may be NULL) is called with `env` and the rep of each of its
/// resources whose last own handle is dropped; `finalizer` (may be NULL)
/// with `env` when the store is deleted (or at once, on an error).
///
/// # Safety
///
/// `store` is live; `dtor` NULL or a valid function; `out` valid for a
/// write.
#[no_mangle]
pub unsafe extern "C" fn weft_resource_type_new_host(
    store: *mut weft_store_t,
    dtor: weft_resource_dtor_t,
    env: *mut c_void,
    finalizer: weft_finalizer_t,
    out: *mut *mut weft_resource_type_t,
) -> *mut weft_error_t {
    let owned = Callback {
        func: dtor,
        env,
        finalizer,
    };
    guard(move || {
        check_out(out, "out")?;
        let make = |store: &mut weft_runtime::Store<()>| {
            Ok(match owned.func {
                None => {
                    drop(owned);
                    ResourceType::host(store)
                }
                Some(func) => ResourceType::host_with_destructor(store, move |_, rep| {
                    // The whole callback is moved in, to be finalized
                    // with the type.
                    let owned = &owned;
                    // SAFETY: the destructor as registered, with its env.
                    let err = unsafe { func(owned.env, rep) };
                    // SAFETY: NULL or an error it gives up.
                    unsafe { callback_outcome(err) }
                }),
            })
        };
        // SAFETY: the caller's contract.
        let ty = unsafe { with_store(store, make) }?;
        // SAFETY: checked above.
        unsafe {
            put(
                out,
                Box::into_raw(Box::new(weft_resource_type_t { ty })),
                "out",
            )
        }
    })
}

/// Deletes a resource type handle (NULL is ignored); the type itself
/// lives as long as its store.
///
/// # Safety
///
/// `ty` is NULL or not yet deleted.
#[no_mangle]
pub unsafe extern "C" fn weft_resource_type_delete(ty: *mut weft_resource_type_t) {
    // SAFETY: the caller's contract.
    unsafe { delete(ty) }
}

/// Whether two handles name the same resource type (false if either is
/// NULL).
///
/// # Safety
///
/// `a` and `b` are NULL or live.
#[no_mangle]
pub unsafe extern "C" fn weft_resource_type_equal(
    a: *const weft_resource_type_t,
    b: *const weft_resource_type_t,
) -> bool {
    // SAFETY: the caller's contract.
    match unsafe { (a.as_ref(), b.as_ref()) } {
        (Some(a), Some(b)) => a.ty == b.ty,
        _ => false,
    }
}

/// The resource type that handle slot `slot` of `func`'s type (the `n` of
/// `own<n>`/`borrow<n>`, numbered in order of first mention) stands for,
/// into `*out`; `WEFT_ERROR_NOT_FOUND` for no such slot.
///
/// # Safety
///
/// `func` is live; `out` valid for a write.
#[no_mangle]
pub unsafe extern "C" fn weft_func_resource_type(
    func: *const weft_func_t,
    slot: u32,
    out: *mut *mut weft_resource_type_t,
) -> *mut weft_error_t {
    guard(|| {
        check_out(out, "out")?;
        // SAFETY: the caller's contract.
        let func = unsafe { get(func, "func") }?;
        let ty = func
            .raw
            .resource_type(slot)
            .ok_or_else(|| weft_error_t::not_found(format!("no resource type in slot {slot}")))?;
        // SAFETY: checked above.
        unsafe {
            put(
                out,
                Box::into_raw(Box::new(weft_resource_type_t { ty })),
                "out",
            )
        }
    })
}

/// The resource type behind handle slot `slot` of the type of the
/// imported function a host callback implements, into `*out`;
/// `WEFT_ERROR_NOT_FOUND` past the last slot. Hosts find once, per
/// function, the slot of each resource type they move.
///
/// # Safety
///
/// `call` is the live host call of a running callback; `out` valid for a
/// write.
#[no_mangle]
pub unsafe extern "C" fn weft_host_call_resource_type(
    call: *mut weft_host_call_t,
    slot: u32,
    out: *mut *mut weft_resource_type_t,
) -> *mut weft_error_t {
    guard(|| {
        check_out(out, "out")?;
        // SAFETY: the caller's contract.
        let call = unsafe { get_mut(call, "call") }?;
        let ty = call
            .raw()
            .resource_type(slot)
            .ok_or_else(|| weft_error_t::not_found(format!("no resource type in slot {slot}")))?;
        // SAFETY: checked above.
        unsafe {
            put(
                out,
                Box::into_raw(Box::new(weft_resource_type_t { ty })),
                "out",
            )
        }
    })
}

/// The resource type the instance exports as `name` (top level, or
/// `interface#name`) into `*out`; `WEFT_ERROR_NOT_FOUND` if none.
///
/// # Safety
///
/// `store` and `instance` are live; `name` valid for `name_len` bytes;
/// `out` valid for a write.
#[no_mangle]
pub unsafe extern "C" fn weft_instance_get_resource_type(
    store: *mut weft_store_t,
    instance: *const weft_instance_t,
    name: *const u8,
    name_len: usize,
    out: *mut *mut weft_resource_type_t,
) -> *mut weft_error_t {
    guard(|| {
        check_out(out, "out")?;
        // SAFETY: the caller's contract.
        let instance = unsafe { get(instance, "instance") }?;
        // SAFETY: the caller's contract.
        let name = unsafe { text(name, name_len, "name") }?;
        // SAFETY: the caller's contract.
        let ty = unsafe {
            with_store(store, |store| {
                instance
                    .instance
                    .get_resource_type(store, name)
                    .ok_or_else(|| {
                        weft_error_t::not_found(format!("no exported resource type `{name}`"))
                    })
            })
        }?;
        // SAFETY: checked above.
        unsafe {
            put(
                out,
                Box::into_raw(Box::new(weft_resource_type_t { ty })),
                "out",
            )
        }
    })
}

/// Defines `name` in `linker` (in the instance `interface`; NULL or
/// length 0 for the top level) as the resource type `ty`, for components
/// importing a resource type.
///
/// # Safety
///
/// `linker` and `ty` are live; names valid for their lengths.
#[no_mangle]
pub unsafe extern "C" fn weft_linker_define_resource(
    linker: *mut weft_linker_t,
    interface: *const u8,
    interface_len: usize,
    name: *const u8,
    name_len: usize,
    ty: *const weft_resource_type_t,
) -> *mut weft_error_t {
    guard(|| {
        // SAFETY: the caller's contract.
        let linker = unsafe { get_mut(linker, "linker") }?;
        // SAFETY: the caller's contract.
        let ty = unsafe { get(ty, "type") }?.ty;
        // SAFETY: the caller's contract.
        let interface = unsafe { text(interface, interface_len, "interface") }?;
        // SAFETY: the caller's contract.
        let name = unsafe { text(name, name_len, "name") }?;
        let mut target = if interface.is_empty() {
            linker.linker.root()
        } else {
            linker.linker.instance(interface)
        };
        target.resource(name, ty);
        Ok(())
    })
}
