//! Engine settings (`weft_config_t`, with the compiled-code cache) and
//! precompiled components: `weft_component_serialize` into an owned byte
//! buffer (`weft_bytes_free`), `weft_component_deserialize` from one,
//! `weft_component_from_cache`, `weft_is_artifact`.

use std::path::PathBuf;
use std::ptr;

use weft_runtime::component::Component;
use weft_runtime::{Config, Engine};

use crate::objects::{weft_component_t, weft_engine_t};
use crate::{bytes, check_out, get, get_mut, guard, guard_value, put, weft_error_t, Res};

/// Engine settings for `weft_engine_new_with_config`: the defaults of
/// `weft_engine_new`, and where compiled code is cached.
pub struct weft_config_t {
    config: Config,
}

/// Makes engine settings with the defaults (no cache) into `*out`.
///
/// # Safety
///
/// `out` is valid for a write.
#[no_mangle]
pub unsafe extern "C" fn weft_config_new(out: *mut *mut weft_config_t) -> *mut weft_error_t {
    guard(|| {
        let made = Box::new(weft_config_t {
            config: Config::default(),
        });
        // SAFETY: the caller's contract.
        unsafe { put(out, Box::into_raw(made), "out") }
    })
}

/// Deletes engine settings (NULL is ignored); engines made with them are
/// not affected.
///
/// # Safety
///
/// `config` is NULL or settings not yet deleted.
#[no_mangle]
pub unsafe extern "C" fn weft_config_delete(config: *mut weft_config_t) {
    // SAFETY: the caller's contract.
    unsafe { crate::objects::delete(config) }
}

/// A path from its bytes: the OS's own on Unix, UTF-8 elsewhere.
fn path_of(raw: &[u8]) -> Res<PathBuf> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        Ok(PathBuf::from(std::ffi::OsStr::from_bytes(raw)))
    }
    #[cfg(not(unix))]
    {
        std::str::from_utf8(raw)
            .map(PathBuf::from)
            .map_err(|err| weft_error_t::invalid(format!("dir is not valid UTF-8: {err}")))
    }
}

/// Sets the directory where engines made with `config` keep compiled code
/// between processes (`dir`, `len` bytes; NULL or 0: no cache). Creating
/// a component then loads its code from there, keyed by a hash of the
/// binary, this weft build, the CPU and the settings, or compiles it and
/// stores it (best effort: a cache that cannot be read or written only
/// costs time, a damaged entry is replaced). The directory is created
/// when first written, readable by this user only.
///
/// Entries are trusted as `weft_component_deserialize`'s input is:
/// whoever can write to the directory chooses the code its users run.
///
/// # Safety
///
/// `config` is live; `dir` valid for `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn weft_config_set_cache_dir(
    config: *mut weft_config_t,
    dir: *const u8,
    len: usize,
) -> *mut weft_error_t {
    guard(|| {
        // SAFETY: the caller's contract.
        let config = unsafe { get_mut(config, "config") }?;
        let dir = if dir.is_null() {
            &[]
        } else {
            // SAFETY: the caller's contract.
            unsafe { bytes(dir, len, "dir") }?
        };
        config.config.cache_dir = if dir.is_empty() {
            None
        } else {
            Some(path_of(dir)?)
        };
        Ok(())
    })
}

/// Sets the cache directory to the one every weft host uses unless told
/// otherwise (`weft_default_cache_dir`): `$WEFT_CACHE_DIR`, else `weft`
/// in the user's cache directory; no cache when `$WEFT_NO_CACHE` is set
/// (not empty, not `0`) or no home directory is known. The environment is
/// read now.
///
/// # Safety
///
/// `config` is live.
#[no_mangle]
pub unsafe extern "C" fn weft_config_set_default_cache(
    config: *mut weft_config_t,
) -> *mut weft_error_t {
    guard(|| {
        // SAFETY: the caller's contract.
        let config = unsafe { get_mut(config, "config") }?;
        config.config.cache_dir = Config::default_cache_dir();
        Ok(())
    })
}

/// The default cache directory (`weft_config_set_default_cache`'s) into
/// `*data`, `*len`: an owned buffer to free with `weft_bytes_free`, the
/// path's bytes (no NUL); NULL and 0 when there is no cache.
///
/// # Safety
///
/// `data` and `len` are valid for writes.
#[no_mangle]
pub unsafe extern "C" fn weft_default_cache_dir(
    data: *mut *mut u8,
    len: *mut usize,
) -> *mut weft_error_t {
    guard(|| {
        check_out(data, "data")?;
        check_out(len, "len")?;
        let dir = Config::default_cache_dir()
            .map(|dir| dir.into_os_string().into_encoded_bytes())
            .unwrap_or_default();
        // SAFETY: checked above.
        unsafe { give_bytes(dir, data, len) }
    })
}

/// Makes an engine with `config` into `*out`. The settings are copied:
/// `config` may be deleted or changed afterwards.
///
/// # Safety
///
/// `config` is live; `out` valid for a write.
#[no_mangle]
pub unsafe extern "C" fn weft_engine_new_with_config(
    config: *const weft_config_t,
    out: *mut *mut weft_engine_t,
) -> *mut weft_error_t {
    guard(|| {
        check_out(out, "out")?;
        // SAFETY: the caller's contract.
        let config = unsafe { get(config, "config") }?;
        let engine = Engine::new(&config.config)?;
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

/// Hands `owned` to C as `*data`, `*len` (NULL and 0 when empty), to be
/// freed with `weft_bytes_free`.
///
/// # Safety
///
/// `data` and `len` are valid for writes (checked not NULL).
unsafe fn give_bytes(owned: Vec<u8>, data: *mut *mut u8, len: *mut usize) -> Res<()> {
    if owned.is_empty() {
        // SAFETY: the caller's contract.
        return unsafe {
            put(data, ptr::null_mut(), "data")?;
            put(len, 0, "len")
        };
    }
    let boxed = owned.into_boxed_slice();
    let n = boxed.len();
    let raw = Box::into_raw(boxed).cast::<u8>();
    // SAFETY: the caller's contract; both were checked not NULL, so
    // neither write fails and the buffer is never leaked halfway.
    unsafe {
        put(data, raw, "data")?;
        put(len, n, "len")
    }
}

/// Frees a buffer weft handed over (`weft_component_serialize`,
/// `weft_default_cache_dir`): its pointer and length as given. NULL is
/// ignored.
///
/// # Safety
///
/// `data` is NULL or a buffer weft gave with length `len`, freed once.
#[no_mangle]
pub unsafe extern "C" fn weft_bytes_free(data: *mut u8, len: usize) {
    if data.is_null() || len == 0 {
        return;
    }
    guard_value((), || {
        // SAFETY: the caller's contract: this is a boxed slice of `len`
        // bytes that `give_bytes` leaked.
        drop(unsafe { Box::from_raw(ptr::slice_from_raw_parts_mut(data, len)) });
    });
}

/// Serialises a compiled component into a precompiled artifact:
/// `*data`, `*len` get an owned buffer (free it with `weft_bytes_free`)
/// that `weft_component_deserialize` loads without compiling, in this or
/// another process running the same weft build on a like CPU, with an
/// engine of the same settings.
///
/// # Safety
///
/// `component` is live; `data` and `len` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn weft_component_serialize(
    component: *const weft_component_t,
    data: *mut *mut u8,
    len: *mut usize,
) -> *mut weft_error_t {
    guard(|| {
        check_out(data, "data")?;
        check_out(len, "len")?;
        // SAFETY: the caller's contract.
        let component = unsafe { get(component, "component") }?;
        let artifact = component.component.serialize();
        // SAFETY: checked above.
        unsafe { give_bytes(artifact, data, len) }
    })
}

/// Loads a component from a precompiled artifact (`bytes`, `len` bytes,
/// made by `weft_component_serialize`) into `*out`, without compiling.
/// Its structure is validated as `weft_component_new` does; an artifact
/// from another weft build, for another CPU or engine settings (fuel,
/// epochs), damaged or truncated, or a wasm binary instead of an
/// artifact, is `WEFT_ERROR_ARTIFACT` saying which.
///
/// # Safety
///
/// Besides the pointers' validity (`engine` live, `bytes` valid for `len`
/// bytes, `out` for a write): the machine code in the artifact is mapped
/// and run as it is, which no check can make safe. `bytes` must be
/// trusted, made by `weft_component_serialize` (or a weft cache), never
/// taken from someone who could choose its contents.
#[no_mangle]
pub unsafe extern "C" fn weft_component_deserialize(
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
        let artifact = unsafe { bytes(bytes_ptr, len, "bytes") }?;
        // SAFETY: the caller vouches for the artifact's origin (this
        // function's contract, as `Component::deserialize`'s).
        let component = unsafe { Component::deserialize(&engine.engine, artifact) }?;
        let made = weft_component_t::wrap(component);
        // SAFETY: checked above.
        unsafe { put(out, Box::into_raw(Box::new(made)), "out") }
    })
}

/// Whether `weft_component_new` loaded the component's code from the
/// engine's cache instead of compiling it (false for NULL, and for a
/// component from `weft_component_deserialize`).
///
/// # Safety
///
/// `component` is NULL or live.
#[no_mangle]
pub unsafe extern "C" fn weft_component_from_cache(component: *const weft_component_t) -> bool {
    // SAFETY: the caller's contract.
    unsafe { component.as_ref() }.is_some_and(|c| c.component.from_cache())
}

/// Whether `bytes` (`len` bytes) start like a weft artifact (of any kind
/// or format), as opposed to a wasm binary: a quick look at the header,
/// nothing checked. False for NULL.
///
/// # Safety
///
/// `bytes` is NULL or valid for `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn weft_is_artifact(bytes_ptr: *const u8, len: usize) -> bool {
    guard_value(false, || {
        // SAFETY: the caller's contract.
        unsafe { bytes(bytes_ptr, len, "bytes") }.is_ok_and(weft_runtime::is_artifact)
    })
}
