//! Throughput of the time recognizer alone: `bench DIR [spans|full] [ROUNDS]` over every `.tml`
//! (TEXT, tags stripped) and `.txt` file under DIR. Run with `--release`. Without ROUNDS it runs
//! for two seconds; with ROUNDS it runs that many rounds (a fixed amount of work, for profilers
//! that count instructions).

use annals_time::TimeRecognizer;
use std::path::Path;
use std::time::Instant;

fn collect(dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
            continue;
        }
        let Ok(raw) = std::fs::read_to_string(&path) else {
            continue;
        };
        match path.extension().and_then(|e| e.to_str()) {
            Some("tml") => out.push(strip_tags(text_element(&raw))),
            Some("txt") => out.push(raw),
            _ => {}
        }
    }
}

fn text_element(xml: &str) -> &str {
    let start = xml.find("<TEXT>").map(|i| i + 6).unwrap_or(0);
    let end = xml.rfind("</TEXT>").unwrap_or(xml.len()).max(start);
    xml.get(start..end).unwrap_or("")
}

fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// CPU seconds used by this process so far (Linux; none elsewhere), so the figure is per core
/// even on a busy machine.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let rest = stat.get(stat.rfind(')')? + 2..)?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the file, in clock ticks (100 per second)
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: bench DIR");
        std::process::exit(2);
    };
    let mut texts = Vec::new();
    collect(Path::new(&dir), &mut texts);
    let bytes: usize = texts.iter().map(String::len).sum();
    if bytes == 0 {
        eprintln!("no text under {dir}");
        std::process::exit(1);
    }
    let rec = TimeRecognizer::new();
    let segmenter = annals_segment::NewsSegmenter::new();
    let sentences: Vec<_> = texts.iter().map(|t| segmenter.segment(t)).collect();
    let date = "2000-01-01".parse().ok();
    let only = std::env::args().nth(2);
    let fixed: Option<usize> = std::env::args().nth(3).and_then(|r| r.parse().ok());
    for (name, full) in [("recognize spans", false), ("recognize + normalize", true)] {
        if only
            .as_deref()
            .is_some_and(|o| o != if full { "full" } else { "spans" })
        {
            continue;
        }
        let (mut rounds, mut found) = (0usize, 0usize);
        let cpu_start = cpu_seconds();
        let start = Instant::now();
        while fixed.map_or(start.elapsed().as_secs_f64() < 2.0, |n| rounds < n) {
            for (t, s) in texts.iter().zip(&sentences) {
                found += if full {
                    rec.recognize(t, s, date).expressions.len()
                } else {
                    rec.spans(t).len()
                };
            }
            rounds += 1;
        }
        let secs = start.elapsed().as_secs_f64();
        let cpu = cpu_start
            .zip(cpu_seconds())
            .map(|(a, b)| b - a)
            .filter(|c| *c > 0.0);
        let mb = (bytes * rounds) as f64 / 1e6;
        println!(
            "{name}: {} documents, {:.2} MB x {rounds} rounds in {secs:.2} s: {:.1} MB/s wall, {} per CPU second ({} expressions per round)",
            texts.len(),
            bytes as f64 / 1e6,
            mb / secs,
            cpu.map(|c| format!("{:.1} MB/s", mb / c))
                .unwrap_or_else(|| "?".into()),
            found / rounds.max(1)
        );
    }
}
