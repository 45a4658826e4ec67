# rlvrd verifier, candidate side: runs the model-written code and nothing else.
#
# Compiled with wire.py in front (daemon/src/reward/mod.rs) and started as
# `python3 -S -s -B candidate.pyc` inside the sandbox. It never
# sees a test: stdin carries only the candidate's code (read to EOF, then replaced by
# /dev/null), and afterwards it answers requests from the trusted runner (trusted.py)
# on fd 4, replying on fd 3. Everything it sends is plain data or a handle (wire.py),
# so whatever this process does to itself -- patching builtins, walking frames, gc
# tricks, objects whose __eq__ always says yes -- it can only ever answer with values,
# and the trusted side compares those values itself.
#
# Messages, each one wire value:
#   first, from here:  ("ready", outcome, detail, [(name, value, module, qualname)])
#                      once the code ran; values that are not plain data are handles.
#   requests:          ("call", obj, args, kwargs) | ("getattr", obj, name)
#                      | ("setattr", obj, name, value) | ("op", name, obj, args)
#   replies:           ("ok", value) | ("err", builtin exception class name, message)
# `obj` in a request is a handle (decoded here to the object itself).

import sys

REPLY_FD, REQUEST_FD = 3, 4
MAX_DETAIL = 300

_builtins = __builtins__ if type(__builtins__) is dict else vars(__builtins__)
_PLAIN_BASES = (bool, int, float, complex, str, bytes, list, tuple, dict, set, frozenset)

_objects = []
_ids = {}


def _handle(x):
    """A handle for x; subclasses of plain types go as their base value (an int
    subclass whose __eq__ lies becomes the plain int it holds)."""
    for base in _PLAIN_BASES:
        if isinstance(x, base):
            if base is dict:
                return dict(x.items())
            if base in (list, tuple, set, frozenset):
                return base(list(x))
            return base(x) if base is not bool else bool(x)
    key = id(x)
    n = _ids.get(key)
    if n is None:
        n = _ids[key] = len(_objects)
        _objects.append(x)  # kept alive: the id stays valid for the whole run
    return Handle(n)


def _object(n):
    if type(n) is not int or not 0 <= n < len(_objects):
        raise WireError("unknown handle %r" % (n,))
    return _objects[n]


def _resolve(name):
    """The object a Ref names (a builtin or standard-library object the tests passed)."""
    module, _, qualname = name.partition(":")
    obj = __import__(module, fromlist=["_"])
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


def _exc_class(exc):
    """Nearest builtin exception class in the MRO (candidate classes stay out of the
    taxonomy)."""
    for cls in type(exc).__mro__:
        if _builtins.get(getattr(cls, "__name__", None)) is cls:
            return cls.__name__
    return "Exception"


def _detail(exc):
    try:
        msg = str(exc)
    except BaseException:
        msg = ""
    return msg if len(msg) <= MAX_DETAIL else msg[: MAX_DETAIL - 3] + "..."


_OPS = {
    "len": len,
    "iter": iter,
    "next": next,
    "getitem": lambda o, k: o[k],
    "setitem": lambda o, k, v: o.__setitem__(k, v),
    "delitem": lambda o, k: o.__delitem__(k),
    "contains": lambda o, x: x in o,
    "str": str,
    "repr": repr,
    "bool": bool,
    "int": int,
    "float": float,
    "index": lambda o: o.__index__(),
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
    "hash": hash,
}


def _serve(req):
    op = req[0]
    if op == "call":
        return _object(req[1])(*req[2], **req[3])
    if op == "getattr":
        return getattr(_object(req[1]), req[2])
    if op == "setattr":
        setattr(_object(req[1]), req[2], req[3])
        return None
    if op == "op" and req[1] in _OPS:
        return _OPS[req[1]](_object(req[2]), *req[3])
    raise WireError("unknown request %r" % (op,))


def _flush():
    """Flush the candidate's own prints: the daemon kills this process as soon as the
    tests are over, so output still buffered then (stderr holds a line without its
    newline) would be lost."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:  # noqa: BLE001
            pass


def _reply(chan, ok, value):
    if os.getpid() != _PID[0]:
        # A process the candidate forked fell through into the serve loop: only
        # the original process answers.
        os._exit(0)
    _flush()
    try:
        payload = encode(("ok", value) if ok else value, _handle)
    except BaseException as exc:  # noqa: BLE001 -- a value that cannot be sent is an error reply
        payload = encode(("err", "TypeError", "the return value cannot be sent to the tests: %s" % _detail(exc)), _handle)
    chan.send(payload)


def _names(g):
    """Top-level names the tests may use: values, or handles plus where the object
    says it comes from (the trusted side re-imports stdlib objects itself)."""
    out = []
    for name, value in list(g.items()):
        if name.startswith("__"):
            continue
        if type(value) is type(sys):
            out.append((name, None, str(value.__name__), None))
            continue
        module = getattr(value, "__module__", None)
        qualname = getattr(value, "__qualname__", None)
        out.append((name, value, module if type(module) is str else None, qualname if type(qualname) is str else None))
    return out


import os

_PID = [os.getpid()]


def main():
    _PID[0] = os.getpid()
    code = sys.stdin.buffer.read().decode("utf-8", "replace")
    # What -I would do: drop the script's own directory (sys.path[0]).
    del sys.path[0]

    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    chan = Channel(REQUEST_FD, REPLY_FD)
    module = type(sys)("solution")
    sys.modules["solution"] = module
    g = module.__dict__
    # -S skips site, which is what defines exit()/quit(): restore them so a candidate
    # calling exit() gets SystemExit (a failure), not a NameError.
    _builtins["exit"] = _builtins["quit"] = sys.exit
    try:
        exec(compile(code, "solution.py", "exec", dont_inherit=True), g)
        outcome, detail = "pass", ""
    except BaseException as exc:  # noqa: BLE001 -- SystemExit too: exiting is never a pass
        outcome, detail = _exc_class(exc), _detail(exc)
    if os.getpid() != _PID[0]:
        os._exit(0)
    _flush()
    chan.send(encode(("ready", outcome, detail, _names(g) if outcome == "pass" else []), _handle))
    while True:
        try:
            req = decode(chan.recv(), _object, _resolve)
        except EOFError:
            break
        try:
            value = _serve(req)
        except BaseException as exc:  # noqa: BLE001 -- reported to the tests as that class
            _reply(chan, False, ("err", _exc_class(exc), _detail(exc)))
            continue
        _reply(chan, True, value)
    _flush()
    os._exit(0)


# Run as a script; a zygote (zygote.py) loads this file under another name and calls
# main() in each forked child instead.
if __name__ == "__main__":
    main()
