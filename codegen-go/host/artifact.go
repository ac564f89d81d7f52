package weft

/*
#include <weft.h>
*/
import "C"

import "unsafe"

// EngineConfig is what [NewEngineWithConfig] makes an engine with. The
// zero value is [NewEngine]'s configuration: no cache.
type EngineConfig struct {
	// CacheDir is a directory where compiled code is kept between
	// processes: [NewComponent] loads a component's code from there
	// instead of compiling it, and stores what it compiles, keyed by a
	// hash of the binary, this weft build, the CPU and the engine's
	// settings. "" means no cache. [DefaultCacheDir] gives the directory
	// every weft host uses unless told otherwise:
	//
	//	weft.NewEngineWithConfig(weft.EngineConfig{CacheDir: weft.DefaultCacheDir()})
	//
	// A cache that cannot be read or written only costs time (the
	// component is compiled), and a damaged entry is replaced. The
	// directory is created readable by its owner only; its entries are
	// trusted as [DeserializeComponent]'s input is: whoever can write to
	// it chooses the code its users run.
	CacheDir string
}

// NewEngineWithConfig makes an engine with cfg.
func NewEngineWithConfig(cfg EngineConfig) (*Engine, error) {
	var config *C.weft_config_t
	if err := takeError(C.weft_config_new(&config)); err != nil {
		return nil, err
	}
	defer C.weft_config_delete(config)
	if err := takeError(C.weft_config_set_cache_dir(config, stringPtr(cfg.CacheDir), C.size_t(len(cfg.CacheDir)))); err != nil {
		return nil, err
	}
	var e *C.weft_engine_t
	if err := takeError(C.weft_engine_new_with_config(config, &e)); err != nil {
		return nil, err
	}
	return &Engine{ptr: e}, nil
}

// DefaultCacheDir gives the compiled-code cache directory that every weft
// host (Go, Python, the weft command) uses unless told otherwise:
// $WEFT_CACHE_DIR if set, else "weft" in the user's cache directory
// ($XDG_CACHE_HOME, else ~/.cache; ~/Library/Caches on macOS). It gives
// "" (no cache) when $WEFT_NO_CACHE is set to anything but "" or "0", or
// no home directory is known. The environment is read at each call.
func DefaultCacheDir() string {
	var data *C.uint8_t
	var n C.size_t
	if takeError(C.weft_default_cache_dir(&data, &n)) != nil || data == nil {
		return ""
	}
	defer C.weft_bytes_free(data, n)
	return string(unsafe.Slice((*byte)(unsafe.Pointer(data)), int(n)))
}

// takeBytes copies and frees a buffer weft handed over.
func takeBytes(data *C.uint8_t, n C.size_t) []byte {
	if data == nil {
		return nil
	}
	defer C.weft_bytes_free(data, n)
	out := make([]byte, int(n))
	copy(out, unsafe.Slice((*byte)(unsafe.Pointer(data)), int(n)))
	return out
}

// Serialize gives the component with its compiled code, as a precompiled
// artifact that [DeserializeComponent] loads without compiling, in this
// or another process running the same weft build on a like CPU, with an
// engine of the same configuration. Store it where only its owner can
// write: loading it runs the code it holds.
func (c *Component) Serialize() ([]byte, error) {
	if c == nil || c.ptr == nil {
		return nil, closedError("component")
	}
	var data *C.uint8_t
	var n C.size_t
	if err := takeError(C.weft_component_serialize(c.ptr, &data, &n)); err != nil {
		return nil, err
	}
	return takeBytes(data, n), nil
}

// DeserializeComponent loads a component from a precompiled artifact
// made by [Component.Serialize], without compiling. Its structure is
// validated as [NewComponent] does; an artifact made by another weft
// build, for another CPU or engine configuration, damaged or truncated,
// or a wasm binary instead of an artifact, is an *Error of kind
// ErrorArtifact saying which.
//
// The artifact must be trusted: its machine code is mapped and run as it
// is, and the checks catch accidents, not malice. Pass only bytes that
// Serialize made and nobody else could have changed (never input from a
// user or the network); untrusted wasm goes to [NewComponent].
func DeserializeComponent(e *Engine, artifact []byte) (*Component, error) {
	if e == nil || e.ptr == nil {
		return nil, closedError("engine")
	}
	var c *C.weft_component_t
	if err := takeError(C.weft_component_deserialize(e.ptr, bytesPtr(artifact), C.size_t(len(artifact)), &c)); err != nil {
		return nil, err
	}
	return &Component{ptr: c}, nil
}

// FromCache reports whether [NewComponent] loaded the component's code
// from the engine's cache ([EngineConfig.CacheDir]) instead of compiling
// it. False for a component from DeserializeComponent, and once closed.
func (c *Component) FromCache() bool {
	return c != nil && c.ptr != nil && bool(C.weft_component_from_cache(c.ptr))
}

// IsArtifact reports whether b starts like a precompiled artifact rather
// than a wasm binary (the header only: nothing is checked).
func IsArtifact(b []byte) bool {
	return bool(C.weft_is_artifact(bytesPtr(b), C.size_t(len(b))))
}
