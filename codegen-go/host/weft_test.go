package weft

import (
	"errors"
	"os"
	"strings"
	"testing"
)

// kitchenSink reads the kitchen-sink guest component that
// codegen-go/tests/run.sh builds from source (guests/kitchen-sink).
func kitchenSink(t *testing.T) []byte {
	t.Helper()
	path := os.Getenv("WEFT_TEST_KITCHEN_SINK")
	if path == "" {
		t.Fatal("WEFT_TEST_KITCHEN_SINK is not set: run codegen-go/tests/run.sh, which builds the guest and sets it")
	}
	wasm, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return wasm
}

func newEngine(t *testing.T) *Engine {
	t.Helper()
	e, err := NewEngine()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	return e
}

func TestMalformedComponentIsACompileError(t *testing.T) {
	e := newEngine(t)
	for _, input := range [][]byte{nil, []byte("not wasm at all"), {0, 'a', 's', 'm', 1, 0, 0, 0}} {
		_, err := NewComponent(e, input)
		var werr *Error
		if !errors.As(err, &werr) || werr.Kind != ErrorCompile || werr.Message == "" {
			t.Fatalf("NewComponent(%q) = %v, want an *Error of kind compile", input, err)
		}
	}
}

func TestMissingImportIsALinkErrorNamingIt(t *testing.T) {
	e := newEngine(t)
	c, err := NewComponent(e, kitchenSink(t))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if got := c.Imports(); len(got) == 0 || !strings.Contains(strings.Join(got, " "), "weft-test:kitchen-sink/host@0.1.0") {
		t.Fatalf("imports = %v", got)
	}
	if got := c.Exports(); !strings.Contains(strings.Join(got, " "), "weft-test:kitchen-sink/scalars@0.1.0") {
		t.Fatalf("exports = %v", got)
	}
	l, err := NewLinker(e)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	s, err := NewStore(e)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, err = l.Instantiate(s, c)
	var werr *Error
	if !errors.As(err, &werr) || werr.Kind != ErrorLink || !strings.Contains(werr.Message, "weft-test:kitchen-sink/host") {
		t.Fatalf("Instantiate without imports = %v, want a link error naming the host interface", err)
	}
}

func TestHostFunctionOfTheWrongTypeIsALinkError(t *testing.T) {
	e := newEngine(t)
	c, err := NewComponent(e, kitchenSink(t))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	l, _ := NewLinker(e)
	defer l.Close()
	noop := func(*HostCall) error { return nil }
	if err := l.DefineFunc("weft-test:kitchen-sink/host@0.1.0", "log", noop); err != nil {
		t.Fatal(err)
	}
	s, _ := NewStore(e)
	defer s.Close()
	_, err = l.Instantiate(s, c)
	if err == nil {
		t.Fatal("instantiated with most imports missing")
	}
}

func TestClosedObjectsRefuseUse(t *testing.T) {
	e, err := NewEngine()
	if err != nil {
		t.Fatal(err)
	}
	e.Close()
	e.Close()
	if _, err := NewComponent(e, kitchenSink(t)); !errors.Is(err, ErrClosed) {
		t.Fatalf("NewComponent on a closed engine = %v, want ErrClosed", err)
	}
	if _, err := NewStore(e); !errors.Is(err, ErrClosed) {
		t.Fatalf("NewStore on a closed engine = %v, want ErrClosed", err)
	}
	if _, err := NewLinker(e); !errors.Is(err, ErrClosed) {
		t.Fatalf("NewLinker on a closed engine = %v, want ErrClosed", err)
	}
	e2 := newEngine(t)
	s, err := NewStore(e2)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	s.Close()
	if _, err := NewHostResourceType(s, nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("NewHostResourceType on a closed store = %v, want ErrClosed", err)
	}
	var r *Resource
	if err := r.usable(); err == nil {
		t.Fatal("a nil resource is usable")
	}
}

func TestHostResources(t *testing.T) {
	e := newEngine(t)
	s, err := NewStore(e)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var dropped []uint32
	ty, err := NewHostResourceType(s, func(rep uint32) { dropped = append(dropped, rep) })
	if err != nil {
		t.Fatal(err)
	}
	defer ty.Close()
	other, err := NewHostResourceType(s, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if !ty.Equal(ty) || ty.Equal(other) {
		t.Fatal("resource type equality is wrong")
	}
	r, err := NewResource(ty, 42)
	if err != nil {
		t.Fatal(err)
	}
	if r.Rep() != 42 {
		t.Fatalf("rep = %d", r.Rep())
	}
	rt, err := r.Type()
	if err != nil || !rt.Equal(ty) {
		t.Fatalf("Type() = %v, %v", rt, err)
	}
	rt.Close()
	if err := r.Drop(s); err != nil {
		t.Fatal(err)
	}
	if len(dropped) != 1 || dropped[0] != 42 {
		t.Fatalf("destructor saw %v, want [42]", dropped)
	}
	if err := r.Drop(s); !errors.Is(err, ErrClosed) || !strings.Contains(err.Error(), "dropped") {
		t.Fatalf("second drop = %v, want ErrClosed saying it was dropped", err)
	}
}

func TestValues(t *testing.T) {
	if got := Some(3).String(); got != "Some(3)" {
		t.Fatal(got)
	}
	if v, ok := None[string]().Get(); ok || v != "" {
		t.Fatal("None holds a value")
	}
	if got := Err[int, string]("bad").String(); got != "Err(bad)" {
		t.Fatal(got)
	}
	if got := Ok[int, string](7).String(); got != "Ok(7)" {
		t.Fatal(got)
	}
	var err error = &ResultError[string]{Value: "no such file"}
	if err.Error() != "no such file" {
		t.Fatal(err.Error())
	}
	wrapped := errors.Join(errors.New("context"), err)
	if v, ok := ErrorValue[string](wrapped); !ok || v != "no such file" {
		t.Fatalf("ErrorValue = %q, %v", v, ok)
	}
	if _, ok := ErrorValue[int](wrapped); ok {
		t.Fatal("ErrorValue matched the wrong type")
	}
}

func TestKindsHaveNames(t *testing.T) {
	if TrapStackOverflow.String() != "stack overflow" || ErrorLink.String() != "link" || TrapKind(99).String() != "TrapKind(99)" {
		t.Fatal("kind names are wrong")
	}
	trap := &Trap{Kind: TrapUnreachable, Message: "wasm trap: unreachable", Backtrace: []string{"0: f", "1: g"}}
	if !strings.Contains(trap.Error(), "1: g") {
		t.Fatal(trap.Error())
	}
	var target *Trap
	if !errors.As(errors.Join(errors.New("x"), trap), &target) || target.Kind != TrapUnreachable {
		t.Fatal("errors.As does not find the trap")
	}
}
