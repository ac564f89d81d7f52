#!/usr/bin/env bash
# The component-call benchmark from Go: the bench/calls guest called through
# the package `weft bindgen --lang go` generates for it, beside the same
# calls on weft's Rust typed API (`weft-bench --only component-typed`), the
# two run in alternation as separate processes; prints a Markdown table with
# the ratios and the issue's targets (Go within 2x of Rust on the data
# calls, a Go noop() under 150 ns).
#
#   bash bench/go/run.sh              # full run (a few seconds once built)
#   bash bench/go/run.sh --quick      # shorter batches, one round: a smoke test
#   bash bench/go/run.sh --rounds N   # N rounds of Go then Rust (5)
#
# Each round runs the Go program, then the Rust runner, each timing every
# call in 3 batches; the table gives the median of the batches of all
# rounds. Everything goes under bench/target: the guest (wasm/), the
# component, the generated Go package and the Go program (go/). weft-capi
# (release, the static library the Go package links) and the weft CLI are
# built in the root workspace (target/), the runner in the bench workspace.
set -euo pipefail
bench="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$bench/.." && pwd)"
cd "$root"

quick=()
rounds=5
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=(--quick); rounds=1 ;;
    --rounds) rounds="${2:?--rounds takes a number}"; shift ;;
    *) echo "usage: bash bench/go/run.sh [--quick] [--rounds N]" >&2; exit 2 ;;
  esac
  shift
done
batches=3
work="$bench/target/go"
mkdir -p "$work"

echo "== bench/calls: build for wasm32-unknown-unknown, componentize" >&2
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi
# The same build as bench/runner's and bench/python's (bench/target/wasm).
cargo build --release --target wasm32-unknown-unknown \
  --manifest-path bench/calls/Cargo.toml --target-dir bench/target/wasm
cargo build --release --locked -p weft-capi
cargo build --locked -p weft-cli
weft="$root/target/debug/weft"
"$weft" componentize bench/target/wasm/wasm32-unknown-unknown/release/weft_bench_calls.wasm \
  -o "$work/calls.component.wasm"

echo "== weft bindgen --lang go, go build" >&2
rm -rf "$work/calls-go"
"$weft" bindgen --lang go bench/calls/wit --wasm "$work/calls.component.wasm" \
  --module weft.dev/bench/calls -o "$work/calls-go"
(cd bench/go && go build -o "$work/calls-bench" .)

echo "== weft-bench (the Rust side)" >&2
(cd bench && cargo build --release -p weft-bench-runner)
runner="$bench/target/release/weft-bench"

results="$work/results"
rm -rf "$results"
mkdir -p "$results"
for round in $(seq 1 "$rounds"); do
  echo "== round $round of $rounds: Go" >&2
  "$work/calls-bench" "${quick[@]}" -batches "$batches" >"$results/go.$round.jsonl"
  echo "== round $round of $rounds: Rust" >&2
  "$runner" --only component-typed "${quick[@]}" --batches "$batches" \
    --component "$work/calls.component.wasm" >"$results/rust.$round.jsonl"
done

echo >&2
echo "Component calls from Go (weft bindgen --lang go) and from Rust (weft's typed API)," \
  "$(go env GOVERSION), $(rustc --version | cut -d' ' -f1-2), $rounds round(s) of $batches batches:"
echo
"$work/calls-bench" -table "$results"/*.jsonl
