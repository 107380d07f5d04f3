//! Prints the places found in a text file (or standard input) as JSON lines.

use annals_places::{PlaceContext, PlaceRecognizer};
use std::io::Read;

fn main() {
    let mut text = String::new();
    match std::env::args().nth(1) {
        Some(path) => text = std::fs::read_to_string(path).unwrap_or_default(),
        None => {
            let _ = std::io::stdin().read_to_string(&mut text);
        }
    }
    let rec = PlaceRecognizer::new();
    for m in rec.recognize(&text, &[], &PlaceContext::default()) {
        println!("{}", serde_json::to_string(&m).unwrap_or_default());
    }
}
