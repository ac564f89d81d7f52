//! [`ComponentType`], [`Lower`] and [`Lift`] for the Rust std types with a
//! component counterpart, and for [`Resource`].

use super::{align_to, max, max_count, ComponentType, FlatReader, FlatWriter, Lift, Lower};
use crate::component::abi::{checked, strings, LiftError, Lifter, Lowerer, StringEncoding};
use crate::component::resources::Resource;
use crate::component::types::Type;

fn mismatch(expected: &str, found: &Type) -> String {
    format!("expected {expected}, found {found}")
}

/// The type an absent payload (`()`) is handled with.
static NO_PAYLOAD: Type = Type::Tuple(Vec::new());

fn payload(ty: Option<&Type>) -> &Type {
    ty.unwrap_or(&NO_PAYLOAD)
}

fn bad_discriminant(value: u64, cases: usize) -> LiftError {
    LiftError::BadDiscriminant {
        value: value as u32,
        cases,
    }
}

fn read<const N: usize>(memory: &[u8], at: usize) -> [u8; N] {
    memory[at..at + N]
        .try_into()
        .expect("checked by the caller")
}

fn write(memory: &mut [u8], at: usize, bytes: &[u8]) {
    memory[at..at + bytes.len()].copy_from_slice(bytes);
}

/// Scalars whose flat value and bytes in memory are their bits.
macro_rules! scalars {
    ($($rust:ty => $variant:ident, $name:literal, $size:literal,
        |$v:ident| $to_bits:expr, |$b:ident| $from_bits:expr;)*) => {$(
        impl ComponentType for $rust {
            const SIZE: u32 = $size;
            const ALIGN: u32 = $size;
            const FLAT: usize = 1;

            fn typecheck(ty: &Type) -> Result<(), String> {
                match ty {
                    Type::$variant => Ok(()),
                    other => Err(mismatch($name, other)),
                }
            }
        }

        impl Lower for $rust {
            fn lower_flat<L: Lowerer + ?Sized>(
                &self,
                _: &mut L,
                _: &Type,
                out: &mut FlatWriter<'_>,
            ) -> Result<(), LiftError> {
                let $v = *self;
                out.push($to_bits)
            }

            fn store<L: Lowerer + ?Sized>(
                &self,
                cx: &mut L,
                _: &Type,
                at: usize,
            ) -> Result<(), LiftError> {
                let $v = *self;
                let bits: u64 = $to_bits;
                write(cx.memory(), at, &bits.to_le_bytes()[..$size]);
                Ok(())
            }

            fn store_list<L: Lowerer + ?Sized>(
                items: &[Self],
                cx: &mut L,
                _: &Type,
                at: usize,
            ) -> Result<(), LiftError> {
                let memory = &mut cx.memory()[at..at + items.len() * $size];
                for (bytes, item) in memory.chunks_exact_mut($size).zip(items) {
                    let $v = *item;
                    let bits: u64 = $to_bits;
                    bytes.copy_from_slice(&bits.to_le_bytes()[..$size]);
                }
                Ok(())
            }
        }

        impl Lift for $rust {
            fn lift_flat(
                _: &mut Lifter<'_>,
                _: &Type,
                src: &mut FlatReader<'_>,
            ) -> Result<Self, LiftError> {
                let $b = src.take()?;
                $from_bits
            }

            fn load(cx: &mut Lifter<'_>, _: &Type, at: usize) -> Result<Self, LiftError> {
                let mut word = [0u8; 8];
                word[..$size].copy_from_slice(&cx.memory()[at..at + $size]);
                let $b = u64::from_le_bytes(word);
                $from_bits
            }

            fn load_list(
                cx: &mut Lifter<'_>,
                _: &Type,
                at: usize,
                len: usize,
            ) -> Result<Vec<Self>, LiftError> {
                cx.memory()[at..at + len * $size]
                    .chunks_exact($size)
                    .map(|bytes| {
                        let mut word = [0u8; 8];
                        word[..$size].copy_from_slice(bytes);
                        let $b = u64::from_le_bytes(word);
                        $from_bits
                    })
                    .collect()
            }
        }
    )*};
}

scalars! {
    bool => Bool, "bool", 1, |v| u64::from(v), |b| Ok(b as u32 != 0);
    i8 => S8, "s8", 1, |v| u64::from(v as i32 as u32), |b| Ok(b as i8);
    u8 => U8, "u8", 1, |v| u64::from(v), |b| Ok(b as u8);
    i16 => S16, "s16", 2, |v| u64::from(v as i32 as u32), |b| Ok(b as i16);
    u16 => U16, "u16", 2, |v| u64::from(v), |b| Ok(b as u16);
    i32 => S32, "s32", 4, |v| u64::from(v as u32), |b| Ok(b as i32);
    u32 => U32, "u32", 4, |v| u64::from(v), |b| Ok(b as u32);
    i64 => S64, "s64", 8, |v| v as u64, |b| Ok(b as i64);
    u64 => U64, "u64", 8, |v| v, |b| Ok(b);
    f32 => F32, "f32", 4,
        |v| u64::from(canonical_f32(v).to_bits()),
        |b| Ok(canonical_f32(f32::from_bits(b as u32)));
    f64 => F64, "f64", 8,
        |v| canonical_f64(v).to_bits(),
        |b| Ok(canonical_f64(f64::from_bits(b)));
    char => Char, "char", 4,
        |v| u64::from(u32::from(v)),
        |b| char::from_u32(b as u32).ok_or(LiftError::BadChar { value: b as u32 });
}

/// NaNs cross the boundary as the canonical NaN (CanonicalABI.md).
fn canonical_f32(value: f32) -> f32 {
    if value.is_nan() {
        f32::from_bits(0x7fc0_0000)
    } else {
        value
    }
}

fn canonical_f64(value: f64) -> f64 {
    if value.is_nan() {
        f64::from_bits(0x7ff8_0000_0000_0000)
    } else {
        value
    }
}

// ---- strings ----

impl ComponentType for str {
    const SIZE: u32 = 8;
    const ALIGN: u32 = 4;
    const FLAT: usize = 2;

    fn typecheck(ty: &Type) -> Result<(), String> {
        match ty {
            Type::String => Ok(()),
            other => Err(mismatch("string", other)),
        }
    }
}

/// Copies `text` into the component (encoded as it wants strings),
/// returning the address and length word.
fn store_string<L: Lowerer + ?Sized>(cx: &mut L, text: &str) -> Result<(u32, u32), LiftError> {
    if cx.encoding() == StringEncoding::Utf8 {
        let len = u32::try_from(text.len())
            .ok()
            .filter(|len| *len < 1 << 31)
            .ok_or(LiftError::StringTooLong {
                ptr: 0,
                bytes: text.len() as u64,
            })?;
        let data = cx.allocate("string", len, 1)?;
        write(cx.memory(), data as usize, text.as_bytes());
        return Ok((data, len));
    }
    let encoded = strings::encode(text, cx.encoding())?;
    let data = cx.allocate("string", encoded.bytes.len() as u32, encoded.align)?;
    write(cx.memory(), data as usize, &encoded.bytes);
    Ok((data, encoded.len))
}

fn store_pair<L: Lowerer + ?Sized>(cx: &mut L, at: usize, (data, len): (u32, u32)) {
    let memory = cx.memory();
    write(memory, at, &data.to_le_bytes());
    write(memory, at + 4, &len.to_le_bytes());
}

impl Lower for str {
    fn lower_flat<L: Lowerer + ?Sized>(
        &self,
        cx: &mut L,
        _: &Type,
        out: &mut FlatWriter<'_>,
    ) -> Result<(), LiftError> {
        let (data, len) = store_string(cx, self)?;
        out.push(u64::from(data))?;
        out.push(u64::from(len))
    }

    fn store<L: Lowerer + ?Sized>(&self, cx: &mut L, _: &Type, at: usize) -> Result<(), LiftError> {
        let pair = store_string(cx, self)?;
        store_pair(cx, at, pair);
        Ok(())
    }
}

impl ComponentType for String {
    const SIZE: u32 = 8;
    const ALIGN: u32 = 4;
    const FLAT: usize = 2;

    fn typecheck(ty: &Type) -> Result<(), String> {
        str::typecheck(ty)
    }
}

impl Lower for String {
    fn lower_flat<L: Lowerer + ?Sized>(
        &self,
        cx: &mut L,
        ty: &Type,
        out: &mut FlatWriter<'_>,
    ) -> Result<(), LiftError> {
        self.as_str().lower_flat(cx, ty, out)
    }

    fn store<L: Lowerer + ?Sized>(
        &self,
        cx: &mut L,
        ty: &Type,
        at: usize,
    ) -> Result<(), LiftError> {
        self.as_str().store(cx, ty, at)
    }
}

impl Lift for String {
    fn lift_flat(
        cx: &mut Lifter<'_>,
        _: &Type,
        src: &mut FlatReader<'_>,
    ) -> Result<Self, LiftError> {
        let data = src.take()? as u32;
        let len = src.take()? as u32;
        strings::load(cx.memory(), cx.encoding(), data, len)
    }

    fn load(cx: &mut Lifter<'_>, _: &Type, at: usize) -> Result<Self, LiftError> {
        let data = u32::from_le_bytes(read(cx.memory(), at));
        let len = u32::from_le_bytes(read(cx.memory(), at + 4));
        strings::load(cx.memory(), cx.encoding(), data, len)
    }
}

// ---- lists ----

fn element(ty: &Type) -> &Type {
    match ty {
        Type::List(element) => element,
        _ => &NO_PAYLOAD,
    }
}

impl<T: ComponentType> ComponentType for [T] {
    const SIZE: u32 = 8;
    const ALIGN: u32 = 4;
    const FLAT: usize = 2;

    fn typecheck(ty: &Type) -> Result<(), String> {
        match ty {
            Type::List(element) => T::typecheck(element).map_err(|e| format!("list element: {e}")),
            other => Err(mismatch("list", other)),
        }
    }
}

/// Allocates and fills a list in the component, returning its address
/// and length.
fn store_list<T: Lower, L: Lowerer + ?Sized>(
    cx: &mut L,
    items: &[T],
    ty: &Type,
) -> Result<(u32, u32), LiftError> {
    let too_long = || LiftError::TypeMismatch {
        value: format!(
            "a list of {} elements, too long for 32-bit memory",
            items.len()
        ),
    };
    let len = u32::try_from(items.len()).map_err(|_| too_long())?;
    let bytes = len.checked_mul(T::SIZE).ok_or_else(too_long)?;
    let data = cx.allocate("list", bytes, T::ALIGN)?;
    T::store_list(items, cx, element(ty), data as usize)?;
    Ok((data, len))
}

impl<T: Lower> Lower for [T] {
    fn lower_flat<L: Lowerer + ?Sized>(
        &self,
        cx: &mut L,
        ty: &Type,
        out: &mut FlatWriter<'_>,
    ) -> Result<(), LiftError> {
        let (data, len) = store_list(cx, self, ty)?;
        out.push(u64::from(data))?;
        out.push(u64::from(len))
    }

    fn store<L: Lowerer + ?Sized>(
        &self,
        cx: &mut L,
        ty: &Type,
        at: usize,
    ) -> Result<(), LiftError> {
        let pair = store_list(cx, self, ty)?;
        store_pair(cx, at, pair);
        Ok(())
    }
}

impl<T: ComponentType> ComponentType for Vec<T> {
    const SIZE: u32 = 8;
    const ALIGN: u32 = 4;
    const FLAT: usize = 2;

    fn typecheck(ty: &Type) -> Result<(), String> {
        <[T]>::typecheck(ty)
    }
}

impl<T: Lower> Lower for Vec<T> {
    fn lower_flat<L: Lowerer + ?Sized>(
        &self,
        cx: &mut L,
        ty: &Type,
        out: &mut FlatWriter<'_>,
    ) -> Result<(), LiftError> {
        self.as_slice().lower_flat(cx, ty, out)
    }

    fn store<L: Lowerer + ?Sized>(
        &self,
        cx: &mut L,
        ty: &Type,
        at: usize,
    ) -> Result<(), LiftError> {
        self.as_slice().store(cx, ty, at)
    }
}

fn load_list<T: Lift>(
    cx: &mut Lifter<'_>,
    ty: &Type,
    data: u32,
    len: u32,
) -> Result<Vec<T>, LiftError> {
    let bytes = u64::from(len) * u64::from(T::SIZE);
    let at = checked("list", data, bytes, T::ALIGN, cx.memory().len())?;
    T::load_list(cx, element(ty), at, len as usize)
}

impl<T: Lift> Lift for Vec<T> {
    fn lift_flat(
        cx: &mut Lifter<'_>,
        ty: &Type,
        src: &mut FlatReader<'_>,
    ) -> Result<Self, LiftError> {
        let data = src.take()? as u32;
        let len = src.take()? as u32;
        load_list(cx, ty, data, len)
    }

    fn load(cx: &mut Lifter<'_>, ty: &Type, at: usize) -> Result<Self, LiftError> {
        let data = u32::from_le_bytes(read(cx.memory(), at));
        let len = u32::from_le_bytes(read(cx.memory(), at + 4));
        load_list(cx, ty, data, len)
    }
}

// ---- references ----

impl<T: ComponentType + ?Sized> ComponentType for &T {
    const SIZE: u32 = T::SIZE;
    const ALIGN: u32 = T::ALIGN;
    const FLAT: usize = T::FLAT;

    fn typecheck(ty: &Type) -> Result<(), String> {
        T::typecheck(ty)
    }
}

impl<T: Lower + ?Sized> Lower for &T {
    fn lower_flat<L: Lowerer + ?Sized>(
        &self,
        cx: &mut L,
        ty: &Type,
        out: &mut FlatWriter<'_>,
    ) -> Result<(), LiftError> {
        (**self).lower_flat(cx, ty, out)
    }

    fn store<L: Lowerer + ?Sized>(
        &self,
        cx: &mut L,
        ty: &Type,
        at: usize,
    ) -> Result<(), LiftError> {
        (**self).store(cx, ty, at)
    }
}

// ---- `()`: the absent payload ----

impl ComponentType for () {
    const SIZE: u32 = 0;
    const ALIGN: u32 = 1;
    const FLAT: usize = 0;

    fn typecheck(ty: &Type) -> Result<(), String> {
        Err(format!("expected no value, found {ty}"))
    }

    fn typecheck_payload(ty: Option<&Type>) -> Result<(), String> {
        match ty {
            None => Ok(()),
            Some(ty) => Self::typecheck(ty),
        }
    }
}

impl Lower for () {
    fn lower_flat<L: Lowerer + ?Sized>(
        &self,
        _: &mut L,
        _: &Type,
        _: &mut FlatWriter<'_>,
    ) -> Result<(), LiftError> {
        Ok(())
    }

    fn store<L: Lowerer + ?Sized>(&self, _: &mut L, _: &Type, _: usize) -> Result<(), LiftError> {
        Ok(())
    }
}

impl Lift for () {
    fn lift_flat(_: &mut Lifter<'_>, _: &Type, _: &mut FlatReader<'_>) -> Result<(), LiftError> {
        Ok(())
    }

    fn load(_: &mut Lifter<'_>, _: &Type, _: usize) -> Result<(), LiftError> {
        Ok(())
    }
}

// ---- option ----

impl<T: ComponentType> ComponentType for Option<T> {
    const SIZE: u32 = align_to(align_to(1, T::ALIGN) + T::SIZE, T::ALIGN);
    const ALIGN: u32 = T::ALIGN;
    const FLAT: usize = 1 + T::FLAT;

    fn typecheck(ty: &Type) -> Result<(), String> {
        match ty {
            Type::Option(inner) => T::typecheck(inner).map_err(|e| format!("option payload: {e}")),
            other => Err(mismatch("option", other)),
        }
    }
}

fn option_payload(ty: &Type) -> &Type {
    match ty {
        Type::Option(inner) => inner,
        _ => &NO_PAYLOAD,
    }
}

impl<T: Lower> Lower for Option<T> {
    fn lower_flat<L: Lowerer + ?Sized>(
        &self,
        cx: &mut L,
        ty: &Type,
        out: &mut FlatWriter<'_>,
    ) -> Result<(), LiftError> {
        let start = out.len();
        match self {
            None => out.push(0)?,
            Some(value) => {
                out.push(1)?;
                value.lower_flat(cx, option_payload(ty), out)?;
            }
        }
        out.pad_to(start + Self::FLAT)
    }

    fn store<L: Lowerer + ?Sized>(
        &self,
        cx: &mut L,
        ty: &Type,
        at: usize,
    ) -> Result<(), LiftError> {
        match self {
            None => cx.memory()[at] = 0,
            Some(value) => {
                cx.memory()[at] = 1;
                let offset = align_to(1, T::ALIGN) as usize;
                value.store(cx, option_payload(ty), at + offset)?;
            }
        }
        Ok(())
    }
}

impl<T: Lift> Lift for Option<T> {
    fn lift_flat(
        cx: &mut Lifter<'_>,
        ty: &Type,
        src: &mut FlatReader<'_>,
    ) -> Result<Self, LiftError> {
        let discriminant = src.take()?;
        let mut payload = src.split(T::FLAT)?;
        match discriminant as u32 {
            0 => Ok(None),
            1 => Ok(Some(T::lift_flat(cx, option_payload(ty), &mut payload)?)),
            _ => Err(bad_discriminant(discriminant, 2)),
        }
    }

    fn load(cx: &mut Lifter<'_>, ty: &Type, at: usize) -> Result<Self, LiftError> {
        match cx.memory()[at] {
            0 => Ok(None),
            1 => {
                let offset = align_to(1, T::ALIGN) as usize;
                Ok(Some(T::load(cx, option_payload(ty), at + offset)?))
            }
            other => Err(bad_discriminant(u64::from(other), 2)),
        }
    }
}

// ---- result ----

impl<T: ComponentType, E: ComponentType> ComponentType for Result<T, E> {
    const SIZE: u32 = {
        let align = max(T::ALIGN, E::ALIGN);
        let payload = max(T::SIZE, E::SIZE);
        align_to(align_to(1, align) + payload, align)
    };
    const ALIGN: u32 = max(T::ALIGN, E::ALIGN);
    const FLAT: usize = 1 + max_count(T::FLAT, E::FLAT);

    fn typecheck(ty: &Type) -> Result<(), String> {
        match ty {
            Type::Result { ok, err } => {
                T::typecheck_payload(ok.as_deref()).map_err(|e| format!("result ok: {e}"))?;
                E::typecheck_payload(err.as_deref()).map_err(|e| format!("result error: {e}"))
            }
            other => Err(mismatch("result", other)),
        }
    }
}

fn result_payloads(ty: &Type) -> (&Type, &Type) {
    match ty {
        Type::Result { ok, err } => (payload(ok.as_deref()), payload(err.as_deref())),
        _ => (&NO_PAYLOAD, &NO_PAYLOAD),
    }
}

impl<T: Lower, E: Lower> Lower for Result<T, E> {
    fn lower_flat<L: Lowerer + ?Sized>(
        &self,
        cx: &mut L,
        ty: &Type,
        out: &mut FlatWriter<'_>,
    ) -> Result<(), LiftError> {
        let start = out.len();
        let (ok, err) = result_payloads(ty);
        match self {
            Ok(value) => {
                out.push(0)?;
                value.lower_flat(cx, ok, out)?;
            }
            Err(value) => {
                out.push(1)?;
                value.lower_flat(cx, err, out)?;
            }
        }
        out.pad_to(start + Self::FLAT)
    }

    fn store<L: Lowerer + ?Sized>(
        &self,
        cx: &mut L,
        ty: &Type,
        at: usize,
    ) -> Result<(), LiftError> {
        let (ok, err) = result_payloads(ty);
        let offset = align_to(1, Self::ALIGN) as usize;
        match self {
            Ok(value) => {
                cx.memory()[at] = 0;
                value.store(cx, ok, at + offset)
            }
            Err(value) => {
                cx.memory()[at] = 1;
                value.store(cx, err, at + offset)
            }
        }
    }
}

impl<T: Lift, E: Lift> Lift for Result<T, E> {
    fn lift_flat(
        cx: &mut Lifter<'_>,
        ty: &Type,
        src: &mut FlatReader<'_>,
    ) -> Result<Self, LiftError> {
        let (ok, err) = result_payloads(ty);
        let discriminant = src.take()?;
        let mut payload = src.split(Self::FLAT - 1)?;
        match discriminant as u32 {
            0 => Ok(Ok(T::lift_flat(cx, ok, &mut payload)?)),
            1 => Ok(Err(E::lift_flat(cx, err, &mut payload)?)),
            _ => Err(bad_discriminant(discriminant, 2)),
        }
    }

    fn load(cx: &mut Lifter<'_>, ty: &Type, at: usize) -> Result<Self, LiftError> {
        let (ok, err) = result_payloads(ty);
        let offset = align_to(1, Self::ALIGN) as usize;
        match cx.memory()[at] {
            0 => Ok(Ok(T::load(cx, ok, at + offset)?)),
            1 => Ok(Err(E::load(cx, err, at + offset)?)),
            other => Err(bad_discriminant(u64::from(other), 2)),
        }
    }
}

// ---- tuples ----

fn tuple_fields(ty: &Type) -> &[Type] {
    match ty {
        Type::Tuple(types) => types,
        _ => &[],
    }
}

macro_rules! tuples {
    ($(($($name:ident $index:tt),*))*) => {$(
        #[allow(unused_assignments)]
        impl<$($name: ComponentType),*> ComponentType for ($($name,)*) {
            const SIZE: u32 = {
                let mut size = 0;
                $(size = align_to(size, $name::ALIGN) + $name::SIZE;)*
                align_to(size, <Self as ComponentType>::ALIGN)
            };
            const ALIGN: u32 = {
                let mut align = 1;
                $(align = max(align, $name::ALIGN);)*
                align
            };
            const FLAT: usize = 0 $(+ $name::FLAT)*;

            fn typecheck(ty: &Type) -> Result<(), String> {
                let count = 0 $(+ { let _ = $index; 1 })*;
                match ty {
                    Type::Tuple(types) if types.len() == count => {
                        $(
                            $name::typecheck(&types[$index])
                                .map_err(|e| format!("tuple element {}: {e}", $index))?;
                        )*
                        Ok(())
                    }
                    other => Err(mismatch(&format!("a tuple of {count}"), other)),
                }
            }
        }

        #[allow(unused_assignments)]
        impl<$($name: Lower),*> Lower for ($($name,)*) {
            fn lower_flat<L: Lowerer + ?Sized>(
                &self,
                cx: &mut L,
                ty: &Type,
                out: &mut FlatWriter<'_>,
            ) -> Result<(), LiftError> {
                let fields = tuple_fields(ty);
                $(self.$index.lower_flat(cx, fields.get($index).unwrap_or(&NO_PAYLOAD), out)?;)*
                Ok(())
            }

            fn store<L: Lowerer + ?Sized>(
                &self,
                cx: &mut L,
                ty: &Type,
                at: usize,
            ) -> Result<(), LiftError> {
                let fields = tuple_fields(ty);
                let mut offset = 0;
                $(
                    offset = align_to(offset, $name::ALIGN);
                    let field = fields.get($index).unwrap_or(&NO_PAYLOAD);
                    self.$index.store(cx, field, at + offset as usize)?;
                    offset += $name::SIZE;
                )*
                Ok(())
            }
        }

        #[allow(unused_assignments)]
        impl<$($name: Lift),*> Lift for ($($name,)*) {
            fn lift_flat(
                cx: &mut Lifter<'_>,
                ty: &Type,
                src: &mut FlatReader<'_>,
            ) -> Result<Self, LiftError> {
                let fields = tuple_fields(ty);
                Ok(($($name::lift_flat(cx, fields.get($index).unwrap_or(&NO_PAYLOAD), src)?,)*))
            }

            fn load(cx: &mut Lifter<'_>, ty: &Type, at: usize) -> Result<Self, LiftError> {
                let fields = tuple_fields(ty);
                let mut offset = 0;
                Ok(($({
                    offset = align_to(offset, $name::ALIGN);
                    let field = fields.get($index).unwrap_or(&NO_PAYLOAD);
                    let value = $name::load(cx, field, at + offset as usize)?;
                    offset += $name::SIZE;
                    value
                },)*))
            }
        }
    )*};
}

tuples! {
    (A0 0)
    (A0 0, A1 1)
    (A0 0, A1 1, A2 2)
    (A0 0, A1 1, A2 2, A3 3)
    (A0 0, A1 1, A2 2, A3 3, A4 4)
    (A0 0, A1 1, A2 2, A3 3, A4 4, A5 5)
    (A0 0, A1 1, A2 2, A3 3, A4 4, A5 5, A6 6)
    (A0 0, A1 1, A2 2, A3 3, A4 4, A5 5, A6 6, A7 7)
    (A0 0, A1 1, A2 2, A3 3, A4 4, A5 5, A6 6, A7 7, A8 8)
    (A0 0, A1 1, A2 2, A3 3, A4 4, A5 5, A6 6, A7 7, A8 8, A9 9)
    (A0 0, A1 1, A2 2, A3 3, A4 4, A5 5, A6 6, A7 7, A8 8, A9 9, A10 10)
    (A0 0, A1 1, A2 2, A3 3, A4 4, A5 5, A6 6, A7 7, A8 8, A9 9, A10 10, A11 11)
}

// ---- resources ----

impl ComponentType for Resource {
    const SIZE: u32 = 4;
    const ALIGN: u32 = 4;
    const FLAT: usize = 1;

    fn typecheck(ty: &Type) -> Result<(), String> {
        match ty {
            Type::Own(_) | Type::Borrow(_) => Ok(()),
            other => Err(mismatch("own or borrow", other)),
        }
    }
}

fn lower_handle<L: Lowerer + ?Sized>(
    cx: &mut L,
    resource: Resource,
    ty: &Type,
) -> Result<u32, LiftError> {
    match ty {
        Type::Own(slot) => cx.lower_own(*slot, resource),
        Type::Borrow(slot) => cx.lower_borrow(*slot, resource),
        other => Err(LiftError::TypeMismatch {
            value: format!("a resource passed as {other}"),
        }),
    }
}

impl Lower for Resource {
    fn lower_flat<L: Lowerer + ?Sized>(
        &self,
        cx: &mut L,
        ty: &Type,
        out: &mut FlatWriter<'_>,
    ) -> Result<(), LiftError> {
        let handle = lower_handle(cx, *self, ty)?;
        out.push(u64::from(handle))
    }

    fn store<L: Lowerer + ?Sized>(
        &self,
        cx: &mut L,
        ty: &Type,
        at: usize,
    ) -> Result<(), LiftError> {
        let handle = lower_handle(cx, *self, ty)?;
        write(cx.memory(), at, &handle.to_le_bytes());
        Ok(())
    }
}

impl Lift for Resource {
    fn lift_flat(
        cx: &mut Lifter<'_>,
        ty: &Type,
        src: &mut FlatReader<'_>,
    ) -> Result<Self, LiftError> {
        let handle = src.take()? as u32;
        cx.lift_handle(ty, handle)
    }

    fn load(cx: &mut Lifter<'_>, ty: &Type, at: usize) -> Result<Self, LiftError> {
        let handle = u32::from_le_bytes(read(cx.memory(), at));
        cx.lift_handle(ty, handle)
    }
}
