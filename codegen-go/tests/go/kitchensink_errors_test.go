package weftests

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"

	"weft.dev/go/weft"
	ks "weft.dev/test/kitchensink"
)

func TestValuesThatDoNotFitNameTheParameter(t *testing.T) {
	sink := newSink(t, &host{})
	c := sink.Compound()
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"invalid UTF-8", func() error { _, err := c.ReverseString("ok\xffno"); return err }(), "reverse-string: parameter s"},
		{"invalid UTF-8 in a list", func() error { _, err := c.ReverseWords([]string{"fine", "\xc3"}); return err }(), "reverse-words: parameter words"},
		{"invalid UTF-8 in a record", func() error {
			_, err := c.TotalAge([]ks.Person{{Name: "a"}, {Name: "b", Tags: []string{"\xed\xa0\x80"}}})
			return err
		}(), "total-age: parameter people"},
		{"surrogate char", func() error { _, err := sink.Scalars().NextChar(0xd800); return err }(), "next-char: parameter c"},
		{"char past U+10FFFF", func() error { _, err := sink.Scalars().NextChar(0x110000); return err }(), "next-char: parameter c"},
		{"enum out of range", func() error { _, err := c.NextColor(ks.Color(7)); return err }(), "next-color: parameter c"},
		{"unknown flag bits", func() error { _, err := c.InvertPermissions(ks.Permissions(0x80)); return err }(), "invert-permissions: parameter p"},
		{"nil variant", func() error { _, err := c.NextShape(nil); return err }(), "next-shape: parameter s"},
		{"nil resource", func() error { _, err := sink.Resources().TotalOf(nil); return err }(), "total-of: parameter acc"},
		{"nil host resource", func() error { _, err := sink.DescribeTally(nil); return err }(), "describe-tally: parameter t"},
	}
	for _, tc := range cases {
		if tc.err == nil || !strings.Contains(tc.err.Error(), tc.want) {
			t.Errorf("%s: error = %v, want one naming %q", tc.name, tc.err, tc.want)
		}
		if isTrap(tc.err) {
			t.Errorf("%s: a refused argument is not a trap: %v", tc.name, tc.err)
		}
	}
	// The instance is fine after refused arguments.
	eq(t, "add-u8 after refusals", must(sink.Scalars().AddU8(1, 2))(t), uint8(3))
}

func isTrap(err error) bool {
	var trap *weft.Trap
	return errors.As(err, &trap)
}

// failingHost fails one import.
type failingHost struct{ host }

func (*failingHost) Greet(name string) (string, error) {
	return "", fmt.Errorf("no greeting for %s", name)
}

func TestErrorInAnImportTrapsAndPoisonsTheInstance(t *testing.T) {
	sink := newSink(t, &failingHost{})
	_, err := sink.GreetAll([]string{"ann"})
	var trap *weft.Trap
	if !errors.As(err, &trap) {
		t.Fatalf("greet-all with a failing import = %v, want a *weft.Trap", err)
	}
	if trap.Kind != weft.TrapHost || !strings.Contains(trap.Message, "no greeting for ann") {
		t.Fatalf("trap = %v (kind %v), want a host trap with the import's error", trap, trap.Kind)
	}
	if len(trap.Backtrace) == 0 {
		t.Fatal("the trap has no wasm backtrace")
	}
	_, err = sink.Scalars().AddU8(1, 2)
	if !errors.Is(err, weft.ErrPoisoned) || !strings.Contains(err.Error(), "no greeting") {
		t.Fatalf("a call after the trap = %v, want ErrPoisoned naming the trap", err)
	}
	fresh := newSink(t, &host{})
	eq(t, "a new instance works", must(fresh.GreetAll([]string{"ann"}))(t), []string{"hello, ann!"})
}

// panickingHost panics in an import.
type panickingHost struct{ host }

func (*panickingHost) Log(string) error { panic("log exploded") }

func TestPanicInAnImportIsATrap(t *testing.T) {
	sink := newSink(t, &panickingHost{})
	_, err := sink.LogAll([]string{"x"})
	var trap *weft.Trap
	if !errors.As(err, &trap) || !strings.Contains(trap.Message, "log exploded") {
		t.Fatalf("log-all with a panicking import = %v", err)
	}
}

// wrongHost returns a value the guest cannot take back: a string that
// is not UTF-8.
type wrongHost struct{ host }

func (*wrongHost) Greet(string) (string, error) { return "\xff", nil }

func TestImportReturningAnInvalidValueTraps(t *testing.T) {
	sink := newSink(t, &wrongHost{})
	_, err := sink.GreetAll([]string{"ann"})
	if !isTrap(err) || !strings.Contains(err.Error(), "UTF-8") {
		t.Fatalf("greet-all with an import returning bad UTF-8 = %v, want a trap about UTF-8", err)
	}
}

func TestMissingImportsAreRefused(t *testing.T) {
	if _, err := ks.New(ks.Imports{HostThings: hostThings{}}); err == nil || !strings.Contains(err.Error(), "Host") {
		t.Fatalf("New without Host = %v", err)
	}
	if _, err := ks.NewFromBytes([]byte("\x00asm garbage"), ks.Imports{Host: &host{}, HostThings: hostThings{}}); err == nil {
		t.Fatal("NewFromBytes accepted garbage")
	}
}

func TestClosedInstanceRefusesCalls(t *testing.T) {
	sink, err := ks.New(ks.Imports{Host: &host{}, HostThings: hostThings{}})
	if err != nil {
		t.Fatal(err)
	}
	acc := must(sink.Resources().NewAccumulator(1))(t)
	if err := sink.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := sink.Scalars().AddU8(1, 2); !errors.Is(err, weft.ErrClosed) {
		t.Fatalf("a call on a closed instance = %v, want ErrClosed", err)
	}
	if _, err := acc.Total(); err == nil {
		t.Fatal("a resource of a closed instance worked")
	}
	if err := acc.Close(); err != nil {
		t.Fatalf("closing a resource of a closed instance = %v", err)
	}
}

func TestConcurrentCallsOnSeparateAndSharedInstances(t *testing.T) {
	const workers = 8
	shared := newSink(t, &host{})
	var wg sync.WaitGroup
	errs := make(chan error, 2*workers)
	for w := 0; w < workers; w++ {
		wg.Add(2)
		go func(w int) {
			defer wg.Done()
			own, err := ks.New(ks.Imports{Host: &host{}, HostThings: hostThings{}})
			if err != nil {
				errs <- err
				return
			}
			defer own.Close()
			for i := 0; i < 200; i++ {
				s := fmt.Sprintf("worker %d call %d ✓", w, i)
				got, err := own.Compound().ReverseString(s)
				if err != nil || got != reverseRunes(s) {
					errs <- fmt.Errorf("own instance: %q, %v", got, err)
					return
				}
			}
		}(w)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				got, err := shared.Compound().SumU32([]uint32{uint32(w), uint32(i)})
				if err != nil || got != uint64(w+i) {
					errs <- fmt.Errorf("shared instance: %d, %v", got, err)
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestTrapsInGuestCode(t *testing.T) {
	cases := []struct {
		name string
		call func(f *ks.Faults) error
		kind weft.TrapKind
		text string
	}{
		{"panic", func(f *ks.Faults) error { return f.Fail("guest gave up") }, weft.TrapUnreachable, "unreachable"},
		{"stack exhaustion", func(f *ks.Faults) error { _, err := f.Recurse(100_000_000); return err }, weft.TrapStackOverflow, "call stack exhausted"},
		{"wild read", func(f *ks.Faults) error { _, err := f.Peek(math.MaxUint32); return err }, weft.TrapMemoryOutOfBounds, "out of bounds"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sink := newSink(t, &host{})
			eq(t, "recurse(1000) first", must(sink.Faults().Recurse(1000))(t), uint64(1000))
			err := tc.call(sink.Faults())
			var trap *weft.Trap
			if !errors.As(err, &trap) || trap.Kind != tc.kind || !strings.Contains(trap.Message, tc.text) {
				t.Fatalf("err = %v, want a %v trap saying %q", err, tc.kind, tc.text)
			}
			if len(trap.Backtrace) == 0 {
				t.Fatal("no wasm backtrace")
			}
			if _, err := sink.Faults().Recurse(1); !errors.Is(err, weft.ErrPoisoned) {
				t.Fatalf("a call after the trap = %v, want ErrPoisoned", err)
			}
			fresh := newSink(t, &host{})
			eq(t, "a new instance works", must(fresh.Faults().Recurse(1000))(t), uint64(1000))
		})
	}
}

func TestTrapsOnSeveralGoroutinesAtOnce(t *testing.T) {
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sink, err := ks.New(ks.Imports{Host: &host{}, HostThings: hostThings{}})
			if err != nil {
				errs <- err
				return
			}
			defer sink.Close()
			for i := 0; i < 5; i++ {
				_, err := sink.Faults().Recurse(100_000_000)
				var trap *weft.Trap
				if i == 0 && (!errors.As(err, &trap) || trap.Kind != weft.TrapStackOverflow) {
					errs <- fmt.Errorf("first call: %v", err)
					return
				}
				if i > 0 && !errors.Is(err, weft.ErrPoisoned) {
					errs <- fmt.Errorf("call %d: %v", i, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
