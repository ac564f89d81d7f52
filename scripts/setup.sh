#!/usr/bin/env bash
# Installs what building and testing weft needs on a fresh machine with
# rustup: the wasm targets guests compile to, and rustfmt and clippy.
# Idempotent; later issues add Python and Go requirements here.
set -euo pipefail

if ! command -v rustup >/dev/null 2>&1; then
  echo "setup: rustup is required (https://rustup.rs)" >&2
  exit 1
fi
rustup target add wasm32-unknown-unknown wasm32-wasip2
rustup component add rustfmt clippy
