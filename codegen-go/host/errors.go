package weft

/*
#include <weft.h>
*/
import "C"

import (
	"errors"
	"fmt"
	"strings"
)

// ErrorKind says what failed, as weft.h's WEFT_ERROR_* constants do.
type ErrorKind uint32

// The kinds of [Error]. ErrorPoisoned and ErrorClosed are this package's
// own; the others are weft.h's.
const (
	ErrorTrap            ErrorKind = 1
	ErrorLink            ErrorKind = 2
	ErrorCompile         ErrorKind = 3
	ErrorHost            ErrorKind = 4
	ErrorLift            ErrorKind = 5
	ErrorType            ErrorKind = 6
	ErrorLimit           ErrorKind = 7
	ErrorSystem          ErrorKind = 8
	ErrorInvalidArgument ErrorKind = 9
	ErrorNotFound        ErrorKind = 10
	ErrorPanic           ErrorKind = 11
	ErrorArtifact        ErrorKind = 12
	ErrorPoisoned        ErrorKind = 100
	ErrorClosed          ErrorKind = 101
)

var errorKindNames = map[ErrorKind]string{
	ErrorTrap:            "trap",
	ErrorLink:            "link",
	ErrorCompile:         "compile",
	ErrorHost:            "host",
	ErrorLift:            "lift",
	ErrorType:            "type",
	ErrorLimit:           "limit",
	ErrorSystem:          "system",
	ErrorInvalidArgument: "invalid argument",
	ErrorNotFound:        "not found",
	ErrorPanic:           "internal error",
	ErrorArtifact:        "artifact",
	ErrorPoisoned:        "poisoned",
	ErrorClosed:          "closed",
}

// String names the kind.
func (k ErrorKind) String() string {
	if name, ok := errorKindNames[k]; ok {
		return name
	}
	return fmt.Sprintf("ErrorKind(%d)", uint32(k))
}

// Error is every failure that is not a trap: invalid or mistyped
// components, refused artifacts, missing imports, names not found,
// closed objects.
type Error struct {
	Kind    ErrorKind
	Message string
}

// Error gives the message.
func (e *Error) Error() string { return e.Message }

// Is makes errors.Is(err, ErrClosed) and errors.Is(err, ErrPoisoned)
// match by kind.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Message == "" && t.Kind == e.Kind
}

// ErrClosed matches (errors.Is) the error of a use of a closed object.
var ErrClosed = &Error{Kind: ErrorClosed}

// ErrPoisoned matches (errors.Is) the error of a call on an instance that
// trapped before.
var ErrPoisoned = &Error{Kind: ErrorPoisoned}

func closedError(what string) error {
	return &Error{Kind: ErrorClosed, Message: what + " is closed"}
}

// TrapKind says why wasm trapped, as weft.h's WEFT_TRAP_* constants do.
type TrapKind uint32

// The kinds of [Trap].
const (
	TrapUnreachable            TrapKind = 1
	TrapMemoryOutOfBounds      TrapKind = 2
	TrapTableOutOfBounds       TrapKind = 3
	TrapUndefinedElement       TrapKind = 4
	TrapIndirectCallToNull     TrapKind = 5
	TrapBadSignature           TrapKind = 6
	TrapIntegerOverflow        TrapKind = 7
	TrapIntegerDivisionByZero  TrapKind = 8
	TrapBadConversionToInteger TrapKind = 9
	TrapNullReference          TrapKind = 10
	TrapStackOverflow          TrapKind = 11
	TrapOutOfFuel              TrapKind = 12
	TrapInterrupted            TrapKind = 13
	TrapHost                   TrapKind = 14
	TrapComponent              TrapKind = 15
)

var trapKindNames = map[TrapKind]string{
	TrapUnreachable:            "unreachable",
	TrapMemoryOutOfBounds:      "memory out of bounds",
	TrapTableOutOfBounds:       "table out of bounds",
	TrapUndefinedElement:       "undefined element",
	TrapIndirectCallToNull:     "indirect call to null",
	TrapBadSignature:           "bad signature",
	TrapIntegerOverflow:        "integer overflow",
	TrapIntegerDivisionByZero:  "integer division by zero",
	TrapBadConversionToInteger: "bad conversion to integer",
	TrapNullReference:          "null reference",
	TrapStackOverflow:          "stack overflow",
	TrapOutOfFuel:              "out of fuel",
	TrapInterrupted:            "interrupted",
	TrapHost:                   "host function failed",
	TrapComponent:              "invalid value",
}

// String names the kind.
func (k TrapKind) String() string {
	if name, ok := trapKindNames[k]; ok {
		return name
	}
	return fmt.Sprintf("TrapKind(%d)", uint32(k))
}

// Trap is a call that ended abnormally: the guest trapped, a host
// function failed (TrapHost), or the guest handed back an invalid value
// (TrapComponent). The instance it happened in is poisoned.
type Trap struct {
	Kind    TrapKind
	Message string
	// Backtrace holds the wasm frames, innermost first (may be empty).
	Backtrace []string
}

// Error gives the message and, on following lines, the backtrace.
func (t *Trap) Error() string {
	if len(t.Backtrace) == 0 {
		return t.Message
	}
	return t.Message + "\nwasm backtrace:\n  " + strings.Join(t.Backtrace, "\n  ")
}

// takeError converts and deletes a C error; nil stays nil.
func takeError(e *C.weft_error_t) error {
	if e == nil {
		return nil
	}
	defer C.weft_error_delete(e)
	kind := ErrorKind(C.weft_error_kind(e))
	message := C.GoString(C.weft_error_message(e))
	if kind != ErrorTrap {
		return &Error{Kind: kind, Message: message}
	}
	trap := &Trap{Kind: TrapKind(C.weft_error_trap_kind(e)), Message: message}
	if bt := C.GoString(C.weft_error_backtrace(e)); bt != "" {
		trap.Backtrace = strings.Split(strings.TrimRight(bt, "\n"), "\n")
	}
	return trap
}

// isTrap says whether err is (or wraps) a *Trap.
func isTrap(err error) bool {
	var t *Trap
	return errors.As(err, &t)
}
