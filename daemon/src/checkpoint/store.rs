//! [`CheckpointStore`]: atomic saves, verification, the choice of the checkpoint to
//! resume from, load, rollback, PEFT export and retention.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use burn::tensor::Device;

use super::fsio::{self, io_err, RemoveOnDrop, TMP_PREFIX};
use super::listing::{self, best_id, CheckpointInfo};
use super::manifest::{Check, Manifest, Problem, ADAPTER_DIR, FORMAT, OPTIMIZER, REQUIRED, TRAINER_STATE};
use super::state::{decode_optimizer, encode_optimizer};
use super::{id_for_step, parse_id, CheckpointError, Result, TrainerState, PAUSE_ENV};
use crate::model::lora::{self, LoraSpec};
use crate::model::transformer::Transformer;
use crate::train::optimizer::AdamW;

/// The PEFT files an export copies.
const PEFT_FILES: [&str; 2] = ["adapter_config.json", "adapter_model.safetensors"];

/// The checkpoints of one state directory.
pub struct CheckpointStore {
    pub(super) dir: PathBuf,
    keep_last: usize,
    /// Serializes the writers of this process (trainer saves, RPC rollback and prune);
    /// across processes the daemon's state-dir lock already excludes a second writer.
    write: Mutex<()>,
}

/// A checkpoint loaded back: the model carries the saved adapter.
pub struct Restored {
    pub model: Transformer,
    pub spec: LoraSpec,
    pub optimizer: AdamW,
    pub state: TrainerState,
    pub info: CheckpointInfo,
}

impl CheckpointStore {
    /// Open (creating) the store in `dir`, keeping the newest `keep_last` checkpoints
    /// (at least 1) plus the best and the latest. Removes what crashed writers left.
    pub fn open(dir: impl Into<PathBuf>, keep_last: usize) -> Result<Self> {
        let dir = dir.into();
        std::fs::create_dir_all(&dir).map_err(io_err(&dir))?;
        for entry in std::fs::read_dir(&dir).map_err(io_err(&dir))? {
            let name = entry.map_err(io_err(&dir))?.file_name().to_string_lossy().into_owned();
            if !name.starts_with(TMP_PREFIX) {
                continue;
            }
            if fsio::owned_by_live_process(&name) {
                tracing::debug!(entry = %name, "leaving a checkpoint write of a live process alone");
                continue;
            }
            tracing::warn!(entry = %name, dir = %dir.display(), "removing an unfinished checkpoint write (interrupted by a crash)");
            fsio::remove_any(&dir.join(&name))?;
        }
        Ok(CheckpointStore { dir, keep_last: keep_last.max(1), write: Mutex::new(()) })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Write a checkpoint of `state.step` (replacing one of the same step), point
    /// `latest` at it, then apply retention. `base_model` goes into the PEFT config.
    pub fn save(&self, model: &Transformer, spec: &LoraSpec, opt: &AdamW, state: &TrainerState, base_model: &str) -> Result<CheckpointInfo> {
        let _w = self.lock();
        let id = id_for_step(state.step);
        let seq = listing::scan(&self.dir)?.iter().filter_map(|e| e.manifest.as_ref().ok()).map(|m| m.seq).max().unwrap_or(0) + 1;
        let staged = self.stage(&id, seq, model, spec, opt, state, base_model)?;
        self.commit(&id, staged)?;
        listing::write_pointer(&self.dir, &id)?;
        tracing::info!(checkpoint = %id, step = state.step, "checkpoint saved");
        // The checkpoint is already safe; a failed cleanup must not fail the save.
        if let Err(e) = self.prune_locked() {
            tracing::warn!("checkpoint retention failed: {e}");
        }
        listing::info(&self.dir, &id)
    }

    /// Build the complete checkpoint in a private temp dir (removed again if the
    /// returned guard is dropped).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn stage(
        &self,
        id: &str,
        seq: u64,
        model: &Transformer,
        spec: &LoraSpec,
        opt: &AdamW,
        state: &TrainerState,
        base_model: &str,
    ) -> Result<RemoveOnDrop> {
        let tmp = self.dir.join(format!("{TMP_PREFIX}{id}-{}", std::process::id()));
        fsio::remove_any(&tmp)?;
        std::fs::create_dir(&tmp).map_err(io_err(&tmp))?;
        let guard = RemoveOnDrop(Some(tmp.clone()));
        let adapter = tmp.join(ADAPTER_DIR);
        // Dropout only matters to whoever trains the exported adapter further with
        // PEFT; the daemon's own runs take it from their config.
        lora::save_peft(model, spec, base_model, &adapter)?;
        fsio::sync_dir_tree(&adapter)?;
        test_pause();
        let opt_path = tmp.join(OPTIMIZER);
        fsio::write_synced(&opt_path, &encode_optimizer(opt, &param_shapes(model), &opt_path)?)?;
        fsio::write_synced(&tmp.join(TRAINER_STATE), &state.to_json())?;
        let manifest = Manifest {
            format: FORMAT,
            id: id.to_string(),
            step: state.step,
            seq,
            saved_at_unix_ms: SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64),
            metric: state.metric,
            rlvrd_version: env!("CARGO_PKG_VERSION").to_string(),
            files: Manifest::entries(&tmp, &REQUIRED)?,
        };
        manifest.write(&tmp)?;
        fsio::sync_path(&tmp)?;
        Ok(guard)
    }

    /// Move a staged checkpoint to its final name. The same step can be saved twice (a
    /// shutdown right after a periodic save, or a run revisiting steps after a
    /// rollback); the newer state wins. rename(2) cannot replace a non-empty directory,
    /// so the old one is moved aside first: a crash in between loses only that step,
    /// and `latest_valid` falls back to the previous checkpoint.
    fn commit(&self, id: &str, staged: RemoveOnDrop) -> Result<()> {
        let target = self.dir.join(id);
        let tmp = staged.0.clone().expect("armed");
        let aside = self.dir.join(format!("{TMP_PREFIX}old-{id}-{}", std::process::id()));
        let replacing = target.exists();
        if replacing {
            fsio::remove_any(&aside)?;
            std::fs::rename(&target, &aside).map_err(io_err(&target))?;
        }
        if let Err(e) = std::fs::rename(&tmp, &target) {
            if replacing {
                let _ = std::fs::rename(&aside, &target);
            }
            return Err(io_err(&target)(e));
        }
        staged.disarm();
        fsio::sync_path(&self.dir)?;
        if replacing {
            if let Err(e) = fsio::remove_any(&aside) {
                tracing::warn!("cannot remove the replaced checkpoint: {e}");
            }
        }
        Ok(())
    }

    /// Every checkpoint directory, oldest first, with the cheap completeness check.
    pub fn list(&self) -> Result<Vec<CheckpointInfo>> {
        let entries = listing::scan(&self.dir)?;
        Ok(listing::infos(&self.dir, &entries))
    }

    /// Checksum every file of `id` against its manifest.
    pub fn verify(&self, id: &str) -> Result<CheckpointInfo> {
        let dir = self.existing(id)?;
        Manifest::check(&dir, id, Check::Contents).map_err(Problem::into_error)?;
        listing::info(&self.dir, id)
    }

    /// The checkpoint to resume from: the one `latest` names if it verifies, else the
    /// newest that does (each one skipped is logged). `None` when there is none.
    pub fn latest_valid(&self) -> Result<Option<CheckpointInfo>> {
        let pointer = listing::read_pointer(&self.dir);
        if let Some(id) = &pointer {
            match self.verify(id) {
                Ok(info) => return Ok(Some(info)),
                Err(e) => tracing::warn!(checkpoint = %id, "latest checkpoint is unusable, falling back: {e}"),
            }
        }
        for e in listing::scan(&self.dir)?.iter().rev().filter(|e| Some(&e.id) != pointer.as_ref()) {
            match self.verify(&e.id) {
                Ok(info) => return Ok(Some(info)),
                Err(err) => tracing::warn!(checkpoint = %e.id, "skipping invalid checkpoint: {err}"),
            }
        }
        Ok(None)
    }

    /// Load checkpoint `id` onto `base` (its adapters, if any, are replaced): the
    /// adapter, optimizer and trainer state come back bit for bit.
    pub fn load(&self, id: &str, base: Transformer, device: &Device) -> Result<Restored> {
        let info = self.verify(id)?;
        let dir = self.dir.join(id);
        let (model, spec) = lora::load_peft(base, &dir.join(ADAPTER_DIR), device)?;
        let opt_path = dir.join(OPTIMIZER);
        let bytes = std::fs::read(&opt_path).map_err(io_err(&opt_path))?;
        let optimizer = decode_optimizer(&bytes, &opt_path, &param_shapes(&model), device)?;
        let state_path = dir.join(TRAINER_STATE);
        let state = TrainerState::read(&state_path)?;
        if state.step != info.step {
            let reason = format!("step {} but the manifest says {}", state.step, info.step);
            return Err(CheckpointError::Invalid { path: state_path, reason });
        }
        Ok(Restored { model, spec, optimizer, state, info })
    }

    /// Make `id` the checkpoint a restart resumes from (and the parent of the next save).
    pub fn rollback(&self, id: &str) -> Result<CheckpointInfo> {
        let _w = self.lock();
        self.verify(id)?;
        listing::write_pointer(&self.dir, id)?;
        tracing::info!(checkpoint = %id, "latest checkpoint rolled back");
        listing::info(&self.dir, id)
    }

    /// Copy the PEFT adapter of `id` into the new directory `dest`, loadable by PEFT.
    ///
    /// `dest` must not exist (not even as a dangling symlink): an export never writes
    /// into or through something already there. The files are written to a temporary
    /// sibling directory that is renamed to `dest` once complete, so `dest` either
    /// does not exist or holds the whole adapter.
    pub fn export(&self, id: &str, dest: &Path) -> Result<()> {
        self.verify(id)?;
        let refuse = |reason: &str| CheckpointError::ExportTarget { path: dest.into(), reason: reason.into() };
        match std::fs::symlink_metadata(dest) {
            Ok(m) if m.file_type().is_symlink() => return Err(refuse("is a symbolic link")),
            Ok(_) => return Err(refuse("already exists (exports create a new directory)")),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_err(dest)(e)),
        }
        let (Some(parent), Some(name)) = (dest.parent(), dest.file_name()) else {
            return Err(refuse("has no parent directory"));
        };
        std::fs::create_dir_all(parent).map_err(io_err(parent))?;
        let tmp = parent.join(format!(".{}.rlvrd-export-{}", name.to_string_lossy(), std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        std::fs::create_dir(&tmp).map_err(io_err(&tmp))?;
        let src = self.dir.join(id).join(ADAPTER_DIR);
        let copied = PEFT_FILES.iter().try_for_each(|f| std::fs::copy(src.join(f), tmp.join(f)).map(|_| ()).map_err(io_err(&tmp.join(f))));
        let done = copied.and_then(|()| std::fs::rename(&tmp, dest).map_err(io_err(dest)));
        if done.is_err() {
            let _ = std::fs::remove_dir_all(&tmp);
        }
        done
    }

    /// Move every checkpoint out of the way (into a sibling directory named
    /// `<dir>.unusable-<unix seconds>`) and start an empty store in its place; returns
    /// where they went. For a run that cannot resume from them (the LoRA shape changed,
    /// say): starting fresh must neither delete them by retention nor overwrite them
    /// with checkpoints of the new run.
    pub fn set_aside(&self) -> Result<PathBuf> {
        let _w = self.lock();
        let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let mut name = self.dir.file_name().map_or_else(|| "checkpoints".into(), |n| n.to_string_lossy().into_owned());
        name.push_str(&format!(".unusable-{secs}"));
        let mut aside = self.dir.with_file_name(&name);
        let mut n = 1;
        while aside.exists() {
            aside = self.dir.with_file_name(format!("{name}-{n}"));
            n += 1;
        }
        std::fs::rename(&self.dir, &aside).map_err(io_err(&self.dir))?;
        std::fs::create_dir_all(&self.dir).map_err(io_err(&self.dir))?;
        Ok(aside)
    }

    /// Apply retention now; returns the ids removed.
    pub fn prune(&self) -> Result<Vec<String>> {
        let _w = self.lock();
        self.prune_locked()
    }

    /// Keep the newest `keep_last` valid checkpoints, the best and the latest; remove
    /// the rest, broken ones included. A checkpoint of a newer format is never ours to
    /// delete.
    fn prune_locked(&self) -> Result<Vec<String>> {
        let entries = listing::scan(&self.dir)?;
        let pointer = listing::read_pointer(&self.dir);
        let mut keep: HashSet<&str> = entries.iter().rev().filter(|e| e.manifest.is_ok()).take(self.keep_last).map(|e| e.id.as_str()).collect();
        keep.extend(best_id(&entries));
        keep.extend(pointer.as_deref());
        let mut removed = Vec::new();
        for e in entries.iter().filter(|e| !keep.contains(e.id.as_str())) {
            match &e.manifest {
                Err(Problem::NewerFormat(_)) => continue,
                Err(Problem::Broken(why)) => tracing::warn!(checkpoint = %e.id, "removing broken checkpoint: {why}"),
                Ok(_) => tracing::info!(checkpoint = %e.id, "removing old checkpoint"),
            }
            fsio::remove_any(&e.path)?;
            removed.push(e.id.clone());
        }
        Ok(removed)
    }

    fn lock(&self) -> MutexGuard<'_, ()> {
        // The guarded state is on disk; a panic in another writer leaves nothing to repair.
        self.write.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The directory of checkpoint `id`, refusing ids that are not ids.
    fn existing(&self, id: &str) -> Result<PathBuf> {
        parse_id(id).ok_or_else(|| CheckpointError::BadId { id: id.to_string() })?;
        let dir = self.dir.join(id);
        if !dir.is_dir() {
            return Err(CheckpointError::NotFound { id: id.to_string(), dir: self.dir.clone() });
        }
        Ok(dir)
    }
}

/// Adapter parameter shapes in optimizer order: [A0, B0, A1, B1, ...].
fn param_shapes(m: &Transformer) -> Vec<[usize; 2]> {
    lora::adapters(m).into_iter().flat_map(|(_, a, b, _)| [a.dims(), b.dims()]).collect()
}

/// The crash test's window: see the module docs.
fn test_pause() {
    let Ok(ms) = std::env::var(PAUSE_ENV) else { return };
    match ms.trim().parse::<u64>() {
        Ok(ms) => {
            tracing::warn!("{PAUSE_ENV} is set: pausing {ms} ms inside a checkpoint write");
            std::thread::sleep(Duration::from_millis(ms));
        }
        Err(_) => tracing::warn!("ignoring {PAUSE_ENV}={ms:?}: not a number of milliseconds"),
    }
}
