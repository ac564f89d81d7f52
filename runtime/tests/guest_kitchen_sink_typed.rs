//! The kitchen-sink guest (`guests/kitchen-sink`) through the typed API:
//! every export called with `Func::typed` and Rust values (std types for
//! scalars, strings, lists, options, results and tuples; types deriving
//! `ComponentType`, `Lower` and `Lift` for the WIT records, variants,
//! enums and flags; [`Resource`] for resources), expected values computed
//! here from the inputs. A few functions are called both ways, and the
//! typed and dynamic results compared.
//!
//! The host's side of the imports is the same as for the dynamic tests
//! (`common/kitchen_sink.rs`).

mod common;

use common::kitchen_sink::{greeting, Sink, COMPOUND, RESOURCES, SCALARS};
use weft_runtime::component::{
    ComponentParams, ComponentType, Lift, Lower, Resource, TypedFunc, Val,
};
use weft_runtime::Error;

// ---- the WIT types, as Rust types -----------------------------------------

/// `types.point`.
#[derive(ComponentType, Lower, Lift, Debug, Clone, Copy, PartialEq)]
#[component(record)]
struct Point {
    x: i32,
    y: i32,
}

/// `types.color`.
#[derive(ComponentType, Lower, Lift, Debug, Clone, Copy, PartialEq)]
#[component(enum)]
enum Color {
    Red,
    Green,
    Blue,
}

impl Color {
    fn next(self) -> Color {
        match self {
            Color::Red => Color::Green,
            Color::Green => Color::Blue,
            Color::Blue => Color::Red,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Color::Red => "red",
            Color::Green => "green",
            Color::Blue => "blue",
        }
    }
}

/// Declares a flags struct `$name` with the given fields, and its
/// conversions from and to bits (bit i for the i-th field).
macro_rules! flags_type {
    ($(#[$doc:meta])* $name:ident: $($field:ident)*) => {
        $(#[$doc])*
        #[derive(ComponentType, Lower, Lift, Debug, Clone, Copy, PartialEq)]
        #[component(flags)]
        struct $name {
            $($field: bool,)*
        }

        impl $name {
            fn bits(&self) -> u32 {
                let mut bits = 0;
                for (i, set) in [$(self.$field),*].into_iter().enumerate() {
                    bits |= u32::from(set) << i;
                }
                bits
            }

            fn from_bits(bits: u32) -> $name {
                let mut i = 0;
                $name {
                    $($field: {
                        i += 1;
                        bits >> (i - 1) & 1 == 1
                    },)*
                }
            }
        }
    };
}

flags_type!(
    /// `types.permissions`: one byte.
    Permissions: read write execute
);
flags_type!(
    /// `types.nine`: two bytes.
    Nine: b0 b1 b2 b3 b4 b5 b6 b7 b8
);
flags_type!(
    /// `types.wide`: one word.
    Wide: w0 w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12 w13 w14 w15
        w16 w17 w18 w19 w20 w21 w22 w23 w24 w25 w26 w27 w28 w29 w30 w31
);

/// `types.shape`: payloads of every size.
#[derive(ComponentType, Lower, Lift, Debug, Clone, PartialEq)]
#[component(variant)]
enum Shape {
    Empty,
    Dot(u8),
    Line(u64),
    Label(String),
    Rect(Point),
    Ratio(f32),
}

/// The shape after `s`, as the WIT documents `next-shape`.
fn next_shape(s: &Shape) -> Shape {
    match s {
        Shape::Empty => Shape::Dot(0),
        Shape::Dot(size) => Shape::Line(u64::from(*size) * 1000),
        Shape::Line(length) => Shape::Label(length.to_string()),
        Shape::Label(text) => Shape::Rect(Point {
            x: text.len() as i32,
            y: text.chars().count() as i32,
        }),
        Shape::Rect(p) => Shape::Ratio(p.x as f32 / p.y as f32),
        Shape::Ratio(_) => Shape::Empty,
    }
}

/// `types.person`.
#[derive(ComponentType, Lower, Lift, Debug, Clone, PartialEq)]
#[component(record)]
struct Person {
    name: String,
    age: u8,
    tags: Vec<String>,
}

fn person(name: &str, age: u8, tags: &[&str]) -> Person {
    Person {
        name: name.into(),
        age,
        tags: tags.iter().map(|t| t.to_string()).collect(),
    }
}

/// `types.drawing`: lists of variants and enums in a record.
#[derive(ComponentType, Lower, Lift, Debug, Clone, PartialEq)]
#[component(record)]
struct Drawing {
    title: String,
    shapes: Vec<Shape>,
    palette: Vec<Color>,
}

/// `types.stats`: returned through memory.
#[derive(ComponentType, Lower, Lift, Debug, Clone, PartialEq)]
#[component(record)]
struct Stats {
    count: u32,
    sum: i64,
    min: i32,
    max: i32,
    mean: f64,
}

// ---- values as `Val`s, for the agreement checks ---------------------------

fn point_val(p: Point) -> Val {
    Val::Record(vec![
        ("x".into(), Val::S32(p.x)),
        ("y".into(), Val::S32(p.y)),
    ])
}

fn shape_val(s: &Shape) -> Val {
    let (case, payload) = match s {
        Shape::Empty => ("empty", None),
        Shape::Dot(v) => ("dot", Some(Val::U8(*v))),
        Shape::Line(v) => ("line", Some(Val::U64(*v))),
        Shape::Label(v) => ("label", Some(Val::String(v.clone()))),
        Shape::Rect(p) => ("rect", Some(point_val(*p))),
        Shape::Ratio(v) => ("ratio", Some(Val::F32(*v))),
    };
    Val::Variant(case.into(), payload.map(Box::new))
}

fn drawing_val(d: &Drawing) -> Val {
    Val::Record(vec![
        ("title".into(), Val::String(d.title.clone())),
        (
            "shapes".into(),
            Val::List(d.shapes.iter().map(shape_val).collect()),
        ),
        (
            "palette".into(),
            Val::List(
                d.palette
                    .iter()
                    .map(|c| Val::Enum(c.name().into()))
                    .collect(),
            ),
        ),
    ])
}

fn stats_val(s: &Stats) -> Val {
    Val::Record(vec![
        ("count".into(), Val::U32(s.count)),
        ("sum".into(), Val::S64(s.sum)),
        ("min".into(), Val::S32(s.min)),
        ("max".into(), Val::S32(s.max)),
        ("mean".into(), Val::F64(s.mean)),
    ])
}

// ---- calling ---------------------------------------------------------------

/// Typed calls.
impl Sink {
    /// The export `name` as a typed function.
    fn typed<P: ComponentParams, R: Lift>(&mut self, name: &str) -> TypedFunc<P, R> {
        let func = self.func(name);
        func.typed::<P, R, _>(&self.store)
            .unwrap_or_else(|e| panic!("`{name}` as typed: {e}"))
    }

    /// Calls `name` with `params` through its typed form.
    fn call<P: ComponentParams, R: Lift>(&mut self, name: &str, params: P) -> R {
        let func = self.typed::<P, R>(name);
        func.call(&mut self.store, params)
            .unwrap_or_else(|e| panic!("`{name}` failed: {e}"))
    }

    /// Calls the function `func` of `interface`.
    fn call_in<P: ComponentParams, R: Lift>(
        &mut self,
        interface: &str,
        func: &str,
        params: P,
    ) -> R {
        self.call(&format!("{interface}#{func}"), params)
    }

    /// Calls `name` through the dynamic API, which returns one value.
    fn call_dynamic(&mut self, name: &str, args: &[Val]) -> Val {
        let func = self.func(name);
        let mut results = func
            .call(&mut self.store, args)
            .unwrap_or_else(|e| panic!("`{name}` failed: {e}"));
        assert_eq!(results.len(), 1, "`{name}` returned {results:?}");
        results.remove(0)
    }
}

fn scalar(func: &str) -> String {
    format!("{SCALARS}#{func}")
}

fn compound(func: &str) -> String {
    format!("{COMPOUND}#{func}")
}

// ---- scalars ---------------------------------------------------------------

#[test]
fn integers_and_bools() {
    let mut sink = Sink::new();
    for x in [true, false] {
        assert_eq!(sink.call_in::<_, bool>(SCALARS, "negate", (x,)), !x);
    }
    let pairs = [
        (0i64, 0i64),
        (1, 2),
        (-1, 1),
        (-128, -1),
        (127, 1),
        (i64::from(i32::MIN), -1),
        (i64::MAX, 1),
        (0x0123_4567_89ab_cdef, 0x7edc_ba98_7654_3210),
    ];
    let add = scalar;
    for (a, b) in pairs {
        let r: i8 = sink.call(&add("add-s8"), (a as i8, b as i8));
        assert_eq!(r, (a as i8).wrapping_add(b as i8));
        let r: u8 = sink.call(&add("add-u8"), (a as u8, b as u8));
        assert_eq!(r, (a as u8).wrapping_add(b as u8));
        let r: i16 = sink.call(&add("add-s16"), (a as i16, b as i16));
        assert_eq!(r, (a as i16).wrapping_add(b as i16));
        let r: u16 = sink.call(&add("add-u16"), (a as u16, b as u16));
        assert_eq!(r, (a as u16).wrapping_add(b as u16));
        let r: i32 = sink.call(&add("add-s32"), (a as i32, b as i32));
        assert_eq!(r, (a as i32).wrapping_add(b as i32));
        let r: u32 = sink.call(&add("add-u32"), (a as u32, b as u32));
        assert_eq!(r, (a as u32).wrapping_add(b as u32));
        let r: i64 = sink.call(&add("add-s64"), (a, b));
        assert_eq!(r, a.wrapping_add(b));
        let r: u64 = sink.call(&add("add-u64"), (a as u64, b as u64));
        assert_eq!(r, (a as u64).wrapping_add(b as u64));
    }
}

#[test]
fn floats_and_nans() {
    let mut sink = Sink::new();
    let mul_f32 = sink.typed::<(f32, f32), f32>(&scalar("mul-f32"));
    let mul_f64 = sink.typed::<(f64, f64), f64>(&scalar("mul-f64"));
    let id_f32 = sink.typed::<(f32,), f32>(&scalar("identity-f32"));
    let id_f64 = sink.typed::<(f64,), f64>(&scalar("identity-f64"));
    for (a, b) in [
        (1.5f32, 2.0f32),
        (-3.25, 4.0),
        (f32::MAX, 2.0),
        (1e-30, 1e-30),
    ] {
        assert_eq!(mul_f32.call(&mut sink.store, (a, b)).unwrap(), a * b);
        let (a, b) = (f64::from(a), f64::from(b));
        assert_eq!(mul_f64.call(&mut sink.store, (a, b)).unwrap(), a * b);
    }
    for x in [
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::MIN_POSITIVE / 2.0,
        -0.0,
        0.1,
    ] {
        let y = id_f32.call(&mut sink.store, (x,)).unwrap();
        assert_eq!(y.to_bits(), x.to_bits(), "{x}");
        let x = f64::from(x);
        let y = id_f64.call(&mut sink.store, (x,)).unwrap();
        assert_eq!(y.to_bits(), x.to_bits(), "{x}");
    }
    // NaNs of any payload cross as NaNs.
    for bits in [0x7fc0_0000u32, 0xffc0_0001, 0x7f80_0001] {
        let nan = f32::from_bits(bits);
        assert!(id_f32.call(&mut sink.store, (nan,)).unwrap().is_nan());
        assert!(mul_f32.call(&mut sink.store, (nan, 1.0)).unwrap().is_nan());
    }
    for bits in [
        0x7ff8_0000_0000_0000u64,
        0xfff8_0000_0000_0001,
        0x7ff0_0000_0000_0001,
    ] {
        let nan = f64::from_bits(bits);
        assert!(id_f64.call(&mut sink.store, (nan,)).unwrap().is_nan());
    }
    assert!(mul_f64
        .call(&mut sink.store, (f64::INFINITY, 0.0))
        .unwrap()
        .is_nan());
}

/// The Unicode scalar value after `c`, as the WIT documents `next-char`.
fn next_char(c: char) -> char {
    (c as u32 + 1..=0x10_ffff)
        .find_map(char::from_u32)
        .unwrap_or('\0')
}

type Scalars = (bool, i8, u8, i16, u16, i32, u32, i64, u64, f32, f64, char);

#[test]
fn chars_and_a_spilled_tuple_of_every_scalar() {
    let mut sink = Sink::new();
    for c in ['a', '\0', 'é', '\u{D7FF}', '\u{E000}', '😀', char::MAX] {
        let next: char = sink.call_in(SCALARS, "next-char", (c,));
        assert_eq!(next, next_char(c), "after {c:?}");
    }
    let cases: [Scalars; 3] = [
        (false, 0, 0, 0, 0, 0, 0, 0, 0, 0.0, 0.0, 'a'),
        (
            true,
            i8::MAX,
            u8::MAX,
            i16::MAX,
            u16::MAX,
            i32::MAX,
            u32::MAX,
            i64::MAX,
            u64::MAX,
            -1.5,
            1e300,
            '\u{D7FF}',
        ),
        (
            false,
            -5,
            7,
            -300,
            60000,
            -70000,
            4_000_000_000,
            -5_000_000_000,
            1 << 63,
            3.25,
            -0.5,
            char::MAX,
        ),
    ];
    let step_all = sink.typed::<Scalars, Scalars>(&scalar("step-all"));
    for (a, b, c, d, e, f, g, h, i, j, k, l) in cases {
        let expected = (
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
        );
        let got = step_all
            .call(&mut sink.store, (a, b, c, d, e, f, g, h, i, j, k, l))
            .unwrap();
        assert_eq!(got, expected);
    }
}

// ---- strings and lists -----------------------------------------------------

#[test]
fn strings_and_lists() {
    let mut sink = Sink::new();
    let long = "wörld 😀 ".repeat(20_000);
    for s in ["", "a", "héllo wörld", "日本語", "😀🎉", "a\0b", &long] {
        let reversed: String = sink.call(&compound("reverse-string"), (s,));
        assert_eq!(reversed, s.chars().rev().collect::<String>());
        // A tuple of two results is returned through memory.
        let measured: (u32, u32) = sink.call(&compound("measure"), (s.to_string(),));
        assert_eq!(measured, (s.len() as u32, s.chars().count() as u32));
    }

    for len in [0usize, 1, 7, 100_000] {
        let bytes: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
        let reversed: Vec<u8> = sink.call(&compound("reverse-bytes"), (bytes.as_slice(),));
        assert!(reversed.iter().eq(bytes.iter().rev()));
    }
    for len in [0u32, 1, 10_000] {
        let values: Vec<u32> = (0..len).map(|i| i.wrapping_mul(2_654_435_761)).collect();
        let sum: u64 = sink.call(&compound("sum-u32"), (&values,));
        assert_eq!(sum, values.iter().map(|&v| u64::from(v)).sum::<u64>());
        let prefix: Vec<u32> = sink.call(&compound("prefix-sums"), (values.clone(),));
        let mut running = 0u32;
        let expected: Vec<u32> = values
            .iter()
            .map(|&v| {
                running = running.wrapping_add(v);
                running
            })
            .collect();
        assert_eq!(prefix, expected);
    }

    let parts = ["alpha", "", "γάμμα", "😀"];
    let joined: String = sink.call(&compound("join"), (&parts[..], ", "));
    assert_eq!(joined, parts.join(", "));
    for (s, sep) in [("a,b,,c", ','), ("", ','), ("über→straße→", '→')] {
        let split: Vec<String> = sink.call(&compound("split"), (s, sep));
        assert_eq!(split, s.split(sep).collect::<Vec<_>>());
    }
    let words: Vec<String> = (0..10_000).map(|i| format!("wörd{i}")).collect();
    let reversed: Vec<String> = sink.call(&compound("reverse-words"), (&words,));
    let expected: Vec<String> = words
        .iter()
        .rev()
        .map(|w| w.chars().rev().collect())
        .collect();
    assert_eq!(reversed, expected);
}

// ---- records, tuples, variants, enums, flags -------------------------------

#[test]
fn records_and_tuples() {
    let mut sink = Sink::new();
    // The function's name alone finds it (only `compound` exports it).
    let rotate = sink.typed::<(Point,), Point>("rotate");
    for (x, y) in [(0, 0), (3, 4), (-7, 9), (i32::MAX, i32::MIN)] {
        let got = rotate.call(&mut sink.store, (Point { x, y },)).unwrap();
        assert_eq!(
            got,
            Point {
                x: y.wrapping_neg(),
                y: x
            }
        );
    }
    // `interface.func` finds it too.
    let reverse = format!("{COMPOUND}.reverse-tuple");
    for (byte, text, number) in [(0u8, "", 0.0f64), (255, "mixed Case ß", -9.5)] {
        let got: (f64, String, u8) = sink.call(&reverse, ((byte, text, number),));
        assert_eq!(
            got,
            (number / 2.0, text.to_uppercase(), byte.wrapping_add(1))
        );
    }
}

#[test]
fn variants_with_payloads_of_every_size() {
    let mut sink = Sink::new();
    let next = sink.typed::<(Shape,), Shape>(&compound("next-shape"));
    let starts = [
        Shape::Empty,
        Shape::Dot(200),
        Shape::Line(u64::MAX / 1000),
        Shape::Label("größe 😀".into()),
        Shape::Label(String::new()),
        Shape::Rect(Point { x: -6, y: 4 }),
        Shape::Ratio(0.25),
    ];
    for start in starts {
        let mut current = start;
        for _ in 0..12 {
            let expected = next_shape(&current);
            let got = next.call(&mut sink.store, (current.clone(),)).unwrap();
            // As text: `rect(0, 0)` gives the ratio NaN.
            assert_eq!(format!("{got:?}"), format!("{expected:?}"));
            current = got;
        }
    }
}

#[test]
fn enums_and_flags_of_one_two_and_four_bytes() {
    let mut sink = Sink::new();
    for c in [Color::Red, Color::Green, Color::Blue] {
        let next: Color = sink.call(&compound("next-color"), (c,));
        assert_eq!(next, c.next());
    }
    for bits in 0..8u32 {
        let got: Permissions = sink.call(
            &compound("invert-permissions"),
            (Permissions::from_bits(bits),),
        );
        assert_eq!(got.bits(), !bits & 0b111, "{bits:#b}");
    }
    for bits in [0u32, 1, 0b1_0000_0000, 0b1_0101_0101, 0b1_1111_1111] {
        let got: Nine = sink.call(&compound("invert-nine"), (Nine::from_bits(bits),));
        assert_eq!(got.bits(), !bits & 0x1ff, "{bits:#b}");
    }
    for bits in [0u32, 1, 1 << 31, 0x8000_0001, 0xdead_beef, u32::MAX] {
        let got: Wide = sink.call(&compound("rotate-wide"), (Wide::from_bits(bits),));
        assert_eq!(got.bits(), bits.rotate_left(1), "{bits:#x}");
    }
}

// ---- options and results ---------------------------------------------------

#[test]
fn options_and_results() {
    let mut sink = Sink::new();
    for n in [None, Some(0u32), Some(1), Some(10), Some(u32::MAX - 1)] {
        let got: Option<u32> = sink.call(&compound("halve"), (n,));
        assert_eq!(got, n.filter(|n| n % 2 == 0).map(|n| n / 2));
    }
    let bump = sink.typed::<(Option<Option<u32>>,), Option<Option<u32>>>(&compound("bump-nested"));
    for x in [None, Some(None), Some(Some(0)), Some(Some(u32::MAX))] {
        let expected = match x {
            None => Some(None),
            Some(None) => None,
            Some(Some(n)) => Some(Some(n.wrapping_add(1))),
        };
        assert_eq!(bump.call(&mut sink.store, (x,)).unwrap(), expected, "{x:?}");
    }

    let div = sink.typed::<(i32, i32), Result<i32, String>>(&compound("checked-div"));
    for (a, b) in [(7, 2), (-7, 2), (1, 0), (i32::MIN, -1), (0, 5)] {
        let expected = match a.checked_div(b) {
            Some(q) => Ok(q),
            None if b == 0 => Err("division by zero".to_string()),
            None => Err("overflow".to_string()),
        };
        assert_eq!(div.call(&mut sink.store, (a, b)).unwrap(), expected);
    }

    let flip = sink.typed::<(Result<&str, u32>,), Result<u32, String>>(&compound("flip"));
    assert_eq!(
        flip.call(&mut sink.store, (Ok("naïve"),)).unwrap(),
        Err("naïve".to_string())
    );
    assert_eq!(flip.call(&mut sink.store, (Err(99),)).unwrap(), Ok(99));

    let append =
        sink.typed::<(Result<(), String>, &str), Result<(), String>>(&compound("append-error"));
    assert_eq!(append.call(&mut sink.store, (Ok(()), "!")).unwrap(), Ok(()));
    assert_eq!(
        append
            .call(&mut sink.store, (Err("bad".into()), " input ✗"))
            .unwrap(),
        Err("bad input ✗".to_string())
    );

    let double = sink.typed::<(Result<u32, ()>,), Result<u64, ()>>(&compound("double-ok"));
    for n in [0u32, 21, u32::MAX] {
        assert_eq!(
            double.call(&mut sink.store, (Ok(n),)).unwrap(),
            Ok(2 * u64::from(n))
        );
    }
    assert_eq!(double.call(&mut sink.store, (Err(()),)).unwrap(), Err(()));

    let negate = sink.typed::<(Result<(), ()>,), Result<(), ()>>(&compound("negate-result"));
    assert_eq!(negate.call(&mut sink.store, (Ok(()),)).unwrap(), Err(()));
    assert_eq!(negate.call(&mut sink.store, (Err(()),)).unwrap(), Ok(()));
}

// ---- nested types ----------------------------------------------------------

#[test]
fn lists_of_records_holding_strings() {
    let mut sink = Sink::new();
    let people = vec![
        person("Ada", 36, &["math", "engines"]),
        person("Grace", 85, &["navy", "compilers", "math"]),
        person("Zoë", 85, &[]),
        person("", 0, &["", "math"]),
    ];
    let total: u32 = sink.call(&compound("total-age"), (&people,));
    assert_eq!(total, people.iter().map(|p| u32::from(p.age)).sum::<u32>());

    let aged: Vec<Person> = sink.call(&compound("age-all"), (&people,));
    let expected: Vec<Person> = people
        .iter()
        .map(|p| {
            let mut p = p.clone();
            p.age = p.age.wrapping_add(1);
            p.tags.push("older".into());
            p
        })
        .collect();
    assert_eq!(aged, expected);

    let oldest: Option<Person> = sink.call(&compound("oldest"), (&people,));
    assert_eq!(oldest.as_ref(), Some(&people[1]), "the first of the oldest");
    let none: Option<Person> = sink.call(&compound("oldest"), (Vec::<Person>::new(),));
    assert_eq!(none, None);

    let counts: Vec<(String, u32)> = sink.call(&compound("tag-counts"), (&people,));
    let mut expected: Vec<(String, u32)> = Vec::new();
    for tag in people.iter().flat_map(|p| &p.tags) {
        match expected.iter_mut().find(|(t, _)| t == tag) {
            Some((_, n)) => *n += 1,
            None => expected.push((tag.clone(), 1)),
        }
    }
    assert_eq!(counts, expected);

    // A big list of records.
    let many: Vec<Person> = (0..5_000)
        .map(|i| person(&format!("person {i} ✓"), (i % 256) as u8, &vec!["t"; i % 3]))
        .collect();
    let total: u32 = sink.call(&compound("total-age"), (&many,));
    assert_eq!(total, many.iter().map(|p| u32::from(p.age)).sum::<u32>());
}

fn drawing() -> Drawing {
    Drawing {
        title: "A drawing — ünïcödé".into(),
        shapes: vec![
            Shape::Empty,
            Shape::Label("ñ".into()),
            Shape::Dot(3),
            Shape::Rect(Point { x: 10, y: 4 }),
            Shape::Line(12345),
            Shape::Ratio(1.0),
        ],
        palette: vec![Color::Blue, Color::Red, Color::Green, Color::Green],
    }
}

#[test]
fn records_holding_lists_of_variants_and_enums() {
    let mut sink = Sink::new();
    let given = drawing();
    let got: Drawing = sink.call(&compound("advance-drawing"), (&given,));
    let expected = Drawing {
        title: given.title.chars().rev().collect(),
        shapes: given.shapes.iter().map(next_shape).collect(),
        palette: given.palette.iter().map(|c| c.next()).collect(),
    };
    assert_eq!(got, expected);
}

// ---- many parameters, spilled results --------------------------------------

type Twenty = (
    u32,
    u32,
    u32,
    u32,
    u32,
    u32,
    u32,
    u32,
    u32,
    u32,
    u32,
    u32,
    u32,
    u32,
    u32,
    u32,
    u32,
    u32,
    u32,
    u32,
);

fn twenty(v: &[u32; 20]) -> Twenty {
    (
        v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13],
        v[14], v[15], v[16], v[17], v[18], v[19],
    )
}

#[test]
fn twenty_parameters_go_through_memory() {
    let mut sink = Sink::new();
    let weighted = sink.typed::<Twenty, u64>("weighted-sum");
    for seed in [0u32, 1, 0x9e37_79b9] {
        let values: [u32; 20] = std::array::from_fn(|i| {
            seed.wrapping_mul(i as u32 + 1)
                .wrapping_add(i as u32 * 1000)
        });
        let expected: u64 = values
            .iter()
            .zip(1u64..)
            .map(|(&v, w)| u64::from(v) * w)
            .sum();
        let got = weighted.call(&mut sink.store, twenty(&values)).unwrap();
        assert_eq!(got, expected);
    }
    let got = weighted
        .call(&mut sink.store, twenty(&[u32::MAX; 20]))
        .unwrap();
    assert_eq!(got, u64::from(u32::MAX) * 210);
}

type Eighteen<'a> = (
    bool,
    i8,
    u8,
    i16,
    u16,
    i32,
    u32,
    i64,
    u64,
    f32,
    f64,
    char,
    &'a str,
    &'a [u8],
    Point,
    Option<u32>,
    Color,
    Permissions,
);

/// What `describe-all` makes of its arguments.
fn describe(args: &Eighteen<'_>) -> String {
    let (a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q, r) = *args;
    let permissions: Vec<&str> = [(r.read, "read"), (r.write, "write"), (r.execute, "execute")]
        .iter()
        .filter(|(set, _)| *set)
        .map(|(_, name)| *name)
        .collect();
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
        m.to_string(),
        n.iter().map(|b| format!("{b:02x}")).collect(),
        format!("({},{})", o.x, o.y),
        p.map_or_else(|| "none".into(), |v| v.to_string()),
        q.name().to_string(),
        permissions.join("+"),
    ]
    .join("|")
}

fn eighteen_cases() -> [Eighteen<'static>; 2] {
    [
        (
            true,
            -8,
            200,
            -16000,
            65000,
            -2_000_000_000,
            4_000_000_000,
            i64::MIN,
            u64::MAX,
            1.5,
            -2.25e100,
            'λ',
            "strïng",
            &[0, 1, 0xab, 0xff],
            Point { x: -3, y: 7 },
            Some(42),
            Color::Green,
            Permissions::from_bits(0b101),
        ),
        (
            false,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            -0.0,
            0.1,
            '\0',
            "",
            &[],
            Point { x: 0, y: 0 },
            None,
            Color::Red,
            Permissions::from_bits(0),
        ),
    ]
}

#[test]
fn mixed_parameters_past_sixteen_flat_values() {
    let mut sink = Sink::new();
    let describe_all = sink.typed::<Eighteen<'_>, String>("describe-all");
    for args in eighteen_cases() {
        let got = describe_all.call(&mut sink.store, args).unwrap();
        assert_eq!(got, describe(&args));
    }
}

#[test]
fn a_record_result_is_returned_through_memory() {
    let mut sink = Sink::new();
    let stats = sink.typed::<(&[i32],), Stats>("compute-stats");
    let lists: [Vec<i32>; 3] = [
        vec![5],
        vec![3, -1, 4, 1, -5, 9, 2, 6],
        (0..10_000).map(|i| (i * 7919) % 20011 - 10000).collect(),
    ];
    for values in lists {
        let sum: i64 = values.iter().map(|&v| i64::from(v)).sum();
        let expected = Stats {
            count: values.len() as u32,
            sum,
            min: *values.iter().min().unwrap(),
            max: *values.iter().max().unwrap(),
            mean: sum as f64 / values.len() as f64,
        };
        // Typed per call: a typed function's parameter types fix their
        // lifetimes, and `values` lives for one iteration.
        let got: Stats = sink.call("compute-stats", (values.as_slice(),));
        assert_eq!(got, expected);
    }
    let empty = stats.call(&mut sink.store, (&[],)).unwrap();
    assert_eq!((empty.count, empty.sum, empty.min, empty.max), (0, 0, 0, 0));
    assert!(empty.mean.is_nan());
}

// ---- host functions --------------------------------------------------------

#[test]
fn the_guest_calls_the_host() {
    let mut sink = Sink::new();
    let messages = ["first", "", "ünïcödé ✓", "last"];
    let logged: u32 = sink.call("log-all", (&messages[..],));
    assert_eq!(logged, 4);
    assert_eq!(*sink.log.lock().unwrap(), messages);

    let values = [1u64, u64::MAX, 5, 1 << 40];
    let sum: u64 = sink.call("host-sum", (&values[..],));
    assert_eq!(sum, values.iter().fold(0u64, |a, &b| a.wrapping_add(b)));

    let names = vec!["Ada".to_string(), String::new(), "世界".into()];
    let greetings: Vec<String> = sink.call("greet-all", (names.clone(),));
    assert_eq!(
        greetings,
        names.iter().map(|n| greeting(n)).collect::<Vec<_>>()
    );

    for n in [0u32, 1, 10, 5_000] {
        let sum: i64 = sink.call("host-points-sum", (n,));
        assert_eq!(sum, (0..i64::from(n)).map(|i| 2 * i).sum::<i64>());
    }

    let swap = sink.typed::<(&str, u32), String>("host-split-swap");
    for (s, at) in [("hello world", 5), ("", 0), ("äbc", 2)] {
        let (front, back) = s.split_at(at);
        let got = swap.call(&mut sink.store, (s, at as u32)).unwrap();
        assert_eq!(got, format!("{back}{front}"));
    }
    // The host traps (byte 1 is inside `ä`): the typed call fails, and
    // the function can be called again.
    let err = swap.call(&mut sink.store, ("äbc", 1)).unwrap_err();
    assert!(matches!(err, Error::Trap(_)), "{err}");
    assert_eq!(swap.call(&mut sink.store, ("ab", 1)).unwrap(), "ba");
}

// ---- resources -------------------------------------------------------------

#[test]
fn host_resources_in_and_out() {
    let mut sink = Sink::new();
    let steps = [5i64, -2, 100];
    let total: i64 = sink.call("count-with-host", ("steps", &steps[..]));
    assert_eq!(total, 103);
    // The guest dropped the tally it made: the host's destructor ran.
    assert_eq!(
        sink.tallies.lock().unwrap().dropped,
        [(1000, "steps".to_string(), 103)]
    );

    let a = sink.new_tally("äpples", 3);
    let b = sink.new_tally("pears", 40);
    // Lent (borrow<tally> params).
    let describe = sink.typed::<(Resource,), String>("describe-tally");
    assert_eq!(describe.call(&mut sink.store, (a,)).unwrap(), "äpples=3");
    assert_eq!(describe.call(&mut sink.store, (b,)).unwrap(), "pears=40");

    // Moved in and back out (own<tally> param and result).
    let bumped: Resource = sink.call("bump-tally", (a, -10i64));
    assert_eq!((bumped.ty(), bumped.rep()), (sink.tally, a.rep()));
    assert_eq!(sink.tallies.lock().unwrap().live[&a.rep()].1, -7);

    // A new tally made by the host for the guest, returned to the host.
    let merged: Resource = sink.call("merge-tallies", (bumped, b));
    assert_eq!(merged.ty(), sink.tally);
    assert_eq!(
        sink.tallies.lock().unwrap().live[&merged.rep()],
        ("äpples+pears".to_string(), -7 + 40 + 1)
    );
    merged.drop(&mut sink.store).expect("drops");
    bumped.drop(&mut sink.store).expect("drops");
    let dropped: Vec<u32> = sink
        .tallies
        .lock()
        .unwrap()
        .dropped
        .iter()
        .map(|(rep, _, _)| *rep)
        .collect();
    assert_eq!(dropped, [1000, merged.rep(), a.rep()]);
}

fn resources(func: &str) -> String {
    format!("{RESOURCES}#{func}")
}

fn acc(method: &str) -> String {
    resources(&format!("[method]accumulator.{method}"))
}

#[test]
fn guest_resources_from_construction_to_destruction() {
    let mut sink = Sink::new();
    let live = sink.typed::<(), u32>(&resources("live-accumulators"));
    let push = sink.typed::<(Resource, i64), u32>(&acc("push"));
    let values = sink.typed::<(Resource,), Vec<i64>>(&acc("values"));
    let total = sink.typed::<(Resource,), i64>(&acc("total"));
    assert_eq!(live.call(&mut sink.store, ()).unwrap(), 0);

    // Constructor, methods with borrow<accumulator> self.
    let a: Resource = sink.call(&resources("[constructor]accumulator"), (10i64,));
    assert_eq!(live.call(&mut sink.store, ()).unwrap(), 1);
    let mut expected = vec![10i64];
    for v in [5, -3, i64::MAX] {
        expected.push(v);
        let count = push.call(&mut sink.store, (a, v)).unwrap();
        assert_eq!(count as usize, expected.len());
    }
    let sum = |values: &[i64]| values.iter().fold(0i64, |s, &v| s.wrapping_add(v));
    assert_eq!(total.call(&mut sink.store, (a,)).unwrap(), sum(&expected));
    assert_eq!(values.call(&mut sink.store, (a,)).unwrap(), expected);

    // A static function returning an own handle.
    let listed: Vec<i64> = (0..10_000).map(|i| i * i - 5000).collect();
    let b: Resource = sink.call(
        &resources("[static]accumulator.from-list"),
        (listed.as_slice(),),
    );
    assert_ne!(a.rep(), b.rep());
    assert_eq!(live.call(&mut sink.store, ()).unwrap(), 2);

    // Borrowing another of the same type, and the same one twice.
    let absorb = sink.typed::<(Resource, Resource), ()>(&acc("absorb"));
    absorb.call(&mut sink.store, (a, b)).unwrap();
    expected.extend(&listed);
    assert_eq!(values.call(&mut sink.store, (a,)).unwrap(), expected);
    absorb.call(&mut sink.store, (b, b)).unwrap();
    let doubled: Vec<i64> = listed.iter().chain(&listed).copied().collect();
    let total_of: i64 = sink.call(&resources("total-of"), (b,));
    assert_eq!(total_of, sum(&doubled));

    // A method returning a new own handle.
    let tail: Resource = sink.call(&acc("split-off"), (a, 2u32));
    assert_eq!(live.call(&mut sink.store, ()).unwrap(), 3);
    assert_eq!(values.call(&mut sink.store, (a,)).unwrap(), expected[..2]);
    assert_eq!(
        values.call(&mut sink.store, (tail,)).unwrap(),
        expected[2..]
    );

    // A resource of another type whose method borrows an accumulator.
    let tag: Resource = sink.call(&resources("[constructor]tag"), ("tötal",));
    let text: String = sink.call(&resources("[method]tag.text"), (tag,));
    assert_eq!(text, "tötal");
    let note: String = sink.call(&resources("[method]tag.annotate"), (tag, a));
    assert_eq!(note, format!("tötal: {}", sum(&expected[..2])));

    // Own handles moved into the guest and consumed there.
    let merged: Resource = sink.call(&resources("merge"), (a, tail));
    assert_eq!(
        live.call(&mut sink.store, ()).unwrap(),
        2,
        "a and tail consumed"
    );
    assert_eq!(values.call(&mut sink.store, (merged,)).unwrap(), expected);
    assert!(
        total.call(&mut sink.store, (a,)).is_err(),
        "a moved into the guest is gone for the host"
    );

    // Dropping runs the guest's destructor.
    for (acc, left) in [(merged, 1), (b, 0)] {
        acc.drop(&mut sink.store).expect("drops");
        assert_eq!(live.call(&mut sink.store, ()).unwrap(), left);
    }
    tag.drop(&mut sink.store).expect("drops");
}

// ---- type checks -----------------------------------------------------------

/// The message of the type error typing `name` as `P -> R` gives.
fn type_error<P: ComponentParams, R: Lift>(sink: &mut Sink, name: &str) -> String {
    let func = sink.func(name);
    match func.typed::<P, R, _>(&sink.store) {
        Err(Error::Type { message }) => message,
        Err(other) => panic!("`{name}`: {other}"),
        Ok(_) => panic!("`{name}` typed with the wrong types"),
    }
}

#[test]
fn types_are_checked_when_a_function_is_typed() {
    let mut sink = Sink::new();
    let message = type_error::<(u32,), String>(&mut sink, &compound("reverse-string"));
    assert!(
        message.contains("parameter `s`: expected u32, found string"),
        "{message}"
    );

    /// `point` with a field misnamed.
    #[derive(ComponentType, Lower, Lift, Debug)]
    #[component(record)]
    struct Misnamed {
        x: i32,
        #[component(name = "z")]
        y: i32,
    }
    let message = type_error::<(Misnamed,), Point>(&mut sink, "rotate");
    assert!(
        message
            .contains("parameter `p`: record Misnamed { x, z } field 1: expected `z`, found `y`"),
        "{message}"
    );

    /// `shape` with a payload of another type.
    #[derive(ComponentType, Lower, Lift, Debug)]
    #[component(variant)]
    enum WrongShape {
        Empty,
        Dot(u16),
        Line(u64),
        Label(String),
        Rect(Point),
        Ratio(f32),
    }
    let message = type_error::<(WrongShape,), Shape>(&mut sink, &compound("next-shape"));
    assert!(
        message.contains("case `dot`: expected u16, found u8"),
        "{message}"
    );

    let message = type_error::<(Color,), Permissions>(&mut sink, &compound("next-color"));
    assert!(
        message.contains("result: expected flags Permissions { read, write, execute }, found enum"),
        "{message}"
    );
}

// ---- typed and dynamic agree -----------------------------------------------

#[test]
fn typed_and_dynamic_calls_agree() {
    let mut sink = Sink::new();

    let given = drawing();
    let typed: Drawing = sink.call(&compound("advance-drawing"), (&given,));
    let dynamic = sink.call_dynamic(&compound("advance-drawing"), &[drawing_val(&given)]);
    assert_eq!(drawing_val(&typed), dynamic);

    for shape in &given.shapes {
        let typed: Shape = sink.call(&compound("next-shape"), (shape,));
        let dynamic = sink.call_dynamic(&compound("next-shape"), &[shape_val(shape)]);
        assert_eq!(shape_val(&typed), dynamic);
    }

    let values = vec![3, -1, 4, 1, -5, 9, 2, 6];
    let typed: Stats = sink.call("compute-stats", (&values,));
    let dynamic = sink.call_dynamic(
        "compute-stats",
        &[Val::List(values.iter().map(|&v| Val::S32(v)).collect())],
    );
    assert_eq!(stats_val(&typed), dynamic);

    for args in eighteen_cases() {
        let typed: String = sink.call("describe-all", args);
        let (a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q, r) = args;
        let permissions = [(r.read, "read"), (r.write, "write"), (r.execute, "execute")];
        let dynamic = sink.call_dynamic(
            "describe-all",
            &[
                Val::Bool(a),
                Val::S8(b),
                Val::U8(c),
                Val::S16(d),
                Val::U16(e),
                Val::S32(f),
                Val::U32(g),
                Val::S64(h),
                Val::U64(i),
                Val::F32(j),
                Val::F64(k),
                Val::Char(l),
                Val::String(m.into()),
                Val::List(n.iter().map(|&b| Val::U8(b)).collect()),
                point_val(o),
                Val::Option(p.map(|v| Box::new(Val::U32(v)))),
                Val::Enum(q.name().into()),
                Val::Flags(
                    permissions
                        .iter()
                        .filter(|(set, _)| *set)
                        .map(|(_, n)| n.to_string())
                        .collect(),
                ),
            ],
        );
        assert_eq!(Val::String(typed), dynamic);
    }

    let bits = 0xdead_beef;
    let typed: Wide = sink.call(&compound("rotate-wide"), (Wide::from_bits(bits),));
    let names = |bits: u32| -> Vec<String> {
        (0..32)
            .filter(|i| bits >> i & 1 == 1)
            .map(|i| format!("w{i}"))
            .collect()
    };
    let dynamic = sink.call_dynamic(&compound("rotate-wide"), &[Val::Flags(names(bits))]);
    assert_eq!(Val::Flags(names(typed.bits())), dynamic);
}
