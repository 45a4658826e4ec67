//! The one place daemon errors become JSON-RPC errors, with the stable codes of
//! `rlvr_client::errors`.

use jsonrpsee::types::ErrorObjectOwned;
use rlvr_client::errors::{INTERNAL, INVALID_REQUEST_STATE, NOT_FOUND, SHUTTING_DOWN};

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
    let code = match &e {
        EngineError::InvalidParams(_) => jsonrpsee::types::error::INVALID_PARAMS_CODE,
        EngineError::NotFound(_) => NOT_FOUND,
        EngineError::Stopped => SHUTTING_DOWN,
        EngineError::NotLoaded(_) | EngineError::Busy(_) | EngineError::NoTraining(_) => INVALID_REQUEST_STATE,
        EngineError::Failed(_) => INTERNAL,
    };
    err(code, e.to_string())
}
