//! Merges every pending event of a store and prints the CPU time it took.
//!
//! `cargo run --release -p annals-store --example pending_merge_bench -- STORE [CHUNK]`

use annals_merge::{MergeConfig, Merger};
use annals_store::Store;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// CPU time of the calling thread, in seconds (0 where the system does not tell).
fn thread_cpu_secs() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .map_or(0.0, |ns| ns as f64 / 1e9)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: pending_merge_bench STORE [CHUNK]")?;
    let chunk: usize = args.next().map_or(Ok(50_000), |c| c.parse())?;
    let mut store = Store::open(&path)?;
    let merger = Merger::new(MergeConfig::default());
    let t = thread_cpu_secs();
    let stats = store.merge_all_pending(&merger, chunk)?;
    let secs = thread_cpu_secs() - t;
    println!("{stats:?}\n{secs:.3} CPU s merging");
    Ok(())
}
