//! `rlvrd bench serve`: latency of `complete` under concurrent load against a running
//! daemon (typically while it trains): N requests, C at a time; prints p50 / p95 / max
//! latency, queue wait and errors as JSON.

use std::time::{Duration, Instant};

use rlvr_client::client::Connection;
use rlvr_client::CompleteParams;
use serde_json::json;

use rlvrd::eval::diagnostics::percentile;

#[derive(clap::Args)]
pub struct BenchServeOpts {
    #[arg(long, default_value = "http://127.0.0.1:7433")]
    pub url: String,
    #[arg(long, default_value_t = 20)]
    pub requests: usize,
    #[arg(long, default_value_t = 20)]
    pub concurrency: usize,
    #[arg(long, default_value_t = 16)]
    pub max_tokens: usize,
    /// The daemon's token (default: rpc.token in $RLVRD_STATE_DIR or the default state dir).
    #[arg(long, env = "RLVRD_TOKEN_FILE")]
    pub token_file: Option<std::path::PathBuf>,
    /// Editor-shaped requests: about this many tokens of code before the cursor
    /// (0: the short prompts), streamed, with time to first token measured.
    #[arg(long, default_value_t = 0)]
    pub prefix_tokens: usize,
    /// About this many tokens of code after the cursor (fill-in-the-middle).
    #[arg(long, default_value_t = 0)]
    pub suffix_tokens: usize,
    /// With --prefix-tokens: one file being typed into instead of a new file per
    /// request; request i has i more characters typed at the cursor, so consecutive
    /// prompts share everything up to the cursor (what an editor sends).
    #[arg(long)]
    pub typing: bool,
}

/// What is typed at the cursor over a `--typing` run, a few characters per request.
const TYPED: &str = "result = []\n    for v in values:\n        if v % 2 == 0:\n            result.append(v * v)\n    return sorted(result)\n";

/// Code of roughly `tokens` tokens (~3.5 characters per token for Python under the
/// supported tokenizers; the answers report the real count), varied by `seed` so
/// that no two requests share a prompt.
fn code_of(tokens: usize, seed: usize) -> String {
    let mut out = String::new();
    let mut i = 0;
    while out.len() < tokens * 7 / 2 {
        out.push_str(&format!(
            "def helper_{seed}_{i}(values, limit={i}):\n    \"\"\"Keep the values below the limit, sorted.\"\"\"\n    kept = [v for v in values if v < limit]\n    kept.sort()\n    return kept\n\n"
        ));
        i += 1;
    }
    out
}

pub fn run(o: &BenchServeOpts) -> anyhow::Result<()> {
    let token = match o.token_file.clone().or_else(rlvr_client::client::default_token_file) {
        Some(p) => Some(rlvr_client::client::read_token(&p)?),
        None => None,
    };
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    rt.block_on(async {
        let sem = std::sync::Arc::new(tokio::sync::Semaphore::new(o.concurrency.max(1)));
        let mut handles = Vec::new();
        let prefixes = ["def add(a, b):\n", "def is_even(n):\n", "def reverse(s):\n", "class Stack:\n    def push(self, x):\n"];
        for i in 0..o.requests {
            let (url, sem, max_tokens, token) = (o.url.clone(), sem.clone(), o.max_tokens, token.clone());
            let prefix = prefixes[i % prefixes.len()].to_string();
            let (prefix_tokens, suffix_tokens) = (o.prefix_tokens, o.suffix_tokens);
            let (file, typed) = if o.typing { (0, TYPED.chars().cycle().take(3 * i).collect::<String>()) } else { (i, String::new()) };
            handles.push(tokio::spawn(async move {
                let _permit = sem.acquire().await.expect("semaphore open");
                if prefix_tokens > 0 {
                    // Streamed over WebSocket, as an editor would, to see the first token.
                    use rlvr_client::{RlvrApiClient, StreamChunk};
                    let ws = url.replacen("http://", "ws://", 1);
                    let conn = Connection::open(&ws, token.as_deref(), Duration::from_secs(600)).await.map_err(|e| e.to_string())?;
                    let Connection::Ws(client) = &conn else { return Err("streaming needs a WebSocket connection".to_string()) };
                    let prefix = code_of(prefix_tokens, file) + "def solve(values):\n    " + &typed;
                    let suffix = (suffix_tokens > 0).then(|| "\n\n".to_string() + &code_of(suffix_tokens, file + 1_000_000));
                    let params = CompleteParams { prefix, suffix, max_tokens: Some(max_tokens), ..Default::default() };
                    let t = Instant::now();
                    let mut sub = client.complete_stream(params).await.map_err(|e| e.to_string())?;
                    let mut first = None;
                    while let Some(chunk) = sub.next().await {
                        match chunk.map_err(|e| e.to_string())? {
                            StreamChunk::Delta { .. } => {
                                first.get_or_insert(t.elapsed().as_secs_f64());
                            }
                            StreamChunk::Done { result } => {
                                let total = t.elapsed().as_secs_f64();
                                return Ok((total, result.queue_s, result.completion_tokens, first.unwrap_or(total), result.prompt_tokens));
                            }
                            StreamChunk::Error { message, .. } => return Err(message),
                        }
                    }
                    return Err("stream ended without a result".to_string());
                }
                let conn = Connection::open(&url, token.as_deref(), Duration::from_secs(600)).await.map_err(|e| e.to_string())?;
                let t = Instant::now();
                let params = CompleteParams { prefix, max_tokens: Some(max_tokens), ..Default::default() };
                let r = rlvr_client::call!(conn, complete(params)).map_err(|e| e.to_string())?;
                let total = t.elapsed().as_secs_f64();
                Ok::<_, String>((total, r.queue_s, r.completion_tokens, total, r.prompt_tokens))
            }));
        }
        let t0 = Instant::now();
        let mut lat = Vec::new();
        let mut queue = Vec::new();
        let mut ttft = Vec::new();
        let mut prompt_tokens = Vec::new();
        let mut errors = Vec::new();
        let mut tokens = 0;
        for h in handles {
            match h.await? {
                Ok((l, q, n, first, p)) => {
                    lat.push(l);
                    queue.push(q);
                    ttft.push(first);
                    prompt_tokens.push(p as f64);
                    tokens += n;
                }
                Err(e) => errors.push(e),
            }
        }
        lat.sort_by(f64::total_cmp);
        queue.sort_by(f64::total_cmp);
        ttft.sort_by(f64::total_cmp);
        let v = json!({
            "bench": "serve",
            "url": o.url,
            "requests": o.requests,
            "concurrency": o.concurrency,
            "max_tokens": o.max_tokens,
            "ok": lat.len(),
            "errors": errors,
            "latency_s": {"p50": percentile(&lat, 0.5), "p95": percentile(&lat, 0.95), "max": lat.last()},
            "queue_s": {"p50": percentile(&queue, 0.5), "p95": percentile(&queue, 0.95)},
            "first_token_s": {"p50": percentile(&ttft, 0.5), "p95": percentile(&ttft, 0.95), "max": ttft.last()},
            "prompt_tokens_mean": prompt_tokens.iter().sum::<f64>() / prompt_tokens.len().max(1) as f64,
            "completion_tokens": tokens,
            "wall_s": t0.elapsed().as_secs_f64(),
        });
        println!("{}", serde_json::to_string_pretty(&v)?);
        Ok(())
    })
}
