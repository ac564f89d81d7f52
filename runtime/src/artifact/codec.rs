//! The byte encoding of artifacts: little-endian integers and
//! length-prefixed byte strings, read back with every length checked.

use crate::compile::{CodeImage, FuncLocation};
use crate::error::Error;

/// Appends values to a byte buffer.
#[derive(Default)]
pub(crate) struct Writer {
    pub(crate) bytes: Vec<u8>,
}

impl Writer {
    pub(crate) fn u8(&mut self, value: u8) {
        self.bytes.push(value);
    }

    pub(crate) fn u32(&mut self, value: u32) {
        self.bytes.extend_from_slice(&value.to_le_bytes());
    }

    pub(crate) fn u64(&mut self, value: u64) {
        self.bytes.extend_from_slice(&value.to_le_bytes());
    }

    pub(crate) fn len(&mut self, value: usize) {
        self.u64(value as u64);
    }

    /// A length, then the bytes.
    pub(crate) fn bytes(&mut self, value: &[u8]) {
        self.len(value.len());
        self.bytes.extend_from_slice(value);
    }

    pub(crate) fn image(&mut self, image: &CodeImage) {
        self.bytes(&image.bytes);
        for locations in [&image.funcs, &image.array_calls, &image.host_calls] {
            self.len(locations.len());
            for location in locations {
                self.len(location.start);
                self.len(location.len);
            }
        }
        self.len(image.traps.len());
        for &(offset, code) in &image.traps {
            self.u32(offset);
            self.u8(code);
        }
    }
}

/// Reads values back; running out of bytes is an [`Error::Artifact`] naming
/// what was being read.
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes, pos: 0 }
    }

    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], Error> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&end| end <= self.bytes.len())
            .ok_or_else(|| {
                Error::Artifact(format!(
                    "truncated: {what} at byte {} runs past the end",
                    self.pos
                ))
            })?;
        let taken = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(taken)
    }

    pub(crate) fn array<const N: usize>(&mut self, what: &str) -> Result<[u8; N], Error> {
        Ok(self.take(N, what)?.try_into().expect("N bytes"))
    }

    pub(crate) fn u8(&mut self, what: &str) -> Result<u8, Error> {
        Ok(self.take(1, what)?[0])
    }

    pub(crate) fn u32(&mut self, what: &str) -> Result<u32, Error> {
        Ok(u32::from_le_bytes(self.array(what)?))
    }

    pub(crate) fn u64(&mut self, what: &str) -> Result<u64, Error> {
        Ok(u64::from_le_bytes(self.array(what)?))
    }

    /// A length or offset, which must fit in memory.
    pub(crate) fn len(&mut self, what: &str) -> Result<usize, Error> {
        let value = self.u64(what)?;
        usize::try_from(value).map_err(|_| Error::Artifact(format!("{what} {value} is too large")))
    }

    /// A count of items at least `item_size` bytes each: checked against
    /// the bytes left before anything is allocated for them.
    fn count(&mut self, item_size: usize, what: &str) -> Result<usize, Error> {
        let count = self.len(what)?;
        if count.saturating_mul(item_size) > self.bytes.len() - self.pos {
            return Err(Error::Artifact(format!(
                "truncated: {what} {count} at byte {} is more than the bytes left",
                self.pos
            )));
        }
        Ok(count)
    }

    pub(crate) fn bytes(&mut self, what: &str) -> Result<&'a [u8], Error> {
        let len = self.len(what)?;
        self.take(len, what)
    }

    pub(crate) fn image(&mut self) -> Result<CodeImage<'a>, Error> {
        let bytes = self.bytes("code")?.into();
        let mut locations = |what: &str| -> Result<Vec<FuncLocation>, Error> {
            let count = self.count(16, what)?;
            (0..count)
                .map(|_| {
                    Ok(FuncLocation {
                        start: self.len(what)?,
                        len: self.len(what)?,
                    })
                })
                .collect()
        };
        let funcs = locations("function locations")?;
        let array_calls = locations("trampoline locations")?;
        let host_calls = locations("trampoline locations")?;
        let count = self.count(5, "trap sites")?;
        let traps = (0..count)
            .map(|_| Ok((self.u32("trap site")?, self.u8("trap code")?)))
            .collect::<Result<_, Error>>()?;
        Ok(CodeImage {
            bytes,
            funcs,
            array_calls,
            host_calls,
            traps,
        })
    }

    /// Fails if bytes are left over.
    pub(crate) fn finish(self) -> Result<(), Error> {
        if self.pos == self.bytes.len() {
            Ok(())
        } else {
            Err(Error::Artifact(format!(
                "{} unexpected bytes after the end",
                self.bytes.len() - self.pos
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> CodeImage<'static> {
        CodeImage {
            bytes: vec![0xcc; 40].into(),
            funcs: vec![FuncLocation { start: 0, len: 8 }],
            array_calls: vec![FuncLocation { start: 16, len: 8 }],
            host_calls: vec![FuncLocation { start: 32, len: 8 }],
            traps: vec![(3, 1), (17, 2)],
        }
    }

    #[test]
    fn image_round_trips() {
        let mut writer = Writer::default();
        writer.image(&sample());
        writer.u32(7);
        let mut reader = Reader::new(&writer.bytes);
        assert_eq!(reader.image().unwrap(), sample());
        assert_eq!(reader.u32("tail").unwrap(), 7);
        reader.finish().unwrap();
    }

    #[test]
    fn every_truncation_is_an_error() {
        let mut writer = Writer::default();
        writer.image(&sample());
        for len in 0..writer.bytes.len() {
            let err = Reader::new(&writer.bytes[..len]).image().unwrap_err();
            assert!(err.to_string().contains("truncated"), "{len}: {err}");
        }
    }

    #[test]
    fn a_huge_count_is_refused_before_allocating() {
        let mut writer = Writer::default();
        writer.bytes(&[]);
        writer.u64(u64::MAX / 2);
        let err = Reader::new(&writer.bytes).image().unwrap_err();
        assert!(err.to_string().contains("function locations"), "{err}");
    }

    #[test]
    fn leftover_bytes_are_an_error() {
        let reader = Reader::new(&[1, 2, 3]);
        assert!(reader
            .finish()
            .unwrap_err()
            .to_string()
            .contains("3 unexpected bytes"));
    }
}
