//! `/plans/:plan_id/measures/:measure_id/progress`: staff record a measure's (or one of its
//! actions') progress for a fiscal year — stage reached, status, percent, results, the PDCA
//! evaluation and next actions, KPI readings and field notes.
//!
//! Everything is written to this device's replica first (IndexedDB) and synced when a
//! connection allows, so the page works in the field without a signal. The plan data comes
//! from the server render; the progress comes only from the replica, which exists only in the
//! browser: the server renders a loading state, and so does the first hydrated render.

use keikaku_domain::views::{paths, MeasureView};
use keikaku_domain::{FiscalYear, Measure, Stage};
use keikaku_sync::progress::{Field, FieldValue, Grade, ProgressRecord, RecordKey, Status};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::components::layout::{LoadError, Loading, NotFound, PageTitle};
use crate::components::plan_header::Breadcrumbs;
use crate::offline::{use_sync_status, SyncStatus};
use crate::routes::progress_round::{notes_lock, values_lock, RoundPanel};

#[component]
pub fn ProgressPage() -> impl IntoView {
    let params = use_params_map();
    let lang = crate::lang::use_lang();
    let page = Resource::new(
        move || {
            let p = params.read();
            (
                p.get("plan_id").unwrap_or_default(),
                p.get("measure_id").unwrap_or_default(),
            )
        },
        move |(plan_id, measure_id)| crate::pages::measure(plan_id, measure_id, lang),
    );
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match page.await {
                    Err(error) => view! { <LoadError error/> }.into_any(),
                    Ok(None) => view! { <NotFound message="指定された施策は見つかりませんでした。"/> }.into_any(),
                    Ok(Some(view)) => view! { <ProgressRecorder view/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The fiscal year in progress in Japan, clamped to the plan's roadmap years. Server and
/// browser both use Japan time, so the server render and hydration agree.
pub fn default_year(years: &[FiscalYear]) -> Option<FiscalYear> {
    #[cfg(feature = "hydrate")]
    let now = (js_sys::Date::now() / 1000.0) as i64;
    #[cfg(not(feature = "hydrate"))]
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let current = FiscalYear::in_japan_at(now);
    years
        .iter()
        .copied()
        .find(|y| *y == current)
        .or_else(|| years.iter().copied().filter(|y| *y < current).max())
        .or_else(|| years.first().copied())
}

#[component]
fn ProgressRecorder(view: MeasureView) -> impl IntoView {
    let query = use_query_map();
    let MeasureView {
        summary,
        measure,
        years,
        progress_recordable,
        report_submittable,
        ..
    } = view;
    let plan_id = summary.id.clone();
    let measure_href = paths::measure(&plan_id, &measure.id);
    let title = match &measure.number {
        Some(n) => format!("{n} {}", measure.title),
        None => measure.title.clone(),
    };
    let fallback_year = default_year(&years);
    let year = {
        let years = years.clone();
        move || {
            query
                .read()
                .get("year")
                .and_then(|y| y.parse::<i32>().ok())
                .map(FiscalYear)
                .filter(|y| years.contains(y))
                .or(fallback_year)
        }
    };
    let target = move || query.read().get("target").unwrap_or_default();
    let base = format!("{measure_href}/progress");
    view! {
        <PageTitle text=format!("進捗の記録：{title}｜{}", summary.title)/>
        <div class="page">
            <Breadcrumbs trail=vec![
                (summary.title.clone(), Some(paths::plan(&plan_id))),
                (title.clone(), Some(measure_href.clone())),
                ("進捗の記録".to_owned(), None),
            ]/>
            <h1>{format!("進捗の記録：{title}")}</h1>
            {(!progress_recordable).then(|| view! {
                <p class="notice notice--error" role="alert">
                    "この施策の進捗を記録できるのは、担当部署の職員と管理者です。ログインしている場合は、担当部署を確認してください。"
                </p>
            })}
            <nav class="year-tabs" aria-label="年度">
                <ul>
                    {years.iter().map(|y| {
                        let href = format!("{base}?year={}", y.0);
                        let y = *y;
                        let year = year.clone();
                        view! {
                            <li><a href=href aria-current=move || (year() == Some(y)).then_some("page")>{y.label()}</a></li>
                        }
                    }).collect_view()}
                </ul>
            </nav>
            <TargetPicker measure=measure.clone() base=base.clone() year=Signal::derive({ let year = year.clone(); move || year() }) target=Signal::derive(target)/>
            {move || year().map(|y| {
                let target_id = target();
                view! { <RecordEditor plan_id=plan_id.clone() measure=measure.clone() year=y target_id editable=progress_recordable submittable=report_submittable/> }
            })}
            <p><a href=measure_href.clone()>"施策のページへ戻る"</a>" ・ "<a href="/sync">"同期の状況と競合"</a></p>
        </div>
    }
}

/// Chooses what the record is for: the measure itself or one of its actions.
#[component]
fn TargetPicker(
    measure: Measure,
    base: String,
    year: Signal<Option<FiscalYear>>,
    target: Signal<String>,
) -> impl IntoView {
    if measure.actions.is_empty() {
        return None;
    }
    let link = move |target_id: Option<String>| {
        let mut href = format!(
            "{base}?year={}",
            year.get().map(|y| y.0).unwrap_or_default()
        );
        if let Some(id) = target_id {
            href.push_str("&target=");
            href.push_str(&keikaku_domain::views::paths::encode_query_component(&id));
        }
        href
    };
    let link = StoredValue::new(link);
    Some(view! {
        <nav class="target-picker" aria-label="記録の対象">
            <ul>
                <li><a href=move || link.with_value(|l| l(None)) aria-current=move || target.get().is_empty().then_some("page")>"施策全体"</a></li>
                {measure.actions.into_iter().map(|action| {
                    let id = action.id.clone();
                    let current = id.clone();
                    let label = match &action.number {
                        Some(n) => format!("{n} {}", action.title),
                        None => action.title.clone(),
                    };
                    view! {
                        <li><a href=move || link.with_value(|l| l(Some(id.clone()))) aria-current=move || (target.get() == current).then_some("page")>{label}</a></li>
                    }
                }).collect_view()}
            </ul>
        </nav>
    })
}

pub fn stage_label(stage: Option<Stage>) -> &'static str {
    stage.map_or("（未記録）", Stage::label)
}

/// A field value as people read it.
pub fn describe(value: &FieldValue) -> String {
    match value {
        FieldValue::Stage(s) => stage_label(*s).to_owned(),
        FieldValue::Status(s) => s.map_or("（未記録）", Status::label).to_owned(),
        FieldValue::Percent(p) => p.map_or("（未記録）".to_owned(), |p| format!("{p}%")),
        FieldValue::Grade(g) => g.map_or("（未記録）", Grade::as_str).to_owned(),
        FieldValue::Text(t) if t.is_empty() => "（空欄）".to_owned(),
        FieldValue::Text(t) => t.clone(),
    }
}

/// Reads the record from the replica, re-reading whenever the replica changes.
fn record_signal(status: SyncStatus, key: RecordKey) -> Signal<Option<ProgressRecord>> {
    Signal::derive(move || {
        status.revision.track();
        if !status.ready.get() {
            return None;
        }
        #[cfg(feature = "hydrate")]
        {
            crate::offline::engine::engine().map(|e| e.with_replica(|r| r.view(&key)))
        }
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = &key;
            None
        }
    })
}

#[component]
fn RecordEditor(
    plan_id: String,
    measure: Measure,
    year: FiscalYear,
    target_id: String,
    editable: bool,
    submittable: bool,
) -> impl IntoView {
    let status = use_sync_status();
    let action = measure.actions.iter().find(|a| a.id == target_id).cloned();
    let key = match &action {
        Some(a) => RecordKey::action(&plan_id, &a.id, year.0),
        None => RecordKey::measure(&plan_id, &measure.id, year.0),
    };
    let schedule = action.as_ref().map_or(&measure.schedule, |a| &a.schedule);
    let planned = keikaku_domain::planned_for(schedule, year).map(|(c, _)| c.text.clone());
    let record = record_signal(status, key.clone());
    let values_lock = values_lock(record);
    let notes_lock = notes_lock(record);
    let heading = format!(
        "{}の進捗（{}）",
        action
            .as_ref()
            .map_or("施策全体".to_owned(), |a| a.title.clone()),
        year.label()
    );
    let kpis = if action.is_none() {
        measure.kpis.clone()
    } else {
        Vec::new()
    };
    view! {
        <section class="progress-record" aria-labelledby="record-heading">
            <h2 id="record-heading">{heading}</h2>
            <dl class="planned">
                <dt>"計画（工程表）"</dt>
                <dd>{planned.clone().unwrap_or_else(|| "（この年度の計画はありません）".to_owned())}</dd>
                {planned.as_deref().and_then(Stage::recognise).map(|s| view! { <dt>"計画上の段階"</dt><dd>{s.label()}</dd> })}
            </dl>
            {move || {
                if !status.ready.get() {
                    let message = if status.needs_login.get() {
                        "進捗を記録するにはログインしてください。"
                    } else {
                        "この端末に保存された進捗を読み込み中…"
                    };
                    return view! { <p class="loading" role="status">{message}</p> }.into_any();
                }
                let writable = editable && !status.read_only.get();
                let lock = values_lock.get();
                let values_writable = writable && lock.is_none();
                let notes_writable = writable && !notes_lock.get();
                view! {
                    {status.read_only.get().then(|| view! {
                        <p class="notice" role="status">"このブラウザの別のタブで進捗を記録中のため、このタブでは表示のみです。"</p>
                    })}
                    <RoundPanel key=key.clone() record submittable=submittable && writable/>
                    {lock.map(|reason| view! { <p class="notice" role="status">{reason}</p> })}
                    <FieldsForm key=key.clone() record writable=values_writable/>
                    {(!kpis.is_empty()).then(|| view! { <KpiReadings key=key.clone() kpis=kpis.clone() record writable=values_writable/> })}
                    <FieldNotes key=key.clone() record writable=notes_writable/>
                }.into_any()
            }}
        </section>
    }
}

/// Sends one edit to the replica and reports a refusal.
fn save(key: RecordKey, field: Field, value: FieldValue, error: RwSignal<Option<String>>) {
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        let result = match crate::offline::engine::engine() {
            Some(engine) => engine.edit(key, field, value).await,
            None => Err("端末の保存領域が使えません。".to_owned()),
        };
        error.set(result.err());
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (key, field, value, error);
}

#[component]
fn FieldsForm(
    key: RecordKey,
    record: Signal<Option<ProgressRecord>>,
    writable: bool,
) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let value = move |field: Field| {
        record
            .get()
            .map(|r| r.value(field))
            .unwrap_or_else(|| field.empty_value())
    };
    let select = {
        let key = key.clone();
        move |field: Field,
              label: &'static str,
              options: Vec<(String, &'static str)>,
              to_value: fn(&str) -> FieldValue,
              current: fn(&FieldValue) -> String| {
            let key = key.clone();
            let id = format!("progress-{}", field.as_str());
            view! {
                <div class="field">
                    <label for=id.clone()>{label}</label>
                    <select id=id disabled=!writable
                        on:change=move |ev| save(key.clone(), field, to_value(&event_target_value(&ev)), error)>
                        {options.into_iter().map(|(v, text)| {
                            let option_value = v.clone();
                            view! { <option value=v selected=move || current(&value(field)) == option_value>{text}</option> }
                        }).collect_view()}
                    </select>
                </div>
            }
        }
    };
    let text = {
        let key = key.clone();
        move |field: Field, label: &'static str| {
            let key = key.clone();
            let id = format!("progress-{}", field.as_str());
            view! {
                <div class="field">
                    <label for=id.clone()>{label}</label>
                    <textarea id=id rows="4" maxlength="20000" readonly=!writable
                        prop:value=move || value(field).as_text().unwrap_or_default().to_owned()
                        on:input=move |ev| save(key.clone(), field, FieldValue::Text(event_target_value(&ev)), error)></textarea>
                </div>
            }
        }
    };
    let stage_options = std::iter::once((String::new(), "（未記録）"))
        .chain(Stage::ALL.iter().map(|s| (s.slug().to_owned(), s.label())))
        .collect();
    let status_options = std::iter::once((String::new(), "（未記録）"))
        .chain(
            Status::ALL
                .iter()
                .map(|s| (status_slug(*s).to_owned(), s.label())),
        )
        .collect();
    let grade_options = std::iter::once((String::new(), "（未評価）"))
        .chain(
            Grade::ALL
                .iter()
                .map(|g| (g.as_str().to_owned(), g.as_str())),
        )
        .collect();
    let percent_key = key.clone();
    view! {
        <form class="edit-form progress-form" on:submit=|ev| ev.prevent_default()>
            <p class="field__hint">"入力した内容はこの端末にすぐ保存され、接続があるときに自動で送信されます。"</p>
            {select(Field::Stage, "到達した段階", stage_options,
                |v| FieldValue::Stage(Stage::ALL.into_iter().find(|s| s.slug() == v)),
                |v| match v { FieldValue::Stage(Some(s)) => s.slug().to_owned(), _ => String::new() })}
            {select(Field::Status, "状況", status_options,
                |v| FieldValue::Status(Status::ALL.into_iter().find(|s| status_slug(*s) == v)),
                |v| match v { FieldValue::Status(Some(s)) => status_slug(*s).to_owned(), _ => String::new() })}
            <div class="field">
                <label for="progress-percent">"進捗率（%）"</label>
                <input id="progress-percent" type="number" min="0" max="100" step="1" inputmode="numeric" readonly=!writable
                    prop:value=move || match value(Field::Percent) { FieldValue::Percent(Some(p)) => p.to_string(), _ => String::new() }
                    on:change=move |ev| {
                        let text = event_target_value(&ev);
                        match text.trim() {
                            "" => save(percent_key.clone(), Field::Percent, FieldValue::Percent(None), error),
                            t => match t.parse::<u8>() {
                                Ok(p) if p <= 100 => save(percent_key.clone(), Field::Percent, FieldValue::Percent(Some(p)), error),
                                _ => error.set(Some("進捗率は0から100の整数で入力してください。".to_owned())),
                            },
                        }
                    }/>
            </div>
            {text(Field::Results, "実績")}
            {select(Field::Grade, "評価（A〜D）", grade_options,
                |v| FieldValue::Grade(Grade::ALL.into_iter().find(|g| g.as_str() == v)),
                |v| match v { FieldValue::Grade(Some(g)) => g.as_str().to_owned(), _ => String::new() })}
            {text(Field::GradeComment, "評価の理由")}
            {text(Field::NextActions, "次の取組（改善）")}
            {move || error.get().map(|e| view! { <p class="notice notice--error" role="alert">{e}</p> })}
        </form>
    }
}

fn status_slug(status: Status) -> &'static str {
    match status {
        Status::NotStarted => "not_started",
        Status::OnTrack => "on_track",
        Status::Delayed => "delayed",
        Status::Completed => "completed",
        Status::Cancelled => "cancelled",
    }
}

#[component]
fn KpiReadings(
    key: RecordKey,
    kpis: Vec<keikaku_domain::Kpi>,
    record: Signal<Option<ProgressRecord>>,
    writable: bool,
) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    view! {
        <section aria-labelledby="kpi-heading">
            <h3 id="kpi-heading">"KPIの実績値"</h3>
            <ul class="kpi-readings">
                {kpis.into_iter().enumerate().map(|(i, kpi)| {
                    let kpi_id = keikaku_sync::progress::kpi_id(i);
                    let latest_id = kpi_id.clone();
                    let latest = move || record.get().and_then(|r| r.latest_readings().get(latest_id.as_str()).map(|r| keikaku_sync::round_sheet::reading_as_of(&r.value, "", &r.as_of, keikaku_domain::lang::Lang::Ja)));
                    let value = RwSignal::new(String::new());
                    let as_of = RwSignal::new(String::new());
                    let key = key.clone();
                    let value_id = format!("kpi-{}-value", i + 1);
                    let date_id = format!("kpi-{}-date", i + 1);
                    let label = kpi.label.clone();
                    let target = kpi.target_amount().map(|t| format!("目標 {t}"));
                    view! {
                        <li>
                            <p><strong>{label.clone()}</strong>{target.map(|t| format!("（{t}）"))}</p>
                            <p>"最新の実績："{move || latest().unwrap_or_else(|| "（未記録）".to_owned())}</p>
                            {writable.then(|| view! {
                                <form class="inline-form" on:submit=move |ev| {
                                    ev.prevent_default();
                                    let reading = keikaku_sync::client::NewKpiReading {
                                        kpi_id: kpi_id.clone(),
                                        value: value.get_untracked().trim().to_owned(),
                                        as_of: as_of.get_untracked(),
                                        note: None,
                                    };
                                    let key = key.clone();
                                    let _ = &reading;
                                    #[cfg(feature = "hydrate")]
                                    leptos::task::spawn_local(async move {
                                        let result = match crate::offline::engine::engine() {
                                            Some(engine) => engine.append_kpi_reading(key, reading).await,
                                            None => Err("端末の保存領域が使えません。".to_owned()),
                                        };
                                        if result.is_ok() {
                                            value.set(String::new());
                                        }
                                        error.set(result.err());
                                    });
                                    #[cfg(not(feature = "hydrate"))]
                                    let _ = key;
                                }>
                                    <label for=value_id.clone()>{format!("{label}の実績値")}</label>
                                    <input id=value_id type="text" inputmode="decimal" required maxlength="32" pattern="-?[0-9]+(\\.[0-9]+)?"
                                        prop:value=value on:input=move |ev| value.set(event_target_value(&ev))/>
                                    <label for=date_id.clone()>"時点"</label>
                                    <input id=date_id type="date" required prop:value=as_of on:input=move |ev| as_of.set(event_target_value(&ev))/>
                                    <button type="submit">"実績値を記録"</button>
                                </form>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {move || error.get().map(|e| view! { <p class="notice notice--error" role="alert">{e}</p> })}
        </section>
    }
}

#[component]
fn FieldNotes(
    key: RecordKey,
    record: Signal<Option<ProgressRecord>>,
    writable: bool,
) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let text = RwSignal::new(String::new());
    let date = RwSignal::new(String::new());
    #[cfg(feature = "hydrate")]
    date.set(crate::offline::engine::today());
    let add_key = key.clone();
    let notes = move || {
        record
            .get()
            .map(|r| r.visible_notes().into_iter().cloned().collect::<Vec<_>>())
            .unwrap_or_default()
    };
    view! {
        <section aria-labelledby="notes-heading">
            <h3 id="notes-heading">"現場メモ"</h3>
            <ul class="field-notes">
                {move || notes().into_iter().map(|note| {
                    let key = key.clone();
                    let id = note.id.clone();
                    view! {
                        <li>
                            <p class="field-notes__meta">{note.date.clone()}"・"{note.author.clone()}</p>
                            <p class="field-notes__text">{note.text.clone()}</p>
                            {writable.then(|| view! {
                                <button type="button" aria-label=format!("{}のメモを取り消す", note.date)
                                    on:click=move |_| {
                                        let (key, id) = (key.clone(), id.clone());
                                        let _ = (&key, &id);
                                        #[cfg(feature = "hydrate")]
                                        leptos::task::spawn_local(async move {
                                            if let Some(engine) = crate::offline::engine::engine() {
                                                error.set(engine.retract_note(key, id).await.err());
                                            }
                                        });
                                    }>"取り消す"</button>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {writable.then(|| view! {
                <form class="edit-form" on:submit=move |ev| {
                    ev.prevent_default();
                    let key = add_key.clone();
                    let _ = &key;
                    #[cfg(feature = "hydrate")]
                    leptos::task::spawn_local(async move {
                        let result = match crate::offline::engine::engine() {
                            Some(engine) => {
                                let note = keikaku_sync::client::NewNote {
                                    date: date.get_untracked(),
                                    text: text.get_untracked(),
                                    author: engine.display_name.clone(),
                                };
                                engine.append_note(key, note).await
                            }
                            None => Err("端末の保存領域が使えません。".to_owned()),
                        };
                        if result.is_ok() {
                            text.set(String::new());
                        }
                        error.set(result.err());
                    });
                }>
                    <div class="field">
                        <label for="note-date">"日付"</label>
                        <input id="note-date" type="date" required prop:value=date on:input=move |ev| date.set(event_target_value(&ev))/>
                    </div>
                    <div class="field">
                        <label for="note-text">"メモ"</label>
                        <textarea id="note-text" rows="3" required maxlength="4000" prop:value=text on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                    </div>
                    <button type="submit">"メモを追加"</button>
                </form>
            })}
            {move || error.get().map(|e| view! { <p class="notice notice--error" role="alert">{e}</p> })}
        </section>
    }
}
