#!/usr/bin/env bash
# The main job on a fresh machine: install what is missing, fetch the embedded default
# model, build, start rlvrd with configs/default.toml (training on the example MBPP
# tasks) and follow the training live. Ctrl-C stops the daemon (it checkpoints first).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/rlvrd-target}"
cargo build --workspace --bins
BIN="$CARGO_TARGET_DIR/debug"
CONFIG="${RLVRD_CONFIG:-configs/default.toml}"
# rlvrctl finds the daemon's token (rpc.token) in its state directory.
RLVRD_STATE_DIR=$("$BIN/rlvrd" check-config "$CONFIG" 2>/dev/null | sed -n 's/^state_dir = "\(.*\)"$/\1/p')
export RLVRD_STATE_DIR
"$BIN/rlvrd" --config "$CONFIG" &
DAEMON=$!
trap 'kill -TERM $DAEMON 2>/dev/null; wait $DAEMON 2>/dev/null' INT TERM EXIT
for _ in $(seq 1 100); do
  "$BIN/rlvrctl" status >/dev/null 2>&1 && break
  kill -0 $DAEMON 2>/dev/null || { echo "rlvrd exited; see the log above" >&2; exit 1; }
  sleep 0.2
done
"$BIN/rlvrctl" status
echo
echo "rlvrd is running (pid $DAEMON, log above). In another terminal try:"
echo "  $BIN/rlvrctl complete --prefix 'def is_prime(n):'      $BIN/rlvrctl tasks      $BIN/rlvrctl report"
echo "Following training (first step after ~1-2 minutes on 2 CPU cores); Ctrl-C to stop."
"$BIN/rlvrctl" watch || true
wait $DAEMON
