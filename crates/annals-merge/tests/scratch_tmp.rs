use annals_document::Document;
use annals_merge::{MergeConfig, Merger, Report};
use annals_pipeline::Pipeline;

#[test]
fn scratch() {
    let p = Pipeline::new();
    let arts = [
        ("Daily Courier", "2024-10-04", "Russian troops attacked Kharkiv on Thursday, the Ukrainian military said."),
        ("Evening Star", "2024-10-04", "Russian forces shelled Kharkiv on Thursday, killing five civilians, local officials said."),
        ("Morning Post", "2024-10-05", "Russia denied attacking Kharkiv on Thursday."),
        ("Morning Post", "2024-10-05", "Russian troops did not attack Kharkiv on Thursday, the Kremlin said."),
        ("Daily Courier", "2024-10-04", "Russia deployed 10,000 troops near Belgorod on Thursday, the Ukrainian defense ministry said."),
        ("Evening Star", "2024-10-05", "Russia deployed 12,000 troops near Belgorod on Thursday, a Western diplomat said."),
        ("Daily Courier", "2024-10-06", "Police arrested 20 protesters in Lyon on Saturday."),
        ("Evening Star", "2024-10-06", "Police arrested 20 protesters in Marseille on Saturday."),
        ("Evening Star", "2024-10-02", "Police arrested 20 protesters in Lyon on Monday."),
        ("Evening Star", "2024-10-04", "Israeli troops attacked Gaza on Thursday, witnesses said."),
    ];
    let mut reports = Vec::new();
    for (o, d, t) in arts {
        let mut doc = Document::new(t.into()).with_date(Some(d.parse().unwrap()));
        doc.outlet = Some(o.into());
        let r = Report::from_extraction(&p.extract(doc));
        for x in &r { println!("{} {} {:?} {:?} {:?} {:?}", x.key(), x.event.event, x.event.modality, x.event.actor.iter().map(|a|&a.code).collect::<Vec<_>>(), x.event.event_loc.as_ref().map(|l|&l.name), x.event.date.as_ref().map(|d|&d.value)); }
        reports.extend(r);
    }
    let h = Merger::new(MergeConfig::default()).merge(&reports);
    println!("{}", serde_json::to_string_pretty(&h).unwrap());
}
