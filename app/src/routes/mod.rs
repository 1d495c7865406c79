//! One module per route.

mod admin;
mod app_shell;
mod device_lock;
mod glossary;
mod history;
mod home;
mod login;
mod logout;
mod measure;
mod measure_edit;
mod plan;
pub mod progress;
pub mod progress_round;
mod roadmap;
mod search;
mod sync;

pub use crate::components::layout::NotFound;
pub use admin::AdminPage;
pub use app_shell::AppShellPage;
pub use device_lock::{DeviceLocked, PinSettings};
pub use glossary::GlossaryPage;
pub use history::HistoryPage;
pub use home::HomePage;
pub use login::LoginPage;
pub use logout::LogoutPage;
pub use measure::MeasurePage;
pub use measure_edit::MeasureEditPage;
pub use plan::PlanPage;
pub use progress::ProgressPage;
pub use roadmap::RoadmapPage;
pub use search::SearchPage;
pub use sync::{SyncIndicator, SyncPage};
