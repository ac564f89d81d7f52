package weft

/*
#include <stdlib.h>
#include <weft.h>
*/
import "C"

import (
	"sync"
	"unsafe"
)

// bytesPtr gives C a pointer to b's first byte (NULL when empty). The
// bytes are Go memory: C reads them during the call only.
func bytesPtr(b []byte) *C.uint8_t {
	if len(b) == 0 {
		return nil
	}
	return (*C.uint8_t)(unsafe.Pointer(&b[0]))
}

// stringPtr gives C a pointer to s's bytes (NULL when empty), read
// during the call only.
func stringPtr(s string) *C.uint8_t {
	if len(s) == 0 {
		return nil
	}
	return (*C.uint8_t)(unsafe.Pointer(unsafe.StringData(s)))
}

// Engine compiles components and holds what their stores share. Shared
// by goroutines.
type Engine struct {
	ptr *C.weft_engine_t
}

// NewEngine makes an engine with the default configuration, without a
// compiled-code cache ([NewEngineWithConfig] takes one).
func NewEngine() (*Engine, error) {
	var e *C.weft_engine_t
	if err := takeError(C.weft_engine_new(&e)); err != nil {
		return nil, err
	}
	return &Engine{ptr: e}, nil
}

// Close releases the engine. Components and stores made with it keep
// what they need and stay usable.
func (e *Engine) Close() {
	if e.ptr != nil {
		C.weft_engine_delete(e.ptr)
		e.ptr = nil
	}
}

// Component is a validated, compiled component, instantiated any number
// of times. Shared by goroutines.
type Component struct {
	ptr *C.weft_component_t
}

// NewComponent validates and compiles a component binary (or loads its
// code from the engine's cache, [EngineConfig.CacheDir]); invalid input
// is an *Error of kind ErrorCompile saying why and where.
func NewComponent(e *Engine, wasm []byte) (*Component, error) {
	if e == nil || e.ptr == nil {
		return nil, closedError("engine")
	}
	var c *C.weft_component_t
	if err := takeError(C.weft_component_new(e.ptr, bytesPtr(wasm), C.size_t(len(wasm)), &c)); err != nil {
		return nil, err
	}
	return &Component{ptr: c}, nil
}

// Close releases the component; instances made from it stay usable.
func (c *Component) Close() {
	if c.ptr != nil {
		C.weft_component_delete(c.ptr)
		c.ptr = nil
	}
}

// Exports gives the component's top-level export names.
func (c *Component) Exports() []string {
	if c.ptr == nil {
		return nil
	}
	n := int(C.weft_component_export_count(c.ptr))
	names := make([]string, 0, n)
	for i := 0; i < n; i++ {
		var p *C.uint8_t
		var l C.size_t
		if C.weft_component_export_name(c.ptr, C.size_t(i), &p, &l) == nil {
			names = append(names, C.GoStringN((*C.char)(unsafe.Pointer(p)), C.int(l)))
		}
	}
	return names
}

// Imports gives the component's top-level import names.
func (c *Component) Imports() []string {
	if c.ptr == nil {
		return nil
	}
	n := int(C.weft_component_import_count(c.ptr))
	names := make([]string, 0, n)
	for i := 0; i < n; i++ {
		var p *C.uint8_t
		var l C.size_t
		if C.weft_component_import_name(c.ptr, C.size_t(i), &p, &l) == nil {
			names = append(names, C.GoStringN((*C.char)(unsafe.Pointer(p)), C.int(l)))
		}
	}
	return names
}

// Store owns instances and everything made in them. Its lock serialises
// their use: calls on one store run one at a time, calls on separate
// stores in parallel.
type Store struct {
	mu  sync.Mutex
	ptr *C.weft_store_t
	// instances are closed with the store.
	instances []*Instance
	// sc is C memory for the flat values and out-parameters of calls, so
	// that cgo is passed no Go memory and nothing escapes to the heap;
	// used under mu.
	sc *scratch
	// call is reused by every staged call, one at a time under mu.
	call Call
}

// NewStore makes an empty store.
func NewStore(e *Engine) (*Store, error) {
	if e == nil || e.ptr == nil {
		return nil, closedError("engine")
	}
	var s *C.weft_store_t
	if err := takeError(C.weft_store_new(e.ptr, &s)); err != nil {
		return nil, err
	}
	return &Store{ptr: s, sc: newScratch()}, nil
}

// Close releases the store and everything made in it; its instances,
// functions and resources refuse further use with ErrClosed. It waits
// for a call in progress to end.
func (s *Store) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ptr == nil {
		return
	}
	for _, inst := range s.instances {
		inst.release()
	}
	s.instances = nil
	C.weft_store_delete(s.ptr)
	s.ptr = nil
	freeScratch(s.sc)
	s.sc = nil
}

// Linker holds host functions, resource types and instances by name,
// for instantiating components. Not changed while it instantiates.
type Linker struct {
	ptr *C.weft_linker_t
}

// NewLinker makes an empty linker.
func NewLinker(e *Engine) (*Linker, error) {
	if e == nil || e.ptr == nil {
		return nil, closedError("engine")
	}
	var l *C.weft_linker_t
	if err := takeError(C.weft_linker_new(e.ptr, &l)); err != nil {
		return nil, err
	}
	return &Linker{ptr: l}, nil
}

// Close releases the linker (and its host functions once no instance
// uses them).
func (l *Linker) Close() {
	if l.ptr != nil {
		C.weft_linker_delete(l.ptr)
		l.ptr = nil
	}
}

// DefineInstance makes inst's exports satisfy imports named name (one
// component's exports for another's imports).
func (l *Linker) DefineInstance(name string, inst *Instance) error {
	if l.ptr == nil {
		return closedError("linker")
	}
	if inst == nil || inst.ptr == nil {
		return closedError("instance")
	}
	return takeError(C.weft_linker_define_instance(l.ptr, stringPtr(name), C.size_t(len(name)), inst.ptr))
}

// Instantiate instantiates c in s with the linker's definitions; a
// missing or mistyped import is an *Error of kind ErrorLink naming it.
func (l *Linker) Instantiate(s *Store, c *Component) (*Instance, error) {
	if l.ptr == nil {
		return nil, closedError("linker")
	}
	if c == nil || c.ptr == nil {
		return nil, closedError("component")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ptr == nil {
		return nil, closedError("store")
	}
	var i *C.weft_instance_t
	if err := takeError(C.weft_linker_instantiate(l.ptr, s.ptr, c.ptr, &i)); err != nil {
		return nil, err
	}
	inst := &Instance{store: s, ptr: i}
	s.instances = append(s.instances, inst)
	return inst, nil
}
