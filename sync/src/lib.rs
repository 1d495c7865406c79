//! Progress records and the protocol that syncs them between offline clients and the server.
//!
//! Pure logic (no IO, clock or randomness), so the server, the browser and a deterministic
//! simulation all run the same code.
//!
//! - [`progress`]: what is recorded per measure or action and fiscal year, and its validation.
//! - [`protocol`]: the push and pull messages on the wire.
//! - [`server`]: how the server decides each pushed mutation, and an in-memory reference server.
//! - [`client`]: the browser's replica: confirmed state, outbox, conflicts, and the writes that
//!   persist them.
//! - [`merge`]: the three-way text merge behind concurrent narrative edits.
//!
//! The protocol is described for client and server authors in `docs/sync-protocol.md`.

pub mod annotation;
pub mod client;
pub mod merge;
pub mod overview;
pub mod progress;
pub mod protocol;
pub mod report;
pub mod round;
pub mod round_sheet;
pub mod server;

pub use merge::merge_text;
pub use progress::{
    validate, Field, FieldNote, FieldValue, Grade, Invalid, KpiReading, ProgressRecord, RecordKey,
    Status, Target, Versioned,
};

#[cfg(test)]
#[path = "../tests/support/mod.rs"]
mod support;
