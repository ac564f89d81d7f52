package weft

/*
#include "fast.h"
*/
import "C"

import (
	"fmt"
	"unicode/utf8"
	"unsafe"
)

// Number is the element type of a list that crosses as a block of bytes.
type Number interface {
	uint8 | int8 | uint16 | int16 | uint32 | int32 | uint64 | int64 | float32 | float64
}

// Blob is a string or a list of numbers that [Func.CallBlobs] stores in
// the callee whole, its address and length word going to flat arguments
// at and at+1. It refers to the Go value; use it for one call.
type Blob struct {
	data     *byte
	n        int
	at       uint32
	elem     uint32
	isString bool
}

// StringBlob passes s (valid UTF-8: see [CheckString]) at flat argument
// at.
func StringBlob(at int, s string) Blob {
	return Blob{data: unsafe.StringData(s), n: len(s), at: uint32(at), elem: 1, isString: true}
}

// ListBlob passes v at flat argument at.
func ListBlob[T Number](at int, v []T) Blob {
	var zero T
	size := int(unsafe.Sizeof(zero))
	return Blob{data: (*byte)(unsafe.Pointer(unsafe.SliceData(v))), n: len(v) * size, at: uint32(at), elem: uint32(size)}
}

// CheckString says why s cannot cross as a WIT string (it is not valid
// UTF-8), or nil.
func CheckString(s string) error {
	if utf8.ValidString(s) {
		return nil
	}
	return &Error{Kind: ErrorInvalidArgument, Message: fmt.Sprintf("string is not valid UTF-8 (first invalid byte at offset %d)", invalidUTF8At(s))}
}

// callBlobs makes a whole call in one crossing: args are the flat
// arguments (the blobs' places ignored), nres the flat results to take
// into the scratch block, or the result copied out when bytesResult.
// The store is locked on return when err is nil (the caller reads the
// result, then unlocks).
func (f *Func) callBlobs(args []uint64, nres int, bytesResult bool, blobs []Blob) (*scratch, error) {
	s := f.inst.store
	s.mu.Lock()
	if err := f.usable(); err != nil {
		s.mu.Unlock()
		return nil, err
	}
	if len(blobs) > 2 {
		s.mu.Unlock()
		return nil, &Error{Kind: ErrorInvalidArgument, Message: fmt.Sprintf("%s: %d blobs given, at most 2", f.name, len(blobs))}
	}
	sc := s.sc
	if _, err := putArgs(sc, args); err != nil {
		s.mu.Unlock()
		return nil, err
	}
	var data [2]*C.uint8_t
	var size [2]C.size_t
	for i, b := range blobs {
		data[i], size[i] = (*C.uint8_t)(unsafe.Pointer(b.data)), C.size_t(b.n)
		align := b.elem
		isString := C.uint32_t(0)
		if b.isString {
			align, isString = 1, 1
		}
		sc.blobs[i] = C.weft_go_blob{at: C.uint32_t(b.at), align: C.uint32_t(align), elem_size: C.uint32_t(b.elem), is_string: isString}
	}
	out := C.int(0)
	if bytesResult {
		out = 1
	}
	err := takeError(C.weft_go_call_blobs(s.ptr, f.ptr, data[0], size[0], data[1], size[1], C.size_t(len(blobs)), C.size_t(len(args)), C.size_t(nres), out, scratchBytes(sc)))
	if err != nil {
		if werr, ok := err.(*Error); ok && werr.Kind == ErrorLift {
			err = &Trap{Kind: TrapComponent, Message: "invalid value from the component: " + werr.Message}
		}
		err = f.inst.fail(err)
		s.mu.Unlock()
		return nil, err
	}
	return sc, nil
}

// CallBlobs calls a function whose parameters are flat scalars, strings
// and lists of numbers (the blobs) and whose result is flat, in one
// crossing.
func (f *Func) CallBlobs(args []uint64, results []uint64, blobs ...Blob) error {
	if len(results) > 1 {
		return &Error{Kind: ErrorType, Message: fmt.Sprintf("%s: room for %d results given, at most 1", f.name, len(results))}
	}
	sc, err := f.callBlobs(args, len(results), false, blobs)
	if err != nil {
		return err
	}
	for i := range results {
		results[i] = uint64(sc.results[i])
	}
	f.inst.store.mu.Unlock()
	return nil
}

// CallBlobsString is CallBlobs for a function whose result is a string.
func (f *Func) CallBlobsString(args []uint64, blobs ...Blob) (string, error) {
	sc, err := f.callBlobs(args, 0, true, blobs)
	if err != nil {
		return "", err
	}
	r := string(memorySlice(sc.base, sc.size))
	f.inst.store.mu.Unlock()
	return r, nil
}

// CallBlobsList is CallBlobs for a function whose result is a list of
// numbers.
func CallBlobsList[T Number](f *Func, args []uint64, blobs ...Blob) ([]T, error) {
	sc, err := f.callBlobs(args, 0, true, blobs)
	if err != nil {
		return nil, err
	}
	b := memorySlice(sc.base, sc.size)
	var zero T
	size := int(unsafe.Sizeof(zero))
	out := make([]T, len(b)/size)
	if len(out) > 0 {
		copy(unsafe.Slice((*byte)(unsafe.Pointer(&out[0])), len(out)*size), b)
	}
	f.inst.store.mu.Unlock()
	return out, nil
}
