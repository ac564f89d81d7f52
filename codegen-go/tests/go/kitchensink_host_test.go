package weftests

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	ks "weft.dev/test/kitchensink"
)

// liveTallies counts the host's tallies alive (made and not closed).
var liveTallies atomic.Int64

// tally is the host's `tally` resource: a labelled counter.
type tally struct {
	label string
	value int64
}

func newTally(label string, start int64) *tally {
	liveTallies.Add(1)
	return &tally{label: label, value: start}
}

func (t *tally) Add(by int64) (int64, error) { t.value += by; return t.value, nil }
func (t *tally) Value() (int64, error)       { return t.value, nil }
func (t *tally) Label() (string, error)      { return t.label, nil }

// Close runs when the guest drops its last handle.
func (t *tally) Close() error { liveTallies.Add(-1); return nil }

// host is the `host` interface, recording what the guest asked.
type host struct {
	mu   sync.Mutex
	logs []string
	adds int
}

func (h *host) Log(msg string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.logs = append(h.logs, msg)
	return nil
}

func (h *host) Add(a, b uint64) (uint64, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.adds++
	return a + b, nil
}

func (h *host) Greet(name string) (string, error) { return "hello, " + name + "!", nil }

func (h *host) Points(n uint32) ([]ks.Point, error) {
	points := make([]ks.Point, n)
	for i := range points {
		points[i] = ks.Point{X: int32(i), Y: -int32(i)}
	}
	return points, nil
}

func (h *host) SplitAt(s string, at uint32) (string, string, error) {
	if int(at) > len(s) {
		return "", "", fmt.Errorf("split-at: %d is past the end of %q", at, s)
	}
	return s[:at], s[at:], nil
}

// hostThings is the `host-things` interface: how tallies are made.
type hostThings struct{}

func (hostThings) NewTally(label string, start int64) (ks.Tally, error) {
	return newTally(label, start), nil
}

func (hostThings) TallyMerge(a, b ks.Tally) (ks.Tally, error) {
	ta, tb := a.(*tally), b.(*tally)
	return newTally(ta.label+"+"+tb.label, ta.value+tb.value), nil
}

// newSink instantiates the kitchen-sink component (embedded in the
// generated package) with h as its host.
func newSink(t *testing.T, h ks.Host) *ks.KitchenSink {
	t.Helper()
	sink, err := ks.New(ks.Imports{Host: h, HostThings: hostThings{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sink.Close() })
	return sink
}

// must takes a call's results, and given the test, fails it on the
// error or gives the value: must(f(x))(t).
func must[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}
