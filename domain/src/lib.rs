//! Keikaku's domain: what a municipal DX plan is, independent of storage and UI.
//!
//! Everything here is pure (no IO, no clock, no randomness) so it runs the same on the server,
//! in the browser (wasm) and in deterministic tests.

pub mod access;
pub mod anchor;
pub mod date;
pub mod document;
pub mod english;
pub mod evaluation;
pub mod fiscal;
pub mod format;
pub mod import;
pub mod lang;
pub mod limits;
pub mod reading;
pub mod reason;
pub mod revision;
pub mod roadmap;
pub mod search;
pub mod stage;
pub mod text;
pub mod views;

pub use fiscal::FiscalYear;
pub use format::*;
pub use stage::Stage;
