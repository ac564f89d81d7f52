package weft

/*
#include <weft.h>
*/
import "C"

import (
	"encoding/binary"
	"fmt"
	"math"
	"unicode/utf8"
	"unsafe"
)

// Lift is where values are lifted from: a call's results or a host
// function's arguments. Every read is checked; the first failure is kept
// (a *Trap of kind TrapComponent naming what was wrong), later reads give
// zero values, and Err reports it.
type Lift struct {
	ptr     *C.weft_lift_t
	mem     []byte
	hasMem  bool
	utf8    bool
	err     error
	sc      *scratch
	borrows *[]*Resource
}

func (l *Lift) setMemory(base *C.uint8_t, n C.size_t) {
	l.mem = memorySlice(base, n)
	l.hasMem = true
}

// memory gives the guest's memory, asked for once.
func (l *Lift) memory() []byte {
	if !l.hasMem {
		sc := l.sc
		if err := takeError(C.weft_lift_memory(l.ptr, &sc.base, &sc.size)); err != nil {
			l.fail(err)
			return nil
		}
		l.setMemory(sc.base, sc.size)
	}
	return l.mem
}

// Err gives the first failure, or nil.
func (l *Lift) Err() error { return l.err }

func (l *Lift) fail(err error) {
	if l.err == nil {
		l.err = err
	}
}

// Fail records an invalid value that generated code found (an unknown
// discriminant, enum case or flag bit); what says which and why.
func (l *Lift) Fail(what string) {
	l.fail(&Trap{Kind: TrapComponent, Message: "invalid value from the component: " + what})
}

// Check says whether size bytes at ptr are inside memory and ptr is
// aligned to align; if not, it records why.
func (l *Lift) Check(ptr, size, align uint32) bool {
	if l.err != nil {
		return false
	}
	if align > 1 && ptr%align != 0 {
		l.Fail(fmt.Sprintf("pointer %#x is not aligned to %d", ptr, align))
		return false
	}
	mem := l.memory()
	if uint64(ptr)+uint64(size) > uint64(len(mem)) {
		l.Fail(fmt.Sprintf("%d bytes at %#x are out of bounds of memory (%d bytes)", size, ptr, len(mem)))
		return false
	}
	return true
}

// checkList checks n elements of size bytes at ptr, aligned to align.
func (l *Lift) checkList(ptr, n, size, align uint32) bool {
	total := uint64(n) * uint64(size)
	if total > math.MaxUint32 {
		l.Fail(fmt.Sprintf("list of %d elements of %d bytes at %#x is larger than memory can be", n, size, ptr))
		return false
	}
	return l.Check(ptr, uint32(total), align)
}

// in says whether size bytes at at are inside memory, recording it if not.
func (l *Lift) in(at, size uint32) bool {
	mem := l.memory()
	if uint64(at)+uint64(size) > uint64(len(mem)) {
		l.Fail(fmt.Sprintf("%d bytes at %#x are out of bounds of memory (%d bytes)", size, at, len(mem)))
		return false
	}
	return true
}

// U8 reads the byte at at.
func (l *Lift) U8(at uint32) uint8 {
	if !l.in(at, 1) {
		return 0
	}
	return l.mem[at]
}

// U16 reads a little-endian uint16 at at.
func (l *Lift) U16(at uint32) uint16 {
	if !l.in(at, 2) {
		return 0
	}
	return binary.LittleEndian.Uint16(l.mem[at:])
}

// U32 reads a little-endian uint32 at at.
func (l *Lift) U32(at uint32) uint32 {
	if !l.in(at, 4) {
		return 0
	}
	return binary.LittleEndian.Uint32(l.mem[at:])
}

// U64 reads a little-endian uint64 at at.
func (l *Lift) U64(at uint32) uint64 {
	if !l.in(at, 8) {
		return 0
	}
	return binary.LittleEndian.Uint64(l.mem[at:])
}

// F32 reads a float32 at at.
func (l *Lift) F32(at uint32) float32 { return math.Float32frombits(l.U32(at)) }

// F64 reads a float64 at at.
func (l *Lift) F64(at uint32) float64 { return math.Float64frombits(l.U64(at)) }

// Char checks that v is a Unicode scalar value and gives it as a rune.
func (l *Lift) Char(v uint32) rune {
	if v >= 0x110000 || (v >= 0xd800 && v <= 0xdfff) {
		l.Fail(fmt.Sprintf("char %#x is not a Unicode scalar value", v))
		return 0
	}
	return rune(v)
}

// String reads the string at ptr with length word n in the guest's
// encoding, validated, copied into Go memory.
func (l *Lift) String(ptr, n uint32) string {
	if l.err != nil {
		return ""
	}
	if !l.utf8 {
		sc := l.sc
		if err := takeError(C.weft_lift_read_string(l.ptr, C.uint32_t(ptr), C.uint32_t(n), &sc.text, &sc.size)); err != nil {
			l.fail(&Trap{Kind: TrapComponent, Message: "invalid value from the component: " + err.Error()})
			return ""
		}
		return C.GoStringN(sc.text, C.int(sc.size))
	}
	if !l.Check(ptr, n, 1) {
		return ""
	}
	b := l.mem[ptr : ptr+n]
	if !utf8.Valid(b) {
		l.Fail(fmt.Sprintf("string of %d bytes at %#x is not valid UTF-8", n, ptr))
		return ""
	}
	return string(b)
}

// Bytes copies n bytes at ptr.
func (l *Lift) Bytes(ptr, n uint32) []byte {
	if !l.Check(ptr, n, 1) {
		return nil
	}
	out := make([]byte, n)
	copy(out, l.mem[ptr:ptr+n])
	return out
}

// scalars copies n little-endian scalars at ptr into a new slice.
func scalars[T uint16 | uint32 | uint64 | int8 | int16 | int32 | int64](l *Lift, ptr, n uint32) []T {
	var zero T
	size := uint32(unsafe.Sizeof(zero))
	if !l.checkList(ptr, n, size, size) {
		return nil
	}
	out := make([]T, n)
	if n > 0 {
		copy(unsafe.Slice((*byte)(unsafe.Pointer(&out[0])), int(n*size)), l.mem[ptr:ptr+n*size])
	}
	return out
}

// U16s copies the list of n uint16 at ptr.
func (l *Lift) U16s(ptr, n uint32) []uint16 { return scalars[uint16](l, ptr, n) }

// U32s copies the list of n uint32 at ptr.
func (l *Lift) U32s(ptr, n uint32) []uint32 { return scalars[uint32](l, ptr, n) }

// U64s copies the list of n uint64 at ptr.
func (l *Lift) U64s(ptr, n uint32) []uint64 { return scalars[uint64](l, ptr, n) }

// S8s copies the list of n int8 at ptr.
func (l *Lift) S8s(ptr, n uint32) []int8 { return scalars[int8](l, ptr, n) }

// S16s copies the list of n int16 at ptr.
func (l *Lift) S16s(ptr, n uint32) []int16 { return scalars[int16](l, ptr, n) }

// S32s copies the list of n int32 at ptr.
func (l *Lift) S32s(ptr, n uint32) []int32 { return scalars[int32](l, ptr, n) }

// S64s copies the list of n int64 at ptr.
func (l *Lift) S64s(ptr, n uint32) []int64 { return scalars[int64](l, ptr, n) }

// F32s copies the list of n float32 at ptr.
func (l *Lift) F32s(ptr, n uint32) []float32 {
	bits := scalars[uint32](l, ptr, n)
	if bits == nil {
		return nil
	}
	out := make([]float32, len(bits))
	for i, b := range bits {
		out[i] = math.Float32frombits(b)
	}
	return out
}

// F64s copies the list of n float64 at ptr.
func (l *Lift) F64s(ptr, n uint32) []float64 {
	bits := scalars[uint64](l, ptr, n)
	if bits == nil {
		return nil
	}
	out := make([]float64, len(bits))
	for i, b := range bits {
		out[i] = math.Float64frombits(b)
	}
	return out
}

// Own takes the own handle handle of the resource type in handle slot
// slot: a resource the caller now owns (Drop it or pass it on).
func (l *Lift) Own(slot, handle uint32) *Resource {
	if l.err != nil {
		return nil
	}
	sc := l.sc
	if err := takeError(C.weft_lift_own(l.ptr, C.uint32_t(slot), C.uint32_t(handle), &sc.res)); err != nil {
		l.fail(&Trap{Kind: TrapComponent, Message: "invalid value from the component: " + err.Error()})
		return nil
	}
	return &Resource{ptr: sc.res}
}

// Borrow gives the resource behind the borrow handle handle, lent for
// the call only (never drop it).
func (l *Lift) Borrow(slot, handle uint32) *Resource {
	if l.err != nil {
		return nil
	}
	sc := l.sc
	if err := takeError(C.weft_lift_borrow(l.ptr, C.uint32_t(slot), C.uint32_t(handle), &sc.res)); err != nil {
		l.fail(&Trap{Kind: TrapComponent, Message: "invalid value from the component: " + err.Error()})
		return nil
	}
	res := &Resource{ptr: sc.res, lent: true}
	if l.borrows != nil {
		*l.borrows = append(*l.borrows, res)
	}
	return res
}
