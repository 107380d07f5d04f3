//! Times merging of synthetic reports: `cargo run --release -p annals-merge --example
//! merge_bench -- [reports]` (default 100000).

#[path = "../tests/common/synthetic.rs"]
mod synthetic;

use annals_merge::{MergeConfig, Merger};
use std::collections::HashMap;
use std::time::Instant;

fn main() {
    let target: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    // 3.5 reports per happening on average; sparse (676 countries, a year) then dense (20
    // countries, 30 days).
    for (countries, days) in [(676, 365), (20, 30)] {
        let (reports, truth) = synthetic::reports_in(target * 2 / 7, 42, countries, days);
        print!("{countries} countries, {days} days: ");
        run(&reports, &truth);
    }
}

fn run(reports: &[annals_merge::Report], truth: &[usize]) {
    let merger = Merger::new(MergeConfig::default());
    let start = Instant::now();
    let happenings = merger.merge(reports);
    let elapsed = start.elapsed();
    let position: HashMap<String, usize> = reports
        .iter()
        .enumerate()
        .map(|(i, r)| (r.key(), i))
        .collect();
    let mut exact = 0;
    let mut sizes: HashMap<usize, usize> = HashMap::new();
    for t in truth {
        *sizes.entry(*t).or_default() += 1;
    }
    for h in &happenings {
        let ts: Vec<usize> = h.reports.iter().map(|r| truth[position[&r.key]]).collect();
        if ts.iter().all(|t| *t == ts[0]) && sizes[&ts[0]] == ts.len() {
            exact += 1;
        }
    }
    println!(
        "{} reports -> {} happenings in {:.2?} ({:.0} reports/s); {} of {} true happenings recovered exactly",
        reports.len(),
        happenings.len(),
        elapsed,
        reports.len() as f64 / elapsed.as_secs_f64(),
        exact,
        sizes.len()
    );
}
