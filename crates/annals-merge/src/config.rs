//! Merge configuration: weights, thresholds and word lists, loaded from `data/merge/`.

use std::collections::{HashMap, HashSet};

const WEIGHTS: &str = include_str!("../../../data/merge/weights.tsv");
const COMPATIBLE: &str = include_str!("../../../data/merge/compatible.tsv");
const STOPWORDS: &str = include_str!("../../../data/merge/stopwords.txt");
const DENIAL_CUES: &str = include_str!("../../../data/merge/denial_cues.txt");

/// Why a merge configuration could not be loaded.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MergeError {
    /// A line of a data file could not be read.
    #[error("{file} line {line}: {message}")]
    Line {
        /// The data file.
        file: String,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

/// Weights, thresholds and word lists that drive merging.
#[derive(Debug, Clone)]
pub struct MergeConfig {
    /// Weight of the event type signal.
    pub weight_type: f64,
    /// Weight of the actor/recipient signal.
    pub weight_actors: f64,
    /// Weight of the date signal.
    pub weight_date: f64,
    /// Weight of the place signal.
    pub weight_place: f64,
    /// Weight of the wording signal.
    pub weight_wording: f64,
    /// Minimum weighted score for two reports to be merged.
    pub threshold: f64,
    /// Disjoint date intervals further apart than this many days veto a merge.
    pub date_tolerance_days: i32,
    /// Places within this distance (km) score 1.
    pub near_km: f64,
    /// Places further apart than this (km) veto a merge.
    pub far_km: f64,
    /// Days after a happening within which a REJECT by its accused party counts as a denial.
    pub denial_window_days: i32,
    /// Blocking cap: later reports of the same block each report is compared with.
    pub max_candidates: usize,
    /// Relative difference above which two exact figures contradict each other.
    pub quantity_tolerance_exact: f64,
    /// Relative difference above which figures contradict when either is approximate.
    pub quantity_tolerance_approximate: f64,
    /// Compatible pairs of distinct event types with their score (stored both ways).
    pub compatible: HashMap<(String, String), f64>,
    /// Words ignored by the wording signal.
    pub stopwords: HashSet<String>,
    /// Words that make a REJECT sentence a denial.
    pub denial_cues: HashSet<String>,
}

impl Default for MergeConfig {
    fn default() -> Self {
        // The embedded data is checked by the crate's tests; fall back to safe values if not.
        MergeConfig::from_texts(WEIGHTS, COMPATIBLE, STOPWORDS, DENIAL_CUES)
            .unwrap_or_else(|_| MergeConfig::builtin())
    }
}

fn data_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
}

fn word_list(text: &str) -> HashSet<String> {
    data_lines(text)
        .map(|(_, l)| l.trim().to_lowercase())
        .collect()
}

impl MergeConfig {
    /// A pair's score: the signals (type, actors, date, place, wording, each in 0..=1)
    /// averaged by their weights.
    pub(crate) fn weighted(
        &self,
        type_score: f64,
        actor_score: f64,
        date_score: f64,
        place_score: f64,
        wording: f64,
    ) -> f64 {
        let total = self.weight_type
            + self.weight_actors
            + self.weight_date
            + self.weight_place
            + self.weight_wording;
        (self.weight_type * type_score
            + self.weight_actors * actor_score
            + self.weight_date * date_score
            + self.weight_place * place_score
            + self.weight_wording * wording)
            / total.max(1e-9)
    }

    /// Values used only if the embedded data were unreadable.
    fn builtin() -> MergeConfig {
        MergeConfig {
            weight_type: 0.25,
            weight_actors: 0.30,
            weight_date: 0.20,
            weight_place: 0.15,
            weight_wording: 0.10,
            threshold: 0.65,
            date_tolerance_days: 1,
            near_km: 25.0,
            far_km: 100.0,
            denial_window_days: 7,
            max_candidates: 400,
            quantity_tolerance_exact: 0.0,
            quantity_tolerance_approximate: 0.25,
            compatible: HashMap::new(),
            stopwords: HashSet::new(),
            denial_cues: HashSet::new(),
        }
    }

    /// A configuration from the texts of the four data files (formats in `data/merge/README.md`).
    pub fn from_texts(
        weights: &str,
        compatible: &str,
        stopwords: &str,
        denial_cues: &str,
    ) -> Result<MergeConfig, MergeError> {
        let mut config = MergeConfig::builtin();
        let err = |file: &str, line: usize, message: String| MergeError::Line {
            file: file.to_string(),
            line,
            message,
        };
        for (line, text) in data_lines(weights) {
            let mut cols = text.split('\t');
            let key = cols.next().unwrap_or("").trim();
            let value = cols.next().unwrap_or("").trim();
            let number: f64 = value
                .parse()
                .map_err(|_| err("weights.tsv", line, format!("`{value}` is not a number")))?;
            if !number.is_finite() || number < 0.0 {
                return Err(err(
                    "weights.tsv",
                    line,
                    format!("`{value}` is out of range"),
                ));
            }
            match key {
                "weight_type" => config.weight_type = number,
                "weight_actors" => config.weight_actors = number,
                "weight_date" => config.weight_date = number,
                "weight_place" => config.weight_place = number,
                "weight_wording" => config.weight_wording = number,
                "threshold" => config.threshold = number,
                "date_tolerance_days" => config.date_tolerance_days = number as i32,
                "near_km" => config.near_km = number,
                "far_km" => config.far_km = number,
                "denial_window_days" => config.denial_window_days = number as i32,
                "max_candidates" => config.max_candidates = number as usize,
                "quantity_tolerance_exact" => config.quantity_tolerance_exact = number,
                "quantity_tolerance_approximate" => config.quantity_tolerance_approximate = number,
                _ => return Err(err("weights.tsv", line, format!("unknown key `{key}`"))),
            }
        }
        if config.far_km < config.near_km {
            return Err(err("weights.tsv", 0, "far_km is below near_km".into()));
        }
        for (line, text) in data_lines(compatible) {
            let cols: Vec<&str> = text.split('\t').map(str::trim).collect();
            let [a, b, score] = cols.as_slice() else {
                return Err(err("compatible.tsv", line, "expected three columns".into()));
            };
            let score: f64 = score
                .parse()
                .ok()
                .filter(|s: &f64| *s > 0.0 && *s <= 1.0)
                .ok_or_else(|| err("compatible.tsv", line, format!("bad score `{score}`")))?;
            let (a, b) = (a.to_uppercase(), b.to_uppercase());
            config.compatible.insert((a.clone(), b.clone()), score);
            config.compatible.insert((b, a), score);
        }
        config.stopwords = word_list(stopwords);
        config.denial_cues = word_list(denial_cues);
        Ok(config)
    }

    /// The score of two event types: 1 when equal, the listed score when compatible, else none.
    pub fn type_score(&self, a: &str, b: &str) -> Option<f64> {
        if a == b {
            return Some(1.0);
        }
        self.compatible
            .get(&(a.to_string(), b.to_string()))
            .copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_data_loads() {
        let c = MergeConfig::from_texts(WEIGHTS, COMPATIBLE, STOPWORDS, DENIAL_CUES).unwrap();
        assert_eq!(c.type_score("COERCE", "ASSAULT"), Some(0.6));
        assert_eq!(c.type_score("ASSAULT", "AID"), None);
        assert!(c.stopwords.contains("said"));
        assert!(c.denial_cues.contains("denied"));
        assert!(c.threshold > 0.0 && c.threshold < 1.0);
    }

    #[test]
    fn bad_lines_are_errors_naming_the_line() {
        let e = MergeConfig::from_texts("threshold\tabc\n", "", "", "").unwrap_err();
        assert!(e.to_string().contains("line 1"), "{e}");
        let e = MergeConfig::from_texts("", "A\tB\n", "", "").unwrap_err();
        assert!(e.to_string().contains("compatible.tsv"), "{e}");
        let e = MergeConfig::from_texts("nope\t1\n", "", "", "").unwrap_err();
        assert!(e.to_string().contains("unknown key"), "{e}");
    }
}
