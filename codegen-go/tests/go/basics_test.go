package weftests

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"weft.dev/go/weft"
	"weft.dev/test/basics"
)

// End-to-end tests over guests/weft-basics (written with weft's guest
// macros; its WIT is guests/weft-basics/wit/basics.wit) through the Go
// package `weft bindgen --lang go` makes for it. Expected values are
// computed here from the inputs, by what guests/weft-basics/src/lib.rs
// documents each function to do.

// resultError is the WIT error value of a top-level result<T, string>.
func resultError(t *testing.T, what string, err error) string {
	t.Helper()
	msg, ok := weft.ErrorValue[string](err)
	if !ok {
		t.Fatalf("%s = %v, want a *weft.ResultError[string]", what, err)
	}
	return msg
}

func TestBasicsStringsAndScalars(t *testing.T) {
	b, _, _ := newBasics(t)
	for _, s := range []string{"héllo 🦀", "", "a", strings.Repeat("wéft ", 5_000)} {
		eq(t, "reverse", must(b.Reverse(s))(t), reverseRunes(s))
		eq(t, "count-words", must(b.CountWords(s))(t), uint32(len(strings.Fields(s))))
	}
	for _, x := range []int32{5, -5, 0, math.MaxInt32, math.MinInt32} {
		eq(t, "negate", must(b.Negate(x))(t), -x) // Go's negation wraps as wrapping_neg does
	}
	if err := b.Nothing(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		s   string
		sep rune
	}{{"a,b,,c", ','}, {"", ','}, {"one🦀two🦀", '🦀'}, {"no separator", 'x'}} {
		eq(t, "split", must(b.Split(c.s, c.sep))(t), strings.Split(c.s, string(c.sep)))
	}
	words := []string{"hi", "weft", "éa"}
	want := make([]string, len(words))
	for i, w := range words {
		want[i] = strings.ToUpper(w) + "!"
	}
	eq(t, "shout", must(b.Shout(words))(t), want)
	eq(t, "shout of nothing", len(must(b.Shout(nil))(t)), 0)
}

func TestBasicsStatsRecordWithOption(t *testing.T) {
	b, _, _ := newBasics(t)
	for _, values := range [][]int64{{1, 2, 3, 4}, {-7}, nil, {math.MaxInt32, math.MaxInt32, -3}} {
		var total int64
		for _, v := range values {
			total += v
		}
		want := basics.Stats{Count: uint32(len(values)), Total: total, Mean: weft.None[float64](), Label: "some ✓"}
		if len(values) > 0 {
			want.Mean = weft.Some(float64(total) / float64(len(values)))
		}
		eq(t, fmt.Sprintf("stats(%v)", values), must(b.Stats(values, "some ✓"))(t), want)
	}
}

func TestBasicsParseU8ResultError(t *testing.T) {
	b, _, _ := newBasics(t)
	// Inputs on which Rust's u8 parsing and strconv agree.
	for _, s := range []string{"0", "7", "007", "255", "256", "-1", "", "x1", " 1", "1000"} {
		got, err := b.ParseU8(s)
		want, werr := strconv.ParseUint(s, 10, 8)
		if werr == nil {
			if err != nil {
				t.Fatalf("parse-u8(%q) = %v", s, err)
			}
			eq(t, "parse-u8("+s+")", got, uint8(want))
			continue
		}
		// The guest's message: the input (Rust's Debug form, as Go
		// quotes ASCII), a colon and Rust's reason.
		msg := resultError(t, "parse-u8("+strconv.Quote(s)+")", err)
		if prefix := strconv.Quote(s) + ": "; !strings.HasPrefix(msg, prefix) || len(msg) == len(prefix) {
			t.Fatalf("parse-u8(%q) error %q, want %q and a reason", s, msg, prefix)
		}
	}
	eq(t, "a result error does not poison the instance", must(b.ParseU8("12"))(t), uint8(12))
}

func TestBasicsMaybeChar(t *testing.T) {
	b, _, _ := newBasics(t)
	for _, code := range []uint32{0, 'a', 0xd7ff, 0xd800, 0xdfff, 0xe000, 0x1f980, 0x10ffff, 0x110000, math.MaxUint32} {
		want := weft.None[rune]()
		if code <= utf8.MaxRune && utf8.ValidRune(rune(code)) {
			want = weft.Some(rune(code))
		}
		eq(t, fmt.Sprintf("maybe-char(%#x)", code), must(b.MaybeChar(code))(t), want)
	}
}

func TestBasicsListsOfNumbers(t *testing.T) {
	b, _, _ := newBasics(t)
	data := make([]byte, 100_000)
	for i := range data {
		data[i] = byte(i*7 + i/255)
	}
	for _, d := range [][]byte{nil, {1}, {0xff, 0, 0x80}, data} {
		var sum uint32
		for _, x := range d {
			sum = sum*31 + uint32(x)
		}
		eq(t, "checksum", must(b.Checksum(d))(t), sum)
		rev := make([]byte, len(d))
		for i, x := range d {
			rev[len(d)-1-i] = x
		}
		eq(t, "reverse-bytes", len(must(b.ReverseBytes(d))(t)), len(d))
		if len(d) > 0 {
			eq(t, "reverse-bytes", must(b.ReverseBytes(d))(t), rev)
		}
	}

	values := []float64{1.5, -2, 0, 0.1, math.MaxFloat64, math.Inf(-1), math.SmallestNonzeroFloat64}
	for _, by := range []float64{3, -0.5, 0} {
		want := make([]float64, len(values))
		for i, v := range values {
			want[i] = v * by
		}
		got := must(b.Scale(values, by))(t)
		if len(got) != len(want) {
			t.Fatalf("scale by %v = %v, want %v", by, got, want)
		}
		for i := range want {
			// Inf·0 is NaN on both sides.
			if got[i] != want[i] && !(math.IsNaN(got[i]) && math.IsNaN(want[i])) {
				t.Fatalf("scale by %v = %v, want %v", by, got, want)
			}
		}
	}
	if got := must(b.Scale([]float64{math.NaN()}, 2))(t); len(got) != 1 || !math.IsNaN(got[0]) {
		t.Fatalf("scale(NaN) = %v", got)
	}
	eq(t, "scale of nothing", len(must(b.Scale(nil, 2))(t)), 0)
	big := make([]float64, 200_000)
	for i := range big {
		big[i] = float64(i) - 0.5
	}
	scaled := must(b.Scale(big, 0.25))(t)
	for i := range big {
		if scaled[i] != big[i]*0.25 {
			t.Fatalf("scale: element %d = %v, want %v", i, scaled[i], big[i]*0.25)
		}
	}
}

func TestBasicsEchoManySpilledParameters(t *testing.T) {
	b, _, _ := newBasics(t)
	type args struct {
		a uint8
		b int16
		c uint32
		d int64
		e float32
		f float64
		g rune
		h bool
		i string
		j []byte
		k weft.Option[string]
		l uint64
		m int8
	}
	for _, in := range []args{
		{200, -300, 70_000, -(1 << 40), 1.5, -2.25, 'ß', true, "spilled", []byte{1, 2, 3}, weft.Some("maybe"), math.MaxUint64, -8},
		{0, math.MinInt16, math.MaxUint32, math.MaxInt64, math.SmallestNonzeroFloat32, math.Inf(1), '😀', false, "ünï ✓", []byte{0xff}, weft.None[string](), 0, math.MaxInt8},
		{math.MaxUint8, math.MaxInt16, 0, math.MinInt64, -math.MaxFloat32, math.SmallestNonzeroFloat64, 0x10ffff, true, "", []byte{0}, weft.Some(""), 1, math.MinInt8},
	} {
		a, bb, c, d, e, f, g, h, i, j, k, l, err := b.EchoMany(in.a, in.b, in.c, in.d, in.e, in.f, in.g, in.h, in.i, in.j, in.k, in.l, in.m)
		if err != nil {
			t.Fatal(err)
		}
		// Everything back as it came, but h negated (and m dropped).
		eq(t, "echo-many", []any{a, bb, c, d, e, f, g, h, i, j, k, l},
			[]any{in.a, in.b, in.c, in.d, in.e, in.f, in.g, !in.h, in.i, in.j, in.k, in.l})
	}
}

func TestBasicsShapes(t *testing.T) {
	s := func() *basics.Shapes { b, _, _ := newBasics(t); return b.Shapes() }()
	p := func(x, y int32) basics.Point { return basics.Point{X: x, Y: y} }
	abs := func(v int32) float64 { return math.Abs(float64(v)) }
	rect := weft.Tuple2[basics.Point, basics.Point]{F0: p(-1, -2), F1: p(3, 4)}
	eq(t, "area(rect)", must(s.Area(basics.ShapeRect{Value: rect}))(t), abs(rect.F1.X-rect.F0.X)*abs(rect.F1.Y-rect.F0.Y))
	eq(t, "area(circle)", must(s.Area(basics.ShapeCircle{Value: 2}))(t), math.Pi*2*2)
	eq(t, "area(dot)", must(s.Area(basics.ShapeDot{Value: p(9, 9)}))(t), 0.0)
	eq(t, "area(empty)", must(s.Area(basics.ShapeEmpty{}))(t), 0.0)

	points := basics.Points{p(1, 5), p(-2, 7), p(4, -3)}
	low, high := points[0], points[0]
	for _, q := range points {
		low = p(min(low.X, q.X), min(low.Y, q.Y))
		high = p(max(high.X, q.X), max(high.Y, q.Y))
	}
	eq(t, "bounding-box", must(s.BoundingBox(points))(t), weft.Some(weft.Tuple2[basics.Point, basics.Point]{F0: low, F1: high}))
	eq(t, "bounding-box of nothing", must(s.BoundingBox(nil))(t), weft.None[weft.Tuple2[basics.Point, basics.Point]]())

	for _, shape := range []basics.Shape{basics.ShapeDot{Value: p(9, -9)}, basics.ShapeRect{Value: rect}, basics.ShapeCircle{Value: -0.5}, basics.ShapeEmpty{}} {
		c, back, err := s.Paint(shape, basics.ColorBlue)
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "paint", []any{c, back}, []any{basics.ColorBlue, shape})
	}
	for c, next := range map[basics.Color]basics.Color{basics.ColorRed: basics.ColorGreen, basics.ColorGreen: basics.ColorBlue, basics.ColorBlue: basics.ColorRed} {
		eq(t, "next-color("+c.String()+")", must(s.NextColor(c))(t), next)
	}
	for _, pp := range []basics.Perms{0, basics.PermsRead, basics.PermsWrite | basics.PermsExec} {
		for _, extra := range []basics.Perms{0, basics.PermsExec | basics.PermsRead} {
			eq(t, "grant", must(s.Grant(pp, extra))(t), pp|extra)
		}
	}
}

func TestBasicsHostImports(t *testing.T) {
	b, h, _ := newBasics(t)
	names := []string{"ann", "bo", "zoë"}
	var greetings, logs []string
	for _, n := range names {
		g := must(h.Greet(n))(t)
		greetings = append(greetings, g)
		logs = append(logs, "greeted: "+g)
	}
	eq(t, "greet-all", must(b.GreetAll(names))(t), greetings)
	eq(t, "logged", h.logs, logs)

	// A tuple the host returns: the greeting split by the host.
	for _, c := range []struct {
		name string
		at   uint32
	}{{"weft", 5}, {"weft", 0}, {"ünï", 9}, {"x", uint32(len("hello, x!"))}} {
		x, y := must2(h.SplitAt(must(h.Greet(c.name))(t), c.at))(t)
		gx, gy := must2(b.SplitGreeting(c.name, c.at))(t)
		eq(t, "split-greeting", [2]string{gx, gy}, [2]string{x, y})
	}

	// Records to the host (`sum`), 17 spilled u64s to the host
	// (`sum-many`, of 1 to 17) and the world's `now`.
	for _, keys := range [][]string{{"a", "bb", "ccc"}, {"ünï", "", strings.Repeat("k", 1000)}, nil} {
		h.entries, h.many, h.nows = nil, nil, 0
		var want uint64
		entries := []basics.Entry{}
		for i, k := range keys {
			want += uint64(i + len(k))
			entries = append(entries, basics.Entry{Key: k, Value: int64(i)})
		}
		var many [17]uint64
		for i := range many {
			many[i] = uint64(i + 1)
			want += many[i]
		}
		want += basicsNow
		eq(t, fmt.Sprintf("total(%q)", keys), must(b.Total(keys))(t), want)
		eq(t, "the entries the host got", h.entries, [][]basics.Entry{entries})
		eq(t, "the parameters sum-many got", h.many, [][17]uint64{many})
		eq(t, "calls of now", h.nows, 1)
	}
}

// must2 is must for two results.
func must2[T, U any](v T, w U, err error) func(t *testing.T) (T, U) {
	return func(t *testing.T) (T, U) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v, w
	}
}

func TestBasicsTupleFromTheHostThatCannotBeLowered(t *testing.T) {
	// "hello, é!": byte 8 is inside the é, so the host's two strings are
	// not UTF-8; the error traps the guest.
	b, _, _ := newBasics(t)
	_, _, err := b.SplitGreeting("é", 8)
	var trap *weft.Trap
	if !errors.As(err, &trap) || trap.Kind != weft.TrapHost || !strings.Contains(err.Error(), "UTF-8") {
		t.Fatalf("split-greeting with a split inside a character = %v, want a host trap about UTF-8", err)
	}
	if _, err := b.Negate(1); !errors.Is(err, weft.ErrPoisoned) {
		t.Fatalf("a call after the trap = %v, want ErrPoisoned", err)
	}
	b2, _, _ := newBasics(t)
	_, _, err = b2.SplitGreeting("x", 100)
	if !errors.As(err, &trap) || trap.Kind != weft.TrapHost || !strings.Contains(trap.Message, "past the end") {
		t.Fatalf("split-greeting past the end = %v, want a host trap with the host's error", err)
	}
}

func TestBasicsHostTalliesMadeLentMovedAndGivenBack(t *testing.T) {
	b, _, house := newBasics(t)
	// Made by the guest through the host, used and dropped in one call.
	values := []int64{4, -1, 10, math.MinInt32}
	var sum int64
	for _, v := range values {
		sum += v
	}
	eq(t, "count-with-host", must(b.CountWithHost("steps", values))(t), sum)
	eq(t, "tallies alive once the guest dropped its own", house.live.Load(), int64(0))

	// Lent, and merged by the guest through the host's static.
	x, y := house.make("a", 1), house.make("b", 2)
	merged := must(b.MergeTallies(x, y))(t).(*basicsTally)
	eq(t, "merged", [2]any{merged.label, merged.value}, [2]any{x.label + "+" + y.label, x.value + y.value})
	eq(t, "tallies alive", house.live.Load(), int64(3))
	if x.closed.Load() || y.closed.Load() {
		t.Fatal("lending a tally closed it")
	}
	eq(t, "describe-tally", must(b.DescribeTally(merged))(t), "tally "+describeTally(merged)+" ("+merged.label+")")

	// Moved in and given back: the same object.
	for i := 0; i < 100; i++ {
		want := merged.value + int64(i)
		back := must(b.BumpTally(merged, int64(i)))(t)
		if back != basics.Tally(merged) || merged.value != want {
			t.Fatalf("bump-tally gave %v (value %d), want the same tally at %d", back, merged.value, want)
		}
	}
	if merged.closed.Load() {
		t.Fatal("a tally given back was closed")
	}
	closeAll(t, x, y, merged)
	eq(t, "tallies alive", house.live.Load(), int64(0))
}

func TestBasicsHostTalliesInsideRecordsVariantsOptionsLists(t *testing.T) {
	b, _, house := newBasics(t)
	tl := house.make("t", 1)
	for i := 0; i < 50; i++ {
		note := strings.Repeat("é", i%4)
		before := tl.value
		noted := must(b.NoteTally(tl, note))(t)
		if noted.Tally != basics.Tally(tl) || noted.Note != note {
			t.Fatalf("note-tally = %+v, want the same tally and %q", noted, note)
		}
		// Bumped by `by` and the note's length in bytes.
		back := must(b.UnnoteTally(noted, int64(i)))(t)
		if back != basics.Tally(tl) || tl.value != before+int64(i)+int64(len(note)) {
			t.Fatalf("unnote-tally gave %v (value %d), want the same tally at %d", back, tl.value, before+int64(i)+int64(len(note)))
		}
		eq(t, "hold(some)", must(b.Hold(weft.Some[basics.Tally](tl)))(t), basics.Held(basics.HeldOne{Value: tl}))
		eq(t, "hold(none)", must(b.Hold(weft.None[basics.Tally]()))(t), basics.Held(basics.HeldNothing{}))
	}
	other := house.make("ö", -5)
	// Lent to the guest, which lends both on to the host in a list.
	eq(t, "describe-both", must(b.DescribeBoth(tl, other))(t), joinLines(describeTally(tl), describeTally(other)))
	eq(t, "describe-both (one tally twice)", must(b.DescribeBoth(other, other))(t), joinLines(describeTally(other), describeTally(other)))
	eq(t, "tallies alive", house.live.Load(), int64(2))
	if tl.closed.Load() || other.closed.Load() {
		t.Fatal("a tally the guest gave back or borrowed was closed")
	}
	closeAll(t, tl, other)
}

func TestBasicsHostTallyRefusedBeforeTheCall(t *testing.T) {
	b, _, house := newBasics(t)
	if _, err := b.NoteTally(nil, "x"); err == nil {
		t.Fatal("note-tally took a nil tally")
	}
	if _, err := b.Hold(weft.Some[basics.Tally](nil)); err == nil {
		t.Fatal("hold took a nil tally")
	}
	// The record's tally is given before its note fails to lower: the
	// call never runs, and the tally stays the host's, open.
	tl := house.make("t", 1)
	if _, err := b.UnnoteTally(basics.Noted{Tally: tl, Note: "\xff"}, 1); err == nil {
		t.Fatal("unnote-tally took a note that is not UTF-8")
	}
	if tl.closed.Load() || tl.value != 1 {
		t.Fatalf("a tally of a call that never ran: closed %v, value %d", tl.closed.Load(), tl.value)
	}
	eq(t, "the instance still works", must(b.DescribeTally(tl))(t), "tally "+describeTally(tl)+" (t)")
	back := must(b.UnnoteTally(basics.Noted{Tally: tl, Note: "ok"}, 1))(t)
	if back != basics.Tally(tl) || tl.value != 1+1+2 {
		t.Fatalf("unnote-tally gave %v (value %d)", back, tl.value)
	}
	closeAll(t, tl)
}

// A tally given (owned) to a call that never runs is not kept by the
// instance: once the host drops it, it can be collected.
func TestBasicsHostTallyOfACallThatNeverRanIsForgotten(t *testing.T) {
	b, _, house := newBasics(t)
	collected := make(chan struct{})
	func() {
		tl := house.make("t", 1)
		runtime.SetFinalizer(tl, func(*basicsTally) { close(collected) })
		if _, err := b.UnnoteTally(basics.Noted{Tally: tl, Note: "\xff"}, 1); err == nil {
			t.Fatal("unnote-tally took a note that is not UTF-8")
		}
		closeAll(t, tl)
	}()
	for i := 0; i < 50; i++ {
		runtime.GC()
		select {
		case <-collected:
			return
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatal("the instance still holds a tally given to a call that never ran")
}

func TestBasicsCounterLifecycle(t *testing.T) {
	b, _, _ := newBasics(t)
	c := b.Counters()
	eq(t, "live at the start", must(c.Live())(t), uint32(0))
	a := must(c.NewCounter("a", 5))(t)
	if err := a.Add(3); err != nil {
		t.Fatal(err)
	}
	eq(t, "get", must(a.Get())(t), uint32(8))
	eq(t, "label", must(a.Label())(t), "a")
	made := must(c.Make(10))(t)
	eq(t, "label of made", must(made.Label())(t), "made")
	eq(t, "live", must(c.Live())(t), uint32(2))
	eq(t, "sum (two borrows)", must(c.Sum(a, made))(t), uint32(8+10))
	eq(t, "sum (one counter lent twice)", must(c.Sum(made, made))(t), uint32(10+10))

	// merge takes a (destroyed in the guest) and reads made.
	merged := must(c.CounterMerge(a, made))(t)
	eq(t, "live after merge", must(c.Live())(t), uint32(2))
	eq(t, "merged", [2]any{must(merged.Get())(t), must(merged.Label())(t)}, [2]any{uint32(18), "a+made"})
	if _, err := a.Get(); !errors.Is(err, weft.ErrClosed) {
		t.Fatalf("a moved counter's method = %v, want ErrClosed", err)
	}
	closeAll(t, merged, made, merged, a)
	eq(t, "live after close", must(c.Live())(t), uint32(0))
}

func TestBasicsCountersInsideReturnedAndTakenTypes(t *testing.T) {
	b, _, _ := newBasics(t)
	c := b.Counters()
	live := func(want uint32) {
		t.Helper()
		eq(t, "counters alive", must(c.Live())(t), want)
	}
	gone := func(what string, k *basics.Counter) {
		t.Helper()
		if _, err := k.Get(); !errors.Is(err, weft.ErrClosed) {
			t.Fatalf("%s: a counter the guest took = %v, want ErrClosed", what, err)
		}
	}

	// A record.
	notes := []string{"a", "bé", ""}
	tagged := must(c.MakeTagged("t", 5, notes))(t)
	eq(t, "notes", tagged.Notes, notes)
	eq(t, "tagged counter", [2]any{must(tagged.Counter.Get())(t), must(tagged.Counter.Label())(t)}, [2]any{uint32(5), "t"})
	live(1)
	n, got := must2(c.Open(tagged))(t)
	eq(t, "open", [2]any{n, got}, [2]any{uint32(5), notes})
	live(0)
	gone("open", tagged.Counter)

	// A list (the alias counter-list), taken back whole.
	starts := []uint32{1, 2, 3, 40}
	many := must(c.MakeMany(starts))(t)
	eq(t, "make-many", len(many), len(starts))
	var sum uint32
	for i, s := range starts {
		sum += s
		eq(t, "made", [2]any{must(many[i].Get())(t), must(many[i].Label())(t)}, [2]any{s, fmt.Sprintf("#%d", s)})
	}
	live(uint32(len(starts)))
	eq(t, "total", must(c.Total(many))(t), sum)
	live(0)
	for _, k := range many {
		gone("total", k)
	}
	eq(t, "total of nothing", must(c.Total(nil))(t), uint32(0))

	// Options and top-level results.
	maybe, ok := must(c.MaybeMake(weft.Some[uint32](7)))(t).Get()
	if !ok {
		t.Fatal("maybe-make(some) = none")
	}
	eq(t, "maybe", [2]any{must(maybe.Get())(t), must(maybe.Label())(t)}, [2]any{uint32(7), "maybe"})
	if _, ok := must(c.MaybeMake(weft.None[uint32]()))(t).Get(); ok {
		t.Fatal("maybe-make(none) made a counter")
	}
	tried := must(c.TryMake(9))(t)
	eq(t, "tried", [2]any{must(tried.Get())(t), must(tried.Label())(t)}, [2]any{uint32(9), "tried"})
	top := must(c.TryMake(math.MaxUint32))(t)
	eq(t, "try-make(max)", must(top.Get())(t), uint32(math.MaxUint32))
	live(3)
	for _, start := range []int64{-1, math.MaxUint32 + 1, math.MinInt64} {
		_, err := c.TryMake(start)
		msg := resultError(t, "try-make", err)
		if prefix := fmt.Sprintf("%d: ", start); !strings.HasPrefix(msg, prefix) {
			t.Fatalf("try-make(%d) error %q, want it to start with %q", start, msg, prefix)
		}
	}
	live(3)
	closeAll(t, maybe, tried, top)
	live(0)

	// A variant's payload, out and back in.
	made, isMade := must(c.Attempt(3))(t).(basics.OutcomeMade)
	if !isMade {
		t.Fatal("attempt(3) refused")
	}
	eq(t, "made", must(made.Value.Get())(t), uint32(3))
	live(1)
	eq(t, "settle(made)", must(c.Settle(made))(t), "tried=3")
	live(0)
	gone("settle", made.Value)
	refused, isRefused := must(c.Attempt(-2))(t).(basics.OutcomeRefused)
	if !isRefused || !strings.HasPrefix(refused.Value, "-2: ") {
		t.Fatalf("attempt(-2) = %#v", refused)
	}
	eq(t, "settle(refused)", must(c.Settle(refused))(t), refused.Value)

	// Records inside results inside a list.
	batchStarts := []int64{4, -4, 6, math.MaxUint32 + 1}
	batch := must(c.Batch(batchStarts))(t)
	eq(t, "batch", len(batch), len(batchStarts))
	var made2 uint32
	for i, s := range batchStarts {
		r := batch[i]
		if s < 0 || s > math.MaxUint32 {
			if !r.IsErr || !strings.HasPrefix(r.Err, fmt.Sprintf("%d: ", s)) || r.Ok.Counter != nil {
				t.Fatalf("batch[%d] = %v, want an error for %d", i, r, s)
			}
			continue
		}
		made2++
		if r.IsErr {
			t.Fatalf("batch[%d] = %v", i, r)
		}
		eq(t, "batch notes", r.Ok.Notes, []string{fmt.Sprintf("from %d", s)})
		eq(t, "batch counter", [2]any{must(r.Ok.Counter.Get())(t), must(r.Ok.Counter.Label())(t)}, [2]any{uint32(s), "tried"})
	}
	live(made2)
	n, got = must2(c.Open(batch[0].Ok))(t)
	eq(t, "open(batch[0])", [2]any{n, got}, [2]any{uint32(batchStarts[0]), []string{fmt.Sprintf("from %d", batchStarts[0])}})
	// A method taking a record: the counter inside is absorbed.
	keeper := must(c.NewCounter("k", 1))(t)
	if err := keeper.Absorb(batch[2].Ok); err != nil {
		t.Fatal(err)
	}
	eq(t, "keeper", must(keeper.Get())(t), uint32(1+batchStarts[2]))
	gone("absorb", batch[2].Ok.Counter)
	live(1)
	closeAll(t, keeper)
	live(0)
}

func TestBasicsBorrowedCountersInsideParameters(t *testing.T) {
	b, _, _ := newBasics(t)
	c := b.Counters()
	heavy, light := must(c.NewCounter("h", 2))(t), must(c.NewCounter("l", 3))(t)
	eq(t, "weigh", must(c.Weigh(basics.Weighing{Heavy: heavy, Light: light, Factor: 10}))(t), uint32(2*10+3))
	eq(t, "weigh (one counter both ways)", must(c.Weigh(basics.Weighing{Heavy: light, Light: light, Factor: 7}))(t), uint32(3*7+3))
	items := []weft.Tuple2[*basics.Counter, uint32]{{F0: heavy, F1: 2}, {F0: light, F1: 5}, {F0: heavy, F1: 100}}
	var want uint32
	for _, it := range items {
		want += must(it.F0.Get())(t) * it.F1
	}
	eq(t, "weigh-all", must(c.WeighAll(items))(t), want)
	eq(t, "weigh-all of nothing", must(c.WeighAll(nil))(t), uint32(0))
	eq(t, "peek(some)", must(c.Peek(weft.Some(light)))(t), weft.Some[uint32](3))
	eq(t, "peek(none)", must(c.Peek(weft.None[*basics.Counter]()))(t), weft.None[uint32]())
	eq(t, "lending is not giving", must(c.Live())(t), uint32(2))
	eq(t, "heavy after", must(heavy.Get())(t), uint32(2))

	// A closed counter among lent or given ones: the call is refused
	// before it runs, and the others stay the host's.
	closed := must(c.NewCounter("closed", 1))(t)
	closeAll(t, closed)
	if _, err := c.WeighAll([]weft.Tuple2[*basics.Counter, uint32]{{F0: heavy, F1: 1}, {F0: closed, F1: 1}}); !errors.Is(err, weft.ErrClosed) {
		t.Fatalf("weigh-all with a closed counter = %v, want ErrClosed", err)
	}
	if _, err := c.Peek(weft.Some(closed)); !errors.Is(err, weft.ErrClosed) {
		t.Fatalf("peek of a closed counter = %v, want ErrClosed", err)
	}
	given := must(c.Make(5))(t)
	if _, err := c.Total(basics.CounterList{given, closed}); !errors.Is(err, weft.ErrClosed) {
		t.Fatalf("total with a closed counter = %v, want ErrClosed", err)
	}
	eq(t, "a counter of a call that never ran is still the host's", must(given.Get())(t), uint32(5))
	eq(t, "live", must(c.Live())(t), uint32(3))
	eq(t, "total", must(c.Total(basics.CounterList{given}))(t), uint32(5))
	closeAll(t, heavy, light)
	eq(t, "live after close", must(c.Live())(t), uint32(0))
}

// Instances on separate goroutines run in parallel, each with its own
// host, tallies and counters; the race detector watches the generated
// package's tables and the runtime's per-call state.
func TestBasicsInstancesInParallel(t *testing.T) {
	for g := 0; g < 4; g++ {
		t.Run(fmt.Sprintf("instance %d", g), func(t *testing.T) {
			t.Parallel()
			b, h, house := newBasics(t)
			c := b.Counters()
			tl := house.make(fmt.Sprintf("g%d", g), int64(g))
			keeper := must(c.NewCounter("k", 0))(t)
			var many [17]uint64
			for i := range many {
				many[i] = uint64(i + 1)
			}
			for i := 0; i < 200; i++ {
				key := strings.Repeat("k", i%7)
				want := uint64(len(key)) + 17*18/2 + basicsNow
				eq(t, "total", must(b.Total([]string{key}))(t), want)
				back := must(b.UnnoteTally(must(b.NoteTally(tl, key))(t), 1))(t)
				if back != basics.Tally(tl) {
					t.Fatalf("unnote-tally gave %v, want the same tally", back)
				}
				tagged := must(c.MakeTagged("t", uint32(i), nil))(t)
				if err := keeper.Absorb(tagged); err != nil {
					t.Fatal(err)
				}
			}
			eq(t, "sum-many's parameters, every time", h.many[len(h.many)-1], many)
			// Each round bumps the tally by 1 and by its note's length.
			eq(t, "tally", tl.value, int64(g)+200+sumKeyLengths(200))
			eq(t, "keeper", must(keeper.Get())(t), uint32(199*200/2))
			eq(t, "live", must(c.Live())(t), uint32(1))
			closeAll(t, keeper, tl)
		})
	}
}

// sumKeyLengths is the sum of i%7 for i below n: the lengths of the
// notes TestBasicsInstancesInParallel gives.
func sumKeyLengths(n int) int64 {
	var s int64
	for i := 0; i < n; i++ {
		s += int64(i % 7)
	}
	return s
}
