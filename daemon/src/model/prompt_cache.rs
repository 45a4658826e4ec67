//! Prompt prefills kept across requests (CPU path). An editor sends nearly the same
//! 1,500-token prompt on every keystroke: the code above the cursor is unchanged, only
//! its end and the suffix move. Prefill is the whole latency of such a request
//! (seconds on 2 cores), so a request that shares a prefix with a recent prompt
//! prefills only what follows the shared part.
//!
//! Entries are keyed by the adapter the keys/values were computed with (the LoRA
//! adapter changes every trainer step: an entry of another adapter is never used) and
//! evicted least-recently-used beyond a count and a byte budget.

use std::sync::Arc;

use super::cpu::KvBlock;

/// Entries kept (prompts of different files, chat and completion).
const MAX_ENTRIES: usize = 8;
/// Bytes of keys/values kept: SmolLM2 needs 46 KB per position, so ~5,800 positions.
const MAX_BYTES: usize = 256 << 20;

/// Which weights the keys/values belong to: the adapter off, or the adapter with this
/// identity (`cpu::adapter_key`).
pub type AdapterKey = Option<u64>;

struct Entry {
    adapter: AdapterKey,
    ids: Vec<u32>,
    block: Arc<KvBlock>,
    used: u64,
}

/// What a lookup found: the cached keys/values of `ids[..len]`.
pub struct Reuse {
    pub block: Arc<KvBlock>,
    pub len: usize,
}

#[derive(Default)]
pub struct PromptCache {
    entries: Vec<Entry>,
    clock: u64,
    /// Prompt tokens served from the cache / prefilled, since start.
    pub reused_tokens: u64,
    pub prefilled_tokens: u64,
}

impl PromptCache {
    /// The longest cached prefix of `ids` under `adapter`, leaving at least the last
    /// token to prefill (its logits start the completion). A prefix shorter than the
    /// entry is copied out of it.
    pub fn lookup(&mut self, adapter: AdapterKey, ids: &[u32]) -> Option<Reuse> {
        self.clock += 1;
        let limit = ids.len().saturating_sub(1);
        let (best, len) = self
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.adapter == adapter)
            .map(|(i, e)| (i, common_prefix(&e.ids, ids).min(limit).min(e.block.len)))
            .max_by_key(|&(_, len)| len)?;
        if len == 0 {
            return None;
        }
        let entry = &mut self.entries[best];
        entry.used = self.clock;
        let block = if len == entry.block.len { entry.block.clone() } else { Arc::new(entry.block.truncated(len)) };
        Some(Reuse { block, len })
    }

    /// Remember the keys/values `block` of the prompt `ids`. Entries that are a prefix of
    /// `ids` under the same adapter are dropped (this one covers them).
    pub fn insert(&mut self, adapter: AdapterKey, ids: Vec<u32>, block: Arc<KvBlock>) {
        self.clock += 1;
        self.entries.retain(|e| !(e.adapter == adapter && common_prefix(&e.ids, &ids) == e.ids.len()));
        self.entries.push(Entry { adapter, ids, block, used: self.clock });
        while self.entries.len() > MAX_ENTRIES || (self.entries.len() > 1 && self.bytes() > MAX_BYTES) {
            let oldest = self.entries.iter().enumerate().min_by_key(|(_, e)| e.used).map(|(i, _)| i).expect("entries");
            self.entries.remove(oldest);
        }
    }

    /// Forget everything (the base weights changed).
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn bytes(&self) -> usize {
        self.entries.iter().map(|e| e.block.bytes()).sum()
    }
}

fn common_prefix(a: &[u32], b: &[u32]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}
