//! The canonical ABI table: size, alignment and flat types of WIT types,
//! and core signatures of functions, each worked out by hand from
//! CanonicalABI.md (`alignment`, `elem_size`, `flatten_type`,
//! `flatten_functype`). The derivation of each expected value is in the
//! comment beside it.

use weft_wit::abi::{AbiTable, Direction, FlatType, Layout};
use weft_wit::wit_parser::{Type, TypeDefKind};
use weft_wit::Wit;

use FlatType::{F32, F64, I32, I64};

/// Named types of `interface types` below, with their expected layout.
const TYPES: &[(&str, u32, u32, &[FlatType])] = &[
    // Primitives, through aliases.
    ("t-bool", 1, 1, &[I32]),
    ("t-s8", 1, 1, &[I32]),
    ("t-u16", 2, 2, &[I32]),
    ("t-s32", 4, 4, &[I32]),
    ("t-u64", 8, 8, &[I64]),
    ("t-f32", 4, 4, &[F32]),
    ("t-f64", 8, 8, &[F64]),
    ("t-char", 4, 4, &[I32]),
    // string and list: (ptr, len), both i32.
    ("t-string", 8, 4, &[I32, I32]),
    ("t-list", 8, 4, &[I32, I32]),
    ("t-handle", 4, 4, &[I32]),
    // a:u8 @0, b:u16 @2 -> 4, align 2.
    ("small", 4, 2, &[I32, I32]),
    // a:u8 @0, b:u64 @8, c:u16 @16 -> 18, rounded to align 8 -> 24.
    ("mixed", 24, 8, &[I32, I64, I32]),
    // x:small @0 (4), y:mixed @8 (24) -> 32, z:u8 @32 -> 33 -> 40.
    ("nested", 40, 8, &[I32, I32, I32, I64, I32, I32]),
    // s:string @0 (8), b:bool @8 -> 9 -> align 4 -> 12.
    ("with-string", 12, 4, &[I32, I32, I32]),
    // tuple<u8, f64>: record of fields 0 and 1: @0, @8 -> 16.
    ("pair", 16, 8, &[I32, F64]),
    // 4 cases: u8 discriminant; payload aligned to 8 (u64) at 8, max
    // payload 8 -> 16. Slots: a [i32], b [f32] join -> i32, c [i64] -> i64.
    ("v-mixed", 16, 8, &[I32, I64]),
    // payload at 4 (f32), 4 bytes -> 8; f32 joined with f32 stays f32.
    ("v-float", 8, 4, &[I32, F32]),
    // payload at 8 (f64), 8 bytes -> 16; f32 joined with f64 -> i64.
    ("v-f32-f64", 16, 8, &[I32, I64]),
    // payload at 8 (mixed: align 8), max(24, 8) -> 32. Slots: mixed
    // [i32, i64, i32] with string [i32, i32] -> [i32, i64, i32].
    ("v-record", 32, 8, &[I32, I32, I64, I32]),
    // a(v-float: 8/4) b(pair: 16/8): payload at 8, 16 bytes -> 24.
    // Slots: [i32, f32] with [i32, f64] -> [i32, i64].
    ("v-nested", 24, 8, &[I32, I32, I64]),
    // An enum is a variant without payloads: only the discriminant.
    ("e-one", 1, 1, &[I32]),
    ("e-three", 1, 1, &[I32]),
    // option<u16>: none | some(u16): payload at 2 -> 4.
    ("o-u16", 4, 2, &[I32, I32]),
    // option<string>: payload at 4 -> 12.
    ("o-string", 12, 4, &[I32, I32, I32]),
    // option<option<u8>>: inner 2/1 [i32, i32]; outer payload at 1 -> 3.
    ("o-o", 3, 1, &[I32, I32, I32]),
    // result<u64, string>: payload at 8, max(8, 8) -> 16;
    // slots [i64] with [i32, i32] -> [i64, i32].
    ("r-u64-string", 16, 8, &[I32, I64, I32]),
    // result without payloads: the discriminant alone.
    ("r-empty", 1, 1, &[I32]),
    // result<_, u32>: payload at 4 -> 8.
    ("r-err", 8, 4, &[I32, I32]),
    // result<f32, f32>: f32 slots stay f32.
    ("r-f32-f32", 8, 4, &[I32, F32]),
    // list<u16, 3>: three u16 inline, three i32 slots.
    ("fixed", 6, 2, &[I32, I32, I32]),
    // flags: 1 byte up to 8 members, 2 up to 16, then i32 words.
    ("flags1", 1, 1, &[I32]),
    ("flags8", 1, 1, &[I32]),
    ("flags9", 2, 2, &[I32]),
    ("flags16", 2, 2, &[I32]),
    ("flags17", 4, 4, &[I32]),
    ("flags32", 4, 4, &[I32]),
    // Variants by case count, the first case carrying a u16: a u8
    // discriminant up to 256 cases, u16 up to 65536, u32 beyond.
    // 1 case: payload at 2 -> 4.
    ("cases1", 4, 2, &[I32, I32]),
    ("cases255", 4, 2, &[I32, I32]),
    ("cases256", 4, 2, &[I32, I32]),
    // u16 discriminant: payload at 2 -> 4.
    ("cases257", 4, 2, &[I32, I32]),
    // u32 discriminant: payload at 4, 2 bytes -> 6 -> align 4 -> 8.
    ("cases65537", 8, 4, &[I32, I32]),
];

/// `interface types`, with the generated flags and many-case variants.
fn wit_source() -> String {
    let mut wit = String::from(
        "package test:abi;

interface types {
  type t-bool = bool;
  type t-s8 = s8;
  type t-u16 = u16;
  type t-s32 = s32;
  type t-u64 = u64;
  type t-f32 = f32;
  type t-f64 = f64;
  type t-char = char;
  type t-string = string;
  type t-list = list<u64>;
  resource thing {
    constructor(x: u32);
    get: func() -> list<u8>;
  }
  type t-handle = own<thing>;
  record small { a: u8, b: u16 }
  record mixed { a: u8, b: u64, c: u16 }
  record nested { x: small, y: mixed, z: u8 }
  record with-string { s: string, b: bool }
  type pair = tuple<u8, f64>;
  variant v-mixed { a(u8), b(f32), c(u64), d }
  variant v-float { a(f32), b(f32) }
  variant v-f32-f64 { a(f32), b(f64) }
  variant v-record { a(mixed), b(string) }
  variant v-nested { a(v-float), b(pair) }
  enum e-one { a }
  enum e-three { a, b, c }
  type o-u16 = option<u16>;
  type o-string = option<string>;
  type o-o = option<option<u8>>;
  type r-u64-string = result<u64, string>;
  type r-empty = result;
  type r-err = result<_, u32>;
  type r-f32-f32 = result<f32, f32>;
  type fixed = list<u16, 3>;
",
    );
    for n in [1, 8, 9, 16, 17, 32] {
        let members: Vec<String> = (0..n).map(|i| format!("m{i}")).collect();
        wit += &format!("  flags flags{n} {{ {} }}\n", members.join(", "));
    }
    for n in [1, 255, 256, 257, 65537] {
        let cases: Vec<String> = (0..n)
            .map(|i| {
                if i == 0 {
                    "c0(u16)".to_string()
                } else {
                    format!("c{i}")
                }
            })
            .collect();
        wit += &format!("  variant cases{n} {{ {} }}\n", cases.join(", "));
    }
    wit += "
  sixteen: func(a1: u32, a2: u32, a3: u32, a4: u32, a5: u32, a6: u32, a7: u32, a8: u32,
                a9: u32, a10: u32, a11: u32, a12: u32, a13: u32, a14: u32, a15: u32, a16: f64);
  seventeen: func(a1: u32, a2: u32, a3: u32, a4: u32, a5: u32, a6: u32, a7: u32, a8: u32,
                  a9: u32, a10: u32, a11: u32, a12: u32, a13: u32, a14: u32, a15: u32, a16: u32,
                  a17: u8);
  records-fit: func(a: nested, b: nested, c: mixed, d: t-handle);
  records-spill: func(a: nested, b: nested, c: mixed, d: t-handle, e: bool);
  nothing: func();
  ret-u64: func() -> u64;
  ret-string: func() -> string;
  ret-pair: func(x: option<f64>) -> result<f32, f32>;
  ret-enum: func(s: string) -> e-three;
  both-spill: func(a1: u64, a2: u64, a3: u64, a4: u64, a5: u64, a6: u64, a7: u64, a8: u64,
                   a9: u64, a10: u64, a11: u64, a12: u64, a13: u64, a14: u64, a15: u64, a16: u64,
                   s: string) -> tuple<u8, u8>;
}
";
    wit
}

/// Functions of `interface types`: name, lift params, lift results, lower
/// params, lower results, params in memory, results in memory.
#[allow(clippy::type_complexity)]
const SIGNATURES: &[(
    &str,
    &[FlatType],
    &[FlatType],
    &[FlatType],
    &[FlatType],
    bool,
    bool,
)] = &[
    // 15 i32 + f64 = 16 flat params: still passed flat.
    (
        "sixteen",
        &[
            I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, F64,
        ],
        &[],
        &[
            I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, F64,
        ],
        &[],
        false,
        false,
    ),
    // 17 flat params: one pointer to the parameter tuple.
    ("seventeen", &[I32], &[], &[I32], &[], true, false),
    // nested (6) + nested (6) + mixed (3) + handle (1) = 16.
    (
        "records-fit",
        &[
            I32, I32, I32, I64, I32, I32, I32, I32, I32, I64, I32, I32, I32, I64, I32, I32,
        ],
        &[],
        &[
            I32, I32, I32, I64, I32, I32, I32, I32, I32, I64, I32, I32, I32, I64, I32, I32,
        ],
        &[],
        false,
        false,
    ),
    // ... one bool more: 17, spilled.
    ("records-spill", &[I32], &[], &[I32], &[], true, false),
    ("nothing", &[], &[], &[], &[], false, false),
    ("ret-u64", &[], &[I64], &[], &[I64], false, false),
    // string result: 2 flat -> lift returns a pointer, lower takes one.
    ("ret-string", &[], &[I32], &[I32], &[], false, true),
    // option<f64> -> [i32, f64]; result<f32, f32> is 2 flat -> memory.
    (
        "ret-pair",
        &[I32, F64],
        &[I32],
        &[I32, F64, I32],
        &[],
        false,
        true,
    ),
    // string param (ptr, len); an enum result is one i32.
    (
        "ret-enum",
        &[I32, I32],
        &[I32],
        &[I32, I32],
        &[I32],
        false,
        false,
    ),
    // 16 i64 + string = 18 flat: params spill; tuple<u8,u8> is 2 flat:
    // results spill. Lower: params pointer, then results pointer.
    ("both-spill", &[I32], &[I32], &[I32, I32], &[], true, true),
    // Resource functions: `self` is a borrow<thing> (one i32); the
    // constructor returns own<thing> (one i32).
    (
        "[constructor]thing",
        &[I32],
        &[I32],
        &[I32],
        &[I32],
        false,
        false,
    ),
    (
        "[method]thing.get",
        &[I32],
        &[I32],
        &[I32, I32],
        &[],
        false,
        true,
    ),
];

fn load() -> (Wit, AbiTable) {
    let wit = Wit::parse("abi-table.wit", &wit_source()).expect("the table's WIT parses");
    let table = AbiTable::new(&wit.resolve).expect("every type lays out");
    (wit, table)
}

#[test]
fn sizes_alignments_and_flat_types() {
    let (wit, table) = load();
    let iface = wit.resolve.packages[wit.package].interfaces["types"];
    let types = &wit.resolve.interfaces[iface].types;
    let mut wrong = Vec::new();
    for &(name, size, align, flat) in TYPES {
        let id = *types
            .get(name)
            .unwrap_or_else(|| panic!("type {name} missing"));
        let layout = table.layout(&Type::Id(id));
        let got = (
            layout.size,
            layout.align,
            layout.flat.types().map(<[_]>::to_vec),
        );
        let want = (size, align, Some(flat.to_vec()));
        if got != want {
            wrong.push(format!("{name}: expected {want:?}, got {got:?}"));
        }
    }
    assert!(wrong.is_empty(), "wrong layouts:\n{}", wrong.join("\n"));
}

#[test]
fn function_signatures_spill_params_and_results() {
    let (wit, table) = load();
    let iface = wit.resolve.packages[wit.package].interfaces["types"];
    let functions = &wit.resolve.interfaces[iface].functions;
    let mut wrong = Vec::new();
    for &(name, lift_p, lift_r, lower_p, lower_r, p_mem, r_mem) in SIGNATURES {
        let func = functions
            .get(name)
            .unwrap_or_else(|| panic!("function {name} missing"));
        for (direction, params, results) in [
            (Direction::Lift, lift_p, lift_r),
            (Direction::Lower, lower_p, lower_r),
        ] {
            let sig = table
                .signature(func, direction)
                .expect("synchronous function");
            let got = (
                &sig.params[..],
                &sig.results[..],
                sig.params_in_memory,
                sig.results_in_memory,
            );
            let want = (params, results, p_mem, r_mem);
            if got != want {
                wrong.push(format!(
                    "{name} ({direction:?}): expected {want:?}, got {got:?}"
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "wrong signatures:\n{}", wrong.join("\n"));
}

#[test]
fn spilled_parameters_are_laid_out_as_a_tuple() {
    let (wit, table) = load();
    let iface = wit.resolve.packages[wit.package].interfaces["types"];
    let func = &wit.resolve.interfaces[iface].functions["records-spill"];
    let types: Vec<Type> = func.params.iter().map(|p| p.ty).collect();
    // nested @0 (40), nested @40 (40), mixed @80 (24), handle @104, bool @108.
    assert_eq!(table.field_offsets(&types), vec![0, 40, 80, 104, 108]);
    let tuple = table.tuple(&types).unwrap();
    assert_eq!((tuple.size, tuple.align), (112, 8));
}

#[test]
fn field_and_payload_offsets() {
    let (wit, table) = load();
    let iface = wit.resolve.packages[wit.package].interfaces["types"];
    let types = &wit.resolve.interfaces[iface].types;
    let TypeDefKind::Record(mixed) = &wit.resolve.types[types["mixed"]].kind else {
        panic!("mixed is a record");
    };
    let fields: Vec<Type> = mixed.fields.iter().map(|f| f.ty).collect();
    assert_eq!(table.field_offsets(&fields), vec![0, 8, 16]);

    // result<u64, string>: payload after the u8 discriminant, at 8.
    let u64_layout = table.layout(&Type::U64);
    let string_layout = table.layout(&Type::String);
    let cases = [Some(&u64_layout), Some(&string_layout)];
    assert_eq!(Layout::variant_payload_offset(cases.into_iter()), Ok(8));
}

#[test]
fn flags_outside_the_current_limit() {
    // WIT text cannot declare empty flags or more than 32 members, but
    // binaries made before that limit can; the older layout stays defined.
    // 0 members: no bytes, alignment 1, no core values.
    let layout = Layout::flags(0);
    assert_eq!(
        (layout.size, layout.align, layout.flat.count()),
        (0, 1, Some(0))
    );
    // Past 32 members: ceil(n / 32) i32 words.
    for (members, words) in [(33, 2), (64, 2), (65, 3)] {
        let layout = Layout::flags(members);
        assert_eq!(layout.size, 4 * words, "{members} flags");
        assert_eq!(layout.align, 4, "{members} flags");
        assert_eq!(layout.flat.types(), Some(&vec![I32; words as usize][..]));
    }
}

#[test]
fn wit_with_33_flags_is_rejected_at_the_member() {
    let members: Vec<String> = (0..33).map(|i| format!("m{i}")).collect();
    let text = format!(
        "package t:f;\ninterface i {{\n  flags f {{ {} }}\n}}\n",
        members.join(", ")
    );
    let err = Wit::parse("flags.wit", &text).unwrap_err();
    let location = err.location().expect("the error is located");
    assert_eq!(
        (location.line, location.file.to_str()),
        (3, Some("flags.wit"))
    );
    assert!(err.to_string().contains("more than 32 flags"), "{err}");
}
