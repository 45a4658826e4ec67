# rlvrd verifier harness: runs ONE candidate against its tests inside the sandbox.
#
# Started as `python3 -I -S -c <this file>` by daemon/src/reward/sandbox.rs.
# Protocol (daemon/src/reward/protocol.rs):
#   stdin  the job, read to EOF and then replaced by /dev/null (the candidate sees a
#          closed stdin): length-prefixed UTF-8 fields "<len>\n<bytes>": nonce, code,
#          setup, number of tests, then per test: kind ("assert" | "file"), name, source.
#   fd 3   one JSON line per event, each carrying the nonce:
#          plan (the list of tests, sent BEFORE any candidate code runs), phase
#          (outcome of the candidate code / setup code), test (one per test, streamed
#          so a later timeout still credits earlier passes), done.
#   stdout/stderr belong to the candidate.
# Start-up time is most of a run's cost, so this file imports no module that pulls in
# `re` or `enum` (json, ast, types do): it uses _ast and writes its JSON itself.
# The nonce and the fd only stop naive forging of results (a candidate printing JSON);
# code running in this interpreter can find both. The sandbox around this process
# (namespaces, uid, rlimits) is the security boundary, not this file.

import _ast
import os
import reprlib
import sys

RESULT_FD = 3
MAX_DETAIL = 300
MAX_SOURCE = 200

# Bound before candidate code runs: later monkey-patching of builtins or of these
# modules does not reach the reporting path.
_write, _getpid, _exit = os.write, os.getpid, os._exit
_type, _isinstance, _str, _len = type, isinstance, str, len
_eval, _exec, _dict = eval, exec, dict
_SAFE_TYPES = (int, float, complex, bool, str, bytes, type(None), list, tuple, dict, set, frozenset)


class _SafeRepr(reprlib.Repr):
    """Bounded repr that never calls candidate-defined __repr__ (it could hang)."""

    def repr1(self, x, level):
        if _type(x) in _SAFE_TYPES:
            return super().repr1(x, level)
        return "<%s object>" % _typename(x)


_REPR = _SafeRepr()
_REPR.maxstring = 80
_REPR.maxother = 80
_REPR.maxlist = _REPR.maxtuple = _REPR.maxdict = _REPR.maxset = 8


def _typename(x):
    try:
        return _str(_type(x).__name__)[:60]
    except BaseException:
        return "?"


def _short(text, limit):
    text = _str(text)
    return text if _len(text) <= limit else text[: limit - 3] + "..."


def _snake(name):
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i and (not name[i - 1].isupper() or (i + 1 < _len(name) and name[i + 1].islower())):
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


def classify(exc):
    """Outcome class of an exception: the nearest *builtin* class in its MRO, so that
    candidate-defined exception classes cannot grow the taxonomy without bound."""
    try:
        if _isinstance(exc, AssertionError):
            return "assertion_failure"
        if _isinstance(exc, MemoryError):
            return "memory_limit"
        if _isinstance(exc, SyntaxError):  # IndentationError, TabError too
            return "syntax_error"
        for cls in _type(exc).__mro__:
            if cls.__module__ == "builtins":
                return _snake(cls.__name__)
    except BaseException:
        pass
    return "exception"


def describe(exc):
    try:
        msg = _str(exc) if _type(exc) in _EXC_SAFE_STR else ""
    except BaseException:
        msg = ""
    name = _typename(exc)
    return _short(name + (": " + msg if msg else ""), MAX_DETAIL)


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _jstr(s):
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif o < 0x20 or 0xD800 <= o < 0xE000:  # controls; lone surrogates
            out.append("\\u%04x" % (o if o < 0x20 else 0xFFFD))
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _json(v):
    """JSON of the str/int/list/dict values the events are made of."""
    if _isinstance(v, _str):
        return _jstr(v)
    if _isinstance(v, int):
        return _str(int(v))
    if _isinstance(v, list):
        return "[" + ", ".join(_json(x) for x in v) + "]"
    return "{" + ", ".join(_jstr(k) + ": " + _json(x) for k, x in v.items()) + "}"


def read_job(data):
    """Parse the length-prefixed job (see the protocol above)."""
    pos = 0

    def field():
        nonlocal pos
        nl = data.index(b"\n", pos)
        n = int(data[pos:nl])
        pos = nl + 1 + n
        return data[nl + 1 : pos].decode("utf-8", "replace")

    nonce, code, setup = field(), field(), field()
    tests = [{"kind": field(), "name": field(), "source": field()} for _ in range(int(field()))]
    return {"nonce": nonce, "code": code, "setup": setup, "tests": tests}


def _builtin_exceptions():
    import builtins

    return {c for c in vars(builtins).values() if _isinstance(c, _type) and issubclass(c, BaseException)}


# str() of a builtin exception only formats its args; a candidate subclass may run code.
_EXC_SAFE_STR = _builtin_exceptions()


class Reporter:
    def __init__(self, nonce, pid):
        self._nonce = nonce
        self._pid = pid

    def __call__(self, **event):
        # A process forked by the candidate shares fd 3 and this object: it must not
        # report (it would duplicate or forge results), and it must not go on running
        # the tests either.
        if _getpid() != self._pid:
            _exit(0)
        event["nonce"] = self._nonce
        data = (_json(event) + "\n").encode()
        while data:
            data = data[_write(RESULT_FD, data):]


class Test:
    """One unit of credit: an assert statement or a test_* function of a test file."""

    def __init__(self, name, source, run):
        self.name, self.source, self.run = name, source, run


def _assert_runner(node, filename):
    """Run an assert in namespace g. `assert A == B` is split so that a failure can say
    what A evaluated to (the commonest MBPP failure); evaluation order and semantics are
    those of the original statement."""
    if (
        _isinstance(node.test, _ast.Compare)
        and _len(node.test.ops) == 1
        and _isinstance(node.test.ops[0], _ast.Eq)
    ):
        left = compile(_ast.Expression(node.test.left), filename, "eval", dont_inherit=True)
        right = compile(_ast.Expression(node.test.comparators[0]), filename, "eval", dont_inherit=True)

        def run(g):
            got = _eval(left, g)
            want = _eval(right, g)
            if not _equal(got, want):
                raise AssertionError("got %s, expected %s" % (_REPR.repr(got), _REPR.repr(want)))

        return run
    code = compile(_ast.Module([node], []), filename, "exec", dont_inherit=True)
    return lambda g: _exec(code, g)


def _equal(got, want):
    """`got == want`, except that an object of a candidate-defined class does not get to
    declare itself equal to a builtin expected value (the "always equal" reward hack:
    `__eq__ = lambda *a: True`). Values of builtin types, their subclasses (compared by
    the builtin's own __eq__) and stdlib types (Fraction, Decimal...) compare as usual.
    Best effort: an always-equal object nested inside a list still gets through."""
    if _type(got) in _SAFE_TYPES or _type(want) not in _SAFE_TYPES:
        return bool(got == want)
    eq = _type(want).__eq__(want, got)
    if eq is not NotImplemented:
        return bool(eq)
    if any(getattr(c, "__module__", None) in _CANDIDATE_MODULES for c in _type(got).__mro__):
        return False
    return bool(got == want)


_CANDIDATE_MODULES = ("solution", "setup", "__main__")


def _plan_assert(i, source):
    name = "assert_%d" % (i + 1)
    try:
        tree = _parse(source, name)
        if _len(tree.body) == 1 and _isinstance(tree.body[0], _ast.Assert):
            run = _assert_runner(tree.body[0], name)
        else:  # not a bare assert: run it as written
            code = compile(tree, name, "exec", dont_inherit=True)
            run = lambda g: _exec(code, g)  # noqa: E731
    except SyntaxError as exc:
        run = _raiser(exc)
    return [Test(name, source, run)]


def _parse(source, filename):
    return compile(source, filename, "exec", _ast.PyCF_ONLY_AST, dont_inherit=True)


def _segment(lines, node):
    """Source text of a statement (ast.get_source_segment; offsets are UTF-8 bytes)."""
    try:
        chunk = [ln.encode() for ln in lines[node.lineno - 1 : node.end_lineno]]
        chunk[-1] = chunk[-1][: node.end_col_offset]
        chunk[0] = chunk[0][node.col_offset :]
        return b"".join(chunk).decode("utf-8", "replace")
    except (AttributeError, IndexError, TypeError):
        return ""


def _raiser(exc):
    def run(g):
        raise exc

    return run


def _plan_file(name, source):
    """Split a test file into units: top-level asserts run in order with the file's
    other top-level statements (imports, helpers) as setup; test_* functions run after
    the whole file body, in definition order, without arguments (no pytest fixtures)."""
    try:
        tree = _parse(source, name)
    except SyntaxError as exc:
        return name, [Test(name, "<test file>", _raiser(exc))]
    steps, funcs = [], []
    lines = source.splitlines(True)
    for node in tree.body:
        snippet = _segment(lines, node)
        if _isinstance(node, _ast.Assert):
            steps.append(Test("%s:%d" % (name, node.lineno), snippet, _assert_runner(node, name)))
        else:
            steps.append(compile(_ast.Module([node], []), name, "exec", dont_inherit=True))
            if _isinstance(node, (_ast.FunctionDef, _ast.AsyncFunctionDef)) and node.name.startswith("test"):
                funcs.append(Test("%s::%s" % (name, node.name), snippet, _caller(node.name)))
    return name, steps + funcs


def _caller(fname):
    def run(g):
        result = g[fname]()
        if _type(result).__name__ == "coroutine" and hasattr(result, "close"):
            result.close()
            raise TypeError("async test functions are not supported")

    return run


def build_plan(tests):
    """[(group, [Test | code object])]: group is None for MBPP asserts (they share the
    candidate's namespace) or a file name (each file gets a copy of that namespace)."""
    plan = []
    for i, t in enumerate(tests):
        if t["kind"] == "assert":
            plan.append((None, _plan_assert(i, t["source"])))
        else:
            plan.append(_plan_file(t["name"], t["source"]))
    return plan


def run_phase(report, phase, filename, source, g):
    """Exec candidate or setup code in g; report and return its outcome."""
    if not source.strip():
        report(event="phase", phase=phase, outcome="pass")
        return "pass", ""
    try:
        _exec(compile(source, filename, "exec", dont_inherit=True), g)
        outcome, detail = "pass", ""
    except BaseException as exc:  # SystemExit too: exiting is never a pass
        outcome, detail = classify(exc), describe(exc)
    report(event="phase", phase=phase, outcome=outcome, detail=detail)
    return outcome, detail


def run_tests(report, plan, g, failed):
    """Run every unit, continuing after failures. `failed` is (outcome, detail) of the
    candidate or setup phase: then every test fails with it without running."""
    index = 0
    for group, items in plan:
        ns = g if group is None else _dict(g)
        broken = failed
        for item in items:
            if not _isinstance(item, Test):
                if broken is None:
                    try:
                        _exec(item, ns)
                    except BaseException as exc:
                        broken = (classify(exc), "test file setup: " + describe(exc))
                continue
            if broken is not None:
                outcome, detail = broken
            else:
                try:
                    item.run(ns)
                    outcome, detail = "pass", ""
                except BaseException as exc:
                    outcome, detail = classify(exc), describe(exc)
            report(event="test", index=index, outcome=outcome, detail=detail)
            index += 1


def main():
    job = read_job(sys.stdin.buffer.read())
    # What -I would do (we cannot pass -I, see isolation.rs): no cwd on sys.path.
    sys.path[:] = [p for p in sys.path if p]
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    report = Reporter(job.pop("nonce"), _getpid())

    plan = build_plan(job["tests"])
    units = [item for _, items in plan for item in items if _isinstance(item, Test)]
    report(event="plan", tests=[{"name": t.name, "source": _short(t.source, MAX_SOURCE)} for t in units])

    # The candidate runs as module `solution` (so test files can `from solution import
    # f`) whose __name__ is not "__main__": demo blocks under a main guard (often
    # calling input()) do not run, as in the HumanEval/MBPP reference harnesses.
    module = _type(sys)("solution")
    sys.modules["solution"] = module
    g = module.__dict__
    # -S skips site, which is what defines exit()/quit(): restore them so a candidate
    # calling exit() gets SystemExit (a failure), not a NameError.
    import builtins

    builtins.exit = builtins.quit = sys.exit

    outcome, detail = run_phase(report, "code", "solution.py", job["code"], g)
    failed = None if outcome == "pass" else (outcome, "candidate code: " + detail)
    if failed is None:
        outcome, detail = run_phase(report, "setup", "setup.py", job["setup"], g)
        failed = None if outcome == "pass" else (outcome, "setup code: " + detail)
    run_tests(report, plan, g, failed)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            pass
    report(event="done")
    # Skip atexit handlers and thread joins the candidate may have registered.
    _exit(0)


main()
