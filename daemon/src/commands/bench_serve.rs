//! `rlvrd bench serve`: latency of `complete` under concurrent load against a running
//! daemon (typically while it trains): N requests, C at a time; prints p50 / p95 / max
//! latency, queue wait and errors as JSON.

use std::time::{Duration, Instant};

use rlvr_client::client::Connection;
use rlvr_client::CompleteParams;
use serde_json::json;

use crate::eval::diagnostics::percentile;

pub struct BenchServeOpts {
    pub url: String,
    pub requests: usize,
    pub concurrency: usize,
    pub max_tokens: usize,
    /// Token file; default: found as rlvrctl finds it.
    pub token_file: Option<std::path::PathBuf>,
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
            handles.push(tokio::spawn(async move {
                let _permit = sem.acquire().await.expect("semaphore open");
                let conn = Connection::open(&url, token.as_deref(), Duration::from_secs(600)).await.map_err(|e| e.to_string())?;
                let t = Instant::now();
                let params = CompleteParams { prefix, max_tokens: Some(max_tokens), ..Default::default() };
                let r = rlvr_client::call!(conn, complete(params)).map_err(|e| e.to_string())?;
                Ok::<_, String>((t.elapsed().as_secs_f64(), r.queue_s, r.completion_tokens))
            }));
        }
        let t0 = Instant::now();
        let mut lat = Vec::new();
        let mut queue = Vec::new();
        let mut errors = Vec::new();
        let mut tokens = 0;
        for h in handles {
            match h.await? {
                Ok((l, q, n)) => {
                    lat.push(l);
                    queue.push(q);
                    tokens += n;
                }
                Err(e) => errors.push(e),
            }
        }
        lat.sort_by(f64::total_cmp);
        queue.sort_by(f64::total_cmp);
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
            "completion_tokens": tokens,
            "wall_s": t0.elapsed().as_secs_f64(),
        });
        println!("{}", serde_json::to_string_pretty(&v)?);
        Ok(())
    })
}
