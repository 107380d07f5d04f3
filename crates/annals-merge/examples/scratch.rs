use annals_document::Document;
use annals_pipeline::Pipeline;
fn main() {
    let p = Pipeline::new();
    for line in std::io::stdin().lines() {
        let line = line.unwrap();
        let (date, text) = line.split_once('|').unwrap();
        let doc = Document::new(text.to_string()).with_date(Some(date.parse().unwrap()));
        let x = p.extract(doc);
        println!("== {text}");
        for e in &x.events {
            println!("{} {:?} {} actor={:?} recip={:?} date={:?} loc={:?} size={:?} dead={:?} mod={:?} attr={:?}", e.event, e.mode, e.cameo,
              e.actor.iter().map(|a| &a.code).collect::<Vec<_>>(), e.recipient.iter().map(|a| &a.code).collect::<Vec<_>>(),
              e.date.as_ref().map(|d| (&d.value, &d.earliest, &d.latest)), e.event_loc.as_ref().map(|l| (&l.name, l.lat, l.lon)),
              e.size.as_ref().map(|q| q.value), e.dead.as_ref().map(|q| q.value), e.modality, e.attribution.iter().map(|a| (&a.text, a.kind)).collect::<Vec<_>>());
        }
    }
}
