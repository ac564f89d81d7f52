//! Strings across the boundary in the three encodings a component may
//! choose (`string-encoding=utf8 | utf16 | latin1+utf16`), per
//! CanonicalABI.md `load_string` / `store_string`.

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
const UTF16_TAG: u32 = 1 << 31;

/// The longest string, in bytes, the canonical ABI allows.
const MAX_STRING_BYTES: u64 = (1 << 31) - 1;

impl StringEncoding {
    /// The alignment of the string's data.
    pub fn align(self) -> u32 {
        match self {
            StringEncoding::Utf8 => 1,
            StringEncoding::Utf16 | StringEncoding::Latin1Utf16 => 2,
        }
    }
}

/// Reads the string of `len` (in the encoding's units) at `ptr`.
pub(crate) fn load(
    memory: &[u8],
    encoding: StringEncoding,
    ptr: u32,
    len: u32,
) -> Result<String, LiftError> {
    let (utf16, units) = match encoding {
        StringEncoding::Utf8 => (false, len),
        StringEncoding::Utf16 => (true, len),
        StringEncoding::Latin1Utf16 if len & UTF16_TAG != 0 => (true, len ^ UTF16_TAG),
        StringEncoding::Latin1Utf16 => (false, len),
    };
    let bytes = if utf16 {
        u64::from(units) * 2
    } else {
        u64::from(units)
    };
    if bytes > MAX_STRING_BYTES {
        return Err(LiftError::StringTooLong { ptr, bytes });
    }
    let at = checked("string", ptr, bytes, encoding.align(), memory.len())?;
    let data = &memory[at..at + bytes as usize];
    match (encoding, utf16) {
        (StringEncoding::Utf8, _) => {
            std::str::from_utf8(data)
                .map(str::to_string)
                .map_err(|e| LiftError::InvalidUtf8 {
                    ptr,
                    len,
                    valid_up_to: e.valid_up_to(),
                })
        }
        (_, true) => {
            let units = data
                .chunks_exact(2)
                .map(|pair| u16::from_le_bytes([pair[0], pair[1]]));
            char::decode_utf16(units)
                .collect::<Result<String, _>>()
                .map_err(|e| LiftError::InvalidUtf16 {
                    ptr,
                    unit: e.unpaired_surrogate(),
                })
        }
        (_, false) => Ok(data.iter().map(|b| char::from(*b)).collect()),
    }
}

/// A string encoded for a component: the bytes to copy into its memory,
/// the length word to pass, and the alignment of the data.
pub(crate) struct Encoded {
    pub(crate) bytes: Vec<u8>,
    pub(crate) len: u32,
    pub(crate) align: u32,
}

/// Encodes `text` as a component with `encoding` expects it.
pub(crate) fn encode(text: &str, encoding: StringEncoding) -> Result<Encoded, LiftError> {
    let too_long = || LiftError::StringTooLong {
        ptr: 0,
        bytes: text.len() as u64,
    };
    let latin1 = encoding == StringEncoding::Latin1Utf16 && text.chars().all(|c| c <= '\u{ff}');
    let (bytes, len) = match encoding {
        StringEncoding::Utf8 => (text.as_bytes().to_vec(), text.len()),
        _ if latin1 => {
            let bytes: Vec<u8> = text.chars().map(|c| c as u8).collect();
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
