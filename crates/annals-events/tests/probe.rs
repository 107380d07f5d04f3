mod common;
#[test]
fn probe() {
    let text = std::env::var("PROBE").unwrap_or_default();
    let names: Vec<(String, String)> = std::env::var("ACTORS")
        .unwrap_or_default()
        .split(';')
        .filter(|s| !s.is_empty())
        .map(|p| {
            let (a, b) = p.split_once('=').unwrap();
            (a.to_string(), b.to_string())
        })
        .collect();
    let refs: Vec<(&str, &str)> = names
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    for e in common::code(&text, &refs) {
        println!(
            "{} {:?} {:?} -> {:?} {:?} att={:?} trig={:?} dead={:?} size={:?} rules={:?}",
            e.event,
            e.mode,
            common::codes(&e.actor),
            common::codes(&e.recipient),
            e.modality,
            e.attribution
                .iter()
                .map(|a| (&a.text, a.kind))
                .collect::<Vec<_>>(),
            e.trigger.text,
            e.dead.as_ref().map(|q| q.value),
            e.size.as_ref().map(|q| (q.value, q.approximate)),
            e.rules
        );
    }
}
