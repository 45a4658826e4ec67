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
            k: (0..layers)
                .map(|_| Vec::with_capacity(positions * kv_dim))
                .collect(),
            v: (0..layers)
                .map(|_| Vec::with_capacity(positions * kv_dim))
                .collect(),
        }
    }

    pub fn bytes(&self) -> usize {
        self.k.iter().chain(&self.v).map(|x| x.capacity() * 4).sum()
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
        SeqCache {
            shared: None,
            own: KvBlock::with_capacity(model.cfg.num_layers, model.kv_dim(), capacity),
        }
    }

    /// Sequences that continue after `prefix` (already filled), each with room for
    /// `capacity` more positions.
    pub fn fork(model: &CpuModel, prefix: Arc<KvBlock>, capacity: usize) -> SeqCache {
        SeqCache {
            shared: Some(prefix),
            own: KvBlock::with_capacity(model.cfg.num_layers, model.kv_dim(), capacity),
        }
    }

    pub fn len(&self) -> usize {
        self.shared.as_ref().map_or(0, |s| s.len) + self.own.len
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
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
    pub fn new(
        cfg: Shape,
        embed: QMatrix,
        lm_head: Option<QMatrix>,
        norm: Vec<f32>,
        layers: Vec<Layer>,
        rope_cos: Vec<f32>,
        rope_sin: Vec<f32>,
    ) -> CpuModel {
        let positions = rope_cos.len() / cfg.head_dim;
        CpuModel {
            cfg,
            embed,
            lm_head,
            norm,
            layers,
            lossless: true,
            cos: rope_cos,
            sin: rope_sin,
            positions,
        }
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
        let l: usize = self
            .layers
            .iter()
            .map(|l| l.qkv.bytes() + l.o.bytes() + l.gate_up.bytes() + l.down.bytes())
            .sum();
        l + self.embed.bytes() + self.lm_head.as_ref().map_or(0, |h| h.bytes())
    }

    /// Run `tokens[s]` after what `seqs[s]` holds, append their keys and values, and
    /// write the logits of each sequence's last token to `logits` ([seqs, vocab]).
    pub fn forward(
        &self,
        seqs: &mut [&mut SeqCache],
        tokens: &[&[u32]],
        adapters: Option<&Adapters>,
        ws: &mut Workspace,
        logits: &mut Vec<f32>,
    ) {
        assert_eq!(seqs.len(), tokens.len());
        let c = &self.cfg;
        let (h, qd, kvd, inter) = (
            c.hidden_size,
            self.q_dim(),
            self.kv_dim(),
            c.intermediate_size,
        );
        let n: usize = tokens.iter().map(|t| t.len()).sum();
        assert!(
            tokens.iter().all(|t| !t.is_empty()),
            "every sequence gets at least one token"
        );
        // (sequence, position) of every row.
        let mut rows = Vec::with_capacity(n);
        for (s, t) in tokens.iter().enumerate() {
            let p0 = seqs[s].len();
            assert!(
                p0 + t.len() <= self.positions,
                "position {} beyond the rotary table ({})",
                p0 + t.len(),
                self.positions
            );
            rows.extend((0..t.len()).map(|i| (s, p0 + i)));
        }
        let Workspace {
            x,
            xn,
            qkv,
            att,
            proj,
            gu,
            act,
            lora_t,
            last,
        } = ws;
        let x = grow(x, n * h);
        for (row, &tok) in x
            .chunks_exact_mut(h)
            .zip(tokens.iter().flat_map(|t| t.iter()))
        {
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
                    q.chunks_exact_mut(c.head_dim)
                        .for_each(|hd| rms_norm_in_place(hd, w, eps));
                }
                if let Some(w) = &layer.k_norm {
                    k.chunks_exact_mut(c.head_dim)
                        .for_each(|hd| rms_norm_in_place(hd, w, eps));
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
            for (a, g) in act.chunks_exact_mut(inter).zip(gu.chunks_exact(2 * inter)) {
                let (g, u) = g.split_at(inter);
                for ((a, &g), &u) in a.iter_mut().zip(g).zip(u) {
                    *a = g / (1.0 + (-g).exp()) * u;
                }
            }
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
            rms_norm_rows(
                &x[(end - 1) * h..end * h],
                &self.norm,
                eps,
                &mut last[s * h..(s + 1) * h],
            );
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
    fn attend(
        &self,
        li: usize,
        seqs: &[&mut SeqCache],
        rows: &[(usize, usize)],
        qkv: &[f32],
        att: &mut [f32],
    ) {
        let c = &self.cfg;
        let (hd, nh, nkv) = (c.head_dim, c.num_heads, c.num_kv_heads);
        let (qd, kvd) = (self.q_dim(), self.kv_dim());
        let rep = nh / nkv;
        let scale = 1.0 / (hd as f32).sqrt();
        let work = |(r, out): (usize, &mut [f32])| {
            let (s, pos) = rows[r];
            let seq = &*seqs[s];
            let q_all = &qkv[r * (qd + 2 * kvd)..r * (qd + 2 * kvd) + qd];
            let shared = seq.shared.as_deref();
            let n_shared = shared.map_or(0, |b| b.len);
            let keys = pos + 1;
            SCORES.with(|sc| {
                let mut sc = sc.borrow_mut();
                if sc.len() < keys {
                    sc.resize(keys, 0.0);
                }
                let scores = &mut sc[..keys];
                for head in 0..nh {
                    let g = head / rep;
                    let q = &q_all[head * hd..(head + 1) * hd];
                    let key = |j: usize| -> &[f32] {
                        let (blk, j) = if j < n_shared {
                            (shared.expect("shared prefix"), j)
                        } else {
                            (&seq.own, j - n_shared)
                        };
                        &blk.k[li][j * kvd + g * hd..j * kvd + (g + 1) * hd]
                    };
                    let mut max = f32::NEG_INFINITY;
                    for (j, sj) in scores.iter_mut().enumerate() {
                        *sj = dot(q, key(j)) * scale;
                        max = max.max(*sj);
                    }
                    let mut sum = 0.0;
                    for sj in scores.iter_mut() {
                        *sj = (*sj - max).exp();
                        sum += *sj;
                    }
                    let inv = 1.0 / sum;
                    let o = &mut out[head * hd..(head + 1) * hd];
                    o.fill(0.0);
                    for (j, &p) in scores.iter().enumerate() {
                        let (blk, jj) = if j < n_shared {
                            (shared.expect("shared prefix"), j)
                        } else {
                            (&seq.own, j - n_shared)
                        };
                        let v = &blk.v[li][jj * kvd + g * hd..jj * kvd + (g + 1) * hd];
                        let p = p * inv;
                        for (o, &v) in o.iter_mut().zip(v) {
                            *o += p * v;
                        }
                    }
                }
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

#[inline]
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0f32; 8];
    let chunks = a.len() / 8;
    for c in 0..chunks {
        for l in 0..8 {
            acc[l] += a[c * 8 + l] * b[c * 8 + l];
        }
    }
    let mut s: f32 = acc.iter().sum();
    for i in chunks * 8..a.len() {
        s += a[i] * b[i];
    }
    s
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
fn add_lora(
    l: Option<&LoraHost>,
    x: &[f32],
    d_in: usize,
    n: usize,
    y: &mut [f32],
    ldy: usize,
    off: usize,
    t: &mut Vec<f32>,
) {
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
