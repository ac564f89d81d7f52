package main

// The same calls as Go benchmarks, for profiling (run.sh does not use
// them):
//
//	cd bench/go && go test -run '^$' -bench . -benchmem -cpuprofile cpu.out
//	go tool pprof -top calls-bench.test cpu.out

import (
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"weft.dev/bench/calls"
)

// benchCall times case id, after checking its result once.
func benchCall(b *testing.B, id string) {
	w, err := calls.New()
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	run, want := runners(w, makeInputs())
	got, err := run[id](1)
	if err != nil {
		b.Fatal(err)
	}
	if !reflect.DeepEqual(got, want[id]) {
		b.Fatalf("%s: returned %.200v, expected %.200v", id, got, want[id])
	}
	b.ReportAllocs()
	b.ResetTimer()
	if _, err := run[id](b.N); err != nil {
		b.Fatal(err)
	}
}

func BenchmarkNoop(b *testing.B)      { benchCall(b, "noop") }
func BenchmarkAdd(b *testing.B)       { benchCall(b, "add") }
func BenchmarkReverse64(b *testing.B) { benchCall(b, "reverse-64") }
func BenchmarkReverse4K(b *testing.B) { benchCall(b, "reverse-4k") }
func BenchmarkSum1000(b *testing.B)   { benchCall(b, "sum-1000") }
func BenchmarkUpdate100(b *testing.B) { benchCall(b, "update-100") }

func BenchmarkCgoNop(b *testing.B) {
	for i := 0; i < b.N; i++ {
		cgoNop()
	}
}

// TestTable checks the table mode on two made-up files.
func TestTable(t *testing.T) {
	dir := t.TempDir()
	write := func(name, impl string, ns float64) string {
		var lines strings.Builder
		v := strconv.FormatFloat(ns, 'f', -1, 64)
		for _, c := range cases {
			lines.WriteString(`{"impl":"` + impl + `","case":"` + c.id + `","label":"` + c.label +
				`","calls":1,"ns":[` + v + `,` + v + `]}` + "\n")
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(lines.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	var out strings.Builder
	if err := table(&out, []string{write("go.jsonl", implGo, 100), write("rust.jsonl", implRust, 40)}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| noop()", "2.50", "**no**", "missed on reverse(string of 64 B)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
}
