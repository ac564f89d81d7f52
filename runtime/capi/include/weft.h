/*
 * weft.h: the C API of weft's runtime (crate weft-capi), for hosts that
 * call WebAssembly components and give them host functions, moving
 * values themselves by the canonical ABI (weft's raw API).
 *
 * Written by hand; runtime/capi/tests/header.rs checks that it declares
 * exactly the functions the library exports.
 *
 * Conventions
 *
 * - A function that can fail returns weft_error_t *: NULL on success,
 *   else an error the caller owns and deletes with weft_error_delete.
 *   Results come through out-pointers, written only on success.
 * - Nothing aborts the process: panics inside weft become errors of kind
 *   WEFT_ERROR_PANIC; a NULL pointer, text that is not UTF-8 or a step out
 *   of order is WEFT_ERROR_INVALID_ARGUMENT. A pointer that is not NULL
 *   must point to a live object of the right type.
 * - Text and bytes are a pointer and a length (no NUL needed; NULL is
 *   allowed with length 0). Names are UTF-8. Bytes weft hands over to
 *   keep (an artifact, a path) are a pointer and a length the caller
 *   frees with weft_bytes_free.
 * - Guest addresses are uint32_t offsets into a component's linear
 *   memory.
 *
 * Threads
 *
 * An engine and a component may be used by several threads at once. A
 * store and everything made in it (instances, functions, calls,
 * resources, resource types) is used by one thread at a time. A linker
 * is not changed while it instantiates. A callback's env is used from
 * whichever thread uses the store. One at a time is all: the steps of a
 * call may be made on different threads (nothing of a thread is kept
 * from one call into weft to the next), as when Go moves a goroutine.
 *
 * Signals: weft catches wasm traps with handlers for SIGSEGV, SIGBUS,
 * SIGILL and SIGFPE, installed (SA_ONSTACK) when wasm first runs; other
 * faults go to the handlers installed before (the Go runtime's under
 * cgo). Each thread that runs wasm keeps its alternate signal stack if it
 * has one of at least 16 KiB (Go's threads have 32 KiB), else gets one of
 * weft's. Wasm uses up to 512 KiB of the calling thread's stack.
 *
 * Calls
 *
 *   weft_call_t *call;
 *   err = weft_call_begin(store, func, &call);     // the store is held
 *   weft_lower_t *args = weft_call_args(call);
 *   weft_lower_store_string(args, "abc", 3, &ptr, &len);
 *   weft_lower_push_i32(args, ptr); weft_lower_push_i32(args, len);
 *   err = weft_call_invoke(call);                   // the callee runs
 *   weft_lift_t *res = weft_call_results(call);
 *   weft_lift_area(res, &at);                       // result in memory
 *   weft_lift_read_i32(res, at, &p); weft_lift_read_i32(res, at + 4, &n);
 *   weft_lift_read_string(res, p, n, &text, &text_len);  // copy it
 *   err = weft_call_finish(call);   // post-return; the store is free
 *
 * On any error, end the call with weft_call_discard (which deletes it).
 * What to push and read follows the function's WIT type and the
 * canonical ABI (CanonicalABI.md: flattening, sizes, alignments); the
 * caller's own type descriptors drive it. weft_func_* give the core
 * signature to check them against.
 *
 * Fewer crossings (for hosts such as cgo, where each costs tens of ns):
 * weft_func_call_flat makes a whole call of a function whose values are
 * all flat; weft_lower_alloc allocates and gives the memory in one;
 * weft_call_invoke_flat pushes the flat arguments, invokes and gives the
 * results and the memory; weft_lower_push_flat / weft_lift_take_flat move
 * several flat values at once. Flat values are then uint64_t slots: an
 * i32 zero-extended (on the way in only its low 32 bits count), an i64 as
 * it is, an f32's bits in the low 32 bits, an f64's bits; NaNs made
 * canonical, as by the push and take functions.
 *
 *   uint32_t p; uint8_t *mem; size_t mem_len;
 *   weft_lower_alloc(args, 3, 1, &p, &mem, &mem_len);
 *   memcpy(mem + p, "abc", 3);
 *   uint64_t flat[2] = {p, 3}, res;
 *   const uint8_t *m; size_t m_len;
 *   weft_call_invoke_flat(call, flat, 2, &res, 1, &m, &m_len);
 *   // res is the result's address in memory: the string's pointer and
 *   // length are the two uint32_t at m + res; validate the text with
 *   // weft_lift_read_string (or read it through m, checking bounds).
 *   weft_call_finish(call);
 */
#ifndef WEFT_H
#define WEFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- objects ---------------------------------------------------------- */

typedef struct weft_config_t weft_config_t;
typedef struct weft_engine_t weft_engine_t;
typedef struct weft_component_t weft_component_t;
typedef struct weft_linker_t weft_linker_t;
typedef struct weft_store_t weft_store_t;
typedef struct weft_instance_t weft_instance_t;
typedef struct weft_func_t weft_func_t;
typedef struct weft_call_t weft_call_t;
typedef struct weft_host_call_t weft_host_call_t;
/* Where values are lowered: a call's arguments, a host function's result. */
typedef struct weft_lower_t weft_lower_t;
/* Where values are lifted from: a call's result, a host function's
 * arguments. */
typedef struct weft_lift_t weft_lift_t;
typedef struct weft_resource_t weft_resource_t;
typedef struct weft_resource_type_t weft_resource_type_t;
typedef struct weft_error_t weft_error_t;

/* ---- errors ----------------------------------------------------------- */

typedef uint32_t weft_error_kind_t;
enum {
  WEFT_ERROR_TRAP = 1,             /* wasm trapped: see weft_error_trap_kind */
  WEFT_ERROR_LINK = 2,             /* an import is missing or mistyped */
  WEFT_ERROR_COMPILE = 3,          /* invalid, unsupported, or did not compile */
  WEFT_ERROR_HOST = 4,             /* made by the host: weft_error_new */
  WEFT_ERROR_LIFT = 5,             /* moving a value failed (bounds, UTF-8, ...) */
  WEFT_ERROR_TYPE = 6,             /* values or functions of the wrong type */
  WEFT_ERROR_LIMIT = 7,            /* a resource limit was reached */
  WEFT_ERROR_SYSTEM = 8,           /* the OS refused memory or code space */
  WEFT_ERROR_INVALID_ARGUMENT = 9, /* NULL, not UTF-8, out of order, store in use */
  WEFT_ERROR_NOT_FOUND = 10,       /* no export or item of that name */
  WEFT_ERROR_PANIC = 11,           /* a bug in weft, caught */
  WEFT_ERROR_ARTIFACT = 12         /* an artifact is damaged or for another build/CPU/settings */
};

typedef uint32_t weft_trap_kind_t;
enum {
  WEFT_TRAP_NONE = 0,
  WEFT_TRAP_UNREACHABLE = 1,
  WEFT_TRAP_MEMORY_OUT_OF_BOUNDS = 2,
  WEFT_TRAP_TABLE_OUT_OF_BOUNDS = 3,
  WEFT_TRAP_UNDEFINED_ELEMENT = 4,
  WEFT_TRAP_INDIRECT_CALL_TO_NULL = 5,
  WEFT_TRAP_BAD_SIGNATURE = 6,
  WEFT_TRAP_INTEGER_OVERFLOW = 7,
  WEFT_TRAP_INTEGER_DIVISION_BY_ZERO = 8,
  WEFT_TRAP_BAD_CONVERSION_TO_INTEGER = 9,
  WEFT_TRAP_NULL_REFERENCE = 10,
  WEFT_TRAP_STACK_OVERFLOW = 11,
  WEFT_TRAP_OUT_OF_FUEL = 12,
  WEFT_TRAP_INTERRUPTED = 13,
  WEFT_TRAP_HOST = 14,      /* a host function failed */
  WEFT_TRAP_COMPONENT = 15  /* a component-model rule broken, invalid value */
};

/* A host error with the UTF-8 message (not UTF-8: replaced), for a host
 * callback to return: the caller traps with WEFT_TRAP_HOST. Never NULL. */
weft_error_t *weft_error_new(const uint8_t *message, size_t len);
/* Deletes an error (NULL is ignored). */
void weft_error_delete(weft_error_t *err);
/* The error's kind (0 for NULL). */
weft_error_kind_t weft_error_kind(const weft_error_t *err);
/* The trap's kind, WEFT_TRAP_NONE if not a trap. */
weft_trap_kind_t weft_error_trap_kind(const weft_error_t *err);
/* The message, NUL-terminated, owned by the error. */
const char *weft_error_message(const weft_error_t *err);
/* A trap's wasm backtrace, one frame a line (innermost first), or "". */
const char *weft_error_backtrace(const weft_error_t *err);

/* ---- engine, component, linker, store, instance ----------------------- */

/* An engine with the default settings, no cache. */
weft_error_t *weft_engine_new(weft_engine_t **out);
void weft_engine_delete(weft_engine_t *engine);

/* Engine settings: weft_engine_new's defaults, changed by the setters,
 * copied by weft_engine_new_with_config (delete them any time after). */
weft_error_t *weft_config_new(weft_config_t **out);
void weft_config_delete(weft_config_t *config);
/* Where compiled code is kept between processes (dir: a path of len
 * bytes; NULL or 0: no cache). weft_component_new then loads a
 * component's code from there, keyed by a hash of the binary, this weft
 * build, the CPU and the settings, or compiles and stores it (best
 * effort: an unreadable or unwritable cache only costs time; a damaged
 * entry is replaced). Created readable by this user only. Entries are
 * trusted like weft_component_deserialize's input: whoever can write to
 * the directory chooses the code its users run. */
weft_error_t *weft_config_set_cache_dir(weft_config_t *config, const uint8_t *dir, size_t len);
/* The cache directory every weft host uses unless told otherwise (read
 * from the environment now): $WEFT_CACHE_DIR, else "weft" in the user's
 * cache directory ($XDG_CACHE_HOME, ~/.cache; ~/Library/Caches on macOS);
 * no cache if $WEFT_NO_CACHE is set (not empty, not "0") or no home is
 * known. */
weft_error_t *weft_config_set_default_cache(weft_config_t *config);
/* That default directory as an owned buffer (no NUL; free it with
 * weft_bytes_free); NULL and 0 when there is no cache. */
weft_error_t *weft_default_cache_dir(uint8_t **data, size_t *len);
weft_error_t *weft_engine_new_with_config(const weft_config_t *config, weft_engine_t **out);

/* Validates and compiles a component binary (WEFT_ERROR_COMPILE), or
 * loads its code from the engine's cache. */
weft_error_t *weft_component_new(const weft_engine_t *engine, const uint8_t *bytes,
                                 size_t len, weft_component_t **out);
void weft_component_delete(weft_component_t *component);
/* Whether weft_component_new loaded the code from the engine's cache
 * (false for NULL and for a deserialized component). */
bool weft_component_from_cache(const weft_component_t *component);

/* Precompiled components. weft_component_serialize gives an artifact (an
 * owned buffer: free it with weft_bytes_free) that
 * weft_component_deserialize loads without compiling, in this or another
 * process of the same weft build on a like CPU, with an engine of the
 * same settings. An artifact from another build, CPU or settings (fuel,
 * epochs), damaged or truncated, or a wasm binary, is refused with
 * WEFT_ERROR_ARTIFACT saying which.
 *
 * TRUSTED INPUT ONLY: deserializing maps the artifact's machine code and
 * runs it as it is; the checks catch accidents, not malice. Only pass
 * bytes made by weft_component_serialize (or a weft cache) that nobody
 * else could have chosen. */
weft_error_t *weft_component_serialize(const weft_component_t *component, uint8_t **data,
                                       size_t *len);
weft_error_t *weft_component_deserialize(const weft_engine_t *engine, const uint8_t *bytes,
                                         size_t len, weft_component_t **out);
/* Whether bytes start like a weft artifact (header only, nothing checked;
 * false for NULL), as opposed to a wasm binary. */
bool weft_is_artifact(const uint8_t *bytes, size_t len);
/* Frees a buffer weft handed over, with its pointer and length as given
 * (NULL is ignored). */
void weft_bytes_free(uint8_t *data, size_t len);
/* Top-level export and import names (pointer and length, owned by the
 * component; WEFT_ERROR_NOT_FOUND past the end). */
size_t weft_component_export_count(const weft_component_t *component);
weft_error_t *weft_component_export_name(const weft_component_t *component, size_t index,
                                         const uint8_t **name, size_t *len);
size_t weft_component_import_count(const weft_component_t *component);
weft_error_t *weft_component_import_name(const weft_component_t *component, size_t index,
                                         const uint8_t **name, size_t *len);

weft_error_t *weft_linker_new(const weft_engine_t *engine, weft_linker_t **out);
void weft_linker_delete(weft_linker_t *linker);
/* Defines `name` as an instance's exports (one component satisfying
 * another's imports). */
weft_error_t *weft_linker_define_instance(weft_linker_t *linker, const uint8_t *name,
                                          size_t name_len, const weft_instance_t *instance);
/* Instantiates (WEFT_ERROR_LINK for a missing or mistyped import). */
weft_error_t *weft_linker_instantiate(const weft_linker_t *linker, weft_store_t *store,
                                      const weft_component_t *component,
                                      weft_instance_t **out);

weft_error_t *weft_store_new(const weft_engine_t *engine, weft_store_t **out);
/* Deletes a store and everything in it. A store held by a call in
 * progress is not deleted (leaked): end the call first. */
void weft_store_delete(weft_store_t *store);

void weft_instance_delete(weft_instance_t *instance);
/* Exported functions, those of exported instances as `iface#func`. */
size_t weft_instance_export_count(const weft_instance_t *instance);
weft_error_t *weft_instance_export_name(const weft_instance_t *instance, size_t index,
                                        const uint8_t **name, size_t *len);
/* The exported function `name` (top level, `iface#func`, or a function
 * name only one instance exports), prepared for calls. */
weft_error_t *weft_instance_get_func(weft_store_t *store, const weft_instance_t *instance,
                                     const uint8_t *name, size_t name_len, weft_func_t **out);

/* ---- functions and their core signature -------------------------------- */

typedef uint32_t weft_valkind_t;
enum { WEFT_I32 = 0, WEFT_I64 = 1, WEFT_F32 = 2, WEFT_F64 = 3 };

typedef uint32_t weft_string_encoding_t;
enum { WEFT_STRING_UTF8 = 0, WEFT_STRING_UTF16 = 1, WEFT_STRING_LATIN1_UTF16 = 2 };

void weft_func_delete(weft_func_t *func);
/* Core parameters: the flat values to push, or 1 pointer when the
 * parameters go through memory. Kinds: UINT32_MAX out of range. */
size_t weft_func_param_count(const weft_func_t *func);
weft_valkind_t weft_func_param_kind(const weft_func_t *func, size_t index);
/* Core results: 0 or 1 (the result's pointer when it is in memory). */
size_t weft_func_result_count(const weft_func_t *func);
weft_valkind_t weft_func_result_kind(const weft_func_t *func, size_t index);
/* More than 16 flat parameters: store them at weft_lower_area. */
bool weft_func_params_in_memory(const weft_func_t *func);
/* More than 1 flat result: read it at weft_lift_area. */
bool weft_func_result_in_memory(const weft_func_t *func);
weft_string_encoding_t weft_func_string_encoding(const weft_func_t *func);
/* A whole call in one crossing (begin, push, invoke, take, finish with
 * post-return) of a function whose parameters and result are all flat
 * (not in memory) and hold no resource handles: args and results are flat
 * slots (see the top; their bits, unchecked: a char's range or an enum's
 * case is the caller's to check), nargs and nresults the core signature's
 * counts, else WEFT_ERROR_TYPE naming both (also for values in memory or
 * handles). A trap is the error; the store is free and the instance
 * usable afterwards. Allocates nothing. */
weft_error_t *weft_func_call_flat(weft_store_t *store, const weft_func_t *func,
                                  const uint64_t *args, size_t nargs, uint64_t *results,
                                  size_t nresults);

/* ---- calls in stages --------------------------------------------------- */

/* Starts a call: the instance is entered and the store is held by the
 * call (other uses of it fail) until weft_call_finish/discard. The store
 * and the function must outlive the call. The steps of a call may be made on different
 * threads, one at a time (nothing of the thread is kept between them). */
weft_error_t *weft_call_begin(weft_store_t *store, const weft_func_t *func,
                              weft_call_t **out);
/* weft_call_begin and weft_lower_alloc in one crossing: starts a call and
 * allocates its first argument's block, giving its address and the
 * callee's memory. On an error no call is left. */
weft_error_t *weft_call_begin_alloc(weft_store_t *store, const weft_func_t *func, uint32_t size,
                                    uint32_t align, weft_call_t **out, uint32_t *ptr,
                                    uint8_t **mem, size_t *mem_len);
/* Where the arguments are lowered / the result is lifted from: the
 * call's own address (as are weft_host_call_args/results of a host call),
 * so a host may cast instead of calling. */
weft_lower_t *weft_call_args(weft_call_t *call);
weft_lift_t *weft_call_results(weft_call_t *call);
/* Calls with the arguments lowered. On an error (a trap, arguments that
 * break the signature) the call is over: discard it. */
weft_error_t *weft_call_invoke(weft_call_t *call);
/* Pushes the remaining flat arguments (nargs: the core count less those
 * pushed already, 0 when the parameters are in memory), invokes, and
 * writes the nresults (weft_func_result_count) core results: the flat
 * result, taken, or the result's address in memory, checked (still given
 * by weft_lift_area). Other counts: WEFT_ERROR_TYPE, before anything is
 * pushed. mem/mem_len (each may be NULL) get the callee's memory after
 * the call (NULL/0 if none), valid until the call ends. Errors end the
 * call as weft_call_invoke's do. */
weft_error_t *weft_call_invoke_flat(weft_call_t *call, const uint64_t *args, size_t nargs,
                                    uint64_t *results, size_t nresults, const uint8_t **mem,
                                    size_t *mem_len);
/* weft_call_invoke_flat, lifting and weft_call_finish in one crossing,
 * for a function whose result is a string or a list of integers or
 * floats: the result is copied into the store (a string validated, as
 * UTF-8 in any encoding; a list as its elements' little-endian bytes) and
 * *data, *len give the copy, valid until the store's next call. The call
 * is deleted in every case (discarded on an error; another result type
 * is WEFT_ERROR_TYPE, an invalid result WEFT_ERROR_LIFT). */
weft_error_t *weft_call_invoke_finish_bytes(weft_call_t *call, const uint64_t *args, size_t nargs,
                                            const uint8_t **data, size_t *len);
/* A block of host bytes for weft_func_call_blobs: a string (is_string,
 * UTF-8) or a list of len / elem_size numbers aligned to align; its
 * address and length word go to flat arguments at and at + 1. */
typedef struct {
  const uint8_t *data;
  size_t len;
  uint32_t at;
  uint32_t align;
  uint32_t elem_size;
  uint32_t is_string;
} weft_blob_t;
/* A whole call in one crossing, for parameters that are flat scalars,
 * strings and lists of numbers (not through memory) and a result that is
 * flat (out NULL: nresults flat results) or a string or list of numbers
 * (out not NULL: copied into the store, valid until its next call, as
 * weft_call_invoke_finish_bytes). Nothing of the call is left after it. */
weft_error_t *weft_func_call_blobs(weft_store_t *store, const weft_func_t *func,
                                   const weft_blob_t *blobs, size_t nblobs, const uint64_t *args,
                                   size_t nargs, uint64_t *results, size_t nresults,
                                   const uint8_t **out, size_t *out_len);
/* weft_call_invoke_flat and weft_call_finish in one crossing, for a call
 * whose result is flat (not in memory) and needs nothing lifted but its
 * flat values. The call is deleted in every case (discarded on an error;
 * a result in memory is WEFT_ERROR_TYPE). */
weft_error_t *weft_call_invoke_finish_flat(weft_call_t *call, const uint64_t *args, size_t nargs,
                                           uint64_t *results, size_t nresults);
/* Ends a call whose result was lifted and deletes it: borrows checked,
 * post-return run (its trap is the error). Pointers into memory and
 * lifted strings are invalid from here. Not at that stage: discarded,
 * with an error. */
weft_error_t *weft_call_finish(weft_call_t *call);
/* Ends a call at any stage and deletes it (NULL is ignored): before
 * invoke, the call is not made and resources lowered are the host's
 * again; after, post-return runs and own resources lifted are dropped. */
weft_error_t *weft_call_discard(weft_call_t *call);

/* ---- lowering: a call's arguments, a host function's result ----------- */

/* Flat values, in order (bool, integers up to 32 bits and char as i32;
 * s64/u64 as i64; NaNs made canonical). WEFT_ERROR_LIFT past the
 * signature's count or when the values go through memory. */
weft_error_t *weft_lower_push_i32(weft_lower_t *lower, int32_t value);
weft_error_t *weft_lower_push_i64(weft_lower_t *lower, int64_t value);
weft_error_t *weft_lower_push_f32(weft_lower_t *lower, float value);
weft_error_t *weft_lower_push_f64(weft_lower_t *lower, double value);
/* n flat values at once, as slots (see the top), typed by the signature
 * from where pushing stands. Errors as the push functions'. */
weft_error_t *weft_lower_push_flat(weft_lower_t *lower, const uint64_t *vals, size_t n);
/* Where the values go when through memory: a call's parameter tuple
 * (allocated in the callee, once), a host function's result area (the
 * caller's, checked). WEFT_ERROR_LIFT when they go flat. */
weft_error_t *weft_lower_area(weft_lower_t *lower, uint32_t *ptr);
/* Allocates with the component's realloc (result checked). Runs wasm. */
weft_error_t *weft_lower_realloc(weft_lower_t *lower, uint32_t size, uint32_t align,
                                 uint32_t *ptr);
/* weft_lower_realloc, then the memory as it is after it (it may have
 * grown) as weft_lower_memory gives it (NULL/0 if none): write the block
 * at *mem + *ptr. */
weft_error_t *weft_lower_alloc(weft_lower_t *lower, uint32_t size, uint32_t align,
                               uint32_t *ptr, uint8_t **mem, size_t *mem_len);
/* Writes at a guest address: bounds-checked; scalars aligned to their size. */
weft_error_t *weft_lower_write_bytes(weft_lower_t *lower, uint32_t ptr, const uint8_t *data,
                                     size_t len);
weft_error_t *weft_lower_write_i32(weft_lower_t *lower, uint32_t ptr, int32_t value);
weft_error_t *weft_lower_write_i64(weft_lower_t *lower, uint32_t ptr, int64_t value);
weft_error_t *weft_lower_write_f32(weft_lower_t *lower, uint32_t ptr, float value);
weft_error_t *weft_lower_write_f64(weft_lower_t *lower, uint32_t ptr, double value);
/* Stores UTF-8 text (validated first: WEFT_ERROR_INVALID_ARGUMENT) in the
 * component's encoding, in one realloc'd block; gives the address and the
 * length word to pass. Runs wasm. */
weft_error_t *weft_lower_store_string(weft_lower_t *lower, const uint8_t *data, size_t len,
                                      uint32_t *ptr, uint32_t *len_word);
/* Passes a resource as an own handle (the host no longer owns it: only
 * weft_resource_delete it) or lends it as a borrow, of the resource type
 * in handle slot `slot`; gives the handle to pass. */
weft_error_t *weft_lower_own(weft_lower_t *lower, uint32_t slot,
                             const weft_resource_t *resource, uint32_t *handle);
weft_error_t *weft_lower_borrow(weft_lower_t *lower, uint32_t slot,
                                const weft_resource_t *resource, uint32_t *handle);
/* The whole linear memory for bulk writes (address a is base + a). Valid
 * until the next call into wasm (realloc, store_string, invoke, the end
 * of the call); never write past len. */
weft_error_t *weft_lower_memory(weft_lower_t *lower, uint8_t **base, size_t *len);

/* ---- lifting: a call's result, a host function's arguments ------------ */

/* The next flat value (WEFT_ERROR_LIFT when none is left). */
weft_error_t *weft_lift_take_i32(weft_lift_t *lift, int32_t *out);
weft_error_t *weft_lift_take_i64(weft_lift_t *lift, int64_t *out);
weft_error_t *weft_lift_take_f32(weft_lift_t *lift, float *out);
weft_error_t *weft_lift_take_f64(weft_lift_t *lift, double *out);
/* The next n flat values at once, as slots (see the top), typed by the
 * signature; fewer than n left is WEFT_ERROR_LIFT, none taken. */
weft_error_t *weft_lift_take_flat(weft_lift_t *lift, uint64_t *out, size_t n);
/* Where the values are when through memory (checked for their size and
 * alignment). WEFT_ERROR_LIFT when they come flat. */
weft_error_t *weft_lift_area(weft_lift_t *lift, uint32_t *ptr);
/* Reads at a guest address: bounds-checked; scalars aligned. */
weft_error_t *weft_lift_read_i32(weft_lift_t *lift, uint32_t ptr, int32_t *out);
weft_error_t *weft_lift_read_i64(weft_lift_t *lift, uint32_t ptr, int64_t *out);
weft_error_t *weft_lift_read_f32(weft_lift_t *lift, uint32_t ptr, float *out);
weft_error_t *weft_lift_read_f64(weft_lift_t *lift, uint32_t ptr, double *out);
/* `len` bytes at `ptr`, as a pointer into guest memory valid until the
 * call ends. */
weft_error_t *weft_lift_read_bytes(weft_lift_t *lift, uint32_t ptr, uint32_t len,
                                   const uint8_t **data);
/* The string at `ptr` with length word `len_word`, validated
 * (WEFT_ERROR_LIFT naming it if invalid), as UTF-8 (`*len` bytes, no NUL):
 * into guest memory for a UTF-8 component, else transcoded and kept by
 * the call; valid until the call ends. */
weft_error_t *weft_lift_read_string(weft_lift_t *lift, uint32_t ptr, uint32_t len_word,
                                    const char **data, size_t *len);
/* Takes an own handle: a new resource the host owns (drop it or pass it
 * on, then delete it; if the call is discarded weft drops it). */
weft_error_t *weft_lift_own(weft_lift_t *lift, uint32_t slot, uint32_t handle,
                            weft_resource_t **resource);
/* The resource behind a borrow, lent for the call (delete, never drop). */
weft_error_t *weft_lift_borrow(weft_lift_t *lift, uint32_t slot, uint32_t handle,
                               weft_resource_t **resource);
/* The whole linear memory for bulk reads, valid until the call ends. */
weft_error_t *weft_lift_memory(weft_lift_t *lift, const uint8_t **base, size_t *len);

/* ---- host functions ---------------------------------------------------- */

/* A host function: read the arguments from weft_host_call_args(call),
 * write the result to weft_host_call_results(call), return NULL or an
 * error (which traps the calling component; an error from a weft_lift_* /
 * weft_lower_* function becomes the trap it stands for). Must not unwind
 * (no C++ exceptions, no longjmp out). `call` is valid only during the
 * callback; the store is held meanwhile (use weft_host_call_* for it). */
typedef weft_error_t *(*weft_host_func_callback_t)(void *env, weft_host_call_t *call);
/* Called once with env when nothing uses the callback any more. */
typedef void (*weft_finalizer_t)(void *env);

/* Defines function `name` in instance `interface` (NULL/0: top level) as
 * a host function. It takes the type of the import it satisfies. The
 * linker owns env from here (on an error, finalizer runs at once). */
weft_error_t *weft_linker_define_func(weft_linker_t *linker, const uint8_t *interface,
                                      size_t interface_len, const uint8_t *name,
                                      size_t name_len, weft_host_func_callback_t callback,
                                      void *env, weft_finalizer_t finalizer);
weft_lift_t *weft_host_call_args(weft_host_call_t *call);
weft_lower_t *weft_host_call_results(weft_host_call_t *call);
weft_string_encoding_t weft_host_call_string_encoding(weft_host_call_t *call);
bool weft_host_call_params_in_memory(weft_host_call_t *call);
bool weft_host_call_result_in_memory(weft_host_call_t *call);
/* Drops an own resource from inside a callback; deletes `resource`. */
weft_error_t *weft_host_call_drop_resource(weft_host_call_t *call, weft_resource_t *resource);

/* ---- resources --------------------------------------------------------- */

/* A host resource type's destructor, given the rep. */
typedef weft_error_t *(*weft_resource_dtor_t)(void *env, uint32_t rep);

uint32_t weft_resource_rep(const weft_resource_t *resource);
/* A resource of a host type with the host's own rep, owned by the host. */
weft_error_t *weft_resource_new(const weft_resource_type_t *ty, uint32_t rep,
                                weft_resource_t **out);
weft_error_t *weft_resource_type(const weft_resource_t *resource,
                                 weft_resource_type_t **out);
/* Drops an own resource (its destructor runs) and deletes `resource`. */
weft_error_t *weft_resource_drop(weft_store_t *store, weft_resource_t *resource);
/* Deletes the handle object only (borrows, resources passed on). */
void weft_resource_delete(weft_resource_t *resource);

/* A new host resource type in `store`; dtor and finalizer may be NULL. */
weft_error_t *weft_resource_type_new_host(weft_store_t *store, weft_resource_dtor_t dtor,
                                          void *env, weft_finalizer_t finalizer,
                                          weft_resource_type_t **out);
void weft_resource_type_delete(weft_resource_type_t *ty);
bool weft_resource_type_equal(const weft_resource_type_t *a, const weft_resource_type_t *b);
/* The type behind handle slot `slot` of a function's type. */
weft_error_t *weft_func_resource_type(const weft_func_t *func, uint32_t slot,
                                      weft_resource_type_t **out);
/* The type behind handle slot `slot` of the imported function a host
 * callback implements (WEFT_ERROR_NOT_FOUND past the last slot). */
weft_error_t *weft_host_call_resource_type(weft_host_call_t *call, uint32_t slot,
                                           weft_resource_type_t **out);
/* An exported resource type (`name` or `iface#name`). */
weft_error_t *weft_instance_get_resource_type(weft_store_t *store,
                                              const weft_instance_t *instance,
                                              const uint8_t *name, size_t name_len,
                                              weft_resource_type_t **out);
/* Defines an imported resource type by name (interface NULL/0: top level). */
weft_error_t *weft_linker_define_resource(weft_linker_t *linker, const uint8_t *interface,
                                          size_t interface_len, const uint8_t *name,
                                          size_t name_len, const weft_resource_type_t *ty);

#ifdef __cplusplus
}
#endif

#endif /* WEFT_H */
