//! Stable JSON-RPC error codes of rlvrd (the -32000..-32099 "server error" range).
//!
//! Clients match on these numbers, so they never change meaning once released.

/// The request carried no bearer token or the wrong one.
pub const UNAUTHORIZED: i32 = -32001;
/// The request came through a browser (an `Origin` header) or named a `Host` that is
/// not this daemon's (DNS rebinding), and the config does not allow it.
pub const FORBIDDEN: i32 = -32003;
/// The daemon is shutting down and no longer takes this kind of request.
pub const SHUTTING_DOWN: i32 = -32002;
/// A named object (task, checkpoint, adapter) does not exist.
pub const NOT_FOUND: i32 = -32004;
/// The request is well-formed JSON-RPC but asks for something invalid in this state.
pub const INVALID_REQUEST_STATE: i32 = -32009;
/// The daemon failed internally while serving the request (details in the message).
pub const INTERNAL: i32 = -32010;

/// JSON-RPC's own "invalid params": a value out of range (HTTP 400 on the editor endpoints).
pub const INVALID_PARAMS: i32 = -32602;
