package weftests

import (
	"errors"
	"strings"
	"testing"

	"weft.dev/go/weft"
	ks "weft.dev/test/kitchensink"
)

func TestExportedResourceConstructorMethodsStatics(t *testing.T) {
	r := newSink(t, &host{}).Resources()
	acc := must(r.NewAccumulator(5))(t)
	eq(t, "push", must(acc.Push(7))(t), uint32(2))
	eq(t, "total", must(acc.Total())(t), int64(12))
	eq(t, "values", must(acc.Values())(t), []int64{5, 7})
	other := must(r.AccumulatorFromList([]int64{1, 2, 3}))(t)
	if err := acc.Absorb(other); err != nil {
		t.Fatal(err)
	}
	eq(t, "values after absorb", must(acc.Values())(t), []int64{5, 7, 1, 2, 3})
	tail := must(acc.SplitOff(2))(t)
	eq(t, "values after split-off", must(acc.Values())(t), []int64{5, 7})
	eq(t, "tail", must(tail.Values())(t), []int64{1, 2, 3})
	tag := must(r.NewTag("sum"))(t)
	eq(t, "tag text", must(tag.Text())(t), "sum")
	eq(t, "annotate (a borrow)", must(tag.Annotate(acc))(t), "sum: 12")
	eq(t, "total-of (a borrow)", must(r.TotalOf(tail))(t), int64(6))
	for _, c := range []interface{ Close() error }{acc, other, tail, tag} {
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestOwnArgumentsMoveAndCloseRunsDestructors(t *testing.T) {
	r := newSink(t, &host{}).Resources()
	base := must(r.LiveAccumulators())(t)
	a, b := must(r.NewAccumulator(1))(t), must(r.NewAccumulator(2))(t)
	eq(t, "live", must(r.LiveAccumulators())(t), base+2)
	merged := must(r.Merge(a, b))(t)
	eq(t, "merged", must(merged.Values())(t), []int64{1, 2})
	if _, err := a.Total(); !errors.Is(err, weft.ErrClosed) {
		t.Fatalf("a moved resource's method = %v, want ErrClosed", err)
	}
	if _, err := r.Merge(a, merged); err == nil {
		t.Fatal("merging a moved resource worked")
	}
	eq(t, "a failed call leaves its other arguments alone", must(merged.Total())(t), int64(3))
	eq(t, "live after merge", must(r.LiveAccumulators())(t), base+1)
	if err := merged.Close(); err != nil {
		t.Fatal(err)
	}
	if err := merged.Close(); err != nil {
		t.Fatalf("second Close = %v", err)
	}
	eq(t, "live after close", must(r.LiveAccumulators())(t), base)
	if _, err := merged.Push(1); !errors.Is(err, weft.ErrClosed) {
		t.Fatalf("push on a closed resource = %v, want ErrClosed", err)
	}
}

func TestResourceOfAnotherInstanceIsRefused(t *testing.T) {
	sink, other := newSink(t, &host{}), newSink(t, &host{})
	foreign := must(other.Resources().NewAccumulator(1))(t)
	if _, err := sink.Resources().TotalOf(foreign); err == nil {
		t.Fatal("a resource of another instance was accepted")
	}
	eq(t, "the foreign resource still works", must(foreign.Total())(t), int64(1))
}

func TestHostResourceMadeAndDroppedByTheGuest(t *testing.T) {
	sink := newSink(t, &host{})
	before := liveTallies.Load()
	eq(t, "count-with-host", must(sink.CountWithHost("steps", []int64{1, 2, 3, -10}))(t), int64(-4))
	eq(t, "tallies alive after the guest dropped its own", liveTallies.Load(), before)
}

func TestHostResourceLentMovedAndReturned(t *testing.T) {
	sink := newSink(t, &host{})
	tl := newTally("t", 5)
	eq(t, "describe-tally (lent)", must(sink.DescribeTally(tl))(t), "t=5")
	back := must(sink.BumpTally(tl, 3))(t)
	if back != ks.Tally(tl) || tl.value != 8 {
		t.Fatalf("bump-tally gave %v (value %d), want the same tally at 8", back, tl.value)
	}
	// The guest merges through the host's static and adds one.
	merged := must(sink.MergeTallies(newTally("a", 1), newTally("b", 2)))(t)
	m := merged.(*tally)
	if m.label != "a+b" || m.value != 1+2+1 {
		t.Fatalf("merge-tallies = %+v", m)
	}
	for i := 0; i < 200; i++ {
		got := must(sink.DescribeTally(tl))(t)
		if !strings.HasPrefix(got, "t=") {
			t.Fatal(got)
		}
		tl = must(sink.BumpTally(tl, 1))(t).(*tally)
	}
	eq(t, "value after 200 round trips", tl.value, int64(208))
}

func TestPlainImports(t *testing.T) {
	h := &host{}
	sink := newSink(t, h)
	eq(t, "log-all", must(sink.LogAll([]string{"one", "two", "ünï"}))(t), uint32(3))
	eq(t, "logs", h.logs, []string{"one", "two", "ünï"})
	eq(t, "host-sum", must(sink.HostSum([]uint64{1, 2, 1<<64 - 1}))(t), uint64(2))
	eq(t, "adds", h.adds, 3)
	eq(t, "greet-all", must(sink.GreetAll([]string{"ann", "bob"}))(t), []string{"hello, ann!", "hello, bob!"})
	var wantPoints int64
	for _, p := range must(h.Points(4))(t) {
		wantPoints += int64(p.X) - int64(p.Y)
	}
	eq(t, "host-points-sum", must(sink.HostPointsSum(4))(t), wantPoints)
	eq(t, "host-split-swap", must(sink.HostSplitSwap("abcdef", 2))(t), "cdefab")
}
