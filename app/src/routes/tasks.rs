//! 要対応: the records of the signed-in editor's department that wait for them (未入力, 入力中,
//! 差戻し), with links to record them. A page (`/tasks`), a count in the header, and a notice on
//! the home page, where signing in lands.

use keikaku_domain::access::Role;
use keikaku_domain::evaluation::RecordState;
use keikaku_domain::views::paths;
use keikaku_sync::round_sheet::Task;
use leptos::prelude::*;

use crate::api::rounds::my_tasks;
use crate::components::layout::{LoadError, Loading, PageTitle};

const TITLE: &str = "要対応";

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
    view! {
        <PageTitle text=TITLE/>
        <div class="page">
            <h1>{TITLE}</h1>
            <p>"あなたの部署が主担当の施策のうち、評価への報告を待っている記録です。"</p>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match tasks.await {
                        Err(error) => view! { <LoadError error/> }.into_any(),
                        Ok(tasks) if tasks.is_empty() => view! {
                            <p role="status">"対応が必要な記録はありません。"</p>
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
    view! {
        <p role="status">{format!("{}件", tasks.len())}</p>
        <ul class="task-list">
            {tasks.into_iter().map(|task| {
                let href = progress_href(&task);
                let name = match &task.number {
                    Some(n) => format!("{n} {}", task.title),
                    None => task.title.clone(),
                };
                view! {
                    <li>
                        <p><a href=href>{name}</a></p>
                        <p class="task-list__meta">
                            {format!("{}・{}・締切 {}", task.plan_title, task.round_title, task.deadline)}
                            {task.overdue.then_some("（期限超過）")}
                        </p>
                        <p>"状態："<span class=format!("badge badge--{}", task.state.as_str())>{task.state.label()}</span></p>
                        {task.comment.clone().filter(|_| task.state == RecordState::Returned).map(|c| view! {
                            <p class="notice">"差戻しの理由："{c}</p>
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

/// The header's 「要対応 3」 link, for editors with something waiting.
#[component]
pub fn TasksLink(role: Role) -> impl IntoView {
    (role == Role::Editor).then(|| {
        let tasks = tasks_after_load();
        move || {
            let count = tasks.with(Vec::len);
            (count > 0).then(|| {
                view! {
                    <a href=paths::tasks() class="account__tasks">{format!("要対応 {count}件")}</a>
                }
            })
        }
    })
}

/// The home page's notice of waiting records, for editors with something waiting.
#[component]
pub fn TasksNotice() -> impl IntoView {
    let tasks = tasks_after_load();
    move || {
        let tasks = tasks.get();
        (!tasks.is_empty()).then(|| {
            let returned = tasks.iter().filter(|t| t.state == RecordState::Returned).count();
            view! {
                <section class="notice tasks-notice" aria-labelledby="tasks-notice-heading">
                    <h2 id="tasks-notice-heading">{TITLE}</h2>
                    <p>{format!("評価への報告を待っている記録が{}件あります（うち差戻し{returned}件）。", tasks.len())}</p>
                    <p><a href=paths::tasks()>"要対応の一覧を見る"</a></p>
                </section>
            }
        })
    }
}
