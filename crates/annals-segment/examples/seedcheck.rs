fn main() {
    let path = std::env::args().nth(1).unwrap();
    let skip: usize = std::env::args().nth(2).and_then(|s| s.parse().ok()).unwrap_or(0);
    let raw = std::fs::read_to_string(path).unwrap();
    let text = &raw[skip..];
    let s = annals_segment::NewsSegmenter::new().segment(text);
    for x in &s { println!("[{:?} {}] {}", x.kind, x.rule, x.span.slice(text)); }
    println!("{} sentences", s.len());
}
