//! Reading a config file: TOML parsing with key and line context in every error, path
//! resolution against the file's directory, the state directory in force.

use std::path::{Path, PathBuf};

use super::Config;

/// Everything wrong with a config file, with file / key / line context.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: cannot read config file: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("{}", format_problems(path, problems))]
    Invalid { path: String, problems: Vec<Problem> },
}

/// One problem at one key of a config file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Dotted key path (`rl.group_size`); empty when the file is not valid TOML.
    pub key: String,
    /// 1-based line, when it can be located.
    pub line: Option<usize>,
    /// What is wrong and what is allowed.
    pub message: String,
}

fn format_problems(path: &str, problems: &[Problem]) -> String {
    let lines: Vec<String> = problems
        .iter()
        .map(|p| {
            let at = p.line.map(|l| format!(":{l}")).unwrap_or_default();
            if p.key.is_empty() {
                format!("{path}{at}: {}", p.message)
            } else {
                format!("{path}{at}: key `{}`: {}", p.key, p.message)
            }
        })
        .collect();
    lines.join("\n")
}

/// `$XDG_CACHE_HOME/rlvrd` (or `~/.cache/rlvrd`): downloaded models live here.
pub fn default_cache_dir() -> PathBuf {
    xdg_dir("XDG_CACHE_HOME", ".cache").join("rlvrd")
}

fn xdg_dir(var: &str, fallback: &str) -> PathBuf {
    match std::env::var_os(var) {
        Some(v) if !v.is_empty() => PathBuf::from(v),
        _ => home_dir().join(fallback),
    }
}

fn home_dir() -> PathBuf {
    std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("/"))
}

fn expand(path: &Path, base: &Path) -> PathBuf {
    if let Ok(rest) = path.strip_prefix("~") {
        return home_dir().join(rest);
    }
    if path.is_relative() {
        base.join(path)
    } else {
        path.to_path_buf()
    }
}

impl Config {
    /// Read, parse, resolve paths and validate `path`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read { path: path.display().to_string(), source })?;
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let base = if base.as_os_str().is_empty() { PathBuf::from(".") } else { base };
        Self::from_toml(&text, &path.display().to_string(), &base)
    }

    /// Parse TOML text; `name` is used in messages, `base` resolves relative paths.
    pub fn from_toml(text: &str, name: &str, base: &Path) -> Result<Config, ConfigError> {
        let invalid = |problems| ConfigError::Invalid { path: name.to_string(), problems };
        let de = toml::Deserializer::parse(text).map_err(|e| invalid(vec![toml_problem(text, "", &e)]))?;
        let mut cfg: Config = serde_path_to_error::deserialize(de).map_err(|e| {
            let key = e.path().to_string();
            let key = if key == "." { String::new() } else { key };
            invalid(vec![toml_problem(text, &key, e.inner())])
        })?;
        cfg.resolve_paths(base);
        let problems: Vec<Problem> = cfg.validate().into_iter().map(|(key, message)| Problem { line: locate_key(text, &key), key, message }).collect();
        if problems.is_empty() {
            Ok(cfg)
        } else {
            Err(invalid(problems))
        }
    }

    fn resolve_paths(&mut self, base: &Path) {
        if let Some(d) = &self.state_dir {
            self.state_dir = Some(expand(d, base));
        }
        self.model.path = expand(&self.model.path, base);
        self.tasks.dir = expand(&self.tasks.dir, base);
        self.eval.file = expand(&self.eval.file, base);
        if let Some(t) = &self.rpc.auth_token_file {
            self.rpc.auth_token_file = Some(expand(t, base));
        }
        // Bare program names (`python3`) are looked up on PATH, not resolved.
        for p in [&mut self.sandbox.python, &mut self.sandbox.ruff] {
            if p.components().count() > 1 {
                *p = expand(p, base);
            }
        }
    }

    /// The state directory in force (config, then systemd, then XDG).
    pub fn state_dir(&self) -> PathBuf {
        if let Some(d) = &self.state_dir {
            return d.clone();
        }
        // systemd sets STATE_DIRECTORY (colon-separated) when the unit has StateDirectory=.
        if let Some(s) = std::env::var_os("STATE_DIRECTORY") {
            if let Some(first) = s.to_string_lossy().split(':').next().filter(|p| !p.is_empty()) {
                return PathBuf::from(first);
            }
        }
        xdg_dir("XDG_STATE_HOME", ".local/state").join("rlvrd")
    }

    /// The resolved config as TOML (what `check-config` prints).
    pub fn to_toml(&self) -> String {
        let mut resolved = self.clone();
        resolved.state_dir = Some(self.state_dir());
        toml::to_string_pretty(&resolved).unwrap_or_else(|e| format!("# cannot render config: {e}\n"))
    }
}

/// Turn a toml/serde error into a Problem with the line of its span.
fn toml_problem(text: &str, key: &str, e: &toml::de::Error) -> Problem {
    let line = e.span().map(|s| line_of(text, s.start)).or_else(|| locate_key(text, key));
    Problem { key: key.to_string(), line, message: e.message().trim().to_string() }
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].bytes().filter(|&b| b == b'\n').count() + 1
}

/// Find the line of `section.key` by scanning for the `[section]` header and then
/// `key =`. Good for the plain layout configs use; `None` when not found (the
/// message still names the key).
fn locate_key(text: &str, dotted: &str) -> Option<usize> {
    let (section, key) = match dotted.rsplit_once('.') {
        Some((s, k)) => (s, k),
        None => ("", dotted),
    };
    let key = key.split('[').next().unwrap_or(key);
    let mut in_section = section.is_empty();
    let mut section_line = None;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.starts_with('[') {
            let name = line.trim_start_matches('[').split(']').next().unwrap_or("").trim();
            in_section = name == section;
            if in_section {
                section_line = Some(i + 1);
            }
            continue;
        }
        if in_section {
            if let Some((k, _)) = line.split_once('=') {
                if k.trim().trim_matches('"') == key {
                    return Some(i + 1);
                }
            }
        }
    }
    section_line
}
