// Command calls-bench times the bench/calls component from Go, through the
// package `weft bindgen --lang go` generated for it (weft.dev/bench/calls,
// over weft.dev/go/weft and weft-capi), on the inputs of bench/runner
// (bench/runner/src/components.rs): noop(), add(20, 22), reverse of a 64 B
// and a 4 KiB string, sum of 1,000 u32s, update of 100 records.
//
// Run by bench/go/run.sh, which runs it in alternation with the Rust side
// (`weft-bench --only component-typed`) and then in table mode:
//
//	calls-bench [-quick] [-batches N]   # check, time, print JSON lines
//	calls-bench -table FILE...          # the Markdown table of JSON lines
//
// Measuring, every call is first checked against the value computed in Go
// (the string reversed, the sum, each record's name upper-cased and value
// doubled); then each case is timed in batches of as many calls as the
// Rust runner's batches (a tenth with -quick), after a warm-up of a tenth
// of a batch, and one JSON object a line gives the time per call of each
// batch, in nanoseconds, as `weft-bench --only component-typed` does:
//
//	{"impl":"go","case":"noop","label":"noop()","calls":100000,"ns":[...]}
//
// Go lines also give the heap allocations per call (allocs, bytes),
// measured on an untimed batch. A line with impl "cgo-nop" times a bare
// cgo call of an empty C function, for reference.
//
// In table mode the samples of each implementation and case, from all
// files, are pooled and their median is the figure.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"weft.dev/bench/calls"
)

// Implementation names, as in the JSON lines.
const (
	implGo    = "go"
	implRust  = "rust-typed"
	implCgoNo = "cgo-nop"
)

// benchCase is one row of the table; its id, label and batch size are the
// Rust runner's (components::CASES).
type benchCase struct {
	id    string
	label string
	calls int
	// data says whether the case moves data through memory: the "within
	// 2x of Rust" target applies to it.
	data bool
}

var cases = []benchCase{
	{id: "noop", label: "noop()", calls: 100_000},
	{id: "add", label: "add(u32, u32)", calls: 100_000},
	{id: "reverse-64", label: "reverse(string of 64 B)", calls: 50_000, data: true},
	{id: "reverse-4k", label: "reverse(string of 4 KiB)", calls: 5_000, data: true},
	{id: "sum-1000", label: "sum(list<u32> of 1,000)", calls: 10_000, data: true},
	{id: "update-100", label: "update(list of 100 records with a string)", calls: 1_000, data: true},
}

// The targets of the issue.
const (
	noopTarget  = 150 * time.Nanosecond
	ratioTarget = 2.0
)

// batchCalls gives the calls per batch of c (-quick: a tenth).
func (c benchCase) batchCalls(quick bool) int {
	if quick {
		return max(c.calls/10, 1)
	}
	return c.calls
}

// inputs are the arguments, as bench/runner's Inputs::new makes them.
type inputs struct {
	short, long string
	numbers     []uint32
	items       []calls.Item
}

func makeInputs() inputs {
	text := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('a' + i*7%26)
		}
		return string(b)
	}
	in := inputs{short: text(64), long: text(4096)}
	for i := uint32(0); i < 1000; i++ {
		in.numbers = append(in.numbers, i*(2_654_435_761+i))
	}
	for i := uint32(0); i < 100; i++ {
		in.items = append(in.items, calls.Item{Name: fmt.Sprintf("item number %d", i), Value: i * 3})
	}
	return in
}

// reverseString reverses s by Unicode scalar value, as the guest does.
func reverseString(s string) string {
	runes := []rune(s)
	for i, j := 0, len(runes)-1; i < j; i, j = i+1, j-1 {
		runes[i], runes[j] = runes[j], runes[i]
	}
	return string(runes)
}

// runner makes n calls of a case and gives the last call's result.
type runner func(n int) (any, error)

// runners binds each case (by id) to calls on w, and gives the value
// each must return, computed in Go.
func runners(w *calls.Calls, in inputs) (map[string]runner, map[string]any) {
	var sum uint64
	for _, v := range in.numbers {
		sum += uint64(v)
	}
	updated := make([]calls.Item, len(in.items))
	for i, item := range in.items {
		updated[i] = calls.Item{Name: strings.ToUpper(item.Name), Value: item.Value * 2}
	}
	want := map[string]any{
		"noop":       nil,
		"add":        uint32(42),
		"reverse-64": reverseString(in.short),
		"reverse-4k": reverseString(in.long),
		"sum-1000":   sum,
		"update-100": updated,
	}
	reverse := func(s string) runner {
		return func(n int) (any, error) {
			var r string
			var err error
			for i := 0; i < n && err == nil; i++ {
				r, err = w.Reverse(s)
			}
			return r, err
		}
	}
	run := map[string]runner{
		"noop": func(n int) (any, error) {
			for i := 0; i < n; i++ {
				if err := w.Noop(); err != nil {
					return nil, err
				}
			}
			return nil, nil
		},
		"add": func(n int) (any, error) {
			var r uint32
			var err error
			for i := 0; i < n && err == nil; i++ {
				r, err = w.Add(20, 22)
			}
			return r, err
		},
		"reverse-64": reverse(in.short),
		"reverse-4k": reverse(in.long),
		"sum-1000": func(n int) (any, error) {
			var r uint64
			var err error
			for i := 0; i < n && err == nil; i++ {
				r, err = w.Sum(in.numbers)
			}
			return r, err
		},
		"update-100": func(n int) (any, error) {
			var r []calls.Item
			var err error
			for i := 0; i < n && err == nil; i++ {
				r, err = w.Update(in.items)
			}
			return r, err
		},
	}
	return run, want
}

// record is one JSON line: the time per call of each batch of one case
// on one implementation.
type record struct {
	Impl  string    `json:"impl"`
	Case  string    `json:"case"`
	Label string    `json:"label"`
	Calls int       `json:"calls"`
	NS    []float64 `json:"ns"`
	// Heap allocations per call (Go only).
	Allocs *float64 `json:"allocs,omitempty"`
	Bytes  *float64 `json:"bytes,omitempty"`
}

// timeBatches runs a warm-up of a tenth of a batch, then batches of
// calls calls, and gives each batch's time per call in nanoseconds.
func timeBatches(run runner, calls, batches int) ([]float64, error) {
	if _, err := run(calls/10 + 1); err != nil {
		return nil, err
	}
	ns := make([]float64, 0, batches)
	for b := 0; b < batches; b++ {
		start := time.Now()
		_, err := run(calls)
		elapsed := time.Since(start)
		if err != nil {
			return nil, err
		}
		ns = append(ns, float64(elapsed.Nanoseconds())/float64(calls))
	}
	return ns, nil
}

// allocsPerCall measures the heap allocations of calls calls (untimed).
func allocsPerCall(run runner, calls int) (allocs, bytes float64, err error) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err = run(calls)
	runtime.ReadMemStats(&after)
	n := float64(calls)
	return float64(after.Mallocs-before.Mallocs) / n, float64(after.TotalAlloc-before.TotalAlloc) / n, err
}

func measure(out io.Writer, quick bool, batches int) error {
	w, err := calls.New()
	if err != nil {
		return err
	}
	defer w.Close()
	in := makeInputs()
	run, want := runners(w, in)
	enc := json.NewEncoder(out)
	for _, c := range cases {
		fmt.Fprintf(os.Stderr, "component call %s (Go) ...\n", c.label)
		for k := 0; k < 2; k++ {
			got, err := run[c.id](1)
			if err != nil {
				return fmt.Errorf("%s: %w", c.label, err)
			}
			if !reflect.DeepEqual(got, want[c.id]) {
				return fmt.Errorf("%s: returned %.200v, expected %.200v", c.label, got, want[c.id])
			}
		}
		n := c.batchCalls(quick)
		ns, err := timeBatches(run[c.id], n, batches)
		if err != nil {
			return fmt.Errorf("%s: %w", c.label, err)
		}
		allocs, bytes, err := allocsPerCall(run[c.id], max(n/10, 1))
		if err != nil {
			return fmt.Errorf("%s: %w", c.label, err)
		}
		if err := enc.Encode(record{Impl: implGo, Case: c.id, Label: c.label, Calls: n, NS: ns, Allocs: &allocs, Bytes: &bytes}); err != nil {
			return err
		}
	}
	nop := func(n int) (any, error) {
		for i := 0; i < n; i++ {
			cgoNop()
		}
		return nil, nil
	}
	n := cases[0].batchCalls(quick)
	ns, err := timeBatches(nop, n, batches)
	if err != nil {
		return err
	}
	return enc.Encode(record{Impl: implCgoNo, Case: "cgo-nop", Label: "cgo call of an empty C function", Calls: n, NS: ns})
}

// pooled are the samples of one implementation and case, from all files.
type pooled struct {
	ns             []float64
	allocs, bytes  float64
	haveAllocStats bool
}

func readRecords(paths []string) (map[string]map[string]*pooled, error) {
	all := map[string]map[string]*pooled{}
	for _, path := range paths {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		scanner := bufio.NewScanner(f)
		scanner.Buffer(make([]byte, 0, 64*1024), 1<<20)
		for line := 1; scanner.Scan(); line++ {
			text := strings.TrimSpace(scanner.Text())
			if text == "" {
				continue
			}
			var r record
			if err := json.Unmarshal([]byte(text), &r); err != nil {
				f.Close()
				return nil, fmt.Errorf("%s:%d: %w", path, line, err)
			}
			if all[r.Impl] == nil {
				all[r.Impl] = map[string]*pooled{}
			}
			p := all[r.Impl][r.Case]
			if p == nil {
				p = &pooled{}
				all[r.Impl][r.Case] = p
			}
			p.ns = append(p.ns, r.NS...)
			if r.Allocs != nil && r.Bytes != nil {
				// The last file's figures: they do not vary.
				p.allocs, p.bytes, p.haveAllocStats = *r.Allocs, *r.Bytes, true
			}
		}
		err = scanner.Err()
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	return all, nil
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// fmtNS gives ns nanoseconds with three significant digits, as the Rust
// runner does.
func fmtNS(ns float64) string {
	value, unit := ns, "ns"
	switch {
	case ns >= 1e6:
		value, unit = ns/1e6, "ms"
	case ns >= 1e3:
		value, unit = ns/1e3, "µs"
	}
	switch {
	case value < 10:
		return fmt.Sprintf("%.2f %s", value, unit)
	case value < 100:
		return fmt.Sprintf("%.1f %s", value, unit)
	}
	return fmt.Sprintf("%.0f %s", value, unit)
}

func table(out io.Writer, paths []string) error {
	all, err := readRecords(paths)
	if err != nil {
		return err
	}
	goTimes, rustTimes := all[implGo], all[implRust]
	header := []string{"call, per call", "Go", "Rust typed", "Go/Rust", "target", "met", "Go allocs (bytes) per call"}
	rows := [][]string{header}
	var missed []string
	samples := 0
	for _, c := range cases {
		g, r := goTimes[c.id], rustTimes[c.id]
		if g == nil || r == nil || len(g.ns) == 0 || len(r.ns) == 0 {
			return fmt.Errorf("%s: no samples for Go or for Rust", c.label)
		}
		samples = len(g.ns)
		gm, rm := median(g.ns), median(r.ns)
		ratio := gm / rm
		target, met := "—", true
		switch {
		case c.id == "noop":
			target = fmt.Sprintf("Go < %d ns", noopTarget.Nanoseconds())
			met = gm < float64(noopTarget.Nanoseconds())
		case c.data:
			target = fmt.Sprintf("Go/Rust ≤ %g", ratioTarget)
			met = ratio <= ratioTarget
		}
		metCell := "—"
		if target != "—" {
			metCell = "yes"
			if !met {
				metCell = "**no**"
				missed = append(missed, c.label)
			}
		}
		allocCell := "—"
		if g.haveAllocStats {
			allocCell = fmt.Sprintf("%.0f (%.0f B)", g.allocs, g.bytes)
		}
		rows = append(rows, []string{c.label, fmtNS(gm), fmtNS(rm), fmt.Sprintf("%.2f", ratio), target, metCell, allocCell})
	}
	widths := make([]int, len(header))
	for _, row := range rows {
		for i, cell := range row {
			widths[i] = max(widths[i], utf8.RuneCountInString(cell))
		}
	}
	for n, row := range rows {
		var b strings.Builder
		b.WriteString("|")
		for i, cell := range row {
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(cell))
			if i == 0 {
				b.WriteString(" " + cell + pad + " |")
			} else {
				b.WriteString(" " + pad + cell + " |")
			}
		}
		fmt.Fprintln(out, b.String())
		if n == 0 {
			b.Reset()
			b.WriteString("|")
			for i, w := range widths {
				if i == 0 {
					b.WriteString(":" + strings.Repeat("-", w+1) + "|")
				} else {
					b.WriteString(strings.Repeat("-", w+1) + ":|")
				}
			}
			fmt.Fprintln(out, b.String())
		}
	}
	fmt.Fprintln(out)
	fmt.Fprintf(out, "Each figure is the median of %d batches, pooled from processes run in alternation (Go, Rust, Go, Rust, ...).\n", samples)
	if nop := all[implCgoNo]["cgo-nop"]; nop != nil && len(nop.ns) > 0 {
		fmt.Fprintf(out, "A bare cgo call of an empty C function from the Go side: %s.\n", fmtNS(median(nop.ns)))
	}
	fmt.Fprintf(out, "Targets: Go within %gx of Rust on the data calls (reverse, sum, update), a Go noop() under %d ns: ", ratioTarget, noopTarget.Nanoseconds())
	if len(missed) == 0 {
		fmt.Fprintln(out, "all met.")
	} else {
		fmt.Fprintf(out, "missed on %s.\n", strings.Join(missed, "; "))
	}
	return nil
}

func main() {
	quick := flag.Bool("quick", false, "batches a tenth as long, 3 of them: a smoke test")
	batches := flag.Int("batches", 0, "batches per case (9, -quick 3)")
	tableMode := flag.Bool("table", false, "print the Markdown table of the JSON lines in the files given")
	flag.Parse()
	var err error
	if *tableMode {
		if flag.NArg() == 0 {
			err = errors.New("-table: no files given")
		} else {
			err = table(os.Stdout, flag.Args())
		}
	} else {
		n := *batches
		if n <= 0 {
			n = 9
			if *quick {
				n = 3
			}
		}
		err = measure(os.Stdout, *quick, n)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "calls-bench:", err)
		os.Exit(1)
	}
}
