//! The one place where the concrete burn device is chosen, from `[backend]`.
//! Model, engine and trainer code only ever receive the `Device` made here.

use burn::tensor::{Device, DeviceKind};
use rlvr_client::BackendInfo;

use crate::config::{BackendConfig, BackendKind};

/// Errors opening the configured device.
#[derive(Debug, thiserror::Error)]
pub enum BackendError {
    #[error("backend wgpu: no usable GPU adapter could be opened: {0} (set [backend] kind = \"cpu\", or install a Vulkan driver such as mesa-vulkan-drivers)")]
    NoAdapter(String),
}

/// A device and how to describe it in `status`.
#[derive(Clone)]
pub struct SelectedDevice {
    pub device: Device,
    pub info: BackendInfo,
}

/// Set process-wide CPU threading before any tensor work. Must run before the first
/// rayon use (burn's flex backend spawns its pool lazily).
pub fn configure_threads(cfg: &BackendConfig) {
    if cfg.threads > 0 && std::env::var_os("RAYON_NUM_THREADS").is_none() {
        std::env::set_var("RAYON_NUM_THREADS", cfg.threads.to_string());
    }
}

fn cpu_threads(cfg: &BackendConfig) -> usize {
    if cfg.threads > 0 {
        cfg.threads
    } else {
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
    }
}

/// Open the configured device. For wgpu this opens the adapter (and fails clearly when
/// there is none), so call it on the thread that will own the model.
pub fn select(cfg: &BackendConfig) -> Result<SelectedDevice, BackendError> {
    match cfg.kind {
        BackendKind::Cpu => {
            Ok(SelectedDevice { device: Device::flex(), info: BackendInfo { kind: "cpu".into(), device: format!("flex (CPU, {} threads)", cpu_threads(cfg)) } })
        }
        BackendKind::Wgpu => {
            let device = Device::wgpu(DeviceKind::DefaultDevice);
            // Opening the adapter panics inside cubecl when none exists; turn that into
            // an error the user can act on.
            let probe = device.clone();
            let identity = std::panic::catch_unwind(move || probe.identity()).map_err(|p| BackendError::NoAdapter(panic_message(&p)))?;
            let name = identity.map(|i| format!("{} [{}]", i.name, i.fingerprint)).unwrap_or_else(|| "wgpu (unnamed adapter)".into());
            Ok(SelectedDevice { device, info: BackendInfo { kind: "wgpu".into(), device: name } })
        }
    }
}

/// Describe the configured backend without opening it (for `status` before the
/// engine has started).
pub fn describe(cfg: &BackendConfig) -> BackendInfo {
    match cfg.kind {
        BackendKind::Cpu => BackendInfo { kind: "cpu".into(), device: format!("flex (CPU, {} threads)", cpu_threads(cfg)) },
        BackendKind::Wgpu => BackendInfo { kind: "wgpu".into(), device: "wgpu (not opened yet)".into() },
    }
}

pub(crate) fn panic_message(p: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".into()
    }
}
