//! Range and consistency checks of a parsed config.

use super::{Config, LORA_TARGETS};

impl Config {
    /// Range and consistency checks: `(dotted key, message)` for each violation.
    pub fn validate(&self) -> Vec<(String, String)> {
        let mut v = Vec::new();
        let mut check = |ok: bool, key: &str, msg: &str| {
            if !ok {
                v.push((key.to_string(), msg.to_string()));
            }
        };
        let m = &self.model;
        check((16..=131_072).contains(&m.max_seq_len), "model.max_seq_len", "must be between 16 and 131072");
        let l = &self.lora;
        check((1..=1024).contains(&l.rank), "lora.rank", "must be between 1 and 1024");
        check(l.alpha > 0.0 && l.alpha.is_finite(), "lora.alpha", "must be a positive number");
        check((0.0..1.0).contains(&l.dropout), "lora.dropout", "must be in [0, 1)");
        check(!l.targets.is_empty(), "lora.targets", "must name at least one projection");
        for t in &l.targets {
            check(LORA_TARGETS.contains(&t.as_str()), "lora.targets", &format!("unknown projection `{t}` (allowed: {})", LORA_TARGETS.join(", ")));
        }
        let r = &self.rl;
        check((1..=256).contains(&r.group_size), "rl.group_size", "must be between 1 and 256");
        check((1..=1024).contains(&r.tasks_per_step), "rl.tasks_per_step", "must be between 1 and 1024");
        check((1..=32_768).contains(&r.max_new_tokens), "rl.max_new_tokens", "must be between 1 and 32768");
        check(r.max_new_tokens < m.max_seq_len, "rl.max_new_tokens", "must be below model.max_seq_len");
        check(r.temperature >= 0.0 && r.temperature <= 10.0, "rl.temperature", "must be in [0, 10]");
        check(r.top_p > 0.0 && r.top_p <= 1.0, "rl.top_p", "must be in (0, 1]");
        check(r.lr > 0.0 && r.lr < 1.0, "rl.lr", "must be in (0, 1)");
        check(r.weight_decay >= 0.0, "rl.weight_decay", "must be >= 0");
        check(r.max_grad_norm >= 0.0, "rl.max_grad_norm", "must be >= 0 (0 disables clipping)");
        check(r.clip_eps > 0.0 && r.clip_eps < 1.0, "rl.clip_eps", "must be in (0, 1)");
        if let Some(h) = r.clip_eps_high {
            check(h > 0.0 && h < 10.0, "rl.clip_eps_high", "must be in (0, 10)");
        }
        check(r.beta >= 0.0, "rl.beta", "must be >= 0");
        check(r.updates_per_batch >= 1, "rl.updates_per_batch", "must be >= 1");
        check(r.micro_batch >= 1, "rl.micro_batch", "must be >= 1");
        check(r.total_steps >= 1, "rl.total_steps", "must be >= 1");
        let w = &self.reward;
        check(w.tests_weight >= 0.0, "reward.tests_weight", "must be >= 0");
        check(w.ruff_weight >= 0.0, "reward.ruff_weight", "must be >= 0");
        for (key, val) in [
            ("reward.syntax_error_penalty", w.syntax_error_penalty),
            ("reward.timeout_penalty", w.timeout_penalty),
            ("reward.overlong_penalty", w.overlong_penalty),
        ] {
            check((-10.0..=0.0).contains(&val), key, "must be in [-10, 0] (a penalty)");
        }
        let s = &self.sandbox;
        check(s.timeout_s > 0.0 && s.timeout_s <= 600.0, "sandbox.timeout_s", "must be in (0, 600]");
        check((1..=600).contains(&s.cpu_s), "sandbox.cpu_s", "must be between 1 and 600");
        check((64..=65_536).contains(&s.memory_mb), "sandbox.memory_mb", "must be between 64 and 65536");
        check((1..=4096).contains(&s.file_size_mb), "sandbox.file_size_mb", "must be between 1 and 4096");
        check((1..=4096).contains(&s.max_processes), "sandbox.max_processes", "must be between 1 and 4096");
        check((16..=65_536).contains(&s.max_open_files), "sandbox.max_open_files", "must be between 16 and 65536");
        check(s.max_output_bytes >= 1024, "sandbox.max_output_bytes", "must be >= 1024");
        check(s.workers <= 256, "sandbox.workers", "must be <= 256 (0 = number of cores)");
        let c = &self.curriculum;
        check(c.decay > 0.0 && c.decay <= 1.0, "curriculum.decay", "must be in (0, 1]");
        check((0.0..=1.0).contains(&c.min_weight), "curriculum.min_weight", "must be between 0 and 1");
        check(c.unseen_weight > 0.0 && c.unseen_weight <= 10.0, "curriculum.unseen_weight", "must be in (0, 10]");
        check(c.refill_budget <= 1024, "curriculum.refill_budget", "must be <= 1024");
        let t = &self.tasks;
        check((0.0..=1.0).contains(&t.eval_fraction), "tasks.eval_fraction", "must be in [0, 1]");
        check(t.max_file_bytes >= 1024, "tasks.max_file_bytes", "must be >= 1024");
        let p = &self.rpc;
        check(p.listen.parse::<std::net::SocketAddr>().is_ok(), "rpc.listen", &format!("`{}` is not an address like 127.0.0.1:7433", p.listen));
        check(p.max_request_bytes >= 1024, "rpc.max_request_bytes", "must be >= 1024");
        check(p.max_response_bytes >= 1024, "rpc.max_response_bytes", "must be >= 1024");
        check(p.max_connections >= 1, "rpc.max_connections", "must be >= 1");
        check(self.checkpoints.keep_last >= 1, "checkpoints.keep_last", "must be >= 1");
        let e = &self.eval;
        check(e.mbpp_ids.0 <= e.mbpp_ids.1, "eval.mbpp_ids", "must be [first, last] with first <= last");
        check((1..=32_768).contains(&e.max_new_tokens), "eval.max_new_tokens", "must be between 1 and 32768");
        check((1..=256).contains(&e.batch), "eval.batch", "must be between 1 and 256");
        check(e.temperature > 0.0 && e.temperature <= 10.0, "eval.temperature", "must be in (0, 10]");
        check(e.gate.tolerance_pp >= 0.0, "eval.gate.tolerance_pp", "must be >= 0");
        check((0.0..=1.0).contains(&e.gate.min_length_fraction), "eval.gate.min_length_fraction", "must be in [0, 1]");
        if let Err(e) = tracing_subscriber::EnvFilter::try_new(&self.logging.filter) {
            v.push(("logging.filter".into(), format!("not a valid RUST_LOG-style filter: {e}")));
        }
        v
    }
}
