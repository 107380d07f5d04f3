use serde::Serialize;
use std::fmt;

/// One named score of an evaluation, e.g. `relaxed_f1 = 0.91`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metric {
    /// Stable name used by `--floor name=value` (snake_case).
    pub name: String,
    /// The value, usually a share in `[0, 1]`.
    pub value: f64,
}

/// The outcome of one evaluation: a titled table, named metrics and an optional error listing.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// What was evaluated, e.g. `timeml: ../shared/eval/timeml/tbaq (256 documents)`.
    pub title: String,
    /// Column headers of the table.
    pub columns: Vec<String>,
    /// Table rows, each as many cells as `columns`.
    pub rows: Vec<Vec<String>>,
    /// The headline scores that floors are checked against.
    pub metrics: Vec<Metric>,
    /// Misses and wrong answers, one line each (printed with `--errors`).
    pub errors: Vec<String>,
}

impl Report {
    /// An empty report with a title and table columns.
    pub fn new(title: impl Into<String>, columns: &[&str]) -> Report {
        Report {
            title: title.into(),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            ..Report::default()
        }
    }

    /// Adds a table row.
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// Records a headline metric.
    pub fn metric(&mut self, name: &str, value: f64) {
        self.metrics.push(Metric {
            name: name.to_string(),
            value,
        });
    }

    /// The value of the metric called `name`.
    pub fn get(&self, name: &str) -> Option<f64> {
        self.metrics
            .iter()
            .find(|m| m.name == name)
            .map(|m| m.value)
    }
}

/// Formats a share as `0.873`.
pub fn share(value: f64) -> String {
    format!("{value:.3}")
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.title)?;
        let mut widths: Vec<usize> = self.columns.iter().map(|c| c.chars().count()).collect();
        for row in &self.rows {
            for (i, cell) in row.iter().enumerate() {
                if i < widths.len() {
                    widths[i] = widths[i].max(cell.chars().count());
                }
            }
        }
        let line = |f: &mut fmt::Formatter<'_>, cells: &[String]| -> fmt::Result {
            let mut out = String::new();
            for (i, w) in widths.iter().enumerate() {
                let cell = cells.get(i).map(String::as_str).unwrap_or("");
                let pad = w.saturating_sub(cell.chars().count());
                if i == 0 {
                    out.push_str(cell);
                    out.push_str(&" ".repeat(pad));
                } else {
                    out.push_str("  ");
                    out.push_str(&" ".repeat(pad));
                    out.push_str(cell);
                }
            }
            writeln!(f, "{}", out.trim_end())
        };
        line(f, &self.columns)?;
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        line(f, &rule)?;
        for row in &self.rows {
            line(f, row)?;
        }
        if !self.metrics.is_empty() {
            let summary: Vec<String> = self
                .metrics
                .iter()
                .map(|m| format!("{}={:.3}", m.name, m.value))
                .collect();
            writeln!(f, "metrics: {}", summary.join(" "))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_aligns_columns_and_lists_metrics() {
        let mut r = Report::new("demo", &["kind", "found", "required"]);
        r.row(vec!["times".into(), "7".into(), "8".into()]);
        r.metric("times_recall", 0.875);
        let s = r.to_string();
        assert!(s.contains("kind   found  required"), "{s}");
        assert!(s.contains("times      7         8"), "{s}");
        assert!(s.contains("metrics: times_recall=0.875"), "{s}");
        assert_eq!(r.get("times_recall"), Some(0.875));
        assert_eq!(r.get("missing"), None);
    }
}
