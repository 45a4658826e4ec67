//! What a checkpoint holds besides the adapter: the trainer's resumable state (JSON)
//! and the AdamW state (safetensors: f32 moments, scalars in the header metadata).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use burn::tensor::{Device, Tensor, TensorData};
use safetensors::tensor::TensorView;
use safetensors::{Dtype, SafeTensors};
use serde::{Deserialize, Serialize};

use super::{CheckpointError, Result};
use crate::model::sampling::Rng;
use crate::train::optimizer::{AdamW, Moments};

/// Everything a resumed run needs, other than the adapter and optimizer, to continue
/// exactly where the saved one stopped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainerState {
    /// Trainer steps completed; names the checkpoint (`step-000123`).
    pub step: u64,
    /// Every RNG stream the run draws from, by name (e.g. `trainer`), so that the
    /// resumed run draws the same numbers the uninterrupted one would have.
    #[serde(default)]
    pub rngs: BTreeMap<String, Rng>,
    /// The task sampler's state, opaque here (its owner defines the shape). Floats in
    /// it go through JSON; keep exact state in integers.
    #[serde(default)]
    pub sampler: serde_json::Value,
    /// Length of the metrics history (bytes of `metrics.jsonl`) at save time: resume
    /// truncates the history to it so the steps redone after a crash are not recorded
    /// twice.
    pub metrics_offset: u64,
    /// [`config_hash`](super::config_hash) of the config the run was trained under.
    pub config_hash: String,
    /// Evaluation metric at this step, higher is better; retention keeps the best.
    #[serde(default)]
    pub metric: Option<f64>,
}

impl TrainerState {
    pub(crate) fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec_pretty(self).expect("trainer state serializes")
    }

    pub(crate) fn read(path: &Path) -> Result<TrainerState> {
        let text = std::fs::read(path).map_err(super::fsio::io_err(path))?;
        serde_json::from_slice(&text).map_err(|e| CheckpointError::Invalid { path: path.to_path_buf(), reason: format!("trainer state: {e}") })
    }
}

const OPT_FORMAT: &str = "1";

/// Serialize the AdamW state: tensors `m.<i>` / `v.<i>` for the parameters that have
/// moments (none before the first step), scalars as metadata strings. Rust prints f64
/// in the shortest form that parses back to the same bits, so betas and eps round-trip
/// exactly, which JSON parsing does not guarantee. `shapes` are checked as in
/// [`decode_optimizer`], so a mismatch fails the save rather than the resume.
pub(crate) fn encode_optimizer(opt: &AdamW, shapes: &[[usize; 2]], path: &Path) -> Result<Vec<u8>> {
    let invalid = |reason: String| CheckpointError::Invalid { path: path.to_path_buf(), reason };
    if opt.moments.len() != shapes.len() {
        return Err(invalid(format!("optimizer has {} parameters, the adapter {}", opt.moments.len(), shapes.len())));
    }
    let mut tensors: Vec<(String, Vec<u8>, Vec<usize>)> = Vec::new();
    for (i, slot) in opt.moments.iter().enumerate() {
        let Some(Moments { m, v }) = slot else { continue };
        for (name, t) in [("m", m), ("v", v)] {
            let dims = t.dims();
            if dims != shapes[i] {
                return Err(invalid(format!("moment {name}.{i} is {dims:?}, its parameter {:?}", shapes[i])));
            }
            let values = (t.clone().into_data().try_into_vec_as::<f32>()).map_err(|e| invalid(format!("moment {name}.{i} is not convertible to f32: {e}")))?;
            tensors.push((format!("{name}.{i}"), values.iter().flat_map(|x| x.to_le_bytes()).collect(), dims.to_vec()));
        }
    }
    let views: Vec<(String, TensorView)> =
        tensors.iter().map(|(k, d, s)| (k.clone(), TensorView::new(Dtype::F32, s.clone(), d).expect("consistent view"))).collect();
    let meta: HashMap<String, String> = [
        ("format", OPT_FORMAT.to_string()),
        ("n_params", opt.moments.len().to_string()),
        ("step", opt.step.to_string()),
        ("beta1", opt.beta1.to_string()),
        ("beta2", opt.beta2.to_string()),
        ("eps", opt.eps.to_string()),
        ("weight_decay", opt.weight_decay.to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    safetensors::serialize(views, Some(meta)).map_err(|e| invalid(e.to_string()))
}

/// Rebuild the AdamW state from `bytes` (read from `path`). `shapes` are the adapter
/// parameter shapes in optimizer order ([A0, B0, A1, B1, ...]); every moment must match
/// its parameter, so an optimizer file can never be paired with a different adapter.
pub(crate) fn decode_optimizer(bytes: &[u8], path: &Path, shapes: &[[usize; 2]], device: &Device) -> Result<AdamW> {
    let invalid = |reason: String| CheckpointError::Invalid { path: path.to_path_buf(), reason };
    let st = SafeTensors::deserialize(bytes).map_err(|e| invalid(e.to_string()))?;
    let (_, header) = SafeTensors::read_metadata(bytes).map_err(|e| invalid(e.to_string()))?;
    let meta = header.metadata().clone().unwrap_or_default();
    let get = |key: &str| meta.get(key).ok_or_else(|| invalid(format!("metadata `{key}` is missing")));
    if get("format")? != OPT_FORMAT {
        return Err(invalid(format!("optimizer format {} is not {OPT_FORMAT}", get("format")?)));
    }
    let f64_of = |key: &str| get(key)?.parse::<f64>().map_err(|e| invalid(format!("metadata `{key}`: {e}")));
    let u64_of = |key: &str| get(key)?.parse::<u64>().map_err(|e| invalid(format!("metadata `{key}`: {e}")));
    let n_params = u64_of("n_params")? as usize;
    if n_params != shapes.len() {
        return Err(invalid(format!("{n_params} parameters, the adapter has {}", shapes.len())));
    }
    let tensor = |name: String, want: [usize; 2]| -> Result<Option<Tensor<2>>> {
        let view = match st.tensor(&name) {
            Ok(v) => v,
            Err(safetensors::SafeTensorError::TensorNotFound(_)) => return Ok(None),
            Err(e) => return Err(invalid(format!("`{name}`: {e}"))),
        };
        if view.dtype() != Dtype::F32 || view.shape() != want {
            return Err(invalid(format!("`{name}` is {:?} {:?}, expected F32 {want:?}", view.dtype(), view.shape())));
        }
        let values: Vec<f32> = view.data().chunks_exact(4).map(|c| f32::from_le_bytes(c.try_into().expect("4 bytes"))).collect();
        Ok(Some(Tensor::from_data(TensorData::new(values, want), device)))
    };
    let moments = shapes
        .iter()
        .enumerate()
        .map(|(i, &shape)| match (tensor(format!("m.{i}"), shape)?, tensor(format!("v.{i}"), shape)?) {
            (Some(m), Some(v)) => Ok(Some(Moments { m, v })),
            (None, None) => Ok(None),
            _ => Err(invalid(format!("parameter {i} has only one of its two moments"))),
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(AdamW { beta1: f64_of("beta1")?, beta2: f64_of("beta2")?, eps: f64_of("eps")?, weight_decay: f64_of("weight_decay")?, step: u64_of("step")?, moments })
}
