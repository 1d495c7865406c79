//! Progress records and the protocol that syncs them between offline clients and the server.
//!
//! Pure logic (no IO, clock or randomness), so the server, the browser and a deterministic
//! simulation all run the same code.
