//! Human-readable quantities, shared by `rlvrctl` output, the report summary and the
//! daemon's editor endpoints so that none prints the same duration or date two ways.

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

/// UTC calendar time of Unix seconds: (year, month, day, hour, minute, second), by
/// H. Hinnant's civil-from-days algorithm (no date crate needed).
pub fn utc_parts(secs: i64) -> (i64, u32, u32, u32, u32, u32) {
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month as u32, day as u32, (rem / 3600) as u32, (rem / 60 % 60) as u32, (rem % 60) as u32)
}

/// RFC 3339 UTC timestamp of Unix seconds (`2024-02-29T12:34:56Z`).
pub fn rfc3339(secs: i64) -> String {
    let (y, mo, d, h, mi, s) = utc_parts(secs);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

#[cfg(test)]
mod tests {
    use super::{human_duration, rfc3339};

    #[test]
    fn rfc3339_dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        // A leap day, and the day before the 2000 leap day.
        assert_eq!(rfc3339(1_709_210_096), "2024-02-29T12:34:56Z");
        assert_eq!(rfc3339(951_695_999), "2000-02-27T23:59:59Z");
    }

    #[test]
    fn durations() {
        assert_eq!(human_duration(-3.0), "0s");
        assert_eq!(human_duration(42.9), "42s");
        assert_eq!(human_duration(303.0), "5m 03s");
        assert_eq!(human_duration(3723.0), "1h 02m 03s");
    }
}
