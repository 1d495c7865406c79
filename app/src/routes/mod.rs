//! One module per route.

mod glossary;
mod history;
mod home;
mod login;
mod measure;
mod plan;
mod roadmap;
mod search;

pub use crate::components::layout::NotFound;
pub use glossary::GlossaryPage;
pub use history::HistoryPage;
pub use home::HomePage;
pub use login::LoginPage;
pub use measure::MeasurePage;
pub use plan::PlanPage;
pub use roadmap::RoadmapPage;
pub use search::SearchPage;
