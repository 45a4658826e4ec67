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
    /// Print text as it is generated (WebSocket subscription).
    pub stream: bool,
}

pub async fn run(ctx: &Ctx, a: CompleteArgs, token: Option<&str>) -> Result<(), String> {
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
        sampling: Default::default(),
    };
    if a.stream {
        return stream(ctx, params, token).await;
    }
    let r = rlvr_client::call!(ctx.conn, complete(params)).map_err(|e| describe(&ctx.url, e))?;
    if ctx.json {
        return print_json(&r);
    }
    println!("{}", r.text);
    eprintln!("[{} tokens, {}, adapter {}, waited {:.2}s, generated in {:.2}s]", r.completion_tokens, r.finish_reason, r.adapter, r.queue_s, r.generate_s);
    Ok(())
}

async fn stream(ctx: &Ctx, params: CompleteParams, token: Option<&str>) -> Result<(), String> {
    use rlvr_client::client::Connection;
    use rlvr_client::{RlvrApiClient, StreamChunk};
    use std::io::Write;
    let ws_url = ctx.url.replacen("http://", "ws://", 1);
    let conn = Connection::open(&ws_url, token, std::time::Duration::from_secs(600)).await.map_err(|e| e.to_string())?;
    let Connection::Ws(client) = &conn else { return Err("streaming needs a WebSocket connection".into()) };
    let mut sub = client.complete_stream(params).await.map_err(|e| describe(&ctx.url, e))?;
    while let Some(chunk) = sub.next().await {
        match chunk.map_err(|e| format!("stream ended: {e}"))? {
            StreamChunk::Delta { text } => {
                print!("{text}");
                let _ = std::io::stdout().flush();
            }
            StreamChunk::Done { result } => {
                println!();
                eprintln!("[{} tokens, {}, adapter {}]", result.completion_tokens, result.finish_reason, result.adapter);
                return Ok(());
            }
            StreamChunk::Error { message, .. } => return Err(message),
        }
    }
    Err("stream ended without a result".into())
}
