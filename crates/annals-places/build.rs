//! Builds the index of the embedded gazetteer (see `src/index.rs`) from
//! `data/places/gazetteer.tsv.gz`, so that loading it reads a ready table instead of parsing,
//! sorting and indexing some 250,000 names.

use std::io::Read;
use std::path::PathBuf;

#[allow(dead_code)]
#[path = "src/fasthash.rs"]
mod fasthash;
#[allow(dead_code)]
#[path = "src/index.rs"]
mod index;
#[allow(dead_code)]
#[path = "src/tokens.rs"]
mod tokens;

fn main() {
    let data = PathBuf::from("../../data/places/gazetteer.tsv.gz");
    for p in [
        "../../data/places/gazetteer.tsv.gz",
        "src/index.rs",
        "src/tokens.rs",
        "src/fasthash.rs",
        "build.rs",
    ] {
        println!("cargo:rerun-if-changed={p}");
    }
    let compressed = match std::fs::read(&data) {
        Ok(b) => b,
        Err(e) => {
            println!("cargo:warning=cannot read {}: {e}", data.display());
            Vec::new()
        }
    };
    let mut text = String::new();
    if !compressed.is_empty()
        && let Err(e) = flate2::read::GzDecoder::new(&compressed[..]).read_to_string(&mut text)
    {
        println!("cargo:warning=cannot decompress {}: {e}", data.display());
        text.clear();
    }
    let index = index::build(&text);
    let out =
        PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default()).join("gazetteer.index");
    if let Err(e) = std::fs::write(&out, index) {
        println!("cargo:warning=cannot write {}: {e}", out.display());
        std::process::exit(1);
    }
}
