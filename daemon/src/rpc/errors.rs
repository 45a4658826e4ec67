//! The one place daemon errors become JSON-RPC errors, with the stable codes of
//! `rlvr_client::errors`.

use jsonrpsee::types::ErrorObjectOwned;
use rlvr_client::errors::{INVALID_REQUEST_STATE, NOT_FOUND};

use crate::engine::EngineError;

fn err(code: i32, msg: impl Into<String>) -> ErrorObjectOwned {
    ErrorObjectOwned::owned(code, msg.into(), None::<()>)
}

pub fn not_found(msg: impl Into<String>) -> ErrorObjectOwned {
    err(NOT_FOUND, msg)
}

pub fn invalid(msg: impl Into<String>) -> ErrorObjectOwned {
    err(INVALID_REQUEST_STATE, msg)
}

/// JSON-RPC's own "invalid params" (-32602): the caller sent a value out of range.
pub fn invalid_params(msg: impl Into<String>) -> ErrorObjectOwned {
    err(jsonrpsee::types::error::INVALID_PARAMS_CODE, msg)
}

pub fn engine_err(e: EngineError) -> ErrorObjectOwned {
    err(e.code(), e.to_string())
}
