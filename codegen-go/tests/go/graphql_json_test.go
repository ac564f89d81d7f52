package weftests

// The GraphQL corpus (examples/graphql/corpus) and the Go values of the
// generated package written as the JSON of corpus/expected: records as
// objects with the WIT field names, enum cases as strings, variant cases
// as {"case": payload}, options as the value or null, results as
// {"ok": value} or {"err": [gql-error, ...]} (corpus/README.md).
//
// Every type has its own converter, written out field by field: a field
// left out, renamed or mistyped shows up as a difference from the
// expected file, never as something a reflective encoder papers over.
// Numbers are float64 and lists are non-nil []any, as encoding/json
// decodes the expected files.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"weft.dev/go/weft"
	gql "weft.dev/test/graphql"
)

// ---- the corpus --------------------------------------------------------

// graphqlCorpus is corpus/cases.json with the files it names read in.
type graphqlCorpus struct {
	dir     string
	schemas []*graphqlSchemaCase
	queries []*graphqlQueryCase
}

// graphqlSchemaCase is a schema of the corpus.
type graphqlSchemaCase struct {
	Name   string          `json:"name"`
	SDL    string          `json:"sdl"`
	Data   *string         `json:"data"`
	Expect json.RawMessage `json:"expect"`

	sdlText  string // the SDL file's text
	dataText string // the data file's text, for valid schemas
	valid    bool   // expect.valid
	expected any    // expected/schemas/<name>.json
}

// graphqlQueryCase is a query of the corpus and how it is run.
type graphqlQueryCase struct {
	ID            string          `json:"id"`
	Schema        string          `json:"schema"`
	Query         string          `json:"query"`
	Operation     *string         `json:"operation"`
	Variables     json.RawMessage `json:"variables"`
	VariablesText *string         `json:"variables_text"`
	DataText      *string         `json:"data_text"`
	Expect        json.RawMessage `json:"expect"`

	queryText string              // the query file's text
	variables weft.Option[string] // the request's variables
	data      string              // the data execute runs on
	expected  any                 // expected/<id>.json
}

// graphqlCorpusDir is $WEFT_TEST_GRAPHQL_CORPUS, or the example's corpus
// in this checkout.
func graphqlCorpusDir() string {
	if dir := os.Getenv("WEFT_TEST_GRAPHQL_CORPUS"); dir != "" {
		return dir
	}
	return filepath.Join("..", "..", "..", "examples", "graphql", "corpus")
}

// loadGraphqlCorpus reads the manifest, every file it names and every
// expected answer. Fields of the manifest this test does not know are
// an error, so that a new way of running a case is never ignored.
func loadGraphqlCorpus(dir string) (*graphqlCorpus, error) {
	read := func(relative string) (string, error) {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(relative)))
		return string(b), err
	}
	manifest, err := read("cases.json")
	if err != nil {
		return nil, err
	}
	var m struct {
		About   string               `json:"about"`
		Schemas []*graphqlSchemaCase `json:"schemas"`
		Queries []*graphqlQueryCase  `json:"queries"`
	}
	dec := json.NewDecoder(strings.NewReader(manifest))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("cases.json: %w", err)
	}
	c := &graphqlCorpus{dir: dir, schemas: m.Schemas, queries: m.Queries}
	byName := map[string]*graphqlSchemaCase{}
	for _, s := range c.schemas {
		if byName[s.Name] != nil {
			return nil, fmt.Errorf("schema %q twice in cases.json", s.Name)
		}
		byName[s.Name] = s
		var expect struct {
			Valid *bool `json:"valid"`
		}
		if err := json.Unmarshal(s.Expect, &expect); err != nil || expect.Valid == nil {
			return nil, fmt.Errorf("schema %s: expect.valid missing (%v)", s.Name, err)
		}
		s.valid = *expect.Valid
		if s.sdlText, err = read(s.SDL); err != nil {
			return nil, err
		}
		if s.valid {
			if s.Data == nil {
				return nil, fmt.Errorf("schema %s: a valid schema has data", s.Name)
			}
			if s.dataText, err = read(*s.Data); err != nil {
				return nil, err
			}
		}
		if s.expected, err = readExpected(dir, "schemas/"+s.Name); err != nil {
			return nil, err
		}
	}
	ids := map[string]bool{}
	for _, q := range c.queries {
		if ids[q.ID] {
			return nil, fmt.Errorf("query %q twice in cases.json", q.ID)
		}
		ids[q.ID] = true
		s := byName[q.Schema]
		if s == nil || !s.valid {
			return nil, fmt.Errorf("%s: no valid schema %q", q.ID, q.Schema)
		}
		if q.queryText, err = read(q.Query); err != nil {
			return nil, err
		}
		// As the Rust test's QueryCase::request: the text as given, else
		// the value's JSON text as serde_json writes it.
		switch {
		case q.VariablesText != nil:
			q.variables = weft.Some(*q.VariablesText)
		case q.Variables != nil:
			text, err := serdeJSONText(q.Variables)
			if err != nil {
				return nil, fmt.Errorf("%s: variables: %w", q.ID, err)
			}
			q.variables = weft.Some(text)
		}
		if q.DataText != nil {
			q.data = *q.DataText
		} else {
			q.data = s.dataText
		}
		if q.expected, err = readExpected(dir, q.ID); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// readExpected decodes expected/<name>.json.
func readExpected(dir, name string) (any, error) {
	b, err := os.ReadFile(filepath.Join(dir, "expected", filepath.FromSlash(name)+".json"))
	if err != nil {
		return nil, err
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, fmt.Errorf("expected/%s.json: %w", name, err)
	}
	return v, nil
}

// serdeJSONText writes a JSON value as serde_json::Value's to_string
// does (the Rust test passes variables so): no spaces, object keys
// sorted (serde_json without `preserve_order` keeps objects in a
// BTreeMap), strings with only '"', '\\' and control characters
// escaped. Integers are written as read; floats, whose text serde_json
// rewrites, are refused rather than guessed at.
func serdeJSONText(raw json.RawMessage) (string, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return "", err
	}
	var b strings.Builder
	if err := writeSerdeJSON(&b, v); err != nil {
		return "", err
	}
	return b.String(), nil
}

func writeSerdeJSON(b *strings.Builder, v any) error {
	switch v := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(v))
	case json.Number:
		text := string(v)
		if _, err := strconv.ParseInt(text, 10, 64); err == nil {
			b.WriteString(text)
		} else if _, err := strconv.ParseUint(text, 10, 64); err == nil {
			b.WriteString(text)
		} else {
			return fmt.Errorf("number %s: serde_json's text for it is not reproduced here", text)
		}
	case string:
		writeSerdeString(b, v)
	case []any:
		b.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := writeSerdeJSON(b, e); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys) // byte order, as Rust's String ordering
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			writeSerdeString(b, k)
			b.WriteByte(':')
			if err := writeSerdeJSON(b, v[k]); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	default:
		return fmt.Errorf("unexpected %T", v)
	}
	return nil
}

func writeSerdeString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\f':
			b.WriteString(`\f`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20:
			fmt.Fprintf(b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
}

// ---- Go values as the expected JSON --------------------------------------

// errGraphqlRuntime marks a failure that is not the WIT function's err
// case: a trap, a lifting error, a closed instance. It fails the test.
var errGraphqlRuntime = errors.New("runtime failure")

// graphqlOutcome is a result: {"ok": ok()} when err is nil, {"err": [...]}
// when err is the WIT err case (list<gql-error>), and an error otherwise.
func graphqlOutcome(err error, ok func() any) (any, error) {
	if err == nil {
		return map[string]any{"ok": ok()}, nil
	}
	var re *weft.ResultError[[]gql.GqlError]
	if errors.As(err, &re) {
		return map[string]any{"err": gqlErrorsJSON(re.Value)}, nil
	}
	return nil, fmt.Errorf("%w: %v", errGraphqlRuntime, err)
}

func optionJSON[T any](o weft.Option[T], f func(T) any) any {
	if v, ok := o.Get(); ok {
		return f(v)
	}
	return nil
}

func stringJSON(s string) any { return s }

func u32JSON(n uint32) any { return float64(n) }

func stringsJSON(items []string) []any {
	out := make([]any, 0, len(items))
	for _, s := range items {
		out = append(out, s)
	}
	return out
}

func locationJSON(l gql.Location) any {
	return map[string]any{"line": u32JSON(l.Line), "column": u32JSON(l.Column)}
}

func errorKindJSON(k gql.ErrorKind) any {
	switch k {
	case gql.ErrorKindSyntax:
		return "syntax"
	case gql.ErrorKindValidation:
		return "validation"
	case gql.ErrorKindRequest:
		return "request"
	case gql.ErrorKindField:
		return "field"
	case gql.ErrorKindJSON:
		return "json"
	}
	return fmt.Sprintf("<invalid error-kind %d>", uint8(k))
}

func pathSegmentJSON(p gql.PathSegment) any {
	switch p := p.(type) {
	case gql.PathSegmentField:
		return map[string]any{"field": p.Value}
	case gql.PathSegmentIndex:
		return map[string]any{"index": u32JSON(p.Value)}
	}
	return fmt.Sprintf("<unexpected path-segment %T>", p)
}

func gqlErrorJSON(e gql.GqlError) any {
	path := make([]any, 0, len(e.Path))
	for _, p := range e.Path {
		path = append(path, pathSegmentJSON(p))
	}
	locations := make([]any, 0, len(e.Locations))
	for _, l := range e.Locations {
		locations = append(locations, locationJSON(l))
	}
	return map[string]any{
		"kind":      errorKindJSON(e.Kind),
		"message":   e.Message,
		"locations": locations,
		"path":      path,
	}
}

func gqlErrorsJSON(errs []gql.GqlError) []any {
	out := make([]any, 0, len(errs))
	for _, e := range errs {
		out = append(out, gqlErrorJSON(e))
	}
	return out
}

func operationKindJSON(k gql.OperationKind) any {
	switch k {
	case gql.OperationKindQuery:
		return "query"
	case gql.OperationKindMutation:
		return "mutation"
	case gql.OperationKindSubscription:
		return "subscription"
	}
	return fmt.Sprintf("<invalid operation-kind %d>", uint8(k))
}

func inputValueJSON(v gql.InputValue) any {
	return map[string]any{
		"name":          v.Name,
		"type-ref":      v.TypeRef,
		"default-value": optionJSON(v.DefaultValue, stringJSON),
		"description":   optionJSON(v.Description, stringJSON),
	}
}

func inputValuesJSON(vs []gql.InputValue) []any {
	out := make([]any, 0, len(vs))
	for _, v := range vs {
		out = append(out, inputValueJSON(v))
	}
	return out
}

func documentSummaryJSON(d gql.DocumentSummary) any {
	ops := make([]any, 0, len(d.Operations))
	for _, op := range d.Operations {
		ops = append(ops, map[string]any{
			"name":             optionJSON(op.Name, stringJSON),
			"kind":             operationKindJSON(op.Kind),
			"variables":        inputValuesJSON(op.Variables),
			"root-fields":      stringsJSON(op.RootFields),
			"fragment-spreads": stringsJSON(op.FragmentSpreads),
			"depth":            u32JSON(op.Depth),
			"location":         optionJSON(op.Location, locationJSON),
		})
	}
	frags := make([]any, 0, len(d.Fragments))
	for _, f := range d.Fragments {
		frags = append(frags, map[string]any{
			"name":             f.Name,
			"type-condition":   f.TypeCondition,
			"fragment-spreads": stringsJSON(f.FragmentSpreads),
			"depth":            u32JSON(f.Depth),
			"location":         optionJSON(f.Location, locationJSON),
		})
	}
	return map[string]any{"operations": ops, "fragments": frags}
}

func typeKindJSON(k gql.TypeKind) any {
	switch k {
	case gql.TypeKindScalar:
		return "scalar"
	case gql.TypeKindObject:
		return "object"
	case gql.TypeKindInterface:
		return "interface"
	case gql.TypeKindUnion:
		return "union"
	case gql.TypeKindEnum:
		return "enum"
	case gql.TypeKindInputObject:
		return "input-object"
	}
	return fmt.Sprintf("<invalid type-kind %d>", uint8(k))
}

func fieldInfoJSON(f gql.FieldInfo) any {
	return map[string]any{
		"name":        f.Name,
		"type-ref":    f.TypeRef,
		"arguments":   inputValuesJSON(f.Arguments),
		"description": optionJSON(f.Description, stringJSON),
		"deprecation": optionJSON(f.Deprecation, stringJSON),
	}
}

func typeInfoJSON(t gql.TypeInfo) any {
	fields := make([]any, 0, len(t.Fields))
	for _, f := range t.Fields {
		fields = append(fields, fieldInfoJSON(f))
	}
	return map[string]any{
		"name":         t.Name,
		"kind":         typeKindJSON(t.Kind),
		"description":  optionJSON(t.Description, stringJSON),
		"fields":       fields,
		"input-fields": inputValuesJSON(t.InputFields),
		"interfaces":   stringsJSON(t.Interfaces),
		"members":      stringsJSON(t.Members),
		"values":       stringsJSON(t.Values),
	}
}

func typeInfosJSON(ts []gql.TypeInfo) []any {
	out := make([]any, 0, len(ts))
	for _, t := range ts {
		out = append(out, typeInfoJSON(t))
	}
	return out
}

func responseJSON(r gql.Response) any {
	return map[string]any{
		"data":   optionJSON(r.Data, stringJSON),
		"errors": gqlErrorsJSON(r.Errors),
	}
}

// ---- comparing -----------------------------------------------------------

// firstJSONDiff gives the first place, in a stable order, where the
// decoded JSON trees want and got differ, as "path: want X, got Y"; ""
// when they are equal.
func firstJSONDiff(path string, want, got any) string {
	if reflect.DeepEqual(want, got) {
		return ""
	}
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			break
		}
		keys := map[string]bool{}
		for k := range w {
			keys[k] = true
		}
		for k := range g {
			keys[k] = true
		}
		sorted := make([]string, 0, len(keys))
		for k := range keys {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		for _, k := range sorted {
			wv, inW := w[k]
			gv, inG := g[k]
			p := path + "." + k
			switch {
			case !inG:
				return fmt.Sprintf("%s: want %s, got no such key", p, showJSON(wv))
			case !inW:
				return fmt.Sprintf("%s: want no such key, got %s", p, showJSON(gv))
			}
			if d := firstJSONDiff(p, wv, gv); d != "" {
				return d
			}
		}
	case []any:
		g, ok := got.([]any)
		if !ok {
			break
		}
		for i := 0; i < len(w) && i < len(g); i++ {
			if d := firstJSONDiff(fmt.Sprintf("%s[%d]", path, i), w[i], g[i]); d != "" {
				return d
			}
		}
		if len(w) != len(g) {
			return fmt.Sprintf("%s: want %d items, got %d", path, len(w), len(g))
		}
	}
	return fmt.Sprintf("%s: want %s, got %s", path, showJSON(want), showJSON(got))
}

// showJSON renders a value for a message, cut short when long.
func showJSON(v any) string {
	var b []byte
	var err error
	if s, ok := v.(string); ok {
		b = []byte(strconv.Quote(s))
	} else if b, err = json.Marshal(v); err != nil {
		return fmt.Sprintf("%#v", v)
	}
	const max = 300
	if len(b) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(b[cut]) {
			cut--
		}
		return string(b[:cut]) + fmt.Sprintf("... (%d bytes)", len(b))
	}
	return string(b)
}
