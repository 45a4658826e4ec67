//! Token sampling on the host: temperature, top-k, top-p, greedy; with a small
//! serializable RNG so runs are reproducible and checkpoints can store RNG state.

use serde::{Deserialize, Serialize};

/// xoshiro256** — tiny, fast, and its whole state is four u64 (checkpointable).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rng {
    s: [u64; 4],
}

impl Rng {
    pub fn new(seed: u64) -> Rng {
        // SplitMix64 expands the seed so nearby seeds give unrelated streams.
        let mut x = seed;
        let mut next = || {
            x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        Rng { s: [next(), next(), next(), next()] }
    }

    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// Uniform in [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A child stream (e.g. one per completion of a group).
    pub fn fork(&mut self) -> Rng {
        Rng::new(self.next_u64())
    }
}

/// How to pick the next token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SamplingParams {
    /// 0 = greedy.
    pub temperature: f32,
    /// Nucleus mass kept (1 = off).
    pub top_p: f32,
    /// Keep the k most likely (0 = off).
    pub top_k: usize,
}

impl SamplingParams {
    pub fn greedy() -> Self {
        SamplingParams { temperature: 0.0, top_p: 1.0, top_k: 0 }
    }
}

/// Log-softmax of `logits / temperature` (temperature 0 is treated as 1).
pub fn log_softmax(logits: &[f32], temperature: f32) -> Vec<f32> {
    let t = if temperature > 0.0 { temperature } else { 1.0 };
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let sum: f64 = logits.iter().map(|&x| (((x - max) / t) as f64).exp()).sum();
    let lse = sum.ln() as f32;
    logits.iter().map(|&x| (x - max) / t - lse).collect()
}

/// Pick a token from one row of logits. Returns (token, log-prob of that token under
/// the temperature-scaled, unfiltered distribution — the policy the trainer scores).
pub fn sample(logits: &[f32], p: &SamplingParams, rng: &mut Rng) -> (u32, f32) {
    let logp = log_softmax(logits, p.temperature);
    if p.temperature <= 0.0 {
        // First maximum wins, like torch.argmax: deterministic.
        let mut best = 0;
        for (i, &x) in logits.iter().enumerate() {
            if x > logits[best] {
                best = i;
            }
        }
        return (best as u32, logp[best]);
    }
    let mut idx: Vec<u32> = (0..logits.len() as u32).collect();
    let filtered = p.top_k > 0 && p.top_k < idx.len() || p.top_p < 1.0;
    if filtered {
        idx.sort_unstable_by(|&a, &b| logp[b as usize].total_cmp(&logp[a as usize]).then(a.cmp(&b)));
        if p.top_k > 0 && p.top_k < idx.len() {
            idx.truncate(p.top_k);
        }
        if p.top_p < 1.0 {
            let mut mass = 0.0f64;
            let mut keep = 0;
            for &i in &idx {
                mass += (logp[i as usize] as f64).exp();
                keep += 1;
                if mass >= p.top_p as f64 {
                    break;
                }
            }
            idx.truncate(keep.max(1));
        }
    }
    let total: f64 = idx.iter().map(|&i| (logp[i as usize] as f64).exp()).sum();
    let mut u = rng.next_f64() * total;
    for &i in &idx {
        u -= (logp[i as usize] as f64).exp();
        if u <= 0.0 {
            return (i, logp[i as usize]);
        }
    }
    let last = *idx.last().expect("non-empty vocabulary");
    (last, logp[last as usize])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greedy_is_argmax_first_max() {
        let (t, lp) = sample(&[0.1, 2.0, 2.0, -1.0], &SamplingParams::greedy(), &mut Rng::new(0));
        assert_eq!(t, 1);
        assert!(lp < 0.0);
    }

    #[test]
    fn top_k_one_is_greedy_and_sampling_follows_probabilities() {
        let logits = [0.0f32, (3.0f32).ln(), -50.0];
        let p = SamplingParams { temperature: 1.0, top_p: 1.0, top_k: 1 };
        assert_eq!(sample(&logits, &p, &mut Rng::new(1)).0, 1);
        let p = SamplingParams { temperature: 1.0, top_p: 1.0, top_k: 0 };
        let mut rng = Rng::new(7);
        let n = 20_000;
        let ones = (0..n).filter(|_| sample(&logits, &p, &mut rng).0 == 1).count();
        let frac = ones as f64 / n as f64;
        assert!((frac - 0.75).abs() < 0.02, "{frac}");
    }

    #[test]
    fn top_p_cuts_the_tail() {
        let logits = [5.0f32, 4.9, -10.0, -10.0];
        let p = SamplingParams { temperature: 1.0, top_p: 0.9, top_k: 0 };
        let mut rng = Rng::new(3);
        assert!((0..2000).all(|_| sample(&logits, &p, &mut rng).0 < 2));
    }

    #[test]
    fn log_softmax_normalizes() {
        let lp = log_softmax(&[1.0, 2.0, 3.0], 0.5);
        let s: f64 = lp.iter().map(|&x| (x as f64).exp()).sum();
        assert!((s - 1.0).abs() < 1e-6);
    }

    #[test]
    fn rng_is_reproducible_and_state_roundtrips() {
        let mut a = Rng::new(42);
        a.next_u64();
        let saved = serde_json::to_string(&a).unwrap();
        let mut b: Rng = serde_json::from_str(&saved).unwrap();
        assert_eq!(a.next_u64(), b.next_u64());
        assert_ne!(Rng::new(1).next_u64(), Rng::new(2).next_u64());
    }
}
