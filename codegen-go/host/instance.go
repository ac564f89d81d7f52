package weft

/*
#include <weft.h>
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// Instance is an instance of a component in a [Store].
type Instance struct {
	store *Store
	ptr   *C.weft_instance_t
	funcs []*Func
	// poisoned is the trap that ended a call on this instance; every
	// later call is refused with an error naming it.
	poisoned error
}

// Func looks up an exported function, prepared for calls: `iface#func`
// for a function of an exported interface (`demo:kv/store@0.1.0#get`,
// `...#[method]bucket.get`), a plain name at the top level.
func (i *Instance) Func(name string) (*Func, error) {
	s := i.store
	s.mu.Lock()
	defer s.mu.Unlock()
	if i.ptr == nil || s.ptr == nil {
		return nil, closedError("instance")
	}
	var f *C.weft_func_t
	if err := takeError(C.weft_instance_get_func(s.ptr, i.ptr, stringPtr(name), C.size_t(len(name)), &f)); err != nil {
		return nil, err
	}
	fn := &Func{
		inst: i,
		ptr:  f,
		name: name,
		utf8: C.weft_func_string_encoding(f) == C.WEFT_STRING_UTF8,

		paramsInMemory: bool(C.weft_func_params_in_memory(f)),
	}
	i.funcs = append(i.funcs, fn)
	return fn, nil
}

// ResourceType gives an exported resource type (`name` or
// `iface#name`), to tell handles apart by type.
func (i *Instance) ResourceType(name string) (*ResourceType, error) {
	s := i.store
	s.mu.Lock()
	defer s.mu.Unlock()
	if i.ptr == nil || s.ptr == nil {
		return nil, closedError("instance")
	}
	var t *C.weft_resource_type_t
	if err := takeError(C.weft_instance_get_resource_type(s.ptr, i.ptr, stringPtr(name), C.size_t(len(name)), &t)); err != nil {
		return nil, err
	}
	return &ResourceType{ptr: t}, nil
}

// Exports gives the names of the exported functions, those of exported
// interfaces as `iface#func`.
func (i *Instance) Exports() []string {
	s := i.store
	s.mu.Lock()
	defer s.mu.Unlock()
	if i.ptr == nil {
		return nil
	}
	n := int(C.weft_instance_export_count(i.ptr))
	names := make([]string, 0, n)
	for k := 0; k < n; k++ {
		var p *C.uint8_t
		var l C.size_t
		if C.weft_instance_export_name(i.ptr, C.size_t(k), &p, &l) == nil {
			names = append(names, C.GoStringN((*C.char)(unsafe.Pointer(p)), C.int(l)))
		}
	}
	return names
}

// Close releases the instance and its functions; the store keeps the
// guest's state until it is closed itself.
func (i *Instance) Close() {
	s := i.store
	s.mu.Lock()
	defer s.mu.Unlock()
	i.release()
	for k, inst := range s.instances {
		if inst == i {
			s.instances = append(s.instances[:k], s.instances[k+1:]...)
			break
		}
	}
}

// release deletes the C objects; the store's lock is held.
func (i *Instance) release() {
	for _, f := range i.funcs {
		if f.ptr != nil {
			C.weft_func_delete(f.ptr)
			f.ptr = nil
		}
	}
	i.funcs = nil
	if i.ptr != nil {
		C.weft_instance_delete(i.ptr)
		i.ptr = nil
	}
}

// Poisoned gives the trap that made the instance refuse calls, or nil.
func (i *Instance) Poisoned() error {
	i.store.mu.Lock()
	defer i.store.mu.Unlock()
	return i.poisoned
}

// fail poisons the instance when err is a trap; it returns err. The
// store's lock is held.
func (i *Instance) fail(err error) error {
	if err != nil && i.poisoned == nil && isTrap(err) {
		i.poisoned = err
	}
	return err
}

// usable says why a call may not start, or nil. The store's lock is held.
func (f *Func) usable() error {
	if f.ptr == nil || f.inst.store.ptr == nil {
		return closedError(fmt.Sprintf("function %s", f.name))
	}
	if p := f.inst.poisoned; p != nil {
		return &Error{
			Kind:    ErrorPoisoned,
			Message: fmt.Sprintf("cannot call %s: the instance trapped in an earlier call and may be inconsistent (make a new instance): %v", f.name, firstLine(p.Error())),
		}
	}
	return nil
}

func firstLine(s string) string {
	for k := 0; k < len(s); k++ {
		if s[k] == '\n' {
			return s[:k]
		}
	}
	return s
}
