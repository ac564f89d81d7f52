package weftests

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"weft.dev/go/weft"
	"weft.dev/test/basics"
)

// The host side of guests/weft-basics (a guest written with weft's own
// guest macros): its `host` interface, its `tallies` interface (the
// `tally` resource the host defines) and the world's `now`, implemented
// in Go.

// basicsNow is what the host's `now` returns.
const basicsNow uint64 = 1_700_000_000_123

// tallyHouse makes and counts one test's tallies: each test has its own,
// so that tests running in parallel do not see each other's.
type tallyHouse struct {
	live atomic.Int64
	// closedTwice counts Close calls on a tally already closed.
	closedTwice atomic.Int64
}

// basicsTally is the host's `tally`: a labelled signed counter.
type basicsTally struct {
	house  *tallyHouse
	label  string
	value  int64
	closed atomic.Bool
}

func (h *tallyHouse) make(label string, start int64) *basicsTally {
	h.live.Add(1)
	return &basicsTally{house: h, label: label, value: start}
}

func (t *basicsTally) Add(by int64) error     { t.value += by; return nil }
func (t *basicsTally) Value() (int64, error)  { return t.value, nil }
func (t *basicsTally) Label() (string, error) { return t.label, nil }

// Close runs when the guest drops its last handle, or when the test is
// done with a tally it holds.
func (t *basicsTally) Close() error {
	if t.closed.Swap(true) {
		t.house.closedTwice.Add(1)
		return nil
	}
	t.house.live.Add(-1)
	return nil
}

// describeTally is the host's description of a tally (`describe`, and
// each line of `describe-all`).
func describeTally(t *basicsTally) string { return fmt.Sprintf("%s = %d", t.label, t.value) }

// basicsTallies is the `tallies` interface.
type basicsTallies struct{ house *tallyHouse }

func (b basicsTallies) NewTally(label string, start int64) (basics.Tally, error) {
	return b.house.make(label, start), nil
}

func (b basicsTallies) TallyMerge(x, y basics.Tally) (basics.Tally, error) {
	tx, ty := x.(*basicsTally), y.(*basicsTally)
	return b.house.make(tx.label+"+"+ty.label, tx.value+ty.value), nil
}

func (basicsTallies) Describe(t basics.Tally) (string, error) {
	return "tally " + describeTally(t.(*basicsTally)), nil
}

func (basicsTallies) DescribeAll(ts []basics.Tally) ([]string, error) {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = describeTally(t.(*basicsTally))
	}
	return out, nil
}

// basicsHost is the `host` interface, recording what the guest passed.
type basicsHost struct {
	mu      sync.Mutex
	logs    []string
	entries [][]basics.Entry
	many    [][17]uint64
	nows    int
}

func (h *basicsHost) Log(message string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.logs = append(h.logs, message)
	return nil
}

func (h *basicsHost) Greet(name string) (string, error) { return "hello, " + name + "!", nil }

// SplitAt splits at a byte offset, as Go slices strings: an offset inside
// a character makes two strings that are not UTF-8.
func (h *basicsHost) SplitAt(s string, at uint32) (string, string, error) {
	if int64(at) > int64(len(s)) {
		return "", "", fmt.Errorf("split-at: %d is past the end of %q", at, s)
	}
	return s[:at], s[at:], nil
}

// Sum is the values plus the keys' lengths in bytes (so that the keys are
// read too).
func (h *basicsHost) Sum(entries []basics.Entry) (int64, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.entries = append(h.entries, entries)
	var sum int64
	for _, e := range entries {
		sum += e.Value + int64(len(e.Key))
	}
	return sum, nil
}

func (h *basicsHost) SumMany(a, b, c, d, e, f, g, hh, i, j, k, l, m, n, o, p, q uint64) (uint64, error) {
	args := [17]uint64{a, b, c, d, e, f, g, hh, i, j, k, l, m, n, o, p, q}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.many = append(h.many, args)
	var sum uint64
	for _, v := range args {
		sum += v
	}
	return sum, nil
}

func (h *basicsHost) now() (uint64, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.nows++
	return basicsNow, nil
}

// newBasics instantiates the weft-basics component (embedded in the
// generated package) with a new host, whose tallies it counts. At the
// end of the test, the guest's counters must all be destroyed (unless
// the instance was poisoned), and the host's tallies all closed, none
// twice.
func newBasics(t *testing.T) (*basics.Basics, *basicsHost, *tallyHouse) {
	t.Helper()
	h, house := &basicsHost{}, &tallyHouse{}
	b, err := basics.New(basics.Imports{Host: h, Tallies: basicsTallies{house}, Now: h.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			b.Close()
			return
		}
		if n, err := b.Counters().Live(); err != nil && !errors.Is(err, weft.ErrPoisoned) {
			t.Errorf("live at the end: %v", err)
		} else if err == nil && n != 0 {
			t.Errorf("%d counters alive in the guest at the end", n)
		}
		b.Close()
		if n := house.live.Load(); n != 0 {
			t.Errorf("%d host tallies alive at the end", n)
		}
		if n := house.closedTwice.Load(); n != 0 {
			t.Errorf("%d host tallies closed twice", n)
		}
	})
	return b, h, house
}

// closeAll closes resources, failing the test on an error.
func closeAll(t *testing.T, cs ...interface{ Close() error }) {
	t.Helper()
	for _, c := range cs {
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// joinLines is describe-both's joining of the host's lines.
func joinLines(lines ...string) string { return strings.Join(lines, "; ") }
