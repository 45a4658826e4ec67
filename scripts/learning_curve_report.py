#!/usr/bin/env python3
"""Report of scripts/learning-curve.sh: reads the runs' eval results and training
metrics under DIR, asks `rlvrd compare` for every paired comparison against the base
(so the significance numbers are the tested Rust ones), draws each run's curves with
`rlvrctl report`, and writes DIR/report.md.

usage: learning_curve_report.py DIR BIN_DIR BUDGET_MIN
"""

import json
import subprocess
import sys
from pathlib import Path

RUNS = (("on", "sampler on"), ("off", "sampler off (uniform)"))
SETS = (("train", "MBPP train sample (trained on)"), ("test", "MBPP test subset (held out)"))


def load(path):
    return json.loads(Path(path).read_text())


def compare(bin_dir, ref, cand):
    out = subprocess.run(
        [f"{bin_dir}/rlvrd", "compare", "--reference", str(ref), "--candidate", str(cand), "--json"],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout)


def steps_of(run_dir):
    path = run_dir / "state" / "metrics.jsonl"
    if not path.exists():
        return []
    records = []
    for line in path.read_text().splitlines():
        try:
            r = json.loads(line)
        except json.JSONDecodeError:
            continue
        if r.get("kind", "step") == "step":
            records.append(r)
    # A resumed chunk repeats the steps after the last checkpoint: keep the last copy.
    by_step = {r["step"]: r for r in records}
    return [by_step[k] for k in sorted(by_step)]


def evals_of(run_dir, set_name):
    found = []
    for f in sorted((run_dir / "evals").glob(f"*-{set_name}.json")):
        rec = load(f)
        found.append((rec["step"], f, rec))
    return sorted(found, key=lambda x: x[0])


def pct(x):
    return f"{100 * x:.1f}"


def interval(side):
    p = side["pass_at_1"]
    return f"{pct(p['value'])}% [{pct(p['low'])}, {pct(p['high'])}]"


def profile(d, digits=2):
    return ", ".join(f"{k} {v:.{digits}f}" for k, v in sorted(d.items(), key=lambda kv: -kv[1]) if v > 0) or "none"


def main():
    root, bin_dir, budget = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    base = {s: root / "base" / "evals" / f"base-{s}.json" for s, _ in SETS}
    lines = ["# Learning curve", ""]
    settings = (root / "settings").read_text().split() if (root / "settings").exists() else ["?"] * 4
    lines += [
        f"Budget {settings[0]} min of training per run, evals every {settings[1]} min, greedy, on the first "
        f"{settings[2]} MBPP train tasks (ids 601-974, the tasks trained on) and the first {settings[3]} MBPP "
        "test tasks (ids 11-510, held out). Same config, seed and budget for both runs; only "
        "`[curriculum] enabled` differs. p-values: exact two-sided McNemar on the tasks gained / lost "
        "against the base model (`rlvrd compare`); intervals: 95% Wilson.",
        "",
    ]
    summary = {}
    for run, title in RUNS:
        run_dir = root / run
        steps = steps_of(run_dir)
        trained = float((run_dir / "trained_s").read_text()) if (run_dir / "trained_s").exists() else 0.0
        groups = sum(len(s.get("tasks", [])) for s in steps)
        informative = sum((1 - s.get("zero_variance_frac", 0)) * len(s.get("tasks", [])) for s in steps)
        refills = sum(s.get("refilled_groups", 0) for s in steps)
        updates = sum(1 for s in steps if s.get("grad_norm", 0) > 0)
        lines += [f"## {title}", ""]
        if not steps and trained == 0:
            # A run can be done later on its own (`--runs off`): say so instead of a table of nothing.
            lines += [f"Not run yet (`scripts/learning-curve.sh --runs {run}` with the same --dir runs it).", ""]
            continue
        lines += [
            f"{len(steps)} steps in {trained / 60:.0f} min of training; {groups} groups, "
            f"{pct(informative / groups) if groups else '-'}% with reward variance (informative); "
            f"{refills} refill groups; {updates} steps with a non-zero gradient.",
            "",
        ]
        lines += [
            "| step | set | pass@1 [95% CI] | vs base | gained / lost | McNemar p | mean tokens (x base) | truncated |",
            "|---|---|---|---|---|---|---|---|",
        ]
        last = {}
        for set_name, _ in SETS:
            if not base[set_name].exists():
                continue
            b = load(base[set_name])
            lines.append(
                f"| base | {set_name} | {pct(b['pass_at_1'])}% | | | | {b['completion_length']['mean_tokens']:.0f} | {pct(b['truncated_frac'])}% |"
            )
            for step, f, _ in evals_of(run_dir, set_name):
                c = compare(bin_dir, base[set_name], f)
                last[set_name] = c
                ratio = c["length_ratio"]
                lines.append(
                    f"| {step} | {set_name} | {interval(c['candidate'])} | {c['delta_pp']:+.1f} pp | "
                    f"{c['gained']} / {c['lost']} | {c['mcnemar_p']:.3g} | {c['candidate']['mean_tokens']:.0f} "
                    f"(x{ratio:.2f}) | {pct(c['candidate']['truncated_frac'])}% |"
                    if ratio is not None
                    else f"| {step} | {set_name} | {interval(c['candidate'])} | {c['delta_pp']:+.1f} pp | "
                    f"{c['gained']} / {c['lost']} | {c['mcnemar_p']:.3g} | - | - |"
                )
        lines.append("")
        for set_name, set_title in SETS:
            c = last.get(set_name)
            if not c:
                continue
            lines += [
                f"Last checkpoint vs base on the {set_title}:",
                f"- outcomes: base {profile(c['reference']['error_types'])}; step {c['candidate']['step']} "
                f"{profile(c['candidate']['error_types'])}",
                f"- Ruff diagnostics per completion: base {profile(c['reference']['ruff_per_completion'])}; "
                f"step {c['candidate']['step']} {profile(c['candidate']['ruff_per_completion'])}",
            ]
        lines.append("")
        # Curves: the run's training metrics with the eval records (base at step 0).
        history = run_dir / "history.jsonl"
        with history.open("w") as h:
            for s in steps:
                h.write(json.dumps({"kind": "step", **{k: v for k, v in s.items() if k != "kind"}}) + "\n")
            for set_name, _ in SETS:
                if base[set_name].exists():
                    h.write(json.dumps({"kind": "eval", **load(base[set_name])}) + "\n")
                for _, _, rec in evals_of(run_dir, set_name):
                    h.write(json.dumps({"kind": "eval", **rec}) + "\n")
        plots = run_dir / "report"
        r = subprocess.run(
            [f"{bin_dir}/rlvrctl", "report", "--from-file", str(history), "--out", str(plots)],
            capture_output=True,
            text=True,
        )
        if r.returncode == 0:
            svgs = sorted(p.name for p in plots.glob("*.svg"))
            lines += [f"Curves ({run}/report/): " + ", ".join(f"[{n}]({run}/report/{n})" for n in svgs), ""]
        else:
            lines += [f"rlvrctl report failed: {r.stderr.strip()}", ""]
        summary[run] = (groups, informative, last)

    lines += ["## Targets (issue 18)", ""]
    for run, title in RUNS:
        if run not in summary:
            lines.append(f"- {title}: not run yet")
            continue
        groups, informative, last = summary[run]
        share = informative / groups if groups else 0.0
        lines.append(f"- {title}: informative groups {pct(share)}% (target >= 60%)")
        tr, te = last.get("train"), last.get("test")
        if tr:
            ok = tr["delta_pp"] >= 10 and tr["mcnemar_p"] < 0.05
            lines.append(
                f"  - train pass@1 {tr['delta_pp']:+.1f} pp, p = {tr['mcnemar_p']:.3g} (target +10 pp, p < 0.05): "
                + ("met" if ok else f"missed by {max(0.0, 10 - tr['delta_pp']):.1f} pp" + ("" if tr["mcnemar_p"] < 0.05 else ", not significant"))
            )
        if te:
            base_low = te["reference"]["pass_at_1"]["low"]
            cand = te["candidate"]["pass_at_1"]["value"]
            lines.append(
                f"  - held-out pass@1 {pct(cand)}% vs base {pct(te['reference']['pass_at_1']['value'])}% "
                f"(base interval low {pct(base_low)}%): " + ("not lower beyond the interval" if cand >= base_low else "LOWER")
            )
            if te["length_ratio"] is not None:
                lines.append(f"  - mean length x{te['length_ratio']:.2f} of base (target >= 0.60)")
    (root / "report.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
