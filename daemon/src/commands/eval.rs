//! `rlvrd eval`: offline evaluation of the base model or an adapter directory (PEFT
//! layout) on the configured eval tasks; prints the EvalRecord (JSON) or a summary.

use std::path::PathBuf;

use crate::config::Config;
use crate::eval::evaluator::{evaluate, Target};
use crate::model::lora;
use crate::reward::Verifier;

pub struct EvalOpts {
    /// `None` or "base" = the base model; else a PEFT adapter directory.
    pub adapter: Option<String>,
    pub limit: Option<usize>,
    pub json: bool,
}

pub fn run(cfg: &Config, o: &EvalOpts) -> anyhow::Result<()> {
    let (mut m, _dev, _) = super::load_model(cfg)?;
    let target = match o.adapter.as_deref() {
        None | Some("base") => Target::base(),
        Some(dir) => {
            let (model, spec) = lora::load_peft(m.model.clone(), &PathBuf::from(dir), &m.device)?;
            m.model = model;
            eprintln!("adapter {dir}: rank {}, targets {:?}", spec.rank, spec.targets);
            Target::adapter(dir.to_string(), 0)
        }
    };
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let verifier = rt.block_on(Verifier::new(&cfg.sandbox, &cfg.reward))?;
    let tasks = cfg.eval.tasks().map_err(anyhow::Error::msg)?;
    let mut opts = cfg.eval.clone();
    if let Some(l) = o.limit {
        opts.limit = l;
    }
    let report = evaluate(&m, &target, &verifier, &tasks, &opts, rt.handle())?;
    let r = &report.record;
    if o.json {
        println!("{}", serde_json::to_string_pretty(r)?);
    } else {
        println!("{}: pass@1 {:.1}% on {} tasks ({:.0} s)", r.adapter, r.pass_at_1 * 100.0, r.tasks, r.seconds);
        for (k, v) in &r.pass_at_k {
            println!("  pass@{k} {:.1}%", v * 100.0);
        }
        let l = &r.completion_length;
        println!(
            "  length    mean {:.0} / median {:.0} / p90 {:.0} tokens; {:.0}% truncated",
            l.mean_tokens,
            l.median_tokens,
            l.p90_tokens,
            r.truncated_frac * 100.0
        );
        println!("  outcomes  {:?}", r.error_types);
        println!("  ruff      {:?}", r.ruff.by_severity);
    }
    Ok(())
}
