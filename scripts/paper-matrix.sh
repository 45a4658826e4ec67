#!/usr/bin/env bash
# Reproduce the seed paper's comparison at small scale on the CPU: rewards
# tests / ruff / combined x losses grpo / gspo, a fixed budget of trainer steps on the
# MBPP train split, then greedy eval on a fixed MBPP test subset (configs/matrix/*.toml).
#   scripts/paper-matrix.sh [STEPS]        (default 20; results in docs/paper-matrix/)
# Each run keeps its own state dir, so an interrupted matrix resumes where it stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
STEPS="${1:-20}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/rlvrd-target}"
BIN="$CARGO_TARGET_DIR/debug"
OUT="docs/paper-matrix"
WORK="${RLVRD_MATRIX_DIR:-$HOME/.cache/rlvrd-matrix}"
mkdir -p "$OUT" "$WORK"
cargo build -q --workspace --bins

eval_json() { # config, adapter, output
  [ -s "$3" ] || "$BIN/rlvrd" eval --config "$1" --adapter "$2" --json > "$3.tmp" && mv "$3.tmp" "$3"
}

eval_json configs/matrix/tests-grpo.toml base "$WORK/base-eval.json"
for cfg in configs/matrix/*.toml; do
  name=$(basename "$cfg" .toml)
  state="$WORK/$name"
  mkdir -p "$state"
  # state_dir per run without editing the committed config.
  run_cfg="$WORK/$name.toml"
  { echo "state_dir = \"$state\""; sed "s#\.\./\.\./#$PWD/#g" "$cfg"; } > "$run_cfg"
  done_steps=$(grep -c '"kind":"step"' "$state/metrics.jsonl" 2>/dev/null || true)
  if [ "${done_steps:-0}" -lt "$STEPS" ]; then
    "$BIN/rlvrd" train --config "$run_cfg" --steps $((STEPS - ${done_steps:-0}))
  fi
  latest=$(cat "$state/checkpoints/latest")
  eval_json "$run_cfg" "$state/checkpoints/$latest/adapter" "$WORK/$name-eval.json"
  "$BIN/rlvrctl" report --from-file "$state/metrics.jsonl" --out "$OUT/$name" >/dev/null
done

python3 - "$WORK" "$OUT" "$STEPS" <<'PY'
import json, pathlib, sys
work, out, steps = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), sys.argv[3]
def row(name, e, train=None):
    l = e["completion_length"]; r = e["ruff"]["by_severity"]
    tr = f'{train:.3f}' if train is not None else "-"
    return (f'| {name} | {e["pass_at_1"]*100:.1f}% | {l["mean_tokens"]:.0f} | {l["mean_lines"]:.1f} | '
            f'{e["truncated_frac"]*100:.0f}% | {r.get("error",0)} | {r.get("warning",0)} | {tr} |')
lines = [f"Budget: {steps} trainer steps per run (2 tasks x 4 completions, 128 new tokens), "
         "greedy eval on the first 20 MBPP test tasks (256 new tokens), seed 1, CPU (2 cores).", "",
         "| run | pass@1 | mean tokens | mean lines | truncated | ruff errors | ruff warnings | mean train reward (last 5 steps) |",
         "|---|---|---|---|---|---|---|---|",
         row("base (no adapter)", json.load(open(work / "base-eval.json")))]
for f in sorted(work.glob("*-eval.json")):
    name = f.name[:-len("-eval.json")]
    if name == "base":
        continue
    recs = [json.loads(x) for x in open(work / name / "metrics.jsonl") if '"kind":"step"' in x]
    last = [x["mean_reward"] for x in recs[-5:]]
    lines.append(row(name, json.load(open(f)), sum(last) / max(1, len(last))))
(out / "table.md").write_text("\n".join(lines) + "\n")
print("\n".join(lines))
PY
