//! Each reader on fixtures written for these tests.

mod common;

use annals_document::{Severity, document_id};
use annals_ingest::{Format, Item, ReadOptions, expand};
use common::{date, fixture, read_fixture, read_mem};
use std::path::PathBuf;

fn opts() -> ReadOptions {
    ReadOptions::default()
}

#[test]
fn text_with_header() {
    let out = read_fixture("header.txt", &opts());
    assert!(out.diags.is_empty(), "{:?}", out.diags);
    let doc = &out.docs[0];
    assert_eq!(
        doc.title.as_deref(),
        Some("Harbor talks resume in Valdoria")
    );
    assert_eq!(doc.date, Some(date("2024-10-21")));
    assert_eq!(doc.outlet.as_deref(), Some("The Coastal Ledger"));
    assert_eq!(
        doc.url.as_deref(),
        Some("https://ledger.example/harbor-talks")
    );
    assert_eq!(doc.language, "en-GB");
    assert!(
        doc.text
            .starts_with("The fisheries ministry of Valdoria said")
    );
    assert!(
        doc.text
            .ends_with("Officials declined to give further details.")
    );
    assert!(doc.text.contains("next week.\n\nOfficials"));
    assert_eq!(doc.origin.format, "text");
    assert!(doc.origin.path.ends_with("header.txt"));
    assert_eq!(doc.id, document_id(&doc.text, doc.date));
}

#[test]
fn text_with_header_on_the_first_text_line() {
    let out = read_fixture("inline_header.txt", &opts());
    assert!(out.diags.is_empty(), "{:?}", out.diags);
    let doc = &out.docs[0];
    assert_eq!(doc.date, Some(date("2024-10-21")));
    assert!(
        doc.text
            .starts_with("On October 21, the Ministry of Fisheries announced"),
        "{}",
        doc.text
    );
    assert!(doc.text.ends_with("two weeks of protests."));
    assert_eq!(doc.id, document_id(&doc.text, doc.date));
}

#[test]
fn text_without_header() {
    let out = read_fixture("plain.txt", &opts());
    let doc = &out.docs[0];
    assert_eq!(doc.date, None);
    assert!(doc.text.starts_with("Date growers in the southern valley"));
    assert_eq!(doc.language, "en");
}

#[test]
fn header_date_in_words() {
    for header in [
        "date 21 October 2024",
        "date October 21, 2024",
        "date: 2024-10-21T22:15:00+09:00",
    ] {
        let input = format!("{header}\nTroops crossed the river.");
        let out = read_mem("x.txt", input.as_bytes(), &opts());
        assert_eq!(out.docs[0].date, Some(date("2024-10-21")), "{header}");
        assert_eq!(out.docs[0].text, "Troops crossed the river.");
    }
}

#[test]
fn jsonl_records_and_bad_lines() {
    let out = read_fixture("articles.jsonl", &opts());
    let texts: Vec<&str> = out.docs.iter().map(|d| d.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "The port of Kelmar reopened on Monday after a two-day strike.",
            "Dock workers voted to end the strike.",
            "Ferries resumed service to the islands.",
        ]
    );
    let first = &out.docs[0];
    assert_eq!(first.origin.record_id.as_deref(), Some("a-1"));
    assert_eq!(first.origin.line, Some(1));
    assert_eq!(first.origin.format, "jsonl");
    assert_eq!(first.outlet.as_deref(), Some("Harbor Daily"));
    assert_eq!(first.title.as_deref(), Some("Port reopens"));
    assert_eq!(first.url.as_deref(), Some("https://harbor.example/1"));
    assert_eq!(first.date, Some(date("2024-10-21")));
    let second = &out.docs[1];
    assert_eq!(second.origin.record_id.as_deref(), Some("42"));
    assert_eq!(second.date, Some(date("2024-10-22")));
    assert_eq!(second.origin.line, Some(2));
    assert_eq!(out.docs[2].origin.line, Some(7));
    assert_eq!(out.docs[2].date, None);

    let errors = out.errors();
    let at: Vec<String> = errors
        .iter()
        .map(|d| d.input.rsplit('/').next().unwrap().to_string())
        .collect();
    assert_eq!(
        at,
        ["articles.jsonl:4", "articles.jsonl:5", "articles.jsonl:6"]
    );
    assert!(
        errors[0].message.starts_with("invalid JSON"),
        "{}",
        errors[0].message
    );
    assert!(
        !errors[0].message.contains("line 1"),
        "{}",
        errors[0].message
    );
    assert!(
        errors[1].message.contains("no \"text\""),
        "{}",
        errors[1].message
    );
    assert!(
        errors[2].message.starts_with("invalid record"),
        "{}",
        errors[2].message
    );
    let warnings = out.warnings();
    assert_eq!(warnings.len(), 1);
    assert!(warnings[0].input.ends_with("articles.jsonl:7"));
    assert!(warnings[0].message.contains("next Tuesday"));
    for d in &out.diags {
        assert!(!d.message.ends_with('.'), "{}", d.message);
    }
}

#[test]
fn json_array() {
    let out = read_fixture("articles.json", &opts());
    assert_eq!(out.docs.len(), 2);
    assert_eq!(out.docs[0].origin.item, Some(1));
    assert_eq!(out.docs[1].outlet.as_deref(), Some("River Post"));
    assert_eq!(out.docs[1].date, Some(date("2024-11-03")));
    let errors = out.errors();
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].message.starts_with("item 3: "),
        "{}",
        errors[0].message
    );
}

#[test]
fn html_article_with_meta() {
    let out = read_fixture("page_meta.html", &opts());
    assert!(out.diags.is_empty(), "{:?}", out.diags);
    let doc = &out.docs[0];
    assert_eq!(
        doc.text,
        "Mayor of Tessaly resigns\n\n\
         The mayor of Tessaly resigned on Friday after the city council rejected his budget.\n\n\
         Council members said the plan cut school funding by 12 percent & raised fees.\n\n\
         What happens next\n\n\
         An interim mayor will be chosen within thirty days."
    );
    assert_eq!(
        doc.title.as_deref(),
        Some("Mayor of Tessaly resigns after budget dispute")
    );
    assert_eq!(doc.date, Some(date("2024-09-14")));
    assert_eq!(doc.outlet.as_deref(), Some("The Valley Gazette"));
    assert_eq!(
        doc.url.as_deref(),
        Some("https://gazette.example/mayor-resigns")
    );
    assert_eq!(doc.language, "en-US");
    assert_eq!(doc.origin.format, "html");
    assert_eq!(doc.id, document_id(&doc.text, doc.date));
}

#[test]
fn html_without_article_uses_json_ld() {
    let out = read_fixture("page_jsonld.html", &opts());
    assert!(out.diags.is_empty(), "{:?}", out.diags);
    let doc = &out.docs[0];
    assert_eq!(
        doc.text,
        "Heavy rain flooded the lower town of Merin on Sunday.\n\n\
         Rescue teams evacuated around two hundred residents from the riverside streets.\n\n\
         The regional governor promised emergency funds."
    );
    assert_eq!(doc.date, Some(date("2023-03-05")));
    assert_eq!(doc.outlet.as_deref(), Some("Merin Today"));
    assert_eq!(doc.title.as_deref(), Some("Floods in Merin"));
    assert_eq!(doc.language, "fr");
    assert_eq!(doc.url, None);
}

#[test]
fn html_time_element_inside_the_article_wins() {
    let out = read_fixture("page_time.html", &opts());
    let doc = &out.docs[0];
    assert_eq!(doc.date, Some(date("2022-07-19")));
    assert!(doc.text.ends_with("to protest fuel prices."));
    assert!(!doc.text.contains("Site launched"));
}

#[test]
fn rss_feed() {
    let out = read_fixture("feed_rss.xml", &opts());
    assert_eq!(out.docs.len(), 2);
    let first = &out.docs[0];
    assert_eq!(
        first.text,
        "Miners at the Barrow pit walked out on Monday.\n\nThe union demanded \"safer shafts\"."
    );
    assert_eq!(first.title.as_deref(), Some("Miners strike at Barrow pit"));
    assert_eq!(first.date, Some(date("2024-10-21")));
    assert_eq!(first.url.as_deref(), Some("https://wire.example/miners"));
    assert_eq!(first.outlet.as_deref(), Some("Northern Wire"));
    assert_eq!(first.origin.item, Some(1));
    assert_eq!(first.origin.record_id.as_deref(), Some("wire-1001"));
    assert_eq!(first.origin.format, "feed");
    let second = &out.docs[1];
    assert_eq!(second.text, "The coastal rail line reopened after repairs.");
    assert_eq!(second.origin.item, Some(2));
    let warnings = out.warnings();
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].message, "item 3 has no text, skipped");
    assert!(out.errors().is_empty());
}

#[test]
fn atom_feed() {
    let out = read_fixture("feed_atom.xml", &opts());
    assert!(out.diags.is_empty(), "{:?}", out.diags);
    assert_eq!(out.docs.len(), 2);
    let first = &out.docs[0];
    assert_eq!(
        first.text,
        "The island council approved a harbor expansion.\n\nWork starts in June."
    );
    assert_eq!(first.date, Some(date("2024-05-01")));
    assert_eq!(first.url.as_deref(), Some("https://courier.example/harbor"));
    assert_eq!(first.outlet.as_deref(), Some("Island Courier"));
    assert_eq!(first.origin.record_id.as_deref(), Some("urn:courier:1"));
    let second = &out.docs[1];
    assert_eq!(
        second.date,
        Some(date("2024-05-03")),
        "updated when not published"
    );
    assert_eq!(
        second.text,
        "Ferry fares will rise by five percent in July."
    );
}

#[test]
fn folder_is_expanded_sorted_without_hidden_files() {
    let mut diags = Vec::new();
    let inputs = expand(&[fixture("folder"), PathBuf::from("-")], &mut |item| {
        if let Item::Diagnostic(d) = item {
            diags.push(d);
        }
    });
    assert!(diags.is_empty(), "{diags:?}");
    let names: Vec<String> = inputs
        .iter()
        .map(|i| {
            let p = i.path.to_string_lossy().to_string();
            p.split("fixtures/").last().unwrap_or(&p).to_string()
        })
        .collect();
    assert_eq!(
        names,
        [
            "folder/a/inner.html",
            "folder/a/more.jsonl",
            "folder/b.txt",
            "-"
        ]
    );
    assert!(inputs[0].size.is_some() && inputs[3].size.is_none());
}

#[test]
fn missing_path_is_reported() {
    let mut diags = Vec::new();
    let inputs = expand(&[fixture("no-such-file.txt")], &mut |item| {
        if let Item::Diagnostic(d) = item {
            diags.push(d);
        }
    });
    assert!(inputs.is_empty());
    assert_eq!(diags[0].severity, Severity::Error);
    assert!(diags[0].input.ends_with("no-such-file.txt"));
}

#[test]
fn sniffing_without_extension_and_forced_format() {
    let rss = std::fs::read(fixture("feed_rss.xml")).unwrap();
    assert_eq!(read_mem("-", &rss, &opts()).docs.len(), 2);
    let jsonl = std::fs::read(fixture("articles.jsonl")).unwrap();
    assert_eq!(read_mem("-", &jsonl, &opts()).docs.len(), 3);
    let html = std::fs::read(fixture("page_meta.html")).unwrap();
    assert_eq!(read_mem("-", &html, &opts()).docs[0].origin.format, "html");
    let forced = ReadOptions {
        format: Some(Format::Text),
        ..opts()
    };
    let out = read_mem("page.html", &html, &forced);
    assert_eq!(out.docs[0].origin.format, "text");
    assert!(out.docs[0].text.contains("<article>"));
}

#[test]
fn same_article_same_id_across_formats() {
    let text = read_mem(
        "a.txt",
        b"date 2024-10-21\nRebels seized the town.",
        &opts(),
    );
    let jsonl = read_mem(
        "a.jsonl",
        br#"{"date":"2024-10-21","text":"Rebels seized the town."}"#,
        &opts(),
    );
    let html = read_mem(
        "a.html",
        b"<html><head><meta property=\"article:published_time\" content=\"2024-10-21\"></head><body><p>Rebels seized the town.</p></body></html>",
        &opts(),
    );
    assert_eq!(text.docs[0].id, jsonl.docs[0].id);
    assert_eq!(text.docs[0].id, html.docs[0].id);
}

#[test]
fn format_names_round_trip() {
    for f in Format::ALL {
        assert_eq!(f.name().parse::<Format>().unwrap(), f);
        assert_eq!(f.to_string(), f.name());
    }
    assert_eq!("JSONL".parse::<Format>().unwrap(), Format::Jsonl);
    assert!("pdf".parse::<Format>().is_err());
}

#[test]
fn html_teaser_articles_do_not_beat_the_story() {
    let out = read_fixture("page_teasers.html", &opts());
    let doc = &out.docs[0];
    assert_eq!(
        doc.text,
        "Dam inspection ordered\n\n\
         The water authority of Lurn ordered an inspection of the old dam on Wednesday after engineers reported new cracks in its eastern wall.\n\n\
         Residents of three villages below the dam were told to prepare for a possible evacuation, although officials said there was no immediate danger.\n\n\
         The dam, built in 1931, was last repaired a decade ago."
    );
    assert_eq!(doc.title.as_deref(), Some("Dam inspection ordered"));
}

#[test]
fn json_file_with_one_pretty_printed_record() {
    let data = b"{\n  \"id\": \"p-1\",\n  \"date\": \"2024-06-01\",\n  \"text\": \"Voters went to the polls.\"\n}\n";
    let out = read_mem("one.json", data, &opts());
    assert!(out.diags.is_empty(), "{:?}", out.diags);
    assert_eq!(out.docs[0].text, "Voters went to the polls.");
    assert_eq!(out.docs[0].origin.record_id.as_deref(), Some("p-1"));
    let lines = b"{\"text\": \"One.\"}\n{\"text\": \"Two.\"}\n";
    let out = read_mem("many.json", lines, &opts());
    assert_eq!(out.docs.len(), 2);
    assert_eq!(out.docs[1].origin.line, Some(2));
}

#[test]
fn html_language_fallbacks_and_br_paragraphs() {
    let page = b"<html><head><meta property=\"og:locale\" content=\"de_DE\"></head>\
<body><div>Erster Absatz.<br><br>Zweiter Absatz.</div></body></html>";
    let out = read_mem("x.html", page, &opts());
    let doc = &out.docs[0];
    assert_eq!(doc.language, "de-DE");
    assert_eq!(doc.text, "Erster Absatz.\n\nZweiter Absatz.");
    let page = b"<html lang=\"es\"><head><meta property=\"og:locale\" content=\"de_DE\"></head><body><p>Hola.</p></body></html>";
    assert_eq!(read_mem("y.html", page, &opts()).docs[0].language, "es");
}

#[test]
fn feed_item_dates_are_the_local_day_and_missing_ids_stay_missing() {
    let rss = br#"<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>DC</title>
<item><title>A</title><description>Troops left the town.</description><dc:date>2024-04-03T23:30:00-05:00</dc:date></item>
<item><title>B</title><description>Police arrived.</description><pubDate>Wed, 03 Apr 2024 22:00:00 -0700</pubDate></item>
</channel></rss>"#;
    let out = read_mem("f.rss", rss, &opts());
    assert_eq!(out.docs.len(), 2);
    for doc in &out.docs {
        assert_eq!(doc.date, Some(date("2024-04-03")));
        assert_eq!(doc.origin.record_id, None);
    }
}

#[cfg(unix)]
#[test]
fn folder_symlink_loops_are_walked_once() {
    let dir = std::env::temp_dir().join(format!("annals-ingest-loop-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("sub/a.txt"), "Guards closed the gate.").unwrap();
    std::os::unix::fs::symlink(&dir, dir.join("sub/loop")).unwrap();
    let inputs = expand(std::slice::from_ref(&dir), &mut |_| {});
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(inputs.len(), 1, "{inputs:?}");
    assert!(inputs[0].path.ends_with("sub/a.txt"));
}
