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
