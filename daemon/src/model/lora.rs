//! LoRA adapters on the projections of a [`Transformer`]: attach (B = 0, so the model
//! is unchanged at step 0), list, replace, remove, merge; and the PEFT on-disk layout
//! (`adapter_config.json` + `adapter_model.safetensors`) for export and import.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use burn::module::Param;
use burn::tensor::{Device, Tensor, TensorData};
use serde::{Deserialize, Serialize};

use super::layers::{Lora, Proj};
use super::sampling::Rng;
use super::transformer::Transformer;
use super::weights::{peft_key, view_to_f32, Role};

#[derive(Debug, thiserror::Error)]
pub enum LoraError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path}: invalid adapter: {reason}")]
    Invalid { path: PathBuf, reason: String },
    #[error("{path}: tensor `{tensor}` has shape {got:?}, expected {want:?}")]
    Shape { path: PathBuf, tensor: String, got: Vec<usize>, want: Vec<usize> },
}

/// Which projections, what rank, what scale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoraSpec {
    pub rank: usize,
    pub alpha: f64,
    /// PEFT's lora_dropout: dropout on each adapter's input in the trainer's policy
    /// forward (never in generation, evaluation or the reference policy).
    #[serde(default)]
    pub dropout: f64,
    /// HF names: q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj.
    pub targets: Vec<String>,
}

impl LoraSpec {
    pub fn scale(&self) -> f64 {
        self.alpha / self.rank as f64
    }
}

/// The projection roles of layer `l`, with their HF target names.
fn layer_roles(l: usize) -> [(Role, &'static str); 7] {
    [
        (Role::Q(l), "q_proj"),
        (Role::K(l), "k_proj"),
        (Role::V(l), "v_proj"),
        (Role::O(l), "o_proj"),
        (Role::Gate(l), "gate_proj"),
        (Role::Up(l), "up_proj"),
        (Role::Down(l), "down_proj"),
    ]
}

fn proj_mut(m: &mut Transformer, role: Role) -> &mut Proj {
    let (l, which) = match role {
        Role::Q(l) | Role::K(l) | Role::V(l) | Role::O(l) | Role::Gate(l) | Role::Up(l) | Role::Down(l) => (l, role),
        other => panic!("{other:?} is not a projection"),
    };
    let b = &mut m.layers[l];
    match which {
        Role::Q(_) => &mut b.attn.q,
        Role::K(_) => &mut b.attn.k,
        Role::V(_) => &mut b.attn.v,
        Role::O(_) => &mut b.attn.o,
        Role::Gate(_) => &mut b.mlp.gate,
        Role::Up(_) => &mut b.mlp.up,
        _ => &mut b.mlp.down,
    }
}

pub(crate) fn proj(m: &Transformer, role: Role) -> &Proj {
    let b = &m.layers[match role {
        Role::Q(l) | Role::K(l) | Role::V(l) | Role::O(l) | Role::Gate(l) | Role::Up(l) | Role::Down(l) => l,
        other => panic!("{other:?} is not a projection"),
    }];
    match role {
        Role::Q(_) => &b.attn.q,
        Role::K(_) => &b.attn.k,
        Role::V(_) => &b.attn.v,
        Role::O(_) => &b.attn.o,
        Role::Gate(_) => &b.mlp.gate,
        Role::Up(_) => &b.mlp.up,
        _ => &b.mlp.down,
    }
}

/// Every projection role of the model that `spec` targets, in a fixed order.
pub fn target_roles(m: &Transformer, targets: &[String]) -> Vec<Role> {
    (0..m.layers.len()).flat_map(|l| layer_roles(l).into_iter()).filter(|(_, name)| targets.iter().any(|t| t == name)).map(|(r, _)| r).collect()
}

fn param(t: Tensor<2>) -> Param<Tensor<2>> {
    Param::from_tensor(t).set_require_grad(true)
}

/// Attach fresh adapters: A ~ U(-1/sqrt(in), 1/sqrt(in)) (PEFT's Kaiming-uniform with
/// a = sqrt(5)), B = 0, so the adapted model equals the base model at step 0.
pub fn attach(mut m: Transformer, spec: &LoraSpec, seed: u64, device: &Device) -> Transformer {
    let mut rng = Rng::new(seed);
    for role in target_roles(&m, &spec.targets) {
        let p = proj_mut(&mut m, role);
        let [d_out, d_in] = p.weight.val().dims();
        let bound = 1.0 / (d_in as f64).sqrt();
        let a: Vec<f32> = (0..d_in * spec.rank).map(|_| ((rng.next_f64() * 2.0 - 1.0) * bound) as f32).collect();
        p.lora = Some(Lora {
            a: param(Tensor::from_data(TensorData::new(a, [d_in, spec.rank]), device)),
            b: param(Tensor::zeros([spec.rank, d_out], device)),
            scale: spec.scale(),
        });
    }
    m
}

/// Remove every adapter (back to the base model).
pub fn detach_all(mut m: Transformer) -> Transformer {
    for l in 0..m.layers.len() {
        for (role, _) in layer_roles(l) {
            proj_mut(&mut m, role).lora = None;
        }
    }
    m
}

/// The adapters as (role, A [in, r], B [r, out], scale).
pub fn adapters(m: &Transformer) -> Vec<(Role, Tensor<2>, Tensor<2>, f64)> {
    (0..m.layers.len())
        .flat_map(|l| layer_roles(l).into_iter())
        .filter_map(|(role, _)| proj(m, role).lora.as_ref().map(|x| (role, x.a.val(), x.b.val(), x.scale)))
        .collect()
}

/// Replace the A/B values of existing adapters (after an optimizer step), in the
/// order of [`adapters`].
pub fn set_adapters(mut m: Transformer, values: Vec<(Role, Tensor<2>, Tensor<2>)>) -> Transformer {
    for (role, a, b) in values {
        let p = proj_mut(&mut m, role);
        let scale = p.lora.as_ref().map(|l| l.scale).expect("adapter present");
        p.lora = Some(Lora { a: param(a), b: param(b), scale });
    }
    m
}

/// Fold adapters into the base weights (W + A B scale) and remove them.
pub fn merge(mut m: Transformer) -> Transformer {
    for (role, a, b, scale) in adapters(&m) {
        let p = proj_mut(&mut m, role);
        let merged = p.weight.val() + a.matmul(b).transpose().mul_scalar(scale);
        *p = Proj::new(merged.detach());
    }
    m
}

/// PEFT's `adapter_config.json` (the fields PEFT needs to load the adapter).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PeftConfig {
    pub peft_type: String,
    pub task_type: String,
    pub r: usize,
    pub lora_alpha: f64,
    #[serde(default)]
    pub lora_dropout: f64,
    pub target_modules: Vec<String>,
    #[serde(default)]
    pub base_model_name_or_path: Option<String>,
    #[serde(default)]
    pub bias: Option<String>,
    #[serde(default)]
    pub fan_in_fan_out: bool,
    #[serde(default)]
    pub inference_mode: bool,
    #[serde(default)]
    pub use_rslora: bool,
    #[serde(flatten)]
    pub other: BTreeMap<String, serde_json::Value>,
}

fn host(t: Tensor<2>) -> Vec<f32> {
    t.into_data().try_to_vec::<f32>().expect("f32 tensor")
}

fn transpose(data: &[f32], rows: usize, cols: usize) -> Vec<f32> {
    let mut out = vec![0.0; data.len()];
    for r in 0..rows {
        for c in 0..cols {
            out[c * rows + r] = data[r * cols + c];
        }
    }
    out
}

/// Write the adapters in PEFT layout into `dir` (created). PEFT stores A as [r, in]
/// and B as [out, r]; burn keeps the transposes.
pub fn save_peft(m: &Transformer, spec: &LoraSpec, base: &str, dir: &Path) -> Result<(), LoraError> {
    let io = |source| LoraError::Io { path: dir.into(), source };
    std::fs::create_dir_all(dir).map_err(io)?;
    let mut tensors: Vec<(String, Vec<u8>, Vec<usize>)> = Vec::new();
    for (role, a, b, _) in adapters(m) {
        let ([d_in, r], [_, d_out]) = (a.dims(), b.dims());
        let at = transpose(&host(a), d_in, r); // [r, in]
        let bt = transpose(&host(b), r, d_out); // [out, r]
        let bytes = |v: Vec<f32>| v.iter().flat_map(|x| x.to_le_bytes()).collect::<Vec<u8>>();
        tensors.push((peft_key(role, "lora_A").expect("projection"), bytes(at), vec![r, d_in]));
        tensors.push((peft_key(role, "lora_B").expect("projection"), bytes(bt), vec![d_out, r]));
    }
    let views: Vec<(String, safetensors::tensor::TensorView)> = tensors
        .iter()
        .map(|(k, d, s)| (k.clone(), safetensors::tensor::TensorView::new(safetensors::Dtype::F32, s.clone(), d).expect("consistent view")))
        .collect();
    let path = dir.join("adapter_model.safetensors");
    safetensors::serialize_to_file(views, None, &path).map_err(|e| LoraError::Invalid { path: path.clone(), reason: e.to_string() })?;
    let mut targets = spec.targets.clone();
    targets.sort();
    let cfg = PeftConfig {
        peft_type: "LORA".into(),
        task_type: "CAUSAL_LM".into(),
        r: spec.rank,
        lora_alpha: spec.alpha,
        lora_dropout: spec.dropout,
        target_modules: targets,
        base_model_name_or_path: Some(base.into()),
        bias: Some("none".into()),
        fan_in_fan_out: false,
        inference_mode: true,
        use_rslora: false,
        other: BTreeMap::new(),
    };
    let text = serde_json::to_string_pretty(&cfg).expect("serializable");
    std::fs::write(dir.join("adapter_config.json"), text).map_err(io)?;
    Ok(())
}

/// Load a PEFT adapter directory onto `m` (replacing any adapters). Returns the spec
/// read from `adapter_config.json`.
pub fn load_peft(m: Transformer, dir: &Path, device: &Device) -> Result<(Transformer, LoraSpec), LoraError> {
    let cfg_path = dir.join("adapter_config.json");
    let text = std::fs::read_to_string(&cfg_path).map_err(|source| LoraError::Io { path: cfg_path.clone(), source })?;
    let cfg: PeftConfig = serde_json::from_str(&text).map_err(|e| LoraError::Invalid { path: cfg_path.clone(), reason: e.to_string() })?;
    let invalid = |reason: String| LoraError::Invalid { path: cfg_path.clone(), reason };
    if cfg.peft_type != "LORA" {
        return Err(invalid(format!("peft_type {} is not LORA", cfg.peft_type)));
    }
    if cfg.use_rslora || cfg.fan_in_fan_out {
        return Err(invalid("use_rslora / fan_in_fan_out adapters are not supported".into()));
    }
    let spec = LoraSpec { rank: cfg.r, alpha: cfg.lora_alpha, dropout: cfg.lora_dropout, targets: cfg.target_modules.clone() };
    let st_path = dir.join("adapter_model.safetensors");
    let bytes = std::fs::read(&st_path).map_err(|source| LoraError::Io { path: st_path.clone(), source })?;
    let st = safetensors::SafeTensors::deserialize(&bytes).map_err(|e| LoraError::Invalid { path: st_path.clone(), reason: e.to_string() })?;
    let mut m = detach_all(m);
    for role in target_roles(&m, &spec.targets) {
        let [d_out, d_in] = proj(&m, role).weight.val().dims();
        let get = |which: &str, want: [usize; 2]| -> Result<Vec<f32>, LoraError> {
            let key = peft_key(role, which).expect("projection");
            // PEFT sometimes saves with the adapter name inside the key.
            let view = st
                .tensor(&key)
                .or_else(|_| st.tensor(&key.replace(&format!("{which}.weight"), &format!("{which}.default.weight"))))
                .map_err(|_| LoraError::Invalid { path: st_path.clone(), reason: format!("tensor `{key}` is missing") })?;
            if view.shape() != want {
                return Err(LoraError::Shape { path: st_path.clone(), tensor: key, got: view.shape().to_vec(), want: want.to_vec() });
            }
            view_to_f32(&st_path, &key, &view).map_err(|e| LoraError::Invalid { path: st_path.clone(), reason: e.to_string() })
        };
        let a = transpose(&get("lora_A", [spec.rank, d_in])?, spec.rank, d_in);
        let b = transpose(&get("lora_B", [d_out, spec.rank])?, d_out, spec.rank);
        proj_mut(&mut m, role).lora = Some(Lora {
            a: param(Tensor::from_data(TensorData::new(a, [d_in, spec.rank]), device)),
            b: param(Tensor::from_data(TensorData::new(b, [spec.rank, d_out]), device)),
            scale: spec.scale(),
        });
    }
    Ok((m, spec))
}
