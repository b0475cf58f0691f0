//! Budgeted selection: greedy by score (ties by position), skipping
//! near-duplicates, never exceeding the budget; output in document order.

use serde::Serialize;

use crate::summarize::score::{SentenceFeatures, Weights};
use crate::summarize::{SentenceScore, Summary};

/// How long a summary may be.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Budget {
    Sentences(usize),
    /// Fraction of the eligible sentences, rounded up, in (0, 1].
    Ratio(f64),
    Words(usize),
    Chars(usize),
}

impl Default for Budget {
    fn default() -> Self {
        Budget::Sentences(3)
    }
}

impl Budget {
    /// The most sentences the budget can hold in a document of `eligible`
    /// sentences (`usize::MAX` for word and character budgets, which the
    /// lengths decide).
    pub fn max_sentences(self, eligible: usize) -> usize {
        match self {
            Budget::Sentences(n) => n,
            Budget::Ratio(ratio) => ((ratio * eligible as f64).ceil() as usize).max(1),
            Budget::Words(_) | Budget::Chars(_) => usize::MAX,
        }
    }
}

/// The redundancy check compares a candidate with at most this many
/// already-selected sentences, which keeps selection O(n log n + n * k).
pub const MAX_REDUNDANCY_COMPARISONS: usize = 64;

pub fn select(features: &[SentenceFeatures], budget: Budget, weights: &Weights) -> Summary {
    let mut order: Vec<usize> = (0..features.len()).collect();
    order.sort_by(|&a, &b| {
        features[b]
            .score
            .total_cmp(&features[a].score)
            .then(a.cmp(&b))
    });
    let eligible = features
        .iter()
        .filter(|f| f.components.boilerplate > 0.0)
        .count();
    let max_sentences = budget.max_sentences(eligible);
    let (mut words_used, mut chars_used) = (0usize, 0usize);
    let mut selected: Vec<usize> = Vec::new();
    let mut skipped_for_budget = 0usize;
    for &index in &order {
        if selected.len() >= max_sentences {
            break;
        }
        let candidate = &features[index];
        // Boilerplate is never selected; a sentence whose score is 0 only
        // because the request zeroed the weights of its components is still
        // eligible (by position), so a summary is never silently empty.
        if candidate.components.boilerplate <= 0.0 {
            continue;
        }
        let fits = match budget {
            Budget::Words(limit) => words_used + candidate.words <= limit,
            Budget::Chars(limit) => chars_used + candidate.code_points <= limit,
            _ => true,
        };
        if !fits {
            skipped_for_budget += 1;
            continue;
        }
        let redundant = selected
            .iter()
            .rev()
            .take(MAX_REDUNDANCY_COMPARISONS)
            .any(|&other| candidate.vector.cosine(&features[other].vector) > weights.redundancy);
        if redundant {
            continue;
        }
        words_used += candidate.words;
        chars_used += candidate.code_points;
        selected.push(index);
    }
    let mut warnings = Vec::new();
    if selected.is_empty() && skipped_for_budget > 0 {
        warnings.push("no sentence fits within the budget; the summary is empty".to_string());
    }
    let mut ranks = vec![0usize; features.len()];
    for (rank, &index) in order.iter().enumerate() {
        ranks[index] = rank + 1;
    }
    let mut is_selected = vec![false; features.len()];
    for &index in &selected {
        is_selected[index] = true;
    }
    selected.sort_unstable();
    Summary {
        selected,
        scores: features
            .iter()
            .enumerate()
            .map(|(i, f)| SentenceScore {
                score: f.score,
                components: f.components,
                selected: is_selected[i],
                rank: ranks[i],
                words: f.words,
            })
            .collect(),
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::summarize::score::ScoreComponents;

    fn feature(score: f64, words: usize, code_points: usize) -> SentenceFeatures {
        SentenceFeatures {
            vector: Default::default(),
            words,
            code_points,
            length_units: words as f64,
            components: ScoreComponents {
                boilerplate: 1.0,
                ..ScoreComponents::default()
            },
            score,
        }
    }

    #[test]
    fn ties_are_broken_by_position_and_output_is_in_document_order() {
        let features = vec![
            feature(0.5, 10, 50),
            feature(0.9, 10, 50),
            feature(0.5, 10, 50),
            feature(0.5, 10, 50),
        ];
        let summary = select(&features, Budget::Sentences(2), &Weights::default());
        assert_eq!(summary.selected, vec![0, 1]);
        assert_eq!(summary.scores[1].rank, 1);
        assert_eq!(summary.scores[0].rank, 2);
        assert_eq!(summary.scores[2].rank, 3);
    }

    #[test]
    fn word_and_character_budgets_are_exact_and_skip_what_does_not_fit() {
        let features = vec![
            feature(0.9, 30, 150),
            feature(0.8, 12, 60),
            feature(0.7, 9, 40),
        ];
        let words = select(&features, Budget::Words(22), &Weights::default());
        assert_eq!(words.selected, vec![1, 2]);
        let chars = select(&features, Budget::Chars(150), &Weights::default());
        assert_eq!(chars.selected, vec![0]);
        let none = select(&features, Budget::Words(5), &Weights::default());
        assert!(none.selected.is_empty());
        assert_eq!(none.warnings.len(), 1);
    }

    #[test]
    fn boilerplate_is_never_selected_and_ratio_rounds_up() {
        let mut features = vec![
            feature(0.9, 10, 50),
            feature(0.5, 10, 50),
            feature(0.4, 10, 50),
        ];
        features[0].components.boilerplate = 0.0;
        let summary = select(&features, Budget::Ratio(0.3), &Weights::default());
        assert_eq!(summary.selected, vec![1]);
    }
}
