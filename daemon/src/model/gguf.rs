//! GGUF v2/v3 reader: metadata, tensor directory, and dequantization to f32 of the
//! tensor types small code models ship in (F32, F16, BF16, Q8_0, Q4_0, Q4_1).
//!
//! The file is read into memory once; tensors are dequantized on demand, so loading
//! holds at most the file plus one model's worth of f32.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use half::{bf16, f16};

/// Errors reading a GGUF file; every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum GgufError {
    #[error("{path}: cannot read: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path}: not a GGUF file (bad magic)")]
    BadMagic { path: PathBuf },
    #[error("{path}: unsupported GGUF version {version} (need 2 or 3)")]
    Version { path: PathBuf, version: u32 },
    #[error("{path}: truncated or corrupt at byte {offset}: {what}")]
    Corrupt { path: PathBuf, offset: usize, what: String },
    #[error("{path}: tensor `{tensor}` has unsupported type {kind} (supported: F32, F16, BF16, Q8_0, Q4_0, Q4_1)")]
    UnsupportedType { path: PathBuf, tensor: String, kind: String },
    #[error("{path}: tensor `{tensor}` is missing")]
    MissingTensor { path: PathBuf, tensor: String },
    #[error("{path}: metadata key `{key}` is missing or has the wrong type")]
    Metadata { path: PathBuf, key: String },
}

/// A metadata value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    U8(u8),
    I8(i8),
    U16(u16),
    I16(i16),
    U32(u32),
    I32(i32),
    U64(u64),
    I64(i64),
    F32(f32),
    F64(f64),
    Bool(bool),
    Str(String),
    Array(Vec<Value>),
}

impl Value {
    /// Any integer type as u64 (negative values refused).
    pub fn as_u64(&self) -> Option<u64> {
        match *self {
            Value::U8(v) => Some(v as u64),
            Value::U16(v) => Some(v as u64),
            Value::U32(v) => Some(v as u64),
            Value::U64(v) => Some(v),
            Value::I8(v) => u64::try_from(v).ok(),
            Value::I16(v) => u64::try_from(v).ok(),
            Value::I32(v) => u64::try_from(v).ok(),
            Value::I64(v) => u64::try_from(v).ok(),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            Value::F32(v) => Some(v as f64),
            Value::F64(v) => Some(v),
            _ => self.as_u64().map(|v| v as f64),
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match *self {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }
}

/// ggml tensor element types we can dequantize.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GgmlType {
    F32,
    F16,
    Bf16,
    Q4_0,
    Q4_1,
    Q8_0,
}

impl GgmlType {
    fn from_id(id: u32) -> Result<GgmlType, String> {
        Ok(match id {
            0 => GgmlType::F32,
            1 => GgmlType::F16,
            2 => GgmlType::Q4_0,
            3 => GgmlType::Q4_1,
            8 => GgmlType::Q8_0,
            30 => GgmlType::Bf16,
            other => return Err(ggml_type_name(other)),
        })
    }

    /// (values per block, bytes per block)
    fn block(self) -> (usize, usize) {
        match self {
            GgmlType::F32 => (1, 4),
            GgmlType::F16 | GgmlType::Bf16 => (1, 2),
            GgmlType::Q4_0 => (32, 18),
            GgmlType::Q4_1 => (32, 20),
            GgmlType::Q8_0 => (32, 34),
        }
    }
}

fn ggml_type_name(id: u32) -> String {
    let known = [
        (6, "Q5_0"),
        (7, "Q5_1"),
        (9, "Q8_1"),
        (10, "Q2_K"),
        (11, "Q3_K"),
        (12, "Q4_K"),
        (13, "Q5_K"),
        (14, "Q6_K"),
        (15, "Q8_K"),
        (24, "I8"),
        (25, "I16"),
        (26, "I32"),
        (27, "I64"),
        (28, "F64"),
    ];
    known.iter().find(|(k, _)| *k == id).map(|(_, n)| n.to_string()).unwrap_or_else(|| format!("ggml type {id}"))
}

/// One entry of the tensor directory.
#[derive(Debug, Clone)]
pub struct TensorInfo {
    /// ggml order: `dims[0]` varies fastest (so a PyTorch `[out, in]` weight is `[in, out]` here).
    pub dims: Vec<usize>,
    /// `Err(type name)` for types we cannot dequantize (reported only if the tensor is used).
    pub kind: Result<GgmlType, String>,
    /// Absolute byte offset of the data in the file.
    pub offset: usize,
}

impl TensorInfo {
    pub fn numel(&self) -> usize {
        self.dims.iter().product()
    }

    /// Shape in row-major (PyTorch) order: reversed ggml dims.
    pub fn shape(&self) -> Vec<usize> {
        self.dims.iter().rev().copied().collect()
    }
}

/// A parsed GGUF file held in memory.
pub struct GgufFile {
    pub path: PathBuf,
    pub version: u32,
    pub metadata: BTreeMap<String, Value>,
    pub tensors: BTreeMap<String, TensorInfo>,
    data: Vec<u8>,
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    path: &'a Path,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], GgufError> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.buf.len()).ok_or_else(|| GgufError::Corrupt {
            path: self.path.to_path_buf(),
            offset: self.pos,
            what: format!("{what} runs past the end of the file"),
        })?;
        let s = &self.buf[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    fn u32(&mut self, what: &str) -> Result<u32, GgufError> {
        Ok(u32::from_le_bytes(self.take(4, what)?.try_into().expect("4 bytes")))
    }

    fn u64(&mut self, what: &str) -> Result<u64, GgufError> {
        Ok(u64::from_le_bytes(self.take(8, what)?.try_into().expect("8 bytes")))
    }

    fn len(&mut self, what: &str) -> Result<usize, GgufError> {
        let n = self.u64(what)?;
        // A length can never exceed the file; this also stops absurd allocations.
        if n > self.buf.len() as u64 {
            return Err(self.corrupt(format!("{what}: length {n} exceeds file size")));
        }
        Ok(n as usize)
    }

    fn string(&mut self, what: &str) -> Result<String, GgufError> {
        let n = self.len(what)?;
        let bytes = self.take(n, what)?;
        // Some tokenizers store invalid UTF-8 pieces; keep them lossily rather than fail.
        Ok(String::from_utf8_lossy(bytes).into_owned())
    }

    fn corrupt(&self, what: String) -> GgufError {
        GgufError::Corrupt { path: self.path.to_path_buf(), offset: self.pos, what }
    }

    fn value(&mut self, ty: u32, key: &str, depth: usize) -> Result<Value, GgufError> {
        let b = |r: &mut Self, n| r.take(n, key).map(|s| s.to_vec());
        Ok(match ty {
            0 => Value::U8(b(self, 1)?[0]),
            1 => Value::I8(b(self, 1)?[0] as i8),
            2 => Value::U16(u16::from_le_bytes(b(self, 2)?.try_into().expect("2"))),
            3 => Value::I16(i16::from_le_bytes(b(self, 2)?.try_into().expect("2"))),
            4 => Value::U32(self.u32(key)?),
            5 => Value::I32(self.u32(key)? as i32),
            6 => Value::F32(f32::from_bits(self.u32(key)?)),
            7 => Value::Bool(b(self, 1)?[0] != 0),
            8 => Value::Str(self.string(key)?),
            9 => {
                if depth > 2 {
                    return Err(self.corrupt(format!("{key}: arrays nested too deeply")));
                }
                let elem = self.u32(key)?;
                let n = self.len(key)?;
                let mut items = Vec::with_capacity(n.min(1 << 20));
                for _ in 0..n {
                    items.push(self.value(elem, key, depth + 1)?);
                }
                Value::Array(items)
            }
            10 => Value::U64(self.u64(key)?),
            11 => Value::I64(self.u64(key)? as i64),
            12 => Value::F64(f64::from_bits(self.u64(key)?)),
            other => return Err(self.corrupt(format!("{key}: unknown metadata type {other}"))),
        })
    }
}

impl GgufFile {
    /// Read and parse `path` (metadata and tensor directory; data stays raw).
    pub fn open(path: &Path) -> Result<GgufFile, GgufError> {
        let data = std::fs::read(path).map_err(|source| GgufError::Io { path: path.to_path_buf(), source })?;
        Self::parse(path, data)
    }

    pub fn parse(path: &Path, data: Vec<u8>) -> Result<GgufFile, GgufError> {
        let mut r = Reader { buf: &data, pos: 0, path };
        if r.take(4, "magic").ok() != Some(b"GGUF".as_slice()) {
            return Err(GgufError::BadMagic { path: path.to_path_buf() });
        }
        let version = r.u32("version")?;
        if !(2..=3).contains(&version) {
            return Err(GgufError::Version { path: path.to_path_buf(), version });
        }
        let n_tensors = r.len("tensor count")?;
        let n_kv = r.len("metadata count")?;
        let mut metadata = BTreeMap::new();
        for _ in 0..n_kv {
            let key = r.string("metadata key")?;
            let ty = r.u32(&key)?;
            let v = r.value(ty, &key, 0)?;
            metadata.insert(key, v);
        }
        let mut infos = Vec::with_capacity(n_tensors.min(1 << 16));
        for _ in 0..n_tensors {
            let name = r.string("tensor name")?;
            let n_dims = r.u32(&name)? as usize;
            if n_dims > 4 {
                return Err(r.corrupt(format!("tensor `{name}` has {n_dims} dimensions")));
            }
            let mut dims = Vec::with_capacity(n_dims);
            for _ in 0..n_dims {
                dims.push(r.len(&name)?);
            }
            let kind = GgmlType::from_id(r.u32(&name)?);
            let rel = r.u64(&name)? as usize;
            infos.push((name, dims, kind, rel));
        }
        let align = metadata.get("general.alignment").and_then(Value::as_u64).unwrap_or(32) as usize;
        if align == 0 || !align.is_power_of_two() {
            return Err(r.corrupt(format!("general.alignment {align} is not a power of two")));
        }
        let base = r.pos.div_ceil(align) * align;
        let mut tensors = BTreeMap::new();
        for (name, dims, kind, rel) in infos {
            let info = TensorInfo { dims, kind, offset: base + rel };
            if let Ok(k) = info.kind {
                let (per, bytes) = k.block();
                let numel = info.numel();
                let size = numel.div_ceil(per) * bytes;
                if !numel.is_multiple_of(per) || info.offset.checked_add(size).is_none_or(|e| e > data.len()) {
                    return Err(GgufError::Corrupt {
                        path: path.to_path_buf(),
                        offset: info.offset,
                        what: format!("tensor `{name}` data ({size} bytes) does not fit the file"),
                    });
                }
            }
            tensors.insert(name, info);
        }
        Ok(GgufFile { path: path.to_path_buf(), version, metadata, tensors, data })
    }

    /// A file with metadata only (no tensors); for building tokenizers in tests.
    pub fn from_metadata(path: PathBuf, metadata: BTreeMap<String, Value>) -> GgufFile {
        GgufFile { path, version: 3, metadata, tensors: BTreeMap::new(), data: Vec::new() }
    }

    pub fn meta(&self, key: &str) -> Option<&Value> {
        self.metadata.get(key)
    }

    /// A required metadata value, or an error naming the key.
    pub fn require(&self, key: &str) -> Result<&Value, GgufError> {
        self.meta(key).ok_or_else(|| GgufError::Metadata { path: self.path.clone(), key: key.into() })
    }

    pub fn require_u64(&self, key: &str) -> Result<u64, GgufError> {
        self.require(key)?.as_u64().ok_or_else(|| GgufError::Metadata { path: self.path.clone(), key: key.into() })
    }

    pub fn require_f64(&self, key: &str) -> Result<f64, GgufError> {
        self.require(key)?.as_f64().ok_or_else(|| GgufError::Metadata { path: self.path.clone(), key: key.into() })
    }

    /// Tensor `name` as stored: row-major (PyTorch) shape, element type and bytes.
    pub fn tensor_raw(&self, name: &str) -> Result<(Vec<usize>, GgmlType, &[u8]), GgufError> {
        let info = self.tensors.get(name).ok_or_else(|| GgufError::MissingTensor { path: self.path.clone(), tensor: name.into() })?;
        let kind = info.kind.clone().map_err(|kind| GgufError::UnsupportedType { path: self.path.clone(), tensor: name.into(), kind })?;
        let (per, bytes) = kind.block();
        Ok((info.shape(), kind, &self.data[info.offset..info.offset + info.numel() / per * bytes]))
    }

    /// Dequantize tensor `name` to f32 in row-major (PyTorch) order; returns (shape, data).
    pub fn tensor_f32(&self, name: &str) -> Result<(Vec<usize>, Vec<f32>), GgufError> {
        let (shape, kind, raw) = self.tensor_raw(name)?;
        let numel = shape.iter().product();
        Ok((shape, dequantize(kind, raw, numel)))
    }
}

/// Dequantize `numel` values of type `kind` from `raw`.
pub fn dequantize(kind: GgmlType, raw: &[u8], numel: usize) -> Vec<f32> {
    let mut out = Vec::with_capacity(numel);
    let h = |b: &[u8]| f16::from_le_bytes([b[0], b[1]]).to_f32();
    match kind {
        GgmlType::F32 => out.extend(raw.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))),
        GgmlType::F16 => out.extend(raw.chunks_exact(2).map(h)),
        GgmlType::Bf16 => out.extend(raw.chunks_exact(2).map(|c| bf16::from_le_bytes([c[0], c[1]]).to_f32())),
        GgmlType::Q8_0 => {
            for blk in raw.chunks_exact(34) {
                let d = h(&blk[0..2]);
                out.extend(blk[2..34].iter().map(|&q| q as i8 as f32 * d));
            }
        }
        GgmlType::Q4_0 => {
            for blk in raw.chunks_exact(18) {
                let d = h(&blk[0..2]);
                let qs = &blk[2..18];
                out.extend(qs.iter().map(|&q| ((q & 0x0F) as i32 - 8) as f32 * d));
                out.extend(qs.iter().map(|&q| ((q >> 4) as i32 - 8) as f32 * d));
            }
        }
        GgmlType::Q4_1 => {
            for blk in raw.chunks_exact(20) {
                let d = h(&blk[0..2]);
                let m = h(&blk[2..4]);
                let qs = &blk[4..20];
                out.extend(qs.iter().map(|&q| (q & 0x0F) as f32 * d + m));
                out.extend(qs.iter().map(|&q| (q >> 4) as f32 * d + m));
            }
        }
    }
    out
}

/// Undo llama.cpp's rotary row permutation of attn_q / attn_k (`convert_hf_to_gguf.py`
/// interleaves the two rotary halves of every head) so the weight fits a rotate-half
/// (Hugging Face) attention. `rows` = n_heads * head_dim, `cols` = input width.
pub fn unpermute_rotary(data: &[f32], n_heads: usize, rows: usize, cols: usize) -> Vec<f32> {
    let head_dim = rows / n_heads;
    let half = head_dim / 2;
    let mut out = vec![0.0; data.len()];
    for h in 0..n_heads {
        for j in 0..half {
            for s in 0..2 {
                let src = h * head_dim + 2 * j + s;
                let dst = h * head_dim + s * half + j;
                out[dst * cols..(dst + 1) * cols].copy_from_slice(&data[src * cols..(src + 1) * cols]);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put_str(b: &mut Vec<u8>, s: &str) {
        b.extend((s.len() as u64).to_le_bytes());
        b.extend(s.as_bytes());
    }

    /// A small GGUF with one Q4_1, one Q8_0 and one F16 tensor, built by hand.
    fn tiny_file() -> Vec<u8> {
        let mut b = b"GGUF".to_vec();
        b.extend(3u32.to_le_bytes());
        b.extend(3u64.to_le_bytes()); // tensors
        b.extend(2u64.to_le_bytes()); // kv
        put_str(&mut b, "general.architecture");
        b.extend(8u32.to_le_bytes());
        put_str(&mut b, "llama");
        put_str(&mut b, "tokenizer.ggml.tokens");
        b.extend(9u32.to_le_bytes());
        b.extend(8u32.to_le_bytes());
        b.extend(2u64.to_le_bytes());
        put_str(&mut b, "a");
        put_str(&mut b, "b");
        let mut off = 0u64;
        for (name, ty, size) in [("q41", 3u32, 20u64), ("q80", 8, 34), ("f16", 1, 64)] {
            put_str(&mut b, name);
            b.extend(1u32.to_le_bytes());
            b.extend(32u64.to_le_bytes());
            b.extend(ty.to_le_bytes());
            b.extend(off.to_le_bytes());
            off += size.div_ceil(32) * 32;
        }
        while !b.len().is_multiple_of(32) {
            b.push(0);
        }
        // Q4_1: d = 0.5, m = -1, nibbles 0..15 low, 15..0 high
        let mut blk = Vec::new();
        blk.extend(f16::from_f32(0.5).to_le_bytes());
        blk.extend(f16::from_f32(-1.0).to_le_bytes());
        for j in 0..16u8 {
            blk.push(j | ((15 - j) << 4));
        }
        blk.resize(32, 0);
        b.extend(&blk);
        let mut blk = Vec::new();
        blk.extend(f16::from_f32(0.25).to_le_bytes());
        for j in 0..32i8 {
            blk.push((j - 16) as u8);
        }
        blk.resize(64, 0);
        b.extend(&blk);
        for j in 0..32 {
            b.extend(f16::from_f32(j as f32 * 0.5).to_le_bytes());
        }
        b
    }

    #[test]
    fn parses_metadata_and_dequantizes() {
        let g = GgufFile::parse(Path::new("t.gguf"), tiny_file()).unwrap();
        assert_eq!(g.meta("general.architecture").and_then(Value::as_str), Some("llama"));
        assert_eq!(g.meta("tokenizer.ggml.tokens").and_then(Value::as_array).map(|a| a.len()), Some(2));
        let (shape, q41) = g.tensor_f32("q41").unwrap();
        assert_eq!(shape, vec![32]);
        assert_eq!(q41[0], -1.0);
        assert_eq!(q41[15], 15.0 * 0.5 - 1.0);
        assert_eq!(q41[16], 15.0 * 0.5 - 1.0);
        assert_eq!(q41[31], -1.0);
        let (_, q80) = g.tensor_f32("q80").unwrap();
        assert_eq!(q80[0], -16.0 * 0.25);
        assert_eq!(q80[31], 15.0 * 0.25);
        let (_, f) = g.tensor_f32("f16").unwrap();
        assert_eq!(f[7], 3.5);
    }

    #[test]
    fn truncation_and_garbage_are_errors_not_panics() {
        let full = tiny_file();
        for cut in [0, 3, 10, 30, 60, 100, full.len() - 1] {
            assert!(GgufFile::parse(Path::new("t.gguf"), full[..cut].to_vec()).is_err(), "cut at {cut}");
        }
        let mut bad = full.clone();
        bad[0] = b'X';
        assert!(matches!(GgufFile::parse(Path::new("t.gguf"), bad), Err(GgufError::BadMagic { .. })));
        let e = GgufFile::parse(Path::new("t.gguf"), full).unwrap().tensor_f32("nope").unwrap_err();
        assert!(e.to_string().contains("`nope`"));
    }

    #[test]
    fn rotary_unpermute_inverts_llama_cpp_permutation() {
        // llama.cpp: reshape(n_head, 2, hd/2, cols).swapaxes(1, 2)
        let (n_heads, hd, cols) = (2, 4, 3);
        let hf: Vec<f32> = (0..n_heads * hd * cols).map(|x| x as f32).collect();
        let mut permuted = vec![0.0; hf.len()];
        for h in 0..n_heads {
            for s in 0..2 {
                for j in 0..hd / 2 {
                    let src = h * hd + s * (hd / 2) + j;
                    let dst = h * hd + j * 2 + s;
                    permuted[dst * cols..(dst + 1) * cols].copy_from_slice(&hf[src * cols..(src + 1) * cols]);
                }
            }
        }
        assert_eq!(unpermute_rotary(&permuted, n_heads, n_heads * hd, cols), hf);
    }
}
