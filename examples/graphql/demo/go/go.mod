module weft.dev/demo/graphql-go

go 1.22

require (
	weft.dev/demo/graphql v0.0.0
	weft.dev/go/weft v0.0.0
)

// The runtime package of this repository, and the package scripts/demo.sh
// generates with `weft bindgen --lang go`.
replace (
	weft.dev/demo/graphql => ../../../../target/tmp/demo/graphql-go
	weft.dev/go/weft => ../../../../codegen-go/host
)
