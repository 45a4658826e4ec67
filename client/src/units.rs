//! Human-readable quantities, shared by `rlvrctl` output and the report summary so the
//! two never print the same duration two ways.

/// Seconds as `1h 02m 03s`, `5m 03s` or `42s` (negative clamps to `0s`).
pub fn human_duration(secs: f64) -> String {
    let s = secs.max(0.0) as u64;
    let (h, m, s) = (s / 3600, (s / 60) % 60, s % 60);
    if h > 0 {
        format!("{h}h {m:02}m {s:02}s")
    } else if m > 0 {
        format!("{m}m {s:02}s")
    } else {
        format!("{s}s")
    }
}

#[cfg(test)]
mod tests {
    use super::human_duration;

    #[test]
    fn durations() {
        assert_eq!(human_duration(-3.0), "0s");
        assert_eq!(human_duration(42.9), "42s");
        assert_eq!(human_duration(303.0), "5m 03s");
        assert_eq!(human_duration(3723.0), "1h 02m 03s");
    }
}
