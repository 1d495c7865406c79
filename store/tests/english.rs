//! A plan file's English through a real SQLite file: a department's English is kept with the
//! department (another plan of the organization may name it without giving it), a roadmap
//! cell's with the plan's English, and both come back as the file gave them.

mod support;

use keikaku_domain::english::DepartmentEn;
use keikaku_domain::format::PlanFile;
use keikaku_domain::lang::Lang;
use keikaku_store::{ImportMode, Store};

fn file(plan_id: &str) -> PlanFile {
    serde_json::from_value(serde_json::json!({
        "format": "keikaku-plan/1",
        "organization": {
            "id": "test-city", "name": "試験市", "prefecture": "長野県",
            "departments": [
                { "name": "企画課", "note": "計画の事務局",
                  "en": { "name": "Planning Division", "note": "Runs the plan" } },
                { "name": "子ども課" }
            ]
        },
        "plan": {
            "id": plan_id, "title": "試験市DX計画",
            "period": { "start_fiscal_year": 2022, "end_fiscal_year": 2024 },
            "measures": [{
                "id": "m1", "title": "施策1",
                "lead_departments": ["企画課"], "related_departments": ["子ども課"],
                "schedule": [{ "fiscal_year": 2022, "text": "検討", "en": { "text": "Study" } },
                    { "fiscal_year": 2023, "text": "試験導入" }],
                "actions": [{ "id": "m1-1", "title": "取組",
                    "schedule": [{ "fiscal_year": 2023, "text": "調査 導入計画", "through": 2024,
                        "en": { "text": "Survey and plan the introduction" } }] }]
            }]
        }
    }))
    .unwrap()
}

#[tokio::test]
async fn department_and_roadmap_cell_english_come_back_from_the_store() {
    let dir = support::TempDir::new("english", "round-trip");
    let store = Store::open(&dir.0).await.unwrap();
    let original = file("test-plan");
    store
        .import_plan(&original, ImportMode::Create)
        .await
        .unwrap();
    let (organization, plan) = store.load_plan("test-plan").await.unwrap().unwrap();
    assert_eq!(organization, original.organization);
    assert_eq!(plan, original.plan);
    let english = plan.in_language(&organization, Lang::En);
    assert_eq!(english.measures[0].lead_departments, ["Planning Division"]);
    assert_eq!(english.measures[0].related_departments, ["子ども課"]);
    let summary = &store.plan_summaries().await.unwrap()[0];
    assert!(summary.has_english);
}

#[tokio::test]
async fn a_plan_that_gives_no_department_english_leaves_what_another_gave() {
    let dir = support::TempDir::new("english", "departments");
    let store = Store::open(&dir.0).await.unwrap();
    store
        .import_plan(&file("first-plan"), ImportMode::Create)
        .await
        .unwrap();
    // A second plan of the organization names the same department without its English.
    let mut second = file("second-plan");
    for department in &mut second.organization.departments {
        department.en = None;
        department.note = None;
    }
    second.plan.measures[0].schedule[0].en = None;
    second.plan.measures[0].actions[0].schedule[0].en = None;
    store
        .import_plan(&second, ImportMode::Create)
        .await
        .unwrap();
    let (organization, plan) = store.load_plan("second-plan").await.unwrap().unwrap();
    assert_eq!(
        organization.departments[0].en,
        Some(DepartmentEn {
            name: Some("Planning Division".into()),
            note: Some("Runs the plan".into()),
        })
    );
    // The second plan's own English is its own: none for its cells, though its departments
    // read in English.
    assert!(plan.measures[0].schedule.iter().all(|c| c.en.is_none()));
    let summaries = store.plan_summaries().await.unwrap();
    assert!(summaries.iter().all(|s| s.has_english), "{summaries:?}");

    // A later file that gives other English replaces it.
    let mut renamed = file("first-plan");
    renamed.organization.departments[0].en = Some(DepartmentEn {
        name: Some("Policy Planning Division".into()),
        note: None,
    });
    store
        .import_plan(&renamed, ImportMode::Replace)
        .await
        .unwrap();
    let (organization, _) = store.load_plan("first-plan").await.unwrap().unwrap();
    assert_eq!(
        organization.departments[0]
            .en
            .as_ref()
            .and_then(|en| en.name.as_deref()),
        Some("Policy Planning Division")
    );
}
