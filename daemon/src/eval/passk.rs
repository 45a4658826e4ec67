//! The unbiased pass@k estimator of Chen et al. (2021, "Evaluating Large Language
//! Models Trained on Code"): from n samples of which c pass,
//! pass@k = 1 - C(n-c, k) / C(n, k), computed as a product so it never overflows.

/// pass@k of one task with `c` correct out of `n` samples. `None` when k > n (the
/// estimator is undefined) or k = 0.
pub fn pass_at_k(n: usize, c: usize, k: usize) -> Option<f64> {
    if k == 0 || k > n || c > n {
        return None;
    }
    if n - c < k {
        // Every k-subset contains a correct sample.
        return Some(1.0);
    }
    // C(n-c, k) / C(n, k) = prod_{i = n-c+1}^{n} (1 - k / i)
    let fail: f64 = (n - c + 1..=n).map(|i| 1.0 - k as f64 / i as f64).product();
    Some(1.0 - fail)
}

/// Mean pass@k over tasks given as `(n, c)`; tasks with n < k are left out. `None`
/// when no task qualifies.
pub fn mean_pass_at_k(tasks: &[(usize, usize)], k: usize) -> Option<f64> {
    let vals: Vec<f64> = tasks.iter().filter_map(|&(n, c)| pass_at_k(n, c, k)).collect();
    (!vals.is_empty()).then(|| vals.iter().sum::<f64>() / vals.len() as f64)
}
