#!/usr/bin/env bash
# The test command: install what is missing, build, run the whole suite.
# The cargo target dir lives outside the clone so repeat runs are incremental.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --tests
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/rlvrd-target}"
export CARGO_TERM_COLOR=never
# Integration tests run the real binaries: build them first.
cargo build --workspace --bins
cargo test --workspace --no-fail-fast
