/*
 * fast.h: the weft_go_scratch block and wrappers of the hot weft.h calls
 * that take it as a plain byte pointer.
 *
 * cgo checks every argument whose pointed-to type holds pointers (an
 * out-parameter such as `uint8_t **mem`) at every call, which costs
 * several nanoseconds each even for C memory. These wrappers take the
 * scratch block as `uint8_t *` (nothing to check) and pass its fields'
 * addresses on.
 */
#ifndef WEFT_GO_FAST_H
#define WEFT_GO_FAST_H

#include <weft.h>

/* Where a blob of weft_go_call_blobs goes and what it is (its bytes
 * travel as arguments: Go memory may not be stored in C memory). */
typedef struct {
  uint32_t at;
  uint32_t align;
  uint32_t elem_size;
  uint32_t is_string;
} weft_go_blob;

/* C memory for one call's flat values and out-parameters (the Go type
 * `scratch`). */
typedef struct {
  weft_go_blob blobs[2];
  uint64_t args[16];
  uint64_t results[1];
  uint32_t u32;
  uint32_t u32b;
  uint8_t *base;
  size_t size;
  const char *text;
  weft_call_t *call;
  weft_resource_t *res;
} weft_go_scratch;

static inline weft_go_scratch *weft_go_sc(uint8_t *sc) { return (weft_go_scratch *)sc; }

static inline weft_error_t *weft_go_call_begin(weft_store_t *store, const weft_func_t *func,
                                               uint8_t *sc) {
  return weft_call_begin(store, func, &weft_go_sc(sc)->call);
}

static inline weft_error_t *weft_go_call_begin_alloc(weft_store_t *store, const weft_func_t *func,
                                                     uint32_t size, uint32_t align, uint8_t *sc) {
  weft_go_scratch *s = weft_go_sc(sc);
  return weft_call_begin_alloc(store, func, size, align, &s->call, &s->u32, &s->base, &s->size);
}

static inline weft_error_t *weft_go_call_invoke_flat(weft_call_t *call, size_t nargs,
                                                     size_t nresults, uint8_t *sc) {
  weft_go_scratch *s = weft_go_sc(sc);
  return weft_call_invoke_flat(call, s->args, nargs, s->results, nresults,
                               (const uint8_t **)&s->base, &s->size);
}

static inline weft_error_t *weft_go_call_invoke_finish_bytes(weft_call_t *call, size_t nargs,
                                                             uint8_t *sc) {
  weft_go_scratch *s = weft_go_sc(sc);
  return weft_call_invoke_finish_bytes(call, s->args, nargs, (const uint8_t **)&s->base,
                                       &s->size);
}

static inline weft_error_t *weft_go_lower_alloc(weft_lower_t *lower, uint32_t size, uint32_t align,
                                                uint8_t *sc) {
  weft_go_scratch *s = weft_go_sc(sc);
  return weft_lower_alloc(lower, size, align, &s->u32, &s->base, &s->size);
}

/* weft_func_call_blobs with up to two blobs, whose bytes (Go memory,
 * read during the call only) come as arguments and their description
 * from the scratch block; the result flat, or copied out when
 * bytes_result. */
static inline weft_error_t *weft_go_call_blobs(weft_store_t *store, const weft_func_t *func,
                                               const uint8_t *d0, size_t l0, const uint8_t *d1,
                                               size_t l1, size_t nblobs, size_t nargs,
                                               size_t nresults, int bytes_result, uint8_t *sc) {
  weft_go_scratch *s = weft_go_sc(sc);
  weft_blob_t blobs[2] = {
      {d0, l0, s->blobs[0].at, s->blobs[0].align, s->blobs[0].elem_size, s->blobs[0].is_string},
      {d1, l1, s->blobs[1].at, s->blobs[1].align, s->blobs[1].elem_size, s->blobs[1].is_string},
  };
  return weft_func_call_blobs(store, func, blobs, nblobs, s->args, nargs, s->results, nresults,
                              bytes_result ? (const uint8_t **)&s->base : NULL,
                              bytes_result ? &s->size : NULL);
}

#endif /* WEFT_GO_FAST_H */
