//! The public API types (`precis.v1`, generated from `proto/`) and their
//! mapping to and from the core. Shared by both transports: the gRPC server
//! sends these messages, the JSONL CLI prints them as JSON, so the two give
//! identical results.

pub mod codec;
pub mod convert;
mod wire;

/// Generated protobuf types and the client/server stubs.
pub mod pb {
    // Generated code: ProcessStreamResponse's oneof holds a whole
    // ProcessResponse next to a small ItemError.
    #![allow(clippy::large_enum_variant)]
    tonic::include_proto!("precis.v1");

    /// Encoded descriptor set of `precis.v1`, for server reflection.
    pub const FILE_DESCRIPTOR_SET: &[u8] =
        include_bytes!(concat!(env!("OUT_DIR"), "/precis_descriptor.bin"));
}
