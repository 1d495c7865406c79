//! `/accessibility`: アクセシビリティ方針. What the site conforms to, how that is tested (the
//! automated checks every change must pass, per page type) and the manual checks, with their
//! date and state. Static: the figures here change only with the tests, in the same commit.

use leptos::prelude::*;

use crate::components::layout::PageTitle;
use crate::components::table::ScrollFrame;

/// When the checks below were last run and reviewed.
const CHECKED_ON: &str = "2026年12月7日";

/// Page types and the browser suites that check them with axe-core at 360 px and 1024 px.
const AUTOMATED: &[(&str, &str)] = &[
    ("トップ（計画一覧）", "pages.spec.ts, citizens.spec.ts"),
    ("計画の概要・体系", "pages.spec.ts"),
    ("進み具合", "citizens.spec.ts（JavaScriptなしの表示も確認）"),
    ("施策", "pages.spec.ts, citizens.spec.ts"),
    ("工程表", "roadmap.spec.ts, pages.spec.ts"),
    ("用語集", "pages.spec.ts"),
    ("検索", "search.spec.ts"),
    ("オープンデータ", "citizens.spec.ts"),
    (
        "計画書・改定履歴・版の比較",
        "versions.spec.ts, notes.spec.ts",
    ),
    (
        "ログイン・職員向けページ",
        "login.spec.ts, admin.spec.ts, rounds.spec.ts, sync.spec.ts",
    ),
    ("このページ", "citizens.spec.ts"),
];

/// Manual checks: what is checked and how, and where it stands.
const MANUAL: &[(&str, &str, &str)] = &[
    (
        "キーボードだけで操作できる",
        "リンク・フォーム・表のスクロール枠・メモの範囲選択（Shift＋矢印）をTabと矢印キーで操作",
        "主な操作はブラウザテストでキーボード操作を再現して確認。全ページの目視確認は未実施",
    ),
    (
        "200%に拡大しても読める",
        "文字を200%に拡大し、横スクロールなしで読めること",
        "幅360pxでの横スクロールなしを全ページ種別で自動確認（1280px表示の約350%拡大に相当）",
    ),
    (
        "読み上げで名前が伝わる",
        "画像・グラフ・ボタン・入力欄の名前",
        "axe-coreで名前の有無を自動確認。グラフはSVGに題名と要約文を付け、同じ数値を表でも提供。スクリーンリーダーでの確認は未実施",
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
];

#[component]
pub fn AccessibilityPage() -> impl IntoView {
    view! {
        <PageTitle text="アクセシビリティ方針"
            description="Keikakuのアクセシビリティ方針：JIS X 8341-3:2016 適合レベルAAへの準拠と、その試験結果。"/>
        <div class="page">
            <h1>"アクセシビリティ方針"</h1>
            <p>"Keikakuは、だれもが自治体の計画と進み具合を読めるよう、日本産業規格 JIS X 8341-3:2016（WCAG 2.0と一致）の適合レベルAAに準拠することを方針とし、WCAG 2.1 のAA基準でも試験しています。"</p>
            <dl class="facts">
                <div><dt>"対象"</dt><dd>"このサイトのすべてのページ"</dd></div>
                <div><dt>"目標とする適合レベル"</dt><dd>"JIS X 8341-3:2016 適合レベルAA（準拠）"</dd></div>
                <div><dt>"試験日"</dt><dd>{CHECKED_ON}</dd></div>
            </dl>
            <section class="section" aria-labelledby="automated-heading">
                <h2 id="automated-heading">"自動試験の結果"</h2>
                <p>"変更のたびに、実際のChromiumでページを開き、axe-core（4.14）でWCAG 2.1のA・AAの達成基準を幅360px（スマートフォン）と幅1024px（タブレット）で確かめ、横スクロールが生じないことも確認しています。一つでも違反があると変更は取り込まれません。"</p>
                <ScrollFrame label="自動試験の結果">
                    <table class="data-table data-table--compact">
                        <caption class="visually-hidden">"ページの種類ごとの自動試験"</caption>
                        <thead><tr><th scope="col">"ページの種類"</th><th scope="col">"試験"</th><th scope="col">"結果"</th></tr></thead>
                        <tbody>
                            {AUTOMATED.iter().map(|(page, suite)| view! {
                                <tr><th scope="row">{*page}</th><td>{*suite}</td><td>"違反なし"</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </ScrollFrame>
            </section>
            <section class="section" aria-labelledby="manual-heading">
                <h2 id="manual-heading">"手動での確認"</h2>
                <ScrollFrame label="手動での確認">
                    <table class="data-table data-table--compact">
                        <caption class="visually-hidden">"手動での確認項目と状況"</caption>
                        <thead><tr><th scope="col">"項目"</th><th scope="col">"確認の方法"</th><th scope="col">"状況"</th></tr></thead>
                        <tbody>
                            {MANUAL.iter().map(|(item, how, state)| view! {
                                <tr><th scope="row">{*item}</th><td>{*how}</td><td>{*state}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </ScrollFrame>
            </section>
            <section class="section" aria-labelledby="contact-heading">
                <h2 id="contact-heading">"お気づきの点"</h2>
                <p>"読みにくい箇所や操作できない箇所がありましたら、計画を定めた自治体の担当課（各計画のページに掲載）までお知らせください。"</p>
            </section>
        </div>
    }
}
