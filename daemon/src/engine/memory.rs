//! The process's peak resident memory, per phase: the kernel's high-water mark
//! (`VmHWM`), which writing `5` to `/proc/self/clear_refs` resets. Linux only; `None`
//! elsewhere or where /proc is not readable.

/// Peak RSS since the process started or the last [`reset_peak_rss`], in bytes.
pub fn peak_rss_bytes() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Start a new peak-RSS window (the mark drops to the current RSS). Returns false
/// where the kernel does not allow it; the peak then covers the whole process life.
pub fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The peak is process-wide and other tests allocate concurrently, so the check
    /// runs alone in a child process (this test binary, filtered to the test below).
    #[test]
    fn peak_follows_a_large_allocation_and_resets() {
        let exe = std::env::current_exe().unwrap();
        let out = std::process::Command::new(exe)
            .args(["engine::memory::tests::alone_in_a_process", "--exact", "--ignored", "--test-threads", "1"])
            .output()
            .unwrap();
        let log = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "{log}");
        assert!(log.contains("1 passed"), "the child ran no test: {log}");
    }

    #[test]
    #[ignore = "run by peak_follows_a_large_allocation_and_resets in its own process"]
    fn alone_in_a_process() {
        if !reset_peak_rss() {
            return; // not Linux, or /proc/self/clear_refs not writable here
        }
        let before = peak_rss_bytes().expect("VmHWM");
        let mut block = vec![0u8; 256 << 20];
        for i in (0..block.len()).step_by(4096) {
            block[i] = 1;
        }
        std::hint::black_box(&block);
        let peak = peak_rss_bytes().unwrap();
        assert!(peak >= before + (250 << 20), "peak {peak} after touching 256 MiB (before {before})");
        drop(block);
        assert!(reset_peak_rss());
        let after = peak_rss_bytes().unwrap();
        assert!(after + (250 << 20) <= peak, "the reset peak {after} is still near {peak}");
    }
}
