module weft.dev/bench/go

go 1.22

require (
	weft.dev/bench/calls v0.0.0
	weft.dev/go/weft v0.0.0
)

// The runtime package of this repository, and the package that
// bench/go/run.sh generates for bench/calls with `weft bindgen --lang go`.
replace (
	weft.dev/bench/calls => ../target/go/calls-go
	weft.dev/go/weft => ../../codegen-go/host
)
