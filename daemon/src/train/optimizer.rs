//! AdamW on the adapter only (the base model has no optimizer state), with global
//! gradient-norm clipping and a warm-up + constant / cosine learning-rate schedule.
//! The state (moments, step) is plain tensors so checkpoints can store it exactly.

use burn::tensor::Tensor;

use crate::config::{LrSchedule, RlConfig};

/// First and second moments of one parameter.
#[derive(Clone)]
pub struct Moments {
    pub m: Tensor<2>,
    pub v: Tensor<2>,
}

/// AdamW state over a fixed, ordered list of parameters.
pub struct AdamW {
    pub beta1: f64,
    pub beta2: f64,
    pub eps: f64,
    pub weight_decay: f64,
    /// Optimizer steps taken.
    pub step: u64,
    pub moments: Vec<Option<Moments>>,
}

/// Learning rate at optimizer step `step` (0-based).
pub fn lr_at(cfg: &RlConfig, step: u64) -> f64 {
    let s = step as f64 + 1.0;
    let warm = cfg.warmup_steps as f64;
    if s <= warm {
        return cfg.lr * s / warm.max(1.0);
    }
    match cfg.lr_schedule {
        LrSchedule::Constant => cfg.lr,
        LrSchedule::Cosine => {
            let span = (cfg.total_steps as f64 - warm).max(1.0);
            let progress = ((s - warm) / span).min(1.0);
            cfg.lr * 0.5 * (1.0 + (std::f64::consts::PI * progress).cos())
        }
    }
}

fn sq_sum(t: &Tensor<2>) -> f64 {
    t.clone().powi_scalar(2).sum().into_data().try_to_vec::<f32>().map(|v| v[0] as f64).unwrap_or(f64::NAN)
}

/// Global L2 norm of `grads`; scales them in place to `max_norm` when above (0 = off).
pub fn clip_grad_norm(grads: &mut [Tensor<2>], max_norm: f64) -> f64 {
    let norm = grads.iter().map(sq_sum).sum::<f64>().sqrt();
    if max_norm > 0.0 && norm > max_norm {
        let k = max_norm / (norm + 1e-6);
        for g in grads.iter_mut() {
            *g = g.clone().mul_scalar(k);
        }
    }
    norm
}

impl AdamW {
    pub fn new(n_params: usize, weight_decay: f64) -> Self {
        AdamW { beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay, step: 0, moments: vec![None; n_params] }
    }

    /// One update: returns the new parameter values (same order as `params`).
    pub fn step(&mut self, params: Vec<Tensor<2>>, grads: Vec<Tensor<2>>, lr: f64) -> Vec<Tensor<2>> {
        assert_eq!(params.len(), grads.len());
        if self.moments.len() != params.len() {
            self.moments = vec![None; params.len()];
        }
        self.step += 1;
        let t = self.step as i32;
        let bc1 = 1.0 - self.beta1.powi(t);
        let bc2 = 1.0 - self.beta2.powi(t);
        params
            .into_iter()
            .zip(grads)
            .zip(self.moments.iter_mut())
            .map(|((p, g), slot)| {
                let (m, v) = match slot.take() {
                    Some(s) => (s.m, s.v),
                    None => (p.zeros_like(), p.zeros_like()),
                };
                let m = m.mul_scalar(self.beta1) + g.clone().mul_scalar(1.0 - self.beta1);
                let v = v.mul_scalar(self.beta2) + g.powi_scalar(2).mul_scalar(1.0 - self.beta2);
                let update = m.clone().div_scalar(bc1) / (v.clone().div_scalar(bc2).sqrt().add_scalar(self.eps));
                // Decoupled weight decay (AdamW), then the Adam step.
                let p = p.mul_scalar(1.0 - lr * self.weight_decay) - update.mul_scalar(lr);
                *slot = Some(Moments { m, v });
                p
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::tensor::{Device, TensorData};

    #[test]
    fn schedule_warms_up_then_holds_or_decays() {
        let mut c = RlConfig { lr: 1e-3, warmup_steps: 4, total_steps: 14, ..RlConfig::default() };
        assert!((lr_at(&c, 0) - 2.5e-4).abs() < 1e-12);
        assert!((lr_at(&c, 3) - 1e-3).abs() < 1e-12);
        assert!((lr_at(&c, 100) - 1e-3).abs() < 1e-12);
        c.lr_schedule = LrSchedule::Cosine;
        assert!((lr_at(&c, 8) - 0.5e-3).abs() < 1e-9, "{}", lr_at(&c, 8));
        assert!(lr_at(&c, 13) < 1e-12);
    }

    #[test]
    fn first_adam_step_moves_by_lr_against_the_gradient_sign() {
        let d = Device::flex();
        let p = Tensor::<2>::from_data(TensorData::new(vec![1.0f32, -1.0], [1, 2]), &d);
        let g = Tensor::<2>::from_data(TensorData::new(vec![0.5f32, -2.0], [1, 2]), &d);
        let mut opt = AdamW::new(1, 0.0);
        let out = opt.step(vec![p], vec![g], 0.1);
        let v: Vec<f32> = out[0].clone().into_data().try_to_vec().unwrap();
        assert!((v[0] - 0.9).abs() < 1e-5 && (v[1] + 0.9).abs() < 1e-5, "{v:?}");
    }

    #[test]
    fn clipping_scales_to_max_norm() {
        let d = Device::flex();
        let mut g = vec![Tensor::<2>::from_data(TensorData::new(vec![3.0f32, 4.0], [1, 2]), &d)];
        let n = clip_grad_norm(&mut g, 1.0);
        assert!((n - 5.0).abs() < 1e-6);
        assert!((sq_sum(&g[0]).sqrt() - 1.0).abs() < 1e-4);
    }
}
