//! A library written with weft's guest crate: every export implemented
//! once in Rust and checked against `wit/basics.wit` at compile time.
//! `guest/tests/basics_component.rs` builds it for `wasm32-unknown-unknown`,
//! componentizes it and runs it on weft's runtime.
//!
//! It denies `missing_docs`: the items `world!` generates are documented
//! (the WIT's documentation, or a line naming the WIT item).

#![deny(missing_docs)]

weft::world!();

#[weft::export]
fn reverse(s: &str) -> String {
    s.chars().rev().collect()
}

#[weft::export]
fn count_words(text: String) -> u32 {
    text.split_whitespace().count() as u32
}

#[weft::export]
fn negate(x: i32) -> i32 {
    x.wrapping_neg()
}

#[weft::export]
fn nothing() {}

#[weft::export]
fn stats(values: &[i64], label: String) -> Stats {
    let total: i64 = values.iter().sum();
    let mean = (!values.is_empty()).then(|| total as f64 / values.len() as f64);
    Stats {
        count: values.len() as u32,
        total,
        mean,
        label,
    }
}

#[weft::export]
fn parse_u8(s: &str) -> Result<u8, String> {
    s.parse().map_err(|e| format!("{s:?}: {e}"))
}

#[weft::export]
fn split(s: &str, sep: char) -> Vec<String> {
    s.split(sep).map(String::from).collect()
}

#[weft::export]
fn shout(words: Vec<String>) -> Vec<String> {
    words.into_iter().map(|w| w.to_uppercase() + "!").collect()
}

#[weft::export]
fn maybe_char(code: u32) -> Option<char> {
    char::from_u32(code)
}

#[weft::export]
fn checksum(data: &[u8]) -> u32 {
    data.iter().fold(0u32, |sum, &b| {
        sum.wrapping_mul(31).wrapping_add(u32::from(b))
    })
}

#[weft::export]
fn reverse_bytes(mut data: Vec<u8>) -> Vec<u8> {
    data.reverse();
    data
}

#[weft::export]
fn scale(values: Vec<f64>, by: f64) -> Vec<f64> {
    values.into_iter().map(|v| v * by).collect()
}

/// Everything back as it came, one step along where a step makes sense.
#[allow(clippy::too_many_arguments, clippy::type_complexity)]
#[weft::export]
fn echo_many(
    a: u8,
    b: i16,
    c: u32,
    d: i64,
    e: f32,
    f: f64,
    g: char,
    h: bool,
    i: String,
    j: Vec<u8>,
    k: Option<String>,
    l: u64,
    m: i8,
) -> (
    u8,
    i16,
    u32,
    i64,
    f32,
    f64,
    char,
    bool,
    String,
    Vec<u8>,
    Option<String>,
    u64,
) {
    let _ = m;
    (a, b, c, d, e, f, g, !h, i, j, k, l)
}

#[weft::export]
fn greet_all(names: Vec<String>) -> Vec<String> {
    names
        .into_iter()
        .map(|name| {
            let greeting = wit::host::greet(name);
            wit::host::log(format!("greeted: {greeting}"));
            greeting
        })
        .collect()
}

#[weft::export]
fn split_greeting(name: String, at: u32) -> (String, String) {
    wit::host::split_at(wit::host::greet(name), at)
}

/// The entries' sum (values are the keys' positions), plus 1 to 17
/// through the spilled `sum-many`, plus the host's clock.
#[weft::export]
fn total(keys: Vec<String>) -> u64 {
    let entries = keys
        .into_iter()
        .enumerate()
        .map(|(i, key)| wit::host::Entry {
            key,
            value: i as i64,
        })
        .collect();
    let sum = wit::host::sum(entries) as u64;
    let many = wit::host::sum_many(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17);
    sum + many + now()
}

use wit::tallies::describe;

#[weft::export]
fn count_with_host(label: String, values: Vec<i64>) -> i64 {
    let tally = Tally::new(label, 0);
    for value in values {
        tally.add(value);
    }
    tally.value()
}

#[weft::export]
fn merge_tallies(a: &Tally, b: &Tally) -> Tally {
    Tally::merge(a, b)
}

#[weft::export]
fn bump_tally(t: Tally, by: i64) -> Tally {
    t.add(by);
    t
}

#[weft::export]
fn describe_tally(t: &Tally) -> String {
    format!("{} ({})", describe(t), t.label())
}

#[weft::export]
fn note_tally(t: Tally, note: String) -> Noted {
    Noted { tally: t, note }
}

#[weft::export]
fn unnote_tally(n: Noted, by: i64) -> Tally {
    n.tally.add(by + n.note.len() as i64);
    n.tally
}

#[weft::export]
fn hold(t: Option<Tally>) -> Held {
    t.map_or(Held::Nothing, Held::One)
}

#[weft::export]
fn describe_both(a: &Tally, b: &Tally) -> String {
    wit::tallies::describe_all(vec![a, b]).join("; ")
}

/// The `shapes` interface.
#[weft::export]
mod shapes {
    use crate::wit::shapes::*;

    pub fn area(s: Shape) -> f64 {
        match s {
            Shape::Circle(r) => std::f64::consts::PI * r * r,
            Shape::Rect((a, b)) => f64::from((b.x - a.x).abs()) * f64::from((b.y - a.y).abs()),
            Shape::Dot(_) | Shape::Empty => 0.0,
        }
    }

    pub fn bounding_box(points: Points) -> Option<(Point, Point)> {
        let first = points.first()?.clone();
        let (mut low, mut high) = (first.clone(), first);
        for p in &points {
            low = Point {
                x: low.x.min(p.x),
                y: low.y.min(p.y),
            };
            high = Point {
                x: high.x.max(p.x),
                y: high.y.max(p.y),
            };
        }
        Some((low, high))
    }

    pub fn paint(s: Shape, c: Color) -> (Color, Shape) {
        (c, s)
    }

    pub fn next_color(c: Color) -> Color {
        match c {
            Color::Red => Color::Green,
            Color::Green => Color::Blue,
            Color::Blue => Color::Red,
        }
    }

    pub fn grant(p: Perms, extra: Perms) -> Perms {
        p | extra
    }
}

/// Counters alive in the guest: made and not yet destroyed.
static LIVE: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

/// The `counter` resource of the `counters` interface.
pub struct Counter {
    label: String,
    value: std::cell::Cell<u32>,
}

impl Drop for Counter {
    fn drop(&mut self) {
        LIVE.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
    }
}

#[weft::export]
impl Counter {
    /// A counter at `start`.
    pub fn new(label: String, start: u32) -> Self {
        LIVE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Counter {
            label,
            value: std::cell::Cell::new(start),
        }
    }

    /// The value.
    pub fn get(&self) -> u32 {
        self.value.get()
    }

    /// Adds `n`.
    pub fn add(&self, n: u32) {
        self.value.set(self.value.get() + n);
    }

    /// The label.
    pub fn label(&self) -> String {
        self.label.clone()
    }

    /// A new counter from both (`a` is destroyed).
    pub fn merge(a: Counter, b: &Counter) -> Counter {
        Counter::new(format!("{}+{}", a.label, b.label), a.get() + b.get())
    }

    /// Adds the value of the counter inside `t`, which is destroyed.
    pub fn absorb(&self, t: wit::counters::Tagged) {
        self.add(t.counter.get());
    }
}

#[weft::export(interface = "counters")]
mod counters {
    use super::{Counter, LIVE};
    use crate::wit::counters::{CounterList, Outcome, Tagged, Weighing};

    pub fn make(start: u32) -> Counter {
        Counter::new("made".to_string(), start)
    }

    pub fn sum(a: &Counter, b: &Counter) -> u32 {
        a.get() + b.get()
    }

    pub fn live() -> u32 {
        LIVE.load(std::sync::atomic::Ordering::Relaxed)
    }

    pub fn make_tagged(label: String, start: u32, notes: Vec<String>) -> Tagged {
        Tagged {
            counter: Counter::new(label, start),
            notes,
        }
    }

    pub fn open(t: Tagged) -> (u32, Vec<String>) {
        (t.counter.get(), t.notes)
    }

    pub fn make_many(starts: Vec<u32>) -> CounterList {
        starts
            .into_iter()
            .map(|start| Counter::new(format!("#{start}"), start))
            .collect()
    }

    pub fn total(counters: CounterList) -> u32 {
        counters.iter().map(Counter::get).sum()
    }

    pub fn maybe_make(start: Option<u32>) -> Option<Counter> {
        start.map(|start| Counter::new("maybe".into(), start))
    }

    pub fn try_make(start: i64) -> Result<Counter, String> {
        u32::try_from(start)
            .map(|start| Counter::new("tried".into(), start))
            .map_err(|e| format!("{start}: {e}"))
    }

    pub fn attempt(start: i64) -> Outcome {
        match try_make(start) {
            Ok(counter) => Outcome::Made(counter),
            Err(message) => Outcome::Refused(message),
        }
    }

    pub fn settle(o: Outcome) -> String {
        match o {
            Outcome::Made(counter) => format!("{}={}", counter.label, counter.get()),
            Outcome::Refused(message) => message,
        }
    }

    pub fn weigh(w: Weighing<'_>) -> u32 {
        w.heavy.get() * w.factor + w.light.get()
    }

    pub fn weigh_all(items: &[(&Counter, u32)]) -> u32 {
        items.iter().map(|(counter, n)| counter.get() * n).sum()
    }

    pub fn peek(c: Option<&Counter>) -> Option<u32> {
        c.map(Counter::get)
    }

    pub fn batch(starts: Vec<i64>) -> Vec<Result<Tagged, String>> {
        starts
            .into_iter()
            .map(|start| {
                try_make(start).map(|counter| Tagged {
                    notes: vec![format!("from {start}")],
                    counter,
                })
            })
            .collect()
    }
}
