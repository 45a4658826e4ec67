//! Weight matrices for the CPU inference path, kept in their compact form: the GGUF's
//! own Q4_0 / Q4_1 / Q8_0 blocks byte for byte, Q8_0 made at load time from f32 / f16 /
//! bf16 checkpoints, or plain f32. Rows are output features and each row is a run of
//! blocks along the input dimension, so a row can be moved (the rotary un-permutation
//! of llama's q/k) or dequantized (an embedding lookup) on its own.

use half::f16;

/// Block formats, as laid out in GGUF (little endian).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// 18 bytes per 32 values: f16 d, 16 bytes of nibbles (low nibbles are values 0..16,
    /// high nibbles 16..32); w = d * (q - 8).
    Q4_0,
    /// 20 bytes per 32 values: f16 d, f16 m, 16 bytes of nibbles; w = d * q + m.
    Q4_1,
    /// 34 bytes per 32 values: f16 d, 32 signed bytes; w = d * q.
    Q8_0,
    /// 4 bytes per value.
    F32,
}

impl Format {
    /// (values, bytes) per block.
    pub fn block(self) -> (usize, usize) {
        match self {
            Format::Q4_0 => (32, 18),
            Format::Q4_1 => (32, 20),
            Format::Q8_0 => (32, 34),
            Format::F32 => (1, 4),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Q4_0 => "q4_0",
            Format::Q4_1 => "q4_1",
            Format::Q8_0 => "q8_0",
            Format::F32 => "f32",
        }
    }
}

/// Why a matrix could not be built.
#[derive(Debug, thiserror::Error)]
pub enum QMatrixError {
    #[error("a {format} matrix needs a row length divisible by 32, got {cols}")]
    RowLength { format: &'static str, cols: usize },
    #[error("{format} matrix [{rows}, {cols}] needs {want} bytes, got {got}")]
    Size { format: &'static str, rows: usize, cols: usize, want: usize, got: usize },
}

/// A [rows, cols] matrix in one [`Format`].
#[derive(Clone)]
pub struct QMatrix {
    pub rows: usize,
    pub cols: usize,
    pub format: Format,
    /// `rows * row_bytes()` bytes.
    pub data: Vec<u8>,
}

impl std::fmt::Debug for QMatrix {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "QMatrix[{}, {}] {}", self.rows, self.cols, self.format.name())
    }
}

#[inline]
pub(crate) fn f16_at(b: &[u8], at: usize) -> f32 {
    f16::from_le_bytes([b[at], b[at + 1]]).to_f32()
}

impl QMatrix {
    /// Take `data` as is (a GGUF tensor's bytes, rows of `cols` values).
    pub fn from_raw(format: Format, rows: usize, cols: usize, data: Vec<u8>) -> Result<QMatrix, QMatrixError> {
        let (per, _) = format.block();
        if !cols.is_multiple_of(per) {
            return Err(QMatrixError::RowLength { format: format.name(), cols });
        }
        let m = QMatrix { rows, cols, format, data };
        if m.data.len() != rows * m.row_bytes() {
            return Err(QMatrixError::Size { format: format.name(), rows, cols, want: rows * m.row_bytes(), got: m.data.len() });
        }
        Ok(m)
    }

    /// Plain f32 rows.
    pub fn from_f32(rows: usize, cols: usize, values: &[f32]) -> QMatrix {
        assert_eq!(values.len(), rows * cols, "f32 matrix [{rows}, {cols}]");
        let data = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        QMatrix { rows, cols, format: Format::F32, data }
    }

    /// Quantize f32 rows to Q8_0 the way llama.cpp does: per block of 32,
    /// d = max|w| / 127 (stored as f16), q = round(w / d) with the stored d.
    pub fn quantize_q8_0(rows: usize, cols: usize, values: &[f32]) -> Result<QMatrix, QMatrixError> {
        assert_eq!(values.len(), rows * cols, "f32 matrix [{rows}, {cols}]");
        if !cols.is_multiple_of(32) {
            return Err(QMatrixError::RowLength { format: "q8_0", cols });
        }
        let mut data = Vec::with_capacity(values.len() / 32 * 34);
        for blk in values.chunks_exact(32) {
            let amax = blk.iter().fold(0f32, |m, v| m.max(v.abs()));
            // Round with the scale as stored (f16), so a value comes back within half a
            // step of the stored scale.
            let d = f16::from_f32(amax / 127.0);
            let inv = if d.to_f32() > 0.0 { 1.0 / d.to_f32() } else { 0.0 };
            data.extend(d.to_le_bytes());
            data.extend(blk.iter().map(|v| (v * inv).round().clamp(-127.0, 127.0) as i8 as u8));
        }
        Ok(QMatrix { rows, cols, format: Format::Q8_0, data })
    }

    /// Bytes per row.
    pub fn row_bytes(&self) -> usize {
        let (per, bytes) = self.format.block();
        self.cols / per * bytes
    }

    pub fn row(&self, r: usize) -> &[u8] {
        let n = self.row_bytes();
        &self.data[r * n..(r + 1) * n]
    }

    /// Row `dst` of the result is row `src[dst]` of `self`.
    pub fn permute_rows(&self, src: &[usize]) -> QMatrix {
        assert_eq!(src.len(), self.rows);
        let mut data = Vec::with_capacity(self.data.len());
        for &s in src {
            data.extend_from_slice(self.row(s));
        }
        QMatrix { data, ..self.clone() }
    }

    /// Stack matrices with the same row length and format (q, k, v share one pass over
    /// their input).
    pub fn concat_rows(parts: &[&QMatrix]) -> QMatrix {
        let first = parts[0];
        assert!(parts.iter().all(|p| p.cols == first.cols && p.format == first.format), "concat of unlike matrices");
        let mut data = Vec::with_capacity(parts.iter().map(|p| p.data.len()).sum());
        for p in parts {
            data.extend_from_slice(&p.data);
        }
        QMatrix { rows: parts.iter().map(|p| p.rows).sum(), cols: first.cols, format: first.format, data }
    }

    /// Dequantize row `r` into `out` (`cols` values): an embedding lookup.
    pub fn dequantize_row(&self, r: usize, out: &mut [f32]) {
        dequantize(self.format, self.row(r), out);
    }

    /// All values as f32, row-major (tests and references).
    pub fn to_f32(&self) -> Vec<f32> {
        let mut out = vec![0.0; self.rows * self.cols];
        for (r, o) in out.chunks_mut(self.cols).enumerate() {
            self.dequantize_row(r, o);
        }
        out
    }

    /// Bytes held.
    pub fn bytes(&self) -> usize {
        self.data.len()
    }
}

/// Dequantize one row's bytes. The arithmetic is the reference one (`d * q + m` in f32),
/// so a decoded value equals what the f32 model was built from.
pub fn dequantize(format: Format, raw: &[u8], out: &mut [f32]) {
    match format {
        Format::F32 => {
            for (o, c) in out.iter_mut().zip(raw.chunks_exact(4)) {
                *o = f32::from_le_bytes([c[0], c[1], c[2], c[3]]);
            }
        }
        Format::Q8_0 => {
            for (o, blk) in out.chunks_exact_mut(32).zip(raw.chunks_exact(34)) {
                let d = f16_at(blk, 0);
                for (x, &q) in o.iter_mut().zip(&blk[2..34]) {
                    *x = q as i8 as f32 * d;
                }
            }
        }
        Format::Q4_0 => {
            for (o, blk) in out.chunks_exact_mut(32).zip(raw.chunks_exact(18)) {
                let d = f16_at(blk, 0);
                for (i, &q) in blk[2..18].iter().enumerate() {
                    o[i] = ((q & 0x0F) as i32 - 8) as f32 * d;
                    o[i + 16] = ((q >> 4) as i32 - 8) as f32 * d;
                }
            }
        }
        Format::Q4_1 => {
            for (o, blk) in out.chunks_exact_mut(32).zip(raw.chunks_exact(20)) {
                let (d, m) = (f16_at(blk, 0), f16_at(blk, 2));
                for (i, &q) in blk[4..20].iter().enumerate() {
                    o[i] = (q & 0x0F) as f32 * d + m;
                    o[i + 16] = (q >> 4) as f32 * d + m;
                }
            }
        }
    }
}
