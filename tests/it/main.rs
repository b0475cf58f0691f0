//! Integration tests: one test binary (faster to build than many). Each
//! module covers one surface; `support` starts a real server on
//! 127.0.0.1:0 and connects the generated client.

mod cli;
mod deploy;
mod grpc;
mod pipeline;
mod properties;
mod reliability;
mod segmentation;
mod summaries;
mod support;
mod translation;
