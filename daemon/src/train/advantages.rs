//! Group-relative advantages (GRPO family) and zero-variance group detection.

use crate::config::AdvantageScaling;

const EPS: f64 = 1e-6;

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

/// Sample standard deviation (n - 1), as torch.std in the reference implementations.
fn std(v: &[f64]) -> f64 {
    if v.len() < 2 {
        return 0.0;
    }
    let m = mean(v);
    (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (v.len() - 1) as f64).sqrt()
}

/// A group whose rewards are all equal carries no learning signal.
pub fn is_zero_variance(rewards: &[f64]) -> bool {
    rewards.windows(2).all(|w| (w[0] - w[1]).abs() < 1e-12)
}

/// Advantages per group: `group` = (r - mean_g) / (std_g + eps); `batch` = (r - mean_g)
/// / (std over the whole batch + eps); `none` = r - mean_g (Dr. GRPO).
pub fn advantages(groups: &[Vec<f64>], scaling: AdvantageScaling) -> Vec<Vec<f64>> {
    let all: Vec<f64> = groups.iter().flatten().copied().collect();
    let batch_std = std(&all);
    groups
        .iter()
        .map(|g| {
            let m = mean(g);
            if is_zero_variance(g) {
                return vec![0.0; g.len()];
            }
            let denom = match scaling {
                AdvantageScaling::Group => std(g) + EPS,
                AdvantageScaling::Batch => batch_std + EPS,
                AdvantageScaling::None => 1.0,
            };
            g.iter().map(|r| (r - m) / denom).collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed_group_advantages() {
        // rewards 1, 0, 0, 1: mean 0.5, sample std sqrt(1/3)
        let a = advantages(&[vec![1.0, 0.0, 0.0, 1.0]], AdvantageScaling::Group);
        let s = (1.0f64 / 3.0).sqrt();
        assert!((a[0][0] - 0.5 / (s + EPS)).abs() < 1e-9);
        assert!((a[0][1] + 0.5 / (s + EPS)).abs() < 1e-9);
        let none = advantages(&[vec![1.0, 0.0]], AdvantageScaling::None);
        assert_eq!(none[0], vec![0.5, -0.5]);
    }

    #[test]
    fn zero_variance_groups_get_zero_advantage() {
        let a = advantages(&[vec![1.0; 4], vec![0.0, 1.0]], AdvantageScaling::Batch);
        assert_eq!(a[0], vec![0.0; 4]);
        assert!(a[1][1] > 0.0);
        assert!(is_zero_variance(&[0.3, 0.3]) && !is_zero_variance(&[0.3, 0.31]));
    }
}
