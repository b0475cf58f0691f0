//! Sentence centrality: TextRank (Mihalcea & Tarau, 2004) over a graph of
//! the document's sentences, with a bounded neighbourhood so the cost stays
//! linear in the number of sentences.
//!
//! Edge weight between two sentences with `a` and `b` distinct terms and
//! `c` terms in common: `c / (ln a + ln b)` (TextRank's similarity; a
//! sentence with fewer than two terms has no edges). Scores come from a
//! weighted PageRank (damping 0.85, a fixed 30 iterations) and are scaled so
//! the most central sentence scores 1.
//!
//! Cost: every sentence is compared with at most [`MAX_NEIGHBOURS`] others
//! (the nearest ones by position), so building the graph is O(n * 100)
//! term-set merges and each PageRank iteration O(n * 100). Documents of up
//! to 101 ranked sentences get the full graph.

use crate::summarize::score::TermVector;

/// Each sentence is linked to at most this many others: the
/// `MAX_NEIGHBOURS / 2` before it and after it.
pub const MAX_NEIGHBOURS: usize = 100;
const DAMPING: f64 = 0.85;
const ITERATIONS: usize = 30;

/// TextRank score in [0, 1] of every vector; `None` entries (sentences that
/// are never summary material) are not in the graph and score 0.
pub fn textrank(vectors: &[Option<&TermVector>]) -> Vec<f64> {
    biased_textrank(vectors, &[], 0.0)
}

/// TextRank whose random jumps favour some sentences (topic-sensitive
/// PageRank, Haveliwala 2002): a share `bias_share` of each jump goes to
/// sentence `i` in proportion to `bias[i]`, the rest uniformly. With no
/// positive bias (or a share of 0) this is [`textrank`].
pub fn biased_textrank(vectors: &[Option<&TermVector>], bias: &[f64], bias_share: f64) -> Vec<f64> {
    let nodes: Vec<(usize, &TermVector)> = vectors
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.map(|v| (i, v)))
        .collect();
    let n = nodes.len();
    let mut scores = vec![0.0; vectors.len()];
    if n == 0 {
        return scores;
    }
    let half = MAX_NEIGHBOURS / 2;
    let mut edges: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
    for a in 0..n {
        for b in a + 1..n.min(a + 1 + half) {
            let weight = similarity(nodes[a].1, nodes[b].1);
            if weight > 0.0 {
                edges[a].push((b, weight));
                edges[b].push((a, weight));
            }
        }
    }
    let out_weight: Vec<f64> = edges
        .iter()
        .map(|e| e.iter().map(|&(_, w)| w).sum())
        .collect();
    // Where a random jump lands: uniform, or partly by `bias`.
    let node_bias: Vec<f64> = nodes
        .iter()
        .map(|&(i, _)| bias.get(i).copied().unwrap_or(0.0).max(0.0))
        .collect();
    let bias_total: f64 = node_bias.iter().sum();
    let uniform = (1.0 - DAMPING) / n as f64;
    let jump: Vec<f64> = if bias_total > 0.0 && bias_share > 0.0 {
        node_bias
            .iter()
            .map(|&b| {
                (1.0 - DAMPING) * ((1.0 - bias_share) / n as f64 + bias_share * b / bias_total)
            })
            .collect()
    } else {
        vec![uniform; n]
    };
    let mut rank = vec![1.0 / n as f64; n];
    let mut next = vec![0.0; n];
    for _ in 0..ITERATIONS {
        for (a, slot) in next.iter_mut().enumerate() {
            let incoming: f64 = edges[a]
                .iter()
                .map(|&(b, w)| w / out_weight[b] * rank[b])
                .sum();
            *slot = jump[a] + DAMPING * incoming;
        }
        std::mem::swap(&mut rank, &mut next);
    }
    let max = rank.iter().copied().fold(0.0, f64::max);
    for (&(index, _), &r) in nodes.iter().zip(&rank) {
        scores[index] = if max > 0.0 { r / max } else { 0.0 };
    }
    scores
}

/// TextRank's sentence similarity: shared terms over the sum of the log
/// term counts.
fn similarity(a: &TermVector, b: &TermVector) -> f64 {
    let (la, lb) = (a.terms(), b.terms());
    if la < 2 || lb < 2 {
        return 0.0;
    }
    let common = a.shared_terms(b);
    if common == 0 {
        return 0.0;
    }
    common as f64 / ((la as f64).ln() + (lb as f64).ln())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::summarize::score::count_terms;

    fn vector(terms: &[u32]) -> TermVector {
        let counts = count_terms(&mut terms.to_vec());
        TermVector::from_counts(&counts, &[1.0; 16])
    }

    #[test]
    fn the_sentence_sharing_most_with_the_others_ranks_first() {
        // 0 shares terms with 1, 2 and 3; 4 shares nothing.
        let vectors = [
            vector(&[1, 2, 3, 4]),
            vector(&[1, 2, 5]),
            vector(&[3, 4, 6]),
            vector(&[1, 4, 7]),
            vector(&[8, 9, 10]),
        ];
        let refs: Vec<Option<&TermVector>> = vectors.iter().map(Some).collect();
        let scores = textrank(&refs);
        assert_eq!(scores[0], 1.0);
        assert!(scores[1..4].iter().all(|&s| s < 1.0 && s > scores[4]));
        assert!(
            scores[4] > 0.0,
            "an isolated sentence keeps the teleport share"
        );
    }

    #[test]
    fn biased_jumps_lift_the_favoured_sentence() {
        // 1 and 2 are alike in the graph (each shares one term with 0);
        // a jump biased towards 2 ranks it above 1.
        let vectors = [vector(&[1, 2]), vector(&[1, 3]), vector(&[2, 4])];
        let refs: Vec<Option<&TermVector>> = vectors.iter().map(Some).collect();
        let plain = textrank(&refs);
        assert_eq!(plain[1], plain[2]);
        let biased = biased_textrank(&refs, &[0.0, 0.0, 1.0], 0.85);
        assert!(biased[2] > biased[1], "{biased:?}");
        // No bias, or no share for it: plain TextRank, to the bit.
        assert_eq!(biased_textrank(&refs, &[0.0; 3], 0.85), plain);
        assert_eq!(biased_textrank(&refs, &[0.0, 0.0, 1.0], 0.0), plain);
    }

    #[test]
    fn excluded_sentences_score_zero_and_are_not_in_the_graph() {
        let vectors = [vector(&[1, 2, 3]), vector(&[1, 2, 3]), vector(&[1, 2, 4])];
        let scores = textrank(&[Some(&vectors[0]), None, Some(&vectors[2])]);
        assert_eq!(scores[1], 0.0);
        assert_eq!(scores[0], scores[2]);
    }

    #[test]
    fn a_long_document_links_only_nearby_sentences() {
        // 300 sentences that all share terms: each still has at most
        // MAX_NEIGHBOURS edges, so the middle of the document is not favoured
        // over the ends by more than the window allows.
        let vectors: Vec<TermVector> = (0..300).map(|_| vector(&[1, 2, 3])).collect();
        let refs: Vec<Option<&TermVector>> = vectors.iter().map(Some).collect();
        let scores = textrank(&refs);
        assert_eq!(scores.len(), 300);
        assert!(scores.iter().all(|&s| s > 0.0 && s <= 1.0));
        assert!(scores[0] < scores[150], "the ends have half the neighbours");
    }
}
