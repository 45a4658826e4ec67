#!/usr/bin/env bash
# rlvrd against llama.cpp on the same machine, in one run: same GGUF (the embedded
# default SmolLM2-135M-Instruct Q4_1), same prompt text and length, same new tokens,
# same threads. llama.cpp comes from the npm package node-llama-cpp (pinned), whose
# prebuilt CPU binaries pick the kernels of this CPU; it is installed into a temporary
# directory and removed afterwards. Prints both JSON results and the ratios.
#
#   scripts/bench-vs-llamacpp.sh [--threads 2] [--prompt 128] [--new 128] [--batch 1,8,32] [--ttft 1500] [--repeats 3]
set -euo pipefail
cd "$(dirname "$0")/.."
NODE_LLAMA_CPP=3.22.1
threads=$(nproc); prompt=128; new=128; batch=1,8,32; ttft=1500; repeats=3
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threads=$2; shift 2 ;;
    --prompt) prompt=$2; shift 2 ;;
    --new) new=$2; shift 2 ;;
    --batch) batch=$2; shift 2 ;;
    --ttft) ttft=$2; shift 2 ;;
    --repeats) repeats=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/rlvrd-target}"
model="${XDG_CACHE_HOME:-$HOME/.cache}/rlvrd/models/SmolLM2-135M-Instruct.Q4_1.gguf"
[ -s "$model" ] || scripts/setup.sh
command -v node >/dev/null || { echo "node is needed for llama.cpp's bindings (apt-get install nodejs npm)" >&2; exit 1; }
cargo build -q --bin rlvrd

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "[bench] installing node-llama-cpp $NODE_LLAMA_CPP (prebuilt CPU binaries) into $tmp" >&2
(cd "$tmp" && npm install -s --no-audit --no-fund --ignore-scripts --omit=optional \
  "node-llama-cpp@$NODE_LLAMA_CPP" "@node-llama-cpp/linux-x64@$NODE_LLAMA_CPP" >/dev/null)
cp scripts/bench/llamacpp-generate.mjs "$tmp/"

cfg="$tmp/bench.toml"
printf '[model]\npath = "%s"\n[backend]\nthreads = %s\n' "$model" "$threads" > "$cfg"
echo "[bench] rlvrd: prompt $prompt, $new new tokens, batches $batch, ttft $ttft, $threads threads" >&2
RAYON_NUM_THREADS=$threads "$CARGO_TARGET_DIR/debug/rlvrd" --config "$cfg" bench generate \
  --prompt-tokens "$prompt" --new-tokens "$new" --batch "$batch" --ttft-tokens "$ttft" --repeats "$repeats" > "$tmp/rlvrd.json"
echo "[bench] llama.cpp: same settings" >&2
(cd "$tmp" && node llamacpp-generate.mjs "$model" "$prompt" "$new" "$threads" "$batch" "$ttft" "$repeats") > "$tmp/llamacpp.json"

python3 - "$tmp/rlvrd.json" "$tmp/llamacpp.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); l = json.load(open(sys.argv[2]))
print(json.dumps({"rlvrd": r, "llama.cpp": l}, indent=2))
print(f"\n{'measure':<34}{'rlvrd':>12}{'llama.cpp':>12}{'ratio':>8}")
for b, lv in l["decode_tokens_per_s"].items():
    rv = r["decode_tokens_per_s"].get(b)
    if rv:
        print(f"{'decode tok/s, batch ' + b:<34}{rv:>12.1f}{lv:>12.1f}{rv / lv:>7.2f}x")
rt, lt = r["ttft_s"], l["prefill_s"]
print(f"{'time to first token, ' + str(l['ttft_prompt_tokens']) + ' tokens (s)':<34}{rt:>12.2f}{lt:>12.2f}{lt / rt:>7.2f}x")
print(f"{'prefill tok/s, ' + str(l['ttft_prompt_tokens']) + ' tokens':<34}{r['ttft_prompt_tokens'] / rt:>12.1f}{l['prefill_tokens_per_s']:>12.1f}{(r['ttft_prompt_tokens'] / rt) / l['prefill_tokens_per_s']:>7.2f}x")
print(f"{'peak RSS (MB)':<34}{r['peak_rss_bytes'] / 1e6:>12.0f}")
PY
