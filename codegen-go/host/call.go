package weft

/*
#include <stdlib.h>
#include "fast.h"
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
	inst *Instance
	ptr  *C.weft_func_t
	name string
	utf8 bool
	// paramsInMemory: more than 16 flat parameters, passed as a tuple.
	paramsInMemory bool
}

// Name is the name the function was looked up by.
func (f *Func) Name() string { return f.name }

// maxFlat is the most flat values a call passes (past 16, parameters go
// through memory).
const maxFlat = 16

// scratch is C memory for one call's flat values and out-parameters
// (weft_go_scratch in fast.h): passing it to C costs no allocation, where
// a Go pointer would move what it points to to the heap, and no cgo
// pointer check, as it goes as a byte pointer.
type scratch = C.weft_go_scratch

func newScratch() *scratch {
	return (*scratch)(C.calloc(1, C.size_t(unsafe.Sizeof(C.weft_go_scratch{}))))
}

func freeScratch(sc *scratch) {
	if sc != nil {
		C.free(unsafe.Pointer(sc))
	}
}

// bytes gives the scratch block as fast.h's wrappers take it.
func scratchBytes(sc *scratch) *C.uint8_t { return (*C.uint8_t)(unsafe.Pointer(sc)) }

// putArgs copies the flat values into the scratch block.
func putArgs(sc *scratch, args []uint64) (*C.uint64_t, error) {
	if len(args) > len(sc.args) {
		return nil, &Error{Kind: ErrorType, Message: fmt.Sprintf("%d flat values given, at most %d pass flat", len(args), maxFlat)}
	}
	for i, a := range args {
		sc.args[i] = C.uint64_t(a)
	}
	return &sc.args[0], nil
}

// CallFlat calls a function whose parameters and results are all flat
// scalars, in one crossing: args and results are its core values as
// uint64 slots (RUNTIME_API.md), exactly as many as its core signature
// has.
func (f *Func) CallFlat(args []uint64, results []uint64) error {
	s := f.inst.store
	s.mu.Lock()
	if err := f.usable(); err != nil {
		s.mu.Unlock()
		return err
	}
	sc := s.sc
	argp, err := putArgs(sc, args)
	if err == nil && len(results) > len(sc.results) {
		err = &Error{Kind: ErrorType, Message: fmt.Sprintf("%s: room for %d results given, at most 1 is flat", f.name, len(results))}
	}
	if err == nil {
		err = takeError(C.weft_func_call_flat(s.ptr, f.ptr, argp, C.size_t(len(args)), &sc.results[0], C.size_t(len(results))))
	}
	if err != nil {
		err = f.inst.fail(err)
		s.mu.Unlock()
		return err
	}
	for i := range results {
		results[i] = uint64(sc.results[i])
	}
	s.mu.Unlock()
	return nil
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

// Call is a call in stages, from [Func.Begin] to [Call.Discard], which
// must always follow (defer it): it ends the call if [Call.Finish] or
// [Call.InvokeFinish] did not, and releases the store, which the call
// holds throughout. A store reuses one Call for all its calls.
//
// The C call starts with the first step that needs it, together with it
// when that is an allocation (weft_call_begin_alloc): one cgo crossing
// less for every call that passes a string or a list.
type Call struct {
	fn    *Func
	ptr   *C.weft_call_t
	state callState
	sc    *scratch
	lower Lower
	lift  Lift
	// owned are resources passed as own handles, the host's no more once
	// the callee has them.
	owned []*Resource
}

// callState is where a Call is.
type callState uint8

const (
	// callIdle: ended and released (Discard ran).
	callIdle callState = iota
	// callPending: Begin ran; the C call has not started yet.
	callPending
	// callOpen: the C call is in progress.
	callOpen
	// callEnded: the C call ended (finished, failed, or invoked and
	// finished); Discard releases the store.
	callEnded
)

// Begin starts a call: the store is locked until Discard.
func (f *Func) Begin() (*Call, error) {
	s := f.inst.store
	s.mu.Lock()
	if err := f.usable(); err != nil {
		s.mu.Unlock()
		return nil, err
	}
	c := &s.call
	c.fn, c.ptr, c.state, c.sc = f, nil, callPending, s.sc
	c.owned = c.owned[:0]
	c.lower = Lower{utf8: f.utf8, sc: s.sc, owned: &c.owned, call: c}
	c.lift = Lift{utf8: f.utf8, sc: s.sc}
	return c, nil
}

// started records the C call, whose lowering and lifting ports are its
// own address (weft.h).
func (c *Call) started(ptr *C.weft_call_t) {
	c.ptr, c.state = ptr, callOpen
	c.lower.ptr = (*C.weft_lower_t)(unsafe.Pointer(ptr))
	c.lift.ptr = (*C.weft_lift_t)(unsafe.Pointer(ptr))
}

// ensure starts the C call if it has not started; an error if it ended.
func (c *Call) ensure() error {
	switch c.state {
	case callOpen:
		return nil
	case callPending:
		if err := takeError(C.weft_go_call_begin(c.fn.inst.store.ptr, c.fn.ptr, scratchBytes(c.sc))); err != nil {
			c.state = callEnded
			return c.fn.inst.fail(err)
		}
		c.started(c.sc.call)
		return nil
	default:
		return c.ended()
	}
}

// beginAlloc starts the C call with its first allocation.
func (c *Call) beginAlloc(size, align uint32) (uint32, error) {
	sc := c.sc
	if err := takeError(C.weft_go_call_begin_alloc(c.fn.inst.store.ptr, c.fn.ptr, C.uint32_t(size), C.uint32_t(align), scratchBytes(sc))); err != nil {
		c.state = callEnded
		return 0, c.fn.inst.fail(err)
	}
	c.started(sc.call)
	c.lower.mem = memorySlice(sc.base, sc.size)
	return uint32(sc.u32), nil
}

// Lower is where the arguments are lowered.
func (c *Call) Lower() *Lower { return &c.lower }

// Lift is where the results are lifted from, after Invoke.
func (c *Call) Lift() *Lift { return &c.lift }

func (c *Call) ended() error {
	return &Error{Kind: ErrorInvalidArgument, Message: "the call has ended"}
}

// args gives the flat arguments to pass: none when the parameters went
// through memory (the runtime has the address Lower.Area gave).
func (c *Call) args(args []uint64) ([]uint64, error) {
	if !c.fn.paramsInMemory {
		return args, nil
	}
	if len(args) != 1 {
		return nil, &Error{Kind: ErrorType, Message: fmt.Sprintf("%s takes its parameters through memory: one address, %d values given", c.fn.name, len(args))}
	}
	return nil, nil
}

// Invoke passes the flat arguments, runs the callee and gives its flat
// results (when the result is in memory, results[0] is its address).
// After it, lift the result and Finish; on an error the call is over.
func (c *Call) Invoke(args []uint64, results []uint64) error {
	if err := c.ensure(); err != nil {
		return err
	}
	args, err := c.args(args)
	if err != nil {
		return err
	}
	sc := c.sc
	if _, err := putArgs(sc, args); err != nil {
		return err
	}
	if len(results) > len(sc.results) {
		return &Error{Kind: ErrorType, Message: fmt.Sprintf("%s: room for %d results given, at most 1", c.fn.name, len(results))}
	}
	err = takeError(C.weft_go_call_invoke_flat(c.ptr, C.size_t(len(args)), C.size_t(len(results)), scratchBytes(sc)))
	if err != nil {
		// The call is over; Discard deletes it.
		return c.fn.inst.fail(err)
	}
	c.movedOwned()
	for i := range results {
		results[i] = uint64(sc.results[i])
	}
	c.lift.setMemory(sc.base, sc.size)
	return nil
}

// InvokeFinish is Invoke and Finish in one crossing, for a call whose
// result is flat scalars only (nothing to lift from memory or handles).
func (c *Call) InvokeFinish(args []uint64, results []uint64) error {
	if err := c.ensure(); err != nil {
		return err
	}
	args, err := c.args(args)
	if err != nil {
		return err
	}
	sc := c.sc
	argp, err := putArgs(sc, args)
	if err != nil {
		return err
	}
	if len(results) > len(sc.results) {
		return &Error{Kind: ErrorType, Message: fmt.Sprintf("%s: room for %d results given, at most 1", c.fn.name, len(results))}
	}
	ptr := c.ptr
	c.ptr, c.state = nil, callEnded // ended by the call below in every case
	err = takeError(C.weft_call_invoke_finish_flat(ptr, argp, C.size_t(len(args)), &sc.results[0], C.size_t(len(results))))
	if err != nil {
		return c.fn.inst.fail(err)
	}
	c.movedOwned()
	for i := range results {
		results[i] = uint64(sc.results[i])
	}
	return nil
}

func (c *Call) movedOwned() {
	for _, r := range c.owned {
		r.moved()
	}
	c.owned = c.owned[:0]
}

// Finish ends a call whose results were lifted: borrows are checked and
// the callee's post-return runs (its trap is the error). Memory read
// through the call is invalid from here. Discard still follows.
func (c *Call) Finish() error {
	if c.state != callOpen {
		return c.ended()
	}
	ptr := c.ptr
	c.ptr, c.state = nil, callEnded
	inst := c.fn.inst
	if c.lift.err != nil {
		inst.fail(c.lift.err)
		takeError(C.weft_call_discard(ptr))
		return c.lift.err
	}
	return inst.fail(takeError(C.weft_call_finish(ptr)))
}

// Discard ends the call if it has not ended (before Invoke: not made,
// resources lowered are the host's again; after: post-return runs, own
// resources lifted but not kept are dropped) and releases the store.
// Call it exactly once per Begin.
func (c *Call) Discard() {
	if c.state == callIdle {
		return
	}
	inst := c.fn.inst
	if c.lift.err != nil {
		inst.fail(c.lift.err)
	}
	if c.state == callOpen {
		inst.fail(takeError(C.weft_call_discard(c.ptr)))
	}
	c.ptr, c.state, c.fn = nil, callIdle, nil
	inst.store.mu.Unlock()
}

// invokeFinishBytes runs weft_call_invoke_finish_bytes: the result copied
// into the store, as bytes valid until the store's next call.
func (c *Call) invokeFinishBytes(args []uint64) ([]byte, error) {
	if err := c.ensure(); err != nil {
		return nil, err
	}
	args, err := c.args(args)
	if err != nil {
		return nil, err
	}
	sc := c.sc
	if _, err := putArgs(sc, args); err != nil {
		return nil, err
	}
	ptr := c.ptr
	c.ptr, c.state = nil, callEnded // ended by the call below in every case
	if err := takeError(C.weft_go_call_invoke_finish_bytes(ptr, C.size_t(len(args)), scratchBytes(sc))); err != nil {
		if werr, ok := err.(*Error); ok && werr.Kind == ErrorLift {
			err = &Trap{Kind: TrapComponent, Message: "invalid value from the component: " + werr.Message}
		}
		return nil, c.fn.inst.fail(err)
	}
	c.movedOwned()
	return memorySlice(sc.base, sc.size), nil
}

// InvokeFinishString is Invoke, lifting and Finish in one crossing, for a
// function whose result is a string: the string, validated, in Go memory.
func (c *Call) InvokeFinishString(args []uint64) (string, error) {
	b, err := c.invokeFinishBytes(args)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// InvokeFinishList is Invoke, lifting and Finish in one crossing, for a
// function whose result is a list of integers or floats: a new slice.
func InvokeFinishList[T uint8 | int8 | uint16 | int16 | uint32 | int32 | uint64 | int64 | float32 | float64](c *Call, args []uint64) ([]T, error) {
	b, err := c.invokeFinishBytes(args)
	if err != nil {
		return nil, err
	}
	var zero T
	size := int(unsafe.Sizeof(zero))
	out := make([]T, len(b)/size)
	if len(out) > 0 {
		copy(unsafe.Slice((*byte)(unsafe.Pointer(&out[0])), len(out)*size), b)
	}
	return out, nil
}
