# rlvrd verifier, trusted side: runs a task's tests against a candidate that lives in
# another process.
#
# Compiled with wire.py in front (daemon/src/reward/mod.rs) and started as
# `python3 -S -s -B trusted.pyc` in its own sandbox, next to the candidate's process
# (candidate.py). It never executes candidate code: the candidate's
# top-level names appear here as proxies (RemoteObject) whose calls, attribute reads
# and protocol methods are requests over a pipe, answered with plain data (wire.py).
# Every value a test compares is therefore a builtin value built by this process, and
# `==`, `math.isclose`, `set(...)`, `sorted(...)` run on trusted values. A candidate
# object that is not plain data stays a handle: it equals only itself.
#
# Protocol with the daemon (daemon/src/reward/protocol.rs):
#   stdin  the job, read to EOF: length-prefixed UTF-8 fields "<len>\n<bytes>": setup,
#          number of tests, then per test: kind ("assert" | "file"), name, source.
#   fd 3   one JSON line per event: plan (the list of tests), phase (outcome of the
#          candidate code / setup code), test (one per test, streamed so a later
#          timeout still credits earlier passes), done. Only this process holds fd 3.
#   fd 4   replies from the candidate; fd 5 requests to it.
# When the candidate's process ends in the middle (os._exit, a signal, the memory
# limit) this process stops reporting: the daemon fills the remaining tests from the
# way the candidate's process ended.
# Start-up time is most of a run's cost, so this file imports no module that pulls in
# `re` or `enum` (json, ast, types do): it uses _ast and writes its JSON itself.

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
    exception classes defined by tests cannot grow the taxonomy without bound."""
    return classify_class(_type(exc))


def classify_class(exc_type):
    try:
        if issubclass(exc_type, AssertionError):
            return "assertion_failure"
        if issubclass(exc_type, MemoryError):
            return "memory_limit"
        if issubclass(exc_type, SyntaxError):  # IndentationError, TabError too
            return "syntax_error"
        for cls in exc_type.__mro__:
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

    setup = field()
    tests = [{"kind": field(), "name": field(), "source": field()} for _ in range(int(field()))]
    return {"setup": setup, "tests": tests}


def _builtin_exceptions():
    import builtins

    return {c for c in vars(builtins).values() if _isinstance(c, _type) and issubclass(c, BaseException)}


# str() of a builtin exception only formats its args; a subclass may run code.
_EXC_SAFE_STR = _builtin_exceptions()
_BUILTIN_EXCEPTIONS = {c.__name__: c for c in _EXC_SAFE_STR}


class Reporter:
    def __init__(self, pid):
        self._pid = pid

    def __call__(self, **event):
        # A process forked by test code shares fd 3: it must not report twice.
        if _getpid() != self._pid:
            _exit(0)
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
    """`got == want` on values this process built: plain data decoded from the wire, or
    RemoteObjects, which equal only themselves."""
    return bool(got == want)


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
                    if _gone:
                        return
                continue
            if broken is not None:
                outcome, detail = broken
            else:
                try:
                    item.run(ns)
                    outcome, detail = "pass", ""
                except BaseException as exc:
                    outcome, detail = classify(exc), describe(exc)
            if _gone:
                return  # no verdict for this test: the candidate's end decides it
            report(event="test", index=index, outcome=outcome, detail=detail)
            index += 1


class CandidateGone(BaseException):
    """The candidate's process ended in the middle of a test. A BaseException so that a
    test's `except Exception` does not swallow it; `_gone` stops reporting anyway."""


_remote_by_id = {}
_chan = None
_gone = False


def _remote(n):
    obj = _remote_by_id.get(n)
    if obj is None:
        obj = _remote_by_id[n] = RemoteObject(n)
    return obj


def _to_wire(x):
    if _type(x) is RemoteObject:
        return Handle(object.__getattribute__(x, "_n"))
    # A builtin or standard-library class or function (`int`, `math.sqrt`, `len`):
    # sent by name when the name leads back to this very object.
    module, qualname = getattr(x, "__module__", None), getattr(x, "__qualname__", None)
    if _type(module) is _str and _type(qualname) is _str and _trusted_twin(None, module, qualname) is x:
        return Ref(module + ":" + qualname)
    raise WireError("a %s cannot be passed to the candidate (plain data and its own objects only)" % _typename(x))


def _request(*req):
    """One request to the candidate; its answer as a trusted value, or the exception it
    reported, raised here as the builtin class of the same name."""
    try:
        payload = encode(req, _to_wire)
    except WireError as exc:
        raise TypeError(_str(exc))
    raw = b""
    try:
        _chan.send(payload)
        raw = _chan.recv()
        reply = decode(raw, _remote)
    except (EOFError, OSError):
        global _gone
        _gone = True
        raise CandidateGone()
    except (WireError, ValueError) as exc:
        raise TypeError("malformed reply from the candidate (%s): %r" % (exc, raw[:40]))
    if _type(reply) is tuple and _len(reply) == 2 and reply[0] == "ok":
        return reply[1]
    if _type(reply) is tuple and _len(reply) == 3 and reply[0] == "err" and _type(reply[1]) is _str and _type(reply[2]) is _str:
        cls = _BUILTIN_EXCEPTIONS.get(reply[1], Exception)
        raise cls(_short(reply[2], MAX_DETAIL))
    raise TypeError("malformed reply from the candidate: %r" % raw[:40])


class RemoteObject:
    """An object living in the candidate's process. Calls, attribute access and the
    container protocol are forwarded; equality and hashing are identity, decided here."""

    __slots__ = ("_n", "__weakref__")

    def __init__(self, n):
        object.__setattr__(self, "_n", n)

    def __call__(self, *args, **kwargs):
        return _request("call", object.__getattribute__(self, "_n"), args, kwargs)

    def __getattr__(self, name):
        return _request("getattr", object.__getattribute__(self, "_n"), name)

    def __setattr__(self, name, value):
        _request("setattr", object.__getattribute__(self, "_n"), name, value)

    def __eq__(self, other):
        return self is other

    def __ne__(self, other):
        return self is not other

    def __hash__(self):
        return object.__getattribute__(self, "_n")

    def __repr__(self):
        return "<candidate object #%d>" % object.__getattribute__(self, "_n")

    def _op(self, name, *args):
        return _request("op", name, object.__getattribute__(self, "_n"), args)

    def __str__(self):
        return self._op("str")

    def __len__(self):
        return self._op("len")

    def __iter__(self):
        return self._op("iter")

    def __next__(self):
        return self._op("next")

    def __getitem__(self, key):
        return self._op("getitem", key)

    def __setitem__(self, key, value):
        self._op("setitem", key, value)

    def __delitem__(self, key):
        self._op("delitem", key)

    def __contains__(self, item):
        return self._op("contains", item)

    def __bool__(self):
        return self._op("bool")

    def __int__(self):
        return self._op("int")

    def __float__(self):
        return self._op("float")

    def __index__(self):
        return self._op("index")

    def __lt__(self, other):
        return self._op("lt", other)

    def __le__(self, other):
        return self._op("le", other)

    def __gt__(self, other):
        return self._op("gt", other)

    def __ge__(self, other):
        return self._op("ge", other)


_CANDIDATE_MODULES = ("solution", "__main__", "setup")


def _trusted_twin(value, module, qualname):
    """The object a candidate name refers to when it comes from the standard library
    (`import math`, `from collections import Counter`): imported here, so the tests use
    the real one. None when it is the candidate's own (or `value` is a plain value)."""
    if module is None or module in _CANDIDATE_MODULES:
        return None
    stdlib = getattr(sys, "stdlib_module_names", ())
    if module.split(".")[0] not in stdlib and module != "builtins":
        return None
    try:
        obj = __import__(module, fromlist=["_"])
        if qualname is None:
            return obj if value is None else None
        for part in qualname.split("."):
            obj = getattr(obj, part)
        return obj
    except BaseException:
        return None


def install_names(g, names):
    for entry in names:
        if _type(entry) is not tuple or _len(entry) != 4 or _type(entry[0]) is not _str:
            raise TypeError("malformed name list from the candidate")
        name, value, module, qualname = entry
        twin = _trusted_twin(value, module, qualname) if value is None or _type(value) is RemoteObject else None
        if twin is not None:
            g[name] = twin
        elif value is not None or qualname is not None or module is None:
            g[name] = value


def main():
    global _chan
    job = read_job(sys.stdin.buffer.read())
    # What -I would do: drop the script's own directory (sys.path[0]).
    del sys.path[0]
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    report = Reporter(_getpid())
    _chan = Channel(4, 5)

    plan = build_plan(job["tests"])
    units = [item for _, items in plan for item in items if _isinstance(item, Test)]
    report(event="plan", tests=[{"name": t.name, "source": _short(t.source, MAX_SOURCE)} for t in units])

    # Tests see the candidate as module `solution` (so test files can `from solution
    # import f`), filled with proxies for its top-level names.
    module = _type(sys)("solution")
    sys.modules["solution"] = module
    g = module.__dict__
    import builtins

    builtins.exit = builtins.quit = sys.exit
    try:
        ready = decode(_chan.recv(), _remote)
    except (EOFError, OSError):
        _exit(0)  # the candidate died while running its code: the daemon says how
    except (WireError, ValueError) as exc:
        ready = ("TypeError", "candidate protocol: %s" % exc)
    if _type(ready) is tuple and _len(ready) == 4 and ready[0] == "ready" and _type(ready[1]) is _str and _type(ready[2]) is _str:
        _, cls_name, detail, names = ready
        if cls_name == "pass":
            try:
                install_names(g, names)
            except TypeError as exc:
                cls_name, detail = "TypeError", "candidate protocol: %s" % exc
    else:
        cls_name, detail = ready if _type(ready) is tuple and _len(ready) == 2 else ("TypeError", "candidate protocol: malformed first message")
    outcome = "pass" if cls_name == "pass" else classify_class(_BUILTIN_EXCEPTIONS.get(cls_name, Exception))
    detail = _short(cls_name + ": " + detail if outcome != "pass" and detail else detail, MAX_DETAIL)
    report(event="phase", phase="code", outcome=outcome, detail=detail)
    failed = None if outcome == "pass" else (outcome, "candidate code: " + detail)
    if failed is None:
        outcome, detail = run_phase(report, "setup", "setup.py", job["setup"], g)
        failed = None if outcome == "pass" else (outcome, "setup code: " + detail)
    if not _gone:
        run_tests(report, plan, g, failed)
    if _gone:
        _exit(0)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            pass
    report(event="done")
    _exit(0)


# Run as a script; a zygote (zygote.py) loads this file under another name and calls
# main() in each forked child instead.
if __name__ == "__main__":
    main()
