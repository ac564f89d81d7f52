// Command graphql-go uses the GraphQL toolkit from Go: the component built
// from examples/graphql, through the package `weft bindgen --lang go`
// made. Run by scripts/demo.sh.
package main

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"weft.dev/demo/graphql"
	"weft.dev/go/weft"
)

const (
	query = `query Book { book(id: "b2") { title author { name } } }`
	typo  = `{ book(id: "b2") { titel } }`
)

func main() {
	corpus := filepath.Join("..", "..", "corpus")
	sdl, err := os.ReadFile(filepath.Join(corpus, "schemas", "library.graphql"))
	if err != nil {
		log.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(corpus, "data", "library.json"))
	if err != nil {
		log.Fatal(err)
	}
	toolkit, err := graphql.New()
	if err != nil {
		log.Fatal(err)
	}
	defer toolkit.Close()

	schema, err := toolkit.Graphql().SchemaParse(string(sdl))
	if err != nil {
		log.Fatal(err)
	}
	defer schema.Close()
	types, err := schema.Types()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("types:", len(types))

	err = schema.Validate(typo)
	if errs, ok := weft.ErrorValue[[]graphql.GqlError](err); ok {
		for _, e := range errs {
			where := "?"
			for i, loc := range e.Locations {
				if i == 0 {
					where = ""
				} else {
					where += ", "
				}
				where += fmt.Sprintf("%d:%d", loc.Line, loc.Column)
			}
			fmt.Printf("invalid at %s: %s\n", where, e.Message)
		}
	} else if err != nil {
		log.Fatal(err)
	}

	normalized, err := schema.Normalize(query, graphql.NormalizeOptions{Style: graphql.PrintStyleCompact})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("normalized:", normalized)

	response, err := schema.Execute(graphql.Request{Query: query}, string(data))
	if err != nil {
		log.Fatal(err)
	}
	if out, ok := response.Data.Get(); ok {
		fmt.Println("data:", out)
	}
}
