#!/usr/bin/env bash
# Sets up weft, builds the `weft` command and shows what it does today:
# it resolves the WIT contract of a universal library and prints it, with
# the canonical ABI each function crosses the boundary with; then it builds
# the GraphQL toolkit (examples/graphql, Rust with #[weft::export]) into a
# component and calls it on weft's runtime.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh >/dev/null
cargo build --release --locked --quiet -p weft-cli
weft="$PWD/target/release/weft"

echo "== weft wit examples/text-kit/wit   (the resolved contract)"
"$weft" wit examples/text-kit/wit
echo
echo "== weft wit --abi examples/text-kit/wit   (how each value crosses the boundary)"
"$weft" wit --abi examples/text-kit/wit
echo
echo "== weft wit on invalid WIT: a clear error, exit status 1"
bad=$(mktemp -d)/bad.wit
printf 'package demo:bad;\n\ninterface broken {\n  area: func(s: shape) -> f64;\n}\n' > "$bad"
if "$weft" wit "$bad"; then
  echo "demo: invalid WIT was accepted" >&2
  exit 1
fi

echo
echo "== examples/graphql: a GraphQL toolkit in Rust, built into a component"
WEFT="$weft" bash examples/graphql/build.sh "$PWD/target/graphql.component.wasm"
echo
echo "== weft run: graphql.parse on a valid query"
"$weft" run target/graphql.component.wasm \
  --invoke 'graphql.parse("query Book($id: ID!) { book(id: $id) { title ...Who } } fragment Who on Book { author { name } }")'
echo
echo "== weft run: graphql.parse on a query with a syntax error (an error record with its position)"
"$weft" run target/graphql.component.wasm --invoke 'graphql.parse("{ book(id: 1) { title }")'
