//! `/plans/:plan_id/measures/:measure_id/progress`: staff record a measure's (or one of its
//! actions') progress for a fiscal year — stage reached, status, percent, results, the PDCA
//! evaluation and next actions, KPI readings and field notes.
//!
//! Everything is written to this device's replica first (IndexedDB) and synced when a
//! connection allows, so the page works in the field without a signal. The plan data comes
//! from the server render; the progress comes only from the replica, which exists only in the
//! browser: the server renders a loading state, and so does the first hydrated render.

use keikaku_domain::lang::{mark_japanese, Lang};
use keikaku_domain::views::{paths, MeasureView};
use keikaku_domain::{FiscalYear, Measure, Stage};
use keikaku_sync::progress::{Field, FieldValue, Grade, ProgressRecord, RecordKey, Status};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::client::locale;
use crate::components::layout::{LoadError, Loading, NotFound, PageTitle};
use crate::components::plan_header::Breadcrumbs;
use crate::i18n::{t, t_string, td_string, use_i18n};
use crate::lang::{text_lang, use_lang};
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
                    Ok(None) => view! { <NotFound message=t_string!(use_i18n(), record.not_found)/> }.into_any(),
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
    let (i18n, lang) = (use_i18n(), use_lang());
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
    let page_title = t_string!(
        i18n,
        record.page_title,
        measure = title.clone(),
        plan = summary.title.clone()
    )
    .to_string();
    let title_lang = text_lang(&title);
    view! {
        <PageTitle text=page_title/>
        <div class="page">
            <Breadcrumbs trail=vec![
                (summary.title.clone(), Some(paths::plan(&plan_id))),
                (title.clone(), Some(measure_href.clone())),
                (t_string!(i18n, record.title).to_owned(), None),
            ]/>
            <h1>{t!(i18n, record.heading, measure = title.clone(), <ja> = <span lang=title_lang />)}</h1>
            {(!progress_recordable).then(|| view! {
                <p class="notice notice--error" role="alert">{t!(i18n, record.not_recordable)}</p>
            })}
            <nav class="year-tabs" aria-label=t_string!(i18n, record.years)>
                <ul>
                    {years.iter().map(|y| {
                        let href = format!("{base}?year={}", y.0);
                        let y = *y;
                        let year = year.clone();
                        view! {
                            <li><a href=href aria-current=move || (year() == Some(y)).then_some("page")>{y.label_in(lang)}</a></li>
                        }
                    }).collect_view()}
                </ul>
            </nav>
            <TargetPicker measure=measure.clone() base=base.clone() year=Signal::derive({ let year = year.clone(); move || year() }) target=Signal::derive(target)/>
            {move || year().map(|y| {
                let target_id = target();
                view! { <RecordEditor plan_id=plan_id.clone() measure=measure.clone() year=y target_id editable=progress_recordable submittable=report_submittable/> }
            })}
            <p>
                <a href=measure_href.clone()>{t!(i18n, record.back_to_measure)}</a>
                {t!(i18n, record.separator)}
                <a href="/sync">{t!(i18n, record.sync_link)}</a>
            </p>
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
    let i18n = use_i18n();
    Some(view! {
        <nav class="target-picker" aria-label=t_string!(i18n, record.target_picker)>
            <ul>
                <li><a href=move || link.with_value(|l| l(None)) aria-current=move || target.get().is_empty().then_some("page")>{t!(i18n, record.whole_measure)}</a></li>
                {measure.actions.into_iter().map(|action| {
                    let id = action.id.clone();
                    let current = id.clone();
                    let label = match &action.number {
                        Some(n) => format!("{n} {}", action.title),
                        None => action.title.clone(),
                    };
                    let lang = text_lang(&label);
                    view! {
                        <li><a href=move || link.with_value(|l| l(Some(id.clone()))) aria-current=move || (target.get() == current).then_some("page") lang=lang>{label}</a></li>
                    }
                }).collect_view()}
            </ul>
        </nav>
    })
}

/// A stage reached, in Japanese; [`stage_label_in`] for the page's language.
pub fn stage_label(stage: Option<Stage>) -> &'static str {
    stage_label_in(stage, Lang::Ja)
}

/// A stage reached in `lang`, or that none is recorded.
pub fn stage_label_in(stage: Option<Stage>, lang: Lang) -> &'static str {
    stage.map_or(not_recorded(lang), |s| s.label_in(lang))
}

fn not_recorded(lang: Lang) -> &'static str {
    td_string!(locale(lang), record.not_recorded)
}

/// A field value as people read it, in Japanese; [`describe_in`] for the page's language.
pub fn describe(value: &FieldValue) -> String {
    describe_in(value, Lang::Ja)
}

/// A field value as people read it, in `lang`. A text is returned as written: mark its
/// language where it is shown (`mark_japanese`).
pub fn describe_in(value: &FieldValue, lang: Lang) -> String {
    match value {
        FieldValue::Stage(s) => stage_label_in(*s, lang).to_owned(),
        FieldValue::Status(s) => s
            .map_or(not_recorded(lang), |s| s.label_in(lang))
            .to_owned(),
        FieldValue::Percent(p) => p.map_or(not_recorded(lang).to_owned(), |p| format!("{p}%")),
        FieldValue::Grade(g) => g.map_or(not_recorded(lang), Grade::as_str).to_owned(),
        FieldValue::Text(t) if t.is_empty() => td_string!(locale(lang), record.empty).to_owned(),
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
    let (i18n, lang) = (use_i18n(), use_lang());
    let schedule = action.as_ref().map_or(&measure.schedule, |a| &a.schedule);
    let planned_cell = keikaku_domain::planned_for(schedule, year).map(|(c, _)| c);
    // The plan's words in the page's language where it gives them; the stage as its Japanese
    // names it.
    let planned_stage = planned_cell.and_then(|c| c.stage());
    let planned = planned_cell.map(|c| c.text_in(lang).to_owned());
    let record = record_signal(status, key.clone());
    let values_lock = values_lock(record);
    let notes_lock = notes_lock(record);
    let year_label = year.label_in(lang);
    let heading = match &action {
        None => t!(i18n, record.record_heading_measure, year = year_label).into_any(),
        Some(a) => {
            let action_lang = text_lang(&a.title);
            t!(i18n, record.record_heading_action, action = a.title.clone(), year = year_label, <ja> = <span lang=action_lang />).into_any()
        }
    };
    let planned_lang = planned.as_deref().and_then(mark_japanese);
    let kpis = if action.is_none() {
        measure.kpis.clone()
    } else {
        Vec::new()
    };
    view! {
        <section class="progress-record" aria-labelledby="record-heading">
            <h2 id="record-heading">{heading}</h2>
            <dl class="planned">
                <dt>{t!(i18n, record.planned)}</dt>
                <dd lang=planned_lang>{planned.clone().unwrap_or_else(|| t_string!(i18n, record.nothing_planned).to_owned())}</dd>
                {planned_stage.map(|s| view! { <dt>{t!(i18n, record.planned_stage)}</dt><dd>{s.label_in(lang)}</dd> })}
            </dl>
            {move || {
                if !status.ready.get() {
                    let message = if status.needs_login.get() {
                        t!(i18n, record.sign_in).into_any()
                    } else {
                        t!(i18n, record.loading).into_any()
                    };
                    return view! { <p class="loading" role="status">{message}</p> }.into_any();
                }
                let writable = editable && !status.read_only.get();
                let lock = values_lock.get();
                let values_writable = writable && lock.is_none();
                let notes_writable = writable && !notes_lock.get();
                view! {
                    {status.read_only.get().then(|| view! {
                        <p class="notice" role="status">{t!(i18n, record.read_only)}</p>
                    })}
                    <RoundPanel key=key.clone() record submittable=submittable && writable/>
                    // Why the values are locked (see `progress_round`); it may quote Japanese.
                    {lock.map(|reason| {
                        let lang = mark_japanese(&reason);
                        view! { <p class="notice" role="status" lang=lang>{reason}</p> }
                    })}
                    <FieldsForm key=key.clone() record writable=values_writable/>
                    {(!kpis.is_empty()).then(|| view! { <KpiReadings key=key.clone() kpis=kpis.clone() record writable=values_writable/> })}
                    <FieldNotes key=key.clone() record writable=notes_writable/>
                }.into_any()
            }}
        </section>
    }
}

/// Sends one edit to the replica and reports a refusal (in the page's language, as
/// `no_storage` is).
fn save(
    key: RecordKey,
    field: Field,
    value: FieldValue,
    error: RwSignal<Option<String>>,
    no_storage: &'static str,
) {
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        let result = match crate::offline::engine::engine() {
            Some(engine) => engine.edit(key, field, value).await,
            None => Err(no_storage.to_owned()),
        };
        error.set(result.err());
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (key, field, value, error, no_storage);
}

/// A refusal of the engine or the replica, in the page's language; a reason the server gave
/// may quote the plan's Japanese, and is marked by what it holds.
fn error_notice(error: RwSignal<Option<String>>) -> impl IntoView {
    move || {
        error.get().map(|e| {
            let lang = mark_japanese(&e);
            view! { <p class="notice notice--error" role="alert" lang=lang>{e}</p> }
        })
    }
}

#[component]
fn FieldsForm(
    key: RecordKey,
    record: Signal<Option<ProgressRecord>>,
    writable: bool,
) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let (i18n, lang) = (use_i18n(), use_lang());
    let no_storage = t_string!(i18n, record.no_storage);
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
                        on:change=move |ev| save(key.clone(), field, to_value(&event_target_value(&ev)), error, no_storage)>
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
                    // What staff typed, in whatever language they typed it.
                    <textarea id=id rows="4" maxlength="20000" readonly=!writable
                        lang=move || value(field).as_text().and_then(mark_japanese)
                        prop:value=move || value(field).as_text().unwrap_or_default().to_owned()
                        on:input=move |ev| save(key.clone(), field, FieldValue::Text(event_target_value(&ev)), error, no_storage)></textarea>
                </div>
            }
        }
    };
    let none = t_string!(i18n, record.not_recorded);
    let stage_options = std::iter::once((String::new(), none))
        .chain(
            Stage::ALL
                .iter()
                .map(|s| (s.slug().to_owned(), s.label_in(lang))),
        )
        .collect();
    let status_options = std::iter::once((String::new(), none))
        .chain(
            Status::ALL
                .iter()
                .map(|s| (status_slug(*s).to_owned(), s.label_in(lang))),
        )
        .collect();
    let grade_options = std::iter::once((String::new(), t_string!(i18n, record.not_evaluated)))
        .chain(
            Grade::ALL
                .iter()
                .map(|g| (g.as_str().to_owned(), g.as_str())),
        )
        .collect();
    let percent_key = key.clone();
    let percent_invalid = t_string!(i18n, record.percent_invalid);
    view! {
        <form class="edit-form progress-form" on:submit=|ev| ev.prevent_default()>
            <p class="field__hint">{t!(i18n, record.saved_here)}</p>
            {select(Field::Stage, t_string!(i18n, record.stage), stage_options,
                |v| FieldValue::Stage(Stage::ALL.into_iter().find(|s| s.slug() == v)),
                |v| match v { FieldValue::Stage(Some(s)) => s.slug().to_owned(), _ => String::new() })}
            {select(Field::Status, t_string!(i18n, record.status), status_options,
                |v| FieldValue::Status(Status::ALL.into_iter().find(|s| status_slug(*s) == v)),
                |v| match v { FieldValue::Status(Some(s)) => status_slug(*s).to_owned(), _ => String::new() })}
            <div class="field">
                <label for="progress-percent">{t!(i18n, record.percent)}</label>
                <input id="progress-percent" type="number" min="0" max="100" step="1" inputmode="numeric" readonly=!writable
                    prop:value=move || match value(Field::Percent) { FieldValue::Percent(Some(p)) => p.to_string(), _ => String::new() }
                    on:change=move |ev| {
                        let text = event_target_value(&ev);
                        match text.trim() {
                            "" => save(percent_key.clone(), Field::Percent, FieldValue::Percent(None), error, no_storage),
                            t => match t.parse::<u8>() {
                                Ok(p) if p <= 100 => save(percent_key.clone(), Field::Percent, FieldValue::Percent(Some(p)), error, no_storage),
                                _ => error.set(Some(percent_invalid.to_owned())),
                            },
                        }
                    }/>
            </div>
            {text(Field::Results, t_string!(i18n, record.results))}
            {select(Field::Grade, t_string!(i18n, record.grade), grade_options,
                |v| FieldValue::Grade(Grade::ALL.into_iter().find(|g| g.as_str() == v)),
                |v| match v { FieldValue::Grade(Some(g)) => g.as_str().to_owned(), _ => String::new() })}
            {text(Field::GradeComment, t_string!(i18n, record.grade_comment))}
            {text(Field::NextActions, t_string!(i18n, record.next_actions))}
            {error_notice(error)}
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
    let (i18n, lang) = (use_i18n(), use_lang());
    let no_storage = t_string!(i18n, record.no_storage);
    view! {
        <section aria-labelledby="kpi-heading">
            <h3 id="kpi-heading">{t!(i18n, record.kpi_heading)}</h3>
            <ul class="kpi-readings">
                {kpis.into_iter().enumerate().map(|(i, kpi)| {
                    let kpi_id = keikaku_sync::progress::kpi_id(i);
                    let latest_id = kpi_id.clone();
                    let latest = move || record.get().and_then(|r| r.latest_readings().get(latest_id.as_str()).map(|r| keikaku_sync::round_sheet::reading_as_of(&r.value, "", &r.as_of, lang)));
                    let value = RwSignal::new(String::new());
                    let as_of = RwSignal::new(String::new());
                    let key = key.clone();
                    let value_id = format!("kpi-{}-value", i + 1);
                    let date_id = format!("kpi-{}-date", i + 1);
                    let label = kpi.label.clone();
                    let label_lang = text_lang(&label);
                    let target = kpi.target_amount().map(|target| {
                        // An amount such as 80% or 100件, as the plan gives it.
                        let target_lang = mark_japanese(&target);
                        t!(i18n, record.kpi_target, target, <ja> = <span lang=target_lang />)
                    });
                    view! {
                        <li>
                            <p><strong lang=label_lang>{label.clone()}</strong>{target}</p>
                            <p>{t!(i18n, record.kpi_latest)}{move || latest().unwrap_or_else(|| t_string!(i18n, record.not_recorded).to_owned())}</p>
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
                                            None => Err(no_storage.to_owned()),
                                        };
                                        if result.is_ok() {
                                            value.set(String::new());
                                        }
                                        error.set(result.err());
                                    });
                                    #[cfg(not(feature = "hydrate"))]
                                    let _ = (key, no_storage);
                                }>
                                    <label for=value_id.clone()>{t!(i18n, record.kpi_value, kpi = label.clone(), <ja> = <span lang=label_lang />)}</label>
                                    <input id=value_id type="text" inputmode="decimal" required maxlength="32" pattern="-?[0-9]+(\\.[0-9]+)?"
                                        prop:value=value on:input=move |ev| value.set(event_target_value(&ev))/>
                                    <label for=date_id.clone()>{t!(i18n, record.kpi_as_of)}</label>
                                    <input id=date_id type="date" required prop:value=as_of on:input=move |ev| as_of.set(event_target_value(&ev))/>
                                    <button type="submit">{t!(i18n, record.kpi_record)}</button>
                                </form>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {error_notice(error)}
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
    let i18n = use_i18n();
    let no_storage = t_string!(i18n, record.no_storage);
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
            <h3 id="notes-heading">{t!(i18n, record.notes_heading)}</h3>
            <ul class="field-notes">
                {move || notes().into_iter().map(|note| {
                    let key = key.clone();
                    let id = note.id.clone();
                    // The author's name and the note are as people wrote them.
                    let author_lang = mark_japanese(&note.author);
                    let note_lang = mark_japanese(&note.text);
                    let retract_label = t_string!(i18n, record.note_retract_label, date = note.date.clone()).to_string();
                    view! {
                        <li>
                            <p class="field-notes__meta">{note.date.clone()}{t!(i18n, record.note_meta_separator)}<span lang=author_lang>{note.author.clone()}</span></p>
                            <p class="field-notes__text" lang=note_lang>{note.text.clone()}</p>
                            {writable.then(|| view! {
                                <button type="button" aria-label=retract_label
                                    on:click=move |_| {
                                        let (key, id) = (key.clone(), id.clone());
                                        let _ = (&key, &id);
                                        #[cfg(feature = "hydrate")]
                                        leptos::task::spawn_local(async move {
                                            if let Some(engine) = crate::offline::engine::engine() {
                                                error.set(engine.retract_note(key, id).await.err());
                                            }
                                        });
                                    }>{t!(i18n, record.note_retract)}</button>
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
                            None => Err(no_storage.to_owned()),
                        };
                        if result.is_ok() {
                            text.set(String::new());
                        }
                        error.set(result.err());
                    });
                    #[cfg(not(feature = "hydrate"))]
                    let _ = no_storage;
                }>
                    <div class="field">
                        <label for="note-date">{t!(i18n, record.note_date)}</label>
                        <input id="note-date" type="date" required prop:value=date on:input=move |ev| date.set(event_target_value(&ev))/>
                    </div>
                    <div class="field">
                        <label for="note-text">{t!(i18n, record.note_text)}</label>
                        <textarea id="note-text" rows="3" required maxlength="4000" prop:value=text on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                    </div>
                    <button type="submit">{t!(i18n, record.note_add)}</button>
                </form>
            })}
            {error_notice(error)}
        </section>
    }
}
