//! Evaluation: scores annals against gold corpora and renders one table per run.
//!
//! Each corpus has its own module with a `run` function returning a [`Report`]; the `annals eval`
//! command prints the report and checks `--floor name=value` thresholds against its metrics.

pub mod actors;
pub mod geo;
pub mod petrarch;
pub mod plover;
pub mod seed;
pub mod timeml;

pub mod report;
pub use report::{Metric, Report};

/// Why an evaluation could not run.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    /// A gold file or folder could not be read.
    #[error("cannot read {path}: {message}")]
    Read {
        /// The path that failed.
        path: String,
        /// What went wrong.
        message: String,
    },
    /// A gold file could not be parsed.
    #[error("cannot parse {path}: {message}")]
    Parse {
        /// The path that failed.
        path: String,
        /// What went wrong.
        message: String,
    },
}
