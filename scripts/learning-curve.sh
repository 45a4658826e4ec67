#!/usr/bin/env bash
# Learning-curve benchmark: train the embedded default on examples/tasks for a fixed
# wall-clock budget twice, with the task sampler on and off (same seed, same budget),
# evaluate the base model and each run's checkpoint every --every-min minutes greedily
# on (a) a fixed sample of MBPP train tasks (the first --train-eval of ids 601-974, the
# tasks being trained on) and (b) the MBPP test split (the first --test-eval of ids
# 11-510, held out), and write a report: pass@1 with 95% intervals, tasks gained / lost
# and the exact McNemar p-value against the base, length, truncation, Ruff profile,
# outcome types, the informative-group share, and the SVG curves (rlvrctl report).
#
# Resumable: all state lives in --dir (default ~/.cache/rlvrd/learning-curve); run the
# same command again after an interruption and it continues where it stopped (a chunk
# interrupted mid-way restarts from that run's last checkpoint; its time is not
# counted, while the steps of a periodic checkpoint written before the interruption are
# kept, so a resumed run may train up to `[checkpoints] every_steps` steps more than its
# twin). The two runs alternate chunk by chunk, so both have the same progress when the
# machine is needed back. Ctrl-C stops the script (the chunk then is not counted).
#
#   scripts/learning-curve.sh                      # 2 h per run, 100 + 200 eval tasks
#   scripts/learning-curve.sh --budget-min 40 --every-min 20 --train-eval 60 --test-eval 100
#   scripts/learning-curve.sh --report-only        # rewrite the report from what exists
#   scripts/learning-curve.sh --runs on            # only the sampler-on run (the off run
#                                                  # can follow later with --runs off)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/rlvrd-target}"

BUDGET_MIN=120
EVERY_MIN=30
TRAIN_EVAL=100
TEST_EVAL=200
DIR="$HOME/.cache/rlvrd/learning-curve"
CONFIG=configs/default.toml
REPORT_ONLY=0
RUNS="on off"
while [ $# -gt 0 ]; do
  case "$1" in
    --budget-min) BUDGET_MIN=$2; shift 2 ;;
    --every-min) EVERY_MIN=$2; shift 2 ;;
    --train-eval) TRAIN_EVAL=$2; shift 2 ;;
    --test-eval) TEST_EVAL=$2; shift 2 ;;
    --dir) DIR=$2; shift 2 ;;
    --config) CONFIG=$2; shift 2 ;;
    --report-only) REPORT_ONLY=1; shift ;;
    --runs)
      RUNS=$(echo "$2" | tr ',' ' ')
      for r in $RUNS; do [ "$r" = on ] || [ "$r" = off ] || { echo "learning-curve: --runs takes on, off or on,off (got $2)" >&2; exit 2; }; done
      shift 2 ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "learning-curve: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
mkdir -p "$DIR"
# Absolute, so the paths check-config resolves are absolute too.
CONFIG=$(realpath "$CONFIG")
die() { log "$*"; exit 1; }
log() { printf '[learning-curve %s] %s\n' "$(date +%H:%M:%S)" "$*" | tee -a "$DIR/log.txt" >&2; }

trap 'log "interrupted"; exit 130' INT TERM
# Always (incremental): a binary left by another checkout in the shared target dir may
# lack the options used below.
scripts/setup.sh
cargo build --workspace --bins
BIN="$CARGO_TARGET_DIR/debug"
MBPP="$ROOT/examples/data/mbpp/mbpp.jsonl"

# The run's settings are fixed at its first start: a resumed run must not change them.
if [ -f "$DIR/settings" ]; then
  read -r S_BUDGET S_EVERY S_TRAIN S_TEST < "$DIR/settings"
  if [ "$S_BUDGET $S_EVERY $S_TRAIN $S_TEST" != "$BUDGET_MIN $EVERY_MIN $TRAIN_EVAL $TEST_EVAL" ] && [ $REPORT_ONLY = 0 ]; then
    log "resuming with the settings of the first start: budget $S_BUDGET min, every $S_EVERY min, eval $S_TRAIN + $S_TEST tasks"
  fi
  BUDGET_MIN=$S_BUDGET EVERY_MIN=$S_EVERY TRAIN_EVAL=$S_TRAIN TEST_EVAL=$S_TEST
elif [ $REPORT_ONLY = 0 ]; then
  echo "$BUDGET_MIN $EVERY_MIN $TRAIN_EVAL $TEST_EVAL" > "$DIR/settings"
fi

# One config per run: the given config resolved (absolute paths), with its own state
# dir and the sampler on or off. Everything else, the seed included, is identical.
make_config() { # run enabled
  local out="$DIR/$1/config.toml"
  [ -f "$out" ] && return
  mkdir -p "$DIR/$1"
  "$BIN/rlvrd" check-config "$CONFIG" > "$out.resolved" 2>/dev/null || die "rlvrd check-config $CONFIG failed"
  python3 - "$DIR/$1" "$2" "$out.resolved" > "$out.tmp" <<'PY' || die "cannot write $out"
import sys, tomllib, json
cfg = tomllib.loads(open(sys.argv[3]).read())
cfg["state_dir"] = sys.argv[1] + "/state"
cfg.setdefault("curriculum", {})["enabled"] = sys.argv[2] == "true"
cfg.setdefault("rl", {})["autostart"] = False
cfg.setdefault("tasks", {})["watch"] = False
# No scheduled evals or promotions inside the run: this script evaluates.
cfg.setdefault("eval", {})["every_steps"] = 0
# Evals decode 16 tasks at once (faster on CPU; same tokens up to float rounding).
cfg["eval"]["batch"] = 16

def val(v):
    if isinstance(v, bool): return "true" if v else "false"
    if isinstance(v, (int, float)): return repr(v)
    if isinstance(v, str): return json.dumps(v)
    if isinstance(v, (list, tuple)): return "[" + ", ".join(val(x) for x in v) + "]"
    raise TypeError(type(v))

def emit(table, path):
    scalars = {k: v for k, v in table.items() if not isinstance(v, dict)}
    if path: print(f"\n[{'.'.join(path)}]")
    for k, v in scalars.items(): print(f"{k} = {val(v)}")
    for k, v in table.items():
        if isinstance(v, dict): emit(v, path + [k])
emit(cfg, [])
PY
  mv "$out.tmp" "$out"
  rm -f "$out.resolved"
}

# Seconds of training a run has had (chunks that completed).
trained_s() { cat "$DIR/$1/trained_s" 2>/dev/null || echo 0; }

# Evaluate one target on both eval sets, once (a result already there is kept).
evaluate() { # run label adapter step config
  local run=$1 label=$2 adapter=$3 step=$4 config=$5
  local f set ids n
  for set in train test; do
    f="$DIR/$run/evals/$label-$set.json"
    [ -s "$f" ] && continue
    mkdir -p "$DIR/$run/evals"
    if [ $set = train ]; then ids=601-974 n=$TRAIN_EVAL; else ids=11-510 n=$TEST_EVAL; fi
    log "$run: eval $label (step $step) on $n MBPP $set tasks"
    "$BIN/rlvrd" --config "$config" eval --adapter "$adapter" --label "$set" --step "$step" \
      --file "$MBPP" --ids $ids --limit "$n" --json > "$f.tmp" 2>> "$DIR/log.txt" || die "$run: eval of $label failed (see $DIR/log.txt)"
    mv "$f.tmp" "$f"
  done
}

# Train one chunk of a run, then evaluate the checkpoint it ends with.
chunk() { # run
  local run=$1 config="$DIR/$1/config.toml" left t0 t1 id step
  left=$(python3 -c "print(max(0.0, $BUDGET_MIN - $(trained_s "$run") / 60))")
  python3 -c "import sys; sys.exit(0 if $left > 0.5 else 1)" || return 1
  local minutes
  minutes=$(python3 -c "print(min($EVERY_MIN, $left))")
  log "$run: training for $minutes min ($(trained_s "$run") s done of $BUDGET_MIN min)"
  t0=$(date +%s)
  "$BIN/rlvrd" --config "$config" train --steps 1000000 --max-minutes "$minutes" --json >> "$DIR/$run/train.jsonl" 2>> "$DIR/log.txt" \
    || die "$run: training failed (see $DIR/log.txt)"
  t1=$(date +%s)
  echo $(( $(trained_s "$run") + t1 - t0 )) > "$DIR/$run/trained_s" || die "cannot write $DIR/$run/trained_s"
  id=$(cat "$DIR/$run/state/checkpoints/latest") || die "$run: no checkpoint after training"
  [ -n "$id" ] || die "$run: empty checkpoint pointer"
  step=$((10#${id#step-}))
  mkdir -p "$DIR/$run/adapters"
  [ -d "$DIR/$run/adapters/$id" ] || cp -r "$DIR/$run/state/checkpoints/$id/adapter" "$DIR/$run/adapters/$id" \
    || die "$run: cannot copy the adapter of $id"
  evaluate "$run" "$id" "$DIR/$run/adapters/$id" "$step" "$config"
}

if [ $REPORT_ONLY = 0 ]; then
  make_config on true
  make_config off false
  log "budget $BUDGET_MIN min per run (runs: $RUNS), evals every $EVERY_MIN min on $TRAIN_EVAL train + $TEST_EVAL test tasks; state in $DIR"
  # The base model, once: both runs are compared with the same base results.
  evaluate base base base 0 "$DIR/on/config.toml"
  while :; do
    progressed=0
    for run in $RUNS; do
      if chunk $run; then progressed=1; fi
    done
    [ $progressed = 1 ] || break
  done
  log "runs $RUNS have used their budget"
fi

python3 scripts/learning_curve_report.py "$DIR" "$BIN" "$BUDGET_MIN"
log "report: $DIR/report.md"
