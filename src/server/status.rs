//! The one place core errors become gRPC statuses.

use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

use crate::error::Error;
use crate::interrupt::Interruption;

/// INVALID_ARGUMENT / RESOURCE_EXHAUSTED with a `google.rpc.BadRequest`
/// field violation naming the field.
/// An interrupted request (deadline or cancellation) becomes
/// DEADLINE_EXCEEDED / CANCELLED without details.
pub fn from_error(error: &Error) -> Status {
    let code = match error {
        Error::InvalidArgument { .. } => Code::InvalidArgument,
        Error::LimitExceeded { .. } => Code::ResourceExhausted,
        Error::Interrupted { cause, .. } => {
            return match cause {
                Interruption::DeadlineExceeded => deadline_exceeded(),
                Interruption::Cancelled => Status::cancelled(error.to_string()),
            };
        }
    };
    let reason = match error {
        Error::InvalidArgument { reason, .. } | Error::LimitExceeded { reason, .. } => {
            reason.clone()
        }
        Error::Interrupted { .. } => String::new(),
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

/// The request's deadline (the client's `grpc-timeout` or the server's
/// `--request-timeout-ms`, whichever is sooner) passed before the work was done.
pub fn deadline_exceeded() -> Status {
    Status::deadline_exceeded(
        "deadline exceeded before the request was processed; the work was stopped",
    )
}

/// The server is draining and takes no new work.
pub fn shutting_down() -> Status {
    Status::unavailable("server is shutting down; retry on another instance")
}
