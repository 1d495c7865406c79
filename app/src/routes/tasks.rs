//! 要対応: the records of the signed-in editor's department that wait for them (未入力, 入力中,
//! 差戻し), with links to record them. A page (`/tasks`), a count in the header, and a notice on
//! the home page, where signing in lands.

use keikaku_domain::access::Role;
use keikaku_domain::evaluation::RecordState;
use keikaku_domain::lang::mark_japanese;
use keikaku_domain::views::paths;
use keikaku_sync::round_sheet::Task;
use leptos::prelude::*;

use crate::api::rounds::my_tasks;
use crate::components::layout::{LoadError, Loading, PageTitle};
use crate::i18n::{t, t_string, use_i18n};
use crate::lang::{text_lang, use_lang};

/// The signed-in editor's tasks; none for anyone else.
fn use_tasks() -> Resource<Result<Vec<Task>, ServerFnError>> {
    Resource::new(|| (), |_| my_tasks())
}

fn progress_href(task: &Task) -> String {
    format!(
        "{}/progress?{}",
        paths::measure(&task.plan_id, &task.measure_id),
        task.progress_query
    )
}

#[component]
pub fn TasksPage() -> impl IntoView {
    let tasks = use_tasks();
    let i18n = use_i18n();
    view! {
        <PageTitle text=t_string!(i18n, tasks.title)/>
        <div class="page">
            <h1>{t!(i18n, tasks.title)}</h1>
            <p>{t!(i18n, tasks.lead)}</p>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match tasks.await {
                        Err(error) => view! { <LoadError error/> }.into_any(),
                        Ok(tasks) if tasks.is_empty() => view! {
                            <p role="status">{t!(i18n, tasks.none)}</p>
                        }.into_any(),
                        Ok(tasks) => view! { <TaskList tasks/> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

#[component]
fn TaskList(tasks: Vec<Task>) -> impl IntoView {
    let (i18n, lang) = (use_i18n(), use_lang());
    let count = tasks.len();
    view! {
        <p role="status">{t!(i18n, tasks.count, count)}</p>
        <ul class="task-list">
            {tasks.into_iter().map(|task| {
                let href = progress_href(&task);
                let name = match &task.number {
                    Some(n) => format!("{n} {}", task.title),
                    None => task.title.clone(),
                };
                // The plan's, the round's and the measure's own words, and the reviewer's.
                let name_lang = text_lang(&name);
                let plan_lang = text_lang(&task.plan_title);
                let round_lang = text_lang(&task.round_title);
                let deadline = task.deadline.clone();
                view! {
                    <li>
                        <p><a href=href lang=name_lang>{name}</a></p>
                        <p class="task-list__meta">
                            <span lang=plan_lang>{task.plan_title.clone()}</span>
                            {t!(i18n, tasks.separator)}
                            <span lang=round_lang>{task.round_title.clone()}</span>
                            {t!(i18n, tasks.separator)}
                            {t!(i18n, tasks.deadline, date = deadline)}
                            {task.overdue.then_some(t!(i18n, tasks.overdue))}
                        </p>
                        <p>{t!(i18n, tasks.state)}<span class=format!("badge badge--{}", task.state.as_str())>{task.state.label_in(lang)}</span></p>
                        {task.comment.clone().filter(|_| task.state == RecordState::Returned).map(|c| {
                            let comment_lang = mark_japanese(&c);
                            view! { <p class="notice">{t!(i18n, tasks.return_reason)}<span lang=comment_lang>{c}</span></p> }
                        })}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// The signed-in editor's tasks, asked for once the page runs in the browser. A page rendered
/// on the server (or by the service worker) shows none, and the hydrated page starts from the
/// same, so the count never makes server and browser disagree; it appears a moment later.
fn tasks_after_load() -> RwSignal<Vec<Task>> {
    let tasks = RwSignal::new(Vec::new());
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            if let Ok(found) = my_tasks().await {
                tasks.set(found);
            }
        });
    });
    tasks
}

/// The header's 「要対応 3件」 link, for editors with something waiting.
#[component]
pub fn TasksLink(role: Role) -> impl IntoView {
    (role == Role::Editor).then(|| {
        let tasks = tasks_after_load();
        let i18n = use_i18n();
        move || {
            let count = tasks.with(Vec::len);
            (count > 0).then(|| {
                view! {
                    <a href=paths::tasks() class="account__tasks">{t!(i18n, tasks.link, count)}</a>
                }
            })
        }
    })
}

/// The home page's notice of waiting records, for editors with something waiting.
#[component]
pub fn TasksNotice() -> impl IntoView {
    let tasks = tasks_after_load();
    let i18n = use_i18n();
    move || {
        let tasks = tasks.get();
        (!tasks.is_empty()).then(|| {
            let returned = tasks
                .iter()
                .filter(|t| t.state == RecordState::Returned)
                .count();
            let count = tasks.len();
            view! {
                <section class="notice tasks-notice" aria-labelledby="tasks-notice-heading">
                    <h2 id="tasks-notice-heading">{t!(i18n, tasks.title)}</h2>
                    <p>{t!(i18n, tasks.notice, count, returned)}</p>
                    <p><a href=paths::tasks()>{t!(i18n, tasks.see_all)}</a></p>
                </section>
            }
        })
    }
}
