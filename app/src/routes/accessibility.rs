//! `/accessibility`: アクセシビリティ方針. What the site conforms to, how that is tested (the
//! automated checks every change must pass, per page type) and the manual checks, with their
//! date and state. Static: the figures here change only with the tests, in the same commit.
//! The page's words are in one struct per language, so a missing translation does not build.

use keikaku_domain::lang::Lang;
use leptos::prelude::*;

use crate::components::layout::PageTitle;
use crate::components::table::ScrollFrame;

struct Texts {
    title: &'static str,
    description: &'static str,
    lead: &'static str,
    scope_term: &'static str,
    scope: &'static str,
    level_term: &'static str,
    level: &'static str,
    date_term: &'static str,
    /// When the checks below were last run and reviewed.
    date: &'static str,
    automated: &'static str,
    automated_lead: &'static str,
    automated_caption: &'static str,
    page_type: &'static str,
    suite: &'static str,
    result: &'static str,
    no_violation: &'static str,
    /// Page types and the browser suites that check them with axe-core at 360 px and 1024 px.
    automated_rows: &'static [(&'static str, &'static str)],
    manual: &'static str,
    manual_caption: &'static str,
    item: &'static str,
    how: &'static str,
    state: &'static str,
    /// Manual checks: what is checked and how, and where it stands.
    manual_rows: &'static [(&'static str, &'static str, &'static str)],
    contact: &'static str,
    contact_text: &'static str,
}

const JA: Texts = Texts {
    title: "アクセシビリティ方針",
    description: "Keikakuのアクセシビリティ方針：JIS X 8341-3:2016 適合レベルAAへの準拠と、その試験結果。",
    lead: "Keikakuは、だれもが自治体の計画と進み具合を読めるよう、日本産業規格 JIS X 8341-3:2016（WCAG 2.0と一致）の適合レベルAAに準拠することを方針とし、WCAG 2.1 のAA基準でも試験しています。",
    scope_term: "対象",
    scope: "このサイトのすべてのページ",
    level_term: "目標とする適合レベル",
    level: "JIS X 8341-3:2016 適合レベルAA（準拠）",
    date_term: "試験日",
    date: "2026年12月7日",
    automated: "自動試験の結果",
    automated_lead: "変更のたびに、実際のChromiumでページを開き、axe-core（4.14）でWCAG 2.1のA・AAの達成基準を幅360px（スマートフォン）と幅1024px（タブレット）で確かめ、横スクロールが生じないことも確認しています。英語表示でも同じ試験を行い、英語のページに残る日本語（計画の本文など）に言語の指定があることも確かめています。一つでも違反があると変更は取り込まれません。",
    automated_caption: "ページの種類ごとの自動試験",
    page_type: "ページの種類",
    suite: "試験",
    result: "結果",
    no_violation: "違反なし",
    automated_rows: &[
        ("トップ（計画一覧）", "pages.spec.ts, citizens.spec.ts, english.spec.ts"),
        ("計画の概要・体系", "pages.spec.ts, english.spec.ts"),
        ("進み具合", "citizens.spec.ts（JavaScriptなしの表示も確認）, english.spec.ts"),
        ("施策", "pages.spec.ts, citizens.spec.ts, english.spec.ts"),
        ("工程表", "roadmap.spec.ts, pages.spec.ts, english.spec.ts"),
        ("用語集", "pages.spec.ts, english.spec.ts"),
        ("検索", "search.spec.ts, english.spec.ts"),
        ("オープンデータ", "citizens.spec.ts, english.spec.ts"),
        ("計画書・改定履歴・版の比較", "versions.spec.ts, notes.spec.ts, english-work.spec.ts"),
        ("ログイン・職員向けページ", "login.spec.ts, admin.spec.ts, rounds.spec.ts, sync.spec.ts, english-work.spec.ts"),
        ("このページ", "citizens.spec.ts, english.spec.ts"),
    ],
    manual: "手動での確認",
    manual_caption: "手動での確認項目と状況",
    item: "項目",
    how: "確認の方法",
    state: "状況",
    manual_rows: &[
        (
            "キーボードだけで操作できる",
            "リンク・フォーム・表のスクロール枠・メモの範囲選択（Shift＋矢印）をTabと矢印キーで操作",
            "市民向けの全ページ種別（10種類）をTabキーで端から端まで自動で巡回（1画面あたり9〜106か所、計471か所）し、止まる場所がすべて見えること・フォーカスが表示されること・役割と名前があることを確認（keyboard.spec.ts）。主な操作もブラウザテストでキーボード操作を再現して確認",
        ),
        (
            "200%に拡大しても読める",
            "文字を200%に拡大し、横スクロールなしで読めること",
            "幅360pxでの横スクロールなしを全ページ種別で自動確認（1280px表示の約350%拡大に相当）",
        ),
        (
            "読み上げで名前が伝わる",
            "画像・グラフ・ボタン・入力欄の名前",
            "axe-coreで名前の有無を自動確認し、Tabで止まるすべての要素について、Chromiumがスクリーンリーダーに渡すアクセシビリティツリー上の役割と名前を確認（keyboard.spec.ts）。グラフはSVGに題名と要約文を付け、同じ数値を表でも提供。実際のスクリーンリーダー（NVDA、VoiceOver）での確認は未実施",
        ),
        (
            "色だけに頼らない",
            "グラフの区分、状態の表示",
            "グラフは模様・形・線の種類でも区別し、凡例と表を併記",
        ),
        (
            "JavaScriptなしでも読める",
            "計画・進み具合・施策・工程表・検索・オープンデータ",
            "ブラウザテストでJavaScriptを無効にして表示を確認",
        ),
    ],
    contact: "お気づきの点",
    contact_text: "読みにくい箇所や操作できない箇所がありましたら、計画を定めた自治体の担当課（各計画のページに掲載）までお知らせください。",
};

const EN: Texts = Texts {
    title: "Accessibility policy",
    description: "Keikaku's accessibility policy: conformance to JIS X 8341-3:2016 level AA, and the test results.",
    lead: "So that everyone can read municipal plans and how they are going, Keikaku's policy is to conform to level AA of the Japanese Industrial Standard JIS X 8341-3:2016 (identical to WCAG 2.0), and it is also tested against WCAG 2.1 level AA.",
    scope_term: "Scope",
    scope: "Every page of this site",
    level_term: "Target level",
    level: "JIS X 8341-3:2016 level AA (conformance)",
    date_term: "Tested on",
    date: "7 December 2026",
    automated: "Results of the automated tests",
    automated_lead: "With every change, pages are opened in a real Chromium and checked with axe-core (4.14) against the WCAG 2.1 level A and AA success criteria at 360 px (phone) and 1024 px (tablet) wide, and for sideways scrolling. The English pages are tested the same way, and the Japanese left on them (the plans' own text) must be marked as Japanese. A single violation keeps a change out.",
    automated_caption: "Automated tests by page type",
    page_type: "Page type",
    suite: "Tests",
    result: "Result",
    no_violation: "No violation",
    automated_rows: &[
        ("Home (list of plans)", "pages.spec.ts, citizens.spec.ts, english.spec.ts"),
        ("Plan overview and structure", "pages.spec.ts, english.spec.ts"),
        ("Progress", "citizens.spec.ts (also without JavaScript), english.spec.ts"),
        ("Measure", "pages.spec.ts, citizens.spec.ts, english.spec.ts"),
        ("Roadmap", "roadmap.spec.ts, pages.spec.ts, english.spec.ts"),
        ("Glossary", "pages.spec.ts, english.spec.ts"),
        ("Search", "search.spec.ts, english.spec.ts"),
        ("Open data", "citizens.spec.ts, english.spec.ts"),
        ("Plan document, versions, comparison", "versions.spec.ts, notes.spec.ts, english-work.spec.ts"),
        ("Sign-in and staff pages", "login.spec.ts, admin.spec.ts, rounds.spec.ts, sync.spec.ts, english-work.spec.ts"),
        ("This page", "citizens.spec.ts, english.spec.ts"),
    ],
    manual: "Manual checks",
    manual_caption: "Manual checks and where they stand",
    item: "Check",
    how: "How",
    state: "State",
    manual_rows: &[
        (
            "Usable by keyboard alone",
            "Links, forms, scrolling table frames and selecting text for a note (Shift + arrows) with Tab and the arrow keys",
            "Every page type citizens read (10) is walked with the Tab key from end to end by a test (9 to 106 stops a page, 471 in all): every stop is visible, shows the focus, and has a role and a name (keyboard.spec.ts). The main tasks are also checked by browser tests that use the keyboard",
        ),
        (
            "Readable at 200% zoom",
            "Text zoomed to 200% reads without sideways scrolling",
            "No sideways scrolling at 360 px is checked automatically on every page type (about 350% zoom of a 1280 px screen)",
        ),
        (
            "Names are read out",
            "Names of images, charts, buttons and fields",
            "axe-core checks automatically that they have names, and for every element the Tab key stops at, the role and name in the accessibility tree Chromium gives screen readers are checked (keyboard.spec.ts). Charts are SVG with a title and a summary, and the same figures in a table. Not yet tried with a real screen reader (NVDA, VoiceOver)",
        ),
        (
            "Not by colour alone",
            "Chart categories, states",
            "Charts also use patterns, shapes and line styles, with a legend and a table",
        ),
        (
            "Readable without JavaScript",
            "Plans, progress, measures, roadmap, search, open data",
            "Browser tests open them with JavaScript off",
        ),
    ],
    contact: "Feedback",
    contact_text: "If anything is hard to read or cannot be used, please tell the department in charge at the municipality that made the plan (named on each plan's page).",
};

fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::Ja => &JA,
        Lang::En => &EN,
    }
}

#[component]
pub fn AccessibilityPage() -> impl IntoView {
    let t = texts(crate::lang::use_lang());
    view! {
        <PageTitle text=t.title description=t.description/>
        <div class="page">
            <h1>{t.title}</h1>
            <p>{t.lead}</p>
            <dl class="facts">
                <div><dt>{t.scope_term}</dt><dd>{t.scope}</dd></div>
                <div><dt>{t.level_term}</dt><dd>{t.level}</dd></div>
                <div><dt>{t.date_term}</dt><dd>{t.date}</dd></div>
            </dl>
            <section class="section" aria-labelledby="automated-heading">
                <h2 id="automated-heading">{t.automated}</h2>
                <p>{t.automated_lead}</p>
                <ScrollFrame label=t.automated>
                    <table class="data-table data-table--compact">
                        <caption class="visually-hidden">{t.automated_caption}</caption>
                        <thead><tr><th scope="col">{t.page_type}</th><th scope="col">{t.suite}</th><th scope="col">{t.result}</th></tr></thead>
                        <tbody>
                            {t.automated_rows.iter().map(|(page, suite)| view! {
                                <tr><th scope="row">{*page}</th><td>{*suite}</td><td>{t.no_violation}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </ScrollFrame>
            </section>
            <section class="section" aria-labelledby="manual-heading">
                <h2 id="manual-heading">{t.manual}</h2>
                <ScrollFrame label=t.manual>
                    <table class="data-table data-table--compact">
                        <caption class="visually-hidden">{t.manual_caption}</caption>
                        <thead><tr><th scope="col">{t.item}</th><th scope="col">{t.how}</th><th scope="col">{t.state}</th></tr></thead>
                        <tbody>
                            {t.manual_rows.iter().map(|(item, how, state)| view! {
                                <tr><th scope="row">{*item}</th><td>{*how}</td><td>{*state}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </ScrollFrame>
            </section>
            <section class="section" aria-labelledby="contact-heading">
                <h2 id="contact-heading">{t.contact}</h2>
                <p>{t.contact_text}</p>
            </section>
        </div>
    }
}
