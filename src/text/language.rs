//! Languages: BCP-47 hint normalisation, detection, and the per-language data
//! (abbreviations, sentence starters, months, terminators) the splitter uses.
//!
//! The word lists live in `data/lang/*.txt`, compiled in with `include_str!`,
//! so adding an abbreviation never touches code. Format: `[section]` headers,
//! one entry per line, `#` comments. Sections: `title` (never sentence-final:
//! "Mr", "Dr"), `number` (abbreviations only before a number: "No", "Jan"), `final` (often ends
//! a sentence: "etc", "Inc"), `general` (other abbreviations: "U.S", "e.g"),
//! `starters` (words that begin sentences after an abbreviation: "The"),
//! `months` (for ordinal dots: "3. Oktober"), `continuers` (text that never
//! opens a sentence after a full stop: "№" in "2012 г. № 5"), `options`
//! (`ordinal_dot`, `colon_terminator`, `semicolon_question`, `lowercase_starts`,
//! `attributed_quotes`),
//! `space_model` (`feature weight` lines of the Thai/Lao space model, see
//! [`crate::text::space_breaks`]).

use rustc_hash::FxHashSet;
use std::sync::OnceLock;

use crate::text::char_props;
use crate::text::space_breaks::SpaceModel;

/// A supported language and how Precis handles it.
#[derive(Debug, Clone, Copy)]
pub struct LanguageInfo {
    pub code: &'static str,
    pub name: &'static str,
    pub word_segmentation: &'static str,
    pub stemming: bool,
}

/// Languages with tuned data (others get the generic rules).
pub const SUPPORTED: &[LanguageInfo] = &[
    lang("en", "English", "uax29", true),
    lang("zh", "Chinese", "cjk-bigram", false),
    lang("ja", "Japanese", "cjk-bigram", false),
    lang("vi", "Vietnamese", "syllable-bigram", false),
    lang("th", "Thai", "cjk-bigram", false),
    lang("id", "Indonesian", "uax29", false),
    lang("ms", "Malay", "uax29", false),
    lang("fil", "Filipino", "uax29", false),
    lang("km", "Khmer", "cjk-bigram", false),
    lang("lo", "Lao", "cjk-bigram", false),
    lang("my", "Burmese", "cjk-bigram", false),
    lang("de", "German", "uax29", true),
    lang("fr", "French", "uax29", true),
    lang("es", "Spanish", "uax29", true),
];

const fn lang(
    code: &'static str,
    name: &'static str,
    word_segmentation: &'static str,
    stemming: bool,
) -> LanguageInfo {
    LanguageInfo {
        code,
        name,
        word_segmentation,
        stemming,
    }
}

/// Why a language hint was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidLanguageTag(pub String);

/// Normalises a BCP-47 tag to the primary language subtag Precis keys its
/// data by ("zh-Hant-TW" -> "zh", "tl" -> "fil", "in" -> "id").
pub fn normalize_tag(tag: &str) -> Result<String, InvalidLanguageTag> {
    let tag = tag.trim();
    let mut parts = tag.split(['-', '_']);
    let primary = parts.next().unwrap_or("");
    let well_formed = (2..=3).contains(&primary.len())
        && primary.chars().all(|c| c.is_ascii_alphabetic())
        && parts
            .all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()));
    if !well_formed {
        return Err(InvalidLanguageTag(tag.to_string()));
    }
    let primary = primary.to_ascii_lowercase();
    // Precis's own keys first (Filipino, Malay and Chinese group several
    // codes; "fil", its one three-letter key, skips the search of the
    // table), then ISO 639-2/3 codes to their two-letter form.
    let code = match primary.as_str() {
        "fil" | "tl" | "tgl" => "fil",
        "in" => "id",
        "zsm" | "msa" | "may" => "ms",
        "zho" | "chi" | "cmn" | "yue" => "zh",
        other => iso639_1(other).unwrap_or(other),
    };
    Ok(code.to_string())
}

/// Detects the language of `text`: the script decides for scripts used by one
/// language (Lao, Khmer, Burmese, Thai, Kana), whatlang for the rest.
pub fn detect(text: &str) -> String {
    // 1,000 code points decide the language of a news article reliably;
    // whatlang's cost grows with the sample (it was 60% of segmentation time
    // at 4,000). Most articles are decided by their first 300, when whatlang
    // calls that result reliable and confident; the rest get 1,000.
    let sample = &text[..char_offset(text, 1000)];
    if let Some(code) = detect_by_script(sample) {
        return code.to_string();
    }
    if let Some(code) = plain_latin_language(sample) {
        return code.to_string();
    }
    let short_end = char_offset(sample, SHORT_SAMPLE);
    let short = (short_end < sample.len())
        .then(|| whatlang::detect(&sample[..short_end]))
        .flatten()
        .filter(|info| info.is_reliable() && info.confidence() >= SHORT_SAMPLE_CONFIDENCE);
    // whatlang names languages by ISO 639-3 code ("eng", "cmn", "tgl").
    let code = short
        .or_else(|| whatlang::detect(sample))
        .map(|info| info.lang().code());
    match code {
        Some(code) => normalize_tag(code).unwrap_or_else(|_| "en".to_string()),
        None => "en".to_string(),
    }
}

/// The byte offset of character `n` (from 0) of `text`, or its length
/// when it has no more characters: `text.char_indices().nth(n)`'s offset,
/// from the bytes that start a character counted 32 at a time.
fn char_offset(text: &str, n: usize) -> usize {
    let bytes = text.as_bytes();
    let starts_character = |b: u8| (b as i8) >= -0x40;
    // Characters that start before `at`.
    let (mut seen, mut at) = (0, 0);
    while let Some(chunk) = bytes.get(at..at + 32) {
        let chunk: &[u8; 32] = chunk.try_into().expect("32 bytes");
        let starts = chunk.iter().filter(|&&b| starts_character(b)).count();
        if seen + starts > n {
            break;
        }
        seen += starts;
        at += 32;
    }
    for (i, &b) in bytes[at..].iter().enumerate() {
        if starts_character(b) {
            if seen == n {
                return at + i;
            }
            seen += 1;
        }
    }
    bytes.len()
}

/// English, Vietnamese, Indonesian or Filipino, when `sample` (the first
/// 1,000 code points) plainly is one of them, on one pass over its words;
/// `None` leaves the decision to whatlang, which costs ~460,000-660,000
/// instructions a call whatever the sample's length (it looks each of the
/// 11,100 trigrams of its 37 Latin-script profiles up in the sample's):
/// 7.6x an Indonesian article's whole `segment` and 20x a Filipino one's.
///
/// A sample of at least [`MARKER_MIN_WORDS`] words:
/// - English, Indonesian, Filipino: at least [`MARKER_MIN_SHARE`] of the
///   words are the language's [`MARKERS`], function words that the other
///   languages Precis meets in Latin script do not write as words, or
///   seldom ([`ENGLISH_SHARED_MARKERS`]). Measured
///   on the first 1,000 code points of the 2,741 dev texts in
///   ../shared/data (docs/PERFORMANCE.md, docs/performance-history.md):
///   English's are a median 18% of an English text's words (90% of the
///   texts reach 10%), Indonesian's 16% of an Indonesian text's (90% reach
///   10.8%), Filipino's 15% of a Filipino text's (90% reach 11.4%); any
///   other language's texts have at most 4.2%, 1.5% and 2.7% of them. No
///   detected language changed.
/// - Vietnamese: at least [`VIETNAMESE_MIN_SHARE`] of the words have a
///   letter only Vietnamese writes ([`is_vietnamese_letter`]). Measured on
///   the same texts (docs/PERFORMANCE.md): a median 45% of a Vietnamese
///   text's words (the lowest 10%), 0 in every other language; no detected
///   language changed.
///
/// A shorter one (a headline, a sentence; [`short_latin_language`]) needs
/// more than a share, as a few words can reach one by chance.
///
/// Malay has no profile in whatlang, which names Malay news Indonesian;
/// the markers do the same (a hint of `ms` keeps Malay's own data).
fn plain_latin_language(sample: &str) -> Option<&'static str> {
    let mut counts = WordCounts::default();
    for word in crate::text::uax29::words(sample) {
        counts.words += 1;
        if let Some((language, bit)) = marker_language(word) {
            counts.markers[language as usize] += 1;
            counts.distinct[language as usize] |= bit;
        }
        counts.vietnamese +=
            usize::from(!word.is_ascii() && word.chars().any(is_vietnamese_letter));
    }
    if counts.words < MARKER_MIN_WORDS {
        return short_latin_language(&counts);
    }
    let marked = |language: Marked| {
        counts
            .share(counts.markers[language as usize], MARKER_MIN_SHARE)
            .then_some(language.code())
    };
    marked(Marked::English)
        .or_else(|| {
            counts
                .share(counts.vietnamese, VIETNAMESE_MIN_SHARE)
                .then_some("vi")
        })
        .or_else(|| marked(Marked::Indonesian))
        .or_else(|| marked(Marked::Filipino))
}

/// What [`plain_latin_language`] counts in a sample.
#[derive(Debug, Default)]
struct WordCounts {
    words: usize,
    /// Each language's markers, by [`Marked`].
    markers: [usize; 3],
    /// Each language's distinct markers that no other language writes, a
    /// bit each (see [`MARKER_LISTS`]).
    distinct: [u64; 3],
    /// Words with a letter only Vietnamese writes.
    vietnamese: usize,
}

impl WordCounts {
    /// Whether `n` is at least `min` of the words.
    fn share(&self, n: usize, min: f64) -> bool {
        n as f64 >= min * self.words as f64
    }
}

/// The language of a sample of under [`MARKER_MIN_WORDS`] words, on
/// evidence no other language's text gives:
/// - English, Indonesian, Filipino: at least [`SHORT_MIN_DISTINCT`]
///   different markers of the language that no other language writes
///   (not English's "was", "also", "but": German, French), at least
///   [`SHORT_MARKER_MIN_SHARE`] of the words its markers, and no such
///   marker of another: an Indonesian sentence naming an English film has
///   both, and goes to whatlang.
/// - Vietnamese: at least [`SHORT_VIETNAMESE_MIN_WORDS`] words and
///   [`SHORT_VIETNAMESE_MIN_SHARE`] of them with a letter only Vietnamese
///   writes, and no such marker: an English sentence naming Nguyễn Phú
///   Trọng and Hà Nội has two such words.
///
/// Measured on 12,469 single sentences from ../shared/data
/// (`scripts/eval_detection.py`: the gold sentences of the Latin-script UD
/// dev sets and Golden Rules, and the dev articles' sentences): 74 detected
/// languages changed, every one from whatlang's wrong answer to the
/// sentence's language, and no other (no German, French, Spanish, Italian
/// or Dutch sentence's among them). About half the English,
/// Indonesian and Filipino sentences and four fifths of the Vietnamese ones
/// are settled here (docs/PERFORMANCE.md).
fn short_latin_language(counts: &WordCounts) -> Option<&'static str> {
    let alone = |language: Marked| {
        let others = Marked::ALL.into_iter().filter(|&other| other != language);
        counts.distinct[language as usize].count_ones() >= SHORT_MIN_DISTINCT
            && counts.share(counts.markers[language as usize], SHORT_MARKER_MIN_SHARE)
            && others
                .map(|other| counts.distinct[other as usize])
                .all(|bits| bits == 0)
    };
    if let Some(language) = Marked::ALL.into_iter().find(|&language| alone(language)) {
        return Some(language.code());
    }
    let unmarked = counts.distinct.iter().all(|&bits| bits == 0);
    (unmarked
        && counts.vietnamese >= SHORT_VIETNAMESE_MIN_WORDS
        && counts.share(counts.vietnamese, SHORT_VIETNAMESE_MIN_SHARE))
    .then_some("vi")
}

/// Letters that only Vietnamese writes: ơ, ư, đ, and the vowels that carry
/// a circumflex, breve or horn and a tone mark, or a hook above (ấ ặ ề ổ
/// ợ ữ ả ẻ ỉ ỏ ủ ỷ...). Not the vowels with a dot below or a tilde alone
/// (ạ ẹ ọ ị ẽ ỹ), which Yoruba, Igbo and Guarani write too.
fn is_vietnamese_letter(c: char) -> bool {
    matches!(c,
        'Đ' | 'đ' | 'Ơ' | 'ơ' | 'Ư' | 'ư'
        | '\u{1EA2}'..='\u{1EB7}' // Ả ả Ấ ấ Ầ ầ Ẩ ẩ Ẫ ẫ Ậ ậ Ắ ắ Ằ ằ Ẳ ẳ Ẵ ẵ Ặ ặ
        | '\u{1EBA}' | '\u{1EBB}' // Ẻ ẻ
        | '\u{1EBE}'..='\u{1EC9}' // Ế ế Ề ề Ể ể Ễ ễ Ệ ệ Ỉ ỉ
        | '\u{1ECE}'..='\u{1EE3}' // Ỏ ỏ Ố ố Ồ ồ Ổ ổ Ỗ ỗ Ộ ộ Ớ ớ Ờ ờ Ở ở Ỡ ỡ Ợ ợ
        | '\u{1EE6}'..='\u{1EF1}' // Ủ ủ Ứ ứ Ừ ừ Ử ử Ữ ữ Ự ự
        | '\u{1EF6}' | '\u{1EF7}' // Ỷ ỷ
    )
}

/// The languages whose function words [`plain_latin_language`] counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Marked {
    English,
    Indonesian,
    Filipino,
}

impl Marked {
    const ALL: [Marked; 3] = [Marked::English, Marked::Indonesian, Marked::Filipino];

    fn code(self) -> &'static str {
        match self {
            Marked::English => "en",
            Marked::Indonesian => "id",
            Marked::Filipino => "fil",
        }
    }
}

/// The language `word` is a marker of, if any (ASCII case ignored), and
/// its bit among the language's markers that no other language writes (0
/// for the others).
fn marker_language(word: &str) -> Option<(Marked, u64)> {
    let bytes = word.as_bytes();
    if !(2..=8).contains(&bytes.len()) {
        return None;
    }
    // Most words are no marker: most of those are told by their length
    // and first letter, before the search.
    let first = bytes[0].to_ascii_lowercase().wrapping_sub(b'a');
    if first >= 26 || MARKER_SHAPES[bytes.len()] & (1 << first) == 0 {
        return None;
    }
    let mut lower = [0u8; 8];
    for (to, from) in lower.iter_mut().zip(bytes) {
        *to = from.to_ascii_lowercase();
    }
    // `pack` of the word: the bytes above it are zero.
    let packed = u64::from_le_bytes(lower);
    MARKERS
        .binary_search_by_key(&packed, |&(marker, ..)| marker)
        .ok()
        .map(|i| (MARKERS[i].1, MARKERS[i].2))
}

/// English function words that are not words of the other languages Precis
/// meets in Latin script (so not "a", "in", "is", "to", "of", "for", "at":
/// Dutch, the Scandinavian languages, Tagalog and Indonesian use them too).
const ENGLISH_MARKERS: [&[u8]; 25] = [
    b"about", b"after", b"and", b"are", b"been", b"could", b"from", b"has", b"have", b"his",
    b"its", b"said", b"she", b"that", b"the", b"their", b"there", b"they", b"this", b"were",
    b"what", b"when", b"which", b"who", b"would",
];

/// English function words that other languages write too, though rarely
/// enough to leave English's share in their news far below English's own
/// (German "was" and "also", French "but", Danish "her", German "Not",
/// Vietnamese "than"): counted in the share, but no evidence in a short
/// text.
const ENGLISH_SHARED_MARKERS: [&[u8]; 6] = [b"also", b"but", b"her", b"not", b"than", b"was"];

/// Indonesian (and Malay) function words that are not words of the other
/// languages: not "dan" (Dutch), "di" (Italian), "dapat" and "kami"
/// (Tagalog), "bilang" (Tagalog). Javanese's function words are others
/// ("lan", "ing", "karo", "kanggo", "saka", "iki", "ora").
#[rustfmt::skip]
const INDONESIAN_MARKERS: [&[u8]; 32] = [
    b"adalah", b"ada", b"akan", b"atau", b"bahwa", b"bisa", b"dalam", b"dari", b"dengan",
    b"hingga", b"ini", b"itu", b"juga", b"karena", b"kepada", b"kita", b"lebih", b"masih",
    b"menjadi", b"mereka", b"namun", b"oleh", b"pada", b"saat", b"sebagai", b"seperti",
    b"sudah", b"telah", b"tersebut", b"tidak", b"untuk", b"yang",
];

/// Filipino (Tagalog) function words that are not words of the other
/// languages: not "ng" and "ba" (Vietnamese syllables), "na" (the Slavic
/// languages), "para", "may" or "ni".
#[rustfmt::skip]
const FILIPINO_MARKERS: [&[u8]; 25] = [
    b"ako", b"ang", b"ating", b"ay", b"ayon", b"dahil", b"din", b"hindi", b"ito", b"kanilang",
    b"kanyang", b"lamang", b"mga", b"naman", b"nang", b"ngunit", b"nila", b"niya", b"noong",
    b"rin", b"sila", b"sinabi", b"siya", b"upang", b"wala",
];

/// Filipino function words that other languages' news writes too: "nasa"
/// (NASA).
const FILIPINO_SHARED_MARKERS: [&[u8]; 1] = [b"nasa"];

/// Each language's markers, and whether no other language writes them
/// (those have a bit each among their language's, for
/// [`short_latin_language`]).
const MARKER_LISTS: [(&[&[u8]], Marked, bool); 5] = [
    (&ENGLISH_MARKERS, Marked::English, true),
    (&ENGLISH_SHARED_MARKERS, Marked::English, false),
    (&INDONESIAN_MARKERS, Marked::Indonesian, true),
    (&FILIPINO_MARKERS, Marked::Filipino, true),
    (&FILIPINO_SHARED_MARKERS, Marked::Filipino, false),
];

/// Every marker, [`pack`]ed, with its language and its bit (the `i`th of
/// its list of markers no other language writes: `1 << i`; else 0), sorted
/// for a binary search.
const MARKERS: [(u64, Marked, u64); 89] = {
    let mut markers = [(0, Marked::English, 0); 89];
    let lists = MARKER_LISTS;
    let mut n = 0;
    let mut l = 0;
    while l < lists.len() {
        let (words, language, own) = lists[l];
        assert!(words.len() <= 64);
        let mut i = 0;
        while i < words.len() {
            // Insertion sort: each marker moves down past the larger ones.
            let bit = if own { 1 << i } else { 0 };
            let entry = (pack(words[i]), language, bit);
            let mut at = n;
            while at > 0 && markers[at - 1].0 > entry.0 {
                markers[at] = markers[at - 1];
                at -= 1;
            }
            markers[at] = entry;
            n += 1;
            i += 1;
        }
        l += 1;
    }
    assert!(n == markers.len());
    // No word is a marker of two languages, or twice.
    let mut i = 1;
    while i < n {
        assert!(markers[i - 1].0 < markers[i].0);
        i += 1;
    }
    markers
};

/// The first letters of the markers of each length, as bits (`a` the
/// lowest), by length.
const MARKER_SHAPES: [u32; 9] = {
    let mut shapes = [0; 9];
    let mut l = 0;
    while l < MARKER_LISTS.len() {
        let words = MARKER_LISTS[l].0;
        let mut i = 0;
        while i < words.len() {
            shapes[words[i].len()] |= 1 << (words[i][0] - b'a');
            i += 1;
        }
        l += 1;
    }
    shapes
};

/// A word of at most 8 bytes as one integer, its first byte lowest. Words
/// hold no NUL byte, so the zero bytes above a short word keep it apart
/// from every other.
const fn pack(word: &[u8]) -> u64 {
    let mut value = 0;
    let mut i = 0;
    while i < word.len() {
        value |= (word[i] as u64) << (8 * i);
        i += 1;
    }
    value
}
const MARKER_MIN_WORDS: usize = 40;
const MARKER_MIN_SHARE: f64 = 0.10;
const VIETNAMESE_MIN_SHARE: f64 = 0.15;
const SHORT_MIN_DISTINCT: u32 = 2;
const SHORT_MARKER_MIN_SHARE: f64 = 0.15;
const SHORT_VIETNAMESE_MIN_WORDS: usize = 2;
const SHORT_VIETNAMESE_MIN_SHARE: f64 = 0.30;

/// Code points of the first, cheaper language detection attempt, and the
/// whatlang confidence that settles it (measured: on the 2,741 dev texts of
/// ../shared/data it changed no detected language; docs/performance-history.md).
const SHORT_SAMPLE: usize = 300;
const SHORT_SAMPLE_CONFIDENCE: f64 = 0.9;

/// The two-letter code of a three-letter ISO 639-2/3 code (every language
/// whatlang names, and the bibliographic variants): BCP-47 uses the shortest
/// code, and the language data files are named by it.
fn iso639_1(code: &str) -> Option<&'static str> {
    const CODES: &[(&str, &str)] = &[
        ("afr", "af"),
        ("aka", "ak"),
        ("amh", "am"),
        ("ara", "ar"),
        ("aze", "az"),
        ("bel", "be"),
        ("ben", "bn"),
        ("bul", "bg"),
        ("cat", "ca"),
        ("ces", "cs"),
        ("cze", "cs"),
        ("cym", "cy"),
        ("wel", "cy"),
        ("dan", "da"),
        ("deu", "de"),
        ("ger", "de"),
        ("eng", "en"),
        ("spa", "es"),
        ("fra", "fr"),
        ("fre", "fr"),
        ("ind", "id"),
        ("jpn", "ja"),
        ("khm", "km"),
        ("lao", "lo"),
        ("mya", "my"),
        ("bur", "my"),
        ("tha", "th"),
        ("vie", "vi"),
        ("ell", "el"),
        ("gre", "el"),
        ("epo", "eo"),
        ("est", "et"),
        ("fas", "fa"),
        ("per", "fa"),
        ("pes", "fa"),
        ("fin", "fi"),
        ("guj", "gu"),
        ("heb", "he"),
        ("hin", "hi"),
        ("hrv", "hr"),
        ("hun", "hu"),
        ("hye", "hy"),
        ("arm", "hy"),
        ("ita", "it"),
        ("jav", "jv"),
        ("kan", "kn"),
        ("kat", "ka"),
        ("geo", "ka"),
        ("kaz", "kk"),
        ("kor", "ko"),
        ("lat", "la"),
        ("lav", "lv"),
        ("lit", "lt"),
        ("mal", "ml"),
        ("mar", "mr"),
        ("mkd", "mk"),
        ("mac", "mk"),
        ("nep", "ne"),
        ("nld", "nl"),
        ("dut", "nl"),
        ("nob", "nb"),
        ("ori", "or"),
        ("pan", "pa"),
        ("pol", "pl"),
        ("por", "pt"),
        ("ron", "ro"),
        ("rum", "ro"),
        ("rus", "ru"),
        ("sin", "si"),
        ("slk", "sk"),
        ("slo", "sk"),
        ("slv", "sl"),
        ("sna", "sn"),
        ("srp", "sr"),
        ("swe", "sv"),
        ("tam", "ta"),
        ("tel", "te"),
        ("tuk", "tk"),
        ("tur", "tr"),
        ("ukr", "uk"),
        ("urd", "ur"),
        ("uzb", "uz"),
        ("yid", "yi"),
        ("zul", "zu"),
    ];
    // Most tags are two-letter codes already: no search for those.
    if code.len() != 3 {
        return None;
    }
    CODES
        .iter()
        .find(|(three, _)| *three == code)
        .map(|&(_, two)| two)
}

fn detect_by_script(sample: &str) -> Option<&'static str> {
    // A script decides when its letters are at least 30% of the sample's.
    // Every script counted is at U+0E00 or above, whose UTF-8 lead bytes
    // are 0xE0 and up, and none is in U+2000..U+2FFF (lead byte 0xE2: the
    // dashes, curly quotes and symbols of Latin-script news); every ASCII
    // letter is a letter. So when such lead bytes are fewer than 30% of
    // the ASCII letters, no script has a share, and the sample is not
    // decoded (Latin-script text, Vietnamese's letters of U+1Exx included).
    // Counted 64 bytes at a time in bytes, which vectorizes (a fold over
    // the bytes into two `usize`s took 7 instructions a byte).
    let (mut leads, mut ascii_letters) = (0usize, 0usize);
    for chunk in sample.as_bytes().chunks(64) {
        let (mut chunk_leads, mut chunk_letters) = (0u8, 0u8);
        for &b in chunk {
            chunk_leads += u8::from(b >= 0xE0 && b != 0xE2);
            chunk_letters += u8::from((b | 0x20).wrapping_sub(b'a') < 26);
        }
        leads += usize::from(chunk_leads);
        ascii_letters += usize::from(chunk_letters);
    }
    if leads == 0 || leads * 10 < ascii_letters * 3 {
        return None;
    }
    script_language(sample)
}

/// The language of the script that has at least 30% of `sample`'s letters
/// ([`detect_by_script`] without its shortcut).
fn script_language(sample: &str) -> Option<&'static str> {
    let mut counts = [0usize; Script::COUNT];
    let mut letters = 0usize;
    for c in sample.chars().filter(|&c| char_props::is_alphabetic(c)) {
        letters += 1;
        if let Some(script) = Script::of(c) {
            counts[script as usize] += 1;
        }
    }
    if letters == 0 {
        return None;
    }
    let count = |script: Script| counts[script as usize];
    let share = |n: usize| n * 10 >= letters * 3;
    if share(count(Script::Lao)) {
        Some("lo")
    } else if share(count(Script::Khmer)) {
        Some("km")
    } else if share(count(Script::Myanmar)) {
        Some("my")
    } else if share(count(Script::Thai)) {
        Some("th")
    } else if count(Script::Kana) > 0 && share(count(Script::Kana) + count(Script::Han)) {
        Some("ja")
    } else if share(count(Script::Han)) {
        Some("zh")
    } else {
        None
    }
}

/// The scripts that decide a language by their share of a text's letters.
#[derive(Clone, Copy)]
enum Script {
    Lao,
    Khmer,
    Myanmar,
    Thai,
    Kana,
    Han,
}

impl Script {
    const COUNT: usize = 6;

    fn of(c: char) -> Option<Script> {
        Some(match c as u32 {
            0x0E80..=0x0EFF => Script::Lao,
            0x1780..=0x17FF | 0x19E0..=0x19FF => Script::Khmer,
            0x1000..=0x109F | 0xAA60..=0xAA7F => Script::Myanmar,
            0x0E00..=0x0E7F => Script::Thai,
            0x3040..=0x30FF => Script::Kana,
            0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF => Script::Han,
            _ => return None,
        })
    }
}

/// Whether words in this language are written without spaces between them.
pub fn is_unspaced(code: &str) -> bool {
    matches!(code, "zh" | "ja" | "th" | "lo" | "km" | "my")
}

/// Closing quotes and brackets that may follow a terminator.
pub fn is_closing_punct(c: char) -> bool {
    matches!(
        c,
        ')' | ']'
            | '}'
            | '”'
            | '’'
            | '»'
            | '›'
            | '」'
            | '』'
            | '）'
            | '》'
            | '〉'
            | '】'
            | '〕'
            | '〗'
            | '］'
            | '｝'
            | '＂'
            | '｣'
    )
}

/// Opening quotes and brackets.
pub fn is_opening_punct(c: char) -> bool {
    matches!(
        c,
        '(' | '['
            | '{'
            | '“'
            | '‘'
            | '«'
            | '‹'
            | '「'
            | '『'
            | '（'
            | '《'
            | '〈'
            | '【'
            | '〔'
            | '〖'
            | '［'
            | '｛'
            | '｢'
            | '¿'
            | '¡'
    )
}

/// The word lists of one language.
#[derive(Debug, Default)]
pub struct LanguageData {
    pub code: String,
    titles: FxHashSet<String>,
    number: FxHashSet<String>,
    final_: FxHashSet<String>,
    general: FxHashSet<String>,
    starters: FxHashSet<String>,
    months: FxHashSet<String>,
    continuers: Vec<String>,
    /// Numbers followed by a dot are ordinals before month names ("3. Oktober").
    pub ordinal_dot: bool,
    /// `;` is a question mark (Greek).
    semicolon_question: bool,
    /// `:` is a full stop (Armenian typed on Latin keyboards).
    colon_terminator: bool,
    /// A full stop after an ordinary lowercase word ends a sentence even
    /// before a lowercase word (informal English: "maime animals. i am").
    pub lowercase_starts: bool,
    /// A quotation that closes with a comma before its attribution is one
    /// sentence with it, whatever terminators it holds (Slovak: „Prvá veta.
    /// Druhá,“ povedal.).
    pub attributed_quotes: bool,
    /// Scores spaces as sentence boundaries (Thai, Lao); empty elsewhere.
    pub space_model: SpaceModel,
}

const COMMON: &str = include_str!("../../data/lang/common.txt");
const LANGUAGE_FILES: &[(&str, &str)] = &[
    ("en", include_str!("../../data/lang/en.txt")),
    ("de", include_str!("../../data/lang/de.txt")),
    ("fr", include_str!("../../data/lang/fr.txt")),
    ("es", include_str!("../../data/lang/es.txt")),
    ("id", include_str!("../../data/lang/id.txt")),
    ("ms", include_str!("../../data/lang/id.txt")),
    ("vi", include_str!("../../data/lang/vi.txt")),
    ("fil", include_str!("../../data/lang/fil.txt")),
    ("th", include_str!("../../data/lang/th.txt")),
    ("lo", include_str!("../../data/lang/lo.txt")),
    ("hy", include_str!("../../data/lang/hy.txt")),
    ("da", include_str!("../../data/lang/da.txt")),
    ("bg", include_str!("../../data/lang/bg.txt")),
    ("sk", include_str!("../../data/lang/sk.txt")),
    ("ar", include_str!("../../data/lang/ar.txt")),
    ("el", include_str!("../../data/lang/el.txt")),
    ("kk", include_str!("../../data/lang/kk.txt")),
    ("it", include_str!("../../data/lang/it.txt")),
    ("ru", include_str!("../../data/lang/ru.txt")),
];

/// A language code of up to 8 bytes as one integer (its bytes, the first
/// lowest), which [`LanguageData::for_language`] compares where comparing
/// the strings costs a `memcmp` call a language; `None` for a longer code.
fn code_key(code: &str) -> Option<u64> {
    let bytes = code.as_bytes();
    (bytes.len() <= 8).then(|| {
        bytes
            .iter()
            .rev()
            .fold(0u64, |key, &byte| (key << 8) | u64::from(byte))
    })
}

impl LanguageData {
    /// The data for a normalised language code; unknown codes get the common
    /// (multilingual) data.
    pub fn for_language(code: &str) -> &'static LanguageData {
        static TABLE: OnceLock<Vec<(Option<u64>, LanguageData)>> = OnceLock::new();
        static GENERIC: OnceLock<LanguageData> = OnceLock::new();
        let table = TABLE.get_or_init(|| {
            LANGUAGE_FILES
                .iter()
                .map(|(code, file)| (code_key(code), LanguageData::parse(code, &[COMMON, file])))
                .collect()
        });
        // One integer compare a language; the code itself only for a
        // matching key.
        let key = code_key(code);
        if let Some((_, found)) = table.iter().find(|(k, d)| *k == key && d.code == code) {
            return found;
        }
        GENERIC.get_or_init(|| {
            // Other languages borrow English abbreviations (often quoted in
            // any text) but not English-only options.
            let mut data = LanguageData::parse("und", &[COMMON, LANGUAGE_FILES[0].1]);
            data.lowercase_starts = false;
            data
        })
    }

    fn parse(code: &str, files: &[&str]) -> LanguageData {
        let mut data = LanguageData {
            code: code.to_string(),
            ..LanguageData::default()
        };
        for file in files {
            let mut section = "";
            for line in file.lines() {
                let line = line.trim();
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                    section = name;
                    continue;
                }
                if section == "space_model" {
                    data.space_model.add_line(line);
                    continue;
                }
                let entry = line.trim_end_matches('.');
                let lower = entry.to_lowercase();
                match section {
                    "title" => {
                        data.titles.insert(lower);
                    }
                    // Only before a number ("No. 5", "Jan. 14"); elsewhere the
                    // dot after them is an ordinary full stop ("No. Not really.").
                    "number" => {
                        data.number.insert(lower);
                    }
                    "final" => {
                        data.final_.insert(lower.clone());
                        data.general.insert(lower);
                    }
                    "general" => {
                        data.general.insert(lower);
                    }
                    "starters" => {
                        data.starters.insert(entry.to_string());
                    }
                    "months" => {
                        data.months.insert(lower);
                    }
                    "continuers" => data.continuers.push(entry.to_string()),
                    "options" if entry == "ordinal_dot" => data.ordinal_dot = true,
                    "options" if entry == "colon_terminator" => data.colon_terminator = true,
                    "options" if entry == "lowercase_starts" => data.lowercase_starts = true,
                    "options" if entry == "attributed_quotes" => data.attributed_quotes = true,
                    "options" if entry == "semicolon_question" => {
                        data.semicolon_question = true;
                    }
                    _ => {}
                }
            }
        }
        data
    }

    /// Sentence terminators of every script Precis knows.
    pub fn is_terminator(&self, c: char) -> bool {
        matches!(
            c,
            '.' | '!' | '?' | '‼' | '⁇' | '⁈' | '⁉' | '．' | '！' | '？'
        ) || self.is_script_terminator(c)
            || (self.semicolon_question && c == ';')
            || (self.colon_terminator && c == ':')
    }

    /// Terminators that end a sentence with or without a following space:
    /// CJK `。！？`, Khmer `។ ៕`, Burmese `။`, Arabic `؟ ۔`, Devanagari `। ॥`,
    /// Armenian `։`, Ethiopic `። ፧ ፨`, Greek question mark `;` (U+037E).
    pub fn is_script_terminator(&self, c: char) -> bool {
        matches!(
            c,
            '。' | '｡'
                | '！'
                | '？'
                | '។'
                | '៕'
                | '။'
                | '؟'
                | '۔'
                | '।'
                | '॥'
                | '։'
                | '።'
                | '፧'
                | '፨'
                | '\u{037E}'
        )
    }

    pub fn is_title_abbreviation(&self, lower: &str) -> bool {
        self.titles.contains(lower)
    }

    pub fn is_number_abbreviation(&self, lower: &str) -> bool {
        self.number.contains(lower)
    }

    pub fn is_final_abbreviation(&self, lower: &str) -> bool {
        self.final_.contains(lower)
    }

    pub fn is_abbreviation(&self, lower: &str) -> bool {
        self.general.contains(lower) || self.titles.contains(lower)
    }

    pub fn is_sentence_starter(&self, word: &str) -> bool {
        self.starters.contains(word)
    }

    /// Whether `rest` (the text after a full stop and its whitespace) starts
    /// with something that never opens a sentence.
    pub fn starts_with_continuer(&self, rest: &str) -> bool {
        self.continuers.iter().any(|c| rest.starts_with(c.as_str()))
    }

    pub fn is_month(&self, word: &str) -> bool {
        self.months.contains(&word.to_lowercase())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_code_finds_its_own_data_and_others_the_common_data() {
        for (code, _) in LANGUAGE_FILES {
            assert_eq!(LanguageData::for_language(code).code, *code);
        }
        // Not in the table: a prefix or extension of a code, a code with
        // a NUL (whose key equals the code's without it: the strings are
        // compared on a matching key), longer than a key, empty.
        for code in ["e", "enx", "en\0", "fi", "filipino", "zh-Hant-TW", ""] {
            assert_eq!(LanguageData::for_language(code).code, "und", "{code:?}");
        }
    }

    #[test]
    fn tags_normalize_to_primary_subtag() {
        assert_eq!(normalize_tag("zh-Hant-TW").unwrap(), "zh");
        assert_eq!(normalize_tag("tl").unwrap(), "fil");
        assert_eq!(normalize_tag("FIL-PH").unwrap(), "fil");
        assert_eq!(normalize_tag("ita").unwrap(), "it");
        assert_eq!(normalize_tag("rus").unwrap(), "ru");
        assert_eq!(normalize_tag("haw").unwrap(), "haw");
        assert_eq!(normalize_tag("EN_us").unwrap(), "en");
        assert!(normalize_tag("english!").is_err());
        assert!(normalize_tag("").is_err());
    }

    #[test]
    fn plain_latin_languages_are_settled_by_their_function_words_alone() {
        for (markers, language, own) in MARKER_LISTS {
            let mut bits = 0;
            for marker in markers {
                let word = std::str::from_utf8(marker).unwrap();
                let (found, bit) = marker_language(word).expect(word);
                assert_eq!(found, language, "{word}");
                // The markers no other language writes have a bit each.
                assert_eq!(bit.count_ones(), u32::from(own), "{word}");
                assert_eq!(bits & bit, 0, "{word}");
                bits |= bit;
                assert_eq!(
                    marker_language(&word.to_uppercase()),
                    Some((language, bit)),
                    "{word}"
                );
                let last_changed = format!("{}q", &word[..word.len() - 1]);
                assert_eq!(marker_language(&last_changed), None, "{word}");
                assert_eq!(marker_language(&format!("{word}q")), None, "{word}");
            }
        }
        assert_eq!(marker_language("tersebutq"), None);
        // Two sentences of each: past the minimum word count.
        let twice = |text: &str| format!("{text} {text}");
        let english = twice(
            "The minister said on Monday that the government would not raise fuel prices \
             this year, after protests in the capital that were the largest since the \
             election.",
        );
        assert_eq!(plain_latin_language(&english), Some("en"));
        // Each shortcut names the language whatlang names.
        for (text, code) in [
            (
                "Menteri Keuangan mengatakan pada hari Senin bahwa pemerintah tidak akan \
                 menaikkan harga bahan bakar tahun ini, setelah protes di ibu kota.",
                "id",
            ),
            // Malay: whatlang has no Malay profile and names it Indonesian.
            (
                "Menteri Kewangan berkata pada hari Isnin bahawa kerajaan tidak akan \
                 menaikkan harga minyak tahun ini, selepas bantahan di ibu negara.",
                "id",
            ),
            (
                "Sinabi ng ministro noong Lunes na hindi itataas ng pamahalaan ang presyo \
                 ng gasolina ngayong taon, matapos ang mga protesta sa kabisera.",
                "fil",
            ),
        ] {
            let text = twice(text);
            assert_eq!(plain_latin_language(&text), Some(code), "{text}");
            let whatlang = whatlang::detect(&text).unwrap().lang().code();
            assert_eq!(normalize_tag(whatlang).unwrap(), code, "{text}");
        }
        // Other Latin-script languages, in news register.
        for other in [
            "Menteri Keuangan ngendika ing dina Senen yen pamarentah ora bakal \
             ngunggahake rega bahan bakar taun iki, sawise protes ing ibukutha.",
            "De minister zei maandag dat de regering de brandstofprijzen dit jaar niet \
             zal verhogen, na protesten in de hoofdstad die de grootste waren.",
            "Ministeren sagde mandag, at regeringen ikke vil hæve brændstofpriserne i \
             år, efter protester i hovedstaden, som var de største siden valget.",
            "Der Minister sagte am Montag, die Regierung werde die Treibstoffpreise in \
             diesem Jahr nicht erhöhen, nach Protesten in der Hauptstadt.",
        ] {
            let other = twice(other);
            assert_eq!(plain_latin_language(&other), None, "{other}");
            assert_ne!(detect(&other), "en", "{other}");
        }
        assert_eq!(detect(&english), "en");
        let vietnamese = twice(
            "Bộ trưởng cho biết hôm thứ Hai rằng chính phủ sẽ không tăng giá nhiên liệu \
             trong năm nay, sau các cuộc biểu tình ở thủ đô.",
        );
        assert_eq!(plain_latin_language(&vietnamese), Some("vi"));
        assert_eq!(detect(&vietnamese), "vi");
        // An English report with Vietnamese names is English.
        let names = twice(
            "Nguyễn Phú Trọng met the minister in Hà Nội on Monday, and said that the \
             talks with Đà Nẵng officials were the first since the election.",
        );
        assert_eq!(plain_latin_language(&names), Some("en"));
        // Yoruba's dotted vowels are not Vietnamese letters.
        let yoruba = twice(
            "Ọmọ ẹgbẹ́ ọ̀tọ̀ ni wọ́n ṣe ìpàdé ní ọjọ́ Ajé láti jíròrò lórí ọ̀rọ̀ \
             ìdàgbàsókè ètò ọrọ̀ ajé orílẹ̀-èdè náà àti àwọn ìpínlẹ̀ rẹ̀ gbogbo.",
        );
        assert_eq!(plain_latin_language(&yoruba), None);
    }

    #[test]
    fn short_texts_are_settled_by_markers_no_other_language_writes() {
        for (text, code) in [
            ("The minister said that the bill would pass.", "en"),
            (
                "Menteri mengatakan bahwa pemerintah tidak akan menaikkan harga.",
                "id",
            ),
            ("Sinabi ng ministro na hindi itataas ang presyo.", "fil"),
            ("Bộ trưởng cho biết chính phủ sẽ không tăng giá xăng.", "vi"),
        ] {
            assert_eq!(plain_latin_language(text), Some(code), "{text}");
            assert_eq!(detect(text), code, "{text}");
        }
        for text in [
            // One marker is not evidence.
            "Thanks for the help!",
            // German "was" and "also", French "but", Danish "her": markers
            // English shares.
            "Was hat er also gesagt, was nicht stimmt?",
            "Le but de la réunion est clair.",
            "Her er det, som hun sagde i går.",
            // Markers of two languages: an Indonesian sentence naming an
            // English film.
            "Film Nanny McPhee and the Big Bang adalah film yang populer.",
            // Two Vietnamese names in an English sentence.
            "Nguyễn Phú Trọng met Biden in Hà Nội yesterday.",
            "",
        ] {
            assert_eq!(plain_latin_language(text), None, "{text}");
        }
        for (text, not) in [
            ("Was hat er also gesagt, was nicht stimmt?", "en"),
            ("Le but de la réunion est clair et précis.", "en"),
        ] {
            assert_ne!(detect(text), not, "{text}");
        }
    }

    /// What the byte check in `detect_by_script` relies on: every counted
    /// character's UTF-8 lead byte is 0xE0 or above and not 0xE2.
    #[test]
    fn counted_scripts_have_the_lead_bytes_checked_first() {
        let mut buf = [0u8; 4];
        let mut counted = 0;
        for c in (0..=0x10FFFF_u32).filter_map(char::from_u32) {
            if Script::of(c).is_some() {
                let lead = c.encode_utf8(&mut buf).as_bytes()[0];
                assert!(lead >= 0xE0 && lead != 0xE2, "U+{:04X}", c as u32);
                counted += 1;
            }
        }
        assert!(counted > 20_000, "{counted}");
        // Latin news with dashes, curly quotes and an ellipsis has no share.
        assert_eq!(detect_by_script("ASEAN–China talks — “progress”… €5"), None);
    }

    #[test]
    fn char_offsets_are_those_of_char_indices() {
        let texts = [
            String::new(),
            "a".repeat(100),
            "Hợp tác giữa ASEAN và Trung Quốc 中国和东盟 ประเทศไทย 🇹🇭 ".repeat(9),
            "ข".repeat(70),
            "😀".repeat(40),
        ];
        for text in &texts {
            for n in 0..=text.chars().count() + 2 {
                let expected = text.char_indices().nth(n).map_or(text.len(), |(i, _)| i);
                assert_eq!(char_offset(text, n), expected, "{n} in {text}");
            }
        }
    }

    /// The lead-byte shortcut of `detect_by_script` never changes its
    /// answer: texts with each script's letters around the 30% share, among
    /// ASCII and Vietnamese letters, digits, spaces and dashes.
    #[test]
    fn the_script_shortcut_answers_as_the_count() {
        let scripts = ["ก", "ກ", "ក", "က", "カ", "中", "ệ", "—"];
        let mut decided = 0;
        for script in scripts {
            for other in ["a", "ệ", "1", " ", "é"] {
                for n in 0..=40 {
                    for m in [0, 1, 10, 30, 60, 100, 133, 134] {
                        let text = format!("{}{}", script.repeat(n), other.repeat(m));
                        let expected = script_language(&text);
                        assert_eq!(
                            detect_by_script(&text),
                            expected,
                            "{n} {script} {m} {other}"
                        );
                        decided += usize::from(expected.is_some());
                    }
                }
            }
        }
        assert!(decided > 1000, "{decided}");
    }

    #[test]
    fn detects_scripts_and_languages() {
        assert_eq!(detect("ສະບາຍດີ ປະເທດລາວ ມີປະຊາກອນ"), "lo");
        assert_eq!(detect("ខ្ញុំស្រឡាញ់ប្រទេសកម្ពុជា"), "km");
        assert_eq!(detect("ประเทศไทยมีประชากรมาก"), "th");
        assert_eq!(detect("中国和东盟的合作不断加深。"), "zh");
        assert_eq!(detect("日本の首相は東京で記者会見を行った。"), "ja");
        assert_eq!(
            detect(
                "The partnership between the two regions continues to grow stronger every year."
            ),
            "en"
        );
        assert_eq!(
            detect(
                "Hợp tác giữa ASEAN và Trung Quốc tiếp tục phát triển mạnh mẽ trong nhiều lĩnh vực."
            ),
            "vi"
        );
        // Languages outside the explicit list get their two-letter code,
        // which names their data file (data/lang/it.txt, ru.txt).
        assert_eq!(
            detect(
                "Il governo italiano ha approvato ieri la nuova legge sul bilancio dello Stato."
            ),
            "it"
        );
        assert_eq!(
            detect("Правительство России вчера одобрило новый закон о федеральном бюджете."),
            "ru"
        );
    }
}
