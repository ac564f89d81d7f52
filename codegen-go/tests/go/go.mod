module weft.dev/go/weft-tests

go 1.22

require (
	weft.dev/go/weft v0.0.0
	weft.dev/test/basics v0.0.0
	weft.dev/test/graphql v0.0.0
	weft.dev/test/kitchensink v0.0.0
)

// The runtime package of this repository, and the packages that
// codegen-go/tests/run.sh generates with `weft bindgen --lang go`.
replace (
	weft.dev/go/weft => ../../host
	weft.dev/test/basics => ../../../target/tmp/go/basics
	weft.dev/test/graphql => ../../../target/tmp/go/graphql
	weft.dev/test/kitchensink => ../../../target/tmp/go/kitchensink
)
