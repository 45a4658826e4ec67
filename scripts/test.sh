#!/usr/bin/env bash
# The test command: install what is missing, build, run the whole suite, and say how
# long each phase took. The cargo target dir lives outside the clone
# ($HOME/.cache/rlvrd-target) so repeat runs are incremental.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/rlvrd-target}"
export CARGO_TERM_COLOR=never

t0=$(date +%s)
phase_start=$t0
timings=()
phase() { printf '\n\033[1m[test] %s\033[0m\n' "$*" >&2; }
done_phase() {
  local now; now=$(date +%s)
  timings+=("$(printf '%-8s %4d s' "$1" $((now - phase_start)))")
  phase_start=$now
}
summary() {
  local rc=$?
  printf '\n\033[1m[test] time per phase\033[0m\n' >&2
  for t in "${timings[@]}"; do printf '  %s\n' "$t" >&2; done
  printf '  %-8s %4d s   (exit %d)\n' total $(($(date +%s) - t0)) "$rc" >&2
}
trap summary EXIT

phase "1/3 setup: Debian packages, ruff, the SmolLM2 model and reference tokenizers (skipped when present)"
scripts/setup.sh --tests
done_phase setup

phase "formatting: cargo fmt --check (rustfmt.toml)"
cargo fmt --all --check || { echo "[test] not rustfmt-clean: run \`cargo fmt --all\`" >&2; exit 1; }
done_phase format

phase "lints: cargo clippy --workspace --all-targets -- -D warnings"
if cargo clippy --version >/dev/null 2>&1; then
  cargo clippy --workspace --all-targets -- -D warnings || { echo "[test] clippy found problems (see above)" >&2; exit 1; }
else
  echo "[test] WARNING: cargo clippy is not installed (Debian's cargo without rustup): lints NOT checked" >&2
fi
done_phase lints

phase "2/3 build: the binaries and the test executables into $CARGO_TARGET_DIR (a cold build compiles burn: ~30 min on 2 cores)"
# Integration tests run the real binaries: build them first.
cargo build --workspace --bins --examples
cargo test --workspace --no-run
done_phase build

phase "3/3 tests: unit tests, then integration tests with the real binaries, python3, ruff and SmolLM2"
cargo test --workspace --no-fail-fast
done_phase tests
