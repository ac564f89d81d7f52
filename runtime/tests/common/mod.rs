//! Helpers shared by the runtime's integration tests.

pub mod dynamic;
pub mod guests;
pub mod kitchen_sink;
pub mod raw_host;
