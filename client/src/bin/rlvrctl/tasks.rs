//! `rlvrctl tasks [list|show ID|errors|reload]`.

use crate::output::{describe, print_json};
use crate::Ctx;

pub enum TasksCmd {
    List { split: Option<String>, offset: usize, limit: usize },
    Show { id: String },
    Errors,
    Reload,
}

pub async fn run(ctx: &Ctx, cmd: TasksCmd) -> Result<(), String> {
    let d = |e| describe(&ctx.url, e);
    match cmd {
        TasksCmd::List { split, offset, limit } => {
            let page = rlvr_client::call!(ctx.conn, tasks_list(Some(offset), Some(limit), split)).map_err(d)?;
            if ctx.json {
                return print_json(&page);
            }
            println!("{} tasks (showing {}..{})", page.total, page.offset, page.offset + page.items.len());
            for t in &page.items {
                let rate = t.recent_pass_rate.map(|r| format!("{:3.0}%", r * 100.0)).unwrap_or_else(|| "   -".into());
                let sampler = t.sampler.map(|s| format!("{:<8} w {:.2}", sampler_state(s.state), s.weight)).unwrap_or_else(|| "-".into());
                println!(
                    "{:<40} {:<10} {:>3} tests  pass {}  {:<15} {}",
                    t.id,
                    t.split,
                    t.tests,
                    rate,
                    sampler,
                    t.prompt_preview.chars().take(50).collect::<String>()
                );
            }
        }
        TasksCmd::Show { id } => {
            let t = rlvr_client::call!(ctx.conn, tasks_get(id)).map_err(d)?;
            if ctx.json {
                return print_json(&t);
            }
            println!("{} ({}, {}, from {})", t.summary.id, t.summary.split, t.summary.format, t.summary.source);
            println!("\n{}\n", t.prompt);
            if !t.setup.is_empty() {
                println!("setup:\n{}\n", t.setup);
            }
            for test in &t.tests {
                println!("{test}");
            }
            println!("\nattempts {}, passes {}", t.summary.attempts, t.summary.passes);
            if let Some(s) = t.summary.sampler {
                println!("sampler: {} (pass rate {:.2}, weight {:.2})", sampler_state(s.state), s.pass_rate, s.weight);
            }
        }
        TasksCmd::Errors => {
            let errs = rlvr_client::call!(ctx.conn, tasks_errors()).map_err(d)?;
            if ctx.json {
                return print_json(&errs);
            }
            if errs.is_empty() {
                println!("no task errors");
            }
            for e in &errs {
                let at = e.line.map(|l| format!(":{l}")).unwrap_or_default();
                println!("{}{at}: {}", e.file, e.reason);
            }
        }
        TasksCmd::Reload => {
            let page = rlvr_client::call!(ctx.conn, tasks_reload()).map_err(d)?;
            if ctx.json {
                return print_json(&page);
            }
            println!("reloaded: {} tasks", page.total);
        }
    }
    Ok(())
}

fn sampler_state(s: rlvr_client::SamplerState) -> &'static str {
    match s {
        rlvr_client::SamplerState::Unseen => "untried",
        rlvr_client::SamplerState::Learning => "learning",
        rlvr_client::SamplerState::Mastered => "mastered",
        rlvr_client::SamplerState::TooHard => "too hard",
    }
}
