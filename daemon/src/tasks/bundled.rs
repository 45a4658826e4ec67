//! Data shipped with rlvrd itself. MBPP (CC BY 4.0, `examples/data/mbpp/README.md`) is
//! compiled into the binary so that `rlvrd verify` and `rlvrd bench verify` work from any
//! directory, an installed binary included, with no file beside them.

/// Where the bundled `mbpp.jsonl` lives in the repository (used in messages).
pub const MBPP_JSONL_NAME: &str = "examples/data/mbpp/mbpp.jsonl (bundled)";

/// MBPP's `mbpp.jsonl`, byte for byte: 974 tasks, one JSON object per line.
pub const MBPP_JSONL: &str = include_str!("../../../examples/data/mbpp/mbpp.jsonl");
