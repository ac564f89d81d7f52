//! Precompiled artifacts: a module's or component's compiled code saved so
//! that another process loads it without compiling again
//! ([`crate::Module::serialize`], [`crate::component::Component::serialize`]
//! and their `deserialize`), and the on-disk cache built on them
//! ([`crate::Config::cache_dir`]).
//!
//! An artifact is
//!
//! ```text
//! magic      8 bytes   "\0weftbin"
//! format     u32       FORMAT
//! kind       u8        1 module, 2 component
//! fingerprint bytes    the engine's (see `fingerprint`)
//! payload    bytes     the wasm binary, then the code image of each core
//!                      module in the order they appear in it
//! checksum   u64       `checksum::of` everything before it
//! ```
//!
//! integers little-endian, `bytes` a u64 length then the bytes. The wasm
//! is kept because instantiation reads it (segments, the component's
//! structure); it is validated again on load, function bodies excepted.
//! The checksum and the fingerprint catch accidents (a truncated file,
//! another weft build, another CPU, other settings), not malice: machine
//! code cannot be checked, so loading an artifact trusts its source.

mod cache;
mod checksum;
mod codec;
pub(crate) mod fingerprint;

pub(crate) use cache::Cache;

use sha2::{Digest, Sha256};

use crate::compile::CodeImage;
use crate::engine::Engine;
use crate::error::Error;
use codec::{Reader, Writer};

const MAGIC: &[u8; 8] = b"\0weftbin";

/// Bumped whenever the layout above changes.
const FORMAT: u32 = 1;

/// What an artifact holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A core module ([`crate::Module::serialize`]).
    Module = 1,
    /// A component ([`crate::component::Component::serialize`]).
    Component = 2,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Module => "core module",
            Kind::Component => "component",
        }
    }
}

/// An artifact's contents, borrowing the wasm from its bytes.
pub(crate) struct Artifact<'a> {
    pub(crate) wasm: &'a [u8],
    /// The code of each core module, in order.
    pub(crate) images: Vec<CodeImage<'a>>,
}

/// Encodes an artifact of `kind` for `engine`.
pub(crate) fn encode(
    engine: &Engine,
    kind: Kind,
    wasm: &[u8],
    images: &[CodeImage<'_>],
) -> Vec<u8> {
    let mut out = Writer::default();
    out.bytes.extend_from_slice(MAGIC);
    out.u32(FORMAT);
    out.u8(kind as u8);
    out.bytes(engine.fingerprint().as_bytes());
    // The payload's length, filled in once the payload is written.
    let length_at = out.bytes.len();
    out.u64(0);
    out.bytes(wasm);
    out.len(images.len());
    for image in images {
        out.image(image);
    }
    let payload_len = (out.bytes.len() - length_at - 8) as u64;
    out.bytes[length_at..length_at + 8].copy_from_slice(&payload_len.to_le_bytes());
    let checksum = checksum::of(&out.bytes);
    out.u64(checksum);
    out.bytes
}

/// Whether `bytes` start like an artifact (of any kind or format).
pub fn is_artifact(bytes: &[u8]) -> bool {
    bytes.starts_with(MAGIC)
}

/// What the artifact `bytes` holds, read from its header; `None` if it is
/// not an artifact of this format (loading it says why).
pub fn artifact_kind(bytes: &[u8]) -> Option<Kind> {
    let header = bytes.get(..MAGIC.len() + 5)?;
    if !is_artifact(bytes) || header[MAGIC.len()..MAGIC.len() + 4] != FORMAT.to_le_bytes() {
        return None;
    }
    [Kind::Module, Kind::Component]
        .into_iter()
        .find(|kind| *kind as u8 == header[MAGIC.len() + 4])
}

/// Decodes an artifact of `kind` made for an engine like `engine`: every
/// check but the machine code's.
pub(crate) fn decode<'a>(
    engine: &Engine,
    kind: Kind,
    bytes: &'a [u8],
) -> Result<Artifact<'a>, Error> {
    if !is_artifact(bytes) {
        return Err(Error::Artifact(if bytes.starts_with(b"\0asm") {
            "this is a wasm binary, not a precompiled artifact".into()
        } else {
            "not a weft artifact (no \"\\0weftbin\" at the start)".into()
        }));
    }
    let mut reader = Reader::new(&bytes[MAGIC.len()..]);
    let format = reader.u32("format")?;
    if format != FORMAT {
        return Err(Error::Artifact(format!(
            "artifact format {format}; this weft reads format {FORMAT}"
        )));
    }
    let checked = bytes
        .len()
        .checked_sub(8)
        .filter(|&end| end >= MAGIC.len() + 4);
    let intact =
        checked.is_some_and(|end| checksum::of(&bytes[..end]).to_le_bytes() == bytes[end..]);
    if !intact {
        return Err(Error::Artifact(
            "damaged or truncated: the checksum does not match".into(),
        ));
    }
    let mut reader = Reader::new(&bytes[MAGIC.len() + 4..bytes.len() - 8]);
    let found = reader.u8("kind")?;
    if found != kind as u8 {
        let found = [Kind::Module, Kind::Component]
            .into_iter()
            .find(|k| *k as u8 == found)
            .map_or("unknown", Kind::name);
        return Err(Error::Artifact(format!(
            "this is a {found} artifact, not a {} one",
            kind.name()
        )));
    }
    let theirs = std::str::from_utf8(reader.bytes("fingerprint")?)
        .map_err(|_| Error::Artifact("the fingerprint is not text".into()))?;
    if let Some(why) = fingerprint::mismatch(engine.fingerprint(), theirs) {
        return Err(Error::Artifact(format!(
            "made for another engine or weft build: {why}; compile the wasm again"
        )));
    }
    let payload = reader.bytes("payload")?;
    reader.finish()?;
    let mut reader = Reader::new(payload);
    let wasm = reader.bytes("wasm")?;
    let count = reader.len("module count")?;
    let mut images = Vec::new();
    for _ in 0..count {
        images.push(reader.image()?);
    }
    reader.finish()?;
    Ok(Artifact { wasm, images })
}

/// The cache key of `wasm` compiled as `kind` by `engine`: SHA-256 over the
/// fingerprint, the kind and the bytes, in hex.
pub(crate) fn key(engine: &Engine, kind: Kind, wasm: &[u8]) -> String {
    let mut hash = Sha256::new();
    hash.update(engine.fingerprint().as_bytes());
    hash.update([0, kind as u8]);
    hash.update(wasm);
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::FuncLocation;
    use crate::engine::Config;

    fn image() -> CodeImage<'static> {
        CodeImage {
            bytes: vec![0xc3; 16].into(),
            funcs: vec![FuncLocation { start: 0, len: 1 }],
            array_calls: vec![],
            host_calls: vec![],
            traps: vec![],
        }
    }

    #[test]
    fn round_trip() {
        let engine = Engine::default();
        let bytes = encode(&engine, Kind::Component, b"\0asm-ish", &[image(), image()]);
        assert_eq!(artifact_kind(&bytes), Some(Kind::Component));
        assert_eq!(artifact_kind(&bytes[..12]), None);
        let artifact = decode(&engine, Kind::Component, &bytes).unwrap();
        assert_eq!(artifact.wasm, b"\0asm-ish");
        assert_eq!(artifact.images, vec![image(), image()]);
    }

    fn error(engine: &Engine, kind: Kind, bytes: &[u8]) -> String {
        match decode(engine, kind, bytes) {
            Ok(_) => panic!("decoded"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn each_mismatch_is_named() {
        let engine = Engine::default();
        let bytes = encode(&engine, Kind::Module, b"wasm", &[image()]);
        assert!(error(&engine, Kind::Component, &bytes)
            .contains("core module artifact, not a component one"));
        assert!(error(&engine, Kind::Module, b"\0asm\x01\0\0\0").contains("wasm binary"));
        assert!(error(&engine, Kind::Module, b"hello").contains("not a weft artifact"));
        let fuel = Engine::new(&Config {
            consume_fuel: true,
            ..Config::default()
        })
        .unwrap();
        let message = error(&fuel, Kind::Module, &bytes);
        assert!(
            message.contains("compiled with fuel=false, this engine has fuel=true"),
            "{message}"
        );

        let mut format = bytes.clone();
        format[8] = 9;
        assert!(error(&engine, Kind::Module, &format).contains("artifact format 9"));
    }

    #[test]
    fn damage_is_caught() {
        let engine = Engine::default();
        let bytes = encode(&engine, Kind::Module, b"wasm", &[image()]);
        let mut flipped = bytes.clone();
        *flipped.last_mut().unwrap() ^= 1;
        assert!(error(&engine, Kind::Module, &flipped).contains("checksum"));
        for len in [9, 20, bytes.len() - 1] {
            assert!(error(&engine, Kind::Module, &bytes[..len]).contains("truncated"));
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(error(&engine, Kind::Module, &longer).contains("checksum"));
    }

    #[test]
    fn keys_depend_on_bytes_kind_and_settings() {
        let engine = Engine::default();
        let fuel = Engine::new(&Config {
            consume_fuel: true,
            ..Config::default()
        })
        .unwrap();
        let key = key(&engine, Kind::Module, b"a");
        assert_eq!(key.len(), 64);
        assert_eq!(key, super::key(&engine, Kind::Module, b"a"));
        assert_ne!(key, super::key(&engine, Kind::Module, b"b"));
        assert_ne!(key, super::key(&engine, Kind::Component, b"a"));
        assert_ne!(key, super::key(&fuel, Kind::Module, b"a"));
    }
}
