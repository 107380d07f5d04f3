//! `annals eval`: run a scorer, print its table, check floors.

use crate::cli::{EvalArgs, EvalCorpus};
use annals_eval::Report;
use anyhow::{Context, bail};
use std::process::ExitCode;

/// A `--floor NAME=VALUE` threshold.
#[derive(Debug, PartialEq)]
struct Floor {
    name: String,
    value: f64,
}

fn parse_floor(s: &str) -> anyhow::Result<Floor> {
    let (name, value) = s
        .split_once('=')
        .with_context(|| format!("--floor {s}: expected NAME=VALUE"))?;
    let value: f64 = value
        .trim()
        .parse()
        .with_context(|| format!("--floor {s}: {value} is not a number"))?;
    Ok(Floor {
        name: name.trim().to_string(),
        value,
    })
}

/// The floors a report fails, as messages; an unknown metric name is a usage error.
fn check_floors(report: &Report, floors: &[Floor]) -> anyhow::Result<Vec<String>> {
    let mut failed = Vec::new();
    for floor in floors {
        let Some(value) = report.get(&floor.name) else {
            let known: Vec<&str> = report.metrics.iter().map(|m| m.name.as_str()).collect();
            bail!(
                "--floor {}: no such metric (known: {})",
                floor.name,
                known.join(", ")
            );
        };
        if value + 1e-9 < floor.value {
            failed.push(format!(
                "{} = {:.3} is below its floor {:.3}",
                floor.name, value, floor.value
            ));
        }
    }
    Ok(failed)
}

pub fn run(args: EvalArgs) -> anyhow::Result<ExitCode> {
    let floors = args
        .floors
        .iter()
        .map(|s| parse_floor(s))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let report = match &args.corpus {
        EvalCorpus::Seed { dir } => annals_eval::seed::run(dir)?,
        EvalCorpus::Timeml { dir } => annals_eval::timeml::run(dir, args.errors)?,
        EvalCorpus::Geo { file } => annals_eval::geo::run(file, args.errors)?,
        EvalCorpus::Actors { file, dictionaries } => {
            annals_eval::actors::run_with_dictionaries(file, args.errors, dictionaries)?
        }
        EvalCorpus::Plover { file } => annals_eval::plover::run(file, args.errors)?,
        EvalCorpus::Petrarch { dir } => annals_eval::petrarch::run(dir, args.errors)?,
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{report}");
        if args.errors {
            for line in &report.errors {
                println!("  {line}");
            }
        }
    }
    let failed = check_floors(&report, &floors)?;
    for msg in &failed {
        eprintln!("error: {msg}");
    }
    Ok(if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floors_parse_and_fail_below() {
        assert_eq!(
            parse_floor("f1=0.8").unwrap(),
            Floor {
                name: "f1".into(),
                value: 0.8
            }
        );
        assert!(parse_floor("f1").is_err());
        assert!(parse_floor("f1=high").is_err());
        let mut r = Report::new("t", &["a"]);
        r.metric("f1", 0.75);
        assert_eq!(
            check_floors(&r, &[parse_floor("f1=0.7").unwrap()])
                .unwrap()
                .len(),
            0
        );
        assert_eq!(
            check_floors(&r, &[parse_floor("f1=0.8").unwrap()])
                .unwrap()
                .len(),
            1
        );
        assert!(check_floors(&r, &[parse_floor("nope=0.1").unwrap()]).is_err());
    }
}
