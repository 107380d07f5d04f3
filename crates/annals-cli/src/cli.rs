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
    /// Read articles, run the pipeline and store documents and events in a store file
    Ingest(IngestArgs),
    /// Search a store: full text plus event filters; prints one JSON hit per line
    Search(Box<SearchArgs>),
    /// Export a store's events (PLOVER JSONL, GDELT TSV, ACLED CSV, Parquet) or happenings
    /// (GeoJSON)
    Export(Box<ExportArgs>),
    /// Serve a store over HTTP: a JSON API and a web UI (timeline, map, happenings)
    Serve(ServeArgs),
    /// Build a synthetic store of N events (with happenings) and time typical queries
    BenchStore(BenchStoreArgs),
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

/// How extraction runs: threads, progress, extra dictionaries (shared by extract and ingest).
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Worker threads (default: one per core)
    #[arg(long, short = 'j')]
    pub threads: Option<usize>,
    /// Never show a progress bar, even on a terminal
    #[arg(long)]
    pub no_progress: bool,
    /// A PETRARCH/TABARI dictionary (verbs, actors or agents) used beside the built-in lexicons;
    /// repeatable
    #[arg(long = "dictionary", value_name = "PATH")]
    pub dictionaries: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ExtractArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub run: RunArgs,
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
    /// TimeML (TimeBank, AQUAINT, TempEval-3): extent, type and value scores of time expressions
    Timeml {
        /// A folder of .tml files (searched recursively)
        dir: PathBuf,
    },
    /// Geoparsing (LGL or GeoVirus XML): toponym P/R/F1, accuracy@161 km, error in km
    Geo {
        /// lgl.xml or geovirus.xml
        file: PathBuf,
    },
    /// PLOVER gold records: how often the marked source and target actors get their codes
    Actors {
        /// A PLOVER gold-standard JSONL file
        file: PathBuf,
        /// A PETRARCH/TABARI actor or agent dictionary loaded beside the built-in lexicons;
        /// repeatable
        #[arg(long = "dictionary", value_name = "PATH")]
        dictionaries: Vec<PathBuf>,
    },
    /// PLOVER gold records: event type accuracy and macro-F1, (source, event[, target]) F1
    Plover {
        /// A PLOVER gold-standard JSONL file
        file: PathBuf,
    },
    /// PETRARCH2 unit tests: loads the folder's dictionaries, scores expected triples
    Petrarch {
        /// The folder with PETR.UnitTest.records.jsonl and the PETR.Validate.* dictionaries
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

#[derive(Debug, Args)]
pub struct IngestArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The store file (SQLite), created if missing
    #[arg(long, default_value = "annals.db")]
    pub db: PathBuf,
    /// Documents extracted and committed together
    #[arg(long, default_value_t = 500)]
    pub batch: usize,
    #[command(flatten)]
    pub run: RunArgs,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Words to find in titles and texts (all of them; `word*` for a prefix, `OR` between two)
    #[arg(value_name = "QUERY")]
    pub query: Vec<String>,
    /// The store file to search
    #[arg(long, default_value = "annals.db")]
    pub db: PathBuf,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Print at most this many hits
    #[arg(long, default_value_t = 20)]
    pub limit: u64,
    /// Skip this many hits first
    #[arg(long, default_value_t = 0)]
    pub offset: u64,
}

/// Export formats.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    /// PLOVER JSON lines, one event per line
    Plover,
    /// GDELT 2.0 event table: 61 tab-separated columns, no header
    Gdelt,
    /// ACLED-style CSV with header (only the event types ACLED records)
    Acled,
    /// GeoJSON FeatureCollection of happenings (merged events) with coordinates
    Geojson,
    /// Parquet file, one row per event (needs --out)
    Parquet,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The store file to export from
    #[arg(long, default_value = "annals.db")]
    pub db: PathBuf,
    /// Output format
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    /// Write to this file instead of stdout
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub filters: FilterArgs,
}

/// Event filters shared by `search` and `export`.
#[derive(Debug, Args)]
pub struct FilterArgs {
    /// Actor code prefix, actor or recipient side (e.g. USA, USAGOV)
    #[arg(long)]
    pub actor: Option<String>,
    /// Country code of an actor, a recipient or the place (e.g. FRA)
    #[arg(long)]
    pub country: Option<String>,
    /// PLOVER event type (e.g. PROTEST)
    #[arg(long)]
    pub event: Option<String>,
    /// PLOVER mode
    #[arg(long)]
    pub mode: Option<String>,
    /// Modality (asserted, denied, hypothetical, ...)
    #[arg(long)]
    pub modality: Option<String>,
    /// Events that may have happened on or after this date (YYYY, YYYY-MM or YYYY-MM-DD)
    #[arg(long, visible_alias = "since", value_name = "DATE")]
    pub from: Option<String>,
    /// Events that may have happened on or before this date (YYYY, YYYY-MM or YYYY-MM-DD)
    #[arg(long, visible_alias = "until", value_name = "DATE")]
    pub to: Option<String>,
    /// Events inside min_lon,min_lat,max_lon,max_lat
    #[arg(long, value_name = "BOX", allow_hyphen_values = true)]
    pub bbox: Option<String>,
    /// Events whose place name contains this
    #[arg(long)]
    pub place: Option<String>,
    /// Events attributed to a source containing this
    #[arg(long)]
    pub source: Option<String>,
    /// Documents from this outlet
    #[arg(long)]
    pub outlet: Option<String>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The store file to serve (create it with `annals ingest`)
    #[arg(long, default_value = "annals.db")]
    pub db: PathBuf,
    /// The address to listen on (port 0 picks a free port)
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: std::net::SocketAddr,
    /// Accept `POST /api/documents` from requests with `Authorization: Bearer TOKEN`
    /// (also read from ANNALS_WRITE_TOKEN); without it the server is read-only
    #[arg(
        long,
        value_name = "TOKEN",
        env = "ANNALS_WRITE_TOKEN",
        hide_env_values = true
    )]
    pub write_token: Option<String>,
    /// A PETRARCH/TABARI dictionary used when ingesting over HTTP; repeatable
    #[arg(long = "dictionary", value_name = "PATH")]
    pub dictionaries: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct BenchStoreArgs {
    /// The store file; generated up to --events events if it holds fewer, else reused
    #[arg(long)]
    pub db: PathBuf,
    /// Events the store should hold
    #[arg(long, default_value_t = 1_000_000)]
    pub events: u64,
    /// Timed runs of each query kind
    #[arg(long, default_value_t = 50)]
    pub runs: usize,
    /// Seed of the generator and of the query parameters
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Fail (exit status 1) when any query kind's p95 latency exceeds this many milliseconds
    #[arg(long)]
    pub max_p95_ms: Option<f64>,
}
