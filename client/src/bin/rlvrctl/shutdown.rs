//! `rlvrctl shutdown`.

use crate::output::{describe, print_json};
use crate::Ctx;

pub async fn run(ctx: &Ctx) -> Result<(), String> {
    let ack = rlvr_client::call!(ctx.conn, shutdown()).map_err(|e| describe(&ctx.url, e))?;
    if ctx.json {
        return print_json(&ack);
    }
    println!("rlvrd is shutting down");
    Ok(())
}
