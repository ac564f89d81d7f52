#!/usr/bin/env bash
# Sets up and runs every test of weft: formatting, lints, and the test
# suites of every crate (unit tests, the canonical ABI table, the WIT
# corpus of ../shared/testsuite run through the `weft` binary).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo test"
cargo test --workspace --locked
echo "== examples/graphql (its own workspace: the component against the native crate)"
cargo fmt --manifest-path examples/graphql/Cargo.toml -p graphql-component -p graphql-kit -- --check
cargo clippy --manifest-path examples/graphql/Cargo.toml --all-targets --locked -- -D warnings
cargo test --manifest-path examples/graphql/Cargo.toml --locked
echo "== codegen-python/host: the weft Python module (maturin), kitchen-sink bindings under pytest"
bash codegen-python/host/tests/run.sh
echo "== codegen-go: the weft Go package (cgo over weft-capi), generated kitchen-sink and GraphQL packages under go vet and go test -race"
bash codegen-go/tests/run.sh
