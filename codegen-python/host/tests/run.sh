#!/usr/bin/env bash
# The Python runtime module's tests, from scratch: a venv under
# target/tmp/py-host-venv (or $WEFT_PY_HOST_VENV) with maturin, pytest
# and mypy; the module built by maturin and installed with pip; stubtest
# against the contract (codegen-python/runtime-api/weft.pyi); the
# kitchen-sink guest built from source, componentized, its bindings made
# by `weft bindgen --lang python` and installed; then pytest over this
# folder in a real Python process. The compile cache is a directory under
# target/tmp, not the user's.
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
cd "$root"

venv="${WEFT_PY_HOST_VENV:-$root/target/tmp/py-host-venv}"
work="$root/target/tmp/py-host"
python="${WEFT_PYTHON:-python3}"
mkdir -p "$work"
# Compiled components go to a cache of this script's own (emptied here;
# conftest.py gives the pytest run another), never the user's
# ~/.cache/weft.
export WEFT_CACHE_DIR="$work/weft-cache"
unset WEFT_NO_CACHE
rm -rf "$WEFT_CACHE_DIR"

if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check \
  "maturin>=1.8,<2" pytest mypy typing_extensions

echo "== weft (codegen-python/host): maturin build, pip install"
"$venv/bin/pip" install --quiet --disable-pip-version-check --force-reinstall --no-deps \
  ./codegen-python/host

echo "== stubtest against codegen-python/runtime-api/weft.pyi"
MYPYPATH=codegen-python/runtime-api "$venv/bin/python" -m mypy.stubtest weft \
  --allowlist codegen-python/host/tests/stubtest-allowlist.txt

echo "== kitchen-sink guest: build, componentize, bindgen, install"
cargo build --release --locked --target wasm32-unknown-unknown \
  --manifest-path guests/Cargo.toml --target-dir guests/target -p kitchen-sink
cargo build --locked -p weft-cli
weft="$root/target/debug/weft"
"$weft" componentize guests/target/wasm32-unknown-unknown/release/kitchen_sink.wasm \
  -o "$work/kitchen-sink.wasm"
rm -rf "$work/kitchen-sink-py"
"$weft" bindgen --lang python guests/kitchen-sink/wit --wasm "$work/kitchen-sink.wasm" \
  -o "$work/kitchen-sink-py"
"$venv/bin/pip" install --quiet --disable-pip-version-check --force-reinstall --no-deps \
  "$work/kitchen-sink-py"

# The GraphQL example against graphql-core (WEFT_PY_HOST_GRAPHQL=0 skips it).
if [ "${WEFT_PY_HOST_GRAPHQL:-1}" = 1 ]; then
  echo "== examples/graphql: build (build.sh), bindgen, install; graphql-core"
  bash examples/graphql/build.sh "$work/graphql.component.wasm"
  rm -rf "$work/graphql-py"
  "$weft" bindgen --lang python examples/graphql/wit --wasm "$work/graphql.component.wasm" \
    -o "$work/graphql-py"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --force-reinstall --no-deps \
    "$work/graphql-py"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "graphql-core==3.3.2"
fi

echo "== mypy --strict over the weft package"
"$venv/bin/python" -m mypy --strict --no-incremental -p weft

echo "== pytest codegen-python/host/tests"
cd codegen-python/host/tests
"$venv/bin/python" -m pytest -q -p no:cacheprovider

if [ "${WEFT_PY_HOST_GRAPHQL:-1}" = 1 ]; then
  echo "== the demo's Python program (examples/graphql/demo/demo.py): mypy --strict, run"
  cd "$root"
  "$venv/bin/python" -m mypy --strict --no-incremental examples/graphql/demo/demo.py
  demo_out="$("$venv/bin/python" examples/graphql/demo/demo.py)"
  echo "$demo_out"
  grep -q '^data: {"book":{"title":"Foundation"' <<<"$demo_out"
fi
