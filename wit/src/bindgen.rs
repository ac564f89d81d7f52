//! What every host-bindings generator shares: the files it writes
//! ([`Files`]), what WIT it cannot express yet ([`first_unsupported`]),
//! and a world's interfaces and types in order.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use wit_parser::{
    Function, FunctionKind, Handle, InterfaceId, Resolve, Type, TypeDefKind, TypeId, World,
    WorldId, WorldItem, WorldKey,
};

/// A WIT item that uses a feature bindings cannot express yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported {
    /// The function or type, and where it is (`function `f` of interface `a:b/c``).
    pub item: String,
    /// What it uses (`futures`, `async functions`, ...).
    pub feature: String,
}

/// Generated files by path relative to the output directory (`/`
/// separated), in path order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Files {
    files: BTreeMap<String, Vec<u8>>,
}

impl Files {
    /// Adds (or replaces) the file at `path`.
    pub fn insert(&mut self, path: String, contents: impl Into<Vec<u8>>) {
        self.files.insert(path, contents.into());
    }

    /// The contents of `path`.
    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(Vec::as_slice)
    }

    /// Every file, in path order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files.iter().map(|(p, c)| (p.as_str(), c.as_slice()))
    }

    /// How many files there are.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Writes every file under `dir`, making directories as needed and
    /// replacing files of the same names.
    pub fn write_to(&self, dir: &Path) -> std::io::Result<()> {
        for (path, contents) in self.iter() {
            let path = dir.join(path);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&path, contents)?;
        }
        Ok(())
    }
}

/// The interfaces among a world's imports or exports, in order.
pub fn interfaces<'r>(
    items: impl IntoIterator<Item = (&'r WorldKey, &'r WorldItem)>,
) -> Vec<(WorldKey, InterfaceId)> {
    items
        .into_iter()
        .filter_map(|(key, item)| match item {
            WorldItem::Interface { id, .. } => Some((key.clone(), *id)),
            _ => None,
        })
        .collect()
}

/// The types a world defines or `use`s, in order.
pub fn world_types(w: &World) -> Vec<TypeId> {
    w.imports
        .values()
        .chain(w.exports.values())
        .filter_map(|item| match item {
            WorldItem::Type { id, .. } => Some(*id),
            _ => None,
        })
        .collect()
}

/// The first thing in `world` that host bindings cannot express yet:
/// async functions, futures, streams, `error-context`, maps, fixed-length
/// lists, property accessors, and tuples longer than `max_tuple`. Every
/// function and named type a package would hold is checked.
pub fn first_unsupported(
    resolve: &Resolve,
    world: WorldId,
    max_tuple: usize,
) -> Result<(), Unsupported> {
    let w = &resolve.worlds[world];
    let unsupported = |item: String, feature: String| Unsupported { item, feature };
    let mut seen = HashSet::new();
    let check_fn =
        |f: &Function, scope: &str, seen: &mut HashSet<TypeId>| -> Result<(), Unsupported> {
            let item = format!("function `{}`{scope}", f.name);
            match f.kind {
                FunctionKind::Freestanding
                | FunctionKind::Method(_)
                | FunctionKind::Static(_)
                | FunctionKind::Constructor(_) => {}
                FunctionKind::AsyncFreestanding
                | FunctionKind::AsyncMethod(_)
                | FunctionKind::AsyncStatic(_) => {
                    return Err(unsupported(item, "async functions".into()))
                }
                _ => {
                    return Err(unsupported(
                        item,
                        "property accessors (getters and setters)".into(),
                    ))
                }
            }
            for ty in f.params.iter().map(|p| &p.ty).chain(f.result.iter()) {
                if let Some(feature) = unsupported_in(resolve, ty, max_tuple, seen) {
                    return Err(unsupported(item, feature));
                }
            }
            Ok(())
        };
    for (key, item) in w.imports.iter().chain(&w.exports) {
        match item {
            WorldItem::Function(f) => check_fn(f, "", &mut seen)?,
            WorldItem::Interface { id, .. } => {
                let scope = format!(" of interface `{}`", resolve.name_world_key(key));
                for f in resolve.interfaces[*id].functions.values() {
                    check_fn(f, &scope, &mut seen)?;
                }
                for (name, ty) in &resolve.interfaces[*id].types {
                    if let Some(feature) =
                        unsupported_in(resolve, &Type::Id(*ty), max_tuple, &mut seen)
                    {
                        return Err(unsupported(format!("type `{name}`{scope}"), feature));
                    }
                }
            }
            WorldItem::Type { id, .. } => {
                if let Some(feature) = unsupported_in(resolve, &Type::Id(*id), max_tuple, &mut seen)
                {
                    let name = resolve.types[*id].name.clone().unwrap_or_default();
                    return Err(unsupported(format!("type `{name}`"), feature));
                }
            }
        }
    }
    Ok(())
}

/// The unsupported feature `ty` uses, if any; `seen` holds the type
/// definitions found supported already.
fn unsupported_in(
    resolve: &Resolve,
    ty: &Type,
    max_tuple: usize,
    seen: &mut HashSet<TypeId>,
) -> Option<String> {
    let id = match ty {
        Type::ErrorContext => return Some("`error-context`".into()),
        Type::Id(id) => *id,
        _ => return None,
    };
    if seen.contains(&id) {
        return None;
    }
    let found = match &resolve.types[id].kind {
        TypeDefKind::Record(r) => r
            .fields
            .iter()
            .find_map(|f| unsupported_in(resolve, &f.ty, max_tuple, seen)),
        TypeDefKind::Tuple(t) if t.types.len() > max_tuple => {
            Some(format!("tuples of more than {max_tuple} elements"))
        }
        TypeDefKind::Tuple(t) => t
            .types
            .iter()
            .find_map(|t| unsupported_in(resolve, t, max_tuple, seen)),
        TypeDefKind::Variant(v) => v
            .cases
            .iter()
            .filter_map(|c| c.ty.as_ref())
            .find_map(|t| unsupported_in(resolve, t, max_tuple, seen)),
        TypeDefKind::Option(t) | TypeDefKind::List(t) | TypeDefKind::Type(t) => {
            unsupported_in(resolve, t, max_tuple, seen)
        }
        TypeDefKind::Result(r) => {
            r.ok.iter()
                .chain(r.err.iter())
                .find_map(|t| unsupported_in(resolve, t, max_tuple, seen))
        }
        TypeDefKind::Handle(Handle::Own(r) | Handle::Borrow(r)) => {
            unsupported_in(resolve, &Type::Id(*r), max_tuple, seen)
        }
        TypeDefKind::Enum(_) | TypeDefKind::Flags(_) | TypeDefKind::Resource => None,
        TypeDefKind::Future(_) => Some("futures".into()),
        TypeDefKind::Stream(_) => Some("streams".into()),
        TypeDefKind::Map(..) => Some("maps".into()),
        TypeDefKind::FixedLengthList(..) => Some("fixed-length lists".into()),
        TypeDefKind::Unknown => Some("an unresolved type".into()),
    };
    if found.is_none() {
        seen.insert(id);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Wit;

    fn check(text: &str, max_tuple: usize) -> Result<(), Unsupported> {
        let wit = Wit::parse("t.wit", text).expect("parses");
        let world = wit.world(None).expect("one world");
        first_unsupported(&wit.resolve, world, max_tuple)
    }

    #[test]
    fn names_the_item_and_the_feature() {
        let err = check(
            "package t:u; interface i { f: func(x: future<u8>); } world w { export i; }",
            12,
        )
        .unwrap_err();
        assert_eq!(err.item, "function `f` of interface `t:u/i`");
        assert_eq!(err.feature, "futures");
        let long = "package t:u; world w { export f: func(x: list<tuple<u8, u8, u8>>); }";
        assert!(check(long, 3).is_ok());
        let err = check(long, 2).unwrap_err();
        assert_eq!(err.feature, "tuples of more than 2 elements");
        assert!(check(
            "package t:u; world w { export f: func(s: string) -> list<u8>; }",
            12
        )
        .is_ok());
    }

    #[test]
    fn files_are_kept_in_path_order() {
        let mut files = Files::default();
        files.insert("b/x".into(), "2");
        files.insert("a".into(), "1");
        let paths: Vec<&str> = files.iter().map(|(p, _)| p).collect();
        assert_eq!(paths, ["a", "b/x"]);
        assert_eq!(files.get("a"), Some(&b"1"[..]));
        assert_eq!(files.len(), 2);
    }
}
