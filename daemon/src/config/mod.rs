//! The daemon's configuration: one TOML file, every optional field defaulted by serde,
//! unknown keys rejected, and `validate()` for ranges. Errors name the file, the key
//! and the line so a user can fix a typo without reading code.
//!
//! Relative paths in the file are resolved against the file's own directory (so a
//! config can point at `../examples/tasks` wherever it is started from); a leading
//! `~/` means the user's home.
//!
//! Files: the section structs ([`sections`], [`eval`]), reading and path resolution
//! ([`load`]), range checks ([`validate`]). Every other module reads its settings from
//! here; this module depends on no other part of the crate.

mod eval;
mod load;
mod sections;
mod validate;

#[cfg(test)]
mod tests;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

pub use eval::{AssertsShown, EvalConfig, GateConfig, PromptConfig, MBPP_TEMPLATE};
pub use load::{default_cache_dir, ConfigError, Problem};
pub use sections::*;

/// The whole configuration file.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Where checkpoints, metrics, the lock file and the RPC address live. Default:
    /// `$STATE_DIRECTORY` (systemd `StateDirectory=`), else `$XDG_STATE_HOME/rlvrd`,
    /// else `~/.local/state/rlvrd`.
    #[serde(default)]
    pub state_dir: Option<PathBuf>,
    #[serde(default)]
    pub model: ModelConfig,
    #[serde(default)]
    pub backend: BackendConfig,
    #[serde(default)]
    pub lora: LoraConfig,
    #[serde(default)]
    pub rl: RlConfig,
    #[serde(default)]
    pub reward: RewardConfig,
    #[serde(default)]
    pub sandbox: SandboxConfig,
    #[serde(default)]
    pub tasks: TasksConfig,
    #[serde(default)]
    pub rpc: RpcConfig,
    #[serde(default)]
    pub checkpoints: CheckpointConfig,
    #[serde(default)]
    pub logging: LoggingConfig,
    #[serde(default)]
    pub eval: EvalConfig,
    #[serde(default)]
    pub curriculum: CurriculumConfig,
}
