#!/usr/bin/env python3
"""Build the example task tree from MBPP (Austin et al. 2021, CC-BY-4.0).

    python3 examples/make_mbpp_tasks.py [examples/data/mbpp/mbpp.jsonl]

writes
  examples/tasks/mbpp-train/<task_id>/task.toml + test_task.py   (train split, 601-974)
  examples/eval/mbpp-test.jsonl                                  (test split, 11-510)

The train split becomes per-task folders, the format users write by hand; the test
split stays JSON Lines (byte-for-byte copies of the source lines) outside the watched
tree, so training never sees it. rlvrd parses a generated folder into the same task as
its `mbpp.jsonl` record (daemon/src/tasks/tests/data.rs checks all 374), which is why
the rules below mirror the Rust loader:
  * CRLF is folded to LF in every text field; asserts are stripped of whitespace;
  * `test_setup_code` goes to `setup` in task.toml (it runs after the solution: the
    setup of task 927 builds objects of a class the solution defines);
  * `entry_point` is the first top-level `def` of the reference code whose call comes
    earliest in the first assert (`infer_entry_point` in daemon/src/tasks/task.rs).
"""

import argparse
import json
import re
import shutil
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
TRAIN = range(601, 975)
TEST = range(11, 511)
CREDIT = "MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research"


def norm(s: str) -> str:
    return s.replace("\r\n", "\n")


def infer_entry_point(code: str, test: str):
    best = None
    for name in re.findall(r"^def[ \t]+([A-Za-z_][A-Za-z0-9_]*)[ \t]*\(", code, re.M):
        m = re.search(r"(?<![A-Za-z0-9_])" + re.escape(name) + r"[ \t]*\(", test)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), name)
    return best[1] if best else None


def toml_basic(s: str) -> str:
    out = []
    for c in s:
        if c == '"':
            out.append('\\"')
        elif c == "\\":
            out.append("\\\\")
        elif c == "\n":
            out.append("\\n")
        elif c == "\t":
            out.append("\\t")
        elif ord(c) < 0x20 or ord(c) == 0x7F:
            out.append("\\u%04x" % ord(c))
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def toml_str(s: str) -> str:
    """A multi-line literal string when the text allows it (readable code), else a
    basic string with escapes."""
    literal_ok = (
        "\n" in s
        and "'''" not in s
        and not s.endswith("'")
        and all(c in "\n\t" or (ord(c) >= 0x20 and ord(c) != 0x7F) for c in s)
    )
    # The newline right after the opening delimiter is dropped by TOML parsers.
    return "'''\n" + s + "'''" if literal_ok else toml_basic(s)


def task_files(rec: dict) -> tuple[str, str, dict]:
    code = norm(rec["code"])
    asserts = [norm(t.strip()) for t in rec["test_list"] if t.strip()]
    setup = norm(rec["test_setup_code"])
    fields = {
        "id": str(rec["task_id"]),
        "prompt": norm(rec["text"]),
        "entry_point": infer_entry_point(code, asserts[0]),
        "solution": code,
        "setup": setup if setup.strip() else None,
        "split": "train",
        "tags": ["mbpp"],
    }
    fields = {k: v for k, v in fields.items() if v is not None}
    lines = [f"# MBPP task {rec['task_id']}: {CREDIT}"]
    for k, v in fields.items():
        value = "[" + ", ".join(toml_str(t) for t in v) + "]" if isinstance(v, list) else toml_str(v)
        lines.append(f"{k} = {value}")
    toml_text = "\n".join(lines) + "\n"
    for a in asserts:
        # One assert per line is what makes the file split into separate tests.
        if "\n" in a or not a.startswith("assert"):
            sys.exit(f"task {rec['task_id']}: assert does not fit on one line: {a!r}")
    test_text = f"# MBPP task {rec['task_id']}: {CREDIT}\n" + "\n".join(asserts) + "\n"
    return toml_text, test_text, fields


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "mbpp_jsonl",
        type=Path,
        nargs="?",
        default=HERE / "data" / "mbpp" / "mbpp.jsonl",
        help="mbpp.jsonl (default: the copy kept in examples/data/mbpp)",
    )
    ap.add_argument("--tasks", type=Path, default=HERE / "tasks" / "mbpp-train")
    ap.add_argument("--eval", type=Path, default=HERE / "eval" / "mbpp-test.jsonl")
    args = ap.parse_args()

    lines = args.mbpp_jsonl.read_text(encoding="utf-8").splitlines(keepends=True)
    records = [(line, json.loads(line)) for line in lines if line.strip()]
    if args.tasks.exists():
        shutil.rmtree(args.tasks)
    written = 0
    for _, rec in records:
        if rec["task_id"] not in TRAIN:
            continue
        toml_text, test_text, fields = task_files(rec)
        if tomllib.loads(toml_text) != fields:
            sys.exit(f"task {rec['task_id']}: task.toml does not read back as written")
        folder = args.tasks / str(rec["task_id"])
        folder.mkdir(parents=True)
        (folder / "task.toml").write_text(toml_text, encoding="utf-8")
        (folder / "test_task.py").write_text(test_text, encoding="utf-8")
        written += 1

    args.eval.parent.mkdir(parents=True, exist_ok=True)
    test_lines = [line for line, rec in records if rec["task_id"] in TEST]
    args.eval.write_text("".join(test_lines), encoding="utf-8")
    print(f"{written} train tasks in {args.tasks}, {len(test_lines)} test tasks in {args.eval}")


if __name__ == "__main__":
    main()
