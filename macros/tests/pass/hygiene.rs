//! The generated code names what it uses by absolute path: a crate that
//! shadows the prelude's names still compiles.

#![allow(dead_code, non_camel_case_types, unused_macros)]

struct Option;
struct Result;
struct String;
struct Vec;
struct Box;
struct Some;
struct Ok;
trait Clone {}
trait Debug {}

macro_rules! panic {
    () => {};
}
macro_rules! assert {
    () => {};
}

weft::world!();

#[weft::export]
fn negate(x: i32) -> i32 {
    -x
}

#[weft::export]
fn reverse(s: &str) -> std::string::String {
    s.chars().rev().collect()
}

#[weft::export]
fn stats(values: std::vec::Vec<i64>, label: std::string::String) -> Stats {
    Stats {
        count: values.len() as u32,
        label,
    }
}

#[weft::export]
fn parse(s: &str) -> core::result::Result<u8, std::string::String> {
    s.parse().map_err(|_| s.into())
}

#[weft::export(interface = "shapes")]
fn area(p: wit::shapes::Point) -> f64 {
    f64::from(p.x) * f64::from(p.y)
}

fn main() {}
