//! Pre-started interpreters (`zygote.py`): one long-lived bwrap sandbox per side
//! (candidates, trusted runners) holding a Python process that has already started and
//! loaded its script, and forks one child per run. Used for a root daemon under bwrap,
//! where every run has its own uid: the child drops to it before running anything,
//! and the end of a run kills every process of that uid. Elsewhere runs are spawned
//! one sandbox at a time (sandbox.rs).
//!
//! The daemon talks to a zygote over a SOCK_SEQPACKET socket (its fd 3): run requests
//! carry the child's descriptors (SCM_RIGHTS); the zygote reports each run's exit
//! status. A reader thread per zygote routes the reports to the waiting runs. A zygote
//! that dies fails its runs (a verifier error, never a reward) and is started again
//! by the next run.

use std::collections::HashMap;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::process::CommandExt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::oneshot;

use super::sandbox::{LaunchSpec, Limits, RunEnd};
use super::VerifierError;

/// A zygote, started on first use and again after it died.
pub(crate) struct Zygote {
    spec: LaunchSpec,
    live: Mutex<Option<Arc<Live>>>,
}

struct Live {
    sock: OwnedFd,
    waiters: Mutex<HashMap<u64, oneshot::Sender<Result<i32, String>>>>,
    dead: AtomicBool,
    /// Set when the verifier shuts the zygote down: its exit is then expected.
    closing: AtomicBool,
    /// The bwrap process; killed (with its whole sandbox) when the zygote is dropped.
    child: Mutex<std::process::Child>,
}

impl Drop for Live {
    fn drop(&mut self) {
        if let Ok(mut c) = self.child.lock() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for Zygote {
    fn drop(&mut self) {
        // The zygote exits on EOF, which also ends the reader thread (the last owner
        // of `Live` after the runs), which then reaps the sandbox.
        if let Some(live) = self.live.lock().ok().and_then(|mut g| g.take()) {
            live.closing.store(true, Ordering::Release);
            // SAFETY: shutdown(2) on a socket we own.
            unsafe { libc::shutdown(live.sock.as_raw_fd(), libc::SHUT_RDWR) };
        }
    }
}

/// One run in a zygote; killing it (explicitly or on drop) kills its whole uid.
pub(crate) struct ForkedRun {
    live: Arc<Live>,
    id: u64,
    exit: oneshot::Receiver<Result<i32, String>>,
}

static RUN_IDS: AtomicU64 = AtomicU64::new(1);

impl Zygote {
    /// `spec`: the bwrap command line running `zygote.pyc` (not started yet).
    pub(crate) fn new(spec: LaunchSpec) -> Self {
        Zygote { spec, live: Mutex::new(None) }
    }

    fn live(&self) -> Result<Arc<Live>, VerifierError> {
        let mut guard = self.live.lock().expect("zygote lock");
        if let Some(l) = guard.as_ref().filter(|l| !l.dead.load(Ordering::Acquire)) {
            return Ok(l.clone());
        }
        let live = Arc::new(self.start()?);
        let reader = live.clone();
        std::thread::Builder::new()
            .name("rlvrd-zygote".into())
            .spawn(move || read_reports(&reader))
            .map_err(|e| VerifierError::io("start a reader thread for", &self.spec.program, e))?;
        *guard = Some(live.clone());
        Ok(live)
    }

    fn start(&self) -> Result<Live, VerifierError> {
        let (ours, theirs) = seqpacket_pair().map_err(|e| VerifierError::io("create a socket for", &self.spec.program, e))?;
        let mut cmd = std::process::Command::new(&self.spec.program);
        cmd.args(&self.spec.args).env_clear().envs(self.spec.env.iter().map(|(k, v)| (k, v))).stdin(std::process::Stdio::null());
        let fd = theirs.as_raw_fd();
        // SAFETY: runs between fork and exec; only dup2/fcntl/setsid on integers.
        unsafe {
            cmd.pre_exec(move || {
                if libc::setsid() < 0 {
                    return Err(io::Error::last_os_error());
                }
                let r = if fd == 3 { libc::fcntl(fd, libc::F_SETFD, 0) } else { libc::dup2(fd, 3) };
                if r < 0 {
                    return Err(io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd.spawn().map_err(|source| VerifierError::Spawn { program: self.spec.program.clone(), source })?;
        drop(theirs);
        Ok(Live { sock: ours, waiters: Mutex::new(HashMap::new()), dead: AtomicBool::new(false), closing: AtomicBool::new(false), child: Mutex::new(child) })
    }

    /// The bwrap process of the running zygote (tests).
    #[cfg(test)]
    pub(crate) fn pid(&self) -> Option<u32> {
        let guard = self.live.lock().expect("zygote lock");
        guard.as_ref().map(|l| l.child.lock().expect("child lock").id())
    }

    /// Fork a run: `fds` become its descriptors 0, 1, 2, ... in that order.
    pub(crate) fn run(&self, uid: u32, limits: &Limits, fds: &[RawFd]) -> Result<ForkedRun, VerifierError> {
        let live = self.live()?;
        let id = RUN_IDS.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = oneshot::channel();
        live.waiters.lock().expect("waiters lock").insert(id, tx);
        let msg =
            format!("run {id} {uid} {} {} {} {} {}", limits.cpu_s, limits.memory_bytes, limits.file_size_bytes, limits.max_processes, limits.max_open_files);
        if let Err(e) = send_with_fds(live.sock.as_raw_fd(), msg.as_bytes(), fds) {
            live.waiters.lock().expect("waiters lock").remove(&id);
            live.dead.store(true, Ordering::Release);
            return Err(VerifierError::io("send a run to the zygote", &self.spec.program, e));
        }
        Ok(ForkedRun { live, id, exit: rx })
    }
}

impl ForkedRun {
    /// SIGKILL every process of the run (idempotent).
    pub(crate) fn kill(&self) {
        let _ = send_with_fds(self.live.sock.as_raw_fd(), format!("kill {}", self.id).as_bytes(), &[]);
    }

    /// How the run's first process ended.
    pub(crate) async fn wait(&mut self) -> io::Result<RunEnd> {
        match (&mut self.exit).await {
            Ok(Ok(status)) => Ok(if libc::WIFSIGNALED(status) { RunEnd::Signaled(libc::WTERMSIG(status)) } else { RunEnd::Exited(libc::WEXITSTATUS(status)) }),
            Ok(Err(why)) => Err(io::Error::other(format!("the zygote could not start the run: {why}"))),
            Err(_) => Err(io::Error::other("the verifier's zygote process died")),
        }
    }
}

impl Drop for ForkedRun {
    fn drop(&mut self) {
        self.kill();
        self.live.waiters.lock().expect("waiters lock").remove(&self.id);
    }
}

/// Reader thread: route `exit` / `error` reports to their runs until the zygote is gone.
fn read_reports(live: &Live) {
    let mut buf = [0u8; 4096];
    loop {
        // SAFETY: recv into a stack buffer we own, of the length given.
        let n = unsafe { libc::recv(live.sock.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len(), 0) };
        if n < 0 && io::Error::last_os_error().kind() == io::ErrorKind::Interrupted {
            continue;
        }
        if n <= 0 {
            break;
        }
        let text = String::from_utf8_lossy(&buf[..n as usize]).into_owned();
        let mut parts = text.splitn(3, ' ');
        let (kind, id, rest) = (parts.next(), parts.next().and_then(|s| s.parse::<u64>().ok()), parts.next().unwrap_or(""));
        let Some(id) = id else { continue };
        let report = match kind {
            Some("exit") => rest.trim().parse::<i32>().map_err(|e| e.to_string()),
            Some("error") => Err(rest.to_string()),
            _ => continue,
        };
        if let Some(tx) = live.waiters.lock().expect("waiters lock").remove(&id) {
            let _ = tx.send(report);
        }
    }
    live.dead.store(true, Ordering::Release);
    if !live.closing.load(Ordering::Acquire) {
        tracing::warn!("verifier zygote exited; the next run starts a new one");
    }
    // Dropping the senders fails every run still waiting.
    live.waiters.lock().expect("waiters lock").clear();
}

fn seqpacket_pair() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0 as RawFd; 2];
    // SAFETY: socketpair writes two descriptors into the array we own.
    if unsafe { libc::socketpair(libc::AF_UNIX, libc::SOCK_SEQPACKET | libc::SOCK_CLOEXEC, 0, fds.as_mut_ptr()) } < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: both descriptors were just created and are owned by nobody else.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// One datagram with `fds` attached as SCM_RIGHTS.
fn send_with_fds(sock: RawFd, data: &[u8], fds: &[RawFd]) -> io::Result<()> {
    let mut iov = libc::iovec { iov_base: data.as_ptr() as *mut libc::c_void, iov_len: data.len() };
    let fd_bytes = std::mem::size_of_val(fds) as u32;
    // SAFETY: CMSG_SPACE is arithmetic.
    let space = unsafe { libc::CMSG_SPACE(fd_bytes) } as usize;
    // u64 elements: the control buffer must be aligned for cmsghdr.
    let mut control = vec![0u64; space.div_ceil(8)];
    // SAFETY: a zeroed msghdr is a valid empty message; the fields set below point into
    // `iov` and `control`, which outlive the sendmsg call.
    unsafe {
        let mut msg: libc::msghdr = std::mem::zeroed();
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        if !fds.is_empty() {
            msg.msg_control = control.as_mut_ptr().cast();
            msg.msg_controllen = space as _;
            let cmsg = libc::CMSG_FIRSTHDR(&msg);
            (*cmsg).cmsg_level = libc::SOL_SOCKET;
            (*cmsg).cmsg_type = libc::SCM_RIGHTS;
            (*cmsg).cmsg_len = libc::CMSG_LEN(fd_bytes) as _;
            std::ptr::copy_nonoverlapping(fds.as_ptr(), libc::CMSG_DATA(cmsg).cast::<RawFd>(), fds.len());
        }
        loop {
            if libc::sendmsg(sock, &msg, libc::MSG_NOSIGNAL) >= 0 {
                return Ok(());
            }
            let e = io::Error::last_os_error();
            if e.kind() != io::ErrorKind::Interrupted {
                return Err(e);
            }
        }
    }
}
