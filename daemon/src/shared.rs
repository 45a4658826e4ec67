//! State shared between the RPC handlers and the daemon's subsystems. Locks here are
//! std locks held only for a copy in or out, never across an `.await`.

use std::path::PathBuf;
use std::sync::RwLock;
use std::time::Instant;

use rlvr_client::{BackendInfo, DaemonState, ModelInfo, StatusInfo};
use tokio_util::sync::CancellationToken;

pub struct Shared {
    started: Instant,
    state_dir: PathBuf,
    state: RwLock<DaemonState>,
    backend: RwLock<BackendInfo>,
    model: RwLock<Option<ModelInfo>>,
    error: RwLock<Option<String>>,
    /// Cancelled once to stop the whole daemon.
    pub shutdown: CancellationToken,
}

impl Shared {
    pub fn new(state_dir: PathBuf, backend: BackendInfo, shutdown: CancellationToken) -> Self {
        Self {
            started: Instant::now(),
            state_dir,
            state: RwLock::new(DaemonState::Starting),
            backend: RwLock::new(backend),
            model: RwLock::new(None),
            error: RwLock::new(None),
            shutdown,
        }
    }

    pub fn set_state(&self, s: DaemonState) {
        *self.state.write().unwrap_or_else(|e| e.into_inner()) = s;
    }

    pub fn state(&self) -> DaemonState {
        *self.state.read().unwrap_or_else(|e| e.into_inner())
    }

    pub fn set_backend(&self, b: BackendInfo) {
        *self.backend.write().unwrap_or_else(|e| e.into_inner()) = b;
    }

    pub fn set_model(&self, m: Option<ModelInfo>) {
        *self.model.write().unwrap_or_else(|e| e.into_inner()) = m;
    }

    pub fn set_error(&self, e: Option<String>) {
        *self.error.write().unwrap_or_else(|e| e.into_inner()) = e;
    }

    pub fn state_dir(&self) -> &std::path::Path {
        &self.state_dir
    }

    /// A consistent snapshot for the `status` method.
    pub fn status(&self) -> StatusInfo {
        StatusInfo {
            version: env!("CARGO_PKG_VERSION").to_string(),
            pid: std::process::id(),
            uptime_s: self.started.elapsed().as_secs_f64(),
            state: self.state(),
            backend: self.backend.read().unwrap_or_else(|e| e.into_inner()).clone(),
            model: self.model.read().unwrap_or_else(|e| e.into_inner()).clone(),
            state_dir: self.state_dir.display().to_string(),
            error: self.error.read().unwrap_or_else(|e| e.into_inner()).clone(),
        }
    }
}
