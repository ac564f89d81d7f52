#!/usr/bin/env bash
# Builds the GraphQL toolkit's component in one step: the core module for
# wasm32-unknown-unknown (from this directory, so that .cargo/config.toml
# applies), then `weft componentize`.
#
#   bash examples/graphql/build.sh [OUT]   (default: target/graphql.component.wasm here)
#
# WEFT names a weft binary to use; otherwise the repository's is built
# and run with cargo.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/target/graphql.component.wasm}"
cd "$here"
cargo build --release --locked --target wasm32-unknown-unknown
module="$here/target/wasm32-unknown-unknown/release/graphql.wasm"
if [[ -n "${WEFT:-}" ]]; then
  "$WEFT" componentize "$module" -o "$out"
else
  cargo run --quiet --locked --manifest-path "$here/../../Cargo.toml" -p weft-cli -- \
    componentize "$module" -o "$out"
fi
