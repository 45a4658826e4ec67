//! rlvrd's CPU inference path, kept in its own crate so it is compiled optimized in
//! every profile (the daemon crate builds at opt-level 1 for fast test cycles; SIMD
//! kernels are useless unoptimized). No burn here: plain slices, the compact weight
//! formats and the kernels.
//!
//! - [`qmatrix`]: weight matrices in GGUF block formats (Q4_0 / Q4_1 / Q8_0) or f32.
//! - [`kernels`]: the matrix product, SIMD chosen at run time, over the rayon pool.
//! - [`decoder`]: the network, KV caches and the LoRA adapter's low-rank path.

pub mod decoder;
pub mod kernels;
pub mod qmatrix;

pub use decoder::{Adapters, CpuModel, KvBlock, Layer, LoraHost, SeqCache, Shape, Workspace, PROJ_SLOTS};
pub use qmatrix::{Format, QMatrix, QMatrixError};
