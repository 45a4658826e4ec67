# rlvrd verifier zygote: a pre-started interpreter that forks one child per run.
#
# Started by daemon/src/reward/zygote.rs as `python3 -S -s -B zygote.pyc <script.pyc>`
# inside a long-lived bwrap sandbox (one for candidates, one for trusted runners), as
# root of that sandbox (a root daemon only: every child drops to its run's own uid, so
# runs cannot signal, trace or read each other, and the end of a run can kill every
# process of that uid). Interpreter start-up, the harness's imports and its bytecode
# are paid once instead of in every run.
#
# Control socket: fd 3, SOCK_SEQPACKET, one message per datagram.
#   in   b"run <id> <uid> <cpu_s> <memory> <fsize> <nproc> <nofile>" with the child's
#        descriptors 0.. attached (SCM_RIGHTS): fork, set the child up, run main().
#   in   b"kill <id>": SIGKILL every process of the run's uid, remove its directory.
#   out  b"exit <id> <wait status>" when the run's first process ends.
#   out  b"error <id> <message>" when a run could not be started.
# The zygote never runs candidate or test code itself; a child does so only after it
# has dropped root, closed the control socket and applied its rlimits.

import builtins
import fcntl
import marshal
import os
import resource
import select
import shutil
import signal
import socket
import sys

CTRL_FD = 3
RUNS_DIR = "/tmp"

_harness = {"__name__": "rlvrd_zygote_preload", "__builtins__": builtins}
with open(sys.argv[1], "rb") as f:
    exec(marshal.loads(f.read()[16:]), _harness)  # skip the .pyc header
# What the scripts expect of sys.path: [script dir] + stdlib; main() drops the first.
sys.path[0] = os.path.dirname(sys.argv[1])

ctrl = socket.socket(fileno=CTRL_FD)
wake_r, wake_w = os.pipe()
os.set_blocking(wake_w, False)
signal.set_wakeup_fd(wake_w)
signal.signal(signal.SIGCHLD, lambda *_: None)

runs = {}  # pid -> run id
uids = {}  # run id -> uid


def send(msg):
    try:
        ctrl.send(msg)
    except OSError:
        os._exit(0)  # the daemon is gone


def drop_to(uid):
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)


def child(run_id, uid, limits, fds, home):
    """Runs in the forked child; never returns."""
    try:
        os.setsid()
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        # Copy every descriptor above the targets first, then install 0, 1, 2, ...
        high = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 64) for fd in fds]
        for target, fd in enumerate(high):
            os.dup2(fd, target, inheritable=True)
        os.closerange(len(fds), 1 << 20)
        drop_to(uid)
        os.chdir(home)
        os.environ["HOME"] = os.environ["TMPDIR"] = home
        cpu_s, memory, fsize, nproc, nofile = limits
        for res, soft, hard in (
            (resource.RLIMIT_CPU, cpu_s, cpu_s + 1),
            (resource.RLIMIT_AS, memory, memory),
            (resource.RLIMIT_FSIZE, fsize, fsize),
            (resource.RLIMIT_NPROC, nproc, nproc),
            (resource.RLIMIT_NOFILE, nofile, nofile),
            (resource.RLIMIT_CORE, 0, 0),
        ):
            resource.setrlimit(res, (soft, hard))
        _harness["main"]()
    except BaseException:
        pass
    os._exit(1)


def start(parts, fds):
    run_id = int(parts[1])
    try:
        uid = int(parts[2])
        limits = [int(x) for x in parts[3:8]]
        if uid <= 0 or len(limits) != 5:
            raise ValueError("bad run request")
        home = os.path.join(RUNS_DIR, "run-%d" % run_id)
        os.mkdir(home, 0o700)
        os.chown(home, uid, uid)
        pid = os.fork()
        if pid == 0:
            child(run_id, uid, limits, fds, home)
        runs[pid] = run_id
        uids[run_id] = uid
    except Exception as exc:  # noqa: BLE001 -- reported to the daemon
        send(b"error %d %s" % (run_id, str(exc).encode()[:200]))
    finally:
        for fd in fds:
            os.close(fd)


def kill(run_id):
    uid = uids.pop(run_id, None)
    if uid is None:
        return
    pid = os.fork()
    if pid == 0:
        # kill(-1) from the run's uid reaches exactly that uid's processes (setsid and
        # double-fork escapees included), never the zygote or another run.
        try:
            drop_to(uid)
            os.kill(-1, signal.SIGKILL)
        finally:
            os._exit(0)
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
    shutil.rmtree(os.path.join(RUNS_DIR, "run-%d" % run_id), ignore_errors=True)


def reap():
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        run_id = runs.pop(pid, None)
        if run_id is not None:
            send(b"exit %d %d" % (run_id, status))


def main():
    while True:
        ready, _, _ = select.select([ctrl, wake_r], [], [])
        if wake_r in ready:
            os.read(wake_r, 4096)
            reap()
        if ctrl in ready:
            msg, fds, _, _ = socket.recv_fds(ctrl, 4096, 8)
            if not msg:
                os._exit(0)  # the daemon closed its end
            parts = msg.split()
            if parts[0] == b"run":
                start(parts, fds)
            elif parts[0] == b"kill":
                for fd in fds:
                    os.close(fd)
                kill(int(parts[1]))


main()
