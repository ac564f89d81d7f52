package weft

/*
#include <stdlib.h>
#include <weft.h>

extern weft_error_t *weftGoResourceDtor(void *env, uint32_t rep);
extern void weftGoFinalize(void *env);
*/
import "C"

import (
	"fmt"
	"runtime/cgo"
	"unsafe"
)

// ResourceType is a resource type: exported by a component, or defined
// by the host with [NewHostResourceType].
type ResourceType struct {
	ptr *C.weft_resource_type_t
}

// Equal says whether t and o are the same type.
func (t *ResourceType) Equal(o *ResourceType) bool {
	if t == nil || o == nil || t.ptr == nil || o.ptr == nil {
		return false
	}
	return bool(C.weft_resource_type_equal(t.ptr, o.ptr))
}

// Close releases the handle on the type (the type lives as long as its
// store).
func (t *ResourceType) Close() {
	if t.ptr != nil {
		C.weft_resource_type_delete(t.ptr)
		t.ptr = nil
	}
}

// newEnv keeps a Go value for C: a malloc'd word holding a cgo.Handle,
// released by weftGoFinalize.
func newEnv(v any) unsafe.Pointer {
	env := C.malloc(C.size_t(unsafe.Sizeof(C.uintptr_t(0))))
	*(*C.uintptr_t)(env) = C.uintptr_t(cgo.NewHandle(v))
	return env
}

func envValue(env unsafe.Pointer) any {
	return cgo.Handle(*(*C.uintptr_t)(env)).Value()
}

//export weftGoFinalize
func weftGoFinalize(env unsafe.Pointer) {
	cgo.Handle(*(*C.uintptr_t)(env)).Delete()
	C.free(env)
}

//export weftGoResourceDtor
func weftGoResourceDtor(env unsafe.Pointer, rep C.uint32_t) (result *C.weft_error_t) {
	defer func() {
		if p := recover(); p != nil {
			result = newCError(fmt.Sprintf("resource destructor panicked: %v", p))
		}
	}()
	if dtor, ok := envValue(env).(func(uint32)); ok && dtor != nil {
		dtor(uint32(rep))
	}
	return nil
}

// newCError makes a host error for C to trap with.
func newCError(message string) *C.weft_error_t {
	return C.weft_error_new(stringPtr(message), C.size_t(len(message)))
}

// NewHostResourceType makes a resource type in s whose reps the host
// chooses; dtor (may be nil) runs with the rep when a guest drops the
// last own handle of one.
func NewHostResourceType(s *Store, dtor func(rep uint32)) (*ResourceType, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ptr == nil {
		return nil, closedError("store")
	}
	var t *C.weft_resource_type_t
	env := newEnv(dtor)
	err := takeError(C.weft_resource_type_new_host(s.ptr, C.weft_resource_dtor_t(C.weftGoResourceDtor), env, C.weft_finalizer_t(C.weftGoFinalize), &t))
	if err != nil {
		return nil, err
	}
	return &ResourceType{ptr: t}, nil
}

// DefineResource makes t satisfy the imported resource type name of
// interface iface ("" for the top level).
func (l *Linker) DefineResource(iface, name string, t *ResourceType) error {
	if l.ptr == nil {
		return closedError("linker")
	}
	if t == nil || t.ptr == nil {
		return closedError("resource type")
	}
	return takeError(C.weft_linker_define_resource(l.ptr, stringPtr(iface), C.size_t(len(iface)), stringPtr(name), C.size_t(len(name)), t.ptr))
}

// Resource is a resource the host holds: owned (lifted from an own
// handle, or made with [NewResource]) or lent for a call (a borrow).
type Resource struct {
	ptr  *C.weft_resource_t
	lent bool
	gone string
}

// NewResource makes a resource of host type t with the host's rep,
// owned by the host.
func NewResource(t *ResourceType, rep uint32) (*Resource, error) {
	if t == nil || t.ptr == nil {
		return nil, closedError("resource type")
	}
	var r *C.weft_resource_t
	if err := takeError(C.weft_resource_new(t.ptr, C.uint32_t(rep), &r)); err != nil {
		return nil, err
	}
	return &Resource{ptr: r}, nil
}

// usable says why r may not be used, or nil.
func (r *Resource) usable() error {
	if r == nil {
		return &Error{Kind: ErrorInvalidArgument, Message: "resource is nil"}
	}
	if r.ptr == nil {
		if r.gone != "" {
			return &Error{Kind: ErrorClosed, Message: "resource " + r.gone}
		}
		return closedError("resource")
	}
	return nil
}

// Rep gives the resource's representation (0 once closed).
func (r *Resource) Rep() uint32 {
	if r.ptr == nil {
		return 0
	}
	return uint32(C.weft_resource_rep(r.ptr))
}

// Type gives the resource's type.
func (r *Resource) Type() (*ResourceType, error) {
	if err := r.usable(); err != nil {
		return nil, err
	}
	var t *C.weft_resource_type_t
	if err := takeError(C.weft_resource_type(r.ptr, &t)); err != nil {
		return nil, err
	}
	return &ResourceType{ptr: t}, nil
}

// Drop drops an owned resource in store s: its destructor runs (a
// guest's, in the guest). The resource is closed after.
func (r *Resource) Drop(s *Store) error {
	if err := r.usable(); err != nil {
		return err
	}
	if r.lent {
		return &Error{Kind: ErrorInvalidArgument, Message: "a borrowed resource cannot be dropped"}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ptr == nil {
		// Everything in the store went with it.
		r.Close()
		r.gone = "went with its closed store"
		return closedError("store")
	}
	err := takeError(C.weft_resource_drop(s.ptr, r.ptr))
	r.ptr = nil
	r.gone = "was dropped"
	return err
}

// Close forgets the handle object without dropping the resource (a
// borrow, or a resource passed on).
func (r *Resource) Close() {
	if r != nil && r.ptr != nil {
		C.weft_resource_delete(r.ptr)
		r.ptr = nil
	}
}

// moved closes r once a callee owns it.
func (r *Resource) moved() {
	r.Close()
	r.gone = "was moved into the component"
}
