//! `rlvrctl adapters` (serving vs latest, with their evaluations) and `rlvrctl eval`.

use rlvr_client::metrics::EvalRecord;

use crate::output::{describe, print_json};
use crate::Ctx;

fn line(name: &str, e: &Option<EvalRecord>) {
    match e {
        Some(r) => println!(
            "  {name:<8} step {:>6}  pass@1 {:>5.1}% on {} tasks  mean length {:.0} tokens  truncated {:.0}%",
            r.step,
            r.pass_at_1 * 100.0,
            r.tasks,
            r.completion_length.mean_tokens,
            r.truncated_frac * 100.0
        ),
        None => println!("  {name:<8} (not evaluated yet)"),
    }
}

pub async fn adapters(ctx: &Ctx) -> Result<(), String> {
    let a = rlvr_client::call!(ctx.conn, adapters()).map_err(|e| describe(&ctx.url, e))?;
    if ctx.json {
        return print_json(&a);
    }
    println!("serving: {}   latest: step {}", a.serving, a.latest_step);
    line("base", &a.base_eval);
    line("serving", &a.serving_eval);
    line("latest", &a.latest_eval);
    for p in &a.pending_evals {
        println!("  running: {p}");
    }
    Ok(())
}

pub async fn eval(ctx: &Ctx, base: bool, limit: Option<usize>) -> Result<(), String> {
    let target = if base { "base" } else { "latest" };
    let msg = rlvr_client::call!(ctx.conn, eval_run(Some(target.to_string()), limit)).map_err(|e| describe(&ctx.url, e))?;
    if ctx.json {
        return print_json(&msg);
    }
    println!("{msg}; follow with `rlvrctl watch`, results in `rlvrctl adapters`");
    Ok(())
}
