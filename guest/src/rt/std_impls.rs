//! [`ComponentType`], [`Lift`] and [`Lower`] for the Rust types that stand
//! for WIT's built-in types:
//!
//! | WIT | Rust |
//! |---|---|
//! | `bool`, `u8`..`u64`, `s8`..`s64`, `f32`, `f64`, `char` | the same-named Rust primitives (`i8` for `s8`, ...) |
//! | `string` | `String` |
//! | `list<T>` | `Vec<T>` |
//! | `option<T>` | `Option<T>` |
//! | `result<T, E>` | `Result<T, E>`, `()` for a missing type |
//! | `tuple<A, B, ...>` | `(A, B, ...)` |

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

use super::flat::{FlatReader, FlatWriter};
use super::memory::{address, allocate, free, pointer, read, write};
use super::traits::{ComponentType, Lift, Lower};
use super::{align_to, invalid, max};

/// Whether a number type of canonical size (and alignment) `size` is
/// [`ComponentType::PLAIN`]: on a little-endian target whose Rust layout
/// for it is the canonical one (wasm32 is both).
const fn plain<T>(size: usize) -> bool {
    cfg!(target_endian = "little")
        && core::mem::size_of::<T>() == size
        && core::mem::align_of::<T>() == size
}

/// Integers: stored little-endian at their own width, one `i32` flat value
/// (`i64` for the 64-bit ones), sign- or zero-extended.
macro_rules! integers {
    ($($ty:ty => $size:literal, $to_slot:expr, $from_slot:expr;)*) => {$(
        impl ComponentType for $ty {
            const SIZE: usize = $size;
            const ALIGN: usize = $size;
            const FLAT: usize = 1;
            const PLAIN: bool = plain::<$ty>($size);
        }
        impl Lift for $ty {
            unsafe fn lift_flat(src: &mut FlatReader<'_>) -> Self {
                let from_slot: fn(u64) -> $ty = $from_slot;
                from_slot(src.take())
            }
            unsafe fn load(ptr: *const u8) -> Self {
                // SAFETY: the caller guarantees `SIZE` readable bytes.
                <$ty>::from_le(unsafe { read::<$ty>(ptr) })
            }
        }
        impl Lower for $ty {
            fn lower_flat(self, dst: &mut FlatWriter<'_>) {
                let to_slot: fn($ty) -> u64 = $to_slot;
                dst.push(to_slot(self));
            }
            unsafe fn store(self, ptr: *mut u8) {
                // SAFETY: the caller guarantees `SIZE` writable bytes.
                unsafe { write(ptr, self.to_le()) }
            }
        }
    )*};
}

integers! {
    u8 => 1, |v| u64::from(v), |s| s as u8;
    i8 => 1, |v| u64::from(i32::from(v) as u32), |s| s as u8 as i8;
    u16 => 2, |v| u64::from(v), |s| s as u16;
    i16 => 2, |v| u64::from(i32::from(v) as u32), |s| s as u16 as i16;
    u32 => 4, |v| u64::from(v), |s| s as u32;
    i32 => 4, |v| u64::from(v as u32), |s| s as u32 as i32;
    u64 => 8, |v| v, |s| s;
    i64 => 8, |v| v as u64, |s| s as i64;
}

/// Floats: stored as their bits, flat as `f32`/`f64` (the slot holds the
/// bits). NaNs pass unchanged.
macro_rules! floats {
    ($($ty:ty, $bits:ty => $size:literal;)*) => {$(
        impl ComponentType for $ty {
            const SIZE: usize = $size;
            const ALIGN: usize = $size;
            const FLAT: usize = 1;
            const PLAIN: bool = plain::<$ty>($size);
        }
        impl Lift for $ty {
            unsafe fn lift_flat(src: &mut FlatReader<'_>) -> Self {
                <$ty>::from_bits(src.take() as $bits)
            }
            unsafe fn load(ptr: *const u8) -> Self {
                // SAFETY: the caller guarantees `SIZE` readable bytes.
                <$ty>::from_bits(<$bits>::from_le(unsafe { read::<$bits>(ptr) }))
            }
        }
        impl Lower for $ty {
            fn lower_flat(self, dst: &mut FlatWriter<'_>) {
                dst.push(u64::from(self.to_bits()));
            }
            unsafe fn store(self, ptr: *mut u8) {
                // SAFETY: the caller guarantees `SIZE` writable bytes.
                unsafe { write(ptr, self.to_bits().to_le()) }
            }
        }
    )*};
}

floats! {
    f32, u32 => 4;
    f64, u64 => 8;
}

impl ComponentType for bool {
    const SIZE: usize = 1;
    const ALIGN: usize = 1;
    const FLAT: usize = 1;
}

impl Lift for bool {
    unsafe fn lift_flat(src: &mut FlatReader<'_>) -> Self {
        src.take() as u32 != 0
    }
    unsafe fn load(ptr: *const u8) -> Self {
        // SAFETY: the caller guarantees one readable byte.
        unsafe { read::<u8>(ptr) != 0 }
    }
}

impl Lower for bool {
    fn lower_flat(self, dst: &mut FlatWriter<'_>) {
        dst.push(u64::from(self));
    }
    unsafe fn store(self, ptr: *mut u8) {
        // SAFETY: the caller guarantees one writable byte.
        unsafe { write(ptr, u8::from(self)) }
    }
}

impl ComponentType for char {
    const SIZE: usize = 4;
    const ALIGN: usize = 4;
    const FLAT: usize = 1;
}

fn char_from(code: u32) -> char {
    char::from_u32(code).unwrap_or_else(|| invalid("char", code))
}

impl Lift for char {
    unsafe fn lift_flat(src: &mut FlatReader<'_>) -> Self {
        char_from(src.take() as u32)
    }
    unsafe fn load(ptr: *const u8) -> Self {
        // SAFETY: the caller guarantees four readable bytes.
        char_from(u32::from_le(unsafe { read::<u32>(ptr) }))
    }
}

impl Lower for char {
    fn lower_flat(self, dst: &mut FlatWriter<'_>) {
        dst.push(u64::from(u32::from(self)));
    }
    unsafe fn store(self, ptr: *mut u8) {
        // SAFETY: the caller guarantees four writable bytes.
        unsafe { write(ptr, u32::from(self).to_le()) }
    }
}

/// Reads the (address, length) pair of a string or list stored at `ptr`.
///
/// # Safety
///
/// `ptr` is valid for reading 8 bytes.
unsafe fn load_pair(ptr: *const u8) -> (u32, u32) {
    // SAFETY: guaranteed by the caller.
    unsafe {
        (
            u32::from_le(read::<u32>(ptr)),
            u32::from_le(read::<u32>(ptr.add(4))),
        )
    }
}

/// Writes an (address, length) pair at `ptr`.
///
/// # Safety
///
/// `ptr` is valid for writing 8 bytes.
unsafe fn store_pair(ptr: *mut u8, addr: u32, len: u32) {
    // SAFETY: guaranteed by the caller.
    unsafe {
        write(ptr, addr.to_le());
        write(ptr.add(4), len.to_le());
    }
}

impl ComponentType for String {
    const SIZE: usize = 8;
    const ALIGN: usize = 4;
    const FLAT: usize = 2;
}

/// Takes ownership of the `len` UTF-8 bytes the host put at `addr` (in a
/// block it allocated with `cabi_realloc(0, 0, 1, len)`).
///
/// # Safety
///
/// As [`Lift::lift_flat`]: the block is the guest's to own.
unsafe fn string_from(addr: u32, len: u32) -> String {
    if len == 0 {
        return String::new();
    }
    let len = len as usize;
    // SAFETY: the host allocated exactly `len` bytes with alignment 1
    // through the global allocator, which is what `Vec<u8>` owns.
    let bytes = unsafe { Vec::from_raw_parts(pointer(addr), len, len) };
    String::from_utf8(bytes).unwrap_or_else(|_| invalid("UTF-8 string of length", len as u32))
}

/// Hands `s` over as an (address, length) pair in a block of exactly its
/// length.
fn string_into(s: String) -> (u32, u32) {
    let len = s.len() as u32;
    let leaked: &mut str = Box::leak(s.into_boxed_str());
    (address(leaked.as_ptr()), len)
}

impl Lift for String {
    unsafe fn lift_flat(src: &mut FlatReader<'_>) -> Self {
        let addr = src.take() as u32;
        let len = src.take() as u32;
        // SAFETY: forwarded from the caller.
        unsafe { string_from(addr, len) }
    }
    unsafe fn load(ptr: *const u8) -> Self {
        // SAFETY: forwarded from the caller.
        unsafe {
            let (addr, len) = load_pair(ptr);
            string_from(addr, len)
        }
    }
}

impl Lower for String {
    fn lower_flat(self, dst: &mut FlatWriter<'_>) {
        let (addr, len) = string_into(self);
        dst.push(u64::from(addr));
        dst.push(u64::from(len));
    }
    unsafe fn store(self, ptr: *mut u8) {
        let (addr, len) = string_into(self);
        // SAFETY: the caller guarantees 8 writable bytes.
        unsafe { store_pair(ptr, addr, len) }
    }
    unsafe fn post_return(ptr: *const u8) {
        // SAFETY: `ptr` holds a pair made by `string_into`: a boxed `str`
        // of exactly `len` bytes.
        unsafe {
            let (addr, len) = load_pair(ptr);
            free(pointer(addr), len as usize, 1);
        }
    }
    unsafe fn free_flat(src: &mut FlatReader<'_>) {
        let (addr, len) = (src.take() as u32, src.take() as u32);
        // SAFETY: the pair was made by `string_into`.
        unsafe { free(pointer(addr), len as usize, 1) }
    }
}

impl<T: ComponentType> ComponentType for Vec<T> {
    const SIZE: usize = 8;
    const ALIGN: usize = 4;
    const FLAT: usize = 2;
}

/// Takes the `len` elements the host stored at `addr`, then frees their
/// block.
///
/// # Safety
///
/// As [`Lift::lift_flat`].
unsafe fn list_from<T: Lift>(addr: u32, len: u32) -> Vec<T> {
    let base = pointer(addr);
    let len = len as usize;
    if T::PLAIN && len != 0 {
        // SAFETY: the host allocated `len * T::SIZE` bytes aligned to
        // `T::ALIGN` through the global allocator, which for a plain `T`
        // is the layout of `[T; len]`, and stored valid `T`s there.
        return unsafe { Vec::from_raw_parts(base.cast::<T>(), len, len) };
    }
    let items = (0..len)
        // SAFETY: the host stored `len` elements of `T::SIZE` bytes.
        .map(|i| unsafe { T::load(base.add(i * T::SIZE)) })
        .collect();
    // SAFETY: the host allocated the block with `cabi_realloc(0, 0,
    // T::ALIGN, len * T::SIZE)`; the elements have been moved out.
    unsafe { free(base, len * T::SIZE, T::ALIGN) };
    items
}

/// Stores the elements of `list` in a new block; its address and length.
fn list_into<T: Lower>(list: Vec<T>) -> (u32, u32) {
    let len = list.len();
    if T::PLAIN {
        // A plain `T`'s block is already its canonical form: hand it over
        // at exactly its length, so that `free_list` frees the layout it
        // was allocated with.
        let block: &mut [T] = Box::leak(list.into_boxed_slice());
        return (address(block.as_ptr().cast()), len as u32);
    }
    let base = allocate(len * T::SIZE, T::ALIGN);
    for (i, item) in list.into_iter().enumerate() {
        // SAFETY: the block holds `len` elements of `T::SIZE` bytes.
        unsafe { item.store(base.add(i * T::SIZE)) };
    }
    (address(base), len as u32)
}

/// Frees a list made by [`list_into`]: what its elements own, then its
/// block.
///
/// # Safety
///
/// `addr` and `len` come from [`list_into`] and are not freed before.
unsafe fn free_list<T: Lower>(addr: u32, len: u32) {
    let base = pointer(addr);
    // SAFETY: guaranteed by the caller. A plain list's boxed slice of
    // `len` elements has the layout freed here too; its elements own
    // nothing.
    unsafe {
        if !T::PLAIN {
            for i in 0..len as usize {
                T::post_return(base.add(i * T::SIZE));
            }
        }
        free(base, len as usize * T::SIZE, T::ALIGN);
    }
}

impl<T: Lift> Lift for Vec<T> {
    unsafe fn lift_flat(src: &mut FlatReader<'_>) -> Self {
        let addr = src.take() as u32;
        let len = src.take() as u32;
        // SAFETY: forwarded from the caller.
        unsafe { list_from(addr, len) }
    }
    unsafe fn load(ptr: *const u8) -> Self {
        // SAFETY: forwarded from the caller.
        unsafe {
            let (addr, len) = load_pair(ptr);
            list_from(addr, len)
        }
    }
}

impl<T: Lower> Lower for Vec<T> {
    fn lower_flat(self, dst: &mut FlatWriter<'_>) {
        let (addr, len) = list_into(self);
        dst.push(u64::from(addr));
        dst.push(u64::from(len));
    }
    unsafe fn store(self, ptr: *mut u8) {
        let (addr, len) = list_into(self);
        // SAFETY: the caller guarantees 8 writable bytes.
        unsafe { store_pair(ptr, addr, len) }
    }
    unsafe fn post_return(ptr: *const u8) {
        // SAFETY: `ptr` holds a pair made by `list_into`.
        unsafe {
            let (addr, len) = load_pair(ptr);
            free_list::<T>(addr, len);
        }
    }
    unsafe fn free_flat(src: &mut FlatReader<'_>) {
        let (addr, len) = (src.take() as u32, src.take() as u32);
        // SAFETY: the pair was made by `list_into`.
        unsafe { free_list::<T>(addr, len) }
    }
}

/// Reads a one-byte discriminant (options and results have two cases).
///
/// # Safety
///
/// `ptr` is valid for reading one byte.
unsafe fn load_case(ptr: *const u8) -> u8 {
    // SAFETY: guaranteed by the caller.
    unsafe { read::<u8>(ptr) }
}

impl<T: ComponentType> ComponentType for Option<T> {
    const SIZE: usize = align_to(align_to(1, T::ALIGN) + T::SIZE, max(1, T::ALIGN));
    const ALIGN: usize = max(1, T::ALIGN);
    const FLAT: usize = 1 + T::FLAT;
}

/// Where an option's payload starts.
const fn option_payload<T: ComponentType>() -> usize {
    align_to(1, T::ALIGN)
}

impl<T: Lift> Lift for Option<T> {
    unsafe fn lift_flat(src: &mut FlatReader<'_>) -> Self {
        match src.take() as u32 {
            0 => {
                src.skip(T::FLAT);
                None
            }
            // SAFETY: forwarded from the caller.
            1 => Some(unsafe { T::lift_flat(src) }),
            other => invalid("option discriminant", other),
        }
    }
    unsafe fn load(ptr: *const u8) -> Self {
        // SAFETY: forwarded from the caller; the payload follows the
        // discriminant at `PAYLOAD`.
        unsafe {
            match load_case(ptr) {
                0 => None,
                1 => Some(T::load(ptr.add(option_payload::<T>()))),
                other => invalid("option discriminant", u32::from(other)),
            }
        }
    }
}

impl<T: Lower> Lower for Option<T> {
    fn lower_flat(self, dst: &mut FlatWriter<'_>) {
        match self {
            None => {
                dst.push(0);
                dst.pad(T::FLAT);
            }
            Some(value) => {
                dst.push(1);
                value.lower_flat(dst);
            }
        }
    }
    unsafe fn store(self, ptr: *mut u8) {
        // SAFETY: the caller guarantees `SIZE` writable bytes.
        unsafe {
            match self {
                None => write(ptr, 0u8),
                Some(value) => {
                    write(ptr, 1u8);
                    value.store(ptr.add(option_payload::<T>()));
                }
            }
        }
    }
    unsafe fn post_return(ptr: *const u8) {
        // SAFETY: `ptr` holds a stored option.
        unsafe {
            if load_case(ptr) == 1 {
                T::post_return(ptr.add(option_payload::<T>()));
            }
        }
    }
    unsafe fn free_flat(src: &mut FlatReader<'_>) {
        match src.take() {
            // SAFETY: forwarded from the caller.
            1 => unsafe { T::free_flat(src) },
            _ => src.skip(T::FLAT),
        }
    }
}

impl<T: ComponentType, E: ComponentType> ComponentType for Result<T, E> {
    const SIZE: usize = align_to(
        align_to(1, max(T::ALIGN, E::ALIGN)) + max(T::SIZE, E::SIZE),
        max(1, max(T::ALIGN, E::ALIGN)),
    );
    const ALIGN: usize = max(1, max(T::ALIGN, E::ALIGN));
    const FLAT: usize = 1 + max(T::FLAT, E::FLAT);
}

/// Where a result's payload starts.
const fn result_payload<T: ComponentType, E: ComponentType>() -> usize {
    align_to(1, max(T::ALIGN, E::ALIGN))
}

/// How many flat slots a result's payload takes: the larger case's.
const fn result_payload_flat<T: ComponentType, E: ComponentType>() -> usize {
    max(T::FLAT, E::FLAT)
}

impl<T: Lift, E: Lift> Lift for Result<T, E> {
    unsafe fn lift_flat(src: &mut FlatReader<'_>) -> Self {
        match src.take() as u32 {
            0 => {
                // SAFETY: forwarded from the caller.
                let ok = unsafe { T::lift_flat(src) };
                src.skip(result_payload_flat::<T, E>() - T::FLAT);
                Ok(ok)
            }
            1 => {
                // SAFETY: forwarded from the caller.
                let err = unsafe { E::lift_flat(src) };
                src.skip(result_payload_flat::<T, E>() - E::FLAT);
                Err(err)
            }
            other => invalid("result discriminant", other),
        }
    }
    unsafe fn load(ptr: *const u8) -> Self {
        // SAFETY: forwarded from the caller.
        unsafe {
            match load_case(ptr) {
                0 => Ok(T::load(ptr.add(result_payload::<T, E>()))),
                1 => Err(E::load(ptr.add(result_payload::<T, E>()))),
                other => invalid("result discriminant", u32::from(other)),
            }
        }
    }
}

impl<T: Lower, E: Lower> Lower for Result<T, E> {
    fn lower_flat(self, dst: &mut FlatWriter<'_>) {
        match self {
            Ok(ok) => {
                dst.push(0);
                ok.lower_flat(dst);
                dst.pad(result_payload_flat::<T, E>() - T::FLAT);
            }
            Err(err) => {
                dst.push(1);
                err.lower_flat(dst);
                dst.pad(result_payload_flat::<T, E>() - E::FLAT);
            }
        }
    }
    unsafe fn store(self, ptr: *mut u8) {
        // SAFETY: the caller guarantees `SIZE` writable bytes.
        unsafe {
            match self {
                Ok(ok) => {
                    write(ptr, 0u8);
                    ok.store(ptr.add(result_payload::<T, E>()));
                }
                Err(err) => {
                    write(ptr, 1u8);
                    err.store(ptr.add(result_payload::<T, E>()));
                }
            }
        }
    }
    unsafe fn post_return(ptr: *const u8) {
        // SAFETY: `ptr` holds a stored result.
        unsafe {
            match load_case(ptr) {
                0 => T::post_return(ptr.add(result_payload::<T, E>())),
                _ => E::post_return(ptr.add(result_payload::<T, E>())),
            }
        }
    }
    unsafe fn free_flat(src: &mut FlatReader<'_>) {
        let payload = result_payload_flat::<T, E>();
        match src.take() {
            0 => {
                // SAFETY: forwarded from the caller.
                unsafe { T::free_flat(src) };
                src.skip(payload - T::FLAT);
            }
            _ => {
                // SAFETY: forwarded from the caller.
                unsafe { E::free_flat(src) };
                src.skip(payload - E::FLAT);
            }
        }
    }
}

/// Tuples: records whose fields are named by position. `()` is the empty
/// tuple, standing for a missing `result` payload.
macro_rules! tuples {
    ($(($($t:ident $i:tt),*);)*) => {$(
        impl<$($t: ComponentType),*> ComponentType for ($($t,)*) {
            #[allow(unused_mut)]
            const SIZE: usize = {
                let mut size = 0;
                $(size = align_to(size, $t::ALIGN) + $t::SIZE;)*
                align_to(size, Self::ALIGN)
            };
            const ALIGN: usize = {
                let align = 1;
                $(let align = max(align, $t::ALIGN);)*
                align
            };
            const FLAT: usize = 0 $(+ $t::FLAT)*;
        }

        #[allow(unused_variables, clippy::unused_unit)]
        impl<$($t: Lift),*> Lift for ($($t,)*) {
            #[allow(unused_unsafe)]
            unsafe fn lift_flat(src: &mut FlatReader<'_>) -> Self {
                // SAFETY: forwarded from the caller; fields in order.
                unsafe { ($($t::lift_flat(src),)*) }
            }
            #[allow(unused_assignments, unused_mut)]
            unsafe fn load(ptr: *const u8) -> Self {
                let mut offset = 0;
                ($({
                    offset = align_to(offset, $t::ALIGN);
                    // SAFETY: forwarded from the caller; each field at
                    // its offset, in order.
                    let field = unsafe { $t::load(ptr.add(offset)) };
                    offset += $t::SIZE;
                    field
                },)*)
            }
        }

        #[allow(unused_variables)]
        impl<$($t: Lower),*> Lower for ($($t,)*) {
            fn lower_flat(self, dst: &mut FlatWriter<'_>) {
                $(self.$i.lower_flat(dst);)*
            }
            #[allow(unused_assignments, unused_mut)]
            unsafe fn store(self, ptr: *mut u8) {
                let mut offset = 0;
                $(
                    offset = align_to(offset, $t::ALIGN);
                    // SAFETY: the caller guarantees `SIZE` writable bytes.
                    unsafe { self.$i.store(ptr.add(offset)) };
                    offset += $t::SIZE;
                )*
            }
            #[allow(unused_assignments, unused_mut)]
            unsafe fn post_return(ptr: *const u8) {
                let mut offset = 0;
                $(
                    offset = align_to(offset, $t::ALIGN);
                    // SAFETY: `ptr` holds a stored tuple.
                    unsafe { $t::post_return(ptr.add(offset)) };
                    offset += $t::SIZE;
                )*
            }
            #[allow(unused_unsafe)]
            unsafe fn free_flat(src: &mut FlatReader<'_>) {
                // SAFETY: forwarded from the caller; fields in order.
                unsafe { $($t::free_flat(src);)* }
            }
        }
    )*};
}

tuples! {
    ();
    (A 0);
    (A 0, B 1);
    (A 0, B 1, C 2);
    (A 0, B 1, C 2, D 3);
    (A 0, B 1, C 2, D 3, E 4);
    (A 0, B 1, C 2, D 3, E 4, F 5);
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6);
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8);
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9);
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10);
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11);
}

#[cfg(test)]
mod tests;
