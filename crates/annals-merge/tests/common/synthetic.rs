//! Synthetic reports for scale tests: clusters of reports of fictional happenings.

use annals_document::Document;
use annals_merge::Report;
use annals_pipeline::Pipeline;

const TYPES: [&str; 6] = ["ASSAULT", "COERCE", "PROTEST", "CONSULT", "AID", "ACCUSE"];
const SECTORS: [&str; 5] = ["MIL", "GOV", "COP", "REB", "CVL"];
const WORDS: [&str; 24] = [
    "convoy",
    "bridge",
    "market",
    "village",
    "harbour",
    "depot",
    "rally",
    "summit",
    "border",
    "station",
    "school",
    "airport",
    "ministry",
    "pipeline",
    "camp",
    "port",
    "square",
    "factory",
    "hospital",
    "checkpoint",
    "talks",
    "shipment",
    "barracks",
    "embassy",
];

/// A small deterministic generator (64-bit LCG).
pub struct Lcg(pub u64);

impl Lcg {
    /// The next number below `n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n.max(1)
    }
}

fn quad_of(t: &str) -> u8 {
    match t {
        "CONSULT" => 1,
        "AID" => 2,
        "ACCUSE" => 3,
        _ => 4,
    }
}

/// `happenings` fictional happenings with 1 to 6 reports each; returns the reports and, for
/// each report, the index of the happening it describes.
#[allow(dead_code)]
pub fn reports(happenings: usize, seed: u64) -> (Vec<Report>, Vec<usize>) {
    reports_in(happenings, seed, 26 * 26, 365)
}

/// As [`reports`], with the actors drawn from `countries` countries and the dates from `days`
/// days (few countries and days make dense blocks).
#[allow(dead_code)]
pub fn reports_in(
    happenings: usize,
    seed: u64,
    countries: u64,
    days: u64,
) -> (Vec<Report>, Vec<usize>) {
    let pipeline = Pipeline::new();
    let mut doc = Document::new("Russian troops attacked Kharkiv on Thursday.".into())
        .with_date(Some("2024-10-04".parse().unwrap()));
    doc.outlet = Some("Template".into());
    let template = Report::from_extraction(&pipeline.extract(doc))
        .into_iter()
        .next()
        .expect("the template sentence codes an event");
    let base = template.event.date.clone().expect("template date");
    let loc = template.event.event_loc.clone().expect("template place");
    let party = template
        .event
        .actor
        .first()
        .cloned()
        .expect("template actor");
    let mut rng = Lcg(seed);
    let mut out = Vec::new();
    let mut truth = Vec::new();
    for h in 0..happenings {
        let t = TYPES[rng.below(TYPES.len() as u64) as usize];
        // Three uppercase letters: C + two letters from the number.
        let n = rng.below(countries.clamp(1, 26 * 26));
        let country = format!(
            "C{}{}",
            (b'A' + (n / 26) as u8) as char,
            (b'A' + (n % 26) as u8) as char
        );
        let code = format!("{country}{}", SECTORS[rng.below(5) as usize]);
        let day = rng.below(days) as i64;
        let date = jiff::civil::date(2024, 1, 1)
            .checked_add(jiff::Span::new().days(day))
            .unwrap();
        let lat = -50.0 + rng.below(10_000) as f64 / 100.0;
        let lon = -150.0 + rng.below(30_000) as f64 / 100.0;
        let words: Vec<&str> = (0..4)
            .map(|_| WORDS[rng.below(WORDS.len() as u64) as usize])
            .collect();
        let copies = 1 + rng.below(6) as usize;
        for c in 0..copies {
            let mut r = template.clone();
            r.doc_id = format!("doc{h:07}x{c}");
            r.event_index = 0;
            r.outlet = Some(format!("Outlet {}", rng.below(50)));
            r.published = Some(date.checked_add(jiff::Span::new().days(1)).unwrap());
            r.sentence = format!(
                "{} {} {} {} {}",
                code,
                t.to_lowercase(),
                words[0],
                words[1],
                words[c % 4]
            );
            let e = &mut r.event;
            e.event = t.to_string();
            e.quad_code = quad_of(t);
            let mut p = party.clone();
            p.code = code.clone();
            p.country = country.clone();
            e.actor = vec![p];
            e.recipient.clear();
            let mut d = base.clone();
            d.value = date.to_string();
            d.earliest = Some(date.to_string());
            d.latest = Some(date.to_string());
            e.date = Some(d);
            let mut l = loc.clone();
            l.country = country.clone();
            l.lat = Some(lat + rng.below(10) as f64 / 100.0);
            l.lon = Some(lon + rng.below(10) as f64 / 100.0);
            e.event_loc = Some(l);
            e.size = None;
            e.dead = None;
            out.push(r);
            truth.push(h);
        }
    }
    (out, truth)
}
