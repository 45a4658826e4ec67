//! The only code that touches the task tree on disk: which names count, how a file is
//! read safely (bounded, inside the root, UTF-8), and the recursive walk that finds
//! the load units (data files and task folders). Everything hostile a user directory
//! can contain (symlink loops, links out of the root, FIFOs, files that vanish or grow
//! while read) ends here as a [`TaskError`], never as a panic or a hang.

use std::fs::{self, File};
use std::io::{self, Read};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use super::error::{line_of, ErrorReason, TaskError};

/// The folder-task manifest.
pub const TASK_TOML: &str = "task.toml";

/// Deepest directory nesting walked, a guard against pathological trees.
const MAX_DEPTH: usize = 32;

/// What a file name means to the loader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `*.jsonl` (one record per line) or `*.json` (an array of records).
    Data,
    /// `task.toml`.
    Manifest,
    /// `test_*.py`.
    Test,
    /// Anything else (README.md, solutions, data files of a task): not read.
    Other,
}

pub fn classify(name: &str) -> FileKind {
    if name == TASK_TOML {
        FileKind::Manifest
    } else if name.starts_with("test_") && name.ends_with(".py") {
        FileKind::Test
    } else if name.ends_with(".jsonl") || name.ends_with(".json") {
        FileKind::Data
    } else {
        FileKind::Other
    }
}

/// Names never looked at: hidden files and folders (editor state, `.git`), editor
/// backups and swap files, Emacs lock and autosave files, Python caches. Editors save
/// through such names, so ignoring them also keeps save storms out of the watcher.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
        || name == "__pycache__"
        || [".swp", ".swo", ".swx", ".tmp", ".part"].iter().any(|ext| name.ends_with(ext))
}

/// `path` relative to `root`, `/`-separated (`""` for the root itself). `None` when
/// the path is outside the root, has an ignored component, or is not UTF-8.
pub fn rel_key(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let mut parts = Vec::new();
    for c in rel.components() {
        let part = c.as_os_str().to_str()?;
        if is_ignored_name(part) {
            return None;
        }
        parts.push(part);
    }
    Some(parts.join("/"))
}

/// Parent key of a relative key (`"a/b"` -> `"a"`, `"a"` -> `""`).
pub fn parent_key(rel: &str) -> &str {
    rel.rfind('/').map_or("", |i| &rel[..i])
}

/// Last component of a relative key.
pub fn file_name(rel: &str) -> &str {
    rel.rfind('/').map_or(rel, |i| &rel[i + 1..])
}

/// The root and its limits, shared by every read.
#[derive(Debug, Clone)]
pub struct Tree {
    /// Canonical root: every path read must resolve inside it.
    pub root: PathBuf,
    pub max_file_bytes: u64,
}

impl Tree {
    pub fn abs(&self, rel: &str) -> PathBuf {
        if rel.is_empty() {
            self.root.clone()
        } else {
            self.root.join(rel)
        }
    }

    /// Read `rel` as UTF-8 text (BOM dropped, CRLF turned into LF).
    pub fn read_text(&self, rel: &str) -> Result<String, TaskError> {
        let err = |reason| TaskError::new(rel, None, reason);
        let real = self.resolve(&self.abs(rel)).map_err(err)?;
        let meta = fs::metadata(&real).map_err(|e| err(io_reason(&e)))?;
        if !meta.is_file() {
            return Err(err(ErrorReason::Io("not a regular file".into())));
        }
        if meta.len() > self.max_file_bytes {
            return Err(err(ErrorReason::TooLarge { size: meta.len(), max: self.max_file_bytes }));
        }
        // O_NONBLOCK: if the file was swapped for a FIFO since the check, open must not
        // wait for a writer.
        let file = fs::OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK).open(&real).map_err(|e| err(io_reason(&e)))?;
        let bytes = read_bounded(file, self.max_file_bytes).map_err(|e| err(io_reason(&e)))?;
        if bytes.len() as u64 > self.max_file_bytes {
            let size = bytes.len() as u64;
            return Err(err(ErrorReason::TooLarge { size, max: self.max_file_bytes }));
        }
        decode(bytes).map_err(|line| TaskError::new(rel, Some(line), ErrorReason::NotUtf8))
    }

    /// Canonical form of `path`, refused when it leaves the root.
    pub fn resolve(&self, path: &Path) -> Result<PathBuf, ErrorReason> {
        let real = fs::canonicalize(path).map_err(|e| match fs::symlink_metadata(path) {
            Ok(m) if m.file_type().is_symlink() && e.kind() == io::ErrorKind::NotFound => ErrorReason::DanglingSymlink,
            _ => io_reason(&e),
        })?;
        if real.starts_with(&self.root) {
            Ok(real)
        } else {
            Err(ErrorReason::OutsideRoot { target: real.display().to_string() })
        }
    }
}

/// Read at most `max + 1` bytes, so a file growing while read is caught, not followed.
fn read_bounded(file: File, max: u64) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    file.take(max.saturating_add(1)).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Bytes to text, or the 1-based line of the first invalid byte.
fn decode(bytes: Vec<u8>) -> Result<String, usize> {
    match String::from_utf8(bytes) {
        Ok(text) => {
            let text = text.strip_prefix('\u{feff}').map(str::to_owned).unwrap_or(text);
            Ok(if text.contains('\r') { text.replace("\r\n", "\n") } else { text })
        }
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            // The prefix up to `valid` is UTF-8 by definition.
            Err(line_of(std::str::from_utf8(&bytes[..valid]).unwrap_or_default(), valid))
        }
    }
}

/// An I/O error as a user-facing reason.
pub fn io_reason(e: &io::Error) -> ErrorReason {
    match e.kind() {
        io::ErrorKind::NotFound => ErrorReason::Vanished,
        _ if e.raw_os_error() == Some(libc::ELOOP) => ErrorReason::SymlinkLoop,
        _ => ErrorReason::Io(e.to_string()),
    }
}

/// A load unit found by the walk, keyed by its path relative to the root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// A `.jsonl` / `.json` file.
    DataFile(String),
    /// A folder with a `task.toml`.
    Folder(String),
    /// A `test_*.py` in a folder without `task.toml` (reported, so a half-made task
    /// is visible rather than silently ignored).
    Orphan(String),
    /// Something at this key that cannot be walked (symlink loop, link out of root).
    Problem(TaskError),
}

impl Found {
    pub fn key(&self) -> &str {
        match self {
            Found::DataFile(k) | Found::Folder(k) | Found::Orphan(k) => k,
            Found::Problem(e) => &e.file,
        }
    }
}

impl Tree {
    /// Everything at or below `rel` (a file or a folder). A missing path finds nothing.
    pub fn walk(&self, rel: &str) -> Vec<Found> {
        let mut out = Vec::new();
        if rel.is_empty() {
            self.walk_dir(rel, &self.root, &mut Vec::new(), &mut out);
        } else {
            self.visit(rel, &mut self.ancestors(rel), &mut out);
        }
        out
    }

    /// One directory entry (any type) at `rel`; `stack` holds the canonical folders
    /// on the way down, which is how symlink cycles are recognised.
    fn visit(&self, rel: &str, stack: &mut Vec<PathBuf>, out: &mut Vec<Found>) {
        let abs = self.abs(rel);
        let problem = |reason| Found::Problem(TaskError::new(rel, None, reason));
        // Gone since it was listed (or since the event): nothing to load.
        let Ok(meta) = fs::symlink_metadata(&abs) else { return };
        let real = match self.resolve(&abs) {
            Ok(real) => real,
            Err(ErrorReason::Vanished) if !meta.file_type().is_symlink() => return,
            Err(reason) => return out.push(problem(reason)),
        };
        if !real.is_dir() {
            let (name, parent) = (file_name(rel), parent_key(rel));
            match classify(name) {
                FileKind::Data => out.push(Found::DataFile(rel.to_owned())),
                FileKind::Manifest if parent.is_empty() => out.push(problem(ErrorReason::ManifestAtRoot)),
                FileKind::Test if !self.abs(parent).join(TASK_TOML).exists() => out.push(Found::Orphan(rel.to_owned())),
                FileKind::Test | FileKind::Manifest if !parent.is_empty() => out.push(Found::Folder(parent.to_owned())),
                _ => {}
            }
        } else if stack.contains(&real) {
            out.push(problem(ErrorReason::SymlinkLoop));
        } else if stack.len() >= MAX_DEPTH {
            out.push(problem(ErrorReason::Io(format!("folders nested deeper than {MAX_DEPTH}; not read"))));
        } else if real.join(TASK_TOML).exists() {
            out.push(Found::Folder(rel.to_owned()));
        } else {
            self.walk_dir(rel, &real, stack, out);
        }
    }

    /// Canonical folders from the root down to `rel`'s parent, for a walk that starts
    /// below the root (an incremental reload).
    fn ancestors(&self, rel: &str) -> Vec<PathBuf> {
        let mut stack = vec![self.root.clone()];
        let mut prefix = String::new();
        for part in parent_key(rel).split('/').filter(|p| !p.is_empty()) {
            prefix = if prefix.is_empty() { part.to_owned() } else { format!("{prefix}/{part}") };
            if let Ok(real) = fs::canonicalize(self.abs(&prefix)) {
                stack.push(real);
            }
        }
        stack
    }

    fn walk_dir(&self, rel: &str, real: &Path, stack: &mut Vec<PathBuf>, out: &mut Vec<Found>) {
        let entries = match fs::read_dir(real) {
            Ok(entries) => entries,
            Err(e) => {
                let key = if rel.is_empty() { "." } else { rel };
                let reason = if rel.is_empty() && e.kind() == io::ErrorKind::NotFound { ErrorReason::MissingRoot } else { io_reason(&e) };
                return out.push(Found::Problem(TaskError::new(key, None, reason)));
            }
        };
        let mut names: Vec<_> = entries.filter_map(Result::ok).map(|e| e.file_name()).collect();
        names.sort();
        stack.push(real.to_path_buf());
        for name in names {
            let Some(name) = name.to_str() else {
                let lossy = name.to_string_lossy();
                let shown = if rel.is_empty() { lossy.into_owned() } else { format!("{rel}/{lossy}") };
                out.push(Found::Problem(TaskError::new(shown, None, ErrorReason::BadFileName)));
                continue;
            };
            if is_ignored_name(name) {
                continue;
            }
            let child = if rel.is_empty() { name.to_owned() } else { format!("{rel}/{name}") };
            self.visit(&child, stack, out);
        }
        stack.pop();
    }
}
