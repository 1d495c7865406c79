//! `/admin`: an administrator manages their organization's users and departments.
//!
//! The forms call the JSON API from the hydrated page, so a refused request shows its reason
//! next to the form and everything typed stays in place (only the password is cleared after a
//! user is created).

use keikaku_domain::access::Role;
use keikaku_domain::lang::{mark_japanese, text_lang, Lang};
use keikaku_domain::views::{DepartmentRow, OrganizationAdminView, UserRow};
use leptos::prelude::*;
use serde_json::json;

use crate::api::{admin_page, Guarded};
use crate::client::{send_json, Problem, ProblemMessage};
use crate::components::form::{browser_action, typed_value};
use crate::components::layout::{Forbidden, LoadError, Loading, PageTitle, SignInRequired};
use crate::i18n::{t, t_string, use_i18n};
use crate::lang::use_lang;

/// What a request did, said once it is shown: the names in it are the organization's words
/// (a login, a department), which the message marks with their language.
#[derive(Clone)]
enum Done {
    Disabled(String),
    Enabled(String),
    Added(String),
    DepartmentAdded(String),
    DepartmentDeleted(String),
}

/// A form's last request: what it did, or the refusal.
type Outcome = RwSignal<Option<Result<Done, Problem>>>;

/// The outcome of each form's last request. Kept above the page's data, which is reloaded
/// after every change, so the message survives the reload.
#[derive(Clone, Copy)]
struct Notices {
    users: Outcome,
    new_user: Outcome,
    departments: Outcome,
}

/// A name the organization gave (a login, a department), marked Japanese where it is, to set
/// inside a sentence of the interface.
fn name(text: String) -> impl Fn() -> AnyView + Clone + Send + Sync + 'static {
    move || view! { <span lang=mark_japanese(&text)>{text.clone()}</span> }.into_any()
}

/// What the form's last request came to, above the form. Refusals are shown here too, even
/// when they are also shown beside a field; the server's reasons (which may quote Japanese)
/// are marked with their language.
#[component]
fn FormOutcome(outcome: Outcome) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        outcome.get().map(|result| match result {
            Ok(done) => {
                let message = match done {
                    Done::Disabled(login) => {
                        t!(i18n, admin.user_disabled, login = name(login)).into_any()
                    }
                    Done::Enabled(login) => {
                        t!(i18n, admin.user_enabled, login = name(login)).into_any()
                    }
                    Done::Added(login) => {
                        t!(i18n, admin.user_added, login = name(login)).into_any()
                    }
                    Done::DepartmentAdded(department) => {
                        t!(i18n, admin.department_added, name = name(department)).into_any()
                    }
                    Done::DepartmentDeleted(department) => {
                        t!(i18n, admin.department_deleted, name = name(department)).into_any()
                    }
                };
                view! { <p class="notice" role="status">{message}</p> }.into_any()
            }
            Err(problem) => view! {
                <p class="notice notice--error" role="alert"><ProblemMessage problem/></p>
            }
            .into_any(),
        })
    }
}

#[component]
pub fn AdminPage() -> impl IntoView {
    let i18n = use_i18n();
    let title = t_string!(i18n, admin.title);
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
                    Ok(Guarded::SignInRequired) => view! { <SignInRequired title/> }.into_any(),
                    Ok(Guarded::Forbidden | Guarded::NotFound) => view! {
                        <Forbidden title message=t_string!(i18n, admin.forbidden)/>
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
    let i18n = use_i18n();
    let page_title = t_string!(
        i18n,
        admin.page_title,
        organization = organization_name.clone()
    );
    view! {
        <PageTitle text=page_title.to_string()/>
        <div class="page">
            <h1>{t!(i18n, admin.heading, organization = organization_name, <ja> = <span lang="ja" />)}</h1>
            <noscript><p class="notice notice--error">{t!(i18n, admin.needs_javascript)}</p></noscript>
            <Users users organization_id=organization_id.clone() my_login csrf_token=csrf_token.clone() reload/>
            <NewUserForm organization_id=organization_id.clone() departments=department_names csrf_token=csrf_token.clone() reload/>
            <Departments departments organization_id csrf_token reload/>
        </div>
    }
}

/// Shows a request's outcome; after a success, reloads the page's data to show the change.
fn report(
    outcome: Outcome,
    result: Result<serde_json::Value, Problem>,
    done: Done,
    reload: impl Fn(),
) {
    let succeeded = result.is_ok();
    outcome.set(Some(result.map(|_| done)));
    if succeeded {
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
                let done = if disable {
                    Done::Disabled(login)
                } else {
                    Done::Enabled(login)
                };
                report(outcome, result, done, reload);
            }
        },
    );
    let (i18n, lang) = (use_i18n(), use_lang());
    view! {
        <section aria-labelledby="users-heading">
            <h2 id="users-heading">{t!(i18n, admin.users)}</h2>
            <FormOutcome outcome/>
            <div class="table-scroll" tabindex="0" role="region" aria-labelledby="users-heading">
                <table class="data-table">
                    <caption class="visually-hidden">{t!(i18n, admin.users_caption)}</caption>
                    <thead><tr>
                        <th scope="col">{t!(i18n, admin.login)}</th><th scope="col">{t!(i18n, admin.name)}</th><th scope="col">{t!(i18n, admin.role)}</th>
                        <th scope="col">{t!(i18n, admin.department)}</th><th scope="col">{t!(i18n, admin.state)}</th><th scope="col">{t!(i18n, admin.action)}</th>
                    </tr></thead>
                    <tbody>
                        {users.into_iter().map(|user| {
                            let is_me = user.login == my_login;
                            let disable = !user.disabled;
                            let args = (user.id, user.login.clone(), disable, organization_id.clone(), csrf_token.clone());
                            let action = if disable {
                                t_string!(i18n, admin.disable)
                            } else {
                                t_string!(i18n, admin.enable)
                            };
                            // The button names its user. An attribute cannot say which of its
                            // words are Japanese, so in English the name comes from the row's
                            // heading, which can.
                            let (login_id, button_id) = (format!("user-{}", user.id), format!("user-{}-toggle", user.id));
                            let (label, labelled_by) = match lang {
                                Lang::Ja => (Some(format!("{}を{action}", user.login)), None),
                                Lang::En => (None, Some(format!("{button_id} {login_id}"))),
                            };
                            let department = user.department.unwrap_or_else(|| "—".into());
                            view! {
                                <tr>
                                    <th scope="row" id=login_id lang=mark_japanese(&user.login)>{user.login.clone()}</th>
                                    <td lang=mark_japanese(&user.display_name)>{user.display_name.clone()}</td>
                                    <td>{user.role.label_in(lang)}</td>
                                    <td lang=mark_japanese(&department)>{department.clone()}</td>
                                    <td>{if user.disabled { t!(i18n, admin.disabled).into_any() } else { t!(i18n, admin.active).into_any() }}</td>
                                    <td>{if is_me {
                                        view! { <span>{t!(i18n, admin.yourself)}</span> }.into_any()
                                    } else {
                                        view! {
                                            <button type="button" id=button_id aria-label=label aria-labelledby=labelled_by
                                                on:click=move |_| { toggle.dispatch(args.clone()); }>
                                                {action}
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
                outcome.set(Some(Ok(Done::Added(created))));
                reload();
            } else {
                // Keep what was typed, except the password.
                password.set(String::new());
                outcome.set(result.err().map(Err));
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
    // The server's reasons may quote Japanese (a department's name): marked by what they hold.
    let reason = |reason: String| view! { <p class="field__error" lang=mark_japanese(&reason)>{reason.clone()}</p> };
    let (i18n, lang) = (use_i18n(), use_lang());
    view! {
        <section aria-labelledby="new-user-heading">
            <h2 id="new-user-heading">{t!(i18n, admin.new_user)}</h2>
            <form class="admin-form" on:submit=move |ev| { ev.prevent_default(); create.dispatch(()); }>
                <FormOutcome outcome/>
                <div class="field">
                    <label for="new-user-login">{t!(i18n, admin.login)}</label>
                    <input id="new-user-login" type="text" required maxlength="100" autocomplete="off"
                        prop:value=login on:input=move |ev| login.set(event_target_value(&ev))
                        aria-invalid=move || field_error("login").is_some().to_string()/>
                    {move || field_error("login").map(reason)}
                </div>
                <div class="field">
                    <label for="new-user-name">{t!(i18n, admin.name)}</label>
                    <input id="new-user-name" type="text" required maxlength="100" autocomplete="off"
                        prop:value=display_name on:input=move |ev| display_name.set(event_target_value(&ev))/>
                    {move || field_error("display_name").map(reason)}
                </div>
                <div class="field">
                    <label for="new-user-email">{t!(i18n, admin.email)}</label>
                    <input id="new-user-email" type="email" maxlength="254" autocomplete="off"
                        prop:value=email on:input=move |ev| email.set(event_target_value(&ev))
                        aria-invalid=move || field_error("email").is_some().to_string()/>
                    {move || field_error("email").map(reason)}
                </div>
                <div class="field">
                    <label for="new-user-role">{t!(i18n, admin.role)}</label>
                    <select id="new-user-role" on:change=move |ev| role.set(event_target_value(&ev))>
                        {Role::ALL.into_iter().map(|r| view! {
                            <option value=r.as_str() selected=move || role.get() == r.as_str()>{r.label_in(lang)}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="new-user-department">{t!(i18n, admin.user_department)}</label>
                    <select id="new-user-department" on:change=move |ev| department.set(event_target_value(&ev))>
                        <option value="">{t!(i18n, admin.no_department)}</option>
                        {departments.into_iter().map(|d| view! { <option value=d.clone() lang=mark_japanese(&d)>{d.clone()}</option> }).collect_view()}
                    </select>
                    {move || field_error("department").map(reason)}
                </div>
                <div class="field">
                    <label for="new-user-password">{t!(i18n, admin.password)}</label>
                    <input id="new-user-password" type="password" required minlength="12" maxlength="256" autocomplete="new-password"
                        prop:value=password on:input=move |ev| password.set(event_target_value(&ev))/>
                    {move || field_error("password").map(reason)}
                </div>
                <button type="submit" disabled=pending>{t!(i18n, admin.add_user)}</button>
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
    let english_name = RwSignal::new(typed_value("new-department-english"));
    let base = format!("/api/v1/organizations/{organization_id}/departments");
    let add = {
        let (base, token) = (base.clone(), csrf_token.clone());
        browser_action(move |_: &()| {
            let (url, token) = (base.clone(), token.clone());
            let english = english_name.get_untracked();
            let body = json!({
                "name": name.get_untracked(),
                "note": Some(note.get_untracked()).filter(|n| !n.trim().is_empty()),
                "en": (!english.trim().is_empty()).then(|| json!({ "name": english })),
            });
            async move {
                let result = send_json("POST", &url, &token, Some(&body)).await;
                if result.is_ok() {
                    let added = name.get_untracked();
                    name.set(String::new());
                    note.set(String::new());
                    english_name.set(String::new());
                    outcome.set(Some(Ok(Done::DepartmentAdded(added))));
                    reload();
                } else {
                    outcome.set(result.err().map(Err));
                }
            }
        })
    };
    let remove = browser_action(move |(url, department, token): &(String, String, String)| {
        let (url, department, token) = (url.clone(), department.clone(), token.clone());
        async move {
            let result = send_json("DELETE", &url, &token, None).await;
            report(outcome, result, Done::DepartmentDeleted(department), reload);
        }
    });
    let (i18n, lang) = (use_i18n(), use_lang());
    view! {
        <section aria-labelledby="departments-heading">
            <h2 id="departments-heading">{t!(i18n, admin.departments)}</h2>
            <FormOutcome outcome/>
            <div class="table-scroll" tabindex="0" role="region" aria-labelledby="departments-heading">
                <table class="data-table">
                    <caption class="visually-hidden">{t!(i18n, admin.departments_caption)}</caption>
                    <thead><tr>
                        <th scope="col">{t!(i18n, admin.department_name)}</th><th scope="col">{t!(i18n, admin.english_name)}</th><th scope="col">{t!(i18n, admin.note)}</th>
                        <th scope="col">{t!(i18n, admin.measures)}</th><th scope="col">{t!(i18n, admin.members)}</th><th scope="col">{t!(i18n, admin.action)}</th>
                    </tr></thead>
                    <tbody>
                        {departments.into_iter().enumerate().map(|(i, d)| {
                            let in_use = d.measures > 0 || d.users > 0;
                            let url = format!("{base}/{}", keikaku_domain::views::paths::encode_query_component(&d.name));
                            let args = (url, d.name.clone(), csrf_token.clone());
                            let delete = t_string!(i18n, admin.delete);
                            // Named by its department: from the row's heading in English (see
                            // the users' buttons).
                            let (name_id, button_id) = (format!("department-{i}"), format!("department-{i}-delete"));
                            let (label, labelled_by) = match lang {
                                Lang::Ja => (Some(format!("{}を{delete}", d.name)), None),
                                Lang::En => (None, Some(format!("{button_id} {name_id}"))),
                            };
                            let note = d.note.unwrap_or_default();
                            let english = d.english_name.unwrap_or_default();
                            view! {
                                <tr>
                                    <th scope="row" id=name_id lang=mark_japanese(&d.name)>{d.name.clone()}</th>
                                    <td lang=(!english.is_empty()).then(|| text_lang(&english))>{english.clone()}</td>
                                    <td lang=mark_japanese(&note)>{note.clone()}</td>
                                    <td>{d.measures}</td>
                                    <td>{d.users}</td>
                                    <td>{if in_use {
                                        view! { <span>{t!(i18n, admin.in_use)}</span> }.into_any()
                                    } else {
                                        view! {
                                            <button type="button" id=button_id aria-label=label aria-labelledby=labelled_by
                                                on:click=move |_| { remove.dispatch(args.clone()); }>{delete}</button>
                                        }.into_any()
                                    }}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <form class="admin-form" on:submit=move |ev| { ev.prevent_default(); add.dispatch(()); }>
                <h3>{t!(i18n, admin.new_department)}</h3>
                <div class="field">
                    <label for="new-department-name">{t!(i18n, admin.department_name)}</label>
                    <input id="new-department-name" type="text" required maxlength="100"
                        prop:value=name on:input=move |ev| name.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="new-department-english">{t!(i18n, admin.english_name_optional)}</label>
                    <input id="new-department-english" type="text" maxlength="100" lang="en"
                        prop:value=english_name on:input=move |ev| english_name.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="new-department-note">{t!(i18n, admin.note_optional)}</label>
                    <input id="new-department-note" type="text" maxlength="200"
                        prop:value=note on:input=move |ev| note.set(event_target_value(&ev))/>
                </div>
                <button type="submit">{t!(i18n, admin.add_department)}</button>
            </form>
        </section>
    }
}
