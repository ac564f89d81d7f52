//! The derive macros (`ComponentType`, `Lower`, `Lift` from
//! `weft_runtime::component`) on records, variants, enums and flags,
//! checked against the dynamic ABI: the derived layout constants equal
//! `Type::layout()` of the matching component type, and a value stored
//! or flattened by the derived code is read back identically by the
//! dynamic `Lifter`, and the other way round, in every string encoding.

use weft_runtime::component::{
    ComponentType, FlatReader, FlatWriter, Lift, LiftError, Lifter, Lower, Lowerer, StringEncoding,
    Type, Val,
};

/// A linear memory with a bump allocator standing in for `cabi_realloc`.
struct Memory {
    bytes: Vec<u8>,
    next: u32,
    encoding: StringEncoding,
}

impl Memory {
    fn new(encoding: StringEncoding) -> Memory {
        Memory {
            bytes: vec![0; 1 << 16],
            next: 8,
            encoding,
        }
    }
}

impl Lowerer for Memory {
    fn memory(&mut self) -> &mut [u8] {
        &mut self.bytes
    }
    fn realloc(&mut self, size: u32, align: u32) -> Result<u32, LiftError> {
        let ptr = self.next.next_multiple_of(align.max(1));
        self.next = ptr + size;
        Ok(ptr)
    }
    fn encoding(&self) -> StringEncoding {
        self.encoding
    }
}

/// Checks `value` (of component type `ty`, equal to `val`): its layout,
/// its type check, and both ways through memory and flat values against
/// the dynamic ABI.
fn round_trip<T: Lower + Lift + PartialEq + std::fmt::Debug>(value: T, ty: &Type, val: Val) {
    let layout = ty.layout();
    assert_eq!(
        (T::SIZE, T::ALIGN, T::FLAT),
        (
            layout.size,
            layout.align,
            layout.flat.count().unwrap_or(usize::MAX)
        ),
        "layout of {ty}"
    );
    T::typecheck(ty).unwrap_or_else(|e| panic!("{ty}: {e}"));
    for encoding in [
        StringEncoding::Utf8,
        StringEncoding::Utf16,
        StringEncoding::Latin1Utf16,
    ] {
        // Derived store, dynamic load.
        let mut memory = Memory::new(encoding);
        let ptr = memory.allocate("value", T::SIZE, T::ALIGN).unwrap();
        value.store(&mut memory, ty, ptr as usize).unwrap();
        let loaded = Lifter::new(&memory.bytes)
            .with_encoding(encoding)
            .load(ty, ptr)
            .unwrap();
        assert_eq!(loaded, val, "derived store, dynamic load of {ty}");

        // Dynamic store, derived load.
        let mut memory = Memory::new(encoding);
        let ptr = memory.allocate("value", T::SIZE, T::ALIGN).unwrap();
        memory.store(&val, ty, ptr).unwrap();
        let mut lifter = Lifter::new(&memory.bytes).with_encoding(encoding);
        let typed = T::load(&mut lifter, ty, ptr as usize).unwrap();
        assert_eq!(typed, value, "dynamic store, derived load of {ty}");

        // Flat: the derived lowering gives the dynamic one's bits (joined
        // variant slots padded with zeros) and memory, and lifts back.
        let mut derived_memory = Memory::new(encoding);
        let mut slots = [0u128; 64];
        let mut writer = FlatWriter::new(&mut slots);
        value
            .lower_flat(&mut derived_memory, ty, &mut writer)
            .unwrap();
        let written = writer.len();
        assert_eq!(written, T::FLAT, "flat count of {ty}");
        let mut dynamic_memory = Memory::new(encoding);
        let mut flat = Vec::new();
        dynamic_memory.lower_flat(&val, ty, &mut flat).unwrap();
        let bits: Vec<u64> = slots[..written].iter().map(|s| *s as u64).collect();
        assert_eq!(bits, flat, "flat bits of {ty}");
        assert_eq!(derived_memory.bytes, dynamic_memory.bytes, "memory of {ty}");
        let mut lifter = Lifter::new(&derived_memory.bytes).with_encoding(encoding);
        let mut reader = FlatReader::new(&slots[..written]);
        let lifted = T::lift_flat(&mut lifter, ty, &mut reader).unwrap();
        assert_eq!(lifted, value, "derived flat round trip of {ty}");
        // And from the dynamic lowering's values.
        let dynamic_slots: Vec<u128> = flat.iter().map(|&b| u128::from(b)).collect();
        let mut lifter = Lifter::new(&dynamic_memory.bytes).with_encoding(encoding);
        let lifted = T::lift_flat(&mut lifter, ty, &mut FlatReader::new(&dynamic_slots));
        assert_eq!(
            lifted.unwrap(),
            value,
            "dynamic lower, derived lift of {ty}"
        );
    }
}

fn list(element: Type) -> Type {
    Type::List(Box::new(element))
}

fn option(inner: Type) -> Type {
    Type::Option(Box::new(inner))
}

fn record(fields: &[(&str, Type)]) -> Type {
    Type::Record(
        fields
            .iter()
            .map(|(n, t)| (n.to_string(), t.clone()))
            .collect(),
    )
}

fn variant(cases: &[(&str, Option<Type>)]) -> Type {
    Type::Variant(
        cases
            .iter()
            .map(|(n, t)| (n.to_string(), t.clone()))
            .collect(),
    )
}

fn names(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| n.to_string()).collect()
}

fn case(name: &str, payload: Option<Val>) -> Val {
    Val::Variant(name.into(), payload.map(Box::new))
}

// ---- records ---------------------------------------------------------------

#[derive(ComponentType, Lower, Lift, Debug, Clone, PartialEq)]
#[component(record)]
struct Point {
    x: i32,
    y: i32,
}

fn point_type() -> Type {
    record(&[("x", Type::S32), ("y", Type::S32)])
}

fn point_val(x: i32, y: i32) -> Val {
    Val::Record(vec![("x".into(), Val::S32(x)), ("y".into(), Val::S32(y))])
}

/// Fields of every alignment, in an order that leaves padding, with
/// names converted and given.
#[derive(ComponentType, Lower, Lift, Debug, Clone, PartialEq)]
#[component(record)]
struct Mixed {
    tiny: u8,
    big_number: u64,
    half: u16,
    #[component(name = "maybe-ratio")]
    ratio: Option<f32>,
    r#type: (u8, char),
    text: String,
}

fn mixed_type() -> Type {
    record(&[
        ("tiny", Type::U8),
        ("big-number", Type::U64),
        ("half", Type::U16),
        ("maybe-ratio", option(Type::F32)),
        ("type", Type::Tuple(vec![Type::U8, Type::Char])),
        ("text", Type::String),
    ])
}

#[derive(ComponentType, Lower, Lift, Debug, Clone, PartialEq)]
#[component(record)]
struct Person {
    name: String,
    age: u8,
    tags: Vec<String>,
}

fn person_type() -> Type {
    record(&[
        ("name", Type::String),
        ("age", Type::U8),
        ("tags", list(Type::String)),
    ])
}

/// A generic record: each type parameter is bound by the derived trait.
#[derive(ComponentType, Lower, Lift, Debug, Clone, PartialEq)]
#[component(record)]
struct Pair<T> {
    first: T,
    second: T,
}

#[test]
fn records_match_the_dynamic_abi() {
    round_trip(Point { x: -3, y: 7 }, &point_type(), point_val(-3, 7));
    let mixed = Mixed {
        tiny: 255,
        big_number: u64::MAX - 5,
        half: 60000,
        ratio: Some(0.5),
        r#type: (9, 'ß'),
        text: "grüße 😀".into(),
    };
    let mixed_val = Val::Record(vec![
        ("tiny".into(), Val::U8(255)),
        ("big-number".into(), Val::U64(u64::MAX - 5)),
        ("half".into(), Val::U16(60000)),
        (
            "maybe-ratio".into(),
            Val::Option(Some(Box::new(Val::F32(0.5)))),
        ),
        ("type".into(), Val::Tuple(vec![Val::U8(9), Val::Char('ß')])),
        ("text".into(), Val::String("grüße 😀".into())),
    ]);
    round_trip(mixed.clone(), &mixed_type(), mixed_val);
    // Offsets: u8 at 0, u64 at 8, u16 at 16, option<f32> at 20, tuple
    // at 28, string at 36; 44 rounded up to 8.
    assert_eq!((Mixed::SIZE, Mixed::ALIGN, Mixed::FLAT), (48, 8, 9));

    let people = vec![
        Person {
            name: "Ada".into(),
            age: 36,
            tags: vec!["math".into(), "engines".into()],
        },
        Person {
            name: String::new(),
            age: 0,
            tags: vec![],
        },
    ];
    let people_val = Val::List(
        people
            .iter()
            .map(|p| {
                Val::Record(vec![
                    ("name".into(), Val::String(p.name.clone())),
                    ("age".into(), Val::U8(p.age)),
                    (
                        "tags".into(),
                        Val::List(p.tags.iter().map(|t| Val::String(t.clone())).collect()),
                    ),
                ])
            })
            .collect(),
    );
    round_trip(people, &list(person_type()), people_val);

    let ty = record(&[("first", Type::U16), ("second", Type::U16)]);
    let val = Val::Record(vec![
        ("first".into(), Val::U16(1)),
        ("second".into(), Val::U16(2)),
    ]);
    round_trip(
        Pair {
            first: 1u16,
            second: 2,
        },
        &ty,
        val,
    );
    let ty = record(&[("first", Type::String), ("second", Type::String)]);
    let val = Val::Record(vec![
        ("first".into(), Val::String("a".into())),
        ("second".into(), Val::String("b".into())),
    ]);
    round_trip(
        Pair {
            first: "a".to_string(),
            second: "b".to_string(),
        },
        &ty,
        val,
    );
}

// ---- variants and enums ----------------------------------------------------

/// Payloads of every size: none, a byte, eight bytes, two words, a record,
/// a float.
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

fn shape_type() -> Type {
    variant(&[
        ("empty", None),
        ("dot", Some(Type::U8)),
        ("line", Some(Type::U64)),
        ("label", Some(Type::String)),
        ("rect", Some(point_type())),
        ("ratio", Some(Type::F32)),
    ])
}

/// Payloads whose flat types join differently: f32 with i64 and f64, a
/// nested option, a unit payload, and a renamed case.
#[derive(ComponentType, Lower, Lift, Debug, Clone, PartialEq)]
#[component(variant)]
enum Joined {
    Single(f32),
    Wide(i64),
    Double(f64),
    Pair((u8, f64)),
    Nested(Option<Option<u16>>),
    #[component(name = "nothing-at-all")]
    Nothing,
    Shapes(Vec<Shape>),
}

fn joined_type() -> Type {
    variant(&[
        ("single", Some(Type::F32)),
        ("wide", Some(Type::S64)),
        ("double", Some(Type::F64)),
        ("pair", Some(Type::Tuple(vec![Type::U8, Type::F64]))),
        ("nested", Some(option(option(Type::U16)))),
        ("nothing-at-all", None),
        ("shapes", Some(list(shape_type()))),
    ])
}

#[derive(ComponentType, Lower, Lift, Debug, Clone, Copy, PartialEq)]
#[component(enum)]
enum Color {
    Red,
    Green,
    DeepBlue,
}

fn color_type() -> Type {
    Type::Enum(names(&["red", "green", "deep-blue"]))
}

/// A generic variant.
#[derive(ComponentType, Lower, Lift, Debug, Clone, PartialEq)]
#[component(variant)]
enum Either<A, B> {
    Left(A),
    Right(B),
}

#[test]
fn variants_match_the_dynamic_abi() {
    let ty = shape_type();
    let cases = [
        (Shape::Empty, case("empty", None)),
        (Shape::Dot(200), case("dot", Some(Val::U8(200)))),
        (
            Shape::Line(u64::MAX),
            case("line", Some(Val::U64(u64::MAX))),
        ),
        (
            Shape::Label("größe".into()),
            case("label", Some(Val::String("größe".into()))),
        ),
        (
            Shape::Rect(Point { x: -6, y: 4 }),
            case("rect", Some(point_val(-6, 4))),
        ),
        (Shape::Ratio(-0.25), case("ratio", Some(Val::F32(-0.25)))),
    ];
    for (value, val) in cases {
        round_trip(value, &ty, val);
    }
    // The payload at 8 (the u64's alignment), 8 bytes at most.
    assert_eq!((Shape::SIZE, Shape::ALIGN, Shape::FLAT), (16, 8, 3));

    let ty = joined_type();
    let cases = [
        (Joined::Single(1.5), case("single", Some(Val::F32(1.5)))),
        (
            Joined::Wide(i64::MIN),
            case("wide", Some(Val::S64(i64::MIN))),
        ),
        (
            Joined::Double(-2.5e300),
            case("double", Some(Val::F64(-2.5e300))),
        ),
        (
            Joined::Pair((7, 0.125)),
            case("pair", Some(Val::Tuple(vec![Val::U8(7), Val::F64(0.125)]))),
        ),
        (
            Joined::Nested(None),
            case("nested", Some(Val::Option(None))),
        ),
        (
            Joined::Nested(Some(None)),
            case(
                "nested",
                Some(Val::Option(Some(Box::new(Val::Option(None))))),
            ),
        ),
        (
            Joined::Nested(Some(Some(9))),
            case(
                "nested",
                Some(Val::Option(Some(Box::new(Val::Option(Some(Box::new(
                    Val::U16(9),
                ))))))),
            ),
        ),
        (Joined::Nothing, case("nothing-at-all", None)),
        (
            Joined::Shapes(vec![Shape::Dot(1), Shape::Label("x".into()), Shape::Empty]),
            case(
                "shapes",
                Some(Val::List(vec![
                    case("dot", Some(Val::U8(1))),
                    case("label", Some(Val::String("x".into()))),
                    case("empty", None),
                ])),
            ),
        ),
    ];
    for (value, val) in cases {
        round_trip(value, &ty, val);
    }

    let ty = color_type();
    for (value, name) in [
        (Color::Red, "red"),
        (Color::Green, "green"),
        (Color::DeepBlue, "deep-blue"),
    ] {
        round_trip(value, &ty, Val::Enum(name.into()));
    }
    round_trip(
        vec![Color::DeepBlue, Color::Red],
        &list(color_type()),
        Val::List(vec![Val::Enum("deep-blue".into()), Val::Enum("red".into())]),
    );

    let ty = variant(&[("left", Some(Type::U8)), ("right", Some(Type::String))]);
    round_trip(
        Either::<u8, String>::Left(3),
        &ty,
        case("left", Some(Val::U8(3))),
    );
    round_trip(
        Either::<u8, String>::Right("r".into()),
        &ty,
        case("right", Some(Val::String("r".into()))),
    );
}

/// Declares `$name`, an enum with the given cases, and `$variant`, a
/// variant with the same cases and a last one carrying a `u64`.
macro_rules! many_cases {
    ($name:ident, $variant:ident: $($case:ident)*) => {
        #[derive(ComponentType, Lower, Lift, Debug, Clone, Copy, PartialEq)]
        #[component(enum)]
        enum $name {
            $($case,)*
        }

        #[derive(ComponentType, Lower, Lift, Debug, Clone, Copy, PartialEq)]
        #[component(variant)]
        enum $variant {
            $($case,)*
            Last(u64),
        }
    };
}

many_cases!(Many, ManyWithPayload:
    C0 C1 C2 C3 C4 C5 C6 C7 C8 C9 C10 C11 C12 C13 C14 C15 C16 C17 C18 C19 C20 C21 C22 C23 C24
    C25 C26 C27 C28 C29 C30 C31 C32 C33 C34 C35 C36 C37 C38 C39 C40 C41 C42 C43 C44 C45 C46 C47
    C48 C49 C50 C51 C52 C53 C54 C55 C56 C57 C58 C59 C60 C61 C62 C63 C64 C65 C66 C67 C68 C69 C70
    C71 C72 C73 C74 C75 C76 C77 C78 C79 C80 C81 C82 C83 C84 C85 C86 C87 C88 C89 C90 C91 C92 C93
    C94 C95 C96 C97 C98 C99 C100 C101 C102 C103 C104 C105 C106 C107 C108 C109 C110 C111 C112 C113
    C114 C115 C116 C117 C118 C119 C120 C121 C122 C123 C124 C125 C126 C127 C128 C129 C130 C131 C132
    C133 C134 C135 C136 C137 C138 C139 C140 C141 C142 C143 C144 C145 C146 C147 C148 C149 C150 C151
    C152 C153 C154 C155 C156 C157 C158 C159 C160 C161 C162 C163 C164 C165 C166 C167 C168 C169 C170
    C171 C172 C173 C174 C175 C176 C177 C178 C179 C180 C181 C182 C183 C184 C185 C186 C187 C188 C189
    C190 C191 C192 C193 C194 C195 C196 C197 C198 C199 C200 C201 C202 C203 C204 C205 C206 C207 C208
    C209 C210 C211 C212 C213 C214 C215 C216 C217 C218 C219 C220 C221 C222 C223 C224 C225 C226 C227
    C228 C229 C230 C231 C232 C233 C234 C235 C236 C237 C238 C239 C240 C241 C242 C243 C244 C245 C246
    C247 C248 C249 C250 C251 C252 C253 C254 C255 C256
);

#[test]
fn more_than_256_cases_take_a_two_byte_discriminant() {
    let case_names: Vec<String> = (0..257).map(|i| format!("c{i}")).collect();
    let ty = Type::Enum(case_names.clone());
    assert_eq!((Many::SIZE, Many::ALIGN, Many::FLAT), (2, 2, 1));
    round_trip(Many::C0, &ty, Val::Enum("c0".into()));
    round_trip(Many::C256, &ty, Val::Enum("c256".into()));

    let mut cases: Vec<(String, Option<Type>)> =
        case_names.iter().map(|n| (n.clone(), None)).collect();
    cases.push(("last".into(), Some(Type::U64)));
    let ty = Type::Variant(cases);
    // A two-byte discriminant, the payload at 8.
    assert_eq!(
        (
            ManyWithPayload::SIZE,
            ManyWithPayload::ALIGN,
            ManyWithPayload::FLAT
        ),
        (16, 8, 2)
    );
    round_trip(ManyWithPayload::C255, &ty, case("c255", None));
    round_trip(
        ManyWithPayload::Last(1 << 40),
        &ty,
        case("last", Some(Val::U64(1 << 40))),
    );
}

// ---- flags -----------------------------------------------------------------

#[derive(ComponentType, Lower, Lift, Debug, Clone, Copy, PartialEq, Default)]
#[component(flags)]
struct Permissions {
    read: bool,
    write: bool,
    #[component(name = "run")]
    execute: bool,
}

#[derive(ComponentType, Lower, Lift, Debug, Clone, Copy, PartialEq, Default)]
#[component(flags)]
struct Nine {
    b0: bool,
    b1: bool,
    b2: bool,
    b3: bool,
    b4: bool,
    b5: bool,
    b6: bool,
    b7: bool,
    b8: bool,
}

/// Declares a flags struct `$name` with the given fields.
macro_rules! flags_struct {
    ($name:ident: $($field:ident)*) => {
        #[derive(ComponentType, Lower, Lift, Debug, Clone, Copy, PartialEq, Default)]
        #[component(flags)]
        struct $name {
            $($field: bool,)*
        }

        impl $name {
            /// The flags as bits, bit i for the i-th field.
            fn bits(&self) -> u32 {
                let mut bits = 0;
                for (i, set) in [$(self.$field),*].into_iter().enumerate() {
                    bits |= u32::from(set) << i;
                }
                bits
            }

            /// Flags from bits.
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

flags_struct!(Wide:
    w0 w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12 w13 w14 w15
    w16 w17 w18 w19 w20 w21 w22 w23 w24 w25 w26 w27 w28 w29 w30 w31
);

fn flag_val(names: &[&str], bits: u32) -> Val {
    Val::Flags(
        names
            .iter()
            .enumerate()
            .filter(|(i, _)| bits >> i & 1 == 1)
            .map(|(_, n)| n.to_string())
            .collect(),
    )
}

#[test]
fn flags_of_one_two_and_four_bytes() {
    let permission_names = ["read", "write", "run"];
    let ty = Type::Flags(names(&permission_names));
    for bits in 0..8u32 {
        let value = Permissions {
            read: bits & 1 != 0,
            write: bits & 2 != 0,
            execute: bits & 4 != 0,
        };
        round_trip(value, &ty, flag_val(&permission_names, bits));
    }
    assert_eq!((Permissions::SIZE, Permissions::ALIGN), (1, 1));

    let nine_names: Vec<String> = (0..9).map(|i| format!("b{i}")).collect();
    let nine_refs: Vec<&str> = nine_names.iter().map(String::as_str).collect();
    let ty = Type::Flags(nine_names.clone());
    let nine = Nine {
        b0: true,
        b8: true,
        ..Nine::default()
    };
    round_trip(nine, &ty, flag_val(&nine_refs, 0b1_0000_0001));
    round_trip(Nine::default(), &ty, flag_val(&nine_refs, 0));
    assert_eq!((Nine::SIZE, Nine::ALIGN), (2, 2));

    let wide_names: Vec<String> = (0..32).map(|i| format!("w{i}")).collect();
    let wide_refs: Vec<&str> = wide_names.iter().map(String::as_str).collect();
    let ty = Type::Flags(wide_names.clone());
    for bits in [0u32, 1, 1 << 31, 0xdead_beef, u32::MAX] {
        let value = Wide::from_bits(bits);
        assert_eq!(value.bits(), bits);
        round_trip(value, &ty, flag_val(&wide_refs, bits));
    }
    assert_eq!((Wide::SIZE, Wide::ALIGN, Wide::FLAT), (4, 4, 1));
}

// ---- type checks and invalid data ------------------------------------------

#[test]
fn type_mismatches_name_the_field_or_case() {
    let err = Point::typecheck(&record(&[("x", Type::S32), ("z", Type::S32)])).unwrap_err();
    assert_eq!(
        err,
        "record Point { x, y } field 1: expected `y`, found `z`"
    );
    let err = Point::typecheck(&record(&[("x", Type::S32), ("y", Type::U32)])).unwrap_err();
    assert_eq!(err, "field `y`: expected s32, found u32");
    let err = Point::typecheck(&record(&[("x", Type::S32)])).unwrap_err();
    assert_eq!(
        err,
        "expected record Point { x, y }, found record { x: s32 }"
    );
    let err = Point::typecheck(&Type::Tuple(vec![Type::S32, Type::S32])).unwrap_err();
    assert!(err.starts_with("expected record Point"), "{err}");
    // Nested: the path to the difference.
    let ty = list(record(&[
        ("name", Type::String),
        ("age", Type::U16),
        ("tags", list(Type::String)),
    ]));
    let err = <Vec<Person>>::typecheck(&ty).unwrap_err();
    assert_eq!(err, "list element: field `age`: expected u8, found u16");

    let mut cases = match shape_type() {
        Type::Variant(cases) => cases,
        _ => unreachable!(),
    };
    cases[2].1 = Some(Type::U32);
    let err = Shape::typecheck(&Type::Variant(cases.clone())).unwrap_err();
    assert_eq!(err, "case `line`: expected u64, found u32");
    cases[2].1 = None;
    let err = Shape::typecheck(&Type::Variant(cases.clone())).unwrap_err();
    assert_eq!(err, "case `line`: expected a value of u64, found none");
    cases[0].1 = Some(Type::U8);
    let err = Shape::typecheck(&Type::Variant(cases.clone())).unwrap_err();
    assert_eq!(err, "case `empty`: expected no payload, found u8");
    cases[0] = ("nothing".into(), None);
    let err = Shape::typecheck(&Type::Variant(cases)).unwrap_err();
    assert!(
        err.ends_with("case 0: expected `empty`, found `nothing`"),
        "{err}"
    );

    let err = Color::typecheck(&Type::Enum(names(&["red", "green"]))).unwrap_err();
    assert_eq!(
        err,
        "expected enum Color { red, green, deep-blue }, found enum { red, green }"
    );
    let err = Color::typecheck(&Type::Enum(names(&["red", "green", "blue"]))).unwrap_err();
    assert!(err.starts_with("expected enum Color"), "{err}");
    let err =
        Permissions::typecheck(&Type::Flags(names(&["read", "write", "execute"]))).unwrap_err();
    assert_eq!(
        err,
        "expected flags Permissions { read, write, run }, found flags { read, write, execute }"
    );
    assert!(Permissions::typecheck(&color_type()).is_err());
}

#[test]
fn unknown_discriminants_are_refused() {
    let mut memory = Memory::new(StringEncoding::Utf8);
    memory.bytes[16] = 6;
    memory.bytes[32] = 3;
    memory.bytes[48..50].copy_from_slice(&258u16.to_le_bytes());
    let mut lifter = Lifter::new(&memory.bytes);

    let err = Shape::load(&mut lifter, &shape_type(), 16).unwrap_err();
    assert_eq!(err, LiftError::BadDiscriminant { value: 6, cases: 6 });
    let err = Color::load(&mut lifter, &color_type(), 32).unwrap_err();
    assert_eq!(err, LiftError::BadDiscriminant { value: 3, cases: 3 });
    let many = Type::Enum((0..257).map(|i| format!("c{i}")).collect());
    let err = Many::load(&mut lifter, &many, 48).unwrap_err();
    assert_eq!(
        err,
        LiftError::BadDiscriminant {
            value: 258,
            cases: 257
        }
    );

    let slots = [7u128, 0, 0];
    let err = Shape::lift_flat(&mut lifter, &shape_type(), &mut FlatReader::new(&slots));
    assert_eq!(
        err.unwrap_err(),
        LiftError::BadDiscriminant { value: 7, cases: 6 }
    );
    let err = Color::lift_flat(&mut lifter, &color_type(), &mut FlatReader::new(&[3]));
    assert_eq!(
        err.unwrap_err(),
        LiftError::BadDiscriminant { value: 3, cases: 3 }
    );
    // Too few flat values for the joined payload slots.
    let err = Shape::lift_flat(&mut lifter, &shape_type(), &mut FlatReader::new(&[1]));
    assert!(matches!(
        err.unwrap_err(),
        LiftError::MissingFlatValue { .. }
    ));
    // A derived value lowered as another type is an error, not a panic.
    let mut memory = Memory::new(StringEncoding::Utf8);
    let err = Point { x: 1, y: 2 }.store(&mut memory, &Type::U32, 16);
    assert!(matches!(err, Err(LiftError::TypeMismatch { .. })));
    let err = Shape::Dot(1).store(&mut memory, &color_type(), 16);
    assert!(matches!(err, Err(LiftError::TypeMismatch { .. })));
}

// ---- paths -----------------------------------------------------------------

/// A crate that re-exports the runtime.
mod reexport {
    pub use weft_runtime as runtime;
}

/// Derived through `crate = "..."`, in a module where the names the
/// generated code uses (`Result`, `Ok`, `String`, `Option`, `format!`,
/// the traits) mean something else: it names everything by path.
mod hygiene {
    #![allow(dead_code)]

    use super::reexport::runtime::component::{ComponentType, Lift, Lower};

    type Result<T> = std::result::Result<T, ()>;
    struct Ok;
    struct Err;
    struct String;
    struct Some;
    struct None;
    type Option = ();
    type Type = ();
    type LiftError = ();
    #[allow(unused_macros)]
    macro_rules! format {
        ($($t:tt)*) => {
            ()
        };
    }

    #[derive(ComponentType, Lower, Lift, Debug, PartialEq)]
    #[component(record, crate = "super::reexport::runtime")]
    pub struct Record<L> {
        pub cx: L,
        pub ty: u8,
    }

    #[derive(ComponentType, Lower, Lift, Debug, PartialEq)]
    #[component(variant, crate = "super::reexport::runtime")]
    pub enum Variant {
        Ok(u8),
        Err,
    }

    #[derive(ComponentType, Lower, Lift, Debug, PartialEq)]
    #[component(enum, crate = "super::reexport::runtime")]
    pub enum Enum {
        Some,
        None,
    }

    #[derive(ComponentType, Lower, Lift, Debug, PartialEq)]
    #[component(flags, crate = "super::reexport::runtime")]
    pub struct Flags {
        pub ok: bool,
    }
}

#[test]
fn generated_code_names_everything_by_path() {
    let ty = record(&[("cx", Type::U16), ("ty", Type::U8)]);
    let val = Val::Record(vec![("cx".into(), Val::U16(5)), ("ty".into(), Val::U8(6))]);
    round_trip(hygiene::Record { cx: 5u16, ty: 6 }, &ty, val);
    let ty = variant(&[("ok", Some(Type::U8)), ("err", None)]);
    round_trip(hygiene::Variant::Ok(1), &ty, case("ok", Some(Val::U8(1))));
    round_trip(hygiene::Variant::Err, &ty, case("err", None));
    let ty = Type::Enum(names(&["some", "none"]));
    round_trip(hygiene::Enum::None, &ty, Val::Enum("none".into()));
    let ty = Type::Flags(names(&["ok"]));
    round_trip(hygiene::Flags { ok: true }, &ty, flag_val(&["ok"], 1));
}
