//! Translation packages: segments with stable ids, hashes, counts and typed
//! placeholders; renditions for engines and CAT tools (plain tokens, HTML,
//! XLIFF 2.1); batches sized for an engine profile; and assembly of the
//! translated document.

pub mod assemble;
pub mod engines;
pub mod package;
pub mod protect;
pub mod render;
pub mod xliff;

pub use assemble::{SegmentError, Translation, TranslationStyle, assemble};
pub use engines::{EngineProfile, EngineTarget};
pub use package::{
    Batch, BatchLimits, Counts, Format, Package, PackageOptions, Scope, TranslationSegment,
};
pub use protect::{
    ContentType, GlossaryEntry, MarkupRole, Placeholder, PlaceholderKind, Protector,
};
