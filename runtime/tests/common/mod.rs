//! Helpers shared by the runtime's integration tests.

pub mod guests;
pub mod kitchen_sink;
