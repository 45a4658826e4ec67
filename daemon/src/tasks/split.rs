//! Train / held-out assignment when a task does not name its split: the standard MBPP
//! ranges for MBPP records, otherwise a hash of the stable id. The hash is FNV-1a
//! (64-bit) with a MurmurHash3 finalizer, written out here so the split never changes with a dependency or a Rust
//! release (std's `DefaultHasher` makes no such promise).

use super::task::Split;

/// The standard MBPP split of `mbpp.jsonl` by `task_id` (Austin et al. 2021):
/// 1-10 few-shot, 11-510 test (our `Eval`), 511-600 validation, 601-974 train.
/// Ids outside 1-974 are not MBPP's and get `None`.
pub fn mbpp_split(task_id: u64) -> Option<Split> {
    match task_id {
        1..=10 => Some(Split::FewShot),
        11..=510 => Some(Split::Eval),
        511..=600 => Some(Split::Validation),
        601..=974 => Some(Split::Train),
        _ => None,
    }
}

/// `Eval` for about `eval_fraction` of ids, `Train` for the rest; the same id always
/// lands on the same side (across runs, machines and versions).
pub fn hash_split(id: &str, eval_fraction: f64) -> Split {
    // FNV-1a alone spreads similar ids (`task-1`, `task-2`) badly over its top bits;
    // the MurmurHash3 finalizer mixes every input bit into them. 2^53 buckets: the
    // top 53 bits map exactly onto an f64 in [0, 1).
    let unit = (fmix64(fnv1a64(id.as_bytes())) >> 11) as f64 / (1u64 << 53) as f64;
    if unit < eval_fraction {
        Split::Eval
    } else {
        Split::Train
    }
}

/// MurmurHash3's 64-bit finalizer (a bijection with full avalanche).
fn fmix64(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// FNV-1a, 64-bit (<http://www.isthe.com/chongo/tech/comp/fnv/>).
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes.iter().fold(OFFSET, |h, &b| (h ^ u64::from(b)).wrapping_mul(PRIME))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a64_matches_the_reference_vectors() {
        // From the FNV reference test suite.
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn mbpp_ranges_have_the_standard_sizes() {
        let count = |s| (1..=974).filter(|&id| mbpp_split(id) == Some(s)).count();
        assert_eq!(count(Split::FewShot), 10);
        assert_eq!(count(Split::Eval), 500);
        assert_eq!(count(Split::Validation), 90);
        assert_eq!(count(Split::Train), 374);
        assert_eq!(mbpp_split(0), None);
        assert_eq!(mbpp_split(975), None);
    }

    // Computed independently in Python from the FNV-1a and fmix64 definitions.
    const PINNED_FIRST_EVAL: [usize; 3] = [1, 4, 27];

    #[test]
    fn hash_split_is_stable_and_close_to_the_fraction() {
        let ids: Vec<String> = (0..10_000).map(|i| format!("dir/task-{i}")).collect();
        let evals = ids.iter().filter(|id| hash_split(id, 0.1) == Split::Eval).count();
        assert!((800..1200).contains(&evals), "{evals} of 10000 in eval at fraction 0.1");
        assert!(ids.iter().all(|id| hash_split(id, 0.1) == hash_split(id, 0.1)));
        // Pinned: changing the hash would silently move tasks between train and eval.
        let first_eval: Vec<usize> = (0..10_000).filter(|i| hash_split(&ids[*i], 0.1) == Split::Eval).take(3).collect();
        assert_eq!(first_eval, PINNED_FIRST_EVAL);
        assert!(ids.iter().all(|id| hash_split(id, 0.0) == Split::Train));
        assert!(ids.iter().all(|id| hash_split(id, 1.0) == Split::Eval));
    }
}
