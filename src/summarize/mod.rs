//! Extractive summaries: score every sentence, then select within a budget,
//! skipping near-duplicates, and return the selection in document order.

pub mod boilerplate;
pub mod centrality;
pub mod idf;
pub mod score;
pub mod select;

use serde::Serialize;

pub use idf::IdfModel;
pub use score::{ScoreComponents, Weights};
pub use select::Budget;

use crate::text::Segmentation;

/// Score and selection state of one sentence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SentenceScore {
    pub score: f64,
    pub components: ScoreComponents,
    pub selected: bool,
    /// 1-based rank by score; ties broken by position.
    pub rank: usize,
    /// [`crate::text::tokenize::word_count`] of the sentence, from the pass
    /// that made its terms (not serialized: the word count of its segment
    /// is made from it where the two are the same count).
    #[serde(skip)]
    pub words: usize,
}

/// A summary of one document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Selected sentence indices in document order.
    pub selected: Vec<usize>,
    /// One entry per sentence of the segmentation.
    pub scores: Vec<SentenceScore>,
    pub warnings: Vec<String>,
}

impl Summary {
    /// The selected sentences joined: a space between sentences of spaced
    /// scripts, nothing for Chinese and Japanese.
    pub fn text(&self, text: &str, segmentation: &Segmentation) -> String {
        let separator = if matches!(segmentation.language.as_str(), "zh" | "ja") {
            ""
        } else {
            " "
        };
        self.selected
            .iter()
            .map(|&i| segmentation.sentences[i].text(text))
            .collect::<Vec<_>>()
            .join(separator)
    }
}

/// Scores and selects sentences of `segmentation` (built from `text`).
pub fn summarize(
    text: &str,
    segmentation: &Segmentation,
    budget: Budget,
    weights: &Weights,
) -> Summary {
    summarize_with_idf(text, segmentation, budget, weights, None)
}

/// [`summarize`] with a background IDF model (see [`idf`]).
pub fn summarize_with_idf(
    text: &str,
    segmentation: &Segmentation,
    budget: Budget,
    weights: &Weights,
    background: Option<&IdfModel>,
) -> Summary {
    let mut features = score::score(text, segmentation, weights, background);
    score::fit_to_budget(&mut features, budget, weights);
    select::select(&features, budget, weights)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{SegmentOptions, segment};

    fn summary_of(text: &str, language: &str, sentences: usize) -> Vec<usize> {
        let segmentation = segment(text, None, Some(language), &SegmentOptions::default());
        summarize(
            text,
            &segmentation,
            Budget::Sentences(sentences),
            &Weights::default(),
        )
        .selected
    }

    /// Fifteen sentences: the budget story in 0, 6, 9 and 12, scene details
    /// in the rest.
    const COUNCIL_MEETING: &str = "The city council approved a new budget for school funding on Monday. \
        The meeting began at nine in the morning. \
        Several residents arrived early with coffee. \
        A brass band played outside the hall. \
        Parking near the building was difficult. \
        Rain fell briefly around noon. \
        The budget doubles school funding for the city's primary schools next year. \
        Lunch was served in the lobby. \
        One councillor wore a bright red scarf. \
        Teachers said the school funding in the budget would pay for smaller classes. \
        The clock in the chamber ran five minutes slow. \
        A photographer took pictures of the mayor. \
        Parents welcomed the council budget and the extra school funding. \
        The lights flickered once during the vote. \
        The session ended in the late afternoon.";

    #[test]
    fn a_long_summary_of_a_long_document_is_chosen_by_what_it_is_about() {
        // 40% of 15 sentences: the lead prior is gone and the sentences
        // that carry the story are chosen over the opening's details.
        let selected = summary_of(COUNCIL_MEETING, "en", 6);
        for central in [0, 6, 9, 12] {
            assert!(selected.contains(&central), "{selected:?}");
        }
        // A short summary of the same document is its lead.
        assert_eq!(summary_of(COUNCIL_MEETING, "en", 3), vec![0, 1, 2]);
    }

    #[test]
    fn a_short_document_keeps_its_lead_at_the_same_share() {
        // Seven sentences, three of them (43%): the lead still decides,
        // although sentence 3 is as central as the opening and more central
        // than sentence 2.
        let text = "Pemerintah kota menyetujui anggaran baru untuk pendidikan pada hari Senin. \
            Anggaran itu menambah dana sekolah dasar hingga dua kali lipat tahun depan. \
            Rapat dimulai pukul sembilan pagi di balai kota. \
            Para guru menyambut anggaran pendidikan dan dana sekolah yang baru itu. \
            Orang tua murid berharap dana sekolah dan anggaran dipakai untuk kelas kecil. \
            Hujan turun sebentar pada siang hari. \
            Rapat selesai pada sore hari.";
        assert_eq!(summary_of(text, "id", 3), vec![0, 1, 2]);
    }
}
