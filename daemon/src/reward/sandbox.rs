//! Process mechanics of one sandboxed run: spawn (own session, rlimits, result pipe on
//! fd 3, cleared environment), feed the job on stdin, capture bounded stdout/stderr,
//! enforce the wall-clock timeout, and kill the whole process group afterwards. What
//! to spawn (bwrap, unshare, plain python; which uid) is decided in `isolation.rs`.

use std::ffi::OsString;
use std::fmt;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::process::Command;

use super::outcome::Outcome;
use super::zygote::{ForkedRun, Zygote};
use super::VerifierError;

/// Bound on the event stream: a plan plus one short line per test.
const MAX_RESULT_BYTES: usize = 4 << 20;
/// How long to wait for pipes to reach EOF once the group is dead. Only a process
/// that escaped the group (setsid without a PID namespace) can hold them longer.
const DRAIN_GRACE: Duration = Duration::from_millis(500);

/// A fully resolved command line for one run.
#[derive(Debug, Clone)]
pub(crate) struct LaunchSpec {
    pub program: PathBuf,
    pub args: Vec<OsString>,
    pub cwd: Option<PathBuf>,
    /// Drop to this uid (= gid) at spawn (root daemon without bwrap).
    pub uid: Option<u32>,
    /// Candidates run under the daemon's own uid (non-root daemon): see `rlimits`.
    pub shares_daemon_uid: bool,
    pub env: Vec<(&'static str, String)>,
}

/// Kernel-enforced limits, applied in the child between fork and exec.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    pub timeout: Duration,
    pub cpu_s: u64,
    pub memory_bytes: u64,
    pub file_size_bytes: u64,
    pub max_processes: u64,
    pub max_open_files: u64,
    pub max_output_bytes: usize,
}

/// Captured output: the first `limit` bytes, and how much was written in all.
#[derive(Debug, Default, Clone)]
pub(crate) struct Capture {
    pub bytes: Vec<u8>,
    pub total: u64,
}

/// How the process ended.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RunEnd {
    Exited(i32),
    Signaled(i32),
    TimedOut { after_s: f64 },
}

impl RunEnd {
    /// Outcome for tests the run never reported. bwrap reports a child's death by
    /// signal as exit status 128 + signal.
    pub(crate) fn cut_off_outcome(&self) -> Outcome {
        let signal = match *self {
            RunEnd::TimedOut { .. } => return Outcome::Timeout,
            RunEnd::Signaled(s) => s,
            RunEnd::Exited(c) if c > 128 => c - 128,
            RunEnd::Exited(_) => 0,
        };
        if signal == libc::SIGXCPU {
            Outcome::Timeout
        } else {
            Outcome::Killed
        }
    }
}

impl fmt::Display for RunEnd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunEnd::Exited(c) => write!(f, "exited with status {c}"),
            RunEnd::Signaled(s) => write!(f, "killed by signal {s}"),
            RunEnd::TimedOut { after_s } => write!(f, "timed out after {after_s:.1} s"),
        }
    }
}

/// Everything one run produced.
#[derive(Debug)]
pub(crate) struct RawRun {
    /// How the run ended, as far as unreported tests are concerned: the timeout, else
    /// the candidate's own end when it ended before the tests did, else the trusted
    /// runner's.
    pub end: RunEnd,
    pub results: Vec<u8>,
    /// The candidate's output.
    pub stdout: Capture,
    pub stderr: Capture,
    /// The trusted runner's stderr (its own failures; test code's prints).
    pub trusted_stderr: Capture,
    pub wall: Duration,
}

/// Kills the run's whole process group when dropped: after a normal exit (daemonized
/// leftovers), on timeout, and when the verifying future is cancelled. Safe against
/// PID reuse because Linux does not recycle a PID number while any process still has
/// it as its process-group id; once the group is empty the kill is a no-op.
struct GroupKill(libc::pid_t);

impl Drop for GroupKill {
    fn drop(&mut self) {
        // SAFETY: kill(2) has no memory-safety preconditions.
        unsafe { libc::kill(-self.0, libc::SIGKILL) };
    }
}

/// A pipe whose two ends are closed on exec unless installed in a child explicitly.
fn pipe_cloexec() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0 as RawFd; 2];
    // SAFETY: pipe2 writes two descriptors into the array we own.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: both descriptors were just created and are owned by nobody else.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// How one side of a run is started.
pub(crate) enum Start<'a> {
    /// A new process (its own sandbox) from this command line.
    Spawn(&'a LaunchSpec),
    /// A child of a pre-started interpreter, under this uid.
    Fork { zygote: &'a Zygote, uid: u32 },
}

/// One started side: its end, and a way to kill all of it.
enum Running {
    Spawned { child: tokio::process::Child, _group: GroupKill, pgid: libc::pid_t },
    Forked(ForkedRun),
}

impl Running {
    /// Start `how` with `fds` as its descriptors 0, 1, 2, ... (`fds[0]` is stdin).
    fn start(how: &Start<'_>, limits: &Limits, fds: &[RawFd]) -> Result<Running, VerifierError> {
        match how {
            Start::Spawn(spec) => {
                let dup = |fd: RawFd| -> Result<Stdio, VerifierError> {
                    // SAFETY: `fd` is one of run_pair's pipe ends, open for this whole call.
                    let fd = unsafe { std::os::fd::BorrowedFd::borrow_raw(fd) };
                    let owned = fd.try_clone_to_owned().map_err(|e| VerifierError::io("duplicate a pipe for", &spec.program, e))?;
                    Ok(Stdio::from(owned))
                };
                let mut extra = [(-1, -1); 3];
                for (slot, (i, &fd)) in extra.iter_mut().zip(fds.iter().enumerate().skip(3)) {
                    *slot = (fd, i as RawFd);
                }
                let mut cmd = command(spec, limits, extra);
                cmd.stdin(dup(fds[0])?).stdout(dup(fds[1])?).stderr(dup(fds[2])?);
                let child = cmd.spawn().map_err(|source| VerifierError::Spawn { program: spec.program.clone(), source })?;
                let pgid = child.id().expect("a just-spawned child has a pid") as libc::pid_t;
                Ok(Running::Spawned { child, _group: GroupKill(pgid), pgid })
            }
            Start::Fork { zygote, uid } => Ok(Running::Forked(zygote.run(*uid, limits, fds)?)),
        }
    }

    async fn wait(&mut self) -> io::Result<RunEnd> {
        match self {
            Running::Spawned { child, .. } => {
                let s = child.wait().await?;
                Ok(match s.signal() {
                    Some(sig) => RunEnd::Signaled(sig),
                    None => RunEnd::Exited(s.code().unwrap_or(-1)),
                })
            }
            Running::Forked(run) => run.wait().await,
        }
    }

    fn kill(&self) {
        match self {
            // SAFETY: see GroupKill.
            Running::Spawned { pgid, .. } => unsafe {
                libc::kill(-*pgid, libc::SIGKILL);
            },
            Running::Forked(run) => run.kill(),
        }
    }
}

/// Run a candidate and its trusted test runner side by side, each under `limits` in
/// its own process group (or uid, when forked), connected by two pipes (requests to
/// the candidate on its fd 4, replies on its fd 3; the runner reads replies on fd 4,
/// writes requests on fd 5 and its result events on fd 3, which only it holds). One
/// wall-clock budget covers both.
pub(crate) async fn run_pair(
    candidate: Start<'_>,
    candidate_stdin: &[u8],
    trusted: Start<'_>,
    trusted_stdin: &[u8],
    limits: &Limits,
) -> Result<RawRun, VerifierError> {
    let pipe_err = |e| VerifierError::io("create a pipe for", "the sandbox", e);
    let (req_r, req_w) = pipe_cloexec().map_err(pipe_err)?;
    let (rep_r, rep_w) = pipe_cloexec().map_err(pipe_err)?;
    let (res_r, res_w) = pipe_cloexec().map_err(pipe_err)?;
    let (cin_r, cin_w) = pipe_cloexec().map_err(pipe_err)?;
    let (cout_r, cout_w) = pipe_cloexec().map_err(pipe_err)?;
    let (cerr_r, cerr_w) = pipe_cloexec().map_err(pipe_err)?;
    let (tin_r, tin_w) = pipe_cloexec().map_err(pipe_err)?;
    let (tout_r, tout_w) = pipe_cloexec().map_err(pipe_err)?;
    let (terr_r, terr_w) = pipe_cloexec().map_err(pipe_err)?;
    let started = Instant::now();
    let raw = |f: &OwnedFd| f.as_raw_fd();
    let mut cproc = Running::start(&candidate, limits, &[raw(&cin_r), raw(&cout_w), raw(&cerr_w), raw(&rep_w), raw(&req_r)])?;
    let mut tproc = Running::start(&trusted, limits, &[raw(&tin_r), raw(&tout_w), raw(&terr_w), raw(&res_w), raw(&rep_r), raw(&req_w)])?;
    // Our copies of the children's ends must go, or no pipe ever reaches EOF.
    drop((req_r, req_w, rep_r, rep_w, res_w, cin_r, cout_w, cerr_w, tin_r, tout_w, terr_w));
    use tokio::net::unix::pipe::{Receiver, Sender};
    let reader = |fd: OwnedFd| Receiver::from_owned_fd(fd).ok();
    let writer = |fd: OwnedFd| Sender::from_owned_fd(fd).ok();
    let (mut cin, cout, cerr) = (writer(cin_w), reader(cout_r), reader(cerr_r));
    let (mut tin, tout, terr, results) = (writer(tin_w), reader(tout_r), reader(terr_r), reader(res_r));

    let (mut out, mut err, mut res) = (Capture::default(), Capture::default(), Capture::default());
    let (mut tout_cap, mut terr_cap) = (Capture::default(), Capture::default());
    let max = limits.max_output_bytes;
    let io = async {
        // A failed write only means that process already died: its end says why.
        let feed_c = async {
            if let Some(mut w) = cin.take() {
                let _ = w.write_all(candidate_stdin).await;
            }
        };
        let feed_t = async {
            if let Some(mut w) = tin.take() {
                let _ = w.write_all(trusted_stdin).await;
            }
        };
        tokio::join!(
            feed_c,
            feed_t,
            pump(cout, &mut out, max),
            pump(cerr, &mut err, max),
            pump(tout, &mut tout_cap, 0),
            pump(terr, &mut terr_cap, max),
            pump(results, &mut res, MAX_RESULT_BYTES)
        );
    };
    // Boxed, not pinned on the stack, so that dropping it ends the borrows of the captures.
    let mut io = Box::pin(io);
    let waiter = async {
        let deadline = tokio::time::sleep(limits.timeout);
        tokio::pin!(deadline);
        let mut candidate_end = None;
        let end = loop {
            tokio::select! {
                biased;
                t = tproc.wait() => {
                    let t = t?;
                    break candidate_end.clone().unwrap_or(t);
                }
                c = cproc.wait(), if candidate_end.is_none() => candidate_end = Some(c?),
                _ = &mut deadline => {
                    cproc.kill();
                    tproc.kill();
                    tproc.wait().await?;
                    break RunEnd::TimedOut { after_s: limits.timeout.as_secs_f64() };
                }
            }
        };
        // The candidate serves requests until the runner is gone; whatever is left
        // of it now is done.
        cproc.kill();
        if candidate_end.is_none() {
            cproc.wait().await?;
        }
        io::Result::Ok(end)
    };
    let (end, io_done) = {
        let mut waiter = std::pin::pin!(waiter);
        let mut io_done = false;
        let end = tokio::select! {
            end = &mut waiter => end,
            _ = &mut io => {
                io_done = true;
                waiter.await
            }
        };
        (end, io_done)
    };
    let end = end.map_err(|e| VerifierError::io("wait for", "the sandboxed run", e))?;
    let wall = started.elapsed();
    // Kill what is left of both sides (background children), so pipes reach EOF.
    cproc.kill();
    tproc.kill();
    if !io_done {
        let _ = tokio::time::timeout(DRAIN_GRACE, &mut io).await;
    }
    drop(io);
    drop((cproc, tproc));
    Ok(RawRun { end, results: res.bytes, stdout: out, stderr: err, trusted_stderr: terr_cap, wall })
}

/// `fds`: (descriptor here, number in the child) pairs; -1 marks an unused slot.
fn command(spec: &LaunchSpec, limits: &Limits, fds: [(RawFd, RawFd); 3]) -> Command {
    let mut cmd = Command::new(&spec.program);
    cmd.args(&spec.args).env_clear().envs(spec.env.iter().map(|(k, v)| (k, v))).kill_on_drop(true);
    if let Some(dir) = &spec.cwd {
        cmd.current_dir(dir);
    }
    if let Some(uid) = spec.uid {
        // std drops supplementary groups, then gid, then uid, before pre_exec runs.
        cmd.uid(uid).gid(uid);
    }
    let mut limits = *limits;
    if spec.shares_daemon_uid {
        // RLIMIT_NPROC counts every task of the uid, the daemon's own threads
        // included: budget those on top, or a busy daemon could not start a run.
        // Other processes of the same user still count: run rlvrd as its own user.
        limits.max_processes += own_thread_count();
    }
    let rlimits = rlimits(&limits);
    // SAFETY: the closure runs in the forked child before exec and only makes
    // async-signal-safe system calls (setsid, setrlimit, fcntl, dup2) on values
    // captured by copy; it allocates nothing and takes no locks.
    unsafe {
        cmd.pre_exec(move || child_setup(fds, &rlimits));
    }
    cmd
}

fn own_thread_count() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status.lines().find_map(|l| l.strip_prefix("Threads:")).and_then(|n| n.trim().parse().ok()).unwrap_or(256)
}

type Resource = libc::__rlimit_resource_t;

fn rlimits(l: &Limits) -> [(Resource, u64, u64); 6] {
    [
        // SIGXCPU at the soft limit, SIGKILL one second later.
        (libc::RLIMIT_CPU, l.cpu_s, l.cpu_s + 1),
        (libc::RLIMIT_AS, l.memory_bytes, l.memory_bytes),
        (libc::RLIMIT_FSIZE, l.file_size_bytes, l.file_size_bytes),
        // Does not bind uid 0, hence the uid drop for a root daemon (isolation.rs).
        (libc::RLIMIT_NPROC, l.max_processes, l.max_processes),
        (libc::RLIMIT_NOFILE, l.max_open_files, l.max_open_files),
        (libc::RLIMIT_CORE, 0, 0),
    ]
}

/// Runs in the child between fork and exec (see the SAFETY note in `command`).
fn child_setup(fds: [(RawFd, RawFd); 3], rlimits: &[(Resource, u64, u64)]) -> io::Result<()> {
    let check = |r: libc::c_int| if r < 0 { Err(io::Error::last_os_error()) } else { Ok(r) };
    // SAFETY: plain system calls on integers and a stack-allocated struct.
    unsafe {
        // Own session and process group: one killpg reaches every descendant that
        // does not call setsid itself (those die with bwrap's PID namespace).
        check(libc::setsid())?;
        // Before the rlimits (RLIMIT_NOFILE would refuse the copies in a daemon with
        // many descriptors open). Copy every source above the targets first (close-on-exec copies), so that
        // installing one target cannot clobber a source that happens to be another
        // target's number; dup2 then clears close-on-exec on the target only.
        let mut tmp = [-1 as RawFd; 3];
        for (slot, &(src, _)) in tmp.iter_mut().zip(fds.iter()) {
            if src >= 0 {
                *slot = check(libc::fcntl(src, libc::F_DUPFD_CLOEXEC, 16))?;
            }
        }
        for (&t, &(_, target)) in tmp.iter().zip(fds.iter()) {
            if t >= 0 {
                check(libc::dup2(t, target))?;
            }
        }
        for &(resource, soft, hard) in rlimits {
            let lim = libc::rlimit { rlim_cur: soft, rlim_max: hard };
            check(libc::setrlimit(resource, &lim))?;
        }
    }
    Ok(())
}

/// Read `src` to EOF, keeping the first `limit` bytes. Reading on past the limit (and
/// discarding) keeps a chatty candidate from blocking on a full pipe, so it is judged
/// on its tests rather than on its output volume; the timeout bounds the total work.
async fn pump<R: AsyncRead + Unpin>(src: Option<R>, cap: &mut Capture, limit: usize) {
    let Some(mut src) = src else { return };
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match src.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                let keep = n.min(limit.saturating_sub(cap.bytes.len()));
                cap.bytes.extend_from_slice(&buf[..keep]);
                cap.total += n as u64;
            }
        }
    }
}
