//! Precis turns news articles into sentences with exact offsets, extractive
//! summaries, and segment packages ready for machine or human translation.
//!
//! The pipeline is pure and synchronous: [`text`] splits an article into
//! sentences (byte spans into the original, with code point and UTF-16
//! offsets) and classifies headline, metadata and body; [`summarize`] scores
//! every sentence (TF-IDF centroid similarity, news position prior, title
//! overlap, length) and selects a budgeted, redundancy-free summary;
//! [`translate`] turns sentences into translation segments with stable ids,
//! placeholders and batches. [`engine`] validates a request once and runs
//! the stages; [`interrupt`] lets a transport stop them between stages when
//! the caller's deadline passes or the caller cancels. Two thin transports sit on top: [`server`] (gRPC, tonic) and
//! [`cli`] (JSON Lines); both print the messages of [`api`].
//!
//! ```
//! use precis::engine::{Engine, Request};
//!
//! let engine = Engine::default();
//! let request = Request {
//!     text: "Trade grew 5% in 2025. Energy deals followed. Mr. Kao was pleased.".into(),
//!     ..Request::default()
//! };
//! let validated = engine.validate(&request).unwrap();
//! let processed = engine.process(&validated).unwrap();
//! assert_eq!(processed.segmentation.sentences.len(), 3);
//! assert_eq!(processed.package.segments[0].protected_text, "Trade grew {1} in {2}.");
//! ```

pub mod api;
pub mod cli;
pub mod engine;
pub mod error;
pub mod interrupt;
pub mod server;
pub mod summarize;
pub mod text;
pub mod translate;
