//! Translation packages: segments with stable ids, placeholders and counts,
//! grouped into batches that respect an engine's limits.

pub mod package;
pub mod protect;

pub use package::{Batch, BatchLimits, Counts, Package, PackageOptions, Scope, TranslationSegment};
pub use protect::{Placeholder, PlaceholderKind};
