//! Strings across the boundary in the three encodings a component may
//! choose (`string-encoding=utf8 | utf16 | latin1+utf16`): where a
//! guest's string lies and how it is read, per CanonicalABI.md
//! `load_string`. Storing strings is in `transcode.rs`.

use super::{checked, LiftError};

/// How a component's strings are encoded in its linear memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StringEncoding {
    /// UTF-8 bytes; the length counts bytes.
    #[default]
    Utf8,
    /// UTF-16LE code units, 2-byte aligned; the length counts code units.
    Utf16,
    /// Latin-1 bytes, or UTF-16LE code units when the length has its top
    /// bit (the UTF-16 tag) set.
    Latin1Utf16,
}

/// The top bit of a latin1+utf16 length: the string is UTF-16.
pub(crate) const UTF16_TAG: u32 = 1 << 31;

/// The longest string, in bytes, the canonical ABI allows.
pub(crate) const MAX_STRING_BYTES: u64 = (1 << 31) - 1;

/// Bytes checked at once for ASCII (with the standard library's
/// optimised check) before falling back to byte-by-byte work.
const ASCII_CHUNK: usize = 4096;

impl StringEncoding {
    /// The alignment of the string's data.
    pub fn align(self) -> u32 {
        match self {
            StringEncoding::Utf8 => 1,
            StringEncoding::Utf16 | StringEncoding::Latin1Utf16 => 2,
        }
    }
}

/// The simple encodings a string's code units may be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Units {
    /// UTF-8 bytes.
    Utf8,
    /// UTF-16LE code units.
    Utf16,
    /// Latin-1 bytes.
    Latin1,
}

impl Units {
    /// Bytes per code unit.
    pub(crate) fn size(self) -> u64 {
        match self {
            Units::Utf16 => 2,
            Units::Utf8 | Units::Latin1 => 1,
        }
    }
}

/// A string as a guest passes it: the address of its code units, its
/// length word (for latin1+utf16, tagged) and its component's encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StringRange {
    /// The address of the code units.
    pub ptr: u32,
    /// The length word.
    pub tagged_len: u32,
    /// The encoding of the component that passes it.
    pub encoding: StringEncoding,
}

impl StringRange {
    /// The encoding of its code units, and how many there are.
    pub(crate) fn units(&self) -> (Units, u32) {
        match self.encoding {
            StringEncoding::Utf8 => (Units::Utf8, self.tagged_len),
            StringEncoding::Utf16 => (Units::Utf16, self.tagged_len),
            StringEncoding::Latin1Utf16 if self.tagged_len & UTF16_TAG != 0 => {
                (Units::Utf16, self.tagged_len ^ UTF16_TAG)
            }
            StringEncoding::Latin1Utf16 => (Units::Latin1, self.tagged_len),
        }
    }

    /// Its length in bytes.
    pub(crate) fn byte_len(&self) -> u64 {
        let (units, count) = self.units();
        u64::from(count) * units.size()
    }

    /// Checks that it is no longer than the canonical ABI allows, aligned
    /// as its encoding requires and inside a memory of `memory` bytes,
    /// returning its offset.
    pub(crate) fn check(&self, memory: usize) -> Result<usize, LiftError> {
        let bytes = self.byte_len();
        if bytes > MAX_STRING_BYTES {
            return Err(LiftError::StringTooLong {
                ptr: self.ptr,
                bytes,
            });
        }
        checked("string", self.ptr, bytes, self.encoding.align(), memory)
    }
}

/// Reads the string of `len` (in the encoding's units) at `ptr`.
pub(crate) fn load(
    memory: &[u8],
    encoding: StringEncoding,
    ptr: u32,
    len: u32,
) -> Result<String, LiftError> {
    let range = StringRange {
        ptr,
        tagged_len: len,
        encoding,
    };
    let at = range.check(memory.len())?;
    let data = &memory[at..at + range.byte_len() as usize];
    match range.units().0 {
        Units::Utf8 => validate_utf8(data, ptr).map(str::to_owned),
        Units::Utf16 => decode_utf16(data, ptr),
        Units::Latin1 => Ok(latin1_to_string(data)),
    }
}

/// `data` as UTF-8 text, or why it is not (the string is at `ptr`).
///
/// Every string a guest hands over is validated, so this is on the path
/// of each string result: SIMD validation (simdutf8) takes a fraction of
/// the time of `std::str::from_utf8` on long strings. Only invalid data
/// is looked at again, by std, for where it goes wrong.
pub(crate) fn validate_utf8(data: &[u8], ptr: u32) -> Result<&str, LiftError> {
    simdutf8::basic::from_utf8(data).map_err(|_| {
        let valid_up_to = std::str::from_utf8(data).map_or_else(|e| e.valid_up_to(), str::len);
        LiftError::InvalidUtf8 {
            ptr,
            len: data.len() as u32,
            valid_up_to,
        }
    })
}

/// The UTF-16LE code units of `data`.
pub(crate) fn utf16_units(data: &[u8]) -> impl Iterator<Item = u16> + '_ {
    data.chunks_exact(2)
        .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
}

/// The characters of UTF-16LE `data` from code unit `start` on, each an
/// error if it is an unpaired surrogate (the string is at `ptr`).
pub(crate) fn utf16_chars(
    data: &[u8],
    start: usize,
    ptr: u32,
) -> impl Iterator<Item = Result<char, LiftError>> + '_ {
    char::decode_utf16(utf16_units(&data[2 * start..])).map(move |c| {
        c.map_err(|e| LiftError::InvalidUtf16 {
            ptr,
            unit: e.unpaired_surrogate(),
        })
    })
}

/// Checks that UTF-16LE `data` holds no unpaired surrogate.
pub(crate) fn validate_utf16(data: &[u8], ptr: u32) -> Result<(), LiftError> {
    utf16_chars(data, 0, ptr).try_for_each(|c| c.map(drop))
}

fn decode_utf16(data: &[u8], ptr: u32) -> Result<String, LiftError> {
    let mut text = String::with_capacity(data.len() / 2);
    for c in utf16_chars(data, 0, ptr) {
        text.push(c?);
    }
    Ok(text)
}

/// Latin-1 `data` as text; runs of ASCII are copied at once.
fn latin1_to_string(data: &[u8]) -> String {
    let mut text = String::with_capacity(data.len());
    for chunk in data.chunks(ASCII_CHUNK) {
        if chunk.is_ascii() {
            text.push_str(std::str::from_utf8(chunk).expect("ASCII is UTF-8"));
        } else {
            text.extend(chunk.iter().map(|b| char::from(*b)));
        }
    }
    text
}

/// How many bytes at the start of `data` are ASCII.
pub(crate) fn ascii_prefix(data: &[u8]) -> usize {
    let mut count = 0;
    for chunk in data.chunks(ASCII_CHUNK) {
        if chunk.is_ascii() {
            count += chunk.len();
        } else {
            return count + chunk.iter().take_while(|b| b.is_ascii()).count();
        }
    }
    count
}

/// A string encoded for a component: the bytes to copy into its memory,
/// the length word to pass, and the alignment of the data.
pub(crate) struct Encoded {
    pub(crate) bytes: Vec<u8>,
    pub(crate) len: u32,
    pub(crate) align: u32,
}

/// Encodes `text` as a component with `encoding` expects it (the shortest
/// form, in one allocation; the canonical ABI's own sequence of `realloc`
/// calls is `transcode::store`).
pub(crate) fn encode(text: &str, encoding: StringEncoding) -> Result<Encoded, LiftError> {
    let too_long = || LiftError::StringTooLong {
        ptr: 0,
        bytes: text.len() as u64,
    };
    let latin1 = encoding == StringEncoding::Latin1Utf16
        && (text.is_ascii() || text.chars().all(|c| c <= '\u{ff}'));
    let (bytes, len) = match encoding {
        StringEncoding::Utf8 => (text.as_bytes().to_vec(), text.len()),
        _ if latin1 => {
            let bytes: Vec<u8> = if text.is_ascii() {
                text.as_bytes().to_vec()
            } else {
                text.chars().map(|c| c as u8).collect()
            };
            let len = bytes.len();
            (bytes, len)
        }
        _ => {
            let bytes: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
            let units = bytes.len() / 2;
            (bytes, units)
        }
    };
    if bytes.len() as u64 > MAX_STRING_BYTES {
        return Err(too_long());
    }
    let mut len = u32::try_from(len).map_err(|_| too_long())?;
    if encoding == StringEncoding::Latin1Utf16 && !latin1 {
        len |= UTF16_TAG;
    }
    Ok(Encoded {
        bytes,
        len,
        align: encoding.align(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_count_bytes_by_encoding_and_tag() {
        let range = |tagged_len, encoding| StringRange {
            ptr: 0,
            tagged_len,
            encoding,
        };
        assert_eq!(range(5, StringEncoding::Utf8).byte_len(), 5);
        assert_eq!(range(5, StringEncoding::Utf16).byte_len(), 10);
        assert_eq!(range(5, StringEncoding::Latin1Utf16).byte_len(), 5);
        let tagged = range(5 | UTF16_TAG, StringEncoding::Latin1Utf16);
        assert_eq!(tagged.units(), (Units::Utf16, 5));
        assert_eq!(tagged.byte_len(), 10);
        let huge = range(0x4000_0000, StringEncoding::Utf16);
        let err = huge.check(usize::MAX).unwrap_err();
        assert!(
            err.to_string().starts_with("string content out-of-bounds"),
            "{err}"
        );
    }

    #[test]
    fn latin1_reads_ascii_runs_and_high_bytes() {
        let mut data = vec![b'a'; ASCII_CHUNK + 3];
        data.push(0xe9);
        data.push(b'z');
        let text = latin1_to_string(&data);
        assert_eq!(text.chars().count(), data.len());
        assert!(text.ends_with("éz"));
        assert_eq!(ascii_prefix(&data), ASCII_CHUNK + 3);
        assert_eq!(ascii_prefix(b"abc"), 3);
    }

    #[test]
    fn unpaired_surrogates_are_refused() {
        let units: Vec<u8> = [0x61u16, 0xd800, 0x62]
            .iter()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        assert!(matches!(
            validate_utf16(&units, 8),
            Err(LiftError::InvalidUtf16 {
                ptr: 8,
                unit: 0xd800
            })
        ));
        let pair: Vec<u8> = [0xd83du16, 0xde00]
            .iter()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        assert!(validate_utf16(&pair, 0).is_ok());
    }
}
