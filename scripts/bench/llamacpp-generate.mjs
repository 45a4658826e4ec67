// llama.cpp (through node-llama-cpp's prebuilt CPU binaries) measured the way
// `rlvrd bench generate` measures rlvrd: same GGUF, same prompt text and token count,
// same number of new tokens and threads. Prints one JSON object.
//
//   node llamacpp-generate.mjs MODEL.gguf PROMPT_TOKENS NEW_TOKENS THREADS BATCHES TTFT_TOKENS REPEATS
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { getLlama } from "node-llama-cpp";

const [modelPath, promptTokens, newTokens, threads, batchesArg, ttftTokens, repeatsArg] = process.argv.slice(2);
const P = Number(promptTokens), N = Number(newTokens), T = Number(threads), TTFT = Number(ttftTokens);
const batches = batchesArg.split(",").map(Number);
const repeats = Number(repeatsArg);
const base = 'def add(a, b):\n    """Return the sum of a and b."""\n    return a + b\n\n';

const llama = await getLlama({ gpu: false, build: "never", progressLogs: false, logLevel: "error" });
const model = await llama.loadModel({ modelPath, gpuLayers: 0 });
const promptOf = (n) => {
  let ids = [];
  while (ids.length < n) ids = ids.concat(Array.from(model.tokenize(base)));
  return ids.slice(0, n);
};
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

async function decode(batch, seed) {
  const ctx = await model.createContext({ sequences: batch, contextSize: Math.max(512, P + N + 16) * batch, threads: T, batchSize: 512 });
  const prompt = promptOf(P);
  const seqs = Array.from({ length: batch }, () => ctx.getSequence());
  await Promise.all(seqs.map((s) => s.evaluateWithoutGeneratingNewTokens(prompt)));
  const t0 = performance.now();
  let total = 0;
  await Promise.all(seqs.map(async (s, i) => {
    let n = 0;
    for await (const _ of s.evaluate([prompt[prompt.length - 1]], { temperature: 1.0, seed: seed + i })) {
      if (++n >= N) break;
    }
    total += n;
  }));
  const s = (performance.now() - t0) / 1000;
  await ctx.dispose();
  return total / s;
}

async function prefill(n) {
  const ctx = await model.createContext({ sequences: 1, contextSize: n + 64, threads: T, batchSize: 2048 });
  const seq = ctx.getSequence();
  const t0 = performance.now();
  await seq.evaluateWithoutGeneratingNewTokens(promptOf(n));
  const s = (performance.now() - t0) / 1000;
  await ctx.dispose();
  return s;
}

await decode(1, 0); // warm-up
const pkg = createRequire(import.meta.url).resolve("node-llama-cpp").replace(/dist\/index\.js$/, "package.json");
const version = JSON.parse(readFileSync(pkg, "utf8")).version;
const out = { engine: `llama.cpp (node-llama-cpp ${version}, CPU)`, threads: T, prompt_tokens: P, new_tokens: N, decode_tokens_per_s: {} };
for (const b of batches) {
  const v = [];
  for (let r = 0; r < repeats; r++) v.push(await decode(b, 100 * r));
  out.decode_tokens_per_s[String(b)] = median(v);
}
const pre = [];
for (let r = 0; r < repeats; r++) pre.push(await prefill(TTFT));
out.ttft_prompt_tokens = TTFT;
out.prefill_s = median(pre);
out.prefill_tokens_per_s = TTFT / median(pre);
console.log(JSON.stringify(out));
await model.dispose();
