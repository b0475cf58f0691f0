//! Translation packages: segments with stable ids, hashes, counts and typed
//! placeholders; renditions for engines and CAT tools (plain tokens, HTML,
//! XLIFF 2.1); batches sized for an engine profile; and assembly of the
//! translated document.

/// Appends string and number pieces to a `String`: `write!` without the
/// formatting machinery, for markup and keys built for every segment (each
/// `write!` of a placeholder's tag cost ~10x the bytes it wrote). Defined
/// before the modules, which see it by textual scope.
macro_rules! push {
    ($out:expr, $($piece:expr),+ $(,)?) => {{
        let out: &mut String = $out;
        $( $crate::translate::Piece::push_to(&$piece, out); )+
    }};
}

/// A piece [`push!`] appends: text as it is, a number in decimal.
pub(crate) trait Piece {
    fn push_to(&self, out: &mut String);
}

impl Piece for &str {
    fn push_to(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl Piece for usize {
    fn push_to(&self, out: &mut String) {
        out.push_str(itoa::Buffer::new().format(*self));
    }
}

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

#[cfg(test)]
mod tests {
    #[test]
    fn push_writes_what_write_does() {
        use std::fmt::Write;
        for n in [0, 7, 10, 99, 12_345, usize::MAX] {
            let mut pushed = String::from("<");
            push!(&mut pushed, "ph id=\"", n, "\" d", n, "/>");
            let mut written = String::from("<");
            write!(written, "ph id=\"{n}\" d{n}/>").unwrap();
            assert_eq!(pushed, written);
        }
    }
}
