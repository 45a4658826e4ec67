//! `rlvrd eval`: offline evaluation of the base model or an adapter directory (PEFT
//! layout) on the configured eval tasks or any MBPP JSON Lines file; prints the
//! EvalRecord (JSON) or a summary, and can append it to a metrics history so
//! `rlvrctl report --from-file` draws it. `rlvrd compare`: the paired comparison of
//! two such records (pass@1 with 95% intervals, gained / lost, exact McNemar p).

use std::io::Write;
use std::path::{Path, PathBuf};

use rlvr_client::metrics::{EvalRecord, MetricsRecord};

use rlvrd::config::Config;
use rlvrd::eval::evaluator::{evaluate, Target};
use rlvrd::eval::{compare, Comparison};
use rlvrd::model::lora;
use rlvrd::reward::Verifier;

#[derive(clap::Args)]
pub struct EvalOpts {
    /// `base` (default) or an adapter directory (adapter_config.json + adapter_model.safetensors).
    #[arg(long)]
    pub adapter: Option<String>,
    /// Evaluate only the first N tasks.
    #[arg(long)]
    pub limit: Option<usize>,
    /// MBPP JSON Lines file to evaluate on (default: `[eval] file`).
    #[arg(long)]
    pub file: Option<PathBuf>,
    /// First and last MBPP task id, e.g. 11-510 (default: `[eval] mbpp_ids`).
    #[arg(long, value_parser = parse_ids)]
    pub ids: Option<(u32, u32)>,
    /// Label of the record (default: `base` or the adapter directory).
    #[arg(long)]
    pub label: Option<String>,
    /// Trainer step recorded with the result (for learning curves).
    #[arg(long)]
    pub step: Option<u64>,
    /// Append the result as a metrics line to this file (`rlvrctl report --from-file` reads it).
    #[arg(long)]
    pub out: Option<PathBuf>,
    #[arg(long)]
    pub json: bool,
}

/// `rlvrd compare`.
#[derive(clap::Args)]
pub struct CompareOpts {
    /// The reference (usually the base model).
    #[arg(long)]
    pub reference: PathBuf,
    #[arg(long)]
    pub candidate: PathBuf,
    #[arg(long)]
    pub json: bool,
}

pub fn run(cfg: &Config, o: &EvalOpts) -> anyhow::Result<()> {
    let mut opts = cfg.eval.clone();
    if let Some(f) = &o.file {
        opts.file = f.clone();
    }
    if let Some(ids) = o.ids {
        opts.mbpp_ids = ids;
    }
    if let Some(l) = o.limit {
        opts.limit = l;
    }
    // Tasks first: a wrong file or range fails before the model loads.
    let tasks = rlvrd::eval::eval_tasks(&opts)?;
    let (mut m, _dev, _) = super::load_model(cfg)?;
    let step = o.step.unwrap_or(0);
    let target = match o.adapter.as_deref() {
        None | Some("base") => Target { step, label: o.label.clone().unwrap_or_else(|| "base".into()), ..Target::base() },
        Some(dir) => {
            let (model, spec) = lora::load_peft(m.model.clone(), &PathBuf::from(dir), &m.device)?;
            m.model = model;
            eprintln!("adapter {dir}: rank {}, targets {:?}", spec.rank, spec.targets);
            Target::adapter(o.label.clone().unwrap_or_else(|| dir.to_string()), step)
        }
    };
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let verifier = rt.block_on(Verifier::new(&cfg.sandbox, &cfg.reward))?;
    let report = evaluate(&m, &target, &verifier, &tasks, &opts, rt.handle())?;
    let r = &report.record;
    if let Some(path) = &o.out {
        let line = serde_json::to_string(&MetricsRecord::Eval(r.clone()))?;
        let mut f = std::fs::OpenOptions::new().create(true).append(true).open(path).map_err(|e| anyhow::anyhow!("cannot open {}: {e}", path.display()))?;
        writeln!(f, "{line}").map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    }
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

/// Parse `A-B` (inclusive MBPP task ids).
pub fn parse_ids(s: &str) -> Result<(u32, u32), String> {
    let (a, b) = s.split_once('-').ok_or_else(|| format!("`{s}`: expected FIRST-LAST, e.g. 11-510"))?;
    let num = |x: &str| x.trim().parse::<u32>().map_err(|e| format!("`{s}`: `{x}` is not a task id: {e}"));
    let (a, b) = (num(a)?, num(b)?);
    if a > b {
        return Err(format!("`{s}`: the first id is larger than the last"));
    }
    Ok((a, b))
}

/// Read an eval record from a file holding either the record (`rlvrd eval --json`) or
/// metrics lines (`--out`); with several eval lines, the last one.
pub fn read_record(path: &Path) -> anyhow::Result<EvalRecord> {
    let text = std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    if let Ok(r) = serde_json::from_str::<EvalRecord>(&text) {
        if !r.per_task.is_empty() {
            return Ok(r);
        }
    }
    let mut last = None;
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        match serde_json::from_str::<MetricsRecord>(line) {
            Ok(MetricsRecord::Eval(r)) => last = Some(r),
            Ok(MetricsRecord::Step(_)) => {}
            Err(e) => anyhow::bail!("{} line {}: not an eval record: {e}", path.display(), i + 1),
        }
    }
    last.ok_or_else(|| anyhow::anyhow!("{} holds no eval record with per-task results", path.display()))
}

/// `rlvrd compare --reference A --candidate B`.
pub fn compare_files(o: &CompareOpts) -> anyhow::Result<Comparison> {
    let (reference, candidate, json) = (o.reference.as_path(), o.candidate.as_path(), o.json);
    let (r, c) = (read_record(reference)?, read_record(candidate)?);
    let cmp = compare(&r, &c);
    if cmp.paired_tasks == 0 {
        anyhow::bail!("{} and {} share no task id: nothing to compare", reference.display(), candidate.display());
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&cmp)?);
    } else {
        let side = |s: &rlvrd::eval::compare::Side| {
            format!(
                "{:<24} pass@1 {:>5.1}% [{:.1}, {:.1}]  mean {:>5.0} tokens  {:>3.0}% truncated",
                format!("{} (step {})", s.adapter, s.step),
                100.0 * s.pass_at_1.value,
                100.0 * s.pass_at_1.low,
                100.0 * s.pass_at_1.high,
                s.mean_tokens,
                100.0 * s.truncated_frac
            )
        };
        println!("{}", side(&cmp.reference));
        println!("{}", side(&cmp.candidate));
        println!(
            "{} paired tasks: {:+.1} pp, {} gained, {} lost, exact McNemar p = {:.4}{}",
            cmp.paired_tasks,
            cmp.delta_pp,
            cmp.gained,
            cmp.lost,
            cmp.mcnemar_p,
            cmp.length_ratio.map(|l| format!(", length x{l:.2}")).unwrap_or_default()
        );
    }
    Ok(cmp)
}
