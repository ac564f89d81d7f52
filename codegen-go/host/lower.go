package weft

/*
#include "fast.h"
*/
import "C"

import (
	"encoding/binary"
	"fmt"
	"math"
	"unicode/utf8"
	"unsafe"
)

// canonicalNaN32 and canonicalNaN64 are the bit patterns every NaN
// crosses the boundary as.
const (
	canonicalNaN32 = 0x7fc00000
	canonicalNaN64 = 0x7ff8000000000000
)

// Lower is where values are lowered: a call's arguments or a host
// function's results. Addresses are offsets into the guest's memory.
type Lower struct {
	ptr  *C.weft_lower_t
	mem  []byte
	utf8 bool
	sc   *scratch
	// owned collects resources passed as own handles (a call's).
	owned *[]*Resource
	// call is the call whose arguments these are (nil for a host
	// function's result): its C call may not have started yet.
	call *Call
}

// ensure starts the call's C call if it has not started.
func (l *Lower) ensure() error {
	if l.call == nil {
		return nil
	}
	return l.call.ensure()
}

// refresh takes the memory as it is now (it may have grown).
func (l *Lower) refresh() error {
	if err := l.ensure(); err != nil {
		return err
	}
	sc := l.sc
	if err := takeError(C.weft_lower_memory(l.ptr, &sc.base, &sc.size)); err != nil {
		return err
	}
	l.mem = memorySlice(sc.base, sc.size)
	return nil
}

// memorySlice views guest memory as a Go slice (nil for none).
func memorySlice(base *C.uint8_t, n C.size_t) []byte {
	if base == nil || n == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(base)), int(n))
}

// Alloc allocates size bytes aligned to align with the guest's realloc
// (its result checked by the runtime). It runs wasm, so it may trap.
func (l *Lower) Alloc(size, align uint32) (uint32, error) {
	if l.call != nil && l.call.state == callPending {
		return l.call.beginAlloc(size, align)
	}
	if err := l.ensure(); err != nil {
		return 0, err
	}
	sc := l.sc
	if err := takeError(C.weft_go_lower_alloc(l.ptr, C.uint32_t(size), C.uint32_t(align), scratchBytes(sc))); err != nil {
		return 0, err
	}
	l.mem = memorySlice(sc.base, sc.size)
	return uint32(sc.u32), nil
}

// Area is where the values go when they go through memory: a call's
// spilled parameter tuple (allocated in the callee) or the result area a
// calling guest gave a host function.
func (l *Lower) Area() (uint32, error) {
	if err := l.ensure(); err != nil {
		return 0, err
	}
	sc := l.sc
	if err := takeError(C.weft_lower_area(l.ptr, &sc.u32)); err != nil {
		return 0, err
	}
	ptr := uint32(sc.u32)
	if err := l.refresh(); err != nil {
		return 0, err
	}
	return ptr, nil
}

// String stores s in the guest, in its string encoding, and gives the
// address and the length word to pass. s must be valid UTF-8.
func (l *Lower) String(s string) (ptr, n uint32, err error) {
	if err := CheckString(s); err != nil {
		return 0, 0, err
	}
	if len(s) > math.MaxInt32 {
		return 0, 0, &Error{Kind: ErrorLimit, Message: fmt.Sprintf("string of %d bytes is too long for a component", len(s))}
	}
	if l.utf8 {
		p, err := l.Alloc(uint32(len(s)), 1)
		if err != nil {
			return 0, 0, err
		}
		copy(l.mem[p:], s)
		return p, uint32(len(s)), nil
	}
	if err := l.ensure(); err != nil {
		return 0, 0, err
	}
	sc := l.sc
	if err := takeError(C.weft_lower_store_string(l.ptr, stringPtr(s), C.size_t(len(s)), &sc.u32, &sc.u32b)); err != nil {
		return 0, 0, err
	}
	ptr, n = uint32(sc.u32), uint32(sc.u32b)
	if err := l.refresh(); err != nil {
		return 0, 0, err
	}
	return ptr, n, nil
}

func invalidUTF8At(s string) int {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(s)
}

// Own passes r as an own handle of the resource type in handle slot
// slot (see [Func.SlotOf]) and gives the handle to pass. Once the callee
// has it, r is closed: the host owns it no more.
func (l *Lower) Own(slot uint32, r *Resource) (uint32, error) {
	if err := r.usable(); err != nil {
		return 0, err
	}
	if err := l.ensure(); err != nil {
		return 0, err
	}
	sc := l.sc
	if err := takeError(C.weft_lower_own(l.ptr, C.uint32_t(slot), r.ptr, &sc.u32)); err != nil {
		return 0, err
	}
	h := sc.u32
	if l.owned != nil {
		*l.owned = append(*l.owned, r)
	} else {
		r.moved()
	}
	return uint32(h), nil
}

// Borrow lends r for the call as a borrow handle of the resource type in
// handle slot slot, and gives the handle to pass.
func (l *Lower) Borrow(slot uint32, r *Resource) (uint32, error) {
	if err := r.usable(); err != nil {
		return 0, err
	}
	if err := l.ensure(); err != nil {
		return 0, err
	}
	sc := l.sc
	if err := takeError(C.weft_lower_borrow(l.ptr, C.uint32_t(slot), r.ptr, &sc.u32)); err != nil {
		return 0, err
	}
	return uint32(sc.u32), nil
}

// PutU8 stores v at a (an address Alloc or Area gave).
func (l *Lower) PutU8(at uint32, v uint8) { l.mem[at] = v }

// PutU16 stores v at a, little-endian.
func (l *Lower) PutU16(at uint32, v uint16) { binary.LittleEndian.PutUint16(l.mem[at:], v) }

// PutU32 stores v at a, little-endian.
func (l *Lower) PutU32(at uint32, v uint32) { binary.LittleEndian.PutUint32(l.mem[at:], v) }

// PutU64 stores v at a, little-endian.
func (l *Lower) PutU64(at uint32, v uint64) { binary.LittleEndian.PutUint64(l.mem[at:], v) }

// PutF32 stores v at a (a NaN as the canonical NaN).
func (l *Lower) PutF32(at uint32, v float32) { l.PutU32(at, F32Bits(v)) }

// PutF64 stores v at a (a NaN as the canonical NaN).
func (l *Lower) PutF64(at uint32, v float64) { l.PutU64(at, F64Bits(v)) }

// F32Bits gives v's bits with a NaN made canonical, as values cross.
func F32Bits(v float32) uint32 {
	if v != v {
		return canonicalNaN32
	}
	return math.Float32bits(v)
}

// F64Bits gives v's bits with a NaN made canonical, as values cross.
func F64Bits(v float64) uint64 {
	if v != v {
		return canonicalNaN64
	}
	return math.Float64bits(v)
}

// PutBytes copies b to a.
func (l *Lower) PutBytes(at uint32, b []byte) { copy(l.mem[at:], b) }

// putScalars copies a slice of fixed-size little-endian scalars to a in
// one move (every platform Go and weft run on is little-endian).
func putScalars[T uint16 | uint32 | uint64 | int8 | int16 | int32 | int64](l *Lower, at uint32, v []T) {
	if len(v) == 0 {
		return
	}
	n := len(v) * int(unsafe.Sizeof(v[0]))
	copy(l.mem[at:int(at)+n], unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), n))
}

// PutU16s stores the elements of v from a on.
func (l *Lower) PutU16s(at uint32, v []uint16) { putScalars(l, at, v) }

// PutU32s stores the elements of v from a on.
func (l *Lower) PutU32s(at uint32, v []uint32) { putScalars(l, at, v) }

// PutU64s stores the elements of v from a on.
func (l *Lower) PutU64s(at uint32, v []uint64) { putScalars(l, at, v) }

// PutS8s stores the elements of v from a on.
func (l *Lower) PutS8s(at uint32, v []int8) { putScalars(l, at, v) }

// PutS16s stores the elements of v from a on.
func (l *Lower) PutS16s(at uint32, v []int16) { putScalars(l, at, v) }

// PutS32s stores the elements of v from a on.
func (l *Lower) PutS32s(at uint32, v []int32) { putScalars(l, at, v) }

// PutS64s stores the elements of v from a on.
func (l *Lower) PutS64s(at uint32, v []int64) { putScalars(l, at, v) }

// PutF32s stores the elements of v from a on (NaNs made canonical).
func (l *Lower) PutF32s(at uint32, v []float32) {
	for i, x := range v {
		l.PutU32(at+uint32(4*i), F32Bits(x))
	}
}

// PutF64s stores the elements of v from a on (NaNs made canonical).
func (l *Lower) PutF64s(at uint32, v []float64) {
	for i, x := range v {
		l.PutU64(at+uint32(8*i), F64Bits(x))
	}
}
