//! Tokenizers: a HF `tokenizer.json` as is, or a byte-level BPE rebuilt from GGUF
//! `tokenizer.ggml.*` metadata with the pre-tokenizer that `tokenizer.ggml.pre` names.
//! Also owns the special tokens (BOS / EOS) and the chat template text.

use std::path::{Path, PathBuf};

use serde_json::{json, Value as Json};
use tokenizers::Tokenizer;

use super::gguf::{GgufFile, Value};

#[derive(Debug, thiserror::Error)]
pub enum TokenizerError {
    #[error("{path}: cannot load tokenizer: {reason}")]
    Load { path: PathBuf, reason: String },
    #[error("{path}: GGUF tokenizer model `{model}` is not supported (only byte-level BPE `gpt2`)")]
    UnsupportedModel { path: PathBuf, model: String },
    #[error("{path}: GGUF pre-tokenizer `{pre}` is not supported (supported: smollm, gpt2, llama-bpe, qwen2)")]
    UnsupportedPre { path: PathBuf, pre: String },
    #[error("tokenization failed: {0}")]
    Encode(String),
}

/// Text <-> ids, plus what generation needs to know about special tokens.
pub struct TextTokenizer {
    inner: Tokenizer,
    /// Prepended when the checkpoint asks for it (`add_bos_token`).
    pub bos: Option<u32>,
    pub add_bos: bool,
    /// Tokens that end a completion.
    pub eos: Vec<u32>,
    /// Jinja chat template from the checkpoint, if any.
    pub chat_template: Option<String>,
    pub bos_token: String,
    pub eos_token: String,
}

// Pre-tokenizer split patterns, as in the reference tokenizer.json files of each family.
const LLAMA3_PATTERN: &str = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";
const QWEN2_PATTERN: &str = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

fn byte_level(use_regex: bool) -> Json {
    json!({"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": use_regex})
}

fn split(pattern: &str) -> Json {
    json!({"type": "Split", "pattern": {"Regex": pattern}, "behavior": "Isolated", "invert": false})
}

impl TextTokenizer {
    pub fn encode(&self, text: &str, add_bos: bool) -> Result<Vec<u32>, TokenizerError> {
        let enc = self.inner.encode(text, false).map_err(|e| TokenizerError::Encode(e.to_string()))?;
        let mut ids = Vec::with_capacity(enc.len() + 1);
        if add_bos && self.add_bos {
            ids.extend(self.bos);
        }
        ids.extend_from_slice(enc.get_ids());
        Ok(ids)
    }

    /// Decode, dropping special tokens (what a user or the verifier should see).
    pub fn decode(&self, ids: &[u32]) -> String {
        self.inner.decode(ids, true).unwrap_or_default()
    }

    pub fn vocab_size(&self) -> usize {
        self.inner.get_vocab_size(true)
    }

    pub fn token_to_id(&self, token: &str) -> Option<u32> {
        self.inner.token_to_id(token)
    }

    /// A word-level tokenizer `t0 .. t{n-1}` without EOS, for synthetic benchmark
    /// models that have no real vocabulary.
    pub fn synthetic(vocab_size: usize) -> Result<TextTokenizer, TokenizerError> {
        let vocab: serde_json::Map<String, Json> = (0..vocab_size).map(|i| (format!("t{i}"), json!(i))).collect();
        let spec = json!({
            "version": "1.0", "truncation": null, "padding": null, "added_tokens": [],
            "normalizer": null, "pre_tokenizer": {"type": "WhitespaceSplit"}, "post_processor": null,
            "decoder": null, "model": {"type": "WordLevel", "vocab": vocab, "unk_token": "t0"},
        });
        let inner: Tokenizer =
            spec.to_string().parse().map_err(|e: tokenizers::Error| TokenizerError::Load { path: PathBuf::from("<synthetic>"), reason: e.to_string() })?;
        Ok(TextTokenizer { inner, bos: None, add_bos: false, eos: vec![], chat_template: None, bos_token: String::new(), eos_token: String::new() })
    }

    /// From a HF snapshot: tokenizer.json, and tokenizer_config.json /
    /// generation_config.json for special tokens and the chat template.
    pub fn from_hf_dir(dir: &Path) -> Result<TextTokenizer, TokenizerError> {
        let path = dir.join("tokenizer.json");
        let inner = Tokenizer::from_file(&path).map_err(|e| TokenizerError::Load { path: path.clone(), reason: e.to_string() })?;
        let read = |name: &str| -> Json { std::fs::read_to_string(dir.join(name)).ok().and_then(|t| serde_json::from_str(&t).ok()).unwrap_or(Json::Null) };
        let tc = read("tokenizer_config.json");
        let gc = read("generation_config.json");
        let token_str = |v: &Json| -> Option<String> {
            match v {
                Json::String(s) => Some(s.clone()),
                Json::Object(o) => o.get("content").and_then(|c| c.as_str()).map(String::from),
                _ => None,
            }
        };
        let bos_token = token_str(&tc["bos_token"]).unwrap_or_default();
        let eos_token = token_str(&tc["eos_token"]).unwrap_or_default();
        let bos = inner.token_to_id(&bos_token);
        let mut eos: Vec<u32> = match &gc["eos_token_id"] {
            Json::Number(n) => n.as_u64().map(|x| vec![x as u32]).unwrap_or_default(),
            Json::Array(a) => a.iter().filter_map(|x| x.as_u64()).map(|x| x as u32).collect(),
            _ => vec![],
        };
        if let Some(id) = inner.token_to_id(&eos_token) {
            if !eos.contains(&id) {
                eos.push(id);
            }
        }
        let chat_template = match &tc["chat_template"] {
            Json::String(s) => Some(s.clone()),
            _ => std::fs::read_to_string(dir.join("chat_template.jinja")).ok(),
        };
        Ok(TextTokenizer { inner, bos, add_bos: tc["add_bos_token"].as_bool().unwrap_or(false), eos, chat_template, bos_token, eos_token })
    }

    /// Rebuild the tokenizer stored in GGUF metadata.
    pub fn from_gguf(g: &GgufFile) -> Result<TextTokenizer, TokenizerError> {
        let path = g.path.clone();
        let meta_str = |k: &str| g.meta(k).and_then(Value::as_str).map(String::from);
        let model = meta_str("tokenizer.ggml.model").unwrap_or_default();
        if model != "gpt2" {
            return Err(TokenizerError::UnsupportedModel { path, model });
        }
        let pre = meta_str("tokenizer.ggml.pre").unwrap_or_else(|| "default".into());
        let (pre_tokenizer, ignore_merges) = match pre.as_str() {
            // SmolLM / StarCoder-style: every digit alone, then GPT-2 byte-level.
            "smollm" | "starcoder" => (
                json!({"type": "Sequence", "pretokenizers": [
                {"type": "Digits", "individual_digits": true}, byte_level(true)]}),
                false,
            ),
            "gpt2" | "default" => (byte_level(true), false),
            "llama-bpe" | "llama3" => (json!({"type": "Sequence", "pretokenizers": [split(LLAMA3_PATTERN), byte_level(false)]}), true),
            "qwen2" => (json!({"type": "Sequence", "pretokenizers": [split(QWEN2_PATTERN), byte_level(false)]}), false),
            _ => return Err(TokenizerError::UnsupportedPre { path, pre }),
        };
        let list = |k: &str| g.meta(k).and_then(Value::as_array).unwrap_or(&[]);
        let tokens: Vec<&str> = list("tokenizer.ggml.tokens").iter().map(|v| v.as_str().unwrap_or("")).collect();
        let types: Vec<u64> = list("tokenizer.ggml.token_type").iter().map(|v| v.as_u64().unwrap_or(1)).collect();
        let merges: Vec<&str> = list("tokenizer.ggml.merges").iter().filter_map(Value::as_str).collect();
        if tokens.is_empty() {
            return Err(TokenizerError::Load { path, reason: "tokenizer.ggml.tokens is empty".into() });
        }
        let vocab: serde_json::Map<String, Json> = tokens.iter().enumerate().map(|(i, t)| (t.to_string(), json!(i))).collect();
        // ggml token types: 3 = control (special), 4 = user-defined (added, not special).
        let added: Vec<Json> = tokens
            .iter()
            .enumerate()
            .filter(|(i, _)| matches!(types.get(*i), Some(3) | Some(4)))
            .map(|(i, t)| {
                json!({"id": i, "content": t, "single_word": false, "lstrip": false, "rstrip": false,
                       "normalized": false, "special": types[i] == 3})
            })
            .collect();
        // Qwen's reference tokenizer NFC-normalizes before splitting.
        let normalizer = if pre == "qwen2" { json!({"type": "NFC"}) } else { Json::Null };
        let spec = json!({
            "version": "1.0",
            "truncation": null,
            "padding": null,
            "added_tokens": added,
            "normalizer": normalizer,
            "pre_tokenizer": pre_tokenizer,
            "post_processor": {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": false, "use_regex": true},
            "decoder": {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true},
            "model": {"type": "BPE", "dropout": null, "unk_token": null, "continuing_subword_prefix": null,
                      "end_of_word_suffix": null, "fuse_unk": false, "byte_fallback": false,
                      "ignore_merges": ignore_merges, "vocab": vocab, "merges": merges},
        });
        let inner: Tokenizer = spec.to_string().parse().map_err(|e: tokenizers::Error| TokenizerError::Load { path: path.clone(), reason: e.to_string() })?;
        let id = |k: &str| g.meta(k).and_then(Value::as_u64).map(|x| x as u32);
        let bos = id("tokenizer.ggml.bos_token_id");
        let mut eos: Vec<u32> = id("tokenizer.ggml.eos_token_id").into_iter().collect();
        if let Some(e) = id("tokenizer.ggml.eot_token_id") {
            if !eos.contains(&e) {
                eos.push(e);
            }
        }
        let name = |i: Option<u32>| i.and_then(|i| tokens.get(i as usize)).map(|s| s.to_string()).unwrap_or_default();
        Ok(TextTokenizer {
            bos_token: name(bos),
            eos_token: name(eos.first().copied()),
            inner,
            bos,
            add_bos: g.meta("tokenizer.ggml.add_bos_token").and_then(Value::as_bool).unwrap_or(false),
            eos,
            chat_template: meta_str("tokenizer.chat_template"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn reference() -> Json {
        let p = crate::model::tests::fixtures().join("tokenizer-reference.json");
        serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
    }

    fn tokenizer_dir(fam: &str) -> PathBuf {
        let d = crate::config::default_cache_dir().join("tokenizers").join(fam);
        assert!(d.join("tokenizer.json").is_file(), "{} missing: run scripts/setup.sh --tests", d.display());
        d
    }

    /// GGUF-style metadata (vocab, merges, pre) taken from a real tokenizer.json.
    fn gguf_from_tokenizer_json(dir: &Path, pre: &str) -> GgufFile {
        let t: Json = serde_json::from_str(&std::fs::read_to_string(dir.join("tokenizer.json")).unwrap()).unwrap();
        let vocab = t["model"]["vocab"].as_object().unwrap();
        let mut tokens = vec![String::new(); vocab.len()];
        for (tok, id) in vocab {
            tokens[id.as_u64().unwrap() as usize] = tok.clone();
        }
        let merges: Vec<Value> = t["model"]["merges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| match m {
                Json::String(s) => Value::Str(s.clone()),
                Json::Array(a) => Value::Str(format!("{} {}", a[0].as_str().unwrap(), a[1].as_str().unwrap())),
                _ => panic!("merge format"),
            })
            .collect();
        let mut md = BTreeMap::new();
        md.insert("tokenizer.ggml.model".to_string(), Value::Str("gpt2".into()));
        md.insert("tokenizer.ggml.pre".to_string(), Value::Str(pre.into()));
        md.insert("tokenizer.ggml.tokens".to_string(), Value::Array(tokens.into_iter().map(Value::Str).collect()));
        md.insert("tokenizer.ggml.merges".to_string(), Value::Array(merges));
        GgufFile::from_metadata(dir.join("tokenizer.json"), md)
    }

    /// The real Qwen3 / Llama-3 tokenizer.json files load, encode code text to the
    /// reference ids and decode it back; the GGUF rebuild with the matching `pre`
    /// (`qwen2`, `llama-bpe`) gives the same ids.
    #[test]
    fn qwen3_and_llama3_tokenizers_match_reference() {
        let r = reference();
        for (fam, pre) in [("qwen3", "qwen2"), ("llama3", "llama-bpe")] {
            let dir = tokenizer_dir(fam);
            let tok = TextTokenizer::from_hf_dir(&dir).unwrap();
            let rebuilt = TextTokenizer::from_gguf(&gguf_from_tokenizer_json(&dir, pre)).unwrap();
            for case in r[fam]["cases"].as_array().unwrap() {
                let text = case["text"].as_str().unwrap();
                let want: Vec<u32> = case["ids"].as_array().unwrap().iter().map(|x| x.as_u64().unwrap() as u32).collect();
                let ids = tok.encode(text, false).unwrap();
                assert_eq!(ids, want, "{fam}: {text:?}");
                assert_eq!(tok.decode(&ids), text, "{fam} round trip");
                assert_eq!(rebuilt.encode(text, false).unwrap(), want, "{fam} rebuilt from metadata: {text:?}");
            }
        }
    }

    #[test]
    fn unsupported_pre_tokenizer_is_named() {
        let mut md = BTreeMap::new();
        md.insert("tokenizer.ggml.model".to_string(), Value::Str("gpt2".into()));
        md.insert("tokenizer.ggml.pre".to_string(), Value::Str("exotic".into()));
        let e = TextTokenizer::from_gguf(&GgufFile::from_metadata("m.gguf".into(), md)).err().unwrap().to_string();
        assert!(e.contains("exotic") && e.contains("m.gguf"), "{e}");
    }
}
