//! The kitchen-sink guest (`guests/kitchen-sink`, built from Rust with
//! wit-bindgen and componentized with wit-component) on weft's runtime,
//! through the dynamic API: every export called with [`Val`]s, the host's
//! imports defined with `func_new` in linker instances named after their
//! interfaces, a host-defined resource with a destructor, and the guest's
//! own resources from construction to destruction.
//! This file has the values (scalars to nested types, many parameters);
//! `guest_kitchen_sink_resources.rs` the host functions and resources.
//!
//! Expected values are computed here from the inputs, independently of
//! the guest, so a value moved wrongly across the boundary is caught.
//! `guest_kitchen_sink_typed.rs` calls the same exports through the
//! typed API.

mod common;

use common::dynamic::*;
use common::kitchen_sink::{Sink, COMPOUND, SCALARS};
use weft_runtime::component::Val;

// ---- scalars ---------------------------------------------------------------

#[test]
fn bools_and_integers_compute_in_the_guest() {
    let mut sink = Sink::new();
    for x in [true, false] {
        assert_eq!(
            sink.call_in(SCALARS, "negate", &[Val::Bool(x)]),
            Val::Bool(!x)
        );
    }
    for (a, b) in [
        (0i64, 0i64),
        (1, 2),
        (-1, 1),
        (100, 100),
        (-128, -1),
        (127, 1),
    ] {
        let (a8, b8) = (a as i8, b as i8);
        assert_eq!(
            sink.call_in(SCALARS, "add-s8", &[Val::S8(a8), Val::S8(b8)]),
            Val::S8(a8.wrapping_add(b8))
        );
        let (a8, b8) = (a as u8, b as u8);
        assert_eq!(
            sink.call_in(SCALARS, "add-u8", &[Val::U8(a8), Val::U8(b8)]),
            Val::U8(a8.wrapping_add(b8))
        );
    }
    for (a, b) in [
        (0i64, 0i64),
        (-32768, -1),
        (32767, 1),
        (-1, -1),
        (1234, -4321),
    ] {
        let (a16, b16) = (a as i16, b as i16);
        assert_eq!(
            sink.call_in(SCALARS, "add-s16", &[Val::S16(a16), Val::S16(b16)]),
            Val::S16(a16.wrapping_add(b16))
        );
        let (a16, b16) = (a as u16, b as u16);
        assert_eq!(
            sink.call_in(SCALARS, "add-u16", &[Val::U16(a16), Val::U16(b16)]),
            Val::U16(a16.wrapping_add(b16))
        );
    }
    for (a, b) in [
        (0i64, 0i64),
        (i64::from(i32::MIN), -1),
        (i64::from(i32::MAX), 1),
        (-1, -1),
        (0x1234_5678, 0x7654_3210),
    ] {
        let (a32, b32) = (a as i32, b as i32);
        assert_eq!(
            sink.call_in(SCALARS, "add-s32", &[Val::S32(a32), Val::S32(b32)]),
            Val::S32(a32.wrapping_add(b32))
        );
        let (a32, b32) = (a as u32, b as u32);
        assert_eq!(
            sink.call_in(SCALARS, "add-u32", &[Val::U32(a32), Val::U32(b32)]),
            Val::U32(a32.wrapping_add(b32))
        );
    }
    for (a, b) in [
        (0i64, 0i64),
        (i64::MIN, -1),
        (i64::MAX, 1),
        (-1, -1),
        (0x0123_4567_89ab_cdef, 0x7edc_ba98_7654_3210),
    ] {
        assert_eq!(
            sink.call_in(SCALARS, "add-s64", &[Val::S64(a), Val::S64(b)]),
            Val::S64(a.wrapping_add(b))
        );
        let (a, b) = (a as u64, b as u64);
        assert_eq!(
            sink.call_in(SCALARS, "add-u64", &[Val::U64(a), Val::U64(b)]),
            Val::U64(a.wrapping_add(b))
        );
    }
}

#[test]
fn floats_compute_and_nans_and_signed_zeros_cross() {
    let mut sink = Sink::new();
    for (a, b) in [
        (1.5f32, 2.0f32),
        (-3.25, 4.0),
        (f32::MAX, 2.0),
        (1e-30, 1e-30),
    ] {
        assert_eq!(
            sink.call_in(SCALARS, "mul-f32", &[Val::F32(a), Val::F32(b)]),
            Val::F32(a * b)
        );
    }
    for (a, b) in [
        (1.5f64, 2.0f64),
        (-3.25, 4.0),
        (f64::MAX, 2.0),
        (1e-300, 1e-300),
    ] {
        assert_eq!(
            sink.call_in(SCALARS, "mul-f64", &[Val::F64(a), Val::F64(b)]),
            Val::F64(a * b)
        );
    }
    for x in [
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::MIN_POSITIVE / 2.0,
        -0.0,
        0.1,
    ] {
        match sink.call_in(SCALARS, "identity-f32", &[Val::F32(x)]) {
            Val::F32(y) => assert_eq!(y.to_bits(), x.to_bits(), "{x}"),
            other => panic!("{other:?}"),
        }
    }
    for x in [
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::MIN_POSITIVE / 2.0,
        -0.0,
        0.1,
    ] {
        match sink.call_in(SCALARS, "identity-f64", &[Val::F64(x)]) {
            Val::F64(y) => assert_eq!(y.to_bits(), x.to_bits(), "{x}"),
            other => panic!("{other:?}"),
        }
    }
    // NaNs, quiet or signalling, with any payload, come back as NaNs (the
    // canonical ABI may canonicalize the payload).
    for bits in [0x7fc0_0000u32, 0xffc0_0001, 0x7f80_0001, 0x7fff_ffff] {
        let nan = f32::from_bits(bits);
        match sink.call_in(SCALARS, "identity-f32", &[Val::F32(nan)]) {
            Val::F32(y) => assert!(y.is_nan(), "{bits:#x} came back as {y}"),
            other => panic!("{other:?}"),
        }
        match sink.call_in(SCALARS, "mul-f32", &[Val::F32(nan), Val::F32(1.0)]) {
            Val::F32(y) => assert!(y.is_nan(), "{bits:#x} * 1 came back as {y}"),
            other => panic!("{other:?}"),
        }
    }
    for bits in [
        0x7ff8_0000_0000_0000u64,
        0xfff8_0000_0000_0001,
        0x7ff0_0000_0000_0001,
        0x7fff_ffff_ffff_ffff,
    ] {
        let nan = f64::from_bits(bits);
        match sink.call_in(SCALARS, "identity-f64", &[Val::F64(nan)]) {
            Val::F64(y) => assert!(y.is_nan(), "{bits:#x} came back as {y}"),
            other => panic!("{other:?}"),
        }
        match sink.call_in(SCALARS, "mul-f64", &[Val::F64(nan), Val::F64(1.0)]) {
            Val::F64(y) => assert!(y.is_nan(), "{bits:#x} * 1 came back as {y}"),
            other => panic!("{other:?}"),
        }
    }
    match sink.call_in(
        SCALARS,
        "mul-f64",
        &[Val::F64(f64::INFINITY), Val::F64(0.0)],
    ) {
        Val::F64(y) => assert!(y.is_nan(), "a NaN made in the guest: {y}"),
        other => panic!("{other:?}"),
    }
}

/// The Unicode scalar value after `c`, as the WIT documents `next-char`.
fn next_char(c: char) -> char {
    (c as u32 + 1..=0x10_ffff)
        .find_map(char::from_u32)
        .unwrap_or('\0')
}

#[test]
fn chars_step_over_the_surrogates_and_wrap() {
    let mut sink = Sink::new();
    for c in [
        'a',
        'z',
        '\0',
        'é',
        'ß',
        '€',
        '\u{D7FF}',
        '\u{E000}',
        '😀',
        char::MAX,
    ] {
        assert_eq!(
            sink.call_in(SCALARS, "next-char", &[Val::Char(c)]),
            Val::Char(next_char(c)),
            "after {c:?}"
        );
    }
}

#[test]
fn a_spilled_tuple_of_every_scalar_type_comes_back() {
    let mut sink = Sink::new();
    let cases = [
        (
            false, 0i8, 0u8, 0i16, 0u16, 0i32, 0u32, 0i64, 0u64, 0.0f32, 0.0f64, 'a',
        ),
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
    for (a, b, c, d, e, f, g, h, i, j, k, l) in cases {
        let args = [
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
        ];
        let expected = Val::Tuple(vec![
            Val::Bool(!a),
            Val::S8(b.wrapping_add(1)),
            Val::U8(c.wrapping_add(1)),
            Val::S16(d.wrapping_add(1)),
            Val::U16(e.wrapping_add(1)),
            Val::S32(f.wrapping_add(1)),
            Val::U32(g.wrapping_add(1)),
            Val::S64(h.wrapping_add(1)),
            Val::U64(i.wrapping_add(1)),
            Val::F32(j * 2.0),
            Val::F64(k / 2.0),
            Val::Char(next_char(l)),
        ]);
        assert_eq!(sink.call_in(SCALARS, "step-all", &args), expected);
    }
}

// ---- strings and lists -----------------------------------------------------

#[test]
fn strings_cross_both_ways_including_empty_and_non_ascii() {
    let mut sink = Sink::new();
    let long: String = "wörld 😀 ".repeat(20_000);
    for s in [
        "",
        "a",
        "hello",
        "héllo wörld",
        "日本語のテキスト",
        "😀🎉👍",
        "a\0b",
        &long,
    ] {
        let reversed: String = s.chars().rev().collect();
        assert_eq!(
            sink.call_in(COMPOUND, "reverse-string", &[string(s)]),
            Val::String(reversed)
        );
        assert_eq!(
            sink.call_in(COMPOUND, "measure", &[string(s)]),
            Val::Tuple(vec![
                Val::U32(s.len() as u32),
                Val::U32(s.chars().count() as u32)
            ])
        );
    }
}

#[test]
fn byte_and_number_lists_including_big_ones() {
    let mut sink = Sink::new();
    for len in [0usize, 1, 7, 100_000] {
        let bytes: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
        let reversed: Vec<Val> = bytes.iter().rev().map(|&b| Val::U8(b)).collect();
        let given: Vec<Val> = bytes.iter().map(|&b| Val::U8(b)).collect();
        assert_eq!(
            sink.call_in(COMPOUND, "reverse-bytes", &[Val::List(given)]),
            Val::List(reversed)
        );
    }
    for len in [0usize, 1, 10_000] {
        let values: Vec<u32> = (0..len as u32)
            .map(|i| i.wrapping_mul(2_654_435_761))
            .collect();
        let given = Val::List(values.iter().map(|&v| Val::U32(v)).collect());
        let sum: u64 = values.iter().map(|&v| u64::from(v)).sum();
        assert_eq!(
            sink.call_in(COMPOUND, "sum-u32", std::slice::from_ref(&given)),
            Val::U64(sum)
        );
        let mut running = 0u32;
        let prefix: Vec<Val> = values
            .iter()
            .map(|&v| {
                running = running.wrapping_add(v);
                Val::U32(running)
            })
            .collect();
        assert_eq!(
            sink.call_in(COMPOUND, "prefix-sums", &[given]),
            Val::List(prefix)
        );
    }
}

#[test]
fn string_lists_join_split_and_reverse() {
    let mut sink = Sink::new();
    let parts = ["alpha", "", "γάμμα", "😀", ""];
    assert_eq!(
        sink.call_in(COMPOUND, "join", &[strings(&parts), string(", ")]),
        Val::String(parts.join(", "))
    );
    assert_eq!(
        sink.call_in(COMPOUND, "join", &[strings(&[]), string("-")]),
        string("")
    );
    for (s, sep) in [
        ("a,b,,c", ','),
        ("", ','),
        ("über→straße→", '→'),
        ("none", 'x'),
    ] {
        let expected: Vec<&str> = s.split(sep).collect();
        assert_eq!(
            sink.call_in(COMPOUND, "split", &[string(s), Val::Char(sep)]),
            strings(&expected)
        );
    }
    let words: Vec<String> = (0..10_000).map(|i| format!("wörd{i}")).collect();
    let given = Val::List(words.iter().map(|w| string(w)).collect());
    let expected = Val::List(
        words
            .iter()
            .rev()
            .map(|w| Val::String(w.chars().rev().collect()))
            .collect(),
    );
    assert_eq!(sink.call_in(COMPOUND, "reverse-words", &[given]), expected);
    assert_eq!(
        sink.call_in(COMPOUND, "reverse-words", &[strings(&[])]),
        strings(&[])
    );
}

// ---- records, tuples, variants, enums, flags -------------------------------

#[test]
fn records_and_tuples() {
    let mut sink = Sink::new();
    for (x, y) in [(0, 0), (3, 4), (-7, 9), (i32::MAX, i32::MIN)] {
        assert_eq!(
            sink.call_in(COMPOUND, "rotate", &[point(x, y)]),
            point(y.wrapping_neg(), x)
        );
    }
    for (byte, text, number) in [
        (0u8, "", 0.0f64),
        (255, "mixed Case ß", -9.5),
        (41, "é", 1e10),
    ] {
        assert_eq!(
            sink.call_in(
                COMPOUND,
                "reverse-tuple",
                &[Val::Tuple(vec![
                    Val::U8(byte),
                    string(text),
                    Val::F64(number)
                ])]
            ),
            Val::Tuple(vec![
                Val::F64(number / 2.0),
                Val::String(text.to_uppercase()),
                Val::U8(byte.wrapping_add(1)),
            ])
        );
    }
}

/// The shape after `s`, as the WIT documents `next-shape`.
fn next_shape(s: &Val) -> Val {
    let Val::Variant(case, payload) = s else {
        panic!("not a shape: {s:?}")
    };
    let (case, payload) = match (case.as_str(), payload.as_deref()) {
        ("empty", None) => ("dot", Some(Val::U8(0))),
        ("dot", Some(Val::U8(size))) => ("line", Some(Val::U64(u64::from(*size) * 1000))),
        ("line", Some(Val::U64(length))) => ("label", Some(Val::String(length.to_string()))),
        ("label", Some(Val::String(text))) => (
            "rect",
            Some(point(text.len() as i32, text.chars().count() as i32)),
        ),
        ("rect", Some(Val::Record(fields))) => {
            let (Val::S32(x), Val::S32(y)) = (&fields[0].1, &fields[1].1) else {
                panic!("not a point: {fields:?}")
            };
            ("ratio", Some(Val::F32(*x as f32 / *y as f32)))
        }
        ("ratio", Some(Val::F32(_))) => ("empty", None),
        other => panic!("not a shape: {other:?}"),
    };
    Val::Variant(case.into(), payload.map(Box::new))
}

fn shape(case: &str, payload: Option<Val>) -> Val {
    Val::Variant(case.into(), payload.map(Box::new))
}

#[test]
fn variants_with_payloads_of_every_size() {
    let mut sink = Sink::new();
    let starts = [
        shape("empty", None),
        shape("dot", Some(Val::U8(200))),
        shape("line", Some(Val::U64(u64::MAX / 1000))),
        shape("label", Some(string("größe 😀"))),
        shape("label", Some(string(""))),
        shape("rect", Some(point(-6, 4))),
        shape("ratio", Some(Val::F32(0.25))),
    ];
    for start in starts {
        // Each shape taken twice round the whole cycle.
        let mut current = start;
        for _ in 0..12 {
            let expected = next_shape(&current);
            let got = sink.call_in(COMPOUND, "next-shape", &[current]);
            // Compared as text: `rect(0, 0)` gives the ratio NaN, which
            // `==` never matches.
            assert_eq!(format!("{got:?}"), format!("{expected:?}"));
            current = got;
        }
    }
}

#[test]
fn enums_and_flags_of_one_two_and_four_bytes() {
    let mut sink = Sink::new();
    let colors = ["red", "green", "blue"];
    for (i, c) in colors.iter().enumerate() {
        assert_eq!(
            sink.call_in(COMPOUND, "next-color", &[Val::Enum(c.to_string())]),
            Val::Enum(colors[(i + 1) % 3].to_string())
        );
    }

    let permissions = ["read", "write", "execute"];
    for mask in 0..8u32 {
        let given: Vec<&str> = (0..3)
            .filter(|i| mask & (1 << i) != 0)
            .map(|i| permissions[i])
            .collect();
        let inverted: Vec<String> = (0..3)
            .filter(|i| mask & (1 << i) == 0)
            .map(|i| permissions[i].to_string())
            .collect();
        let got = sink.call_in(COMPOUND, "invert-permissions", &[flags(&given)]);
        assert_eq!(flag_set(&got), sorted(&inverted), "mask {mask:#b}");
    }

    let nine: Vec<String> = (0..9).map(|i| format!("b{i}")).collect();
    for mask in [0u32, 1, 0b1_0000_0000, 0b1_0101_0101, 0b1_1111_1111] {
        let given: Vec<&str> = (0..9)
            .filter(|i| mask & (1 << i) != 0)
            .map(|i| nine[i].as_str())
            .collect();
        let inverted: Vec<String> = (0..9)
            .filter(|i| mask & (1 << i) == 0)
            .map(|i| nine[i].clone())
            .collect();
        let got = sink.call_in(COMPOUND, "invert-nine", &[flags(&given)]);
        assert_eq!(flag_set(&got), sorted(&inverted), "mask {mask:#b}");
    }

    let wide: Vec<String> = (0..32).map(|i| format!("w{i}")).collect();
    for mask in [0u32, 1, 1 << 31, 0x8000_0001, 0xdead_beef, u32::MAX] {
        let names = |m: u32| -> Vec<String> {
            (0..32)
                .filter(|i| m & (1 << i) != 0)
                .map(|i| wide[i].clone())
                .collect()
        };
        let given = Val::Flags(names(mask));
        let got = sink.call_in(COMPOUND, "rotate-wide", &[given]);
        assert_eq!(
            flag_set(&got),
            sorted(&names(mask.rotate_left(1))),
            "mask {mask:#x}"
        );
    }
}

// ---- options and results ---------------------------------------------------

#[test]
fn options_and_nested_options() {
    let mut sink = Sink::new();
    for n in [
        None,
        Some(0u32),
        Some(1),
        Some(10),
        Some(u32::MAX),
        Some(u32::MAX - 1),
    ] {
        let given = n.map_or_else(none, |n| some(Val::U32(n)));
        let expected = match n {
            Some(n) if n % 2 == 0 => some(Val::U32(n / 2)),
            _ => none(),
        };
        assert_eq!(sink.call_in(COMPOUND, "halve", &[given]), expected);
    }
    let cases: [Option<Option<u32>>; 5] = [
        None,
        Some(None),
        Some(Some(0)),
        Some(Some(41)),
        Some(Some(u32::MAX)),
    ];
    let to_val = |x: Option<Option<u32>>| match x {
        None => none(),
        Some(None) => some(none()),
        Some(Some(n)) => some(some(Val::U32(n))),
    };
    for x in cases {
        let bumped = match x {
            None => Some(None),
            Some(None) => None,
            Some(Some(n)) => Some(Some(n.wrapping_add(1))),
        };
        assert_eq!(
            sink.call_in(COMPOUND, "bump-nested", &[to_val(x)]),
            to_val(bumped),
            "{x:?}"
        );
    }
}

#[test]
fn results_of_every_shape() {
    let mut sink = Sink::new();
    for (a, b) in [
        (7, 2),
        (-7, 2),
        (1, 0),
        (i32::MIN, -1),
        (i32::MIN, 1),
        (0, 5),
    ] {
        let expected = match a.checked_div(b) {
            Some(q) => ok(Some(Val::S32(q))),
            None if b == 0 => err(Some(string("division by zero"))),
            None => err(Some(string("overflow"))),
        };
        assert_eq!(
            sink.call_in(COMPOUND, "checked-div", &[Val::S32(a), Val::S32(b)]),
            expected,
            "{a} / {b}"
        );
    }

    assert_eq!(
        sink.call_in(COMPOUND, "flip", &[ok(Some(string("naïve")))]),
        err(Some(string("naïve")))
    );
    assert_eq!(
        sink.call_in(COMPOUND, "flip", &[err(Some(Val::U32(99)))]),
        ok(Some(Val::U32(99)))
    );

    assert_eq!(
        sink.call_in(COMPOUND, "append-error", &[ok(None), string("!")]),
        ok(None)
    );
    assert_eq!(
        sink.call_in(
            COMPOUND,
            "append-error",
            &[err(Some(string("bad"))), string(" input ✗")]
        ),
        err(Some(string("bad input ✗")))
    );

    for n in [0u32, 21, u32::MAX] {
        assert_eq!(
            sink.call_in(COMPOUND, "double-ok", &[ok(Some(Val::U32(n)))]),
            ok(Some(Val::U64(2 * u64::from(n))))
        );
    }
    assert_eq!(sink.call_in(COMPOUND, "double-ok", &[err(None)]), err(None));

    assert_eq!(
        sink.call_in(COMPOUND, "negate-result", &[ok(None)]),
        err(None)
    );
    assert_eq!(
        sink.call_in(COMPOUND, "negate-result", &[err(None)]),
        ok(None)
    );
}

// ---- nested types ----------------------------------------------------------

fn people() -> Vec<(&'static str, u8, Vec<&'static str>)> {
    vec![
        ("Ada", 36, vec!["math", "engines"]),
        ("Grace", 85, vec!["navy", "compilers", "math"]),
        ("Zoë", 85, vec![]),
        ("", 0, vec!["", "math"]),
    ]
}

fn people_val(people: &[(&str, u8, Vec<&str>)]) -> Val {
    Val::List(
        people
            .iter()
            .map(|(name, age, tags)| person(name, *age, tags))
            .collect(),
    )
}

#[test]
fn lists_of_records_holding_strings() {
    let mut sink = Sink::new();
    let people = people();
    let given = people_val(&people);

    let total: u32 = people.iter().map(|p| u32::from(p.1)).sum();
    assert_eq!(
        sink.call_in(COMPOUND, "total-age", std::slice::from_ref(&given)),
        Val::U32(total)
    );

    let aged = Val::List(
        people
            .iter()
            .map(|(name, age, tags)| {
                let mut tags = tags.clone();
                tags.push("older");
                person(name, age.wrapping_add(1), &tags)
            })
            .collect(),
    );
    assert_eq!(
        sink.call_in(COMPOUND, "age-all", std::slice::from_ref(&given)),
        aged
    );

    let max_age = people.iter().map(|p| p.1).max().unwrap();
    let first_oldest = people.iter().find(|p| p.1 == max_age).unwrap();
    assert_eq!(
        sink.call_in(COMPOUND, "oldest", std::slice::from_ref(&given)),
        some(person(first_oldest.0, first_oldest.1, &first_oldest.2))
    );
    assert_eq!(
        sink.call_in(COMPOUND, "oldest", &[Val::List(vec![])]),
        none()
    );

    let mut counts: Vec<(&str, u32)> = Vec::new();
    for tag in people.iter().flat_map(|p| p.2.iter().copied()) {
        match counts.iter_mut().find(|(t, _)| *t == tag) {
            Some((_, n)) => *n += 1,
            None => counts.push((tag, 1)),
        }
    }
    let expected = Val::List(
        counts
            .iter()
            .map(|(t, n)| Val::Tuple(vec![string(t), Val::U32(*n)]))
            .collect(),
    );
    assert_eq!(sink.call_in(COMPOUND, "tag-counts", &[given]), expected);

    // A big list of records.
    let many: Vec<(String, u8, Vec<&str>)> = (0..5_000)
        .map(|i| (format!("person {i} ✓"), (i % 256) as u8, vec!["t"; i % 3]))
        .collect();
    let given = Val::List(many.iter().map(|(n, a, t)| person(n, *a, t)).collect());
    let total: u32 = many.iter().map(|p| u32::from(p.1)).sum();
    assert_eq!(
        sink.call_in(COMPOUND, "total-age", &[given]),
        Val::U32(total)
    );
}

#[test]
fn records_holding_lists_of_variants() {
    let mut sink = Sink::new();
    let shapes = vec![
        shape("empty", None),
        shape("label", Some(string("ñ"))),
        shape("dot", Some(Val::U8(3))),
        shape("rect", Some(point(10, 4))),
        shape("line", Some(Val::U64(12345))),
        shape("ratio", Some(Val::F32(1.0))),
    ];
    let palette = ["blue", "red", "green", "green"];
    let title = "A drawing — ünïcödé";
    let drawing = |title: String, shapes: Vec<Val>, palette: Vec<Val>| {
        Val::Record(vec![
            ("title".into(), Val::String(title)),
            ("shapes".into(), Val::List(shapes)),
            ("palette".into(), Val::List(palette)),
        ])
    };
    let given = drawing(
        title.into(),
        shapes.clone(),
        palette.iter().map(|c| Val::Enum(c.to_string())).collect(),
    );
    let next = |c: &str| match c {
        "red" => "green",
        "green" => "blue",
        _ => "red",
    };
    let expected = drawing(
        title.chars().rev().collect(),
        shapes.iter().map(next_shape).collect(),
        palette
            .iter()
            .map(|c| Val::Enum(next(c).to_string()))
            .collect(),
    );
    assert_eq!(
        sink.call_in(COMPOUND, "advance-drawing", &[given]),
        expected
    );
}

// ---- many parameters, spilled results --------------------------------------

#[test]
fn twenty_parameters_go_through_memory() {
    let mut sink = Sink::new();
    for seed in [0u32, 1, 0x9e37_79b9] {
        let values: Vec<u32> = (0..20u32)
            .map(|i| seed.wrapping_mul(i + 1).wrapping_add(i * 1000))
            .collect();
        let expected: u64 = values
            .iter()
            .zip(1u64..)
            .map(|(&v, w)| u64::from(v) * w)
            .sum();
        let args: Vec<Val> = values.iter().map(|&v| Val::U32(v)).collect();
        assert_eq!(sink.call("weighted-sum", &args), Val::U64(expected));
    }
    let max = vec![Val::U32(u32::MAX); 20];
    assert_eq!(
        sink.call("weighted-sum", &max),
        Val::U64(u64::from(u32::MAX) * 210)
    );
}

#[test]
fn mixed_parameters_past_sixteen_flat_values() {
    let mut sink = Sink::new();
    type Case<'a> = (
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
        (i32, i32),
        Option<u32>,
        &'a str,
        &'a [&'a str],
    );
    let cases: [Case; 2] = [
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
            (-3, 7),
            Some(42),
            "green",
            &["read", "execute"],
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
            (0, 0),
            None,
            "red",
            &[],
        ),
    ];
    for (a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q, r) in cases {
        let args = [
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
            string(m),
            Val::List(n.iter().map(|&b| Val::U8(b)).collect()),
            point(o.0, o.1),
            p.map_or_else(none, |v| some(Val::U32(v))),
            Val::Enum(q.into()),
            flags(r),
        ];
        let hex: String = n.iter().map(|b| format!("{b:02x}")).collect();
        let expected = [
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
            hex,
            format!("({},{})", o.0, o.1),
            p.map_or_else(|| "none".into(), |v| v.to_string()),
            q.to_string(),
            r.join("+"),
        ]
        .join("|");
        assert_eq!(sink.call("describe-all", &args), Val::String(expected));
    }
}

#[test]
fn a_record_result_is_returned_through_memory() {
    let mut sink = Sink::new();
    let lists: [Vec<i32>; 4] = [
        vec![5],
        vec![3, -1, 4, 1, -5, 9, 2, 6],
        vec![i32::MAX, i32::MAX, i32::MIN],
        (0..10_000).map(|i| (i * 7919) % 20011 - 10000).collect(),
    ];
    for values in lists {
        let sum: i64 = values.iter().map(|&v| i64::from(v)).sum();
        let expected = Val::Record(vec![
            ("count".into(), Val::U32(values.len() as u32)),
            ("sum".into(), Val::S64(sum)),
            ("min".into(), Val::S32(*values.iter().min().unwrap())),
            ("max".into(), Val::S32(*values.iter().max().unwrap())),
            ("mean".into(), Val::F64(sum as f64 / values.len() as f64)),
        ]);
        let given = Val::List(values.iter().map(|&v| Val::S32(v)).collect());
        assert_eq!(sink.call("compute-stats", &[given]), expected);
    }
    // No values: zeros, and a NaN mean.
    let Val::Record(fields) = sink.call("compute-stats", &[Val::List(vec![])]) else {
        panic!("not a record")
    };
    assert_eq!(
        fields[..4],
        [
            ("count".into(), Val::U32(0)),
            ("sum".into(), Val::S64(0)),
            ("min".into(), Val::S32(0)),
            ("max".into(), Val::S32(0)),
        ]
    );
    assert!(matches!(fields[4], (ref n, Val::F64(m)) if n == "mean" && m.is_nan()));
}
