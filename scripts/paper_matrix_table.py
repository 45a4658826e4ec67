"""Table of the paper-matrix runs: scripts/paper_matrix_table.py WORK OUT STEPS.

Reads each run's eval JSON and metrics.jsonl from WORK (see paper-matrix.sh) and writes
OUT/table.md. Pass/fail is compared per task against the base model (paired), since on a
few dozen tasks the headline pass@1 hides which way single tasks moved.
"""
import json
import math
import pathlib
import sys
import tomllib

work, out, steps = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), int(sys.argv[3])
cfg = tomllib.load(open(work / "base.toml", "rb"))
rl, ev = cfg["rl"], cfg["eval"]
base = json.load(open(work / "base-eval.json"))


def sign_test(gained, lost):
    """Two-sided exact sign test on the tasks that changed (the gate's paired test)."""
    n = gained + lost
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, k) for k in range(min(gained, lost) + 1)) / 2**n
    return min(1.0, 2 * tail)


def mean(xs):
    return sum(xs) / len(xs) if xs else float("nan")


def row(name, e, recs=None):
    length, sev = e["completion_length"], e["ruff"]["by_severity"]
    passed = sum(e["per_task"].values())
    gained = sum(1 for t, ok in e["per_task"].items() if ok and not base["per_task"].get(t))
    lost = sum(1 for t, ok in e["per_task"].items() if not ok and base["per_task"].get(t))
    errs = {k: v for k, v in e["error_types"].items() if k != "pass"}
    top = ", ".join(f"{k} {v}" for k, v in sorted(errs.items(), key=lambda kv: -kv[1])[:3])
    if recs:
        k = min(3, len(recs))
        first, last = recs[:k], recs[-k:]
        reward = f'{mean([x["mean_reward"] for x in first]):.3f} -> {mean([x["mean_reward"] for x in last]):.3f}'
        tokens = (f'{mean([x["completion_length"]["mean_tokens"] for x in first]):.0f} -> '
                  f'{mean([x["completion_length"]["mean_tokens"] for x in last]):.0f}')
    else:
        reward = tokens = "-"
    other = sev.get("convention", 0) + sev.get("info", 0)
    return (f'| {name} | {e["pass_at_1"] * 100:.1f}% ({passed}/{e["tasks"]}) | +{gained} / -{lost} (p {sign_test(gained, lost):.2f}) | '
            f'{length["mean_tokens"]:.0f} | {length["mean_lines"]:.1f} | {e["truncated_frac"] * 100:.0f}% | '
            f'{sev.get("error", 0)} / {sev.get("warning", 0)} / {other} | {top} | {reward} | {tokens} |')


lines = [
    f'Budget: {steps} trainer steps per run ({rl["tasks_per_step"]} tasks x {rl["group_size"]} completions, '
    f'{rl["max_new_tokens"]} new tokens, temperature {rl["temperature"]}, lr {rl["lr"]}, '
    f'{rl["updates_per_batch"]} optimizer passes per batch, seed {rl["seed"]}); greedy eval on the first '
    f'{base["tasks"]} MBPP test tasks ({ev["max_new_tokens"]} new tokens).',
    "",
    "| run | pass@1 | vs base: tasks gained / lost (sign test p) | mean tokens | mean lines | truncated | "
    "ruff error / warning / other | top failure types | train reward (first 3 -> last 3 steps) | "
    "train length (first 3 -> last 3) |",
    "|---|---|---|---|---|---|---|---|---|---|",
    row("base (no adapter)", base),
]
for f in sorted(work.glob("*-eval.json")):
    name = f.name[: -len("-eval.json")]
    if name == "base":
        continue
    recs = [json.loads(x) for x in open(work / name / "metrics.jsonl") if '"kind":"step"' in x]
    lines.append(row(name, json.load(open(f)), recs))
(out / "table.md").write_text("\n".join(lines) + "\n")
print("\n".join(lines))
