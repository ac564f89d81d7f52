//! Records, variants, options, results, lists, tuples and aliases
//! holding handles: the generated types and the exports taking and
//! returning them compile, with documentation on every generated item.

#![deny(missing_docs)]

use weft::rt::ComponentType;

weft::world!();

use wit::graph::{Lent, Loaded, Nested, Parsed, Schemas};
use wit::store::{Blob, Labelled, Slot};

/// The `schema` resource. `Clone`, `Debug` and `PartialEq` make the
/// records holding it `Clone`, `Debug` and `PartialEq` too.
#[derive(Clone, Debug, PartialEq)]
pub struct Schema(String);

#[weft::export]
impl Schema {
    /// A schema.
    pub fn new(sdl: String) -> Self {
        Schema(sdl)
    }

    /// The text.
    pub fn sdl(&self) -> String {
        self.0.clone()
    }

    /// Takes the schema out of `other`.
    pub fn absorb(&self, other: Parsed) {
        let Parsed { schema, .. } = other;
        drop(schema);
    }
}

#[weft::export]
mod graph {
    use super::Schema;
    use crate::wit::graph::{Lent, Lents, Loaded, Nested, Parsed, Schemas};
    use crate::wit::store::Blob;

    pub fn parse(sdl: String) -> Parsed {
        Parsed {
            schema: Schema(sdl),
            warnings: Vec::new(),
        }
    }

    pub fn parse_all(sdls: Vec<String>) -> Schemas {
        sdls.into_iter().map(Schema).collect()
    }

    pub fn load(sdl: Option<String>) -> Loaded {
        match sdl {
            Some(sdl) if sdl.is_empty() => Loaded::Failed("empty".into()),
            Some(sdl) => Loaded::Ok(Schema(sdl)),
            None => Loaded::Nothing,
        }
    }

    pub fn first(p: Vec<Parsed>) -> Option<Schema> {
        p.into_iter().next().map(|p| p.schema)
    }

    pub fn keep(p: Parsed) -> Result<Schema, String> {
        match p.warnings.is_empty() {
            true => Ok(p.schema),
            false => Err(p.warnings.join(", ")),
        }
    }

    pub fn inspect(l: Lent) -> u32 {
        l.schema.0.len() as u32 + l.depth
    }

    pub fn inspect_all(l: &Lents<'_>) -> u32 {
        l.iter().map(|l| l.depth).sum()
    }

    pub fn inspect_nested<'x>(n: Nested<'x>) -> u32 {
        let extra: Option<&'x Schema> = n.extra;
        n.inner.depth + extra.map_or(0, |s| s.0.len() as u32)
    }

    pub fn pair(t: (&Schema, u32)) -> u32 {
        t.0 .0.len() as u32 * t.1
    }

    #[allow(dead_code)]
    fn unused(_: &Blob) {}
}

fn layout<T: ComponentType>() -> (usize, usize, usize) {
    (T::SIZE, T::ALIGN, T::FLAT)
}

fn main() {
    // A handle is an `i32`; a list two.
    assert_eq!(layout::<Parsed>(), (12, 4, 3));
    assert_eq!(layout::<Loaded>(), (12, 4, 3));
    assert_eq!(layout::<Lent<'_>>(), (8, 4, 2));
    assert_eq!(layout::<Nested<'_>>(), (16, 4, 4));
    assert_eq!(layout::<Schemas>(), (8, 4, 2));
    assert_eq!(layout::<Labelled>(), (12, 4, 3));
    assert_eq!(layout::<Slot>(), (8, 4, 2));

    // The alias is the crate's type: a record holds it by value.
    let parsed = Parsed {
        schema: Schema("type Query { a: Int }".into()),
        warnings: vec!["w".into()],
    };
    assert_eq!(parsed.clone(), parsed);
    assert!(format!("{parsed:?}").starts_with("Parsed { schema: Schema("));
    let loaded = Loaded::Ok(parsed.schema.clone());
    assert_eq!(
        format!("{loaded:?}"),
        "Ok(Schema(\"type Query { a: Int }\"))"
    );
    assert_ne!(loaded, Loaded::Nothing);
    let lent = Lent {
        schema: &parsed.schema,
        depth: 2,
    };
    let nested = Nested {
        inner: lent.clone(),
        extra: Some(&parsed.schema),
    };
    assert_eq!(nested.inner, lent);
    assert_eq!(graph::inspect_nested(nested), 2 + 21);
    assert_eq!(graph::pair((&parsed.schema, 2)), 42);
    assert_eq!(graph::keep(parsed.clone()), Err("w".to_string()));

    // An imported resource's handle is `Debug` only.
    fn debug<T: std::fmt::Debug>(_: &T) {}
    let _ = |l: &Labelled, s: &Slot| {
        debug(l);
        debug(s);
    };
    // Imports taking lent handles inside a list, and records with handles.
    let _: fn(Vec<&Blob>) -> Vec<u32> = wit::store::sizes;
    let _: fn(Blob, String) -> Labelled = wit::store::wrap;
    let _: fn(Labelled) -> Blob = wit::store::unwrap;
}
