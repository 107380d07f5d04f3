//! `annals serve`: the JSON API and web UI over a store, until Ctrl-C or SIGTERM.

use crate::cli::ServeArgs;
use std::process::ExitCode;

pub fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let config = annals_serve::Config {
        db: args.db,
        addr: args.addr,
        write_token: args.write_token.filter(|t| !t.is_empty()),
        dictionaries: args.dictionaries,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| anyhow::anyhow!("cannot start the async runtime: {e}"))?;
    runtime.block_on(annals_serve::serve(config))?;
    Ok(ExitCode::SUCCESS)
}
