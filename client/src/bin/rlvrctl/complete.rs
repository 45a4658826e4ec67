//! `rlvrctl complete`: ask for a code completion (what an editor plugin does).

use std::io::Read;

use rlvr_client::{AdapterChoice, CompleteParams};

use crate::output::{describe, print_json};
use crate::Ctx;

pub struct CompleteArgs {
    pub prefix: Option<String>,
    pub suffix: Option<String>,
    pub max_tokens: Option<usize>,
    pub temperature: Option<f64>,
    pub stop: Vec<String>,
    pub adapter: AdapterChoice,
}

pub async fn run(ctx: &Ctx, a: CompleteArgs) -> Result<(), String> {
    let prefix = match a.prefix {
        Some(p) => p,
        None => {
            let mut s = String::new();
            std::io::stdin().read_to_string(&mut s).map_err(|e| format!("cannot read the prefix from stdin: {e}"))?;
            s
        }
    };
    let params = CompleteParams {
        prefix,
        suffix: a.suffix,
        language: Some("python".into()),
        max_tokens: a.max_tokens,
        temperature: a.temperature,
        stop: a.stop,
        adapter: a.adapter,
    };
    let r = rlvr_client::call!(ctx.conn, complete(params)).map_err(|e| describe(&ctx.url, e))?;
    if ctx.json {
        return print_json(&r);
    }
    println!("{}", r.text);
    eprintln!(
        "[{} tokens, {}, adapter {}, waited {:.2}s, generated in {:.2}s]",
        r.completion_tokens, r.finish_reason, r.adapter, r.queue_s, r.generate_s
    );
    Ok(())
}
