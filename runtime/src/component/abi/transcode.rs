//! Storing a string into a component as CanonicalABI.md's `store_string`
//! does: for each pair of source and destination encodings, the same
//! `realloc` calls (a guess at the size, growth to the worst case when the
//! guess fails, a final shrink) with every result checked, so a guest's
//! allocator sees exactly what the spec says it sees.
//!
//! Code units are validated as they are copied, after the first `realloc`
//! (as wasmtime's adapters do), rather than all before it: a string of
//! hundreds of MiB whose destination cannot take it fails at once, and an
//! invalid one still traps before the callee sees it.
//!
//! Where the spec shrinks a `latin1+utf16` string that turned out to be
//! Latin-1 (`store_probably_utf16_to_latin1_or_utf16`), it passes
//! alignment 1 and checks none; weft passes 2 and checks it, as `load_string`
//! requires latin1+utf16 strings to be 2-aligned (and wasmtime does so).

use super::lower::realloc_error;
use super::strings::{
    ascii_prefix, utf16_chars, utf16_units, validate_utf16, validate_utf8, StringEncoding,
    StringRange, Units, MAX_STRING_BYTES, UTF16_TAG,
};
use super::{checked, LiftError};

/// Where a string is stored: the destination component's allocator and
/// memory, and the source string's bytes.
pub(crate) trait StringDest {
    /// The destination's `realloc(old_ptr, old_size, align, new_size)`.
    fn realloc(
        &mut self,
        old_ptr: u32,
        old_size: u32,
        align: u32,
        new_size: u32,
    ) -> Result<u32, LiftError>;

    /// The source string's bytes and the destination's memory, valid
    /// until the next `realloc`.
    fn buffers(&mut self) -> (&[u8], &mut [u8]);
}

/// A string to store: the encoding its component had (for latin1+utf16
/// the tag chose its units), the encoding of its code units, how many
/// there are, and where it was (for error messages).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Source {
    /// The source component's string encoding.
    pub original: StringEncoding,
    /// The encoding of the code units.
    pub units: Units,
    /// How many code units.
    pub count: u32,
    /// The source address.
    pub ptr: u32,
}

impl Source {
    /// A string a guest passed (checked already).
    pub(crate) fn of_range(range: &StringRange) -> Source {
        let (units, count) = range.units();
        Source {
            original: range.encoding,
            units,
            count,
            ptr: range.ptr,
        }
    }
}

/// Stores `src` (whose bytes `dest` gives) encoded as `to`, returning the
/// address and the length word (`store_string_into_range`).
pub(crate) fn store(
    dest: &mut dyn StringDest,
    src: Source,
    to: StringEncoding,
) -> Result<(u32, u32), LiftError> {
    match (to, src.units) {
        (StringEncoding::Utf8, Units::Utf8) => copy(dest, src, 1, 1),
        (StringEncoding::Utf8, Units::Utf16) => to_utf8(dest, src, 3),
        (StringEncoding::Utf8, Units::Latin1) => to_utf8(dest, src, 2),
        (StringEncoding::Utf16, Units::Utf8) => utf8_to_utf16(dest, src),
        (StringEncoding::Utf16, Units::Utf16 | Units::Latin1) => copy(dest, src, 2, 2),
        (StringEncoding::Latin1Utf16, Units::Latin1) => copy(dest, src, 1, 2),
        (StringEncoding::Latin1Utf16, Units::Utf16)
            if src.original == StringEncoding::Latin1Utf16 =>
        {
            probably_utf16_to_latin1_or_utf16(dest, src)
        }
        (StringEncoding::Latin1Utf16, Units::Utf8 | Units::Utf16) => to_latin1_or_utf16(dest, src),
    }
}

/// `bytes`, if a string may be that long.
fn check_size(src: &Source, bytes: u64) -> Result<u32, LiftError> {
    if bytes > MAX_STRING_BYTES {
        return Err(LiftError::StringTooLong {
            ptr: src.ptr,
            bytes,
        });
    }
    Ok(bytes as u32)
}

/// Calls `realloc` and checks its result: aligned to `align`, with `size`
/// bytes inside memory. Returns the address and its offset.
fn allocate(
    dest: &mut dyn StringDest,
    old: (u32, u32),
    align: u32,
    size: u32,
) -> Result<(u32, usize), LiftError> {
    let ptr = dest.realloc(old.0, old.1, align, size)?;
    let memory = dest.buffers().1.len();
    let at = checked("string", ptr, u64::from(size), align, memory).map_err(realloc_error)?;
    Ok((ptr, at))
}

/// Shrinks the allocation at `ptr` from `worst` to `len` bytes, if it is
/// larger.
fn shrink(
    dest: &mut dyn StringDest,
    ptr: u32,
    worst: u32,
    align: u32,
    len: u32,
) -> Result<u32, LiftError> {
    if worst > len {
        Ok(allocate(dest, (ptr, worst), align, len)?.0)
    } else {
        Ok(ptr)
    }
}

/// `store_string_copy`: the destination size is known up front (same
/// encoding, or Latin-1 inflated to UTF-16).
fn copy(
    dest: &mut dyn StringDest,
    src: Source,
    unit: u64,
    align: u32,
) -> Result<(u32, u32), LiftError> {
    let bytes = check_size(&src, u64::from(src.count) * unit)?;
    let (ptr, at) = allocate(dest, (0, 0), align, bytes)?;
    let (from, to) = dest.buffers();
    let out = &mut to[at..at + bytes as usize];
    match (src.units, unit) {
        (Units::Latin1, 2) => {
            for (pair, byte) in out.chunks_exact_mut(2).zip(from) {
                pair[0] = *byte;
                pair[1] = 0;
            }
        }
        (Units::Utf8, _) => out.copy_from_slice(validate_utf8(from, src.ptr)?.as_bytes()),
        (Units::Utf16, _) => {
            validate_utf16(from, src.ptr)?;
            out.copy_from_slice(from);
        }
        (Units::Latin1, _) => out.copy_from_slice(from),
    }
    Ok((ptr, src.count))
}

/// `store_string_to_utf8` (from UTF-16 or Latin-1): one byte per code
/// unit while the text is ASCII; at the first other character, growth to
/// `factor` bytes per code unit, the rest encoded, and a shrink.
fn to_utf8(dest: &mut dyn StringDest, src: Source, factor: u64) -> Result<(u32, u32), LiftError> {
    let n = src.count;
    let (ptr, at) = allocate(dest, (0, 0), 1, n)?;
    let (from, to) = dest.buffers();
    let ascii = narrow_ascii(from, src.units, &mut to[at..at + n as usize]);
    if ascii == n as usize {
        return Ok((ptr, n));
    }
    let worst = check_size(&src, u64::from(n) * factor)?;
    let (ptr, at) = allocate(dest, (ptr, n), 1, worst)?;
    let (from, to) = dest.buffers();
    let out = &mut to[at + ascii..at + worst as usize];
    let mut written = 0;
    for c in chars_from(from, src, ascii) {
        written += c?.encode_utf8(&mut out[written..]).len();
    }
    let len = (ascii + written) as u32;
    Ok((shrink(dest, ptr, worst, 1, len)?, len))
}

/// Copies the ASCII code units at the start of `from` (UTF-16 or Latin-1)
/// into `out` as bytes, returning how many there were.
fn narrow_ascii(from: &[u8], units: Units, out: &mut [u8]) -> usize {
    match units {
        Units::Utf16 => {
            let mut count = 0;
            for (slot, unit) in out.iter_mut().zip(utf16_units(from)) {
                if unit >= 0x80 {
                    break;
                }
                *slot = unit as u8;
                count += 1;
            }
            count
        }
        _ => {
            let count = ascii_prefix(from);
            out[..count].copy_from_slice(&from[..count]);
            count
        }
    }
}

/// The characters of the source from code unit (or byte) `start` on.
fn chars_from<'a>(
    from: &'a [u8],
    src: Source,
    start: usize,
) -> Box<dyn Iterator<Item = Result<char, LiftError>> + 'a> {
    match src.units {
        Units::Utf16 => Box::new(utf16_chars(from, start, src.ptr)),
        Units::Latin1 => Box::new(from[start..].iter().map(|b| Ok(char::from(*b)))),
        Units::Utf8 => match validate_utf8(from, src.ptr) {
            Ok(text) => Box::new(text[start..].chars().map(Ok)),
            Err(err) => Box::new(std::iter::once(Err(err))),
        },
    }
}

/// Writes `chars` as UTF-16LE into `out`, returning the bytes written.
fn write_utf16(
    chars: impl Iterator<Item = Result<char, LiftError>>,
    out: &mut [u8],
) -> Result<usize, LiftError> {
    let mut written = 0;
    let mut buffer = [0u16; 2];
    for c in chars {
        for unit in c?.encode_utf16(&mut buffer) {
            out[written..written + 2].copy_from_slice(&unit.to_le_bytes());
            written += 2;
        }
    }
    Ok(written)
}

/// `store_utf8_to_utf16`: the worst case (two bytes per UTF-8 byte) up
/// front, then a shrink.
fn utf8_to_utf16(dest: &mut dyn StringDest, src: Source) -> Result<(u32, u32), LiftError> {
    let worst = check_size(&src, 2 * u64::from(src.count))?;
    let (ptr, at) = allocate(dest, (0, 0), 2, worst)?;
    let (from, to) = dest.buffers();
    let out = &mut to[at..at + worst as usize];
    let len = write_utf16(chars_from(from, src, 0), out)? as u32;
    Ok((shrink(dest, ptr, worst, 2, len)?, len / 2))
}

/// `store_string_to_latin1_or_utf16` (from UTF-8 or UTF-16): Latin-1
/// while it fits; at the first character past U+00FF, growth to two bytes
/// per code unit, the Latin-1 so far inflated in place, the rest as
/// UTF-16, and a shrink. A string that fit is shrunk to its Latin-1 size.
fn to_latin1_or_utf16(dest: &mut dyn StringDest, src: Source) -> Result<(u32, u32), LiftError> {
    let n = src.count;
    let (ptr, at) = allocate(dest, (0, 0), 2, n)?;
    let (from, to) = dest.buffers();
    let (written, stop) = latin1_prefix(from, src, &mut to[at..at + n as usize])?;
    let Some(stop) = stop else {
        let len = written as u32;
        return Ok((shrink(dest, ptr, n, 2, len)?, len));
    };
    let worst = check_size(&src, 2 * u64::from(n))?;
    let (ptr, at) = allocate(dest, (ptr, n), 2, worst)?;
    let (from, to) = dest.buffers();
    let out = &mut to[at..at + worst as usize];
    for j in (0..written).rev() {
        out[2 * j] = out[j];
        out[2 * j + 1] = 0;
    }
    let rest = write_utf16(chars_from(from, src, stop), &mut out[2 * written..])?;
    let len = (2 * written + rest) as u32;
    Ok((shrink(dest, ptr, worst, 2, len)?, (len / 2) | UTF16_TAG))
}

/// Writes the source's characters as Latin-1 bytes into `out` while they
/// fit, returning how many were written and, if a character did not fit,
/// where it starts in the source (in its code units).
fn latin1_prefix(
    from: &[u8],
    src: Source,
    out: &mut [u8],
) -> Result<(usize, Option<usize>), LiftError> {
    let mut written = 0;
    let mut position = 0;
    if src.units == Units::Utf8 {
        validate_utf8(from, src.ptr)?;
        written = ascii_prefix(from);
        out[..written].copy_from_slice(&from[..written]);
        position = written;
    }
    for c in chars_from(from, src, position) {
        let c = c?;
        if u32::from(c) >= 0x100 {
            return Ok((written, Some(position)));
        }
        out[written] = c as u8;
        written += 1;
        position += match src.units {
            Units::Utf8 => c.len_utf8(),
            _ => 1,
        };
    }
    Ok((written, None))
}

/// `store_probably_utf16_to_latin1_or_utf16` (from latin1+utf16 tagged
/// UTF-16): copied as UTF-16; if every character is Latin-1 after all,
/// deflated in place and shrunk.
fn probably_utf16_to_latin1_or_utf16(
    dest: &mut dyn StringDest,
    src: Source,
) -> Result<(u32, u32), LiftError> {
    let n = src.count;
    let bytes = check_size(&src, 2 * u64::from(n))?;
    let (ptr, at) = allocate(dest, (0, 0), 2, bytes)?;
    let (from, to) = dest.buffers();
    validate_utf16(from, src.ptr)?;
    let out = &mut to[at..at + bytes as usize];
    out.copy_from_slice(from);
    if utf16_units(from).any(|unit| unit >= 0x100) {
        return Ok((ptr, n | UTF16_TAG));
    }
    for i in 0..n as usize {
        out[i] = out[2 * i];
    }
    Ok((shrink(dest, ptr, bytes, 2, n)?, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A destination with a bump allocator that logs every `realloc`
    /// call; the source is `source`.
    struct Log {
        memory: Vec<u8>,
        source: Vec<u8>,
        next: u32,
        calls: Vec<(u32, u32, u32, u32)>,
    }

    impl Log {
        fn new(source: &[u8]) -> Log {
            Log {
                memory: vec![0; 1024],
                source: source.to_vec(),
                next: 16,
                calls: Vec::new(),
            }
        }
    }

    impl StringDest for Log {
        fn realloc(
            &mut self,
            old_ptr: u32,
            old_size: u32,
            align: u32,
            new_size: u32,
        ) -> Result<u32, LiftError> {
            self.calls.push((old_ptr, old_size, align, new_size));
            let ptr = self.next.next_multiple_of(align);
            self.next = ptr + new_size;
            let keep = old_size.min(new_size) as usize;
            self.memory
                .copy_within(old_ptr as usize..old_ptr as usize + keep, ptr as usize);
            Ok(ptr)
        }

        fn buffers(&mut self) -> (&[u8], &mut [u8]) {
            (&self.source, &mut self.memory)
        }
    }

    fn source(units: Units, count: u32, original: StringEncoding) -> Source {
        Source {
            original,
            units,
            count,
            ptr: 0,
        }
    }

    fn stored(log: &Log, (ptr, len): (u32, u32), bytes: usize) -> (Vec<u8>, u32) {
        (log.memory[ptr as usize..ptr as usize + bytes].to_vec(), len)
    }

    #[test]
    fn utf8_to_latin1_or_utf16_shrinks_or_inflates() {
        // "Ë": 2 UTF-8 bytes, 1 Latin-1 byte: allocate 2, shrink to 1.
        let mut log = Log::new("Ë".as_bytes());
        let src = source(Units::Utf8, 2, StringEncoding::Utf8);
        let out = store(&mut log, src, StringEncoding::Latin1Utf16).unwrap();
        assert_eq!(stored(&log, out, 1), (vec![0xcb], 1));
        assert_eq!(log.calls, [(0, 0, 2, 2), (16, 2, 2, 1)]);

        // "Ë┛": 5 bytes; Latin-1 fails at "┛": grow to 10, shrink to 4.
        let mut log = Log::new("Ë┛".as_bytes());
        let src = source(Units::Utf8, 5, StringEncoding::Utf8);
        let out = store(&mut log, src, StringEncoding::Latin1Utf16).unwrap();
        assert_eq!(
            stored(&log, out, 4),
            (vec![0xcb, 0, 0x1b, 0x25], 2 | UTF16_TAG)
        );
        assert_eq!(log.calls, [(0, 0, 2, 5), (16, 5, 2, 10), (22, 10, 2, 4)]);
    }

    #[test]
    fn utf16_to_utf8_grows_at_the_first_non_ascii_character() {
        let units: Vec<u8> = "aÿ".encode_utf16().flat_map(u16::to_le_bytes).collect();
        let mut log = Log::new(&units);
        let src = source(Units::Utf16, 2, StringEncoding::Utf16);
        let out = store(&mut log, src, StringEncoding::Utf8).unwrap();
        assert_eq!(stored(&log, out, 3), ("aÿ".as_bytes().to_vec(), 3));
        assert_eq!(log.calls, [(0, 0, 1, 2), (16, 2, 1, 6), (18, 6, 1, 3)]);
    }

    #[test]
    fn tagged_utf16_of_latin1_characters_is_deflated() {
        let mut log = Log::new(&[0x41, 0, 0x42, 0]);
        let src = source(Units::Utf16, 2, StringEncoding::Latin1Utf16);
        let out = store(&mut log, src, StringEncoding::Latin1Utf16).unwrap();
        assert_eq!(stored(&log, out, 2), (b"AB".to_vec(), 2));
        assert_eq!(log.calls, [(0, 0, 2, 4), (16, 4, 2, 2)]);
    }

    #[test]
    fn utf8_to_utf16_allocates_the_worst_case_then_shrinks() {
        let mut log = Log::new("àà".as_bytes());
        let src = source(Units::Utf8, 4, StringEncoding::Utf8);
        let out = store(&mut log, src, StringEncoding::Utf16).unwrap();
        assert_eq!(stored(&log, out, 4), (vec![0xe0, 0, 0xe0, 0], 2));
        assert_eq!(log.calls, [(0, 0, 2, 8), (16, 8, 2, 4)]);
    }

    #[test]
    fn sizes_past_the_limit_fail_before_any_realloc() {
        let mut log = Log::new(&[]);
        let src = source(Units::Utf8, 0x4000_0000, StringEncoding::Utf8);
        let err = store(&mut log, src, StringEncoding::Utf16).unwrap_err();
        assert!(
            err.to_string().starts_with("string content out-of-bounds"),
            "{err}"
        );
        assert!(log.calls.is_empty());
    }

    #[test]
    fn invalid_source_text_is_refused() {
        let mut log = Log::new(&[0xff]);
        let src = source(Units::Utf8, 1, StringEncoding::Utf8);
        assert!(matches!(
            store(&mut log, src, StringEncoding::Utf8),
            Err(LiftError::InvalidUtf8 { .. })
        ));
    }
}
