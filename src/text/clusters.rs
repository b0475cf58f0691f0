//! Grapheme clusters of Thai, Lao, Myanmar and Khmer text without a
//! segmenter. In these scripts a cluster is a letter and the marks after
//! it (UAX#29 GB9, GB9a: Grapheme_Cluster_Break Extend and SpacingMark),
//! and in Myanmar and Khmer also the consonants stacked under it across a
//! virama or coeng (GB9c, Indic_Conjunct_Break); no character of theirs is
//! Prepend. The classes below are derived in the tests, for every code
//! point of the blocks, from both segmenters Precis answers to:
//! unicode-segmentation (a segment's grapheme count) and ICU4X (the
//! cluster boundaries its dictionary matches must end on).

/// Whether UAX#29 joins `c` to the character before it: the marks
/// (Extend and SpacingMark) of the Thai, Lao, Myanmar (with Extended-A and
/// -B) and Khmer blocks.
pub const fn is_joining_mark(c: char) -> bool {
    if c < '\u{1000}' {
        return is_thai_or_lao_mark(c);
    }
    matches!(c,
        // Myanmar
        '\u{102D}'..='\u{1037}' | '\u{1039}'..='\u{103E}' | '\u{1056}'..='\u{1059}'
        | '\u{105E}'..='\u{1060}' | '\u{1071}'..='\u{1074}' | '\u{1082}'
        | '\u{1084}'..='\u{1086}' | '\u{108D}' | '\u{109D}' | '\u{A9E5}' | '\u{AA7C}'
        // Khmer
        | '\u{17B4}'..='\u{17D3}' | '\u{17DD}'
    )
}

/// [`is_joining_mark`] in Thai and Lao: Thai's three ranges first, so
/// that Thai text pays what it paid for them alone.
pub const fn is_thai_or_lao_mark(c: char) -> bool {
    is_thai_mark(c) || (c > '\u{E7F}' && is_lao_mark(c))
}

/// The Thai characters that continue the grapheme cluster before them
/// (Extend and SpacingMark): the word walk's dictionary matches cannot end
/// before one.
pub const fn is_thai_mark(c: char) -> bool {
    matches!(c, '\u{E31}' | '\u{E33}'..='\u{E3A}' | '\u{E47}'..='\u{E4E}')
}

/// The Lao characters that continue the grapheme cluster before them.
pub const fn is_lao_mark(c: char) -> bool {
    matches!(c, '\u{EB1}' | '\u{EB3}'..='\u{EBC}' | '\u{EC8}'..='\u{ECE}')
}

/// Indic_Conjunct_Break of these blocks (GB9c joins a consonant to the
/// cluster of a consonant before it across a linker): Myanmar's and
/// Khmer's consonants, ...
const fn is_conjunct_consonant(c: char) -> bool {
    matches!(c,
        '\u{1000}'..='\u{102A}' | '\u{103F}' | '\u{1050}'..='\u{1055}' | '\u{105A}'..='\u{105D}'
        | '\u{1061}' | '\u{1065}' | '\u{1066}' | '\u{106E}'..='\u{1070}' | '\u{1075}'..='\u{1081}'
        | '\u{108E}' | '\u{A9E0}'..='\u{A9E4}' | '\u{A9E7}'..='\u{A9EF}' | '\u{A9FA}'..='\u{A9FE}'
        | '\u{AA60}'..='\u{AA6F}' | '\u{AA71}'..='\u{AA73}' | '\u{AA7A}' | '\u{AA7E}' | '\u{AA7F}'
        | '\u{1780}'..='\u{17B3}'
    )
}

/// ... their linkers, Myanmar's virama and Khmer's coeng, ...
const fn is_conjunct_linker(c: char) -> bool {
    matches!(c, '\u{1039}' | '\u{17D2}')
}

/// ... and the marks that may stand between (InCB=Extend; the linkers are
/// among them).
const fn is_conjunct_extend(c: char) -> bool {
    matches!(c,
        '\u{E31}' | '\u{E34}'..='\u{E3A}' | '\u{E47}'..='\u{E4E}' | '\u{EB1}' | '\u{EB4}'..='\u{EBC}'
        | '\u{EC8}'..='\u{ECE}' | '\u{102D}'..='\u{1030}' | '\u{1032}'..='\u{1037}'
        | '\u{1039}' | '\u{103A}' | '\u{103D}' | '\u{103E}' | '\u{1058}' | '\u{1059}'
        | '\u{105E}'..='\u{1060}' | '\u{1071}'..='\u{1074}' | '\u{1082}' | '\u{1085}' | '\u{1086}'
        | '\u{108D}' | '\u{109D}' | '\u{A9E5}' | '\u{AA7C}' | '\u{17B4}' | '\u{17B5}'
        | '\u{17B7}'..='\u{17BD}' | '\u{17C6}' | '\u{17C9}'..='\u{17D3}' | '\u{17DD}'
    )
}

/// Where a text stands in GB9c's pattern, read a character at a time.
#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub enum Conjunct {
    #[default]
    None,
    /// After a consonant (and InCB=Extend marks), before any linker.
    Consonant,
    /// After a consonant and a linker: a consonant here joins.
    Linked,
}

impl Conjunct {
    /// Whether `c`, after the text read so far, starts no cluster (a
    /// joining mark, or a consonant of a conjunct; after a control
    /// character a mark starts one all the same, GB4), and the state after
    /// it.
    pub fn read(self, c: char) -> (bool, Conjunct) {
        let class = Class::of(c);
        let consonant = class.has(Class::CONSONANT);
        let joins = class.has(Class::MARK) || (consonant && self == Conjunct::Linked);
        let next = if consonant {
            Conjunct::Consonant
        } else if self == Conjunct::None || !class.has(Class::EXTEND) {
            Conjunct::None
        } else if class.has(Class::LINKER) {
            Conjunct::Linked
        } else {
            self
        };
        (joins, next)
    }
}

/// The classes of a character above, as bits: what [`Conjunct::read`]
/// asks of each character, in one load for the Myanmar and Khmer blocks
/// (the range tests are a chain of comparisons, Myanmar's first: ~25
/// instructions a Khmer character).
#[derive(Clone, Copy)]
struct Class(u8);

impl Class {
    const MARK: u8 = 1;
    const CONSONANT: u8 = 2;
    const LINKER: u8 = 4;
    const EXTEND: u8 = 8;

    const fn compute(c: char) -> Class {
        let mut bits = 0;
        if is_joining_mark(c) {
            bits |= Class::MARK;
        }
        if is_conjunct_consonant(c) {
            bits |= Class::CONSONANT;
        }
        if is_conjunct_linker(c) {
            bits |= Class::LINKER;
        }
        if is_conjunct_extend(c) {
            bits |= Class::EXTEND;
        }
        Class(bits)
    }

    /// The classes of each character of a block from `first`.
    const fn block<const N: usize>(first: u32) -> [Class; N] {
        let mut classes = [Class(0); N];
        let mut i = 0;
        while i < N {
            if let Some(c) = char::from_u32(first + i as u32) {
                classes[i] = Class::compute(c);
            }
            i += 1;
        }
        classes
    }

    fn of(c: char) -> Class {
        const MYANMAR: [Class; 0xA0] = Class::block(0x1000);
        const KHMER: [Class; 0x80] = Class::block(0x1780);
        match c as u32 {
            code @ 0x1000..=0x109F => MYANMAR[(code - 0x1000) as usize],
            code @ 0x1780..=0x17FF => KHMER[(code - 0x1780) as usize],
            _ => Class::compute(c),
        }
    }

    fn has(self, bit: u8) -> bool {
        self.0 & bit != 0
    }
}

/// The cluster boundaries of `run`, a text of these scripts' letters and
/// marks alone (no control character), from 0 to its length: what ICU4X's
/// grapheme segmenter gives for it.
pub fn boundaries(run: &str) -> Vec<usize> {
    let mut boundaries = Vec::with_capacity(run.len() / 3 + 1);
    let mut conjunct = Conjunct::None;
    for (at, c) in run.char_indices() {
        let joins;
        (joins, conjunct) = conjunct.read(c);
        if !joins || at == 0 {
            boundaries.push(at);
        }
    }
    boundaries.push(run.len());
    boundaries
}

#[cfg(test)]
mod tests {
    use super::*;
    use icu_segmenter::GraphemeClusterSegmenter;
    use unicode_segmentation::UnicodeSegmentation;

    const BLOCKS: [std::ops::RangeInclusive<char>; 6] = [
        '\u{E00}'..='\u{E7F}',
        '\u{E80}'..='\u{EFF}',
        '\u{1000}'..='\u{109F}',
        '\u{A9E0}'..='\u{A9FF}',
        '\u{AA60}'..='\u{AA7F}',
        '\u{1780}'..='\u{17FF}',
    ];

    /// The five classes, as each segmenter has them, for every code point
    /// of the blocks: a mark joins a letter; a linker joins two Myanmar
    /// consonants; a consonant joins a consonant and virama; an InCB=Extend
    /// mark keeps a conjunct open before and after the linker; nothing
    /// joins the character after it.
    #[test]
    fn the_classes_are_those_of_both_segmenters() {
        let icu = GraphemeClusterSegmenter::new();
        // Whether a text is one cluster, by each segmenter.
        type OneCluster<'a> = &'a dyn Fn(&str) -> bool;
        let segmenters: [(&str, OneCluster); 2] = [
            ("unicode-segmentation", &|text| {
                text.graphemes(true).count() == 1
            }),
            ("ICU4X", &|text| icu.segment_str(text).count() == 2),
        ];
        for (name, one) in segmenters {
            let mut marks = 0;
            for c in BLOCKS.iter().cloned().flatten() {
                let joins = one(&format!("a{c}"));
                marks += usize::from(joins);
                assert_eq!(is_joining_mark(c), joins, "{name} {c:?}");
                assert!(!one(&format!("{c}a")), "{name} {c:?} is Prepend");
                assert_eq!(
                    is_conjunct_linker(c),
                    one(&format!("က{c}က")),
                    "{name} {c:?}"
                );
                assert_eq!(
                    is_conjunct_consonant(c),
                    !joins && one(&format!("က\u{1039}{c}")),
                    "{name} {c:?}"
                );
                let extend =
                    joins && one(&format!("က{c}\u{1039}က")) && one(&format!("က\u{1039}{c}က"));
                assert_eq!(is_conjunct_extend(c), extend, "{name} {c:?}");
            }
            assert_eq!(marks, 17 + 18 + 34 + 1 + 1 + 33, "{name}");
        }
    }

    /// The tables hold each character's classes at its own place.
    #[test]
    fn the_class_tables_are_the_classes() {
        for c in BLOCKS.iter().cloned().flatten() {
            let expected = [
                is_joining_mark(c),
                is_conjunct_consonant(c),
                is_conjunct_linker(c),
                is_conjunct_extend(c),
            ];
            let class = Class::of(c);
            let found = [Class::MARK, Class::CONSONANT, Class::LINKER, Class::EXTEND]
                .map(|bit| class.has(bit));
            assert_eq!(found, expected, "{c:?}");
        }
    }

    /// ICU4X's boundaries of every run of three Khmer characters and of
    /// two Myanmar ones, and of three where the middle one is a mark.
    #[test]
    fn boundaries_are_icu4x_boundaries() {
        let icu = GraphemeClusterSegmenter::new();
        let check = |run: &str| {
            let expected: Vec<usize> = icu.segment_str(run).collect();
            assert_eq!(boundaries(run), expected, "{run:?}");
        };
        let khmer: Vec<char> = ('\u{1780}'..='\u{17D3}')
            .chain(['\u{17D7}', '\u{17DC}', '\u{17DD}'])
            .collect();
        for &a in &khmer {
            for &b in &khmer {
                for &c in &khmer {
                    check(&format!("{a}{b}{c}"));
                }
            }
        }
        let myanmar: Vec<char> = BLOCKS[2..5].iter().cloned().flatten().collect();
        for &a in &myanmar {
            for &b in &myanmar {
                check(&format!("{a}{b}"));
                if is_joining_mark(b) {
                    for &c in &myanmar {
                        check(&format!("{a}{b}{c}"));
                    }
                }
            }
        }
        check("");
    }

    proptest::proptest! {
        /// Runs of Myanmar and Khmer consonants, linkers and marks, stacked
        /// deeper than three characters, against both segmenters.
        #[test]
        fn conjunct_runs_are_clustered_as_segmented(
            run in "([ကခငတမယရသ]|္|်|[ါာိီုူေဲံ့းျြွှ]|\u{AA7C}|[កខងតមយរស]|្|[ាិីុូេែោំះ៉៊់])*",
        ) {
            let icu: Vec<usize> = GraphemeClusterSegmenter::new().segment_str(&run).collect();
            proptest::prop_assert_eq!(boundaries(&run), icu);
            proptest::prop_assert_eq!(boundaries(&run).len() - 1, run.graphemes(true).count());
        }
    }
}
