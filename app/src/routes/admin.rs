//! `/admin`: an administrator manages their organization's users and departments.
//!
//! The forms call the JSON API from the hydrated page, so a refused request shows its reason
//! next to the form and everything typed stays in place (only the password is cleared after a
//! user is created).

use keikaku_domain::access::Role;
use keikaku_domain::views::{DepartmentRow, OrganizationAdminView, UserRow};
use leptos::prelude::*;
use serde_json::json;

use crate::api::{admin_page, Guarded};
use crate::client::{send_json, Problem};
use crate::components::form::FormOutcome as Outcome;
use crate::components::form::{browser_action, typed_value};
use crate::components::layout::{Forbidden, LoadError, Loading, PageTitle, SignInRequired};

const TITLE: &str = "組織の管理";

/// The outcome of each form's last request. Kept above the page's data, which is reloaded
/// after every change, so the message survives the reload.
#[derive(Clone, Copy)]
struct Notices {
    users: RwSignal<Option<Result<String, Problem>>>,
    new_user: RwSignal<Option<Result<String, Problem>>>,
    departments: RwSignal<Option<Result<String, Problem>>>,
}

#[component]
pub fn AdminPage() -> impl IntoView {
    let page = Resource::new(|| (), |_| admin_page());
    let reload = move || page.refetch();
    provide_context(Notices {
        users: RwSignal::new(None),
        new_user: RwSignal::new(None),
        departments: RwSignal::new(None),
    });
    // A transition keeps the current tables on screen while they reload.
    view! {
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match page.await {
                    Err(error) => view! { <LoadError error/> }.into_any(),
                    Ok(Guarded::SignInRequired) => view! { <SignInRequired title=TITLE/> }.into_any(),
                    Ok(Guarded::Forbidden | Guarded::NotFound) => view! {
                        <Forbidden title=TITLE message="組織の管理は管理者だけが行えます。"/>
                    }.into_any(),
                    Ok(Guarded::Found(view)) => view! { <Admin view=*view reload/> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn notices() -> Notices {
    expect_context::<Notices>()
}

#[component]
fn Admin(
    view: OrganizationAdminView,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let OrganizationAdminView {
        organization_id,
        organization_name,
        my_login,
        users,
        departments,
        csrf_token,
    } = view;
    let department_names: Vec<String> = departments.iter().map(|d| d.name.clone()).collect();
    view! {
        <PageTitle text=format!("{TITLE}｜{organization_name}")/>
        <div class="page">
            <h1>{format!("{TITLE}：{organization_name}")}</h1>
            <noscript><p class="notice notice--error">"この画面の操作にはJavaScriptが必要です。"</p></noscript>
            <Users users organization_id=organization_id.clone() my_login csrf_token=csrf_token.clone() reload/>
            <NewUserForm organization_id=organization_id.clone() departments=department_names csrf_token=csrf_token.clone() reload/>
            <Departments departments organization_id csrf_token reload/>
        </div>
    }
}

/// Shows a request's outcome; after a success, reloads the page's data to show the change.
fn report(
    outcome: RwSignal<Option<Result<String, Problem>>>,
    result: Result<serde_json::Value, Problem>,
    message: String,
    reload: impl Fn(),
) {
    let done = result.is_ok();
    outcome.set(Some(result.map(|_| message)));
    if done {
        reload();
    }
}

#[component]
fn Users(
    users: Vec<UserRow>,
    organization_id: String,
    my_login: String,
    csrf_token: String,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let outcome = notices().users;
    let toggle = browser_action(
        move |(id, login, disable, org, token): &(i64, String, bool, String, String)| {
            let (id, login, disable, org, token) =
                (*id, login.clone(), *disable, org.clone(), token.clone());
            async move {
                let url = format!("/api/v1/organizations/{org}/users/{id}");
                let result =
                    send_json("PATCH", &url, &token, Some(&json!({ "disabled": disable }))).await;
                let message = if disable {
                    format!("{login} を無効にしました。")
                } else {
                    format!("{login} を有効にしました。")
                };
                report(outcome, result, message, reload);
            }
        },
    );
    view! {
        <section aria-labelledby="users-heading">
            <h2 id="users-heading">"利用者"</h2>
            <Outcome outcome/>
            <div class="table-scroll" tabindex="0" role="region" aria-labelledby="users-heading">
                <table class="data-table">
                    <caption class="visually-hidden">"利用者の一覧"</caption>
                    <thead><tr>
                        <th scope="col">"ログインID"</th><th scope="col">"氏名"</th><th scope="col">"役割"</th>
                        <th scope="col">"部署"</th><th scope="col">"状態"</th><th scope="col">"操作"</th>
                    </tr></thead>
                    <tbody>
                        {users.into_iter().map(|user| {
                            let is_me = user.login == my_login;
                            let disable = !user.disabled;
                            let args = (user.id, user.login.clone(), disable, organization_id.clone(), csrf_token.clone());
                            let label = format!("{}を{}", user.login, if disable { "無効にする" } else { "有効にする" });
                            view! {
                                <tr>
                                    <th scope="row">{user.login.clone()}</th>
                                    <td>{user.display_name}</td>
                                    <td>{user.role.label()}</td>
                                    <td>{user.department.unwrap_or_else(|| "—".into())}</td>
                                    <td>{if user.disabled { "無効" } else { "有効" }}</td>
                                    <td>{if is_me {
                                        view! { <span>"（自分）"</span> }.into_any()
                                    } else {
                                        view! {
                                            <button type="button" aria-label=label
                                                on:click=move |_| { toggle.dispatch(args.clone()); }>
                                                {if disable { "無効にする" } else { "有効にする" }}
                                            </button>
                                        }.into_any()
                                    }}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
fn NewUserForm(
    organization_id: String,
    departments: Vec<String>,
    csrf_token: String,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    // Each starts from what the page holds, so what was typed before the app loaded stays.
    let login = RwSignal::new(typed_value("new-user-login"));
    let display_name = RwSignal::new(typed_value("new-user-name"));
    let role = RwSignal::new(
        Some(typed_value("new-user-role"))
            .filter(|r| !r.is_empty())
            .unwrap_or_else(|| Role::Editor.as_str().to_owned()),
    );
    let department = RwSignal::new(typed_value("new-user-department"));
    let password = RwSignal::new(typed_value("new-user-password"));
    let email = RwSignal::new(typed_value("new-user-email"));
    let outcome = notices().new_user;
    let create = browser_action(move |_: &()| {
        let url = format!("/api/v1/organizations/{organization_id}/users");
        let token = csrf_token.clone();
        let body = json!({
            "login": login.get_untracked().trim(),
            "display_name": display_name.get_untracked().trim(),
            "role": role.get_untracked(),
            "department": Some(department.get_untracked()).filter(|d| !d.is_empty()),
            "password": password.get_untracked(),
            "email": Some(email.get_untracked().trim().to_owned()).filter(|e| !e.is_empty()),
        });
        async move {
            let result = send_json("POST", &url, &token, Some(&body)).await;
            if result.is_ok() {
                let created = login.get_untracked();
                for field in [login, display_name, password, email] {
                    field.set(String::new());
                }
                outcome.set(Some(Ok(format!("{created} を登録しました。"))));
                reload();
            } else {
                // Keep what was typed, except the password.
                password.set(String::new());
                outcome.set(Some(result.map(|_| String::new())));
            }
        }
    });
    let pending = create.pending();
    let field_error = move |name: &str| {
        outcome
            .get()
            .and_then(|o| o.err())
            .filter(|p| p.field.as_deref() == Some(name))
            .map(|p| p.reason)
    };
    view! {
        <section aria-labelledby="new-user-heading">
            <h2 id="new-user-heading">"利用者を登録"</h2>
            <form class="admin-form" on:submit=move |ev| { ev.prevent_default(); create.dispatch(()); }>
                <Outcome outcome/>
                <div class="field">
                    <label for="new-user-login">"ログインID"</label>
                    <input id="new-user-login" type="text" required maxlength="100" autocomplete="off"
                        prop:value=login on:input=move |ev| login.set(event_target_value(&ev))
                        aria-invalid=move || field_error("login").is_some().to_string()/>
                    {move || field_error("login").map(|reason| view! { <p class="field__error">{reason}</p> })}
                </div>
                <div class="field">
                    <label for="new-user-name">"氏名"</label>
                    <input id="new-user-name" type="text" required maxlength="100" autocomplete="off"
                        prop:value=display_name on:input=move |ev| display_name.set(event_target_value(&ev))/>
                    {move || field_error("display_name").map(|reason| view! { <p class="field__error">{reason}</p> })}
                </div>
                <div class="field">
                    <label for="new-user-email">"メールアドレス（任意：評価の締切のお知らせが届きます）"</label>
                    <input id="new-user-email" type="email" maxlength="254" autocomplete="off"
                        prop:value=email on:input=move |ev| email.set(event_target_value(&ev))
                        aria-invalid=move || field_error("email").is_some().to_string()/>
                    {move || field_error("email").map(|reason| view! { <p class="field__error">{reason}</p> })}
                </div>
                <div class="field">
                    <label for="new-user-role">"役割"</label>
                    <select id="new-user-role" on:change=move |ev| role.set(event_target_value(&ev))>
                        {Role::ALL.into_iter().map(|r| view! {
                            <option value=r.as_str() selected=move || role.get() == r.as_str()>{r.label()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="new-user-department">"部署（職員は必須）"</label>
                    <select id="new-user-department" on:change=move |ev| department.set(event_target_value(&ev))>
                        <option value="">"（なし）"</option>
                        {departments.into_iter().map(|d| view! { <option value=d.clone()>{d.clone()}</option> }).collect_view()}
                    </select>
                    {move || field_error("department").map(|reason| view! { <p class="field__error">{reason}</p> })}
                </div>
                <div class="field">
                    <label for="new-user-password">"初期パスワード（12文字以上）"</label>
                    <input id="new-user-password" type="password" required minlength="12" maxlength="256" autocomplete="new-password"
                        prop:value=password on:input=move |ev| password.set(event_target_value(&ev))/>
                    {move || field_error("password").map(|reason| view! { <p class="field__error">{reason}</p> })}
                </div>
                <button type="submit" disabled=pending>"登録する"</button>
            </form>
        </section>
    }
}

#[component]
fn Departments(
    departments: Vec<DepartmentRow>,
    organization_id: String,
    csrf_token: String,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let outcome = notices().departments;
    let name = RwSignal::new(typed_value("new-department-name"));
    let note = RwSignal::new(typed_value("new-department-note"));
    let base = format!("/api/v1/organizations/{organization_id}/departments");
    let add = {
        let (base, token) = (base.clone(), csrf_token.clone());
        browser_action(move |_: &()| {
            let (url, token) = (base.clone(), token.clone());
            let body = json!({
                "name": name.get_untracked(),
                "note": Some(note.get_untracked()).filter(|n| !n.trim().is_empty()),
            });
            async move {
                let result = send_json("POST", &url, &token, Some(&body)).await;
                if result.is_ok() {
                    let added = name.get_untracked();
                    name.set(String::new());
                    note.set(String::new());
                    outcome.set(Some(Ok(format!("{added} を追加しました。"))));
                    reload();
                } else {
                    outcome.set(Some(result.map(|_| String::new())));
                }
            }
        })
    };
    let remove = browser_action(move |(url, department, token): &(String, String, String)| {
        let (url, department, token) = (url.clone(), department.clone(), token.clone());
        async move {
            let result = send_json("DELETE", &url, &token, None).await;
            report(
                outcome,
                result,
                format!("{department} を削除しました。"),
                reload,
            );
        }
    });
    view! {
        <section aria-labelledby="departments-heading">
            <h2 id="departments-heading">"部署"</h2>
            <Outcome outcome/>
            <div class="table-scroll" tabindex="0" role="region" aria-labelledby="departments-heading">
                <table class="data-table">
                    <caption class="visually-hidden">"部署の一覧と使用状況"</caption>
                    <thead><tr>
                        <th scope="col">"部署名"</th><th scope="col">"備考"</th>
                        <th scope="col">"担当施策"</th><th scope="col">"所属利用者"</th><th scope="col">"操作"</th>
                    </tr></thead>
                    <tbody>
                        {departments.into_iter().map(|d| {
                            let in_use = d.measures > 0 || d.users > 0;
                            let url = format!("{base}/{}", keikaku_domain::views::paths::encode_query_component(&d.name));
                            let args = (url, d.name.clone(), csrf_token.clone());
                            let label = format!("{}を削除", d.name);
                            view! {
                                <tr>
                                    <th scope="row">{d.name.clone()}</th>
                                    <td>{d.note.unwrap_or_default()}</td>
                                    <td>{d.measures}</td>
                                    <td>{d.users}</td>
                                    <td>{if in_use {
                                        view! { <span>"使用中"</span> }.into_any()
                                    } else {
                                        view! { <button type="button" aria-label=label on:click=move |_| { remove.dispatch(args.clone()); }>"削除"</button> }.into_any()
                                    }}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <form class="admin-form" on:submit=move |ev| { ev.prevent_default(); add.dispatch(()); }>
                <h3>"部署を追加"</h3>
                <div class="field">
                    <label for="new-department-name">"部署名"</label>
                    <input id="new-department-name" type="text" required maxlength="100"
                        prop:value=name on:input=move |ev| name.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="new-department-note">"備考（任意）"</label>
                    <input id="new-department-note" type="text" maxlength="200"
                        prop:value=note on:input=move |ev| note.set(event_target_value(&ev))/>
                </div>
                <button type="submit">"追加する"</button>
            </form>
        </section>
    }
}
