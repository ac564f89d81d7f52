//! Layouts against CanonicalABI.md, worked out by hand, and round trips
//! through memory and flat values for the types that hold no addresses
//! (addresses are 32-bit only on wasm32, where the end-to-end tests run).

use super::*;

fn layout<T: ComponentType>() -> (usize, usize, usize) {
    (T::SIZE, T::ALIGN, T::FLAT)
}

#[test]
fn layouts_match_the_canonical_abi() {
    assert_eq!(layout::<bool>(), (1, 1, 1));
    assert_eq!(layout::<i16>(), (2, 2, 1));
    assert_eq!(layout::<char>(), (4, 4, 1));
    assert_eq!(layout::<f64>(), (8, 8, 1));
    assert_eq!(layout::<String>(), (8, 4, 2));
    assert_eq!(layout::<Vec<u64>>(), (8, 4, 2));
    assert_eq!(layout::<Option<u8>>(), (2, 1, 2));
    assert_eq!(layout::<Option<u64>>(), (16, 8, 2));
    assert_eq!(layout::<Option<String>>(), (12, 4, 3));
    assert_eq!(layout::<Result<(), ()>>(), (1, 1, 1));
    assert_eq!(layout::<Result<(), String>>(), (12, 4, 3));
    assert_eq!(layout::<Result<u8, f64>>(), (16, 8, 2));
    assert_eq!(layout::<()>(), (0, 1, 0));
    assert_eq!(layout::<(u8, u64, u16)>(), (24, 8, 3));
    assert_eq!(layout::<(u8, u16, u8)>(), (6, 2, 3));
}

#[test]
fn only_numbers_are_plain() {
    let numbers = [
        u8::PLAIN,
        i16::PLAIN,
        u32::PLAIN,
        i64::PLAIN,
        f32::PLAIN,
        f64::PLAIN,
    ];
    assert_eq!(numbers, [true; 6]);
    // Any nonzero byte is `true`, and not every `u32` is a `char`.
    let others = [
        bool::PLAIN,
        char::PLAIN,
        String::PLAIN,
        <Vec<u8>>::PLAIN,
        <Option<u8>>::PLAIN,
        <(u32, u32)>::PLAIN,
    ];
    assert_eq!(others, [false; 6]);
}

/// Stores `value` and loads it back, in a buffer aligned to 8.
fn through_memory<T: Lift + Lower + Clone>(value: &T) -> T {
    let mut buffer = [0u64; 8];
    let ptr = buffer.as_mut_ptr().cast::<u8>();
    assert!(T::SIZE <= 64);
    // SAFETY: the buffer holds 64 bytes; `T` owns no memory here.
    unsafe {
        value.clone().store(ptr);
        T::load(ptr)
    }
}

/// Lowers `value` to flat slots and lifts it back.
fn through_flat<T: Lift + Lower + Clone>(value: &T) -> T {
    let mut slots = [0u64; 16];
    let mut writer = FlatWriter::new(&mut slots);
    value.clone().lower_flat(&mut writer);
    assert_eq!(writer.position(), T::FLAT);
    let mut reader = FlatReader::new(&slots);
    // SAFETY: the slots were lowered for `T`, which owns no memory here.
    let back = unsafe { T::lift_flat(&mut reader) };
    assert_eq!(reader.position(), T::FLAT);
    back
}

fn round_trips<T: Lift + Lower + Clone + PartialEq + core::fmt::Debug>(values: &[T]) {
    for value in values {
        assert_eq!(&through_memory(value), value);
        assert_eq!(&through_flat(value), value);
    }
}

#[test]
fn scalars_round_trip() {
    round_trips(&[true, false]);
    round_trips(&[0u8, 7, u8::MAX]);
    round_trips(&[i8::MIN, -1, 0, i8::MAX]);
    round_trips(&[i16::MIN, -2, i16::MAX]);
    round_trips(&[u32::MAX, 1]);
    round_trips(&[i32::MIN, -3]);
    round_trips(&[u64::MAX, 5]);
    round_trips(&[i64::MIN, -4]);
    round_trips(&[1.5f32, -0.0, f32::INFINITY]);
    round_trips(&[2.25f64, f64::MIN_POSITIVE]);
    round_trips(&['a', 'é', '🦀']);
}

#[test]
fn compounds_round_trip() {
    round_trips(&[None, Some(3u8)]);
    round_trips(&[None, Some(u64::MAX)]);
    round_trips(&[Ok::<u8, f64>(4), Err(-1.5)]);
    round_trips(&[Ok::<(), ()>(()), Err(())]);
    round_trips(&[(1u8, u64::MAX, 3u16)]);
    round_trips(&[(Some('x'), Err::<u16, i8>(-7))]);
}

#[test]
fn signed_integers_sign_extend_to_i32() {
    let mut slots = [0u64; 1];
    (-1i8).lower_flat(&mut FlatWriter::new(&mut slots));
    assert_eq!(slots[0], 0xffff_ffff);
}

#[test]
fn variant_payload_slots_are_padded_and_skipped() {
    // `result<u8, tuple<u8, u8>>`: the ok case uses one of the two
    // payload slots; the other is padded.
    let mut slots = [0u64; 3];
    Ok::<u8, (u8, u8)>(9).lower_flat(&mut FlatWriter::new(&mut slots));
    assert_eq!(slots, [0, 9, 0]);
}

#[test]
fn shorter_cases_skip_the_rest_of_the_payload() {
    let slots = [1u64, 5, 6, 42];
    let mut reader = FlatReader::new(&slots);
    // SAFETY: no addresses among the slots.
    let value = unsafe { <(Result<(u8, u8), u8>, u8)>::lift_flat(&mut reader) };
    assert_eq!(value, (Err(5), 42));
}
