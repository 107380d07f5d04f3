//! The geo scorer on tiny fixtures in the LGL and GeoVirus formats.

use annals_eval::geo;
use std::path::Path;

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/geo")
        .join(name)
}

#[test]
fn lgl_format_with_non_ascii_offsets() {
    let xml = std::fs::read_to_string(fixture("lgl_tiny.xml")).unwrap();
    let arts = geo::parse(&xml, "lgl_tiny.xml").unwrap();
    assert_eq!(arts.len(), 1);
    let a = &arts[0];
    let names: Vec<&str> = a.toponyms.iter().map(|t| t.span.slice(&a.text)).collect();
    assert_eq!(names, vec!["Wrocław", "Denver"]);
    let r = geo::run(&fixture("lgl_tiny.xml"), true).unwrap();
    assert_eq!(r.get("recall"), Some(1.0), "{r}\n{:?}", r.errors);
    assert_eq!(r.get("acc161"), Some(1.0), "{r}\n{:?}", r.errors);
}

#[test]
fn geovirus_format_counts_misses() {
    let xml = std::fs::read_to_string(fixture("geovirus_tiny.xml")).unwrap();
    let arts = geo::parse(&xml, "geovirus_tiny.xml").unwrap();
    let a = &arts[0];
    let names: Vec<&str> = a.toponyms.iter().map(|t| t.span.slice(&a.text)).collect();
    assert_eq!(names, vec!["Nairobi", "Geneva", "Qwertany"]);
    let r = geo::run(&fixture("geovirus_tiny.xml"), true).unwrap();
    let recall = r.get("recall").unwrap();
    assert!((recall - 2.0 / 3.0).abs() < 1e-9, "{r}\n{:?}", r.errors);
    assert_eq!(r.get("precision"), Some(1.0), "{r}\n{:?}", r.errors);
    assert!(
        r.errors
            .iter()
            .any(|e| e.contains("miss") && e.contains("Qwertany"))
    );
    let folder = geo::run(&fixture(""), false).unwrap();
    assert!(folder.get("lgl_tiny_f1").is_some());
    assert!(folder.get("f1").is_some());
}
