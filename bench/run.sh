#!/usr/bin/env bash
# Builds and runs the weft-vs-wasmtime benchmarks with one command:
#
#   bash bench/run.sh            # everything (about 3 minutes once built)
#   bash bench/run.sh --quick    # fewer repetitions, a smoke test
#   bash bench/run.sh --only run # one section: compile, run or call
#
# The runner builds bench/kernels and bench/big for wasm32-unknown-unknown
# itself, then prints a Markdown table of weft and wasmtime times and their
# ratios. Close other work first: both engines compile on every core, and
# every figure is a median of runs that alternate between the two engines.
set -euo pipefail
cd "$(dirname "$0")"

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    rustup target add wasm32-unknown-unknown
fi
cargo build --release -p weft-bench-runner
exec ./target/release/weft-bench "$@"
