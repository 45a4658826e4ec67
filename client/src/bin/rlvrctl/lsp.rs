//! `rlvrctl lsp`: a language server on stdio that answers LSP 3.18
//! `textDocument/inlineCompletion` from the running daemon, so any editor with an LSP
//! client gets completions from the adapter rlvrd trains, without a plugin.
//!
//! Documents are kept in sync (full or incremental; positions in UTF-16 code units, the
//! LSP default). A completion sends the text around the cursor (`PREFIX_CHARS` before,
//! `SUFFIX_CHARS` after; the other open documents of the workspace go in front as
//! context while they fit `EXTRA_CHARS`) as a streamed `complete` over WebSocket. A
//! `$/cancelRequest`, or a newer inline completion request for the same document
//! (the user typed on), drops the stream: the daemon stops decoding that row.

use std::collections::HashMap;
use std::io::{BufRead, Write};

use rlvr_client::client::Connection;
use rlvr_client::{CompleteParams, RlvrApiClient, StreamChunk};
use serde_json::{json, Value};
use tokio::sync::mpsc;

/// Characters of the document before / after the cursor sent to the model (about
/// 1,700 / 400 tokens of code: what fits a 2,048-token context with room to answer).
const PREFIX_CHARS: usize = 6000;
const SUFFIX_CHARS: usize = 1500;
/// Characters of other open documents sent as context, in all.
const EXTRA_CHARS: usize = 2000;
const MAX_TOKENS: usize = 64;

/// JSON-RPC error code of a cancelled request (LSP `RequestCancelled`).
const REQUEST_CANCELLED: i64 = -32800;

pub async fn run(url: &str, token: Option<&str>) -> Result<(), String> {
    let ws = url.replacen("http://", "ws://", 1);
    let conn = Connection::open(&ws, token, std::time::Duration::from_secs(3600)).await.map_err(|e| e.to_string())?;
    let Connection::Ws(client) = conn else { return Err("rlvrctl lsp needs a WebSocket connection to the daemon".into()) };
    let client = std::sync::Arc::new(client);

    // stdin is read on its own thread (blocking reads); messages come through a channel.
    let (in_tx, mut in_rx) = mpsc::unbounded_channel::<Value>();
    std::thread::spawn(move || {
        let stdin = std::io::stdin();
        let mut r = stdin.lock();
        while let Some(msg) = read_message(&mut r) {
            if in_tx.send(msg).is_err() {
                break;
            }
        }
    });
    let (out_tx, mut out_rx) = mpsc::unbounded_channel::<Value>();
    let writer = tokio::task::spawn_blocking(move || {
        let mut out = std::io::stdout().lock();
        while let Some(msg) = out_rx.blocking_recv() {
            let body = msg.to_string();
            if write!(out, "Content-Length: {}\r\n\r\n{body}", body.len()).and_then(|_| out.flush()).is_err() {
                break;
            }
        }
    });

    let mut docs: HashMap<String, String> = HashMap::new();
    // In-flight completions: request id -> (document, task); at most one per document.
    let mut inflight: HashMap<String, (String, tokio::task::JoinHandle<()>)> = HashMap::new();
    let mut shutting_down = false;
    while let Some(msg) = in_rx.recv().await {
        inflight.retain(|_, (_, task)| !task.is_finished());
        let method = msg.get("method").and_then(Value::as_str).unwrap_or("").to_string();
        let id = msg.get("id").cloned();
        let params = msg.get("params").cloned().unwrap_or(Value::Null);
        match method.as_str() {
            "initialize" => reply(&out_tx, id, Ok(initialize_result())),
            "initialized" | "$/setTrace" | "workspace/didChangeConfiguration" => {}
            "shutdown" => {
                shutting_down = true;
                reply(&out_tx, id, Ok(Value::Null));
            }
            "exit" => break,
            "textDocument/didOpen" => {
                let d = &params["textDocument"];
                if let (Some(uri), Some(text)) = (d["uri"].as_str(), d["text"].as_str()) {
                    docs.insert(uri.to_string(), text.to_string());
                }
            }
            "textDocument/didChange" => {
                if let Some(uri) = params["textDocument"]["uri"].as_str() {
                    let text = docs.entry(uri.to_string()).or_default();
                    for change in params["contentChanges"].as_array().into_iter().flatten() {
                        apply_change(text, change);
                    }
                }
            }
            "textDocument/didClose" => {
                if let Some(uri) = params["textDocument"]["uri"].as_str() {
                    docs.remove(uri);
                }
            }
            "$/cancelRequest" => {
                let key = params["id"].to_string();
                if let Some((_, task)) = inflight.remove(&key) {
                    task.abort();
                    reply(&out_tx, Some(params["id"].clone()), Err((REQUEST_CANCELLED, "cancelled".into())));
                }
            }
            "textDocument/inlineCompletion" if !shutting_down => {
                let Some(id) = id else { continue };
                let uri = params["textDocument"]["uri"].as_str().unwrap_or("").to_string();
                let Some(text) = docs.get(&uri) else {
                    reply(&out_tx, Some(id), Err((-32602, format!("document {uri} is not open"))));
                    continue;
                };
                let (line, character) = (params["position"]["line"].as_u64().unwrap_or(0), params["position"]["character"].as_u64().unwrap_or(0));
                let at = offset_of(text, line as usize, character as usize);
                let request = completion_request(&docs, &uri, at);
                // The user typed on: the older request for this document is moot.
                let superseded: Vec<String> = inflight.iter().filter(|(_, (u, _))| *u == uri).map(|(k, _)| k.clone()).collect();
                for k in superseded {
                    if let Some((_, task)) = inflight.remove(&k) {
                        task.abort();
                        let old_id: Value = serde_json::from_str(&k).unwrap_or(Value::Null);
                        reply(&out_tx, Some(old_id), Err((REQUEST_CANCELLED, "superseded by a newer request".into())));
                    }
                }
                let (client, out, key) = (client.clone(), out_tx.clone(), id.to_string());
                let position = params["position"].clone();
                let task = tokio::spawn(async move {
                    let answer = complete(&client, request)
                        .await
                        .map(|text| json!({ "items": [{ "insertText": text, "range": { "start": position, "end": position } }] }));
                    reply(&out, Some(id), answer.map_err(|e| (-32603, e)));
                });
                inflight.insert(key, (uri, task));
            }
            _ if id.is_some() => reply(&out_tx, id, Err((-32601, format!("method not found: {method}")))),
            _ => {}
        }
    }
    for (_, (_, task)) in inflight.drain() {
        task.abort();
    }
    drop(out_tx);
    let _ = writer.await;
    Ok(())
}

fn initialize_result() -> Value {
    json!({
        "capabilities": {
            // 2 = incremental sync.
            "textDocumentSync": { "openClose": true, "change": 2 },
            "inlineCompletionProvider": {},
        },
        "serverInfo": { "name": "rlvrd", "version": env!("CARGO_PKG_VERSION") },
    })
}

fn reply(out: &mpsc::UnboundedSender<Value>, id: Option<Value>, result: Result<Value, (i64, String)>) {
    let Some(id) = id else { return };
    let msg = match result {
        Ok(v) => json!({ "jsonrpc": "2.0", "id": id, "result": v }),
        Err((code, message)) => json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code, "message": message } }),
    };
    let _ = out.send(msg);
}

/// Stream one completion; dropping this future (abort) unsubscribes, which stops the
/// daemon's decoding of it.
async fn complete(client: &rlvr_client::client::WsClient, params: CompleteParams) -> Result<String, String> {
    let mut sub = client.complete_stream(params).await.map_err(|e| e.to_string())?;
    let mut text = String::new();
    while let Some(chunk) = sub.next().await {
        match chunk.map_err(|e| e.to_string())? {
            StreamChunk::Delta { text: t } => text.push_str(&t),
            StreamChunk::Done { result } => return Ok(result.text),
            StreamChunk::Error { message, .. } => return Err(message),
        }
    }
    Err(format!("the stream ended early after {:?}", text))
}

/// The `complete` request for the cursor at byte `at` of document `uri`.
fn completion_request(docs: &HashMap<String, String>, uri: &str, at: usize) -> CompleteParams {
    let text = &docs[uri];
    let mut start = at.saturating_sub(PREFIX_CHARS);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    let mut end = (at + SUFFIX_CHARS).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let mut extra = String::new();
    let mut others: Vec<(&String, &String)> = docs.iter().filter(|(u, _)| u.as_str() != uri).collect();
    others.sort();
    for (u, t) in others {
        let section = format!("# file: {}\n{}\n", u.rsplit('/').next().unwrap_or(u), t.trim_end());
        if extra.len() + section.len() <= EXTRA_CHARS {
            extra.push_str(&section);
        }
    }
    CompleteParams {
        prefix: extra + &text[start..at],
        suffix: Some(text[at..end].to_string()),
        max_tokens: Some(MAX_TOKENS),
        temperature: Some(0.0),
        // An inline suggestion ends where the code block ends.
        stop: vec!["\n\n\n".into()],
        ..Default::default()
    }
}

/// Byte offset of an LSP position (line, UTF-16 code unit) in `text`, clamped.
fn offset_of(text: &str, line: usize, character: usize) -> usize {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i == line {
            let mut units = 0;
            for (b, ch) in l.char_indices() {
                if units >= character || ch == '\n' {
                    return offset + b;
                }
                units += ch.len_utf16();
            }
            return offset + l.trim_end_matches('\n').len();
        }
        offset += l.len();
    }
    text.len()
}

/// Apply one `contentChanges` entry: a range replacement, or the whole text.
fn apply_change(text: &mut String, change: &Value) {
    let new = change["text"].as_str().unwrap_or("");
    let Some(range) = change.get("range").filter(|r| !r.is_null()) else {
        *text = new.to_string();
        return;
    };
    let pos = |p: &Value| offset_of(text, p["line"].as_u64().unwrap_or(0) as usize, p["character"].as_u64().unwrap_or(0) as usize);
    let (a, b) = (pos(&range["start"]), pos(&range["end"]));
    let (a, b) = (a.min(b), a.max(b));
    text.replace_range(a..b, new);
}

/// One `Content-Length`-framed message; None at end of input.
fn read_message(r: &mut impl BufRead) -> Option<Value> {
    loop {
        let mut length = None;
        loop {
            let mut line = String::new();
            if r.read_line(&mut line).ok()? == 0 {
                return None;
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(v) = line.strip_prefix("Content-Length:") {
                length = v.trim().parse::<usize>().ok();
            }
        }
        let n = length?;
        let mut body = vec![0; n];
        r.read_exact(&mut body).ok()?;
        if let Ok(v) = serde_json::from_slice(&body) {
            return Some(v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_utf16_and_edits_apply() {
        let mut t = String::from("a = 'é😀'\nb = 1\n");
        // 😀 is two UTF-16 units: character 8 is after it, before the quote.
        assert_eq!(&t[offset_of(&t, 0, 8)..offset_of(&t, 0, 9)], "'");
        assert_eq!(offset_of(&t, 1, 0), t.find('b').unwrap());
        assert_eq!(offset_of(&t, 1, 99), t.len() - 1, "past the end of a line clamps to it");
        assert_eq!(offset_of(&t, 9, 0), t.len());
        let change = json!({ "range": { "start": { "line": 1, "character": 4 }, "end": { "line": 1, "character": 5 } }, "text": "42" });
        apply_change(&mut t, &change);
        assert_eq!(t, "a = 'é😀'\nb = 42\n");
        apply_change(&mut t, &json!({ "text": "whole" }));
        assert_eq!(t, "whole");
    }

    #[test]
    fn the_request_holds_the_text_around_the_cursor_and_other_files() {
        let mut docs = HashMap::new();
        docs.insert("file:///p/main.py".to_string(), "def f():\n    return 1\n".to_string());
        docs.insert("file:///p/util.py".to_string(), "X = 3\n".to_string());
        let at = docs["file:///p/main.py"].find("1").unwrap();
        let r = completion_request(&docs, "file:///p/main.py", at);
        assert_eq!(r.prefix, "# file: util.py\nX = 3\ndef f():\n    return ");
        assert_eq!(r.suffix.as_deref(), Some("1\n"));
    }
}
