//! Building blocks shared by several pages.

pub mod achievement_chart;
pub mod chart;
pub mod diff;
pub mod focus;
pub mod form;
pub mod guarded;
pub mod kpi_trend_chart;
pub mod layout;
pub mod notebook;
pub mod outcome;
pub mod plan_header;
pub mod presenting;
pub mod reading;
pub mod rich_text;
pub mod schedule;
pub mod standing_chart;
pub mod table;
pub mod years_chart;
