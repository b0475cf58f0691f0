//! The one place core errors become gRPC statuses.

use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

use crate::error::Error;

/// INVALID_ARGUMENT / RESOURCE_EXHAUSTED with a `google.rpc.BadRequest`
/// field violation naming the field.
pub fn from_error(error: &Error) -> Status {
    let code = match error {
        Error::InvalidArgument { .. } => Code::InvalidArgument,
        Error::LimitExceeded { .. } => Code::ResourceExhausted,
    };
    let reason = match error {
        Error::InvalidArgument { reason, .. } | Error::LimitExceeded { reason, .. } => {
            reason.clone()
        }
    };
    Status::with_error_details(
        code,
        error.to_string(),
        ErrorDetails::with_bad_request_violation(error.field(), reason),
    )
}

/// The server is at its concurrency limit.
pub fn overloaded(limit: usize) -> Status {
    Status::resource_exhausted(format!(
        "server is at its limit of {limit} concurrent requests; retry with backoff"
    ))
}

/// A worker thread panicked: log the detail, send a generic message.
pub fn internal(detail: &str) -> Status {
    tracing::error!(detail, "request failed inside the engine");
    Status::internal("internal error while processing the request")
}
