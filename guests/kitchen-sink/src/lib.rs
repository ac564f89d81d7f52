//! The kitchen-sink guest: implements `wit/kitchen-sink.wit` with
//! wit-bindgen's `generate!`, exercising every WIT type in parameters and
//! results, exported and imported resources, and calls out to the host.
//!
//! Each export computes something the host test can check on its own
//! (sums, reversals, counts, rotations), so a value that crosses the
//! component boundary wrongly gives a wrong answer rather than an echo of
//! the wrong value. `runtime/tests/guest_kitchen_sink.rs` runs it on weft.

// The WIT has functions of 18 and 20 parameters on purpose (more than 16
// flat parameters go through memory).
#![allow(clippy::too_many_arguments)]

use std::cell::RefCell;
use std::sync::atomic::{AtomicU32, Ordering};

wit_bindgen::generate!({ world: "kitchen-sink" });

use exports::weft_test::kitchen_sink::{compound, faults, resources, scalars};
use weft_test::kitchen_sink::host;
// `Color`, `Permissions`, `Point`, `Stats` and `Tally` are in scope
// already: the world `use`s them.
use weft_test::kitchen_sink::types::{Drawing, Nine, Person, Shape, Wide};

/// The component: one type implementing every exported interface.
struct KitchenSink;

export!(KitchenSink);

/// The world's top-level exports.
impl Guest for KitchenSink {
    fn weighted_sum(
        a1: u32,
        a2: u32,
        a3: u32,
        a4: u32,
        a5: u32,
        a6: u32,
        a7: u32,
        a8: u32,
        a9: u32,
        a10: u32,
        a11: u32,
        a12: u32,
        a13: u32,
        a14: u32,
        a15: u32,
        a16: u32,
        a17: u32,
        a18: u32,
        a19: u32,
        a20: u32,
    ) -> u64 {
        [
            a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16, a17, a18, a19,
            a20,
        ]
        .iter()
        .zip(1u64..)
        .map(|(&a, weight)| u64::from(a) * weight)
        .sum()
    }

    fn describe_all(
        a: bool,
        b: i8,
        c: u8,
        d: i16,
        e: u16,
        f: i32,
        g: u32,
        h: i64,
        i: u64,
        j: f32,
        k: f64,
        l: char,
        m: String,
        n: Vec<u8>,
        o: Point,
        p: Option<u32>,
        q: Color,
        r: Permissions,
    ) -> String {
        let hex: String = n.iter().map(|byte| format!("{byte:02x}")).collect();
        let point = format!("({},{})", o.x, o.y);
        let option = p.map_or_else(|| "none".to_string(), |v| v.to_string());
        [
            a.to_string(),
            b.to_string(),
            c.to_string(),
            d.to_string(),
            e.to_string(),
            f.to_string(),
            g.to_string(),
            h.to_string(),
            i.to_string(),
            j.to_string(),
            k.to_string(),
            l.to_string(),
            m,
            hex,
            point,
            option,
            color_name(q).to_string(),
            permission_names(r),
        ]
        .join("|")
    }

    fn compute_stats(values: Vec<i32>) -> Stats {
        let sum: i64 = values.iter().map(|&v| i64::from(v)).sum();
        Stats {
            count: values.len() as u32,
            sum,
            min: values.iter().copied().min().unwrap_or(0),
            max: values.iter().copied().max().unwrap_or(0),
            mean: if values.is_empty() {
                f64::NAN
            } else {
                sum as f64 / values.len() as f64
            },
        }
    }

    fn log_all(messages: Vec<String>) -> u32 {
        for message in &messages {
            host::log(message);
        }
        messages.len() as u32
    }

    fn host_sum(values: Vec<u64>) -> u64 {
        values.into_iter().fold(0, host::add)
    }

    fn greet_all(names: Vec<String>) -> Vec<String> {
        names.iter().map(|name| host::greet(name)).collect()
    }

    fn host_points_sum(n: u32) -> i64 {
        host::points(n)
            .iter()
            .map(|p| i64::from(p.x) - i64::from(p.y))
            .sum()
    }

    fn host_split_swap(s: String, at: u32) -> String {
        let (front, back) = host::split_at(&s, at);
        back + &front
    }

    fn count_with_host(label: String, steps: Vec<i64>) -> i64 {
        let tally = Tally::new(&label, 0);
        for step in steps {
            tally.add(step);
        }
        tally.value()
    }

    fn describe_tally(t: &Tally) -> String {
        format!("{}={}", t.label(), t.value())
    }

    fn bump_tally(t: Tally, by: i64) -> Tally {
        t.add(by);
        t
    }

    fn merge_tallies(a: &Tally, b: &Tally) -> Tally {
        let merged = Tally::merge(a, b);
        merged.add(1);
        merged
    }
}

/// The WIT name of a colour.
fn color_name(c: Color) -> &'static str {
    match c {
        Color::Red => "red",
        Color::Green => "green",
        Color::Blue => "blue",
    }
}

/// The WIT names of the permissions set, joined by `+`.
fn permission_names(p: Permissions) -> String {
    [
        (Permissions::READ, "read"),
        (Permissions::WRITE, "write"),
        (Permissions::EXECUTE, "execute"),
    ]
    .iter()
    .filter(|(flag, _)| p.contains(*flag))
    .map(|(_, name)| *name)
    .collect::<Vec<_>>()
    .join("+")
}

impl scalars::Guest for KitchenSink {
    fn negate(x: bool) -> bool {
        !x
    }

    fn add_s8(a: i8, b: i8) -> i8 {
        a.wrapping_add(b)
    }

    fn add_u8(a: u8, b: u8) -> u8 {
        a.wrapping_add(b)
    }

    fn add_s16(a: i16, b: i16) -> i16 {
        a.wrapping_add(b)
    }

    fn add_u16(a: u16, b: u16) -> u16 {
        a.wrapping_add(b)
    }

    fn add_s32(a: i32, b: i32) -> i32 {
        a.wrapping_add(b)
    }

    fn add_u32(a: u32, b: u32) -> u32 {
        a.wrapping_add(b)
    }

    fn add_s64(a: i64, b: i64) -> i64 {
        a.wrapping_add(b)
    }

    fn add_u64(a: u64, b: u64) -> u64 {
        a.wrapping_add(b)
    }

    fn mul_f32(a: f32, b: f32) -> f32 {
        a * b
    }

    fn mul_f64(a: f64, b: f64) -> f64 {
        a * b
    }

    fn identity_f32(x: f32) -> f32 {
        x
    }

    fn identity_f64(x: f64) -> f64 {
        x
    }

    fn next_char(c: char) -> char {
        next_char(c)
    }

    fn step_all(
        a: bool,
        b: i8,
        c: u8,
        d: i16,
        e: u16,
        f: i32,
        g: u32,
        h: i64,
        i: u64,
        j: f32,
        k: f64,
        l: char,
    ) -> (bool, i8, u8, i16, u16, i32, u32, i64, u64, f32, f64, char) {
        (
            !a,
            b.wrapping_add(1),
            c.wrapping_add(1),
            d.wrapping_add(1),
            e.wrapping_add(1),
            f.wrapping_add(1),
            g.wrapping_add(1),
            h.wrapping_add(1),
            i.wrapping_add(1),
            j * 2.0,
            k / 2.0,
            next_char(l),
        )
    }
}

/// The Unicode scalar value after `c`, skipping the surrogates and
/// wrapping from U+10FFFF to U+0000.
fn next_char(c: char) -> char {
    match c {
        '\u{D7FF}' => '\u{E000}',
        char::MAX => '\0',
        _ => char::from_u32(c as u32 + 1).expect("not a surrogate or past the end"),
    }
}

impl compound::Guest for KitchenSink {
    fn reverse_string(s: String) -> String {
        s.chars().rev().collect()
    }

    fn measure(s: String) -> (u32, u32) {
        (s.len() as u32, s.chars().count() as u32)
    }

    fn reverse_bytes(mut bytes: Vec<u8>) -> Vec<u8> {
        bytes.reverse();
        bytes
    }

    fn sum_u32(values: Vec<u32>) -> u64 {
        values.iter().map(|&v| u64::from(v)).sum()
    }

    fn prefix_sums(values: Vec<u32>) -> Vec<u32> {
        values
            .iter()
            .scan(0u32, |sum, &v| {
                *sum = sum.wrapping_add(v);
                Some(*sum)
            })
            .collect()
    }

    fn join(parts: Vec<String>, sep: String) -> String {
        parts.join(&sep)
    }

    fn split(s: String, sep: char) -> Vec<String> {
        s.split(sep).map(str::to_string).collect()
    }

    fn reverse_words(words: Vec<String>) -> Vec<String> {
        words
            .iter()
            .rev()
            .map(|w| w.chars().rev().collect())
            .collect()
    }

    fn rotate(p: Point) -> Point {
        Point {
            x: p.y.wrapping_neg(),
            y: p.x,
        }
    }

    fn reverse_tuple(t: (u8, String, f64)) -> (f64, String, u8) {
        (t.2 / 2.0, t.1.to_uppercase(), t.0.wrapping_add(1))
    }

    fn next_shape(s: Shape) -> Shape {
        next_shape(s)
    }

    fn next_color(c: Color) -> Color {
        next_color(c)
    }

    fn invert_permissions(p: Permissions) -> Permissions {
        !p
    }

    fn invert_nine(n: Nine) -> Nine {
        !n
    }

    fn rotate_wide(w: Wide) -> Wide {
        Wide::from_bits_retain(w.bits().rotate_left(1))
    }

    fn halve(n: Option<u32>) -> Option<u32> {
        n.filter(|n| n % 2 == 0).map(|n| n / 2)
    }

    fn bump_nested(x: Option<Option<u32>>) -> Option<Option<u32>> {
        match x {
            None => Some(None),
            Some(None) => None,
            Some(Some(n)) => Some(Some(n.wrapping_add(1))),
        }
    }

    fn checked_div(a: i32, b: i32) -> Result<i32, String> {
        match (a, b) {
            (_, 0) => Err("division by zero".to_string()),
            (i32::MIN, -1) => Err("overflow".to_string()),
            _ => Ok(a / b),
        }
    }

    fn flip(r: Result<String, u32>) -> Result<u32, String> {
        match r {
            Ok(s) => Err(s),
            Err(n) => Ok(n),
        }
    }

    fn append_error(r: Result<(), String>, suffix: String) -> Result<(), String> {
        r.map_err(|s| s + &suffix)
    }

    fn double_ok(r: Result<u32, ()>) -> Result<u64, ()> {
        r.map(|n| 2 * u64::from(n))
    }

    fn negate_result(r: Result<(), ()>) -> Result<(), ()> {
        match r {
            Ok(()) => Err(()),
            Err(()) => Ok(()),
        }
    }

    fn total_age(people: Vec<Person>) -> u32 {
        people.iter().map(|p| u32::from(p.age)).sum()
    }

    fn age_all(people: Vec<Person>) -> Vec<Person> {
        people
            .into_iter()
            .map(|mut p| {
                p.age = p.age.wrapping_add(1);
                p.tags.push("older".to_string());
                p
            })
            .collect()
    }

    fn oldest(people: Vec<Person>) -> Option<Person> {
        // `max_by_key` keeps the last of equals; the first is wanted.
        people.into_iter().rev().max_by_key(|p| p.age)
    }

    fn tag_counts(people: Vec<Person>) -> Vec<(String, u32)> {
        let mut counts: Vec<(String, u32)> = Vec::new();
        for tag in people.iter().flat_map(|p| &p.tags) {
            match counts.iter_mut().find(|(t, _)| t == tag) {
                Some((_, n)) => *n += 1,
                None => counts.push((tag.clone(), 1)),
            }
        }
        counts
    }

    fn advance_drawing(d: Drawing) -> Drawing {
        Drawing {
            title: d.title.chars().rev().collect(),
            shapes: d.shapes.into_iter().map(next_shape).collect(),
            palette: d.palette.into_iter().map(next_color).collect(),
        }
    }
}

/// The next shape in the cycle documented on `next-shape` in the WIT.
fn next_shape(s: Shape) -> Shape {
    match s {
        Shape::Empty => Shape::Dot(0),
        Shape::Dot(size) => Shape::Line(u64::from(size) * 1000),
        Shape::Line(length) => Shape::Label(length.to_string()),
        Shape::Label(text) => Shape::Rect(Point {
            x: text.len() as i32,
            y: text.chars().count() as i32,
        }),
        Shape::Rect(p) => Shape::Ratio(p.x as f32 / p.y as f32),
        Shape::Ratio(_) => Shape::Empty,
    }
}

/// The next colour: red → green → blue → red.
fn next_color(c: Color) -> Color {
    match c {
        Color::Red => Color::Green,
        Color::Green => Color::Blue,
        Color::Blue => Color::Red,
    }
}

/// How many [`Accumulator`]s are alive: constructors add one, the
/// destructor (`Drop`) takes one away.
static LIVE_ACCUMULATORS: AtomicU32 = AtomicU32::new(0);

/// The guest's `accumulator` resource: a list of numbers.
pub struct Accumulator {
    values: RefCell<Vec<i64>>,
}

impl Accumulator {
    /// An accumulator holding `values`, counted as alive.
    fn with_values(values: Vec<i64>) -> Accumulator {
        LIVE_ACCUMULATORS.fetch_add(1, Ordering::Relaxed);
        Accumulator {
            values: RefCell::new(values),
        }
    }

    /// The sum of its values (wrapping).
    fn sum(&self) -> i64 {
        self.values
            .borrow()
            .iter()
            .fold(0i64, |sum, &v| sum.wrapping_add(v))
    }
}

impl Drop for Accumulator {
    fn drop(&mut self) {
        LIVE_ACCUMULATORS.fetch_sub(1, Ordering::Relaxed);
    }
}

impl resources::GuestAccumulator for Accumulator {
    fn new(start: i64) -> Self {
        Accumulator::with_values(vec![start])
    }

    fn push(&self, value: i64) -> u32 {
        let mut values = self.values.borrow_mut();
        values.push(value);
        values.len() as u32
    }

    fn total(&self) -> i64 {
        self.sum()
    }

    fn values(&self) -> Vec<i64> {
        self.values.borrow().clone()
    }

    fn absorb(&self, other: resources::AccumulatorBorrow<'_>) {
        // Copy first: `other` may be `self`.
        let extra = other.get::<Accumulator>().values.borrow().clone();
        self.values.borrow_mut().extend(extra);
    }

    fn split_off(&self, at: u32) -> resources::Accumulator {
        let mut values = self.values.borrow_mut();
        let at = (at as usize).min(values.len());
        let rest = values.split_off(at);
        resources::Accumulator::new(Accumulator::with_values(rest))
    }

    fn from_list(values: Vec<i64>) -> resources::Accumulator {
        resources::Accumulator::new(Accumulator::with_values(values))
    }
}

/// The guest's `tag` resource: a piece of text.
pub struct Tag {
    text: String,
}

impl resources::GuestTag for Tag {
    fn new(text: String) -> Self {
        Tag { text }
    }

    fn text(&self) -> String {
        self.text.clone()
    }

    fn annotate(&self, acc: resources::AccumulatorBorrow<'_>) -> String {
        format!("{}: {}", self.text, acc.get::<Accumulator>().sum())
    }
}

impl resources::Guest for KitchenSink {
    type Accumulator = Accumulator;
    type Tag = Tag;

    fn merge(a: resources::Accumulator, b: resources::Accumulator) -> resources::Accumulator {
        let a = a.into_inner::<Accumulator>();
        let b = b.into_inner::<Accumulator>();
        let mut values = a.values.borrow().clone();
        values.extend(b.values.borrow().iter().copied());
        resources::Accumulator::new(Accumulator::with_values(values))
    }

    fn total_of(acc: resources::AccumulatorBorrow<'_>) -> i64 {
        acc.get::<Accumulator>().sum()
    }

    fn live_accumulators() -> u32 {
        LIVE_ACCUMULATORS.load(Ordering::Relaxed)
    }
}

/// Faults on purpose: a panic, a runaway recursion, a wild read, a long loop.
impl faults::Guest for KitchenSink {
    fn fail(message: String) {
        panic!("{message}");
    }

    fn recurse(depth: u64) -> u64 {
        // `black_box` keeps the recursion from becoming a loop.
        if depth == 0 {
            0
        } else {
            1 + std::hint::black_box(Self::recurse(std::hint::black_box(depth - 1)))
        }
    }

    fn peek(address: u32) -> u8 {
        // SAFETY: none in Rust's terms: on wasm32 every address is a
        // valid pointer value, and one past the memory's end traps,
        // which is the point.
        unsafe { std::ptr::read_volatile(address as usize as *const u8) }
    }

    fn spin(iterations: u64) -> u64 {
        // `black_box` keeps the loop a loop (no closed form).
        let mut total: u64 = 0;
        for i in 0..iterations {
            total = std::hint::black_box(total.wrapping_add(i));
        }
        total
    }
}
