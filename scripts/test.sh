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
