# rlvrd verifier wire format: the plain data that crosses between the candidate's
# process (candidate.py) and the trusted test runner (trusted.py). Prepended to both
# scripts by daemon/src/reward/mod.rs.
#
# Values: None, bool, int, float, complex, str, bytes, list, tuple, dict, set,
# frozenset, nested, plus "handles" (an integer naming an object that lives in the
# candidate's process). Encoded with one-letter tags and length prefixes; decoded by a
# small recursive parser that checks every bound (message size, depth, item count) and
# only ever builds values of those exact builtin types. Neither pickle nor marshal: both
# can be made to build other objects (or crash the interpreter) from crafted bytes, and
# the trusted side must survive any bytes the candidate writes.
#
# Framing on the pipes: "<decimal length>\n<payload>".

import os as _wos

MAX_MSG = 4 << 20
MAX_DEPTH = 100
MAX_ITEMS = 200000


class WireError(Exception):
    pass


_w_type, _w_len, _w_int, _w_float = type, len, int, float
_W_CONTAINERS = {list: b"l", tuple: b"t", set: b"S", frozenset: b"z"}


class Handle:
    """Names an object in the candidate's process."""

    __slots__ = ("n",)

    def __init__(self, n):
        self.n = n


class Ref:
    """Names a standard-library object ("module:qualname"), re-imported by the receiver:
    how a test passes `int` or `str.lower`-like builtins to a candidate function."""

    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name


def encode(value, other):
    """Bytes for `value`. `other(obj)` is asked about anything that is not plain data:
    it returns a Handle, a plain stand-in to encode instead, or raises WireError."""
    out = []
    budget = [MAX_ITEMS]

    def enc(x, depth):
        if depth > MAX_DEPTH:
            raise WireError("value nested deeper than %d" % MAX_DEPTH)
        budget[0] -= 1
        if budget[0] < 0:
            raise WireError("value has more than %d items" % MAX_ITEMS)
        t = _w_type(x)
        if x is None:
            out.append(b"N")
        elif t is bool:
            out.append(b"T" if x else b"F")
        elif t is int:
            out.append(b"i%d;" % x)
        elif t is float:
            out.append(b"f" + x.hex().encode() + b";")
        elif t is complex:
            out.append(b"c" + x.real.hex().encode() + b";" + x.imag.hex().encode() + b";")
        elif t is str:
            data = x.encode("utf-8", "surrogatepass")
            out.append(b"s%d:" % _w_len(data))
            out.append(data)
        elif t is bytes:
            out.append(b"b%d:" % _w_len(x))
            out.append(x)
        elif t in _W_CONTAINERS:
            items = list(x)
            out.append(_W_CONTAINERS[t] + b"%d;" % _w_len(items))
            for item in items:
                enc(item, depth + 1)
        elif t is dict:
            pairs = list(x.items())
            out.append(b"d%d;" % _w_len(pairs))
            for k, v in pairs:
                enc(k, depth + 1)
                enc(v, depth + 1)
        else:
            r = other(x)
            if _w_type(r) is Handle:
                out.append(b"h%d;" % r.n)
            elif _w_type(r) is Ref:
                data = r.name.encode()
                out.append(b"r%d:" % _w_len(data))
                out.append(data)
            else:
                enc(r, depth + 1)

    enc(value, 0)
    data = b"".join(out)
    if _w_len(data) > MAX_MSG:
        raise WireError("value is larger than %d bytes" % MAX_MSG)
    return data


def decode(data, handle, ref=None):
    """The value encoded in `data`; `handle(n)` gives the object for handle n, `ref(name)`
    the object for a Ref (None: refs are refused)."""
    pos = 0
    count = 0
    end = _w_len(data)

    def number(stop):
        nonlocal pos
        j = data.find(stop, pos, pos + 64)
        if j < 0:
            raise WireError("malformed number at byte %d" % pos)
        text = data[pos:j]
        pos = j + 1
        return text

    def count_of(limit):
        n = _w_int(number(b";"))
        if n < 0 or n > limit:
            raise WireError("bad item count %d" % n)
        return n

    def dec(depth):
        nonlocal pos, count
        count += 1
        if count > MAX_ITEMS or depth > MAX_DEPTH:
            raise WireError("value too large or too deep")
        if pos >= end:
            raise WireError("truncated value")
        tag = data[pos : pos + 1]
        pos += 1
        if tag == b"N":
            return None
        if tag == b"T":
            return True
        if tag == b"F":
            return False
        if tag == b"i":
            return _w_int(number(b";"))
        if tag == b"f":
            return _w_float.fromhex(number(b";").decode("ascii"))
        if tag == b"c":
            re = _w_float.fromhex(number(b";").decode("ascii"))
            return complex(re, _w_float.fromhex(number(b";").decode("ascii")))
        if tag == b"s" or tag == b"b" or tag == b"r":
            n = _w_int(number(b":"))
            if n < 0 or pos + n > end:
                raise WireError("truncated string")
            raw = data[pos : pos + n]
            pos += n
            if tag == b"r":
                if ref is None:
                    raise WireError("references are not accepted here")
                return ref(raw.decode("utf-8"))
            return raw.decode("utf-8", "surrogatepass") if tag == b"s" else raw
        if tag == b"l":
            return [dec(depth + 1) for _ in range(count_of(MAX_ITEMS))]
        if tag == b"t":
            return tuple([dec(depth + 1) for _ in range(count_of(MAX_ITEMS))])
        if tag == b"S":
            return set([dec(depth + 1) for _ in range(count_of(MAX_ITEMS))])
        if tag == b"z":
            return frozenset([dec(depth + 1) for _ in range(count_of(MAX_ITEMS))])
        if tag == b"d":
            out = {}
            for _ in range(count_of(MAX_ITEMS)):
                k = dec(depth + 1)
                out[k] = dec(depth + 1)
            return out
        if tag == b"h":
            return handle(_w_int(number(b";")))
        raise WireError("unknown tag %r at byte %d" % (tag, pos - 1))

    try:
        value = dec(0)
    except WireError:
        raise
    except (ValueError, TypeError, UnicodeDecodeError, OverflowError, RecursionError) as exc:
        # int() of junk, an unhashable set item or dict key, bad UTF-8 ...
        raise WireError("malformed value: %s" % _w_type(exc).__name__)
    if pos != end:
        raise WireError("%d trailing bytes" % (end - pos))
    return value


class Channel:
    """Length-prefixed messages over a pair of pipe descriptors."""

    def __init__(self, rfd, wfd):
        self.rfd, self.wfd = rfd, wfd
        self.buf = b""

    def send(self, payload):
        data = b"%d\n" % _w_len(payload) + payload
        while data:
            data = data[_wos.write(self.wfd, data) :]

    def _fill(self):
        chunk = _wos.read(self.rfd, 1 << 16)
        if not chunk:
            raise EOFError
        self.buf += chunk

    def recv(self):
        """The next message; EOFError when the other side is gone."""
        while b"\n" not in self.buf[:24]:
            if _w_len(self.buf) >= 24:
                raise WireError("malformed frame header")
            self._fill()
        nl = self.buf.index(b"\n")
        n = _w_int(self.buf[:nl])
        if n < 0 or n > MAX_MSG:
            raise WireError("frame of %d bytes" % n)
        while _w_len(self.buf) < nl + 1 + n:
            self._fill()
        payload = self.buf[nl + 1 : nl + 1 + n]
        self.buf = self.buf[nl + 1 + n :]
        return payload
