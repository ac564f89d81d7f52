package weft

/*
#include <weft.h>
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// Func is an exported function of an [Instance]. Generated code calls it
// with [Func.CallFlat] when its values are all scalars, else in stages
// with [Func.Begin].
type Func struct {
	inst    *Instance
	ptr     *C.weft_func_t
	name    string
	utf8    bool
	nparams int
	nresult int
	// paramsInMemory: more than 16 flat parameters, passed as a tuple.
	paramsInMemory bool
}

// Name is the name the function was looked up by.
func (f *Func) Name() string { return f.name }

// slots gives C a pointer to v's first slot (NULL when empty).
func slots(v []uint64) *C.uint64_t {
	if len(v) == 0 {
		return nil
	}
	return (*C.uint64_t)(unsafe.Pointer(&v[0]))
}

// CallFlat calls a function whose parameters and results are all flat
// scalars, in one crossing: args and results are its core values as
// uint64 slots (RUNTIME_API.md), exactly as many as its core signature
// has.
func (f *Func) CallFlat(args []uint64, results []uint64) error {
	s := f.inst.store
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := f.usable(); err != nil {
		return err
	}
	err := takeError(C.weft_func_call_flat(s.ptr, f.ptr, slots(args), C.size_t(len(args)), slots(results), C.size_t(len(results))))
	return f.inst.fail(err)
}

// SlotOf gives the handle slot that stands for resource type t in the
// function's type, for [Lower.Own], [Lower.Borrow], [Lift.Own] and
// [Lift.Borrow]; an *Error of kind ErrorNotFound if it has none.
func (f *Func) SlotOf(t *ResourceType) (uint32, error) {
	s := f.inst.store
	s.mu.Lock()
	defer s.mu.Unlock()
	if f.ptr == nil || s.ptr == nil {
		return 0, closedError(fmt.Sprintf("function %s", f.name))
	}
	if t == nil || t.ptr == nil {
		return 0, closedError("resource type")
	}
	for slot := C.uint32_t(0); ; slot++ {
		var st *C.weft_resource_type_t
		if err := takeError(C.weft_func_resource_type(f.ptr, slot, &st)); err != nil {
			return 0, &Error{Kind: ErrorNotFound, Message: fmt.Sprintf("%s has no handle of that resource type", f.name)}
		}
		equal := bool(C.weft_resource_type_equal(st, t.ptr))
		C.weft_resource_type_delete(st)
		if equal {
			return uint32(slot), nil
		}
	}
}

// Call is a call in stages, from [Func.Begin] to [Call.Finish] or
// [Call.Discard]; it holds its store's lock throughout.
type Call struct {
	fn    *Func
	ptr   *C.weft_call_t
	ended bool
	lower Lower
	lift  Lift
	// owned are resources passed as own handles, the host's no more once
	// the callee has them.
	owned []*Resource
}

// Begin starts a call: the store is locked until Finish or Discard.
func (f *Func) Begin() (*Call, error) {
	s := f.inst.store
	s.mu.Lock()
	if err := f.usable(); err != nil {
		s.mu.Unlock()
		return nil, err
	}
	var ptr *C.weft_call_t
	if err := takeError(C.weft_call_begin(s.ptr, f.ptr, &ptr)); err != nil {
		s.mu.Unlock()
		return nil, f.inst.fail(err)
	}
	c := &Call{fn: f, ptr: ptr}
	c.lower = Lower{call: ptr, utf8: f.utf8, owned: &c.owned}
	c.lift = Lift{call: ptr, utf8: f.utf8}
	return c, nil
}

// Lower is where the arguments are lowered.
func (c *Call) Lower() *Lower { return &c.lower }

// Lift is where the results are lifted from, after Invoke.
func (c *Call) Lift() *Lift { return &c.lift }

// Invoke passes the flat arguments, runs the callee and gives its flat
// results (when the result is in memory, results[0] is its address).
// On an error the call is over: Discard it.
func (c *Call) Invoke(args []uint64, results []uint64) error {
	if c.ended {
		return &Error{Kind: ErrorInvalidArgument, Message: "the call has ended"}
	}
	if c.fn.paramsInMemory {
		// The parameter tuple's address was given by Lower.Area: the C
		// side passes it itself.
		if len(args) != 1 {
			return &Error{Kind: ErrorType, Message: fmt.Sprintf("%s takes its parameters through memory: one address, %d values given", c.fn.name, len(args))}
		}
		args = nil
	}
	var base *C.uint8_t
	var n C.size_t
	err := takeError(C.weft_call_invoke_flat(c.ptr, slots(args), C.size_t(len(args)), slots(results), C.size_t(len(results)), &base, &n))
	if err != nil {
		return c.fn.inst.fail(err)
	}
	for _, r := range c.owned {
		r.moved()
	}
	c.owned = c.owned[:0]
	c.lift.setMemory(base, n)
	return nil
}

// Finish ends a call whose results were lifted: borrows are checked and
// the callee's post-return runs (its trap is the error). Memory read
// through the call is invalid from here.
func (c *Call) Finish() error {
	if c.ended {
		return &Error{Kind: ErrorInvalidArgument, Message: "the call has ended"}
	}
	c.ended = true
	inst := c.fn.inst
	defer inst.store.mu.Unlock()
	if c.lift.err != nil {
		inst.fail(c.lift.err)
		takeError(C.weft_call_discard(c.ptr))
		return c.lift.err
	}
	return inst.fail(takeError(C.weft_call_finish(c.ptr)))
}

// Discard ends the call at any stage (before Invoke: not made, resources
// lowered are the host's again; after: post-return runs, own resources
// lifted but not kept are dropped). A no-op once the call has ended, so
// it suits a defer.
func (c *Call) Discard() {
	if c.ended {
		return
	}
	c.ended = true
	inst := c.fn.inst
	defer inst.store.mu.Unlock()
	if c.lift.err != nil {
		inst.fail(c.lift.err)
	}
	inst.fail(takeError(C.weft_call_discard(c.ptr)))
}
