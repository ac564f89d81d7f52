package weftests

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"weft.dev/go/weft"
	ks "weft.dev/test/kitchensink"
)

func eq[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s = %#v, want %#v", what, got, want)
	}
}

func TestBoolAndIntegersWrapAsTheGuestDoes(t *testing.T) {
	s := newSink(t, &host{}).Scalars()
	eq(t, "negate(true)", must(s.Negate(true))(t), false)
	eq(t, "negate(false)", must(s.Negate(false))(t), true)
	eq(t, "add-s8", must(s.AddS8(-100, -100))(t), int8(56))
	eq(t, "add-u8", must(s.AddU8(200, 100))(t), uint8(44))
	eq(t, "add-s16", must(s.AddS16(math.MinInt16, -1))(t), int16(math.MaxInt16))
	eq(t, "add-u16", must(s.AddU16(math.MaxUint16, 2))(t), uint16(1))
	eq(t, "add-s32", must(s.AddS32(math.MinInt32, -1))(t), int32(math.MaxInt32))
	eq(t, "add-u32", must(s.AddU32(math.MaxUint32, 2))(t), uint32(1))
	eq(t, "add-s64", must(s.AddS64(math.MaxInt64, 1))(t), int64(math.MinInt64))
	eq(t, "add-u64", must(s.AddU64(math.MaxUint64, 2))(t), uint64(1))
}

func TestFloatsAndNaN(t *testing.T) {
	s := newSink(t, &host{}).Scalars()
	eq(t, "mul-f32", must(s.MulF32(1.5, 4))(t), float32(6))
	tenth, three := 0.1, 3.0
	eq(t, "mul-f64", must(s.MulF64(tenth, three))(t), tenth*three)
	if v := must(s.IdentityF32(float32(math.NaN())))(t); v == v {
		t.Fatalf("identity-f32(NaN) = %v", v)
	}
	if v := must(s.IdentityF64(math.NaN()))(t); !math.IsNaN(v) {
		t.Fatalf("identity-f64(NaN) = %v", v)
	}
	eq(t, "identity-f64(+Inf)", must(s.IdentityF64(math.Inf(1)))(t), math.Inf(1))
	eq(t, "identity-f32(-Inf)", must(s.IdentityF32(float32(math.Inf(-1))))(t), float32(math.Inf(-1)))
}

func TestChars(t *testing.T) {
	s := newSink(t, &host{}).Scalars()
	for in, want := range map[rune]rune{'a': 'b', 0xd7ff: 0xe000, 'é': 'ê', '😀': '😁'} {
		eq(t, "next-char", must(s.NextChar(in))(t), want)
	}
}

func TestSpilledResultOfEveryScalar(t *testing.T) {
	s := newSink(t, &host{}).Scalars()
	a, b, c, d, e, f, g, h, i, j, k, l, err := s.StepAll(true, -1, 2, -3, 4, -5, 6, -7, 8, 1.5, 9.0, 'y')
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "step-all", []any{a, b, c, d, e, f, g, h, i, j, k, l},
		[]any{false, int8(0), uint8(3), int16(-2), uint16(5), int32(-4), uint32(7), int64(-6), uint64(9), float32(3), 4.5, 'z'})
}

func reverseRunes(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}

func TestStringsAndLists(t *testing.T) {
	c := newSink(t, &host{}).Compound()
	for _, s := range []string{"héllo, wörld ✓", "", "x", strings.Repeat("ab✓", 40_000)} {
		eq(t, "reverse-string", must(c.ReverseString(s))(t), reverseRunes(s))
	}
	bytes, chars, err := c.Measure("aé✓😀")
	if err != nil || bytes != 10 || chars != 4 {
		t.Fatalf("measure = %d, %d, %v", bytes, chars, err)
	}
	eq(t, "reverse-bytes", must(c.ReverseBytes([]byte{0, 1, 0xff}))(t), []byte{0xff, 1, 0})
	eq(t, "reverse-bytes(empty)", len(must(c.ReverseBytes(nil))(t)), 0)
	eq(t, "sum-u32", must(c.SumU32([]uint32{1, 2, math.MaxUint32}))(t), uint64(math.MaxUint32)+3)
	eq(t, "sum-u32(empty)", must(c.SumU32(nil))(t), uint64(0))
	eq(t, "prefix-sums", must(c.PrefixSums([]uint32{1, 2, 3}))(t), []uint32{1, 3, 6})
	eq(t, "join", must(c.Join([]string{"a", "b", "c"}, "--"))(t), "a--b--c")
	eq(t, "split", must(c.Split("a,b,,c", ','))(t), []string{"a", "b", "", "c"})
	eq(t, "split non-ASCII", must(c.Split("α→β→γ", '→'))(t), []string{"α", "β", "γ"})
	eq(t, "reverse-words", must(c.ReverseWords([]string{"ab", "cd"}))(t), []string{"dc", "ba"})
}

func TestMillionElementLists(t *testing.T) {
	c := newSink(t, &host{}).Compound()
	values := make([]uint32, 1_000_000)
	var sum uint64
	want := make([]uint32, len(values))
	for i := range values {
		values[i] = uint32(i * 7919)
		sum += uint64(values[i])
		want[i] = uint32(sum)
	}
	eq(t, "sum-u32 of 1,000,000", must(c.SumU32(values))(t), sum)
	got := must(c.PrefixSums(values))(t)
	if len(got) != len(want) {
		t.Fatalf("prefix-sums gave %d elements", len(got))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("prefix-sums[%d] = %d, want %d", i, got[i], want[i])
		}
	}
	bytes := make([]byte, 1_000_000)
	for i := range bytes {
		bytes[i] = byte(i % 251)
	}
	back := must(c.ReverseBytes(bytes))(t)
	for i := range bytes {
		if back[len(back)-1-i] != bytes[i] {
			t.Fatalf("reverse-bytes of 1,000,000: byte %d differs", i)
		}
	}
	words := make([]string, 1_000_000)
	for i := range words {
		words[i] = string(rune('a' + i%26))
	}
	eq(t, "join of 1,000,000 strings", len(must(c.Join(words, ""))(t)), 1_000_000)
}

func TestRecordsAndTuples(t *testing.T) {
	sink := newSink(t, &host{})
	c := sink.Compound()
	eq(t, "rotate", must(c.Rotate(ks.Point{X: 3, Y: 4}))(t), ks.Point{X: -4, Y: 3})
	f, s, u, err := c.ReverseTuple(weft.Tuple3[uint8, string, float64]{F0: 255, F1: "abc", F2: 3})
	if err != nil || f != 1.5 || s != "ABC" || u != 0 {
		t.Fatalf("reverse-tuple = %v, %q, %v, %v", f, s, u, err)
	}
	eq(t, "compute-stats", must(sink.ComputeStats([]int32{4, -2, 7}))(t), ks.Stats{Count: 3, Sum: 9, Min: -2, Max: 7, Mean: 3})
	if m := must(sink.ComputeStats(nil))(t).Mean; !math.IsNaN(m) {
		t.Fatalf("mean of nothing = %v, want NaN", m)
	}
}

func TestVariants(t *testing.T) {
	c := newSink(t, &host{}).Compound()
	cycle := []ks.Shape{
		ks.ShapeEmpty{}, ks.ShapeDot{Value: 0}, ks.ShapeLine{Value: 0}, ks.ShapeLabel{Value: "0"},
		ks.ShapeRect{Value: ks.Point{X: 1, Y: 1}}, ks.ShapeRatio{Value: 1}, ks.ShapeEmpty{},
	}
	for i := 0; i+1 < len(cycle); i++ {
		eq(t, "next-shape", must(c.NextShape(cycle[i]))(t), cycle[i+1])
	}
	eq(t, "next-shape(dot 7)", must(c.NextShape(ks.ShapeDot{Value: 7}))(t), ks.Shape(ks.ShapeLine{Value: 7000}))
	eq(t, "next-shape(label né)", must(c.NextShape(ks.ShapeLabel{Value: "né"}))(t), ks.Shape(ks.ShapeRect{Value: ks.Point{X: 3, Y: 2}}))
}

func TestEnumsAndFlags(t *testing.T) {
	c := newSink(t, &host{}).Compound()
	eq(t, "next-color(red)", must(c.NextColor(ks.ColorRed))(t), ks.ColorGreen)
	eq(t, "next-color(blue)", must(c.NextColor(ks.ColorBlue))(t), ks.ColorRed)
	eq(t, "Color.String", ks.ColorBlue.String(), "blue")
	eq(t, "invert-permissions", must(c.InvertPermissions(ks.PermissionsRead))(t), ks.PermissionsWrite|ks.PermissionsExecute)
	eq(t, "invert-permissions(none)", must(c.InvertPermissions(0))(t), ks.PermissionsRead|ks.PermissionsWrite|ks.PermissionsExecute)
	eq(t, "invert-nine", must(c.InvertNine(ks.NineB0|ks.NineB8))(t), ks.Nine(0b011111110))
	eq(t, "rotate-wide", must(c.RotateWide(ks.WideW31|ks.WideW0))(t), ks.WideW0|ks.WideW1)
	all := ks.WideW0
	for i := 1; i < 32; i++ {
		all |= ks.WideW0 << i
	}
	eq(t, "rotate-wide(all 32 flags)", must(c.RotateWide(all))(t), all)
	if !(ks.PermissionsRead | ks.PermissionsWrite).Has(ks.PermissionsWrite) {
		t.Fatal("Has is wrong")
	}
}

func TestOptionsAndResults(t *testing.T) {
	c := newSink(t, &host{}).Compound()
	eq(t, "halve(8)", must(c.Halve(weft.Some[uint32](8)))(t), weft.Some[uint32](4))
	eq(t, "halve(7)", must(c.Halve(weft.Some[uint32](7)))(t), weft.None[uint32]())
	eq(t, "halve(none)", must(c.Halve(weft.None[uint32]()))(t), weft.None[uint32]())
	none := weft.None[weft.Option[uint32]]()
	eq(t, "bump-nested(none)", must(c.BumpNested(none))(t), weft.Some(weft.None[uint32]()))
	eq(t, "bump-nested(some(none))", must(c.BumpNested(weft.Some(weft.None[uint32]())))(t), none)
	eq(t, "bump-nested(some(some(41)))", must(c.BumpNested(weft.Some(weft.Some[uint32](41))))(t), weft.Some(weft.Some[uint32](42)))

	_, err := c.Flip(weft.Ok[string, uint32]("x"))
	if v, ok := weft.ErrorValue[string](err); !ok || v != "x" {
		t.Fatalf("flip(ok x) error = %v", err)
	}
	eq(t, "flip(err 5)", must(c.Flip(weft.Err[string, uint32](5)))(t), uint32(5))
	if err := c.AppendError(weft.Ok[weft.Unit, string](weft.Unit{}), "!"); err != nil {
		t.Fatal(err)
	}
	if v, ok := weft.ErrorValue[string](c.AppendError(weft.Err[weft.Unit, string]("no"), "!")); !ok || v != "no!" {
		t.Fatalf("append-error = %q, %v", v, ok)
	}
	eq(t, "double-ok", must(c.DoubleOk(weft.Ok[uint32, weft.Unit](21)))(t), uint64(42))
	if _, err := c.DoubleOk(weft.Err[uint32](weft.Unit{})); err == nil {
		t.Fatal("double-ok(err) gave no error")
	} else if _, ok := weft.ErrorValue[weft.Unit](err); !ok {
		t.Fatalf("double-ok(err) = %v, want a ResultError[Unit]", err)
	}
	if err := c.NegateResult(weft.Err[weft.Unit](weft.Unit{})); err != nil {
		t.Fatal(err)
	}
	if _, ok := weft.ErrorValue[weft.Unit](c.NegateResult(weft.Ok[weft.Unit, weft.Unit](weft.Unit{}))); !ok {
		t.Fatal("negate-result(ok) gave no WIT error")
	}
	eq(t, "checked-div", must(c.CheckedDiv(7, 2))(t), int32(3))
	if v, ok := weft.ErrorValue[string](func() error { _, err := c.CheckedDiv(1, 0); return err }()); !ok || v == "" {
		t.Fatalf("checked-div(1, 0) error = %q, %v", v, ok)
	}
}

func TestListsOfRecords(t *testing.T) {
	c := newSink(t, &host{}).Compound()
	people := []ks.Person{{Name: "ann", Age: 30, Tags: []string{"a", "b"}}, {Name: "bob", Age: 41, Tags: []string{"b"}}}
	eq(t, "total-age", must(c.TotalAge(people))(t), uint32(71))
	eq(t, "age-all", must(c.AgeAll(people))(t), []ks.Person{
		{Name: "ann", Age: 31, Tags: []string{"a", "b", "older"}},
		{Name: "bob", Age: 42, Tags: []string{"b", "older"}},
	})
	eq(t, "oldest", must(c.Oldest(people))(t), weft.Some(people[1]))
	eq(t, "oldest(none)", must(c.Oldest(nil))(t), weft.None[ks.Person]())
	eq(t, "tag-counts", must(c.TagCounts(people))(t), []weft.Tuple2[string, uint32]{{F0: "a", F1: 1}, {F0: "b", F1: 2}})
	drawing := ks.Drawing{Title: "title", Shapes: []ks.Shape{ks.ShapeEmpty{}, ks.ShapeDot{Value: 2}}, Palette: []ks.Color{ks.ColorRed, ks.ColorBlue}}
	eq(t, "advance-drawing", must(c.AdvanceDrawing(drawing))(t), ks.Drawing{
		Title: "eltit", Shapes: []ks.Shape{ks.ShapeDot{Value: 0}, ks.ShapeLine{Value: 2000}}, Palette: []ks.Color{ks.ColorGreen, ks.ColorRed},
	})
}

func TestSpilledParameters(t *testing.T) {
	sink := newSink(t, &host{})
	var want uint64
	for i := uint64(1); i <= 20; i++ {
		want += i * i
	}
	eq(t, "weighted-sum", must(sink.WeightedSum(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20))(t), want)
	text := must(sink.DescribeAll(true, -1, 2, -3, 4, -5, 6, -7, 8, 1.5, 2.25, 'λ', "str", []byte{0x0a, 0xff},
		ks.Point{X: 1, Y: -2}, weft.None[uint32](), ks.ColorBlue, ks.PermissionsRead|ks.PermissionsExecute))(t)
	eq(t, "describe-all", text, "true|-1|2|-3|4|-5|6|-7|8|1.5|2.25|λ|str|0aff|(1,-2)|none|blue|read+execute")
}
