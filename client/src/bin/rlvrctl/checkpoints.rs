//! `rlvrctl checkpoints [list|save|rollback ID|export ID DIR]`.

use crate::output::{describe, print_json};
use crate::Ctx;

pub enum CheckpointsCmd {
    List,
    Save,
    Rollback { id: String },
    Export { id: String, dir: std::path::PathBuf },
}

pub async fn run(ctx: &Ctx, cmd: CheckpointsCmd) -> Result<(), String> {
    let d = |e| describe(&ctx.url, e);
    match cmd {
        CheckpointsCmd::List => {
            let list = rlvr_client::call!(ctx.conn, checkpoints_list()).map_err(d)?;
            if ctx.json {
                return print_json(&list);
            }
            if list.is_empty() {
                println!("no checkpoints yet");
            }
            for c in &list {
                let flags =
                    [(c.latest, "latest"), (c.best, "best"), (!c.valid, "INVALID")].iter().filter(|(on, _)| *on).map(|(_, n)| *n).collect::<Vec<_>>().join(",");
                let metric = c.metric.map(|m| format!("metric {m:.3}")).unwrap_or_default();
                println!("{:<14} step {:>6}  {:>8.1} KiB  {flags} {metric}", c.id, c.step, c.bytes as f64 / 1024.0);
            }
        }
        CheckpointsCmd::Save => {
            let c = rlvr_client::call!(ctx.conn, checkpoints_save()).map_err(d)?;
            if ctx.json {
                return print_json(&c);
            }
            println!("saved {} (step {})", c.id, c.step);
        }
        CheckpointsCmd::Rollback { id } => {
            let st = rlvr_client::call!(ctx.conn, checkpoints_rollback(id.clone())).map_err(d)?;
            if ctx.json {
                return print_json(&st);
            }
            println!("rolled back to {id}: training continues from step {}", st.step);
        }
        CheckpointsCmd::Export { id, dir } => {
            let abs = std::path::absolute(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            let out = rlvr_client::call!(ctx.conn, checkpoints_export(id.clone(), abs.display().to_string())).map_err(d)?;
            if ctx.json {
                return print_json(&out);
            }
            println!("exported {id} (PEFT adapter) to {out}");
        }
    }
    Ok(())
}
