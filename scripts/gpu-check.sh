#!/usr/bin/env bash
# Prove the wgpu path on a real GPU: parity against the CPU backend and the
# transformers references, then generation throughput (wgpu vs CPU on that machine).
# Runs a prebuilt binary (the GPU machine has no Rust toolchain):
#   strip -o /tmp/r $CARGO_TARGET_DIR/debug/rlvrd && gzip -c /tmp/r > .device-bin/rlvrd.gz
# and Vulkan loader .debs in .gl/ (see the device notes). Results go to $OUT.
set -uo pipefail
OUT="${OUT:-/tmp/gpu-check}"; mkdir -p "$OUT"
for f in .gl/*.deb; do dpkg -x "$f" /; done; ldconfig
if [ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ]; then
  export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
fi
gunzip -c .device-bin/rlvrd.gz > /tmp/rlvrd && chmod +x /tmp/rlvrd
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee "$OUT/gpu.txt"
SYN=tests/fixtures/smollm2-135m-config.json
echo "== parity"; timeout 180 /tmp/rlvrd bench parity --synthetic $SYN 2>"$OUT/parity.err" | tee "$OUT/parity.json"
echo "== generate wgpu"; timeout 200 /tmp/rlvrd bench generate --synthetic $SYN --backend wgpu --repeats 3 2>"$OUT/gen-wgpu.err" | tee "$OUT/gen-wgpu.json"
echo "== generate cpu"; timeout 120 /tmp/rlvrd bench generate --synthetic $SYN --backend cpu --repeats 1 2>"$OUT/gen-cpu.err" | tee "$OUT/gen-cpu.json"
for f in "$OUT"/*.err; do tail -n 3 "$f"; done
