"""Shared by the editor-protocol test scripts: a counted assertion."""

checks = 0


def check(cond, what):
    """Fail with `what` unless `cond`; count the checks that ran."""
    global checks
    if not cond:
        raise AssertionError(what)
    checks += 1
