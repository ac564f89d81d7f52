package weft

/*
#include <weft.h>

extern weft_error_t *weftGoHostCall(void *env, weft_host_call_t *call);
extern void weftGoFinalize(void *env);
*/
import "C"

import (
	"fmt"
	"sync"
	"unsafe"
)

// HostFunc implements an imported function in Go: it lifts the
// arguments from call.Lift (flat ones from call.Args), lowers the result
// into call.Lower and call.Return. An error (or a panic) traps the
// calling guest with TrapHost.
type HostFunc func(call *HostCall) error

// HostCall is one call of a [HostFunc], valid during it only. The store
// is held meanwhile: the function must not call into it.
type HostCall struct {
	ptr     *C.weft_host_call_t
	sc      *scratch
	lift    Lift
	lower   Lower
	borrows []*Resource
}

// DefineFunc defines function name of instance iface ("" for the top
// level) as f. It takes the type of the import it satisfies.
func (l *Linker) DefineFunc(iface, name string, f HostFunc) error {
	if l.ptr == nil {
		return closedError("linker")
	}
	env := newEnv(f)
	return takeError(C.weft_linker_define_func(l.ptr, stringPtr(iface), C.size_t(len(iface)), stringPtr(name), C.size_t(len(name)),
		C.weft_host_func_callback_t(C.weftGoHostCall), env, C.weft_finalizer_t(C.weftGoFinalize)))
}

// hostScratch holds scratch blocks for host calls, which have no store
// of their own at hand (C memory, kept for reuse, never freed).
var hostScratch = sync.Pool{New: func() any { return newScratch() }}

//export weftGoHostCall
func weftGoHostCall(env unsafe.Pointer, call *C.weft_host_call_t) (result *C.weft_error_t) {
	f, _ := envValue(env).(HostFunc)
	utf8 := C.weft_host_call_string_encoding(call) == C.WEFT_STRING_UTF8
	sc := hostScratch.Get().(*scratch)
	h := &HostCall{ptr: call, sc: sc}
	// weft.h: a host call's ports are its own address.
	h.lift = Lift{ptr: (*C.weft_lift_t)(unsafe.Pointer(call)), utf8: utf8, sc: sc, borrows: &h.borrows}
	h.lower = Lower{ptr: (*C.weft_lower_t)(unsafe.Pointer(call)), utf8: utf8, sc: sc}
	defer func() {
		if p := recover(); p != nil {
			result = newCError(fmt.Sprintf("host function panicked: %v", p))
		}
		for _, r := range h.borrows {
			r.Close()
		}
		h.ptr = nil
		hostScratch.Put(sc)
	}()
	if f == nil {
		return newCError("host function is missing")
	}
	if err := f(h); err != nil {
		return newCError(err.Error())
	}
	return nil
}

// Args gives the flat arguments, all at once (one address when they are
// in memory: read them through Lift).
func (h *HostCall) Args(dst []uint64) error {
	if len(dst) > maxFlat {
		return &Error{Kind: ErrorType, Message: fmt.Sprintf("%d flat arguments asked for, at most %d pass flat", len(dst), maxFlat)}
	}
	sc := h.sc
	if C.weft_host_call_params_in_memory(h.ptr) {
		if len(dst) != 1 {
			return &Error{Kind: ErrorType, Message: fmt.Sprintf("the parameters come through memory: one address, %d values asked for", len(dst))}
		}
		if err := takeError(C.weft_lift_area(h.lift.ptr, &sc.u32)); err != nil {
			return err
		}
		dst[0] = uint64(sc.u32)
		return nil
	}
	if err := takeError(C.weft_lift_take_flat(h.lift.ptr, &sc.args[0], C.size_t(len(dst)))); err != nil {
		return err
	}
	for i := range dst {
		dst[i] = uint64(sc.args[i])
	}
	return nil
}

// Lift is where the arguments are lifted from.
func (h *HostCall) Lift() *Lift { return &h.lift }

// Lower is where the result is lowered.
func (h *HostCall) Lower() *Lower { return &h.lower }

// Return gives the flat results (none when the result goes to
// Lower().Area()).
func (h *HostCall) Return(results []uint64) error {
	if len(results) == 0 {
		return nil
	}
	argp, err := putArgs(h.sc, results)
	if err != nil {
		return err
	}
	return takeError(C.weft_lower_push_flat(h.lower.ptr, argp, C.size_t(len(results))))
}

// DropResource drops an own resource from inside the call (its
// destructor runs) and closes it.
func (h *HostCall) DropResource(r *Resource) error {
	if err := r.usable(); err != nil {
		return err
	}
	err := takeError(C.weft_host_call_drop_resource(h.ptr, r.ptr))
	r.ptr = nil
	r.gone = "was dropped"
	return err
}

// SlotOf gives the handle slot that stands for resource type t in the
// type of the imported function being called, for [Lift.Own],
// [Lift.Borrow], [Lower.Own] and [Lower.Borrow]; an *Error of kind
// ErrorNotFound if it has none. The answer is the same at every call of
// the function, so callers may keep it.
func (h *HostCall) SlotOf(t *ResourceType) (uint32, error) {
	if t == nil || t.ptr == nil {
		return 0, closedError("resource type")
	}
	for slot := C.uint32_t(0); ; slot++ {
		var st *C.weft_resource_type_t
		if err := takeError(C.weft_host_call_resource_type(h.ptr, slot, &st)); err != nil {
			return 0, &Error{Kind: ErrorNotFound, Message: "the imported function has no handle of that resource type"}
		}
		equal := bool(C.weft_resource_type_equal(st, t.ptr))
		C.weft_resource_type_delete(st)
		if equal {
			return uint32(slot), nil
		}
	}
}
