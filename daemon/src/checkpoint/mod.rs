//! Checkpoints: the LoRA adapter (PEFT layout), AdamW moments and the trainer's
//! resumable state, written so that a crash at any instant leaves either the old or
//! the new checkpoint on disk, never a half-written one that resume would trust.
//!
//! On-disk layout under the store's directory (`<state_dir>/checkpoints`):
//!
//! ```text
//! step-000123/
//!   adapter/adapter_config.json         PEFT config (loadable by PEFT and `lora::load_peft`)
//!   adapter/adapter_model.safetensors   lora_A / lora_B tensors
//!   optimizer.safetensors               m.<i>, v.<i> (f32); scalars in the metadata
//!   trainer_state.json                  [`TrainerState`]
//!   manifest.json                       written last: every file's size + FNV-1a 64
//! latest                                id of the checkpoint to resume from
//! .tmp-*                                a write in progress (or left by a crash)
//! ```
//!
//! A checkpoint is built in `.tmp-<id>-<pid>/`, every file and directory fsynced, then
//! renamed into place; `latest` is replaced by rename as well. A save is complete once
//! `latest` names it. A directory is valid iff its manifest parses and every file it
//! lists has the recorded size and checksum.
//!
//! Testing hook: when `RLVRD_TEST_CHECKPOINT_PAUSE_MS` is set, [`CheckpointStore::save`]
//! sleeps that many milliseconds after writing the adapter and before the rest, so
//! the crash test can `kill -9` the daemon in the middle of a write.

mod fsio;
mod listing;
mod manifest;
mod state;
mod store;

#[cfg(test)]
mod tests;

use std::path::PathBuf;

pub use listing::CheckpointInfo;
pub use state::TrainerState;
pub use store::{CheckpointStore, Restored};

use crate::model::lora::LoraError;

/// Name of the checkpoint directory inside the state dir.
pub const DIR_NAME: &str = "checkpoints";

/// Environment variable holding the test-only pause (milliseconds) inside a write.
pub const PAUSE_ENV: &str = "RLVRD_TEST_CHECKPOINT_PAUSE_MS";

/// Why a checkpoint could not be written, read or chosen.
#[derive(Debug, thiserror::Error)]
pub enum CheckpointError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    /// The files exist but are not a usable checkpoint (corrupt, truncated, foreign).
    #[error("{path}: {reason}")]
    Invalid { path: PathBuf, reason: String },
    #[error("checkpoint `{id}` not found in {dir}")]
    NotFound { id: String, dir: PathBuf },
    /// Ids come from RPC callers, so anything but `step-<digits>` (a path, `..`) is refused.
    #[error("`{id}` is not a checkpoint id (expected step-NNNNNN)")]
    BadId { id: String },
    #[error("checkpoint adapter: {0}")]
    Adapter(#[from] LoraError),
    /// An export target that could overwrite or redirect something (it exists, or is a
    /// symlink): exports only ever create a new directory.
    #[error("export target {path}: {reason}")]
    ExportTarget { path: PathBuf, reason: String },
}

pub(crate) type Result<T, E = CheckpointError> = std::result::Result<T, E>;

/// Directory name of the checkpoint taken after `step` trainer steps.
pub fn id_for_step(step: u64) -> String {
    format!("step-{step:06}")
}

/// The step encoded in a checkpoint id, or `None` if `id` is not one.
pub fn parse_id(id: &str) -> Option<u64> {
    let digits = id.strip_prefix("step-")?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// A stable fingerprint of the configuration a run was started with (FNV-1a 64, hex).
///
/// Pass a canonical rendering (e.g. the effective config serialized to JSON), not the
/// raw TOML file: comments and whitespace must not count as a change of config.
pub fn config_hash(text: &str) -> String {
    let mut h = fsio::Fnv64::new();
    h.update(text.as_bytes());
    format!("{:016x}", h.finish())
}
