//! The canonical ABI for component values: every type round-trips
//! through linear memory and through flat core values, layouts match the
//! spec, and invalid data from a guest is refused with a reason.

use weft_runtime::component::{
    LiftError, LiftHandles, Lifter, Lowerer, Resource, ResourceType, StringEncoding, Type, Val,
};

/// A linear memory with a bump allocator standing in for `cabi_realloc`.
struct Memory {
    bytes: Vec<u8>,
    next: u32,
    /// When set, `realloc` returns this instead (a misbehaving guest).
    bad_pointer: Option<u32>,
    encoding: StringEncoding,
    /// Resources lowered as own handles, by handle.
    handles: Vec<Resource>,
}

impl Memory {
    fn new() -> Memory {
        Memory {
            bytes: vec![0; 1 << 16],
            next: 1024,
            bad_pointer: None,
            encoding: StringEncoding::Utf8,
            handles: Vec::new(),
        }
    }
}

impl Lowerer for Memory {
    fn memory(&mut self) -> &mut [u8] {
        &mut self.bytes
    }
    fn realloc(&mut self, size: u32, align: u32) -> Result<u32, LiftError> {
        if let Some(ptr) = self.bad_pointer {
            return Ok(ptr);
        }
        let ptr = self.next.next_multiple_of(align.max(1));
        self.next = ptr + size;
        Ok(ptr)
    }
    fn encoding(&self) -> StringEncoding {
        self.encoding
    }
    fn lower_own(&mut self, _slot: u32, resource: Resource) -> Result<u32, LiftError> {
        self.handles.push(resource);
        Ok(self.handles.len() as u32)
    }
}

/// Handles lifted back out of a [`Memory`]'s table.
struct Table(Vec<Resource>);

impl LiftHandles for Table {
    fn lift_own(&mut self, _slot: u32, handle: u32) -> Result<Resource, LiftError> {
        self.0
            .get(handle as usize - 1)
            .copied()
            .ok_or_else(|| LiftError::Handle(format!("unknown handle index {handle}")))
    }
    fn lift_borrow(&mut self, slot: u32, handle: u32) -> Result<Resource, LiftError> {
        self.lift_own(slot, handle)
    }
}

fn s(text: &str) -> String {
    text.to_string()
}

fn shape() -> Type {
    Type::Variant(vec![
        (s("circle"), Some(Type::F64)),
        (s("square"), Some(Type::U8)),
        (s("named"), Some(Type::String)),
        (s("none"), None),
    ])
}

fn person() -> Type {
    Type::Record(vec![
        (s("name"), Type::String),
        (s("age"), Type::U8),
        (s("tags"), Type::List(Box::new(Type::String))),
    ])
}

/// One value of every kind of type, nested as guests use them.
fn samples() -> Vec<(Type, Val)> {
    let some = |v: Val| Val::Option(Some(Box::new(v)));
    vec![
        (Type::Bool, Val::Bool(true)),
        (Type::S8, Val::S8(-5)),
        (Type::U8, Val::U8(250)),
        (Type::S16, Val::S16(-30000)),
        (Type::U16, Val::U16(60000)),
        (Type::S32, Val::S32(i32::MIN)),
        (Type::U32, Val::U32(u32::MAX)),
        (Type::S64, Val::S64(i64::MIN + 1)),
        (Type::U64, Val::U64(u64::MAX - 1)),
        (Type::F32, Val::F32(-1.5)),
        (Type::F64, Val::F64(std::f64::consts::PI)),
        (Type::Char, Val::Char('ß')),
        (Type::String, Val::String(s("héllo, wörld"))),
        (
            Type::List(Box::new(Type::U32)),
            Val::List(vec![Val::U32(1), Val::U32(2), Val::U32(3)]),
        ),
        (
            person(),
            Val::Record(vec![
                (s("name"), Val::String(s("Ada"))),
                (s("age"), Val::U8(36)),
                (
                    s("tags"),
                    Val::List(vec![Val::String(s("math")), Val::String(s("engines"))]),
                ),
            ]),
        ),
        (
            Type::List(Box::new(person())),
            Val::List(vec![Val::Record(vec![
                (s("name"), Val::String(s(""))),
                (s("age"), Val::U8(0)),
                (s("tags"), Val::List(vec![])),
            ])]),
        ),
        (
            Type::Tuple(vec![Type::U8, Type::F64, Type::Char]),
            Val::Tuple(vec![Val::U8(1), Val::F64(-0.0), Val::Char('z')]),
        ),
        (
            shape(),
            Val::Variant(s("circle"), Some(Box::new(Val::F64(2.5)))),
        ),
        (
            shape(),
            Val::Variant(s("named"), Some(Box::new(Val::String(s("hex"))))),
        ),
        (shape(), Val::Variant(s("none"), None)),
        (
            Type::Enum(vec![s("red"), s("green")]),
            Val::Enum(s("green")),
        ),
        (
            Type::Option(Box::new(Type::Option(Box::new(Type::U16)))),
            some(Val::Option(None)),
        ),
        (
            Type::Option(Box::new(Type::Option(Box::new(Type::U16)))),
            some(some(Val::U16(7))),
        ),
        (
            Type::Result {
                ok: None,
                err: Some(Box::new(Type::String)),
            },
            Val::Result(Err(Some(Box::new(Val::String(s("no")))))),
        ),
        (
            Type::Result {
                ok: Some(Box::new(Type::U64)),
                err: Some(Box::new(Type::F32)),
            },
            Val::Result(Ok(Some(Box::new(Val::U64(1 << 40))))),
        ),
        (
            Type::Flags((0..20).map(|i| format!("f{i}")).collect()),
            Val::Flags(vec![s("f0"), s("f9"), s("f19")]),
        ),
    ]
}

#[test]
fn every_type_round_trips_through_memory() {
    for (ty, val) in samples() {
        let mut memory = Memory::new();
        let ptr = 64u32.next_multiple_of(ty.layout().align);
        memory
            .store(&val, &ty, ptr)
            .unwrap_or_else(|e| panic!("{ty:?}: {e}"));
        let back = Lifter::new(&memory.bytes).load(&ty, ptr).unwrap();
        assert_eq!(back, val, "{ty:?}");
    }
}

#[test]
fn every_type_round_trips_through_flat_values() {
    for (ty, val) in samples() {
        let mut memory = Memory::new();
        let mut flat = Vec::new();
        memory.lower_flat(&val, &ty, &mut flat).unwrap();
        assert_eq!(Some(flat.len()), ty.layout().flat.count(), "{ty:?}");
        let mut values = flat.into_iter();
        let back = Lifter::new(&memory.bytes)
            .lift_flat(&ty, &mut values)
            .unwrap();
        assert_eq!(back, val, "{ty:?}");
        assert!(
            values.next().is_none(),
            "{ty:?}: every flat value is consumed"
        );
    }
}

#[test]
fn memory_layout_follows_the_spec() {
    // record { a: u8, b: u64, c: u16 }: a @0, b @8, c @16, size 24.
    let ty = Type::Record(vec![
        (s("a"), Type::U8),
        (s("b"), Type::U64),
        (s("c"), Type::U16),
    ]);
    let val = Val::Record(vec![
        (s("a"), Val::U8(0xaa)),
        (s("b"), Val::U64(0x0102_0304_0506_0708)),
        (s("c"), Val::U16(0xbeef)),
    ]);
    let mut memory = Memory::new();
    memory.store(&val, &ty, 0).unwrap();
    assert_eq!(memory.bytes[0], 0xaa);
    assert_eq!(
        &memory.bytes[8..16],
        &0x0102_0304_0506_0708u64.to_le_bytes()
    );
    assert_eq!(&memory.bytes[16..18], &[0xef, 0xbe]);
    assert_eq!(ty.layout().size, 24);

    // option<u16>: discriminant byte, payload at 2.
    let mut memory = Memory::new();
    let ty = Type::Option(Box::new(Type::U16));
    memory
        .store(&Val::Option(Some(Box::new(Val::U16(0x1234)))), &ty, 0)
        .unwrap();
    assert_eq!(&memory.bytes[..4], &[1, 0, 0x34, 0x12]);
}

#[test]
fn variant_payload_slots_are_joined() {
    // variant { a(u8), b(f32), c(u64), d }: [i32 discriminant, i64 slot].
    let ty = Type::Variant(vec![
        (s("a"), Some(Type::U8)),
        (s("b"), Some(Type::F32)),
        (s("c"), Some(Type::U64)),
        (s("d"), None),
    ]);
    let mut memory = Memory::new();
    let mut flat = Vec::new();
    memory
        .lower_flat(
            &Val::Variant(s("b"), Some(Box::new(Val::F32(1.5)))),
            &ty,
            &mut flat,
        )
        .unwrap();
    assert_eq!(flat, vec![1, u64::from(1.5f32.to_bits())]);
    flat.clear();
    memory
        .lower_flat(&Val::Variant(s("d"), None), &ty, &mut flat)
        .unwrap();
    assert_eq!(flat, vec![3, 0], "unused slots are zero");
}

#[test]
fn nan_crosses_as_the_canonical_nan() {
    let mut memory = Memory::new();
    memory.bytes[0..4].copy_from_slice(&0x7fa0_0001u32.to_le_bytes());
    let Val::F32(v) = Lifter::new(&memory.bytes).load(&Type::F32, 0).unwrap() else {
        panic!("an f32");
    };
    assert_eq!(v.to_bits(), 0x7fc0_0000);
    let mut flat = Vec::new();
    memory
        .lower_flat(
            &Val::F64(f64::from_bits(0x7ff0_0000_0000_0001)),
            &Type::F64,
            &mut flat,
        )
        .unwrap();
    assert_eq!(flat, vec![0x7ff8_0000_0000_0000]);
}

/// Writes a (pointer, length) pair at 0 and lifts a `ty` from it.
fn lift_pair(bytes: &mut [u8], ty: &Type, data: u32, len: u32) -> Result<Val, LiftError> {
    bytes[0..4].copy_from_slice(&data.to_le_bytes());
    bytes[4..8].copy_from_slice(&len.to_le_bytes());
    Lifter::new(bytes).load(ty, 0)
}

#[test]
fn invalid_utf8_is_refused_with_its_position() {
    let mut memory = Memory::new();
    memory.bytes[100..104].copy_from_slice(&[b'o', b'k', 0xff, b'!']);
    let err = lift_pair(&mut memory.bytes, &Type::String, 100, 4).unwrap_err();
    assert_eq!(
        err,
        LiftError::InvalidUtf8 {
            ptr: 100,
            len: 4,
            valid_up_to: 2
        }
    );
    assert!(err.to_string().contains("invalid utf-8"), "{err}");
}

#[test]
fn out_of_bounds_and_misaligned_sequences_are_refused() {
    let mut memory = Memory::new();
    let size = memory.bytes.len();
    let err = lift_pair(&mut memory.bytes, &Type::String, size as u32 - 2, 10).unwrap_err();
    assert!(
        matches!(err, LiftError::OutOfBounds { what: "string", .. }),
        "{err}"
    );
    let list = Type::List(Box::new(Type::U32));
    let err = lift_pair(&mut memory.bytes, &list, 0, u32::MAX).unwrap_err();
    assert!(
        matches!(err, LiftError::OutOfBounds { what: "list", .. }),
        "{err}"
    );
    let err = lift_pair(&mut memory.bytes, &list, 102, 1).unwrap_err();
    assert_eq!(
        err,
        LiftError::Misaligned {
            what: "list",
            ptr: 102,
            align: 4
        }
    );
    // A value itself past the end.
    let err = Lifter::new(&memory.bytes)
        .load(&Type::U64, size as u32)
        .unwrap_err();
    assert!(
        matches!(err, LiftError::OutOfBounds { what: "value", .. }),
        "{err}"
    );
}

#[test]
fn unknown_discriminants_and_invalid_chars_are_refused() {
    let mut memory = Memory::new();
    memory.bytes[0] = 4;
    let err = Lifter::new(&memory.bytes).load(&shape(), 0).unwrap_err();
    assert_eq!(err, LiftError::BadDiscriminant { value: 4, cases: 4 });
    let err = Lifter::new(&memory.bytes)
        .lift_flat(
            &Type::Option(Box::new(Type::U8)),
            &mut [2u64, 0].into_iter(),
        )
        .unwrap_err();
    assert_eq!(err, LiftError::BadDiscriminant { value: 2, cases: 2 });
    for bad in [0xd800u32, 0xdfff, 0x11_0000] {
        let err = Lifter::new(&memory.bytes)
            .lift_flat(&Type::Char, &mut [u64::from(bad)].into_iter())
            .unwrap_err();
        assert_eq!(err, LiftError::BadChar { value: bad });
    }
}

#[test]
fn a_bad_pointer_from_realloc_is_refused() {
    for bad in [u32::MAX - 2, 1] {
        let mut memory = Memory::new();
        memory.bad_pointer = Some(bad);
        let val = Val::List(vec![Val::U32(1), Val::U32(2)]);
        let err = memory
            .store(&val, &Type::List(Box::new(Type::U32)), 0)
            .unwrap_err();
        assert!(matches!(err, LiftError::Realloc(_)), "{bad:#x}: {err}");
    }
}

#[test]
fn values_of_the_wrong_type_are_refused() {
    let mut memory = Memory::new();
    let err = memory.store(&Val::U8(1), &Type::String, 0).unwrap_err();
    assert!(matches!(err, LiftError::TypeMismatch { .. }));
    let err = memory
        .store(&Val::Enum(s("blue")), &Type::Enum(vec![s("red")]), 0)
        .unwrap_err();
    assert!(matches!(err, LiftError::TypeMismatch { .. }));
    assert!(!Val::Flags(vec![s("x")]).has_type(&Type::Flags(vec![s("y")])));
}

#[test]
fn records_and_tuples_of_another_shape_are_refused_both_ways() {
    let point = Type::Record(vec![(s("x"), Type::S32), (s("y"), Type::S32)]);
    let field = |name: &str, v: i32| (s(name), Val::S32(v));
    let wrong_records = [
        // A field misnamed, the fields swapped, one missing, one extra.
        Val::Record(vec![field("x", 1), field("z", 2)]),
        Val::Record(vec![field("y", 2), field("x", 1)]),
        Val::Record(vec![field("x", 1)]),
        Val::Record(vec![field("x", 1), field("y", 2), field("z", 3)]),
        Val::Tuple(vec![Val::S32(1), Val::S32(2)]),
    ];
    let pair = Type::Tuple(vec![Type::U8, Type::String]);
    let wrong_tuples = [
        Val::Tuple(vec![Val::U8(1)]),
        Val::Tuple(vec![Val::U8(1), Val::String(s("a")), Val::U8(2)]),
        Val::Record(vec![(s("0"), Val::U8(1)), (s("1"), Val::String(s("a")))]),
    ];
    let cases = wrong_records
        .iter()
        .map(|v| (v, &point))
        .chain(wrong_tuples.iter().map(|v| (v, &pair)));
    for (val, ty) in cases {
        let mut memory = Memory::new();
        let err = memory.store(val, ty, 0).unwrap_err();
        assert!(
            matches!(err, LiftError::TypeMismatch { .. }),
            "{val:?}: {err}"
        );
        let err = memory.lower_flat(val, ty, &mut Vec::new()).unwrap_err();
        assert!(
            matches!(err, LiftError::TypeMismatch { .. }),
            "{val:?}: {err}"
        );
        assert!(!val.has_type(ty), "{val:?}");
    }
    // The right shapes pass, in memory and flat.
    let mut memory = Memory::new();
    let right = Val::Record(vec![field("x", 1), field("y", 2)]);
    memory.store(&right, &point, 0).unwrap();
    memory.lower_flat(&right, &point, &mut Vec::new()).unwrap();
}

#[test]
fn strings_round_trip_in_every_encoding() {
    for encoding in [
        StringEncoding::Utf8,
        StringEncoding::Utf16,
        StringEncoding::Latin1Utf16,
    ] {
        for text in [
            "",
            "plain ascii",
            "caf\u{e9} \u{ff}",
            "\u{1f600} and \u{4e2d}",
        ] {
            let mut memory = Memory::new();
            memory.encoding = encoding;
            let value = Val::String(s(text));
            memory.store(&value, &Type::String, 0).unwrap();
            let back = Lifter::new(&memory.bytes)
                .with_encoding(encoding)
                .load(&Type::String, 0)
                .unwrap();
            assert_eq!(back, value, "{encoding:?}");
        }
    }
    // latin1+utf16 tags a UTF-16 length with the top bit.
    let mut memory = Memory::new();
    memory.encoding = StringEncoding::Latin1Utf16;
    memory
        .store(&Val::String(s("\u{263a}x")), &Type::String, 0)
        .unwrap();
    let len = u32::from_le_bytes(memory.bytes[4..8].try_into().unwrap());
    assert_eq!(len, (1 << 31) | 2);
}

#[test]
fn unpaired_surrogates_are_refused() {
    let mut memory = Memory::new();
    memory.bytes[64..66].copy_from_slice(&0xd800u16.to_le_bytes());
    let mut flat = [64u64, 1].into_iter();
    let err = Lifter::new(&memory.bytes)
        .with_encoding(StringEncoding::Utf16)
        .lift_flat(&Type::String, &mut flat)
        .unwrap_err();
    assert!(
        matches!(err, LiftError::InvalidUtf16 { unit: 0xd800, .. }),
        "{err}"
    );
}

#[test]
fn handles_go_through_the_handle_table() {
    let engine = weft_runtime::Engine::default();
    let mut store = weft_runtime::Store::new(&engine, ());
    let ty = ResourceType::host(&mut store);
    let value = Val::List(vec![
        Val::Own(Resource::new(ty, 7)),
        Val::Own(Resource::new(ty, 9)),
    ]);
    let list = Type::List(Box::new(Type::Own(0)));
    let mut memory = Memory::new();
    memory.store(&value, &list, 0).unwrap();
    let mut table = Table(memory.handles.clone());
    let back = Lifter::new(&memory.bytes)
        .with_handles(&mut table)
        .load(&list, 0)
        .unwrap();
    assert_eq!(back, value);
    // Without a handle table, a handle cannot be lifted.
    let err = Lifter::new(&memory.bytes).load(&list, 0).unwrap_err();
    assert!(matches!(err, LiftError::Handle(_)), "{err}");
}
