//! Policy-gradient losses of the GRPO family, exactly as in docs/rl-notes.md:
//! `grpo` (token ratio, clip, per-sequence 1/|o| mean), `dr_grpo` (constant
//! normaliser L_max * G), `dapo` (token-level mean, asymmetric clip), `gspo`
//! (sequence-level length-normalised ratio). Optional k3 KL to the reference policy.
//!
//! Inputs are [rows, window] tensors from `logprobs` with a completion mask. Each
//! micro-batch's loss is already divided by the normaliser of the WHOLE batch, so
//! summing micro-batch gradients (accumulation) gives the full-batch gradient.

use burn::tensor::Tensor;

use crate::config::LossKind;

/// Per-token tensors of one micro-batch, all [rows, window].
pub struct LossInputs {
    /// log pi_theta (carries the gradient).
    pub new: Tensor<2>,
    /// log pi_old from generation (constant).
    pub old: Tensor<2>,
    /// log pi_ref, the base model (constant); `None` when beta = 0.
    pub reference: Option<Tensor<2>>,
    /// 1 for completion tokens that enter the loss.
    pub mask: Tensor<2>,
    /// Advantage of each row broadcast along the window: [rows, 1].
    pub adv: Tensor<2>,
}

/// Normalisers and clip settings for the whole batch.
#[derive(Debug, Clone, Copy)]
pub struct LossParams {
    pub kind: LossKind,
    pub eps_low: f64,
    pub eps_high: f64,
    pub beta: f64,
    /// Sequences in the whole batch (G * groups).
    pub seqs: f64,
    /// Masked tokens in the whole batch.
    pub tokens: f64,
    /// Longest completion budget (Dr. GRPO's constant).
    pub l_max: f64,
}

/// Diagnostics of one micro-batch, summed so they can be aggregated.
#[derive(Debug, Clone, Copy, Default)]
pub struct LossStats {
    /// Tokens (sequences for GSPO) where the clipped branch was taken.
    pub clipped: f64,
    /// Tokens (sequences for GSPO) counted for `clipped`.
    pub counted: f64,
    /// Sum of per-token k3 KL over masked tokens.
    pub kl_sum: f64,
    /// Sum of -log pi_theta over masked tokens (entropy estimate).
    pub neg_logp_sum: f64,
}

fn scalar(t: Tensor<1>) -> f64 {
    t.into_data().try_to_vec::<f32>().map(|v| v[0] as f64).unwrap_or(f64::NAN)
}

/// k3 estimator: pi_ref/pi - log(pi_ref/pi) - 1 (>= 0, unbiased for KL(pi || pi_ref)).
fn k3(new: Tensor<2>, reference: Tensor<2>) -> Tensor<2> {
    let d = reference - new;
    d.clone().exp() - d - 1.0
}

/// The loss to minimise (negated objective) for this micro-batch, and its stats.
pub fn policy_loss(x: LossInputs, p: &LossParams) -> (Tensor<1>, LossStats) {
    let mask = x.mask.clone();
    let lens = mask.clone().sum_dim(1).clamp_min(1.0); // [rows, 1]
    let log_ratio = x.new.clone() - x.old.clone();
    let kl = match (&x.reference, p.beta > 0.0) {
        (Some(r), true) => Some(k3(x.new.clone(), r.clone()) * mask.clone()),
        _ => None,
    };
    let (objective, clipped, counted) = match p.kind {
        LossKind::Gspo => {
            // s_i = exp(mean_t log ratio): one ratio per sequence.
            let s = ((log_ratio * mask.clone()).sum_dim(1) / lens.clone()).exp(); // [rows, 1]
            let clipped_s = s.clone().clamp(1.0 - p.eps_low, 1.0 + p.eps_high);
            let obj = (s.clone() * x.adv.clone()).min_pair(clipped_s * x.adv.clone()); // [rows, 1]
            let mut per_seq = obj;
            if let Some(kl) = &kl {
                per_seq = per_seq - (kl.clone().sum_dim(1) / lens.clone()).mul_scalar(p.beta);
            }
            let out = s.clone().lower_elem(1.0 - p.eps_low).float() + s.greater_elem(1.0 + p.eps_high).float();
            let rows = out.dims()[0] as f64;
            (per_seq.sum().div_scalar(p.seqs), scalar(out.sum()), rows)
        }
        kind => {
            let ratio = log_ratio.exp();
            let clipped_r = ratio.clone().clamp(1.0 - p.eps_low, 1.0 + p.eps_high);
            let surrogate = (ratio.clone() * x.adv.clone()).min_pair(clipped_r * x.adv.clone());
            let mut tok = surrogate * mask.clone();
            if let Some(kl) = &kl {
                tok = tok - kl.clone().mul_scalar(p.beta);
            }
            let total = match kind {
                LossKind::Grpo => (tok.sum_dim(1) / lens.clone()).sum().div_scalar(p.seqs),
                LossKind::DrGrpo => tok.sum().div_scalar(p.l_max * p.seqs),
                _ => tok.sum().div_scalar(p.tokens.max(1.0)), // dapo: token-level mean
            };
            let out = (ratio.clone().lower_elem(1.0 - p.eps_low).float() + ratio.greater_elem(1.0 + p.eps_high).float()) * mask.clone();
            (total, scalar(out.sum()), scalar(mask.clone().sum()))
        }
    };
    let stats =
        LossStats { clipped, counted, kl_sum: kl.map(|k| scalar(k.detach().sum())).unwrap_or(0.0), neg_logp_sum: -scalar((x.new.detach() * mask).sum()) };
    (objective.neg(), stats)
}
