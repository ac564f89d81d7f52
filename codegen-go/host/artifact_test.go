package weft

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// compileKitchenSink compiles the kitchen-sink component with e.
func compileKitchenSink(t *testing.T, e *Engine) *Component {
	t.Helper()
	c, err := NewComponent(e, kitchenSink(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// wantArtifactError checks that err is an *Error of kind ErrorArtifact
// whose message says want.
func wantArtifactError(t *testing.T, what string, err error, want string) {
	t.Helper()
	var werr *Error
	if !errors.As(err, &werr) || werr.Kind != ErrorArtifact || !strings.Contains(werr.Message, want) {
		t.Fatalf("%s: got %v, want an *Error of kind artifact saying %q", what, err, want)
	}
}

func TestSerializeDeserializeRoundTrip(t *testing.T) {
	c := compileKitchenSink(t, newEngine(t))
	if c.FromCache() {
		t.Fatal("an engine without a cache loaded from one")
	}
	artifact, err := c.Serialize()
	if err != nil {
		t.Fatal(err)
	}
	if !IsArtifact(artifact) || IsArtifact(kitchenSink(t)) || IsArtifact(nil) {
		t.Fatal("IsArtifact: wrong")
	}
	// A fresh engine loads it without compiling; names and the artifact
	// itself come back the same.
	e := newEngine(t)
	loaded, err := DeserializeComponent(e, artifact)
	if err != nil {
		t.Fatal(err)
	}
	defer loaded.Close()
	if loaded.FromCache() {
		t.Fatal("a deserialized component reports the cache")
	}
	if !slices.Equal(loaded.Exports(), c.Exports()) || !slices.Equal(loaded.Imports(), c.Imports()) {
		t.Fatalf("names differ: %v %v / %v %v", loaded.Exports(), loaded.Imports(), c.Exports(), c.Imports())
	}
	again, err := loaded.Serialize()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(again, artifact) {
		t.Fatal("a loaded component serializes to another artifact")
	}
	// It links like a compiled one: the missing import is named.
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
	var werr *Error
	if _, err := l.Instantiate(s, loaded); !errors.As(err, &werr) || werr.Kind != ErrorLink {
		t.Fatalf("Instantiate without imports = %v, want a link error", err)
	}
}

func TestRefusedArtifactsAreArtifactErrors(t *testing.T) {
	e := newEngine(t)
	artifact, err := compileKitchenSink(t, e).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	damaged := slices.Clone(artifact)
	damaged[len(damaged)/2] ^= 1
	for _, tc := range []struct {
		what  string
		input []byte
		want  string
	}{
		{"damaged", damaged, "checksum does not match"},
		{"truncated", artifact[:len(artifact)-100], "checksum does not match"},
		{"wasm", kitchenSink(t), "wasm binary, not a precompiled artifact"},
		{"garbage", []byte("garbage"), "not a weft artifact"},
		{"empty", nil, "not a weft artifact"},
	} {
		c, err := DeserializeComponent(e, tc.input)
		if c != nil {
			t.Fatalf("%s: got a component", tc.what)
		}
		wantArtifactError(t, tc.what, err, tc.want)
	}
	if ErrorArtifact.String() != "artifact" {
		t.Fatalf("ErrorArtifact.String() = %q", ErrorArtifact.String())
	}
}

func TestCacheDirServesASecondEngine(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nested", "cache")
	wasm := kitchenSink(t)
	load := func() bool {
		e, err := NewEngineWithConfig(EngineConfig{CacheDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		defer e.Close()
		c, err := NewComponent(e, wasm)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		return c.FromCache()
	}
	if load() {
		t.Fatal("cold cache: loaded from the cache")
	}
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 1 {
		t.Fatalf("cache entries = %v, %v; want one", entries, err)
	}
	if !load() {
		t.Fatal("warm cache: compiled again")
	}
	// The zero configuration has no cache.
	e, err := NewEngineWithConfig(EngineConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if compileKitchenSink(t, e).FromCache() {
		t.Fatal("no cache, yet from the cache")
	}
}

func TestDefaultCacheDirFollowsTheEnvironment(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("WEFT_NO_CACHE", "")
	t.Setenv("WEFT_CACHE_DIR", dir)
	if got := DefaultCacheDir(); got != dir {
		t.Fatalf("DefaultCacheDir() = %q, want %q", got, dir)
	}
	t.Setenv("WEFT_NO_CACHE", "0")
	if got := DefaultCacheDir(); got != dir {
		t.Fatalf("DefaultCacheDir() with WEFT_NO_CACHE=0 = %q, want %q", got, dir)
	}
	t.Setenv("WEFT_NO_CACHE", "1")
	if got := DefaultCacheDir(); got != "" {
		t.Fatalf("DefaultCacheDir() with WEFT_NO_CACHE=1 = %q, want none", got)
	}
	t.Setenv("WEFT_NO_CACHE", "")
	t.Setenv("WEFT_CACHE_DIR", "")
	t.Setenv("XDG_CACHE_HOME", filepath.Join(dir, "xdg"))
	if got, want := DefaultCacheDir(), filepath.Join(dir, "xdg", "weft"); got != want {
		t.Fatalf("DefaultCacheDir() = %q, want %q", got, want)
	}
}

func TestClosedObjectsRefuseArtifacts(t *testing.T) {
	e := newEngine(t)
	c, err := NewComponent(e, kitchenSink(t))
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	if _, err := c.Serialize(); !errors.Is(err, ErrClosed) {
		t.Fatalf("Serialize of a closed component = %v", err)
	}
	if c.FromCache() {
		t.Fatal("a closed component reports the cache")
	}
	closed, err := NewEngine()
	if err != nil {
		t.Fatal(err)
	}
	closed.Close()
	if _, err := DeserializeComponent(closed, []byte("x")); !errors.Is(err, ErrClosed) {
		t.Fatalf("DeserializeComponent with a closed engine = %v", err)
	}
}
