//! The core's one error type. Transports map it to their own form in exactly
//! one place each (`server::status` for gRPC, `cli` for JSONL).

/// Why a request was refused. Validation happens once, before any work.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A field has an invalid value.
    #[error("invalid {field}: {reason}")]
    InvalidArgument { field: String, reason: String },
    /// A field is over a configured limit.
    #[error("{field} over limit: {reason}")]
    LimitExceeded { field: String, reason: String },
    /// The caller's deadline passed or the caller cancelled; the engine
    /// stopped before `stage` (see `interrupt::Interrupt`).
    #[error("stopped before {stage}: {}", cause.as_str())]
    Interrupted {
        cause: crate::interrupt::Interruption,
        stage: &'static str,
    },
}

impl Error {
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Error {
        Error::InvalidArgument {
            field: field.into(),
            reason: reason.into(),
        }
    }

    pub fn limit(field: impl Into<String>, reason: impl Into<String>) -> Error {
        Error::LimitExceeded {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// The request field at fault.
    pub fn field(&self) -> &str {
        match self {
            Error::InvalidArgument { field, .. } | Error::LimitExceeded { field, .. } => field,
            Error::Interrupted { .. } => "",
        }
    }

    /// The gRPC status code name for this error, used by both transports.
    pub fn code_name(&self) -> &'static str {
        match self {
            Error::InvalidArgument { .. } => "INVALID_ARGUMENT",
            Error::LimitExceeded { .. } => "RESOURCE_EXHAUSTED",
            Error::Interrupted { cause, .. } => match cause {
                crate::interrupt::Interruption::DeadlineExceeded => "DEADLINE_EXCEEDED",
                crate::interrupt::Interruption::Cancelled => "CANCELLED",
            },
        }
    }
}
