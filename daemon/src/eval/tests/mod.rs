//! Eval tests: the pass@k estimator and the sign test against hand-computed values,
//! diagnostics of fixed completions through the real verifier (python3 + ruff), the
//! gate on constructed records, and the gate end to end on SmolLM2 with a garbage
//! LoRA adapter.

mod diagnostics;
mod e2e;
mod unit;

use crate::config::{RewardConfig, SandboxConfig};
use crate::reward::Verifier;

pub(super) async fn verifier() -> Verifier {
    let sandbox = SandboxConfig { timeout_s: 10.0, cpu_s: 5, ..SandboxConfig::default() };
    Verifier::new(&sandbox, &RewardConfig::default()).await.expect("verifier (needs python3 and ruff)")
}
