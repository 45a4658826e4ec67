//! `rlvrctl status`.

use crate::output::{describe, print_json};
use crate::Ctx;
use rlvr_client::units::human_duration;

pub async fn run(ctx: &Ctx) -> Result<(), String> {
    let st = rlvr_client::call!(ctx.conn, status()).map_err(|e| describe(&ctx.url, e))?;
    if ctx.json {
        return print_json(&st);
    }
    println!("rlvrd {} (pid {}) at {}", st.version, st.pid, ctx.url);
    println!("  state     {}", st.state);
    println!("  uptime    {}", human_duration(st.uptime_s));
    println!("  backend   {} — {}", st.backend.kind, st.backend.device);
    match &st.model {
        Some(m) => {
            println!("  model     {} ({}, {:.1}M params, {} layers) from {}", m.architecture, m.hidden_size, m.parameters as f64 / 1e6, m.layers, m.path)
        }
        None => println!("  model     (not loaded)"),
    }
    println!("  state dir {}", st.state_dir);
    if let Some(e) = &st.error {
        println!("  error     {e}");
    }
    // Training details when the engine is up (a daemon without a model refuses).
    if let Ok(t) = rlvr_client::call!(ctx.conn, train_status()) {
        crate::train::print_status(&t);
    }
    Ok(())
}
