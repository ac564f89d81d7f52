//! A large generated module for measuring compile throughput: `build.rs`
//! writes thousands of distinct exported functions `big_N(a, b) -> u32`
//! (and `big_count()`), included here. Every function is deterministic, so
//! the runner can also check that both engines compute the same results.

#![allow(unused, clippy::all)]

include!(concat!(env!("OUT_DIR"), "/big.rs"));
