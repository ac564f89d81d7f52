package main

// A C function that does nothing: the bare cost of a cgo crossing, for
// reference beside the generated bindings' calls (each of which makes at
// least one crossing into weft-capi).

/*
static void weft_bench_nop(void) {}
*/
import "C"

// cgoNop crosses into C and back, doing nothing.
func cgoNop() { C.weft_bench_nop() }
