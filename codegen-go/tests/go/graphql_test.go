package weftests

// The GraphQL example's component (examples/graphql), called from Go
// through the package `weft bindgen --lang go` generates, must answer
// exactly what the native Rust crate (graphql-kit) answers on the shared
// corpus: corpus/expected holds the native answers, and the calls here
// are those of examples/graphql/tests/native_and_component.rs:
//
//   - every schema: schema.parse(sdl); for one that parses, sdl(),
//     types() and lookup of "Query", "String" and "Missing";
//   - every query, on its (valid) schema parsed once per instance:
//     graphql.parse(query), schema.validate(query), schema.normalize in
//     the pretty and the compact style with the case's operation, and
//     schema.execute({query, operation, variables}, data).
//
// The corpus is $WEFT_TEST_GRAPHQL_CORPUS, or examples/graphql/corpus.

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"weft.dev/go/weft"
	gql "weft.dev/test/graphql"
)

// graphqlLookups are the names lookup is asked for on every valid schema:
// a type of the schema, a built-in one, and one that is not there.
var graphqlLookups = []string{"Query", "String", "Missing"}

// graphqlMinQueries is how many queries the corpus has at least.
const graphqlMinQueries = 110

// graphqlRun is what one run over the corpus compared.
type graphqlRun struct {
	schemas    int      // schema cases compared
	queries    int      // query cases compared
	calls      int      // calls into the component compared
	mismatches []string // "case: path: want X, got Y", in corpus order
}

// runGraphqlCorpus runs every case of c on tk and compares the answers
// with the expected ones. A mismatch is recorded and the run goes on; a
// runtime failure (anything but a WIT err case) ends it with an error.
// It does not touch a testing.T, so that goroutines can run it.
func runGraphqlCorpus(c *graphqlCorpus, tk *gql.Toolkit) (run graphqlRun, err error) {
	g := tk.Graphql()
	compare := func(what string, want, got any) {
		if d := firstJSONDiff("$", want, got); d != "" {
			run.mismatches = append(run.mismatches, what+": "+d)
		}
	}
	fail := func(what string, err error) error {
		return fmt.Errorf("%s: %w", what, err)
	}

	for _, sc := range c.schemas {
		what := "schema " + sc.Name
		s, err := g.SchemaParse(sc.sdlText)
		run.calls++
		parse, err := graphqlOutcome(err, func() any { return nil })
		if err != nil {
			return run, fail(what+": parse", err)
		}
		got := map[string]any{"parse": parse}
		if s != nil {
			sdl, err := s.Sdl()
			if err != nil {
				return run, fail(what+": sdl", fmt.Errorf("%w: %v", errGraphqlRuntime, err))
			}
			types, err := s.Types()
			if err != nil {
				return run, fail(what+": types", fmt.Errorf("%w: %v", errGraphqlRuntime, err))
			}
			got["parse"] = map[string]any{"ok": map[string]any{
				"sdl":   sdl,
				"types": typeInfosJSON(types),
			}}
			lookups := map[string]any{}
			for _, name := range graphqlLookups {
				info, err := s.Lookup(name)
				if err != nil {
					return run, fail(what+": lookup "+name, fmt.Errorf("%w: %v", errGraphqlRuntime, err))
				}
				lookups[name] = optionJSON(info, typeInfoJSON)
			}
			got["lookup"] = lookups
			run.calls += 2 + len(graphqlLookups)
			if err := s.Close(); err != nil {
				return run, fail(what+": close", err)
			}
		}
		compare(what, sc.expected, got)
		run.schemas++
	}

	schemas := map[string]*gql.Schema{}
	defer func() {
		for _, s := range schemas {
			s.Close()
		}
	}()
	for _, sc := range c.schemas {
		if !sc.valid {
			continue
		}
		s, err := g.SchemaParse(sc.sdlText)
		if err != nil {
			return run, fail("schema "+sc.Name+": parse", err)
		}
		schemas[sc.Name] = s
	}

	for _, q := range c.queries {
		s := schemas[q.Schema]
		var operation weft.Option[string]
		if q.Operation != nil {
			operation = weft.Some(*q.Operation)
		}
		got := map[string]any{}
		var err error

		summary, callErr := g.Parse(q.queryText)
		if got["parse"], err = graphqlOutcome(callErr, func() any { return documentSummaryJSON(summary) }); err != nil {
			return run, fail(q.ID+": parse", err)
		}

		callErr = s.Validate(q.queryText)
		if got["validate"], err = graphqlOutcome(callErr, func() any { return nil }); err != nil {
			return run, fail(q.ID+": validate", err)
		}

		normalize := map[string]any{}
		for _, style := range []struct {
			name  string
			style gql.PrintStyle
		}{{"pretty", gql.PrintStylePretty}, {"compact", gql.PrintStyleCompact}} {
			text, callErr := s.Normalize(q.queryText, gql.NormalizeOptions{Style: style.style, OperationName: operation})
			if normalize[style.name], err = graphqlOutcome(callErr, func() any { return text }); err != nil {
				return run, fail(q.ID+": normalize "+style.name, err)
			}
		}
		got["normalize"] = normalize

		response, callErr := s.Execute(gql.Request{Query: q.queryText, OperationName: operation, Variables: q.variables}, q.data)
		if got["execute"], err = graphqlOutcome(callErr, func() any { return responseJSON(response) }); err != nil {
			return run, fail(q.ID+": execute", err)
		}

		run.calls += 5
		compare(q.ID, q.expected, got)
		run.queries++
	}
	return run, nil
}

// checkGraphqlRun fails t if the run failed, mismatched, or left cases out.
func checkGraphqlRun(t *testing.T, who string, c *graphqlCorpus, run graphqlRun, err error) {
	t.Helper()
	for _, m := range run.mismatches {
		t.Errorf("%s: %s", who, m)
	}
	if err != nil {
		t.Errorf("%s: %v", who, err)
		return
	}
	if run.schemas != len(c.schemas) {
		t.Errorf("%s: compared %d schemas of %d", who, run.schemas, len(c.schemas))
	}
	if run.queries != len(c.queries) || run.queries < graphqlMinQueries {
		t.Errorf("%s: compared %d queries of %d (at least %d wanted)",
			who, run.queries, len(c.queries), graphqlMinQueries)
	}
}

func TestGraphqlCorpusAgreesWithNative(t *testing.T) {
	started := time.Now()
	c, err := loadGraphqlCorpus(graphqlCorpusDir())
	if err != nil {
		t.Fatalf("loading the corpus: %v", err)
	}
	valid := 0
	for _, s := range c.schemas {
		if s.valid {
			valid++
		}
	}
	if valid < 3 || len(c.schemas) == valid || len(c.queries) < graphqlMinQueries {
		t.Fatalf("corpus %s: %d schemas (%d valid), %d queries", c.dir, len(c.schemas), valid, len(c.queries))
	}
	t.Logf("corpus %s: %d schemas (%d valid), %d queries, loaded in %v",
		c.dir, len(c.schemas), valid, len(c.queries), time.Since(started).Round(time.Millisecond))

	t.Run("one-instance", func(t *testing.T) {
		started := time.Now()
		tk, err := gql.New()
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		defer tk.Close()
		made := time.Since(started)
		run, err := runGraphqlCorpus(c, tk)
		checkGraphqlRun(t, "instance", c, run, err)
		t.Logf("%d schemas and %d queries compared (%d calls, %d mismatches); instance in %v, corpus in %v",
			run.schemas, run.queries, run.calls, len(run.mismatches),
			made.Round(time.Millisecond), (time.Since(started) - made).Round(time.Millisecond))
	})

	// Each goroutine has its own instance (its own store); they share the
	// compiled component. Under -race this checks the generated package
	// and the runtime for data races between instances.
	t.Run("goroutines", func(t *testing.T) {
		const workers = 4
		started := time.Now()
		var wg sync.WaitGroup
		runs := make([]graphqlRun, workers)
		errs := make([]error, workers)
		for i := 0; i < workers; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				tk, err := gql.New()
				if err != nil {
					errs[i] = fmt.Errorf("New: %w", err)
					return
				}
				defer tk.Close()
				runs[i], errs[i] = runGraphqlCorpus(c, tk)
			}(i)
		}
		wg.Wait()
		calls := 0
		for i := range runs {
			checkGraphqlRun(t, fmt.Sprintf("goroutine %d", i), c, runs[i], errs[i])
			calls += runs[i].calls
		}
		t.Logf("%d goroutines, %d calls compared in all, in %v",
			workers, calls, time.Since(started).Round(time.Millisecond))
	})
}

// The comparison itself: it must see a difference anywhere in a tree,
// and name where; and the variables' text must be serde_json's.
func TestGraphqlComparisonFindsDifferences(t *testing.T) {
	want := map[string]any{
		"execute": map[string]any{"ok": map[string]any{
			"data":   "{}",
			"errors": []any{map[string]any{"location": nil, "path": []any{map[string]any{"index": 3.0}}}},
		}},
	}
	same := map[string]any{
		"execute": map[string]any{"ok": map[string]any{
			"data":   "{}",
			"errors": []any{map[string]any{"location": nil, "path": []any{map[string]any{"index": 3.0}}}},
		}},
	}
	if d := firstJSONDiff("$", want, same); d != "" {
		t.Errorf("equal trees differ: %s", d)
	}
	cases := []struct {
		got  any
		diff string
	}{
		{map[string]any{"execute": map[string]any{"ok": map[string]any{
			"data":   "{}",
			"errors": []any{map[string]any{"location": nil, "path": []any{map[string]any{"index": 4.0}}}},
		}}}, "$.execute.ok.errors[0].path[0].index: want 3, got 4"},
		{map[string]any{"execute": map[string]any{"ok": map[string]any{
			"data":   nil,
			"errors": []any{map[string]any{"location": nil, "path": []any{map[string]any{"index": 3.0}}}},
		}}}, `$.execute.ok.data: want "{}", got null`},
		{map[string]any{"execute": map[string]any{"ok": map[string]any{
			"data":   "{}",
			"errors": []any{},
		}}}, "$.execute.ok.errors: want 1 items, got 0"},
		{map[string]any{"execute": map[string]any{"ok": map[string]any{
			"data":   "{}",
			"errors": []any(nil),
		}}}, "$.execute.ok.errors: want 1 items, got 0"},
		{map[string]any{"execute": map[string]any{"ok": map[string]any{
			"data": "{}",
		}}}, "$.execute.ok.errors: want [{\"location\":null,\"path\":[{\"index\":3}]}], got no such key"},
	}
	for _, tc := range cases {
		if d := firstJSONDiff("$", want, tc.got); d != tc.diff {
			t.Errorf("diff %q, want %q", d, tc.diff)
		}
	}
	// A nil list is not an empty one: converters must make [] for [].
	if firstJSONDiff("$", []any{}, []any(nil)) == "" {
		t.Errorf("[] and a nil list compare equal")
	}

	for in, want := range map[string]string{
		`{"review": {"stars": 5, "commentary": "a \"b\"\n"}, "ep": "JEDI"}`: `{"ep":"JEDI","review":{"commentary":"a \"b\"\n","stars":5}}`,
		`{"sku": 42, "x": [1, -2, null, true], "<&>": "é\u00e9"}`:           `{"<&>":"éé","sku":42,"x":[1,-2,null,true]}`,
		`{}`: `{}`,
	} {
		got, err := serdeJSONText([]byte(in))
		if err != nil || got != want {
			t.Errorf("serdeJSONText(%s) = %s, %v; want %s", in, got, err, want)
		}
	}
	if _, err := serdeJSONText([]byte(`{"x": 1.5}`)); err == nil {
		t.Errorf("a float is not refused")
	}
}
