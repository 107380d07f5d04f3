//! The command-line definition (clap), apart from the code that executes it.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// annals turns news articles into event data: who did what to whom, when, where, and who says so.
#[derive(Debug, Parser)]
#[command(name = "annals", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read articles and print one JSON record per document on stdout
    Extract(ExtractArgs),
    /// Score annals against a gold corpus and print one table
    Eval(EvalArgs),
    /// Measure throughput (documents/s, MB/s, peak RSS) of each stage over a corpus
    Bench(BenchArgs),
}

/// Input formats that `--format` can force.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    /// Plain text with an optional `key value` header
    Text,
    /// One JSON article per line
    Jsonl,
    /// An HTML page
    Html,
    /// An RSS 2.0 or Atom feed
    Feed,
}

impl From<FormatArg> for annals_ingest::Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Text => annals_ingest::Format::Text,
            FormatArg::Jsonl => annals_ingest::Format::Jsonl,
            FormatArg::Html => annals_ingest::Format::Html,
            FormatArg::Feed => annals_ingest::Format::Feed,
        }
    }
}

#[derive(Debug, Args)]
pub struct InputArgs {
    /// Files, folders (read recursively) or `-` for standard input
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
    /// Read every input in this format instead of guessing from extension and content
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
}

#[derive(Debug, Args)]
pub struct ExtractArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Worker threads (default: one per core)
    #[arg(long, short = 'j')]
    pub threads: Option<usize>,
    /// Never show a progress bar, even on a terminal
    #[arg(long)]
    pub no_progress: bool,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    #[command(subcommand)]
    pub corpus: EvalCorpus,
    /// List each miss and wrong answer after the table
    #[arg(long, global = true)]
    pub errors: bool,
    /// Fail (exit 1) when a metric is below a value, as NAME=VALUE; repeatable
    #[arg(long = "floor", value_name = "NAME=VALUE", global = true)]
    pub floors: Vec<String>,
    /// Print the report as JSON instead of a table
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum EvalCorpus {
    /// The worked example: a folder with article.txt and expected.json
    Seed {
        /// The folder holding article.txt and expected.json
        dir: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Run each stage over the corpus this many times
    #[arg(long, default_value_t = 1)]
    pub repeat: usize,
}
