/*
 * Entering and leaving compiled wasm code: the part of trap handling that
 * needs setjmp/longjmp, which Rust cannot call soundly itself.
 *
 * weft_catch_traps saves a context with sigsetjmp and calls body(payload).
 * If wasm code faults, the signal handler (traps.rs) calls weft_unwind with
 * that context, and weft_catch_traps returns 1 as if body had returned.
 *
 * sigsetjmp(buf, 0) does not save the signal mask: the handler is installed
 * with SA_NODEFER and an empty sa_mask, so the mask at the time of the jump
 * is the mask at the time of the fault, and nothing needs restoring.
 */
#include <setjmp.h>

int weft_catch_traps(void **jmp_buf_slot, void (*body)(void *), void *payload) {
  sigjmp_buf buf;
  if (sigsetjmp(buf, 0) != 0) {
    return 1;
  }
  *jmp_buf_slot = &buf;
  body(payload);
  return 0;
}

/* The same for the commonest body, one array-call trampoline, with no
 * closure or panic catching in between: a host-to-wasm call's fast path.
 * Compiled code cannot unwind, and host functions it calls catch their own
 * panics. */
int weft_call_trampoline(void **jmp_buf_slot,
                         void (*trampoline)(void *, void *, void *),
                         void *code, void *vmctx, void *slots) {
  sigjmp_buf buf;
  if (sigsetjmp(buf, 0) != 0) {
    return 1;
  }
  *jmp_buf_slot = &buf;
  trampoline(code, vmctx, slots);
  return 0;
}

void weft_unwind(void *jmp_buf) {
  siglongjmp(*(sigjmp_buf *)jmp_buf, 1);
}

/* Make freshly written code visible to instruction fetch (a no-op on
 * x86_64, cache maintenance on aarch64). */
void weft_clear_cache(char *start, char *end) {
  __builtin___clear_cache(start, end);
}
