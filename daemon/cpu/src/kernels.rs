//! `y = x W^T` with W a [`QMatrix`] in its compact format: the fused
//! dequantize-and-multiply that decoding spends its time in.
//!
//! How: the output rows are cut into tiles of [`TILE`] rows spread over the rayon pool.
//! A tile is dequantized once into a per-thread f32 scratch (a few KB, in L1/L2), then
//! multiplied with every input row by a register-blocked micro-kernel (4 input rows x 2
//! weight rows, 8 or 16 lanes along the shared dimension). Nothing is packed or
//! allocated per call (the scratch is thread-local and grows once), and the weights are
//! read once per call in their compact form: ~0.6 bytes per weight for Q4_1 instead of 4.
//!
//! The instruction set is picked at run time: AVX-512F, else AVX2 + FMA + F16C, else a
//! portable loop the compiler vectorizes for the baseline target (aarch64's NEON, SSE2).
//! Dequantization computes `d * q + m` in f32, the values the f32 model is built from,
//! so the only difference to an f32 forward is the summation order.

// The micro-kernels index their accumulator arrays with the same loop variable that
// offsets raw input pointers (`x.add(b * k + ..)`): iterator forms would hide which lane
// goes with which row.
#![allow(clippy::needless_range_loop)]

use std::cell::RefCell;

use rayon::prelude::*;

use crate::qmatrix::{dequantize, Format, QMatrix};

/// Weight rows per parallel task and dequantized tile when few input rows come in
/// (decoding): small tiles spread a matrix-vector product evenly over the threads.
const TILE: usize = 16;

/// Up to this many input rows, quantized weights are multiplied straight from their
/// blocks (decoding); beyond it a dequantized tile is reused across the rows.
const FUSED_MAX_BATCH: usize = 4;

/// Bytes of dequantized weights per tile when many input rows come in (a prefill): the
/// input rows are streamed once per tile, so larger tiles (kept in L2) read them less
/// often.
const BIG_TILE_BYTES: usize = 256 << 10;

/// Weight rows per tile for a product with `batch` input rows of `cols` values.
fn tile_rows(batch: usize, cols: usize, rows: usize) -> usize {
    if batch <= 16 {
        return TILE;
    }
    // At least two tiles per thread so the pool stays balanced.
    let balanced = rows.div_ceil(2 * rayon::current_num_threads()).max(TILE);
    (BIG_TILE_BYTES / (4 * cols)).clamp(TILE, 256).min(balanced) / TILE * TILE
}

/// The instruction set in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Isa {
    Avx512,
    Avx2,
    Portable,
}

impl Isa {
    pub fn name(self) -> &'static str {
        match self {
            Isa::Avx512 => "avx512",
            Isa::Avx2 => "avx2+fma",
            Isa::Portable => "portable",
        }
    }
}

/// What this CPU supports (detected once). `RLVRD_CPU_ISA=portable|avx2` caps it, for
/// tests of every path and for comparisons.
pub fn isa() -> Isa {
    static ISA: std::sync::OnceLock<Isa> = std::sync::OnceLock::new();
    *ISA.get_or_init(|| {
        let cap = std::env::var("RLVRD_CPU_ISA").unwrap_or_default();
        detect(&cap)
    })
}

#[cfg(target_arch = "x86_64")]
fn detect(cap: &str) -> Isa {
    let avx2 = is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") && is_x86_feature_detected!("f16c");
    let avx512 = avx2 && is_x86_feature_detected!("avx512f");
    match cap {
        "portable" => Isa::Portable,
        "avx2" if avx2 => Isa::Avx2,
        _ if avx512 => Isa::Avx512,
        _ if avx2 => Isa::Avx2,
        _ => Isa::Portable,
    }
}

#[cfg(not(target_arch = "x86_64"))]
fn detect(_cap: &str) -> Isa {
    Isa::Portable
}

thread_local! {
    static SCRATCH: RefCell<Vec<f32>> = const { RefCell::new(Vec::new()) };
}

/// A pointer to the output that tasks write disjoint columns of.
#[derive(Clone, Copy)]
struct OutPtr(*mut f32);
// SAFETY: every task writes only the columns of its own tile (see `matmul`).
unsafe impl Send for OutPtr {}
unsafe impl Sync for OutPtr {}

impl OutPtr {
    /// Through a method, so closures capture the wrapper (Sync), not the raw field.
    fn get(self) -> *mut f32 {
        self.0
    }
}

/// `y[b * w.rows + o] = sum_i x[b * w.cols + i] * w[o, i]` for `batch` input rows.
pub fn matmul(w: &QMatrix, x: &[f32], batch: usize, y: &mut [f32]) {
    matmul_with(isa(), w, x, batch, y)
}

/// [`matmul`] on a given instruction set (`isa` must be supported: tests run each).
fn matmul_with(isa: Isa, w: &QMatrix, x: &[f32], batch: usize, y: &mut [f32]) {
    assert!(x.len() >= batch * w.cols && y.len() >= batch * w.rows, "matmul shapes: x {} y {} for [{}, {}] x {batch}", x.len(), y.len(), w.rows, w.cols);
    // A few input rows of a quantized matrix: dequantize in registers and multiply at
    // once (the weights are read once and never stored as f32). No scratch to fill, so
    // a few large tasks per thread: each task costs about a microsecond of scheduling.
    let fused = batch <= FUSED_MAX_BATCH && isa != Isa::Portable && w.format != Format::F32;
    let per = if fused { w.rows.div_ceil(4 * rayon::current_num_threads()).next_multiple_of(4).max(TILE) } else { tile_rows(batch, w.cols, w.rows) };
    let tiles = w.rows.div_ceil(per);
    let out = OutPtr(y.as_mut_ptr());
    let run = |t: usize| {
        let o0 = t * per;
        let n = per.min(w.rows - o0);
        if fused {
            #[cfg(target_arch = "x86_64")]
            // SAFETY: the ISA's features were detected; this task writes only columns
            // o0..o0 + n.
            unsafe {
                if isa == Isa::Avx512 {
                    x86::fused_rows_avx512(w, o0, n, x, batch, out.get())
                } else {
                    x86::fused_rows(w, o0, n, x, batch, out.get())
                }
            };
            return;
        }
        SCRATCH.with(|s| {
            let mut s = s.borrow_mut();
            if s.len() < n * w.cols {
                s.resize(n * w.cols, 0.0);
            }
            let tile = &mut s[..n * w.cols];
            dequantize_rows(isa, w, o0, n, tile);
            // SAFETY: this task writes y[b * rows + o] only for o in o0..o0 + n, a range no
            // other task touches; `y` outlives the parallel loop.
            unsafe { multiply(isa, tile, n, w.cols, x, batch, out.get(), w.rows, o0) };
        });
    };
    // Small products are not worth a trip through the pool.
    if tiles == 1 || batch * w.rows * w.cols < 1 << 15 {
        (0..tiles).for_each(run);
    } else {
        (0..tiles).into_par_iter().for_each(run);
    }
}

fn dequantize_rows(isa: Isa, w: &QMatrix, o0: usize, n: usize, out: &mut [f32]) {
    for (r, o) in out.chunks_exact_mut(w.cols).enumerate().take(n) {
        let raw = w.row(o0 + r);
        match (isa, w.format) {
            #[cfg(target_arch = "x86_64")]
            (Isa::Avx512 | Isa::Avx2, Format::Q4_0 | Format::Q4_1 | Format::Q8_0) => {
                // SAFETY: the features were detected at run time.
                unsafe { x86::dequantize_avx2(w.format, raw, o) }
            }
            _ => dequantize(w.format, raw, o),
        }
    }
}

/// # Safety
/// `y` must be valid for `batch * ldy` writes; only columns `o0..o0 + n` are written.
#[allow(clippy::too_many_arguments)]
unsafe fn multiply(isa: Isa, w: &[f32], n: usize, k: usize, x: &[f32], batch: usize, y: *mut f32, ldy: usize, o0: usize) {
    match isa {
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512 => x86::multiply_avx512(w, n, k, x, batch, y, ldy, o0),
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2 => x86::multiply_avx2(w, n, k, x, batch, y, ldy, o0),
        _ => multiply_portable(w, n, k, x, batch, y, ldy, o0),
    }
}

/// # Safety
/// As [`multiply`].
#[allow(clippy::too_many_arguments)]
unsafe fn multiply_portable(w: &[f32], n: usize, k: usize, x: &[f32], batch: usize, y: *mut f32, ldy: usize, o0: usize) {
    for b in 0..batch {
        let xb = &x[b * k..(b + 1) * k];
        for r in 0..n {
            let wr = &w[r * k..(r + 1) * k];
            // Eight partial sums let the compiler vectorize without reassociating.
            let mut acc = [0f32; 8];
            let chunks = k / 8;
            for c in 0..chunks {
                for l in 0..8 {
                    acc[l] += xb[c * 8 + l] * wr[c * 8 + l];
                }
            }
            let mut s: f32 = acc.iter().sum();
            for i in chunks * 8..k {
                s += xb[i] * wr[i];
            }
            *y.add(b * ldy + o0 + r) = s;
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::*;

    use crate::qmatrix::{Format, QMatrix};

    #[inline]
    #[target_feature(enable = "avx2,fma,f16c")]
    unsafe fn broadcast_f16(p: *const u8) -> __m256 {
        let bits = u16::from_le_bytes([*p, *p.add(1)]);
        _mm256_cvtph_ps(_mm_set1_epi16(bits as i16))
    }

    /// One row of Q4_0 / Q4_1 / Q8_0 blocks to f32.
    #[target_feature(enable = "avx2,fma,f16c")]
    pub unsafe fn dequantize_avx2(format: Format, raw: &[u8], out: &mut [f32]) {
        let o = out.as_mut_ptr();
        match format {
            Format::Q4_0 | Format::Q4_1 => {
                let (bytes, qs_at) = if format == Format::Q4_1 { (20, 4) } else { (18, 2) };
                let low = _mm_set1_epi8(0x0F);
                for (i, blk) in raw.chunks_exact(bytes).enumerate() {
                    let p = blk.as_ptr();
                    let d = broadcast_f16(p);
                    // Q4_0 is Q4_1 with m = -8 d.
                    let m = if format == Format::Q4_1 { broadcast_f16(p.add(2)) } else { _mm256_mul_ps(d, _mm256_set1_ps(-8.0)) };
                    let qs = _mm_loadu_si128(p.add(qs_at) as *const __m128i);
                    let lo = _mm_and_si128(qs, low);
                    let hi = _mm_and_si128(_mm_srli_epi16(qs, 4), low);
                    let parts = [lo, _mm_srli_si128(lo, 8), hi, _mm_srli_si128(hi, 8)];
                    for (j, q) in parts.into_iter().enumerate() {
                        let v = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(q));
                        let w = if format == Format::Q4_1 { _mm256_fmadd_ps(v, d, m) } else { _mm256_mul_ps(_mm256_sub_ps(v, _mm256_set1_ps(8.0)), d) };
                        _mm256_storeu_ps(o.add(i * 32 + j * 8), w);
                    }
                }
            }
            Format::Q8_0 => {
                for (i, blk) in raw.chunks_exact(34).enumerate() {
                    let p = blk.as_ptr();
                    let d = broadcast_f16(p);
                    for j in 0..4 {
                        let q = _mm_loadl_epi64(p.add(2 + j * 8) as *const __m128i);
                        let v = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(q));
                        _mm256_storeu_ps(o.add(i * 32 + j * 8), _mm256_mul_ps(v, d));
                    }
                }
            }
            Format::F32 => unreachable!("f32 rows are copied, not dequantized"),
        }
    }

    /// The 32 weights of one block as four vectors of 8 (values 0..8, 8..16, 16..24,
    /// 24..32), dequantized in registers.
    #[inline(always)]
    unsafe fn block_weights(format: Format, p: *const u8) -> [__m256; 4] {
        match format {
            Format::Q4_0 | Format::Q4_1 => {
                let d = broadcast_f16(p);
                let (m, qs_at) = if format == Format::Q4_1 { (broadcast_f16(p.add(2)), 4) } else { (_mm256_mul_ps(d, _mm256_set1_ps(-8.0)), 2) };
                let low = _mm_set1_epi8(0x0F);
                let qs = _mm_loadu_si128(p.add(qs_at) as *const __m128i);
                let lo = _mm_and_si128(qs, low);
                let hi = _mm_and_si128(_mm_srli_epi16(qs, 4), low);
                let f = |q: __m128i| _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(q)), d, m);
                [f(lo), f(_mm_srli_si128(lo, 8)), f(hi), f(_mm_srli_si128(hi, 8))]
            }
            Format::Q8_0 => {
                let d = broadcast_f16(p);
                let f = |j: usize| _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64(p.add(2 + 8 * j) as *const __m128i))), d);
                [f(0), f(1), f(2), f(3)]
            }
            Format::F32 => unreachable!("f32 rows take the tiled path"),
        }
    }

    /// One weight row against NB input rows, NA accumulators per input row (enough
    /// independent chains to hide the FMA latency).
    #[inline(always)]
    unsafe fn fused_row<const NB: usize, const NA: usize>(format: Format, row: *const u8, bytes: usize, blocks: usize, x: *const f32, k: usize) -> [f32; NB] {
        let mut acc = [[_mm256_setzero_ps(); NA]; NB];
        for i in 0..blocks {
            let w = block_weights(format, row.add(i * bytes));
            for b in 0..NB {
                let xb = x.add(b * k + i * 32);
                for (j, wj) in w.iter().enumerate() {
                    acc[b][j % NA] = _mm256_fmadd_ps(*wj, _mm256_loadu_ps(xb.add(8 * j)), acc[b][j % NA]);
                }
            }
        }
        let mut out = [0f32; NB];
        for b in 0..NB {
            let mut v = acc[b][0];
            for a in 1..NA {
                v = _mm256_add_ps(v, acc[b][a]);
            }
            out[b] = hsum256(v);
        }
        out
    }

    /// Rows `o0..o0 + n` of `$w` against `$batch` (1..=4) input rows with the row
    /// kernel `$row`: more accumulators per input row when there are fewer rows.
    macro_rules! fused_rows_with {
        ($row:ident, $w:expr, $o0:expr, $n:expr, $x:expr, $batch:expr, $y:expr) => {{
            let (w, o0, n, x, batch, y): (&QMatrix, usize, usize, &[f32], usize, *mut f32) = ($w, $o0, $n, $x, $batch, $y);
            let (_, bytes) = w.format.block();
            let (k, blocks) = (w.cols, w.cols / 32);
            for o in o0..o0 + n {
                let row = w.row(o).as_ptr();
                macro_rules! go {
                    ($NB:literal, $NA:literal) => {{
                        let r = $row::<$NB, $NA>(w.format, row, bytes, blocks, x.as_ptr(), k);
                        for b in 0..$NB {
                            *y.add(b * w.rows + o) = r[b];
                        }
                    }};
                }
                match batch {
                    1 => go!(1, 4),
                    2 => go!(2, 4),
                    3 => go!(3, 2),
                    _ => go!(4, 2),
                }
            }
        }};
    }

    /// Rows `o0..o0 + n` of `w` times `batch` (1..=4) input rows, into `y` [batch, rows].
    ///
    /// # Safety
    /// AVX2 + FMA + F16C present; `y` valid for columns `o0..o0 + n` of `batch` rows.
    #[target_feature(enable = "avx2,fma,f16c")]
    pub unsafe fn fused_rows(w: &QMatrix, o0: usize, n: usize, x: &[f32], batch: usize, y: *mut f32) {
        fused_rows_with!(fused_row, w, o0, n, x, batch, y)
    }

    /// One block as two vectors of 16 (values 0..16, 16..32), dequantized in registers.
    #[inline(always)]
    unsafe fn block_weights512(format: Format, p: *const u8) -> [__m512; 2] {
        let bits = u16::from_le_bytes([*p, *p.add(1)]);
        let d = _mm512_cvtph_ps(_mm256_set1_epi16(bits as i16));
        match format {
            Format::Q4_0 | Format::Q4_1 => {
                let (m, qs_at) = if format == Format::Q4_1 {
                    let mb = u16::from_le_bytes([*p.add(2), *p.add(3)]);
                    (_mm512_cvtph_ps(_mm256_set1_epi16(mb as i16)), 4)
                } else {
                    (_mm512_mul_ps(d, _mm512_set1_ps(-8.0)), 2)
                };
                let low = _mm_set1_epi8(0x0F);
                let qs = _mm_loadu_si128(p.add(qs_at) as *const __m128i);
                let lo = _mm_and_si128(qs, low);
                let hi = _mm_and_si128(_mm_srli_epi16(qs, 4), low);
                let f = |q: __m128i| _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(q)), d, m);
                [f(lo), f(hi)]
            }
            Format::Q8_0 => {
                let f = |j: usize| _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128(p.add(2 + 16 * j) as *const __m128i))), d);
                [f(0), f(1)]
            }
            Format::F32 => unreachable!("f32 rows take the tiled path"),
        }
    }

    /// [`fused_row`] with 16 lanes; NA accumulators per input row (1, 2 or 4).
    #[inline(always)]
    unsafe fn fused_row512<const NB: usize, const NA: usize>(
        format: Format,
        row: *const u8,
        bytes: usize,
        blocks: usize,
        x: *const f32,
        k: usize,
    ) -> [f32; NB] {
        let mut acc = [[_mm512_setzero_ps(); NA]; NB];
        // Two blocks per iteration so every accumulator index is a constant (an index
        // known only at run time would keep the accumulators in memory).
        let pairs = blocks / 2;
        for i in 0..pairs {
            let w0 = block_weights512(format, row.add(2 * i * bytes));
            let w1 = block_weights512(format, row.add((2 * i + 1) * bytes));
            for b in 0..NB {
                let xb = x.add(b * k + 2 * i * 32);
                acc[b][0] = _mm512_fmadd_ps(w0[0], _mm512_loadu_ps(xb), acc[b][0]);
                acc[b][1 % NA] = _mm512_fmadd_ps(w0[1], _mm512_loadu_ps(xb.add(16)), acc[b][1 % NA]);
                acc[b][2 % NA] = _mm512_fmadd_ps(w1[0], _mm512_loadu_ps(xb.add(32)), acc[b][2 % NA]);
                acc[b][3 % NA] = _mm512_fmadd_ps(w1[1], _mm512_loadu_ps(xb.add(48)), acc[b][3 % NA]);
            }
        }
        if blocks % 2 == 1 {
            let i = blocks - 1;
            let w0 = block_weights512(format, row.add(i * bytes));
            for b in 0..NB {
                let xb = x.add(b * k + i * 32);
                acc[b][0] = _mm512_fmadd_ps(w0[0], _mm512_loadu_ps(xb), acc[b][0]);
                acc[b][1 % NA] = _mm512_fmadd_ps(w0[1], _mm512_loadu_ps(xb.add(16)), acc[b][1 % NA]);
            }
        }
        let mut out = [0f32; NB];
        for b in 0..NB {
            let mut v = acc[b][0];
            for a in 1..NA {
                v = _mm512_add_ps(v, acc[b][a]);
            }
            out[b] = _mm512_reduce_add_ps(v);
        }
        out
    }

    /// [`fused_rows`] on AVX-512.
    ///
    /// # Safety
    /// AVX-512F present; `y` valid for columns `o0..o0 + n` of `batch` rows.
    #[target_feature(enable = "avx512f,avx2,fma,f16c")]
    pub unsafe fn fused_rows_avx512(w: &QMatrix, o0: usize, n: usize, x: &[f32], batch: usize, y: *mut f32) {
        fused_rows_with!(fused_row512, w, o0, n, x, batch, y)
    }

    #[inline]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn hsum256(v: __m256) -> f32 {
        let s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
        let s = _mm_add_ps(s, _mm_movehl_ps(s, s));
        let s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
        _mm_cvtss_f32(s)
    }

    /// NB input rows x NW weight rows, 8 lanes along k; the tail of k in scalar.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn block_avx2<const NB: usize, const NW: usize>(w: *const f32, x: *const f32, k: usize, out: &mut [[f32; NW]; NB]) {
        let mut acc = [[_mm256_setzero_ps(); NW]; NB];
        let k8 = k / 8 * 8;
        let mut i = 0;
        while i < k8 {
            let mut wv = [_mm256_setzero_ps(); NW];
            for (r, v) in wv.iter_mut().enumerate() {
                *v = _mm256_loadu_ps(w.add(r * k + i));
            }
            for b in 0..NB {
                let xv = _mm256_loadu_ps(x.add(b * k + i));
                for r in 0..NW {
                    acc[b][r] = _mm256_fmadd_ps(xv, wv[r], acc[b][r]);
                }
            }
            i += 8;
        }
        for b in 0..NB {
            for r in 0..NW {
                let mut s = hsum256(acc[b][r]);
                for j in k8..k {
                    s += *x.add(b * k + j) * *w.add(r * k + j);
                }
                out[b][r] = s;
            }
        }
    }

    #[inline]
    #[target_feature(enable = "avx512f")]
    unsafe fn block_avx512<const NB: usize, const NW: usize>(w: *const f32, x: *const f32, k: usize, out: &mut [[f32; NW]; NB]) {
        let mut acc = [[_mm512_setzero_ps(); NW]; NB];
        let k16 = k / 16 * 16;
        let mut i = 0;
        while i < k16 {
            let mut wv = [_mm512_setzero_ps(); NW];
            for (r, v) in wv.iter_mut().enumerate() {
                *v = _mm512_loadu_ps(w.add(r * k + i));
            }
            for b in 0..NB {
                let xv = _mm512_loadu_ps(x.add(b * k + i));
                for r in 0..NW {
                    acc[b][r] = _mm512_fmadd_ps(xv, wv[r], acc[b][r]);
                }
            }
            i += 16;
        }
        for b in 0..NB {
            for r in 0..NW {
                let mut s = _mm512_reduce_add_ps(acc[b][r]);
                for j in k16..k {
                    s += *x.add(b * k + j) * *w.add(r * k + j);
                }
                out[b][r] = s;
            }
        }
    }

    /// Walk the (input row, weight row) grid in register blocks of 4 x `$maxw`, with
    /// the edges in smaller blocks. `$block` is the micro-kernel for the ISA.
    macro_rules! grid {
        ($block:ident, $maxw:literal, $w:expr, $n:expr, $k:expr, $x:expr, $batch:expr, $y:expr, $ldy:expr, $o0:expr) => {{
            let (w, n, k, x, batch, y, ldy, o0) = ($w, $n, $k, $x, $batch, $y, $ldy, $o0);
            let mut b = 0;
            while b < batch {
                let nb = (batch - b).min(4);
                let mut r = 0;
                while r < n {
                    let nw = (n - r).min($maxw);
                    let wp = w.as_ptr().add(r * k);
                    let xp = x.as_ptr().add(b * k);
                    macro_rules! go {
                        ($NB:literal, $NW:literal) => {{
                            let mut out = [[0f32; $NW]; $NB];
                            $block::<$NB, $NW>(wp, xp, k, &mut out);
                            for bb in 0..$NB {
                                for rr in 0..$NW {
                                    *y.add((b + bb) * ldy + o0 + r + rr) = out[bb][rr];
                                }
                            }
                            $NW
                        }};
                    }
                    // Each arm handles `nb` input rows and returns the weight rows done.
                    let done: usize = match (nb, nw) {
                        (4, 4) => go!(4, 4),
                        (3, 4) => go!(3, 4),
                        (2, 4) => go!(2, 4),
                        (1, 4) => go!(1, 4),
                        (4, 3) => go!(4, 3),
                        (3, 3) => go!(3, 3),
                        (2, 3) => go!(2, 3),
                        (1, 3) => go!(1, 3),
                        (4, 2) => go!(4, 2),
                        (3, 2) => go!(3, 2),
                        (2, 2) => go!(2, 2),
                        (1, 2) => go!(1, 2),
                        (4, _) => go!(4, 1),
                        (3, _) => go!(3, 1),
                        (2, _) => go!(2, 1),
                        _ => go!(1, 1),
                    };
                    r += done;
                }
                b += nb;
            }
        }};
    }

    /// # Safety
    /// AVX2 + FMA present; `y` valid for the written columns (see `super::multiply`).
    #[allow(clippy::too_many_arguments)]
    #[target_feature(enable = "avx2,fma")]
    pub unsafe fn multiply_avx2(w: &[f32], n: usize, k: usize, x: &[f32], batch: usize, y: *mut f32, ldy: usize, o0: usize) {
        grid!(block_avx2, 2, w, n, k, x, batch, y, ldy, o0)
    }

    /// # Safety
    /// AVX-512F present; `y` valid for the written columns.
    #[allow(clippy::too_many_arguments)]
    #[target_feature(enable = "avx512f")]
    pub unsafe fn multiply_avx512(w: &[f32], n: usize, k: usize, x: &[f32], batch: usize, y: *mut f32, ldy: usize, o0: usize) {
        // 32 registers: 16 accumulators, 4 weight rows and an input row fit.
        grid!(block_avx512, 4, w, n, k, x, batch, y, ldy, o0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::qmatrix::{Format, QMatrix};

    fn lcg(seed: &mut u64) -> f32 {
        *seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((*seed >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
    }

    /// Hand-made Q4_1 / Q4_0 / Q8_0 blocks with random scales.
    fn random_matrix(format: Format, rows: usize, cols: usize, seed: u64) -> QMatrix {
        let mut s = seed;
        let (_, bytes) = format.block();
        let mut data = Vec::new();
        for _ in 0..rows * cols / 32 {
            let d = half::f16::from_f32(0.05 * lcg(&mut s).abs() + 0.01).to_le_bytes();
            let m = half::f16::from_f32(0.3 * lcg(&mut s)).to_le_bytes();
            data.extend(d);
            if format == Format::Q4_1 {
                data.extend(m);
            }
            let n = bytes - data.len() % bytes;
            data.extend((0..n).map(|_| (lcg(&mut s) * 127.0) as i8 as u8));
        }
        QMatrix::from_raw(format, rows, cols, data).unwrap()
    }

    fn reference(w: &[f32], rows: usize, cols: usize, x: &[f32], batch: usize) -> Vec<f64> {
        let mut y = vec![0.0; batch * rows];
        for b in 0..batch {
            for o in 0..rows {
                y[b * rows + o] = (0..cols).map(|i| x[b * cols + i] as f64 * w[o * cols + i] as f64).sum();
            }
        }
        y
    }

    /// The instruction sets this machine can run (each is tested).
    fn supported() -> Vec<Isa> {
        [Isa::Portable, Isa::Avx2, Isa::Avx512].into_iter().filter(|&i| i == Isa::Portable || i == isa() || (i == Isa::Avx2 && isa() == Isa::Avx512)).collect()
    }

    #[test]
    fn every_format_and_batch_matches_the_dequantized_reference() {
        let (rows, cols) = (37, 96);
        for isa in supported() {
            for format in [Format::Q4_0, Format::Q4_1, Format::Q8_0] {
                let w = random_matrix(format, rows, cols, 7);
                let dense = w.to_f32();
                for batch in [1, 2, 3, 4, 5, 8, 9] {
                    let mut s = 99 + batch as u64;
                    let x: Vec<f32> = (0..batch * cols).map(|_| lcg(&mut s)).collect();
                    let mut y = vec![f32::NAN; batch * rows];
                    matmul_with(isa, &w, &x, batch, &mut y);
                    let want = reference(&dense, rows, cols, &x, batch);
                    for (i, (a, b)) in y.iter().zip(&want).enumerate() {
                        assert!((*a as f64 - b).abs() < 1e-4 * (1.0 + b.abs()), "{isa:?} {format:?} batch {batch} [{i}]: {a} vs {b}");
                    }
                }
            }
        }
        // f32 rows with a length that is not a multiple of the lanes.
        let mut s = 3;
        let (rows, cols) = (5, 13);
        let dense: Vec<f32> = (0..rows * cols).map(|_| lcg(&mut s)).collect();
        let w = QMatrix::from_f32(rows, cols, &dense);
        let x: Vec<f32> = (0..2 * cols).map(|_| lcg(&mut s)).collect();
        for isa in supported() {
            let mut y = vec![0.0; 2 * rows];
            matmul_with(isa, &w, &x, 2, &mut y);
            for (a, b) in y.iter().zip(reference(&dense, rows, cols, &x, 2)) {
                assert!((*a as f64 - b).abs() < 1e-5, "{isa:?}: {a} vs {b}");
            }
        }
    }

    #[test]
    fn simd_dequantization_equals_the_reference_decoder() {
        for format in [Format::Q4_0, Format::Q4_1, Format::Q8_0] {
            let w = random_matrix(format, 3, 64, 11);
            let mut fast = vec![0.0; 64];
            let mut slow = vec![0.0; 64];
            for r in 0..3 {
                dequantize_rows(isa(), &w, r, 1, &mut fast);
                dequantize(format, w.row(r), &mut slow);
                for (a, b) in fast.iter().zip(&slow) {
                    // fma(q, d, m) vs q * d + m: one rounding apart.
                    assert!((a - b).abs() <= 1e-6 * (1.0 + b.abs()), "{format:?}: {a} vs {b}");
                }
            }
        }
    }

    #[test]
    fn q8_0_quantization_is_within_half_a_step() {
        let mut s = 5;
        let v: Vec<f32> = (0..4 * 64).map(|_| lcg(&mut s)).collect();
        let q = QMatrix::quantize_q8_0(4, 64, &v).unwrap();
        for (blk_v, blk_q) in v.chunks(32).zip(q.to_f32().chunks(32)) {
            let step = blk_v.iter().fold(0f32, |m, x| m.max(x.abs())) / 127.0;
            for (a, b) in blk_v.iter().zip(blk_q) {
                assert!((a - b).abs() <= step * 0.5 + step * 1e-3, "{a} vs {b} (step {step})");
            }
        }
    }
}

#[cfg(test)]
mod throughput {
    use super::*;

    /// `cargo test -p rlvrd-cpu --release throughput -- --ignored --nocapture`:
    /// bytes of weights streamed per second by a batch-1 product on this machine.
    #[test]
    #[ignore = "measurement"]
    fn batch1_weight_bandwidth() {
        for (format, rows, cols) in [(Format::Q4_1, 1536, 576), (Format::Q8_0, 49152, 576)] {
            let (_, bytes) = format.block();
            let w = QMatrix::from_raw(format, rows, cols, vec![0x11; rows * cols / 32 * bytes]).unwrap();
            let x = vec![0.5f32; cols];
            let mut y = vec![0.0; rows];
            let reps = (2_000_000_000 / w.bytes()).max(1);
            let t = std::time::Instant::now();
            for _ in 0..reps {
                matmul(&w, &x, 1, &mut y);
            }
            let s = t.elapsed().as_secs_f64();
            eprintln!("{format:?} [{rows}, {cols}]: {:.1} GB/s, {:.1} us per product", (reps * w.bytes()) as f64 / s / 1e9, s / reps as f64 * 1e6);
        }
    }
}
