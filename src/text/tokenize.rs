//! Words and index terms for each script.
//!
//! * Spaced scripts: UAX#29 words (unicode-segmentation), lowercased, stop
//!   words removed, Snowball-stemmed where Snowball has the language.
//! * Chinese, Japanese: character bigrams over runs of letters (a
//!   dictionary-free stand-in for words that also matches the character
//!   scoring of Chinese ROUGE), plus UAX#29 words for embedded Latin text.
//! * Thai, Lao, Khmer, Burmese: ICU4X dictionary words (`text::words`).
//! * Vietnamese: syllables plus syllable bigrams (Vietnamese words are
//!   mostly two syllables, so bigrams carry most of the meaning).

use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use rustc_hash::{FxHashMap, FxHashSet};

use rust_stemmers::{Algorithm, Stemmer};
use unicode_segmentation::UnicodeSegmentation;

use crate::text::char_props;
use crate::text::language::is_unspaced;
use crate::text::uax29;

/// Words cached per language and thread (see [`WORD_TERMS`]); the cache
/// starts over when it reaches this size, which bounds its memory (~3 MB,
/// document ids included).
const MAX_CACHED_WORDS: usize = 32_768;

thread_local! {
    /// The term of every word already seen on this thread, per language
    /// (`None`: the word is dropped), keyed by the word as written. News
    /// repeats its words within and across articles, and lowercasing, the
    /// stop-word lookup and Snowball stemming were most of the cost of
    /// scoring. The mapping is a pure function of (language, word), so the
    /// cache never changes a result.
    static WORD_TERMS: RefCell<Vec<(String, WordTerms)>> = const { RefCell::new(Vec::new()) };
}

/// Word as written -> its term, for one language. Most words are short:
/// those of up to [`PACKED_LEN`] bytes are keyed by their bytes packed into
/// a `u128` ([`packed_key`]), which hashes in two multiplications and
/// compares in one instruction, where a `str` key is hashed a few bytes at
/// a time and compared with `memcmp`.
#[derive(Default)]
struct WordTerms {
    short: FxHashMap<u128, CachedWord>,
    long: FxHashMap<Box<str>, CachedWord>,
}

/// The longest word [`packed_key`] packs: the key's last byte holds the
/// length, so no two words share a key whatever bytes they hold.
const PACKED_LEN: usize = 15;

/// `word`'s bytes in the low bytes of a `u128` (little-endian) and its
/// length in the top byte; `word` is a subslice of `text`, whose bytes
/// after it are loaded with it when there are enough of them (one 16-byte
/// load, masked), and copied otherwise.
#[inline]
fn packed_key(text: &str, word: &str) -> u128 {
    debug_assert!(word.len() <= PACKED_LEN);
    let start = word.as_ptr() as usize - text.as_ptr() as usize;
    let bytes = match text.as_bytes().get(start..start + 16) {
        Some(window) => u128::from_le_bytes(window.try_into().expect("16 bytes")),
        None => {
            let mut buffer = [0u8; 16];
            buffer[..word.len()].copy_from_slice(word.as_bytes());
            u128::from_le_bytes(buffer)
        }
    };
    let len = word.len() as u32;
    (bytes & ((1u128 << (8 * len)) - 1)) | (u128::from(len) << 120)
}

impl WordTerms {
    fn len(&self) -> usize {
        self.short.len() + self.long.len()
    }

    fn clear(&mut self) {
        self.short.clear();
        self.long.clear();
    }

    /// The entry of `word` (a subslice of `text`), made with `term` (its
    /// term and whether it is a stop word) on first sight.
    #[inline]
    fn entry(
        &mut self,
        text: &str,
        word: &str,
        term: impl FnOnce() -> (Option<Box<str>>, bool),
    ) -> &mut CachedWord {
        let new = || {
            let (term, stop) = term();
            CachedWord {
                term,
                stop,
                document: 0,
                id: 0,
            }
        };
        if word.len() <= PACKED_LEN {
            return self.short.entry(packed_key(text, word)).or_insert_with(new);
        }
        // A hit must not copy the word into a key: look it up first.
        if self.long.contains_key(word) {
            return self.long.get_mut(word).expect("just found");
        }
        self.long.entry(word.into()).or_insert_with(new)
    }
}

/// What the cache knows of a word: its term, and the id a document last gave
/// that term (see [`Tokenizer::for_each_term_id`]).
struct CachedWord {
    /// `None`: the word is dropped (a stop word, or no letter or digit).
    /// A Vietnamese syllable always has its term, its lowercase form: stop
    /// words are part of their bigrams.
    term: Option<Box<str>>,
    /// A Vietnamese stop word: a term only inside its bigrams.
    stop: bool,
    /// The [`Document`] that numbered the term as `id` (0: none yet).
    document: u64,
    id: u32,
}

impl CachedWord {
    /// The id of the word's term in `document` (`None`: no term), which
    /// `number` gives the first time it is asked for there.
    #[inline(always)]
    fn id_in(&mut self, document: &Document, number: &mut dyn FnMut(&str) -> u32) -> Option<u32> {
        let term = self.term.as_deref()?;
        if self.document != document.0 {
            self.id = number(term);
            self.document = document.0;
        }
        Some(self.id)
    }
}

/// One document's numbering of its terms, for
/// [`Tokenizer::for_each_term_id`]. Each value is new (a process-wide
/// count), so an id the cache holds for another document is never taken
/// for this one's.
pub struct Document(u64);

impl Document {
    pub fn new() -> Document {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        Document(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

impl Default for Document {
    fn default() -> Document {
        Document::new()
    }
}

/// Produces index terms for one language.
pub struct Tokenizer {
    language: String,
    stemmer: Option<Stemmer>,
    stopwords: &'static FxHashSet<String>,
}

impl Tokenizer {
    pub fn new(language: &str) -> Tokenizer {
        let algorithm = match language {
            "en" => Some(Algorithm::English),
            "de" => Some(Algorithm::German),
            "fr" => Some(Algorithm::French),
            "es" => Some(Algorithm::Spanish),
            "it" => Some(Algorithm::Italian),
            "pt" => Some(Algorithm::Portuguese),
            "nl" => Some(Algorithm::Dutch),
            "ru" => Some(Algorithm::Russian),
            _ => None,
        };
        Tokenizer {
            language: language.to_string(),
            stemmer: algorithm.map(Stemmer::create),
            stopwords: stopwords(language),
        }
    }

    /// Appends the index terms of `text` to `out`.
    pub fn terms(&self, text: &str, out: &mut Vec<String>) {
        self.for_each_term(text, &mut |term| out.push(term.to_string()));
    }

    /// Calls `emit` with each index term of `text`, in order, and returns
    /// [`word_count`] of `text` (counted on the same pass where the terms
    /// come from the words it counts).
    pub fn for_each_term(&self, text: &str, emit: &mut dyn FnMut(&str)) -> usize {
        if !self.is_cached() {
            return self.uncached_terms(text, emit);
        }
        self.for_each_cached_word(text, |word| {
            if let Some(term) = &word.term {
                emit(term);
            }
        })
    }

    /// [`for_each_term`](Self::for_each_term) for a document whose terms
    /// are numbered: calls `emit` with each term's id, which `number` gives
    /// (it must return the same id for the same term within `document`).
    /// A word already numbered in `document` is not looked up a second
    /// time: the cache keeps its id beside its term.
    pub fn for_each_term_id(
        &self,
        text: &str,
        document: &Document,
        number: &mut dyn FnMut(&str) -> u32,
        emit: &mut dyn FnMut(u32),
    ) -> usize {
        if self.language == "vi" {
            return self.vietnamese_term_ids(text, document, number, emit);
        }
        if !self.is_cached() {
            return self.uncached_terms(text, &mut |term| emit(number(term)));
        }
        self.for_each_cached_word(text, |word| {
            if let Some(id) = word.id_in(document, number) {
                emit(id);
            }
        })
    }

    /// Whether the terms come from UAX#29 words through [`WORD_TERMS`]
    /// (spaced scripts other than Vietnamese, whose bigrams span words;
    /// numbered Vietnamese terms take their syllables from it, in
    /// [`vietnamese_term_ids`](Self::vietnamese_term_ids)).
    fn is_cached(&self) -> bool {
        !(is_icu_word_language(&self.language)
            || is_unspaced(&self.language)
            || self.language == "vi")
    }

    /// The terms of the scripts that [`is_cached`](Self::is_cached) leaves
    /// out, and [`word_count`].
    fn uncached_terms(&self, text: &str, emit: &mut dyn FnMut(&str)) -> usize {
        if is_icu_word_language(&self.language) {
            return self.icu_word_terms(text, emit);
        }
        if is_unspaced(&self.language) {
            return self.unspaced_terms(text, emit);
        }
        self.vietnamese_terms(text, emit)
    }

    /// Calls `visit` with the cache entry of each UAX#29 word of `text`
    /// (made on first sight), and returns the number of words.
    // Generic and inlined: each caller's `visit` is called directly
    // (outlined, with a `dyn` visitor: +1% instructions per English
    // Process call).
    #[inline(always)]
    fn for_each_cached_word(&self, text: &str, mut visit: impl FnMut(&mut CachedWord)) -> usize {
        WORD_TERMS.with_borrow_mut(|caches| {
            let cache = match caches.iter().position(|(code, _)| *code == self.language) {
                Some(i) => &mut caches[i].1,
                None => {
                    caches.push((self.language.clone(), WordTerms::default()));
                    &mut caches.last_mut().expect("just pushed").1
                }
            };
            if cache.len() >= MAX_CACHED_WORDS {
                cache.clear();
            }
            let vietnamese = self.language == "vi";
            let mut words = 0;
            for word in uax29::words(text) {
                words += 1;
                visit(cache.entry(text, word, || {
                    if vietnamese {
                        let syllable = char_props::to_lowercase(word);
                        let stop = self.stopwords.contains(syllable.as_ref());
                        (Some(syllable.into()), stop)
                    } else {
                        (self.spaced_term(word), false)
                    }
                }));
            }
            words
        })
    }

    /// The term of one word of a spaced script: lowercased and stemmed;
    /// `None` for stop words and words without a letter or digit.
    fn spaced_term(&self, word: &str) -> Option<Box<str>> {
        let lower = word.to_lowercase();
        if self.stopwords.contains(&lower) || lower.chars().all(|c| !char_props::is_alphanumeric(c))
        {
            return None;
        }
        Some(match &self.stemmer {
            Some(stemmer) => stemmer.stem(&lower).into(),
            None => lower.into(),
        })
    }

    /// Vietnamese: syllables (without stop words) and syllable bigrams.
    fn vietnamese_terms(&self, text: &str, emit: &mut dyn FnMut(&str)) -> usize {
        let words: Vec<Cow<str>> = uax29::words(text).map(char_props::to_lowercase).collect();
        let mut bigram = String::new();
        for (i, word) in words.iter().enumerate() {
            if !self.stopwords.contains(word.as_ref()) {
                emit(word);
            }
            if let Some(next) = words.get(i + 1) {
                bigram.clear();
                bigram.push_str(word);
                bigram.push(' ');
                bigram.push_str(next);
                emit(&bigram);
            }
        }
        words.len()
    }

    /// [`vietnamese_terms`](Self::vietnamese_terms) numbered, as
    /// [`for_each_term_id`](Self::for_each_term_id) gives them: each
    /// syllable's lowercase form and stop-word check come from the word
    /// cache, and its id, once numbered in `document`, too. The terms come
    /// in the same order: a syllable's bigram with the syllable before it
    /// is emitted before the syllable itself.
    fn vietnamese_term_ids(
        &self,
        text: &str,
        document: &Document,
        number: &mut dyn FnMut(&str) -> u32,
        emit: &mut dyn FnMut(u32),
    ) -> usize {
        // The syllables so far, each followed by a space: a bigram is the
        // slice from the start of the previous syllable to the end of this
        // one, so each syllable is copied once.
        let mut syllables = String::with_capacity(text.len() + 16);
        let mut previous: Option<usize> = None;
        self.for_each_cached_word(text, |word| {
            let start = syllables.len();
            syllables.push_str(word.term.as_deref().unwrap_or_default());
            if let Some(previous) = previous {
                emit(number(&syllables[previous..]));
            }
            syllables.push(' ');
            previous = Some(start);
            if !word.stop {
                emit(word.id_in(document, number).expect("a syllable has a term"));
            }
        })
    }

    /// Thai, Lao, Khmer, Burmese: ICU4X's dictionary word segmenter, lowercased
    /// (for embedded Latin), stop words and pure numbers/punctuation dropped.
    fn icu_word_terms(&self, text: &str, emit: &mut dyn FnMut(&str)) -> usize {
        self.for_each_term_of_words(text, &crate::text::words::words(text), emit)
    }

    /// [`for_each_term`](Self::for_each_term) for Thai, Lao, Khmer and
    /// Burmese text whose dictionary words are known (`words`, offsets into
    /// `text`, e.g. a sentence's share of [`Segmentation::words`]): their
    /// terms, and `words.len()`.
    ///
    /// [`Segmentation::words`]: crate::text::Segmentation::words
    pub fn for_each_term_of_words(
        &self,
        text: &str,
        words: &[crate::text::words::Word],
        emit: &mut dyn FnMut(&str),
    ) -> usize {
        debug_assert!(is_icu_word_language(&self.language));
        for word in words {
            let word = char_props::to_lowercase(&text[word.start..word.end]);
            if word.chars().all(|c| !char_props::is_alphabetic(c))
                || self.stopwords.contains(word.as_ref())
            {
                continue;
            }
            emit(&word);
        }
        words.len()
    }

    /// Chinese and Japanese: character bigrams over runs of letters, and
    /// [`word_count`] of `text` counted on the same pass over its UAX#29
    /// segments (a second pass, `unicode_words`, was a tenth of a Chinese
    /// Process call): `unicode_words` keeps the segments with a letter or
    /// digit.
    fn unspaced_terms(&self, text: &str, emit: &mut dyn FnMut(&str)) -> usize {
        let mut run: Vec<char> = Vec::new();
        let mut gram = String::new();
        let mut flush = |run: &mut Vec<char>, emit: &mut dyn FnMut(&str)| {
            if run.len() == 1 {
                gram.clear();
                gram.push(run[0]);
                if !self.stopwords.contains(&gram) {
                    emit(&gram);
                }
            }
            for pair in run.windows(2) {
                gram.clear();
                gram.extend(pair);
                if !self.stopwords.contains(&gram) {
                    emit(&gram);
                }
            }
            run.clear();
        };
        let mut words = 0;
        for word in uax29::word_bounds(text) {
            if word.chars().any(char_props::is_alphanumeric) {
                words += cjk_word_count(word);
            }
            let first = word.chars().next().unwrap_or(' ');
            if first.is_ascii_alphanumeric() {
                flush(&mut run, emit);
                emit(&word.to_lowercase());
            } else if word.chars().any(char_props::is_alphabetic) {
                run.extend(word.chars().filter(|c| !c.is_whitespace()));
            } else {
                flush(&mut run, emit);
            }
        }
        flush(&mut run, emit);
        words
    }
}

/// What one UAX#29 word counts for in Chinese and Japanese: each ideograph
/// or kana, or 1 for a word without any (embedded Latin, numbers).
fn cjk_word_count(word: &str) -> usize {
    let cjk = word
        .chars()
        .filter(|&c| crate::text::segment::is_cjk(c))
        .count();
    cjk.max(1)
}

/// Languages whose words come from ICU4X's dictionary segmenter (no spaces
/// between words, and no ideographs to count instead): their terms, and
/// [`word_count`], which is `text::words::count(text)`.
pub fn is_icu_word_language(language: &str) -> bool {
    matches!(language, "th" | "lo" | "km" | "my")
}

/// Number of words in `text`: UAX#29 words for spaced scripts; ICU4X words
/// for Thai, Lao, Khmer and Burmese; for Chinese and Japanese each
/// ideograph/kana counts as a word (as GMX-V counts CJK), and embedded Latin
/// words count once.
pub fn word_count(text: &str, language: &str) -> usize {
    if is_icu_word_language(language) {
        return crate::text::words::count(text);
    }
    if matches!(language, "zh" | "ja") {
        return text.unicode_words().map(cjk_word_count).sum();
    }
    uax29::words(text).count()
}

/// The stop word list of a language (empty when Precis has none). Fx
/// hashing: Chinese and Thai look up every bigram and word, and SipHash was
/// most of a lookup.
pub fn stopwords(language: &str) -> &'static FxHashSet<String> {
    static LISTS: OnceLock<Vec<(&'static str, FxHashSet<String>)>> = OnceLock::new();
    static EMPTY: OnceLock<FxHashSet<String>> = OnceLock::new();
    let lists = LISTS.get_or_init(|| {
        let parse = |file: &str| -> FxHashSet<String> {
            file.lines()
                .filter(|line| !line.trim_start().starts_with('#'))
                .flat_map(str::split_whitespace)
                .map(str::to_string)
                .collect()
        };
        vec![
            ("en", parse(include_str!("../../data/stopwords/en.txt"))),
            ("de", parse(include_str!("../../data/stopwords/de.txt"))),
            ("fr", parse(include_str!("../../data/stopwords/fr.txt"))),
            ("es", parse(include_str!("../../data/stopwords/es.txt"))),
            ("id", parse(include_str!("../../data/stopwords/id.txt"))),
            ("ms", parse(include_str!("../../data/stopwords/ms.txt"))),
            ("fil", parse(include_str!("../../data/stopwords/fil.txt"))),
            ("vi", parse(include_str!("../../data/stopwords/vi.txt"))),
            ("zh", parse(include_str!("../../data/stopwords/zh.txt"))),
            ("ja", parse(include_str!("../../data/stopwords/ja.txt"))),
            ("th", parse(include_str!("../../data/stopwords/th.txt"))),
            ("lo", parse(include_str!("../../data/stopwords/lo.txt"))),
            ("km", parse(include_str!("../../data/stopwords/km.txt"))),
            ("my", parse(include_str!("../../data/stopwords/my.txt"))),
        ]
    });
    lists
        .iter()
        .find(|(code, _)| *code == language)
        .map(|(_, list)| list)
        .unwrap_or_else(|| EMPTY.get_or_init(FxHashSet::default))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// A word's key is the same whether its bytes are loaded from the
        /// text around it or copied (near the end of the text), and two
        /// words share a key only when they are the same word.
        #[test]
        fn packed_keys_name_words(
            text in "([a-c0_ .'’é\u{0}]|ข่าว|新闻|\u{301}){0,60}"
        ) {
            let words: Vec<&str> = uax29::words(&text)
                .filter(|word| word.len() <= PACKED_LEN)
                .collect();
            for word in &words {
                let copied = word.to_string();
                prop_assert_eq!(packed_key(&text, word), packed_key(&copied, &copied));
            }
            for a in &words {
                for b in &words {
                    prop_assert_eq!(packed_key(&text, a) == packed_key(&text, b), a == b);
                }
            }
        }
    }

    #[test]
    fn unicode_words_keep_the_segments_with_an_alphanumeric_character() {
        // unicode-segmentation's tables against the standard library's, on
        // every character: `unspaced_terms` counts words by the latter.
        for c in (0..=0x10FFFF_u32).filter_map(char::from_u32) {
            let text = c.to_string();
            assert_eq!(
                text.unicode_words().next().is_some(),
                char_props::is_alphanumeric(c),
                "U+{:04X}",
                c as u32
            );
        }
    }

    proptest! {
        /// The word count of the terms' pass is `word_count`.
        #[test]
        fn unspaced_terms_count_the_words_of_word_count(
            text in "([a-b0-1 .,'’]|东|盟|カタ|ナ|ひ|\\u{301}|\\u{3000}|๓|Ⅻ|é){0,40}"
        ) {
            for language in ["zh", "ja"] {
                let words = Tokenizer::new(language).unspaced_terms(&text, &mut |_| {});
                prop_assert_eq!(words, word_count(&text, language), "{}", language);
            }
        }
    }

    #[test]
    fn short_and_long_words_keep_their_terms() {
        // One word of each side of the packed length, each seen twice: the
        // second sight must find the term the first one made.
        let tokenizer = Tokenizer::new("en");
        let text = "Internationalization matters. internationalization matters.";
        let (mut first, mut second) = (Vec::new(), Vec::new());
        tokenizer.terms(text, &mut first);
        tokenizer.terms(text, &mut second);
        assert_eq!(first, ["internation", "matter", "internation", "matter"]);
        assert_eq!(first, second);
    }

    #[test]
    fn english_terms_are_stemmed_without_stop_words() {
        let mut out = Vec::new();
        Tokenizer::new("en").terms("The partners were running summaries", &mut out);
        assert_eq!(out, vec!["partner", "run", "summari"]);
    }

    #[test]
    fn term_ids_are_each_documents_own() {
        // Two documents tokenized in turn on one thread share the word
        // cache; each must get the ids its own numbering gave, including for
        // words the other numbered first.
        let tokenizer = Tokenizer::new("en");
        let ids_of = |document: &Document, numbering: &mut Vec<String>, text: &str| {
            numbered_terms(&tokenizer, text, document, numbering).0
        };
        let (first, second) = (Document::new(), Document::new());
        let (mut first_terms, mut second_terms) = (Vec::new(), Vec::new());
        assert_eq!(
            ids_of(&first, &mut first_terms, "Partners run trade talks"),
            [0, 1, 2, 3]
        );
        assert_eq!(ids_of(&second, &mut second_terms, "Trade partners"), [0, 1]);
        assert_eq!(
            ids_of(&first, &mut first_terms, "Trade partners run"),
            [2, 0, 1]
        );
        assert_eq!(first_terms, ["partner", "run", "trade", "talk"]);
        assert_eq!(second_terms, ["trade", "partner"]);
        // The ids name the terms that `for_each_term` gives ("Trade" and
        // "trade" are two cached words with one term).
        let mut terms = Vec::new();
        tokenizer.terms("Trade partners run", &mut terms);
        assert_eq!(terms, [2, 0, 1].map(|id: usize| first_terms[id].clone()));
    }

    /// The term ids `for_each_term_id` gives `text` in `document`, with
    /// `numbering` (the terms in id order) numbering new terms, and the word
    /// count.
    fn numbered_terms(
        tokenizer: &Tokenizer,
        text: &str,
        document: &Document,
        numbering: &mut Vec<String>,
    ) -> (Vec<u32>, usize) {
        let mut ids = Vec::new();
        let words = tokenizer.for_each_term_id(
            text,
            document,
            &mut |term| match numbering.iter().position(|t| t == term) {
                Some(id) => id as u32,
                None => {
                    numbering.push(term.to_string());
                    numbering.len() as u32 - 1
                }
            },
            &mut |id| ids.push(id),
        );
        (ids, words)
    }

    proptest! {
        /// Vietnamese terms numbered through the word cache are the terms
        /// `vietnamese_terms` gives, in order and numbered in order of first
        /// appearance, with the same word count: in a first document and in
        /// a second one that finds every syllable cached.
        #[test]
        fn vietnamese_term_ids_name_the_vietnamese_terms(
            sentences in proptest::collection::vec(
                "(Việt|Nam|việt|NAM|và|của|là|Hà|Nội|2024|[a-c]|ơ|Đ|\\.| |, ){0,16}",
                1..4,
            )
        ) {
            let tokenizer = Tokenizer::new("vi");
            for _ in 0..2 {
                let document = Document::new();
                let mut numbering: Vec<String> = Vec::new();
                let mut expected_numbering: Vec<String> = Vec::new();
                for sentence in &sentences {
                    let (ids, words) =
                        numbered_terms(&tokenizer, sentence, &document, &mut numbering);
                    let mut terms = Vec::new();
                    let expected_words =
                        tokenizer.vietnamese_terms(sentence, &mut |term| terms.push(term.to_string()));
                    prop_assert_eq!(words, expected_words);
                    let named: Vec<String> = ids.iter().map(|&id| numbering[id as usize].clone()).collect();
                    prop_assert_eq!(&named, &terms);
                    for term in terms {
                        if !expected_numbering.contains(&term) {
                            expected_numbering.push(term);
                        }
                    }
                }
                prop_assert_eq!(&numbering, &expected_numbering);
            }
        }
    }

    #[test]
    fn vietnamese_terms_are_syllables_without_stop_words_and_bigrams() {
        let mut out = Vec::new();
        Tokenizer::new("vi").terms("Việt Nam và Lào", &mut out);
        assert_eq!(out, ["việt", "việt nam", "nam", "nam và", "và lào", "lào"]);
    }

    #[test]
    fn chinese_terms_are_bigrams() {
        let mut out = Vec::new();
        Tokenizer::new("zh").terms("东盟合作 ASEAN", &mut out);
        assert_eq!(out, vec!["东盟", "盟合", "合作", "asean"]);
    }

    #[test]
    fn thai_terms_are_icu_words_without_stop_words() {
        let mut out = Vec::new();
        // "The government announced a new policy" -- ICU4X cuts words; the
        // stop word "ที่" (that/which) never appears in the terms.
        Tokenizer::new("th").terms("รัฐบาลประกาศนโยบายใหม่ที่สำคัญ", &mut out);
        assert!(out.contains(&"รัฐบาล".to_string()), "{out:?}");
        assert!(!out.contains(&"ที่".to_string()), "{out:?}");
        assert!(out.iter().all(|t| t.chars().count() > 1), "{out:?}");
    }

    #[test]
    fn every_listed_language_has_stop_words() {
        for code in [
            "en", "zh", "ja", "vi", "id", "ms", "fil", "th", "lo", "km", "my", "de", "fr", "es",
        ] {
            assert!(
                stopwords(code).len() >= 25,
                "{code}: {}",
                stopwords(code).len()
            );
        }
        assert!(stopwords("de").contains("und"));
        assert!(stopwords("fr").contains("les"));
        assert!(stopwords("es").contains("los"));
        assert!(stopwords("xx").is_empty());
    }

    #[test]
    fn word_counts() {
        assert_eq!(word_count("Trade grew 3.5% in 2025.", "en"), 5);
        assert_eq!(word_count("东盟合作 ASEAN", "zh"), 5);
        assert!(word_count("รัฐบาลประกาศนโยบายใหม่", "th") >= 3);
    }
}
