#!/usr/bin/env bash
# The component-call benchmark from Python (issue 8): the bench/calls guest
# called through the bindings `weft bindgen --lang python` generates, through
# wasmtime-py's component API (PyPI `wasmtime`), and a pure-Python function
# of the same shape, all in one process; prints a Markdown table.
#
#   bash bench/python/run.sh            # full run (about 40 seconds once built)
#   bash bench/python/run.sh --quick    # fewer batches: a smoke test
#
# Everything goes under bench/target: the venv (py-venv), the guest
# (wasm/), the component and the generated bindings (py/). The weft CLI and
# the Python module are built from the root workspace (target/).
set -euo pipefail
bench="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$bench/.." && pwd)"
cd "$root"

venv="${WEFT_BENCH_PY_VENV:-$bench/target/py-venv}"
work="$bench/target/py"
python="${WEFT_PYTHON:-python3}"
pip_q=(--quiet --disable-pip-version-check)
mkdir -p "$work"

if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
"$venv/bin/pip" install "${pip_q[@]}" "maturin>=1.8,<2" "wasmtime>=50,<51"

echo "== weft (codegen-python/host): maturin build (release), pip install" >&2
"$venv/bin/pip" install "${pip_q[@]}" --force-reinstall --no-deps ./codegen-python/host

echo "== bench/calls: build for wasm32-unknown-unknown, componentize" >&2
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi
# The same build as bench/runner's (bench/target/wasm, release).
cargo build --release --target wasm32-unknown-unknown \
  --manifest-path bench/calls/Cargo.toml --target-dir bench/target/wasm
cargo build --locked -p weft-cli
weft="$root/target/debug/weft"
"$weft" componentize bench/target/wasm/wasm32-unknown-unknown/release/weft_bench_calls.wasm \
  -o "$work/calls.component.wasm"

echo "== weft bindgen --lang python, pip install" >&2
rm -rf "$work/calls-py"
"$weft" bindgen --lang python bench/calls/wit --wasm "$work/calls.component.wasm" \
  -o "$work/calls-py"
"$venv/bin/pip" install "${pip_q[@]}" --force-reinstall --no-deps "$work/calls-py"

echo "== bench_calls.py" >&2
exec "$venv/bin/python" bench/python/bench_calls.py \
  --component "$work/calls.component.wasm" "$@"
