//! The decoder on the CPU kernels: the same network as rlvrd's burn transformer
//! (RMSNorm, RoPE in the rotate-half layout, grouped-query attention, Qwen3's q/k norms,
//! SwiGLU, tied or separate head), computed on host slices with the compact weights of
//! [`QMatrix`] and the LoRA adapter as a separate f32 low-rank path on top.
//!
//! A forward takes any mix of sequences and token counts (one prompt of 1,500 tokens,
//! eight prompts of an eval batch, 32 rows decoding one token each) flattened into one
//! matrix of rows, so every weight is read once per forward whatever the mix. The
//! per-layer elementwise work (norm, rotary, SiLU-times-gate, residual) is one pass each
//! over buffers that are reused across calls; the KV cache of a sequence is allocated
//! once with its final capacity, and a prompt's cache is shared by its group.

use std::cell::RefCell;
use std::sync::Arc;

use rayon::prelude::*;

use crate::kernels::matmul;
use crate::qmatrix::QMatrix;

/// The shape of the network (what the decoder needs of the checkpoint's config).
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    pub vocab_size: usize,
    pub hidden_size: usize,
    pub intermediate_size: usize,
    pub num_layers: usize,
    pub num_heads: usize,
    pub num_kv_heads: usize,
    pub head_dim: usize,
    pub rms_norm_eps: f64,
}

/// The seven projections of a layer that may carry an adapter, in [`Lora`] slot order.
pub const PROJ_SLOTS: usize = 7;

/// One layer's weights.
pub struct Layer {
    pub attn_norm: Vec<f32>,
    /// q, k and v stacked: [q_dim + 2 kv_dim, hidden] (one pass over the input).
    pub qkv: QMatrix,
    pub o: QMatrix,
    pub q_norm: Option<Vec<f32>>,
    pub k_norm: Option<Vec<f32>>,
    pub mlp_norm: Vec<f32>,
    /// gate and up stacked: [2 intermediate, hidden].
    pub gate_up: QMatrix,
    pub down: QMatrix,
}

/// The network's weights on the CPU path.
pub struct CpuModel {
    pub cfg: Shape,
    /// [vocab, hidden]; also the head when tied.
    pub embed: QMatrix,
    pub lm_head: Option<QMatrix>,
    pub norm: Vec<f32>,
    pub layers: Vec<Layer>,
    /// Whether the weights hold exactly the values of the f32 model (GGUF blocks as
    /// they are, or f32): then rollout log-probs need no rescoring in the update.
    pub lossless: bool,
    /// Rotary tables [positions, head_dim].
    cos: Vec<f32>,
    sin: Vec<f32>,
    positions: usize,
}

/// One adapter in the layout the kernels want: A^T [r, in] and B^T [out, r].
pub struct LoraHost {
    pub r: usize,
    pub at: Vec<f32>,
    pub bt: Vec<f32>,
    pub scale: f32,
}

/// Host copies of the attached adapters: slot order q, k, v, o, gate, up, down.
pub struct Adapters {
    pub layers: Vec<[Option<LoraHost>; PROJ_SLOTS]>,
}

/// Keys and values of a run of positions, per layer, each [positions, kv_dim] with its
/// capacity reserved up front.
pub struct KvBlock {
    pub len: usize,
    k: Vec<Vec<f32>>,
    v: Vec<Vec<f32>>,
}

impl KvBlock {
    pub fn with_capacity(layers: usize, kv_dim: usize, positions: usize) -> KvBlock {
        KvBlock {
            len: 0,
            k: (0..layers).map(|_| Vec::with_capacity(positions * kv_dim)).collect(),
            v: (0..layers).map(|_| Vec::with_capacity(positions * kv_dim)).collect(),
        }
    }

    pub fn bytes(&self) -> usize {
        self.k.iter().chain(&self.v).map(|x| x.capacity() * 4).sum()
    }

    /// A copy of the first `len` positions (a cached prompt reused up to where a new
    /// prompt departs from it).
    pub fn truncated(&self, len: usize) -> KvBlock {
        let len = len.min(self.len);
        let cut = |x: &Vec<Vec<f32>>| x.iter().map(|l| l[..len * (l.len() / self.len.max(1))].to_vec()).collect();
        KvBlock { len, k: cut(&self.k), v: cut(&self.v) }
    }
}

/// The cache of one sequence: an optional prefix shared with other sequences (a
/// group's prompt) and its own positions after it.
pub struct SeqCache {
    pub shared: Option<Arc<KvBlock>>,
    pub own: KvBlock,
}

impl SeqCache {
    pub fn new(model: &CpuModel, capacity: usize) -> SeqCache {
        SeqCache { shared: None, own: KvBlock::with_capacity(model.cfg.num_layers, model.kv_dim(), capacity) }
    }

    /// Sequences that continue after `prefix` (already filled), each with room for
    /// `capacity` more positions.
    pub fn fork(model: &CpuModel, prefix: Arc<KvBlock>, capacity: usize) -> SeqCache {
        SeqCache { shared: Some(prefix), own: KvBlock::with_capacity(model.cfg.num_layers, model.kv_dim(), capacity) }
    }

    pub fn len(&self) -> usize {
        self.shared.as_ref().map_or(0, |s| s.len) + self.own.len
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// All positions, the shared prefix then this sequence's own, as one block.
    pub fn flatten(self) -> KvBlock {
        let Some(shared) = self.shared else { return self.own };
        let join = |a: &[Vec<f32>], b: Vec<Vec<f32>>| -> Vec<Vec<f32>> {
            a.iter()
                .zip(b)
                .map(|(head, tail)| {
                    let used = shared.len * (head.len() / shared.len.max(1));
                    let mut v = Vec::with_capacity(used + tail.len());
                    v.extend_from_slice(&head[..used]);
                    v.extend(tail);
                    v
                })
                .collect()
        };
        KvBlock { len: shared.len + self.own.len, k: join(&shared.k, self.own.k), v: join(&shared.v, self.own.v) }
    }
}

/// Buffers reused from one forward to the next (they only grow).
#[derive(Default)]
pub struct Workspace {
    x: Vec<f32>,
    xn: Vec<f32>,
    qkv: Vec<f32>,
    att: Vec<f32>,
    proj: Vec<f32>,
    gu: Vec<f32>,
    act: Vec<f32>,
    lora_t: Vec<f32>,
    last: Vec<f32>,
}

fn grow(v: &mut Vec<f32>, n: usize) -> &mut [f32] {
    if v.len() < n {
        v.resize(n, 0.0);
    }
    &mut v[..n]
}

thread_local! {
    static SCORES: RefCell<Vec<f32>> = const { RefCell::new(Vec::new()) };
}

impl CpuModel {
    /// Assemble from weights; `rope_cos` / `rope_sin` are [positions, head_dim].
    pub fn new(cfg: Shape, embed: QMatrix, lm_head: Option<QMatrix>, norm: Vec<f32>, layers: Vec<Layer>, rope_cos: Vec<f32>, rope_sin: Vec<f32>) -> CpuModel {
        let positions = rope_cos.len() / cfg.head_dim;
        CpuModel { cfg, embed, lm_head, norm, layers, lossless: true, cos: rope_cos, sin: rope_sin, positions }
    }

    pub fn q_dim(&self) -> usize {
        self.cfg.num_heads * self.cfg.head_dim
    }

    pub fn kv_dim(&self) -> usize {
        self.cfg.num_kv_heads * self.cfg.head_dim
    }

    /// Longest sequence the rotary tables cover.
    pub fn positions(&self) -> usize {
        self.positions
    }

    /// Bytes of weights held.
    pub fn weight_bytes(&self) -> usize {
        let l: usize = self.layers.iter().map(|l| l.qkv.bytes() + l.o.bytes() + l.gate_up.bytes() + l.down.bytes()).sum();
        l + self.embed.bytes() + self.lm_head.as_ref().map_or(0, |h| h.bytes())
    }

    /// Run `tokens[s]` after what `seqs[s]` holds, append their keys and values, and
    /// write the logits of each sequence's last token to `logits` ([seqs, vocab]).
    pub fn forward(&self, seqs: &mut [&mut SeqCache], tokens: &[&[u32]], adapters: Option<&Adapters>, ws: &mut Workspace, logits: &mut Vec<f32>) {
        // Run the whole forward on a pool thread: its ~120 parallel products are then
        // handed between the pool's own threads (which spin briefly between them)
        // instead of each waking the pool from outside and putting the caller to sleep.
        rayon::scope(|_| self.forward_in_pool(seqs, tokens, adapters, ws, logits));
    }

    fn forward_in_pool(&self, seqs: &mut [&mut SeqCache], tokens: &[&[u32]], adapters: Option<&Adapters>, ws: &mut Workspace, logits: &mut Vec<f32>) {
        assert_eq!(seqs.len(), tokens.len());
        let c = &self.cfg;
        let (h, qd, kvd, inter) = (c.hidden_size, self.q_dim(), self.kv_dim(), c.intermediate_size);
        let n: usize = tokens.iter().map(|t| t.len()).sum();
        assert!(tokens.iter().all(|t| !t.is_empty()), "every sequence gets at least one token");
        // (sequence, position) of every row.
        let mut rows = Vec::with_capacity(n);
        for (s, t) in tokens.iter().enumerate() {
            let p0 = seqs[s].len();
            assert!(p0 + t.len() <= self.positions, "position {} beyond the rotary table ({})", p0 + t.len(), self.positions);
            rows.extend((0..t.len()).map(|i| (s, p0 + i)));
        }
        let Workspace { x, xn, qkv, att, proj, gu, act, lora_t, last } = ws;
        let x = grow(x, n * h);
        for (row, &tok) in x.chunks_exact_mut(h).zip(tokens.iter().flat_map(|t| t.iter())) {
            self.embed.dequantize_row(tok as usize, row);
        }
        let eps = c.rms_norm_eps as f32;
        for (li, layer) in self.layers.iter().enumerate() {
            let lora = adapters.map(|a| &a.layers[li]);
            // Attention.
            let xn = grow(xn, n * h);
            rms_norm_rows(x, &layer.attn_norm, eps, xn);
            let qkv = grow(qkv, n * (qd + 2 * kvd));
            matmul(&layer.qkv, xn, n, qkv);
            if let Some(l) = lora {
                let w = qd + 2 * kvd;
                add_lora(l[0].as_ref(), xn, h, n, qkv, w, 0, lora_t);
                add_lora(l[1].as_ref(), xn, h, n, qkv, w, qd, lora_t);
                add_lora(l[2].as_ref(), xn, h, n, qkv, w, qd + kvd, lora_t);
            }
            for (row, &(s, pos)) in qkv.chunks_exact_mut(qd + 2 * kvd).zip(&rows) {
                let (q, kv) = row.split_at_mut(qd);
                let (k, v) = kv.split_at_mut(kvd);
                if let Some(w) = &layer.q_norm {
                    q.chunks_exact_mut(c.head_dim).for_each(|hd| rms_norm_in_place(hd, w, eps));
                }
                if let Some(w) = &layer.k_norm {
                    k.chunks_exact_mut(c.head_dim).for_each(|hd| rms_norm_in_place(hd, w, eps));
                }
                self.rotate(q, pos);
                self.rotate(k, pos);
                let own = &mut seqs[s].own;
                own.k[li].extend_from_slice(k);
                own.v[li].extend_from_slice(v);
            }
            let att = grow(att, n * qd);
            self.attend(li, seqs, &rows, qkv, att);
            let proj = grow(proj, n * h);
            matmul(&layer.o, att, n, proj);
            if let Some(l) = lora {
                add_lora(l[3].as_ref(), att, qd, n, proj, h, 0, lora_t);
            }
            add_in_place(x, proj);
            // Feed-forward.
            rms_norm_rows(x, &layer.mlp_norm, eps, xn);
            let gu = grow(gu, n * 2 * inter);
            matmul(&layer.gate_up, xn, n, gu);
            if let Some(l) = lora {
                add_lora(l[4].as_ref(), xn, h, n, gu, 2 * inter, 0, lora_t);
                add_lora(l[5].as_ref(), xn, h, n, gu, 2 * inter, inter, lora_t);
            }
            let act = grow(act, n * inter);
            silu_mul(gu, act, inter);
            matmul(&layer.down, act, n, proj);
            if let Some(l) = lora {
                add_lora(l[6].as_ref(), act, inter, n, proj, h, 0, lora_t);
            }
            add_in_place(x, proj);
        }
        for (s, t) in seqs.iter_mut().zip(tokens) {
            s.own.len += t.len();
        }
        // The head, for the last token of each sequence only.
        let ns = tokens.len();
        let last = grow(last, ns * h);
        let mut end = 0;
        for (s, t) in tokens.iter().enumerate() {
            end += t.len();
            rms_norm_rows(&x[(end - 1) * h..end * h], &self.norm, eps, &mut last[s * h..(s + 1) * h]);
        }
        let head = self.lm_head.as_ref().unwrap_or(&self.embed);
        logits.resize(ns * head.rows, 0.0);
        matmul(head, last, ns, logits);
    }

    /// Rotate-half RoPE of every head in `x` at position `pos`.
    fn rotate(&self, x: &mut [f32], pos: usize) {
        let d = self.cfg.head_dim;
        let half = d / 2;
        let cos = &self.cos[pos * d..(pos + 1) * d];
        let sin = &self.sin[pos * d..(pos + 1) * d];
        for head in x.chunks_exact_mut(d) {
            for i in 0..half {
                let (a, b) = (head[i], head[i + half]);
                head[i] = a * cos[i] - b * sin[i];
                head[i + half] = b * cos[i + half] + a * sin[i + half];
            }
        }
    }

    /// Causal attention of every row over its sequence's keys up to its position.
    fn attend(&self, li: usize, seqs: &[&mut SeqCache], rows: &[(usize, usize)], qkv: &[f32], att: &mut [f32]) {
        let c = &self.cfg;
        let (hd, nh, nkv) = (c.head_dim, c.num_heads, c.num_kv_heads);
        let (qd, kvd) = (self.q_dim(), self.kv_dim());
        let rep = nh / nkv;
        let scale = 1.0 / (hd as f32).sqrt();
        let work = |(r, out): (usize, &mut [f32])| {
            let (s, pos) = rows[r];
            let seq = &*seqs[s];
            let q = &qkv[r * (qd + 2 * kvd)..r * (qd + 2 * kvd) + qd];
            // The keys this row sees, in order: the shared prefix, then the sequence's own
            // positions up to its own (a prefill appended the later ones already).
            let keys = pos + 1;
            let n_shared = seq.shared.as_ref().map_or(0, |b| b.len).min(keys);
            let own = keys - n_shared;
            let empty: &[f32] = &[];
            let (sk, sv) = seq.shared.as_deref().map_or((empty, empty), |b| (&b.k[li][..n_shared * kvd], &b.v[li][..n_shared * kvd]));
            let runs = [(sk, sv), (&seq.own.k[li][..own * kvd], &seq.own.v[li][..own * kvd])];
            SCORES.with(|sc| {
                let mut sc = sc.borrow_mut();
                if sc.len() < rep * keys {
                    sc.resize(rep * keys, 0.0);
                }
                let shape = AttnShape { nkv, rep, hd, kvd, scale };
                attend_row(&shape, q, &runs, out, &mut sc[..rep * keys]);
            });
        };
        let cost: usize = rows.iter().map(|&(_, p)| p + 1).sum::<usize>() * nh * hd;
        if cost < 1 << 16 {
            att.chunks_exact_mut(qd).enumerate().for_each(work);
        } else {
            att.par_chunks_exact_mut(qd).enumerate().for_each(work);
        }
    }
}

/// Dot product in eight lanes (fixed-size chunks: no bounds checks, so it vectorizes).
#[inline(always)]
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = ca.remainder().iter().zip(cb.remainder()).map(|(x, y)| x * y).sum();
    for (x, y) in ca.zip(cb) {
        let (x, y): (&[f32; 8], &[f32; 8]) = (x.try_into().expect("8"), y.try_into().expect("8"));
        for l in 0..8 {
            acc[l] += x[l] * y[l];
        }
    }
    acc.iter().sum::<f32>() + tail
}

/// Softmax of `row` in place, eight lanes at a time.
#[inline(always)]
fn softmax_in_place(row: &mut [f32]) {
    let mut m8 = [f32::NEG_INFINITY; 8];
    for c in row.chunks_exact(8) {
        let c: &[f32; 8] = c.try_into().expect("8");
        for l in 0..8 {
            m8[l] = m8[l].max(c[l]);
        }
    }
    let max = row.chunks_exact(8).remainder().iter().fold(m8.iter().fold(f32::NEG_INFINITY, |m, &x| m.max(x)), |m, &x| m.max(x));
    let mut s8 = [0f32; 8];
    let mut chunks = row.chunks_exact_mut(8);
    for c in &mut chunks {
        let c: &mut [f32; 8] = c.try_into().expect("8");
        for l in 0..8 {
            c[l] = fast_exp(c[l] - max);
            s8[l] += c[l];
        }
    }
    let mut sum: f32 = s8.iter().sum();
    for x in chunks.into_remainder() {
        *x = fast_exp(*x - max);
        sum += *x;
    }
    let inv = 1.0 / sum;
    for x in row.iter_mut() {
        *x *= inv;
    }
}

/// exp(x) without a library call, so loops over it vectorize: Cephes' expf (range
/// reduction to [-ln2/2, ln2/2], degree-6 polynomial, exponent by bits); relative
/// error about 1e-7. Inputs are clamped to [-87.3, 88.7] (exp(-87.3) is 1e-38).
#[inline(always)]
fn fast_exp(x: f32) -> f32 {
    let x = x.clamp(-87.3, 88.7);
    let n = (x * std::f32::consts::LOG2_E + 0.5).floor();
    let r = x - n * 0.693_359_4 + n * 2.121_944_4e-4;
    let p = ((((1.987_569_1e-4 * r + 1.398_199_9e-3) * r + 8.333_452e-3) * r + 4.166_579_6e-2) * r + 1.666_666_5e-1) * r + 5e-1;
    let y = p * r * r + r + 1.0;
    y * f32::from_bits(((n as i32 + 127) as u32) << 23)
}

/// Attention geometry of one layer.
struct AttnShape {
    nkv: usize,
    rep: usize,
    hd: usize,
    kvd: usize,
    scale: f32,
}

/// Attention of one query row over runs of cached keys / values ([positions, kv_dim]
/// each). The `rep` query heads sharing a kv head are done together, so each key and
/// value is read once per kv head. `sc`: scratch of rep x keys.
#[inline(always)]
fn attend_row_body(a: &AttnShape, q: &[f32], runs: &[(&[f32], &[f32]); 2], out: &mut [f32], sc: &mut [f32]) {
    let (rep, hd, kvd) = (a.rep, a.hd, a.kvd);
    let keys = sc.len() / rep;
    for g in 0..a.nkv {
        let qg = &q[g * rep * hd..(g + 1) * rep * hd];
        let mut j = 0;
        for (k, _) in runs {
            for kr in k.chunks_exact(kvd) {
                let kv = &kr[g * hd..(g + 1) * hd];
                for h in 0..rep {
                    sc[h * keys + j] = dot(&qg[h * hd..(h + 1) * hd], kv) * a.scale;
                }
                j += 1;
            }
        }
        for row in sc.chunks_exact_mut(keys) {
            softmax_in_place(row);
        }
        let og = &mut out[g * rep * hd..(g + 1) * rep * hd];
        og.fill(0.0);
        let mut j = 0;
        for (_, v) in runs {
            for vr in v.chunks_exact(kvd) {
                let vv = &vr[g * hd..(g + 1) * hd];
                for h in 0..rep {
                    let p = sc[h * keys + j];
                    for (o, &x) in og[h * hd..(h + 1) * hd].iter_mut().zip(vv) {
                        *o += p * x;
                    }
                }
                j += 1;
            }
        }
    }
}

fn attend_row(a: &AttnShape, q: &[f32], runs: &[(&[f32], &[f32]); 2], out: &mut [f32], sc: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    if crate::kernels::isa() != crate::kernels::Isa::Portable {
        // SAFETY: AVX2 and FMA were detected at run time.
        return unsafe { attend_row_avx2(a, q, runs, out, sc) };
    }
    attend_row_body(a, q, runs, out, sc)
}

/// The same code compiled for AVX2, so its loops vectorize 8 wide.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn attend_row_avx2(a: &AttnShape, q: &[f32], runs: &[(&[f32], &[f32]); 2], out: &mut [f32], sc: &mut [f32]) {
    attend_row_body(a, q, runs, out, sc)
}

/// `act = silu(gate) * up` for rows of [gate | up].
#[inline(always)]
fn silu_mul_body(gu: &[f32], act: &mut [f32], inter: usize) {
    for (a, g) in act.chunks_exact_mut(inter).zip(gu.chunks_exact(2 * inter)) {
        let (g, u) = g.split_at(inter);
        for ((a, &g), &u) in a.iter_mut().zip(g).zip(u) {
            *a = g / (1.0 + fast_exp(-g)) * u;
        }
    }
}

fn silu_mul(gu: &[f32], act: &mut [f32], inter: usize) {
    #[cfg(target_arch = "x86_64")]
    if crate::kernels::isa() != crate::kernels::Isa::Portable {
        // SAFETY: AVX2 and FMA were detected at run time.
        return unsafe { silu_mul_avx2(gu, act, inter) };
    }
    silu_mul_body(gu, act, inter)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn silu_mul_avx2(gu: &[f32], act: &mut [f32], inter: usize) {
    silu_mul_body(gu, act, inter)
}

/// `out = x / sqrt(mean(x^2) + eps) * w`, row by row.
fn rms_norm_rows(x: &[f32], w: &[f32], eps: f32, out: &mut [f32]) {
    let d = w.len();
    for (xr, or) in x.chunks_exact(d).zip(out.chunks_exact_mut(d)) {
        let ms = xr.iter().map(|v| v * v).sum::<f32>() / d as f32;
        let inv = 1.0 / (ms + eps).sqrt();
        for ((o, &v), &w) in or.iter_mut().zip(xr).zip(w) {
            *o = v * inv * w;
        }
    }
}

fn rms_norm_in_place(x: &mut [f32], w: &[f32], eps: f32) {
    let ms = x.iter().map(|v| v * v).sum::<f32>() / x.len() as f32;
    let inv = 1.0 / (ms + eps).sqrt();
    for (v, &w) in x.iter_mut().zip(w) {
        *v = *v * inv * w;
    }
}

fn add_in_place(x: &mut [f32], y: &[f32]) {
    for (a, &b) in x.iter_mut().zip(y) {
        *a += b;
    }
}

/// `y[:, off..off + out] += scale * (x A) B` for the `n` rows of `x` ([n, d_in]); `y`
/// rows are `ldy` wide.
#[allow(clippy::too_many_arguments)]
fn add_lora(l: Option<&LoraHost>, x: &[f32], d_in: usize, n: usize, y: &mut [f32], ldy: usize, off: usize, t: &mut Vec<f32>) {
    let Some(l) = l else { return };
    let d_out = l.bt.len() / l.r;
    let t = grow(t, l.r);
    for (xr, yr) in x.chunks_exact(d_in).zip(y.chunks_exact_mut(ldy)).take(n) {
        for (ti, a) in t.iter_mut().zip(l.at.chunks_exact(d_in)) {
            *ti = dot(xr, a) * l.scale;
        }
        for (yo, b) in yr[off..off + d_out].iter_mut().zip(l.bt.chunks_exact(l.r)) {
            *yo += dot(t, b);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fast_exp;

    #[test]
    fn fast_exp_is_within_a_few_ulp_of_exp() {
        let mut worst = 0f64;
        for i in -8000..=8000 {
            let x = i as f32 * 0.01;
            let (a, b) = (fast_exp(x) as f64, (x as f64).exp());
            worst = worst.max((a - b).abs() / b);
        }
        assert!(worst < 1e-6, "relative error {worst:e}");
        assert!(fast_exp(-1e30) < 1e-37 && fast_exp(-1e30) >= 0.0);
    }
}
