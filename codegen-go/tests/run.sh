#!/usr/bin/env bash
# The Go side of weft, from scratch: weft-capi built as a static library
# (release), the kitchen-sink and weft-basics guests and the GraphQL
# example built from source and componentized, their Go packages made by
# `weft bindgen --lang go`; then gofmt, go vet and `go test -race` over
# the runtime package (codegen-go/host) and the end-to-end tests
# (codegen-go/tests/go), which import the generated packages.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
work="$root/target/tmp/go"
mkdir -p "$work"

echo "== weft-capi (release static library) and weft"
cargo build --release --locked -p weft-capi
cargo build --locked -p weft-cli
weft="$root/target/debug/weft"

echo "== kitchen-sink guest: build, componentize, bindgen --lang go"
cargo build --release --locked --target wasm32-unknown-unknown \
  --manifest-path guests/Cargo.toml --target-dir guests/target -p kitchen-sink
"$weft" componentize guests/target/wasm32-unknown-unknown/release/kitchen_sink.wasm \
  -o "$work/kitchen-sink.wasm"
rm -rf "$work/kitchensink"
"$weft" bindgen --lang go guests/kitchen-sink/wit --wasm "$work/kitchen-sink.wasm" \
  --module weft.dev/test/kitchensink -o "$work/kitchensink"

echo "== weft-basics guest (weft's guest macros): build, componentize, bindgen --lang go"
cargo build --release --locked --target wasm32-unknown-unknown \
  --manifest-path guests/Cargo.toml --target-dir guests/target -p weft-basics
"$weft" componentize guests/target/wasm32-unknown-unknown/release/weft_basics.wasm \
  -o "$work/weft-basics.wasm"
rm -rf "$work/basics"
"$weft" bindgen --lang go guests/weft-basics/wit --wasm "$work/weft-basics.wasm" \
  --module weft.dev/test/basics -o "$work/basics"

echo "== examples/graphql: build, bindgen --lang go"
WEFT="$weft" bash examples/graphql/build.sh "$work/graphql.component.wasm"
rm -rf "$work/graphql"
"$weft" bindgen --lang go examples/graphql/wit --wasm "$work/graphql.component.wasm" \
  --module weft.dev/test/graphql -o "$work/graphql"

echo "== gofmt -l (must print nothing)"
unformatted="$(gofmt -l codegen-go/host codegen-go/tests/go examples/graphql/demo/go "$work/kitchensink" "$work/basics" "$work/graphql")"
if [ -n "$unformatted" ]; then
  echo "not gofmt-formatted:"; echo "$unformatted"; exit 1
fi

export WEFT_TEST_KITCHEN_SINK="$work/kitchen-sink.wasm"
# The generated packages' New keeps compiled code in weft's default cache:
# here a fresh one of the run's own, not the user's.
export WEFT_CACHE_DIR="$work/cache"
unset WEFT_NO_CACHE
rm -rf "$WEFT_CACHE_DIR"
export WEFT_TEST_GRAPHQL_CORPUS="$root/examples/graphql/corpus"
for module in codegen-go/host "$work/kitchensink" "$work/basics" "$work/graphql" codegen-go/tests/go; do
  echo "== go vet: $module"
  (cd "$module" && go vet ./...)
done
for module in codegen-go/host codegen-go/tests/go; do
  echo "== go test -race: $module"
  (cd "$module" && go test -race -count=1 ./...)
done

echo "== the demo's Go program (examples/graphql/demo/go), as scripts/demo.sh runs it"
rm -rf "$root/target/tmp/demo/graphql-go"
"$weft" bindgen --lang go examples/graphql/wit --wasm "$work/graphql.component.wasm" \
  --module weft.dev/demo/graphql -o "$root/target/tmp/demo/graphql-go"
demo_out="$(cd examples/graphql/demo/go && go vet . && go run .)"
echo "$demo_out"
grep -q '^data: {"book":{"title":"Foundation"' <<<"$demo_out"
