#!/usr/bin/env bash
# Sets up weft, builds the `weft` command and shows what it does today:
# it resolves the WIT contract of a universal library and prints it, with
# the canonical ABI each function crosses the boundary with; then it builds
# the GraphQL toolkit (examples/graphql, Rust with #[weft::export]) into a
# component and calls it on weft's runtime: from the command line, from
# Python and from Go, through the packages `weft bindgen` generates.
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

echo
echo "== Python: weft bindgen --lang python, then examples/graphql/demo/demo.py"
venv="$PWD/target/tmp/demo-venv"
work="$PWD/target/tmp/demo"
mkdir -p "$work"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
pip_q=(--quiet --disable-pip-version-check)
"$venv/bin/pip" install "${pip_q[@]}" "maturin>=1.8,<2"
"$venv/bin/pip" install "${pip_q[@]}" --force-reinstall --no-deps ./codegen-python/host
rm -rf "$work/graphql-py"
"$weft" bindgen --lang python examples/graphql/wit --wasm target/graphql.component.wasm \
  -o "$work/graphql-py"
"$venv/bin/pip" install "${pip_q[@]}" --force-reinstall --no-deps "$work/graphql-py"
"$venv/bin/python" examples/graphql/demo/demo.py

echo
echo "== Go: weft bindgen --lang go, then examples/graphql/demo/go (go run)"
cargo build --release --locked --quiet -p weft-capi
rm -rf "$work/graphql-go"
"$weft" bindgen --lang go examples/graphql/wit --wasm target/graphql.component.wasm \
  --module weft.dev/demo/graphql -o "$work/graphql-go"
(cd examples/graphql/demo/go && go run .)
