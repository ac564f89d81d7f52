//! The typed ABI checked against the dynamic one (which the ABI oracle
//! checks against wit-parser): layouts agree with [`Type::layout`], and a
//! value stored or flattened by one is read back identically by the other.

use super::*;
use crate::component::abi::StringEncoding;
use crate::component::values::Val;

/// A linear memory with a bump allocator.
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

fn boxed(val: Val) -> Option<Box<Val>> {
    Some(Box::new(val))
}

/// Checks `value` (of component type `ty`, equal to `val`) both ways
/// through memory and through flat values, in every string encoding.
fn round_trip<T: Lower + Lift + PartialEq + std::fmt::Debug>(value: T, ty: Type, val: Val) {
    let layout = ty.layout();
    assert_eq!(
        (T::SIZE, T::ALIGN, Some(T::FLAT)),
        (layout.size, layout.align, layout.flat.count()),
        "layout of {ty}"
    );
    T::typecheck(&ty).expect("type checks");
    for encoding in [
        StringEncoding::Utf8,
        StringEncoding::Utf16,
        StringEncoding::Latin1Utf16,
    ] {
        // Typed store, dynamic load.
        let mut memory = Memory::new(encoding);
        let ptr = memory.allocate("value", T::SIZE, T::ALIGN).unwrap();
        value.store(&mut memory, &ty, ptr as usize).unwrap();
        let loaded = Lifter::new(&memory.bytes)
            .with_encoding(encoding)
            .load(&ty, ptr)
            .unwrap();
        assert_eq!(loaded, val, "typed store, dynamic load of {ty}");
        // Dynamic store, typed load.
        let mut memory = Memory::new(encoding);
        let ptr = memory.allocate("value", T::SIZE, T::ALIGN).unwrap();
        memory.store(&val, &ty, ptr).unwrap();
        let bytes = memory.bytes.clone();
        let mut lifter = Lifter::new(&bytes).with_encoding(encoding);
        let typed = T::load(&mut lifter, &ty, ptr as usize).unwrap();
        assert_eq!(typed, value, "dynamic store, typed load of {ty}");
        // Flat: typed lower gives the dynamic lower's bits, and lifts back.
        let mut typed_memory = Memory::new(encoding);
        let mut slots = [0u128; 64];
        let mut writer = FlatWriter::new(&mut slots);
        value
            .lower_flat(&mut typed_memory, &ty, &mut writer)
            .unwrap();
        let written = writer.len();
        let mut dynamic_memory = Memory::new(encoding);
        let mut flat = Vec::new();
        dynamic_memory.lower_flat(&val, &ty, &mut flat).unwrap();
        let typed_bits: Vec<u64> = slots[..written].iter().map(|s| *s as u64).collect();
        assert_eq!(typed_bits, flat, "flat bits of {ty}");
        assert_eq!(typed_memory.bytes, dynamic_memory.bytes, "memory of {ty}");
        let mut lifter = Lifter::new(&typed_memory.bytes).with_encoding(encoding);
        let lifted = T::lift_flat(&mut lifter, &ty, &mut FlatReader::new(&slots[..written]));
        assert_eq!(lifted.unwrap(), value, "flat round trip of {ty}");
    }
}

#[test]
fn scalars() {
    round_trip(true, Type::Bool, Val::Bool(true));
    round_trip(-5i8, Type::S8, Val::S8(-5));
    round_trip(200u8, Type::U8, Val::U8(200));
    round_trip(-300i16, Type::S16, Val::S16(-300));
    round_trip(60000u16, Type::U16, Val::U16(60000));
    round_trip(-70000i32, Type::S32, Val::S32(-70000));
    round_trip(u32::MAX, Type::U32, Val::U32(u32::MAX));
    round_trip(i64::MIN, Type::S64, Val::S64(i64::MIN));
    round_trip(u64::MAX, Type::U64, Val::U64(u64::MAX));
    round_trip(1.5f32, Type::F32, Val::F32(1.5));
    round_trip(-2.25f64, Type::F64, Val::F64(-2.25));
    round_trip('ß', Type::Char, Val::Char('ß'));
}

#[test]
fn strings_and_lists() {
    for text in ["", "ascii", "Grüße", "日本語 🎉"] {
        round_trip(text.to_string(), Type::String, Val::String(text.into()));
    }
    let items = vec![1u32, 2, 3, u32::MAX];
    let val = Val::List(items.iter().map(|v| Val::U32(*v)).collect());
    round_trip(items, Type::List(Box::new(Type::U32)), val);
    let bytes = vec![0u8, 255, 7];
    let val = Val::List(bytes.iter().map(|v| Val::U8(*v)).collect());
    round_trip(bytes, Type::List(Box::new(Type::U8)), val);
    let words = vec!["a".to_string(), String::new(), "ü".into()];
    let val = Val::List(words.iter().map(|w| Val::String(w.clone())).collect());
    round_trip(words, Type::List(Box::new(Type::String)), val);
}

#[test]
fn options_results_and_tuples() {
    let ty = Type::Option(Box::new(Type::U64));
    round_trip(Some(9u64), ty.clone(), Val::Option(boxed(Val::U64(9))));
    round_trip(None::<u64>, ty, Val::Option(None));
    let nested = Type::Option(Box::new(Type::Option(Box::new(Type::U8))));
    round_trip(
        Some(None::<u8>),
        nested.clone(),
        Val::Option(boxed(Val::Option(None))),
    );
    round_trip(
        Some(Some(3u8)),
        nested,
        Val::Option(boxed(Val::Option(boxed(Val::U8(3))))),
    );
    let ty = Type::Result {
        ok: Some(Box::new(Type::String)),
        err: Some(Box::new(Type::F32)),
    };
    round_trip(
        Ok::<String, f32>("ok".into()),
        ty.clone(),
        Val::Result(Ok(boxed(Val::String("ok".into())))),
    );
    round_trip(
        Err::<String, f32>(0.5),
        ty,
        Val::Result(Err(boxed(Val::F32(0.5)))),
    );
    let ty = Type::Result {
        ok: None,
        err: Some(Box::new(Type::U16)),
    };
    round_trip(Ok::<(), u16>(()), ty.clone(), Val::Result(Ok(None)));
    round_trip(Err::<(), u16>(4), ty, Val::Result(Err(boxed(Val::U16(4)))));
    let ty = Type::Result {
        ok: None,
        err: None,
    };
    round_trip(Err::<(), ()>(()), ty, Val::Result(Err(None)));
    let ty = Type::Tuple(vec![
        Type::U8,
        Type::Tuple(vec![Type::U16, Type::F64]),
        Type::Char,
        Type::String,
    ]);
    let val = Val::Tuple(vec![
        Val::U8(1),
        Val::Tuple(vec![Val::U16(2), Val::F64(3.0)]),
        Val::Char('x'),
        Val::String("four".into()),
    ]);
    round_trip((1u8, (2u16, 3.0f64), 'x', "four".to_string()), ty, val);
    let ty = Type::List(Box::new(Type::Option(Box::new(Type::Tuple(vec![
        Type::Bool,
        Type::S64,
    ])))));
    let val = Val::List(vec![
        Val::Option(boxed(Val::Tuple(vec![Val::Bool(true), Val::S64(-1)]))),
        Val::Option(None),
    ]);
    round_trip(vec![Some((true, -1i64)), None], ty, val);
}

#[test]
fn type_mismatches_name_the_difference() {
    let err = <Vec<u32>>::typecheck(&Type::List(Box::new(Type::String))).unwrap_err();
    assert_eq!(err, "list element: expected u32, found string");
    let err = <(u8, bool) as ComponentType>::typecheck(&Type::Tuple(vec![Type::U8])).unwrap_err();
    assert_eq!(err, "expected a tuple of 2, found tuple<u8>");
    let ty = Type::Result {
        ok: Some(Box::new(Type::U8)),
        err: None,
    };
    let err = <Result<u8, String>>::typecheck(&ty).unwrap_err();
    assert_eq!(err, "result error: expected a value of String, found none");
    let params = vec![("a".to_string(), Type::U32), ("b".to_string(), Type::U32)];
    let err = <(u32, &str) as ComponentParams>::typecheck(&params).unwrap_err();
    assert_eq!(err, "parameter `b`: expected string, found u32");
    let err = <(u32,) as ComponentParams>::typecheck(&params).unwrap_err();
    assert_eq!(err, "the function takes 2 parameters, the Rust type 1");
}

#[test]
fn invalid_data_is_an_error() {
    let mut memory = Memory::new(StringEncoding::Utf8);
    memory.bytes[16] = 7;
    let bytes = memory.bytes.clone();
    let mut lifter = Lifter::new(&bytes);
    let ty = Type::Option(Box::new(Type::U8));
    let err = <Option<u8>>::load(&mut lifter, &ty, 16).unwrap_err();
    assert!(matches!(
        err,
        LiftError::BadDiscriminant { value: 7, cases: 2 }
    ));
    let slots = [0xd800u128];
    let err = char::lift_flat(&mut lifter, &Type::Char, &mut FlatReader::new(&slots));
    assert!(matches!(err, Err(LiftError::BadChar { value: 0xd800 })));
    // A list that runs past the end of memory.
    let slots = [0xfff0u128, 100];
    let ty = Type::List(Box::new(Type::U32));
    let err = <Vec<u32>>::lift_flat(&mut lifter, &ty, &mut FlatReader::new(&slots)).unwrap_err();
    assert!(matches!(err, LiftError::OutOfBounds { what: "list", .. }));
    let slots = [2u128, 1];
    let err = <Vec<u32>>::lift_flat(&mut lifter, &ty, &mut FlatReader::new(&slots)).unwrap_err();
    assert!(matches!(err, LiftError::Misaligned { .. }));
}
