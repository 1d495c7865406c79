//! Every API route that names a plan, a measure, a node, an audit entry, a department or a user
//! in its path answers 404 naming that path parameter when it does not exist, asked by someone
//! who could otherwise use the route (the plan's administrator): never 200, 400 or 500.

mod support;

use support::{administrator, request_with, TestServer};

const PLAN: &str = "komagane-dx-strategy";

#[test]
fn every_api_route_answers_404_for_a_missing_plan_measure_node_and_entry() {
    let server = TestServer::start();
    let session = administrator(&server, "komagane", "k-admin", "not found test passphrase");
    let headers = [
        ("Cookie", session.cookie.as_str()),
        ("X-CSRF-Token", session.csrf.as_str()),
    ];
    let text = Some(r#"{"field":"summary","value":"x"}"#);
    let node_text = Some(r#"{"field":"title","value":"x"}"#);
    let departments = Some(r#"{"lead":["企画振興課"],"related":[]}"#);
    let placements = Some(r#"{"measures":["citizen-01"]}"#);
    let new_node = Some(r#"{"id":"new-node","parent_id":null,"kind":"goal","title":"x"}"#);
    let status = Some(r#"{"status":"draft"}"#);
    let missing_plan = "no-such-plan";
    let m = "/api/v1/plans";
    // (method, path, body, the path parameter named in the answer)
    let cases: Vec<(&str, String, Option<&str>, &str)> = vec![
        ("GET", format!("{m}/{missing_plan}"), None, "plan_id"),
        ("PATCH", format!("{m}/{missing_plan}/status"), status, "plan_id"),
        ("PATCH", format!("{m}/{missing_plan}/measures/citizen-01"), text, "plan_id"),
        ("GET", format!("{m}/{missing_plan}/measures/citizen-01/history"), None, "plan_id"),
        ("PUT", format!("{m}/{missing_plan}/measures/citizen-01/departments"), departments, "plan_id"),
        ("POST", format!("{m}/{missing_plan}/nodes"), new_node, "plan_id"),
        ("PATCH", format!("{m}/{missing_plan}/nodes/vision"), node_text, "plan_id"),
        ("DELETE", format!("{m}/{missing_plan}/nodes/vision"), None, "plan_id"),
        ("PUT", format!("{m}/{missing_plan}/nodes/vision/measures"), placements, "plan_id"),
        ("PATCH", format!("{m}/{PLAN}/measures/no-such-measure"), text, "measure_id"),
        ("GET", format!("{m}/{PLAN}/measures/no-such-measure/history"), None, "measure_id"),
        ("PUT", format!("{m}/{PLAN}/measures/no-such-measure/departments"), departments, "measure_id"),
        ("PATCH", format!("{m}/{PLAN}/nodes/no-such-node"), node_text, "node_id"),
        ("DELETE", format!("{m}/{PLAN}/nodes/no-such-node"), None, "node_id"),
        ("PUT", format!("{m}/{PLAN}/nodes/no-such-node/measures"), placements, "node_id"),
        ("POST", "/api/v1/audit/987654/restore".into(), None, "entry_id"),
        (
            "DELETE",
            "/api/v1/organizations/komagane/departments/%E5%AD%98%E5%9C%A8%E3%81%97%E3%81%AA%E3%81%84%E8%AA%B2".into(),
            None,
            "name",
        ),
        ("PATCH", "/api/v1/organizations/komagane/users/987654".into(), Some(r#"{"disabled":true}"#), "user_id"),
    ];
    let mut failures = Vec::new();
    for (method, path, body, field) in &cases {
        let r = request_with(&server.addr, method, path, *body, &headers);
        let named = serde_json::from_str::<serde_json::Value>(&r.body)
            .ok()
            .and_then(|b| b["error"]["field"].as_str().map(str::to_owned));
        if r.status != 404 || named.as_deref() != Some(field) {
            failures.push(format!(
                "{method} {path}: expected 404 naming {field}, got {} {}",
                r.status, r.body
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Nothing was changed by any of them.
    let history = request_with(
        &server.addr,
        "GET",
        &format!("{m}/{PLAN}/measures/citizen-01/history"),
        None,
        &headers,
    );
    assert_eq!((history.status, history.body.as_str()), (200, "[]"));
}
