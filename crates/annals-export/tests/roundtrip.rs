//! Every export format, written from a store of fixture articles and read back with a standard
//! reader (serde_json, csv, parquet).

use annals_document::Document;
use annals_export::{
    ACLED_COLUMNS, ExportError, ExportEvent, Format, GDELT_COLUMNS, ParquetWriter, event_sink,
    export_events, export_happenings,
};
use annals_merge::{MergeConfig, Merger};
use annals_pipeline::Pipeline;
use annals_store::{EventQuery, HappeningQuery, Order, Store};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::OnceLock;

/// Fixture articles: (date, outlet, url, text).
const ARTICLES: &[(&str, &str, &str, &str)] = &[
    (
        "2024-04-10",
        "Rhone Daily",
        "https://rhone.example/2024/04/farmers",
        "Thousands of farmers protested in Lyon on Tuesday against new fuel taxes, police \
         said.\n\nPolice arrested 12 protesters near the town hall.",
    ),
    (
        "2024-04-10",
        "Alpine Courier",
        "https://alpine.example/news/lyon-protest",
        "Farmers protested in Lyon on Tuesday over fuel taxes, union leaders said.",
    ),
    (
        "2024-05-03",
        "Eastern Wire",
        "https://eastern.example/kharkiv",
        "Russian troops attacked Kharkiv on Thursday, killing 4 civilians, the Ukrainian \
         military said.\n\nThe governor said rebels fired rockets at a village near Donetsk.",
    ),
    (
        "2023-05-12",
        "Northern Post",
        "https://north.example/oslo-talks",
        "The foreign ministers of Norway and Iceland met in Oslo on Thursday to discuss \
         fishing quotas.",
    ),
];

fn pipeline() -> &'static Pipeline {
    static P: OnceLock<Pipeline> = OnceLock::new();
    P.get_or_init(Pipeline::new)
}

/// A temporary store holding the fixture articles, merged into happenings.
fn fixture_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("annals.db")).unwrap();
    let records: Vec<_> = ARTICLES
        .iter()
        .map(|(date, outlet, url, text)| {
            let mut doc = Document::new(text.to_string()).with_date(Some(date.parse().unwrap()));
            doc.outlet = Some(outlet.to_string());
            doc.url = Some(url.to_string());
            pipeline().extract(doc)
        })
        .collect();
    store.insert_batch(&records).unwrap();
    store
        .merge_all_pending(&Merger::new(MergeConfig::default()), 100)
        .unwrap();
    (dir, store)
}

fn all() -> EventQuery {
    EventQuery {
        order: Order::Oldest,
        ..EventQuery::default()
    }
}

fn export(store: &Store, format: Format, query: &EventQuery) -> Vec<u8> {
    let mut out = Vec::new();
    export_events(store, query, event_sink(format, &mut out).unwrap()).unwrap();
    out
}

fn event_count(store: &Store) -> u64 {
    store.counts().unwrap().events
}

#[test]
fn plover_jsonl_parses_line_by_line() {
    let (_dir, store) = fixture_store();
    let text = String::from_utf8(export(&store, Format::Plover, &all())).unwrap();
    let records: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len() as u64, event_count(&store));
    assert!(records.len() >= 4, "the fixtures code several events");
    for r in &records {
        assert!(r["id"].as_str().is_some_and(|s| !s.is_empty()));
        assert!(r["event"].as_array().is_some_and(|l| l.len() == 1));
        assert!(r["cite_info"]["url"].as_str().is_some());
    }
    let assault = records
        .iter()
        .find(|r| r["event"][0] == "ASSAULT" && r["dead"].is_u64())
        .expect("the Kharkiv attack with its dead");
    assert_eq!(assault["dead"], 4);
    assert_eq!(assault["actor"][0]["code"], "RUS");
    assert_eq!(assault["actor"][0]["actor_code"], "RUSMIL");
    assert_eq!(assault["event_loc"]["country_code"], "UKR");
    assert!(assault["event_loc"]["lat"].as_f64().is_some());
    assert_eq!(assault["event_scale"], -9.0);
    assert!(assault["text"].as_str().unwrap().contains("Kharkiv"));
}

#[test]
fn gdelt_rows_have_61_columns() {
    let (_dir, store) = fixture_store();
    let text = String::from_utf8(export(&store, Format::Gdelt, &all())).unwrap();
    let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(rows.len() as u64, event_count(&store));
    let col = |name: &str| GDELT_COLUMNS.iter().position(|c| *c == name).unwrap();
    let mut ids = std::collections::HashSet::new();
    for r in &rows {
        assert_eq!(r.len(), 61, "{r:?}");
        assert!(ids.insert(r[0]), "GlobalEventID is unique");
        assert!(r[0].parse::<u64>().is_ok());
        let code = r[col("EventCode")];
        assert!(code.starts_with(r[col("EventRootCode")]));
        assert_eq!(r[col("EventRootCode")].len(), 2);
        assert!(["1", "2", "3", "4"].contains(&r[col("QuadClass")]));
        assert_eq!(r[col("Day")].len(), 8);
        assert!(r[col("SOURCEURL")].starts_with("https://"));
    }
    let attack = rows
        .iter()
        .find(|r| r[col("Actor1Code")] == "RUSMIL")
        .expect("the attack");
    assert_eq!(attack[col("EventRootCode")], "19");
    assert_eq!(attack[col("Actor2CountryCode")], "UKR");
    assert_eq!(attack[col("ActionGeo_CountryCode")], "UA");
    assert!(attack[col("ActionGeo_Lat")].parse::<f64>().is_ok());
    assert_eq!(
        attack[col("IsRootEvent")],
        "",
        "no article text at hand in a store export"
    );
}

#[test]
fn acled_csv_reads_back_with_its_header() {
    let (_dir, store) = fixture_store();
    let bytes = export(&store, Format::Acled, &all());
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(header, ACLED_COLUMNS);
    let rows: Vec<HashMap<String, String>> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            assert_eq!(r.len(), ACLED_COLUMNS.len());
            header
                .iter()
                .cloned()
                .zip(r.iter().map(str::to_string))
                .collect()
        })
        .collect();
    assert!(!rows.is_empty());
    assert!(
        rows.iter()
            .all(|r| !r["event_type"].is_empty() && r["fatalities"].parse::<u64>().is_ok()),
        "every row has a type and a number of fatalities"
    );
    let protests: Vec<_> = rows
        .iter()
        .filter(|r| r["event_type"] == "Protests")
        .collect();
    assert_eq!(protests.len(), 2, "both reports of the Lyon protest");
    assert_eq!(protests[0]["sub_event_type"], "Peaceful protest");
    assert_eq!(protests[0]["country"], "France");
    assert_eq!(protests[0]["inter1"], "6", "protesters");
    assert!(protests[0]["latitude"].parse::<f64>().is_ok());
    let attack = rows
        .iter()
        .find(|r| r["fatalities"] == "4")
        .expect("the Kharkiv attack");
    assert_eq!(attack["event_type"], "Violence against civilians");
    assert_eq!(attack["civilian_targeting"], "Civilian targeting");
    assert!(attack["event_id_cnty"].starts_with("UKR"));
    let arrests = rows.iter().find(|r| r["sub_event_type"] == "Arrests");
    assert!(arrests.is_some_and(|r| r["tags"].contains("arrests=12")));
    assert!(
        rows.iter().all(|r| !r["notes"].contains("met in Oslo")),
        "meetings are not ACLED events"
    );
}

#[test]
fn geojson_parses_as_a_feature_collection_of_happenings() {
    let (_dir, store) = fixture_store();
    let mut out = Vec::new();
    let query = HappeningQuery::default();
    let summary = export_happenings(&store, &query, &mut out).unwrap();
    let value: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(value["type"], "FeatureCollection");
    let features = value["features"].as_array().unwrap();
    assert_eq!(features.len() as u64, summary.written);
    assert!(summary.written >= 2);
    for f in features {
        assert_eq!(f["geometry"]["type"], "Point");
        let c = f["geometry"]["coordinates"].as_array().unwrap();
        let (lon, lat) = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
        assert!((-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat));
        let p = &f["properties"];
        for key in [
            "id", "event", "date", "earliest", "latest", "actors", "reports",
        ] {
            assert!(!p[key].is_null(), "{key} in {p}");
        }
        assert!(p["contradiction"].is_boolean() && p["corroborated"].is_boolean());
    }
    let lyon = features
        .iter()
        .find(|f| f["properties"]["event"] == "PROTEST")
        .expect("the Lyon protest");
    assert_eq!(lyon["properties"]["reports"], 2, "two articles merged");
    assert_eq!(lyon["properties"]["outlets"], 2);
    assert_eq!(lyon["properties"]["place"], "Lyon");
}

/// The typed columns of every row of a Parquet file.
fn parquet_rows(path: &std::path::Path) -> Vec<HashMap<String, Field>> {
    let reader = SerializedFileReader::new(std::fs::File::open(path).unwrap()).unwrap();
    reader
        .get_row_iter(None)
        .unwrap()
        .map(|row| row.unwrap().into_columns().into_iter().collect())
        .collect()
}

#[test]
fn parquet_reads_back_with_typed_columns() {
    let (dir, store) = fixture_store();
    let path = dir.path().join("events.parquet");
    let file = std::fs::File::create(&path).unwrap();
    let summary =
        export_events(&store, &all(), event_sink(Format::Parquet, file).unwrap()).unwrap();
    let rows = parquet_rows(&path);
    assert_eq!(rows.len() as u64, summary.written);
    assert_eq!(rows.len() as u64, event_count(&store));
    let attack = rows
        .iter()
        .find(|r| r["actor_code"] == Field::Str("RUSMIL".into()))
        .expect("the attack");
    assert_eq!(attack["event"], Field::Str("ASSAULT".into()));
    assert_eq!(attack["dead"], Field::Long(4));
    assert_eq!(attack["quad_code"], Field::Int(4));
    assert!(matches!(attack["lat"], Field::Double(v) if (40.0..60.0).contains(&v)));
    // 2024-05-02 is day 19845 since 1970-01-01.
    assert_eq!(attack["earliest"], Field::Date(19_845));
    assert_eq!(attack["arrested"], Field::Null);
    assert!(matches!(&attack["global_id"], Field::Long(v) if *v > 0));
}

#[test]
fn parquet_spans_row_groups() {
    let (dir, store) = fixture_store();
    let mut events = Vec::new();
    store
        .for_each_event(&all(), |v| {
            events.push(ExportEvent::from_view(v));
            true
        })
        .unwrap();
    let path = dir.path().join("groups.parquet");
    let file = std::fs::File::create(&path).unwrap();
    let mut sink: Box<dyn annals_export::EventSink> =
        Box::new(ParquetWriter::with_row_group_rows(file, 2).unwrap());
    for e in &events {
        sink.write(e).unwrap();
    }
    sink.finish().unwrap();
    let reader = SerializedFileReader::new(std::fs::File::open(&path).unwrap()).unwrap();
    assert_eq!(
        reader.metadata().num_row_groups(),
        events.len().div_ceil(2),
        "a row group every two rows"
    );
    let ids: Vec<Field> = parquet_rows(&path)
        .into_iter()
        .map(|mut r| r.remove("id").unwrap())
        .collect();
    let expected: Vec<Field> = events.iter().map(|e| Field::Str(e.id.clone())).collect();
    assert_eq!(ids, expected, "rows keep their order across row groups");
}

#[test]
fn filters_select_events() {
    let (_dir, store) = fixture_store();
    let query = EventQuery {
        event: Some("protest".into()),
        country: Some("FRA".into()),
        from: Some("2024-04".into()),
        to: Some("2024-04-30".into()),
        ..all()
    };
    let text = String::from_utf8(export(&store, Format::Plover, &query)).unwrap();
    let events: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(events.len(), 2);
    assert!(events.iter().all(|e| e["event"][0] == "PROTEST"));
    let none = EventQuery {
        from: Some("2025".into()),
        ..all()
    };
    assert!(export(&store, Format::Gdelt, &none).is_empty());
    // ACLED writes its header even when nothing is selected.
    let header_only = String::from_utf8(export(&store, Format::Acled, &none)).unwrap();
    assert_eq!(header_only.lines().count(), 1);
}

#[test]
fn an_empty_store_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("empty.db")).unwrap();
    let err = export_events(
        &store,
        &all(),
        event_sink(Format::Plover, Vec::new()).unwrap(),
    )
    .unwrap_err();
    assert!(matches!(err, ExportError::EmptyStore));
    assert!(err.to_string().contains("no documents"));
    let err = export_happenings(&store, &HappeningQuery::default(), Vec::new()).unwrap_err();
    assert!(matches!(err, ExportError::EmptyStore));
}

#[test]
fn in_memory_extractions_export_too() {
    let doc = Document::new(
        "Students protested in Lyon on Monday.\n\nLater, police detained 3 students.".into(),
    )
    .with_date(Some("2024-06-04".parse().unwrap()));
    let events = ExportEvent::from_extraction(&pipeline().extract(doc));
    assert!(!events.is_empty());
    assert_eq!(events[0].lead, Some(true), "the first paragraph");
    assert!(events.iter().skip(1).all(|e| e.lead == Some(false)));
    let mut out = Vec::new();
    let mut sink = event_sink(Format::Gdelt, &mut out).unwrap();
    for e in &events {
        sink.write(e).unwrap();
    }
    sink.finish().unwrap();
    let text = String::from_utf8(out).unwrap();
    let first: Vec<&str> = text.lines().next().unwrap().split('\t').collect();
    assert_eq!(first[25], "1", "IsRootEvent");
}

#[test]
fn happenings_merged_in_memory_make_features_too() {
    let mut reports = Vec::new();
    for (date, outlet, _, text) in ARTICLES {
        let mut doc = Document::new(text.to_string()).with_date(Some(date.parse().unwrap()));
        doc.outlet = Some(outlet.to_string());
        reports.extend(annals_merge::Report::from_extraction(
            &pipeline().extract(doc),
        ));
    }
    let happenings = Merger::new(MergeConfig::default()).merge(&reports);
    let mut out = Vec::new();
    let mut writer = annals_export::GeoJsonWriter::new(&mut out).unwrap();
    for h in &happenings {
        writer
            .write(&annals_export::ExportHappening::from_happening(h))
            .unwrap();
    }
    writer.finish().unwrap();
    let value: Value = serde_json::from_slice(&out).unwrap();
    let lyon = value["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["event"] == "PROTEST")
        .expect("the Lyon protest");
    assert_eq!(lyon["properties"]["reports"], 2);
    assert_eq!(lyon["properties"]["independent_sources"], 2);
    assert_eq!(lyon["properties"]["corroborated"], true);
}
