#!/usr/bin/env bash
# Reproduce the seed paper's comparison at small scale on the CPU: rewards
# tests / ruff / combined x losses grpo / gspo, a fixed budget of trainer steps on the
# MBPP train split, then greedy eval on a fixed MBPP test subset (configs/matrix/*.toml).
#   scripts/paper-matrix.sh [STEPS]        (default 12; results in docs/paper-matrix/)
# Each run keeps its own state dir, so an interrupted matrix resumes where it stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
STEPS="${1:-12}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/rlvrd-target}"
BIN="$CARGO_TARGET_DIR/debug"
OUT="docs/paper-matrix"
WORK="${RLVRD_MATRIX_DIR:-$HOME/.cache/rlvrd-matrix}"
mkdir -p "$OUT" "$WORK"
cargo build -q --workspace --bins

eval_json() { # config, adapter, output (kept: a finished eval is not run again)
  if [ ! -s "$3" ]; then
    "$BIN/rlvrd" eval --config "$1" --adapter "$2" --json > "$3.tmp"
    mv "$3.tmp" "$3"
  fi
}

run_one() { # config file
  local cfg="$1" name state run_cfg done_steps latest
  name=$(basename "$cfg" .toml)
  state="$WORK/$name"
  mkdir -p "$state"
  # state_dir and thread count per run without editing the committed config.
  run_cfg="$WORK/$name.toml"
  { echo "state_dir = \"$state\""; sed "s#\.\./\.\./#$PWD/#g" "$cfg"
    printf '\n[backend]\nthreads = %s\n' "$THREADS"; } > "$run_cfg"
  done_steps=$(grep -c '"kind":"step"' "$state/metrics.jsonl" 2>/dev/null || true)
  if [ "${done_steps:-0}" -lt "$STEPS" ]; then
    "$BIN/rlvrd" train --config "$run_cfg" --steps $((STEPS - ${done_steps:-0})) > "$state/train.log" 2>&1
  fi
  latest=$(cat "$state/checkpoints/latest")
  eval_json "$run_cfg" "$state/checkpoints/$latest/adapter" "$WORK/$name-eval.json"
  # The report's input: the run's history plus both evals, labelled so the summary
  # sets base and the trained adapter ("latest") side by side.
  python3 - "$state/metrics.jsonl" "$WORK/base-eval.json" "$WORK/$name-eval.json" "$STEPS" > "$state/report.jsonl" <<'PY'
import json, sys
hist, base, run, steps = sys.argv[1:]
print(open(hist).read(), end="")
for path, label, step in [(base, "base", 0), (run, "latest", int(steps))]:
    e = json.load(open(path))
    e.update(kind="eval", adapter=label, step=step)
    print(json.dumps(e))
PY
  "$BIN/rlvrctl" report --from-file "$state/report.jsonl" --out "$OUT/$name" >/dev/null
  echo "$(date +%T) $name done"
}

# Runs go JOBS at a time with the cores split between them: one run keeps only ~1.2 cores
# busy (sampling and the verifier are serial), so two side by side finish the matrix sooner.
JOBS="${RLVRD_MATRIX_JOBS:-2}"
THREADS=$(( $(nproc) / JOBS )); [ "$THREADS" -ge 1 ] || THREADS=1
first=$(ls configs/matrix/*.toml | head -1)
{ echo "state_dir = \"$WORK/base\""; sed "s#\.\./\.\./#$PWD/#g" "$first"
  printf '\n[backend]\nthreads = %s\n' "$THREADS"; } > "$WORK/base.toml"
# The base model's eval is one of the jobs.
eval_json "$WORK/base.toml" base "$WORK/base-eval.json" &
failed=0
for cfg in configs/matrix/*.toml; do
  while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n || failed=1; done
  run_one "$cfg" &
done
while [ "$(jobs -rp | wc -l)" -gt 0 ]; do wait -n || failed=1; done
[ "$failed" = 0 ] || { echo "paper-matrix: a run failed; see $WORK/<run>/train.log" >&2; exit 1; }

python3 scripts/paper_matrix_table.py "$WORK" "$OUT" "$STEPS"
