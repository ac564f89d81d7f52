// Package weft runs WebAssembly components on weft's runtime from Go.
//
// It is the runtime of the Go packages that `weft bindgen --lang go`
// generates: a cgo layer over weft-capi (runtime/capi/include/weft.h).
// Generated code lowers and lifts every value itself, by the Component
// Model's canonical ABI, straight between Go values and the guest's
// linear memory, through a [Lower] and a [Lift]; this package moves the
// flat values across in one crossing, hands out the memory as a slice,
// checks what a guest hands back, and turns failures into Go errors
// ([*Error], [*Trap]). The contract with the generator is
// codegen-go/RUNTIME_API.md.
//
// Compiling a component takes time; an engine made with
// [NewEngineWithConfig] and an [EngineConfig.CacheDir] keeps compiled code
// between processes, and [Component.Serialize] / [DeserializeComponent]
// move it explicitly (trusted bytes only: an artifact holds machine code).
//
// The library is linked statically from the weft checkout this package
// lives in: build it first with `cargo build --release -p weft-capi`.
//
// Concurrency: engines and components may be shared by goroutines. A
// [Store] and everything made in it are guarded by the store's lock, so
// calls on one store are serialised and calls on separate stores run in
// parallel. A host function runs with its store held and must not call
// into the same store.
package weft

/*
#cgo CFLAGS: -I${SRCDIR}/../../runtime/capi/include -I${SRCDIR}
#cgo LDFLAGS: ${SRCDIR}/../../target/release/libweft_capi.a -lgcc_s -lutil -lrt -lpthread -lm -ldl
#include <weft.h>
*/
import "C"

// APIVersion is the version of the contract between generated code and
// this package (codegen-go/RUNTIME_API.md).
const APIVersion = 1

// APIVersion1 exists while the package speaks version 1 of the contract;
// generated code refers to it so that a mismatch fails to compile.
const APIVersion1 = APIVersion
