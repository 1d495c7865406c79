//! The sample plans (the five seed documents), compiled into the binary so a fresh install has
//! something to show. Loaded at start-up when absent; never overwrites a stored plan.

use keikaku_domain::import::parse_plan_file;
use keikaku_store::{ImportMode, Store};

const SAMPLES: [(&str, &[u8]); 5] = [
    (
        "samples/plans/komagane.json",
        include_bytes!("../../samples/plans/komagane.json"),
    ),
    (
        "samples/plans/shimada.json",
        include_bytes!("../../samples/plans/shimada.json"),
    ),
    (
        "samples/plans/ena.json",
        include_bytes!("../../samples/plans/ena.json"),
    ),
    (
        "samples/plans/kamigori.json",
        include_bytes!("../../samples/plans/kamigori.json"),
    ),
    (
        "samples/plans/matsue.json",
        include_bytes!("../../samples/plans/matsue.json"),
    ),
];

pub async fn load(store: &Store) -> Result<(), String> {
    for (name, bytes) in SAMPLES {
        let file = parse_plan_file(name, bytes).map_err(|e| e.to_string())?;
        store
            .import_plan(&file, ImportMode::IfAbsent)
            .await
            .map_err(|e| format!("{name}: {e}"))?;
    }
    Ok(())
}
