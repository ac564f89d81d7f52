package weft

import (
	"errors"
	"fmt"
)

// Option is a WIT option<T>: a value or none. The zero value is None.
type Option[T any] struct {
	value T
	some  bool
}

// Some is an Option holding v.
func Some[T any](v T) Option[T] { return Option[T]{value: v, some: true} }

// None is an empty Option.
func None[T any]() Option[T] { return Option[T]{} }

// Get gives the value and whether there is one.
func (o Option[T]) Get() (T, bool) { return o.value, o.some }

// IsSome says whether there is a value.
func (o Option[T]) IsSome() bool { return o.some }

// String is "None" or "Some(v)".
func (o Option[T]) String() string {
	if !o.some {
		return "None"
	}
	return fmt.Sprintf("Some(%v)", o.value)
}

// Result is a WIT result<T, E> inside another type (a function's own
// result is (T, error) instead): Ok when !IsErr, else Err.
type Result[T, E any] struct {
	Ok    T
	Err   E
	IsErr bool
}

// Ok is a successful Result.
func Ok[T, E any](v T) Result[T, E] { return Result[T, E]{Ok: v} }

// Err is a failed Result.
func Err[T, E any](e E) Result[T, E] { return Result[T, E]{Err: e, IsErr: true} }

// String is "Ok(v)" or "Err(e)".
func (r Result[T, E]) String() string {
	if r.IsErr {
		return fmt.Sprintf("Err(%v)", r.Err)
	}
	return fmt.Sprintf("Ok(%v)", r.Ok)
}

// ResultError is the error a function returns when its WIT result<T, E>
// is an error: Value is the E. Get it with errors.As.
type ResultError[E any] struct {
	Value E
}

// Error formats the WIT error value (its own Error() if it has one).
func (e *ResultError[E]) Error() string {
	var v any = e.Value
	if err, ok := v.(error); ok {
		return err.Error()
	}
	return fmt.Sprintf("%v", e.Value)
}

// ErrorValue gives the WIT error value of type E that err carries, if it
// is (or wraps) a *ResultError[E].
func ErrorValue[E any](err error) (E, bool) {
	var re *ResultError[E]
	if errors.As(err, &re) {
		return re.Value, true
	}
	var zero E
	return zero, false
}

// Unit stands for a missing type: result<_, E>, result<T>, result.
type Unit struct{}

// Tuple2 is a WIT tuple of 2 values inside another type (a function's
// own tuple result is multiple return values instead).
type Tuple2[T0, T1 any] struct {
	F0 T0
	F1 T1
}

// Tuple3 is a WIT tuple of 3 values inside another type (a function's
// own tuple result is multiple return values instead).
type Tuple3[T0, T1, T2 any] struct {
	F0 T0
	F1 T1
	F2 T2
}

// Tuple4 is a WIT tuple of 4 values inside another type (a function's
// own tuple result is multiple return values instead).
type Tuple4[T0, T1, T2, T3 any] struct {
	F0 T0
	F1 T1
	F2 T2
	F3 T3
}

// Tuple5 is a WIT tuple of 5 values inside another type (a function's
// own tuple result is multiple return values instead).
type Tuple5[T0, T1, T2, T3, T4 any] struct {
	F0 T0
	F1 T1
	F2 T2
	F3 T3
	F4 T4
}

// Tuple6 is a WIT tuple of 6 values inside another type (a function's
// own tuple result is multiple return values instead).
type Tuple6[T0, T1, T2, T3, T4, T5 any] struct {
	F0 T0
	F1 T1
	F2 T2
	F3 T3
	F4 T4
	F5 T5
}

// Tuple7 is a WIT tuple of 7 values inside another type (a function's
// own tuple result is multiple return values instead).
type Tuple7[T0, T1, T2, T3, T4, T5, T6 any] struct {
	F0 T0
	F1 T1
	F2 T2
	F3 T3
	F4 T4
	F5 T5
	F6 T6
}

// Tuple8 is a WIT tuple of 8 values inside another type (a function's
// own tuple result is multiple return values instead).
type Tuple8[T0, T1, T2, T3, T4, T5, T6, T7 any] struct {
	F0 T0
	F1 T1
	F2 T2
	F3 T3
	F4 T4
	F5 T5
	F6 T6
	F7 T7
}

// Tuple9 is a WIT tuple of 9 values inside another type (a function's
// own tuple result is multiple return values instead).
type Tuple9[T0, T1, T2, T3, T4, T5, T6, T7, T8 any] struct {
	F0 T0
	F1 T1
	F2 T2
	F3 T3
	F4 T4
	F5 T5
	F6 T6
	F7 T7
	F8 T8
}

// Tuple10 is a WIT tuple of 10 values inside another type (a function's
// own tuple result is multiple return values instead).
type Tuple10[T0, T1, T2, T3, T4, T5, T6, T7, T8, T9 any] struct {
	F0 T0
	F1 T1
	F2 T2
	F3 T3
	F4 T4
	F5 T5
	F6 T6
	F7 T7
	F8 T8
	F9 T9
}

// Tuple11 is a WIT tuple of 11 values inside another type (a function's
// own tuple result is multiple return values instead).
type Tuple11[T0, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10 any] struct {
	F0  T0
	F1  T1
	F2  T2
	F3  T3
	F4  T4
	F5  T5
	F6  T6
	F7  T7
	F8  T8
	F9  T9
	F10 T10
}

// Tuple12 is a WIT tuple of 12 values inside another type (a function's
// own tuple result is multiple return values instead).
type Tuple12[T0, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11 any] struct {
	F0  T0
	F1  T1
	F2  T2
	F3  T3
	F4  T4
	F5  T5
	F6  T6
	F7  T7
	F8  T8
	F9  T9
	F10 T10
	F11 T11
}
