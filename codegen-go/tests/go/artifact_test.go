package weftests

// Precompiled components and the compiled-code cache, through the
// generated packages: Precompile → NewFromArtifact gives instances that
// answer as New's do (the whole GraphQL corpus; kitchen-sink calls with
// host imports, traps with backtraces); refused artifacts are errors
// wrapping a *weft.Error of kind ErrorArtifact; and New in a second
// process loads the embedded component from the cache instead of
// compiling it (a child process: this test binary run again with
// WEFT_CACHE_DIR set to a fresh directory). The child also reports how
// long New took, which the parent logs: cold (empty cache), warm (cache
// hit), and NewFromArtifact.

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"weft.dev/go/weft"
	gql "weft.dev/test/graphql"
	ks "weft.dev/test/kitchensink"
)

// graphqlArtifact is the GraphQL component precompiled by its package.
func graphqlArtifact(t *testing.T) []byte {
	t.Helper()
	artifact, err := gql.Precompile()
	if err != nil {
		t.Fatal(err)
	}
	if !weft.IsArtifact(artifact) {
		t.Fatal("Precompile gave something that is not an artifact")
	}
	return artifact
}

func TestGraphqlFromArtifactAgreesWithNative(t *testing.T) {
	c, err := loadGraphqlCorpus(graphqlCorpusDir())
	if err != nil {
		t.Fatalf("loading the corpus: %v", err)
	}
	artifact := graphqlArtifact(t)
	again, err := gql.Precompile()
	if err != nil || !bytes.Equal(again, artifact) {
		t.Fatalf("a second Precompile differs (%v)", err)
	}
	started := time.Now()
	tk, err := gql.NewFromArtifact(artifact)
	if err != nil {
		t.Fatalf("NewFromArtifact: %v", err)
	}
	defer tk.Close()
	made := time.Since(started)
	if tk.FromCache() {
		t.Fatal("an instance from an artifact reports the cache")
	}
	run, err := runGraphqlCorpus(c, tk)
	checkGraphqlRun(t, "instance from an artifact", c, run, err)

	// The same calls on New's instance give the same answers.
	compiled, err := gql.New()
	if err != nil {
		t.Fatal(err)
	}
	defer compiled.Close()
	run2, err := runGraphqlCorpus(c, compiled)
	checkGraphqlRun(t, "instance from New", c, run2, err)
	if run.calls != run2.calls {
		t.Fatalf("calls: %d from the artifact, %d from New", run.calls, run2.calls)
	}
	t.Logf("artifact of %d bytes; NewFromArtifact in %v; %d calls compared",
		len(artifact), made.Round(time.Microsecond), run.calls)
}

func TestKitchenSinkFromArtifactWithHostImports(t *testing.T) {
	artifact, err := ks.Precompile()
	if err != nil {
		t.Fatal(err)
	}
	h := &host{}
	sink, err := ks.NewFromArtifact(artifact, ks.Imports{Host: h, HostThings: hostThings{}})
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	eq(t, "add-u32", must(sink.Scalars().AddU32(40, 2))(t), uint32(42))
	eq(t, "host-sum", must(sink.HostSum([]uint64{1, 2, 3, 4}))(t), uint64(10))
	eq(t, "greet-all", strings.Join(must(sink.GreetAll([]string{"a", "b"}))(t), ","), "hello, a!,hello, b!")
	eq(t, "host adds", h.adds > 0, true)
	eq(t, "recurse", must(sink.Faults().Recurse(1000))(t), uint64(1000))
	// Traps keep their kind and backtrace: the trap table and the frame
	// names came with the artifact.
	err = sink.Faults().Fail("guest gave up")
	var trap *weft.Trap
	if !errors.As(err, &trap) || trap.Kind != weft.TrapUnreachable || len(trap.Backtrace) == 0 {
		t.Fatalf("fail = %v, want an unreachable trap with a backtrace", err)
	}
	fresh, err := ks.NewFromArtifact(artifact, ks.Imports{Host: h, HostThings: hostThings{}})
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	_, err = fresh.Faults().Recurse(100_000_000)
	if !errors.As(err, &trap) || trap.Kind != weft.TrapStackOverflow {
		t.Fatalf("deep recursion = %v, want a stack overflow", err)
	}
	// Missing imports are still refused.
	if _, err := ks.NewFromArtifact(artifact, ks.Imports{HostThings: hostThings{}}); err == nil {
		t.Fatal("NewFromArtifact without the host")
	}
}

func TestDamagedArtifactIsAnArtifactError(t *testing.T) {
	artifact := graphqlArtifact(t)
	damaged := bytes.Clone(artifact)
	damaged[len(damaged)/2] ^= 0x40
	wasm, err := os.ReadFile(filepath.Join("..", "..", "..", "target", "tmp", "go", "graphql", "graphql.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		what  string
		input []byte
		want  string
	}{
		{"damaged", damaged, "checksum does not match"},
		{"truncated", artifact[:len(artifact)/3], "checksum does not match"},
		{"a wasm binary", wasm, "wasm binary, not a precompiled artifact"},
		{"nothing", nil, "not a weft artifact"},
	} {
		tk, err := gql.NewFromArtifact(tc.input)
		if tk != nil {
			t.Fatalf("%s: got an instance", tc.what)
		}
		var werr *weft.Error
		if !errors.As(err, &werr) || werr.Kind != weft.ErrorArtifact || !strings.Contains(err.Error(), tc.want) {
			t.Fatalf("%s: err = %v, want a *weft.Error of kind artifact saying %q", tc.what, err, tc.want)
		}
		if !strings.HasPrefix(err.Error(), "toolkit: ") {
			t.Fatalf("%s: err = %q, want it to name the world", tc.what, err)
		}
	}
	// An artifact is not wasm: NewFromBytes refuses it as it would any
	// other non-component.
	var werr *weft.Error
	if _, err := gql.NewFromBytes(artifact); !errors.As(err, &werr) || werr.Kind != weft.ErrorCompile {
		t.Fatalf("NewFromBytes(artifact) = %v, want a compile error", err)
	}
}

// cacheChild is the environment variable that makes
// TestGraphqlNewInAChildProcess do the child's part.
const cacheChild = "WEFT_TEST_CACHE_CHILD"

// TestGraphqlNewInAChildProcess is the child's part of
// TestGraphqlNewLoadsFromTheCacheInASecondProcess (skipped otherwise):
// New once, a call, and what happened, as "key=value" lines.
func TestGraphqlNewInAChildProcess(t *testing.T) {
	if os.Getenv(cacheChild) == "" {
		t.Skip("the child of TestGraphqlNewLoadsFromTheCacheInASecondProcess")
	}
	started := time.Now()
	tk, err := gql.New()
	if err != nil {
		t.Fatal(err)
	}
	newTime := time.Since(started)
	defer tk.Close()
	if _, err := tk.Graphql().Parse("{ a }"); err != nil {
		t.Fatal(err)
	}
	fmt.Printf("from-cache=%v\nnew-ns=%d\n", tk.FromCache(), newTime.Nanoseconds())
	if os.Getenv(cacheChild) == "artifact" {
		artifact, err := gql.Precompile()
		if err != nil {
			t.Fatal(err)
		}
		// The first NewFromArtifact maps code for the first time; time the
		// second too.
		for i := 0; i < 2; i++ {
			started = time.Now()
			tk2, err := gql.NewFromArtifact(artifact)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Printf("artifact-ns-%d=%d\n", i, time.Since(started).Nanoseconds())
			tk2.Close()
		}
	}
}

// childRun runs this test binary's TestGraphqlNewInAChildProcess with env
// added, giving its "key=value" lines.
func childRun(t *testing.T, mode string, env ...string) map[string]string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestGraphqlNewInAChildProcess$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), append(env, cacheChild+"="+mode)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	got := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok && !strings.Contains(k, " ") {
			got[k] = v
		}
	}
	if _, ok := got["from-cache"]; !ok {
		t.Fatalf("the child did not report:\n%s", out)
	}
	return got
}

// duration reads a child's nanosecond count.
func duration(t *testing.T, got map[string]string, key string) time.Duration {
	t.Helper()
	ns, err := strconv.ParseInt(got[key], 10, 64)
	if err != nil {
		t.Fatalf("%s: %v", key, err)
	}
	return time.Duration(ns)
}

func TestGraphqlNewLoadsFromTheCacheInASecondProcess(t *testing.T) {
	if os.Getenv(cacheChild) != "" {
		t.Skip("in the child")
	}
	dir := filepath.Join(t.TempDir(), "cache")
	cold := childRun(t, "new", "WEFT_CACHE_DIR="+dir, "WEFT_NO_CACHE=")
	if cold["from-cache"] != "false" {
		t.Fatalf("first process: from-cache=%s, want false (empty cache)", cold["from-cache"])
	}
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 1 {
		t.Fatalf("cache after the first process: %v, %v; want one entry", entries, err)
	}
	warm := childRun(t, "artifact", "WEFT_CACHE_DIR="+dir, "WEFT_NO_CACHE=")
	if warm["from-cache"] != "true" {
		t.Fatalf("second process: from-cache=%s, want true", warm["from-cache"])
	}
	// WEFT_NO_CACHE turns the cache off.
	off := childRun(t, "new", "WEFT_CACHE_DIR="+dir, "WEFT_NO_CACHE=1")
	if off["from-cache"] != "false" {
		t.Fatalf("WEFT_NO_CACHE=1: from-cache=%s, want false", off["from-cache"])
	}
	t.Logf("graphql New(): cold cache %v, warm cache %v, no cache %v; NewFromArtifact %v (then %v)",
		duration(t, cold, "new-ns").Round(time.Microsecond),
		duration(t, warm, "new-ns").Round(time.Microsecond),
		duration(t, off, "new-ns").Round(time.Microsecond),
		duration(t, warm, "artifact-ns-0").Round(time.Microsecond),
		duration(t, warm, "artifact-ns-1").Round(time.Microsecond))
}
