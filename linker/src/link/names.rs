//! Matching an import's name to export names, with the component model's
//! rule for versions: `ns:pkg/iface@1.2.0` is satisfied by an export of
//! the same interface whose version is semver-compatible (same major
//! version; for 0.x the same minor version; for 0.0.x the same version).

use semver::Version;

/// A name split at its version: `ns:pkg/iface` and `1.2.0`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Name<'a> {
    /// Everything before `@`.
    pub base: &'a str,
    /// The version after `@`, if there is one and it parses.
    pub version: Option<Version>,
    /// Whether there is an `@` at all.
    pub versioned: bool,
}

impl<'a> Name<'a> {
    pub fn parse(name: &'a str) -> Name<'a> {
        match name.split_once('@') {
            Some((base, version)) => Name {
                base,
                version: Version::parse(version).ok(),
                versioned: true,
            },
            None => Name {
                base: name,
                version: None,
                versioned: false,
            },
        }
    }
}

/// Whether an export of version `export` satisfies an import of version
/// `import` (the component model's semver compatibility).
pub(crate) fn compatible(import: &Version, export: &Version) -> bool {
    if !import.pre.is_empty() || !export.pre.is_empty() {
        return import == export;
    }
    match (import.major, export.major) {
        (a, b) if a != b => false,
        (0, _) => match (import.minor, export.minor) {
            (a, b) if a != b => false,
            (0, _) => import.patch == export.patch,
            _ => true,
        },
        _ => true,
    }
}

/// How an export matches an import's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Match {
    /// The same interface at a version that does not satisfy the import.
    OtherVersion,
    /// A semver-compatible version.
    Compatible,
    /// The very name.
    Exact,
}

/// How `export` matches `import`, if at all.
pub(crate) fn matches(import: &str, export: &str) -> Option<Match> {
    if import == export {
        return Some(Match::Exact);
    }
    let (i, e) = (Name::parse(import), Name::parse(export));
    if i.base != e.base || !i.versioned && !e.versioned {
        return None;
    }
    match (&i.version, &e.version) {
        (Some(iv), Some(ev)) if compatible(iv, ev) => Some(Match::Compatible),
        _ => Some(Match::OtherVersion),
    }
}

/// The best of `exports` for `import`: exact, else the highest
/// compatible version. `None` if none matches at all; a list of the other
/// versions if only those match.
pub(crate) fn best<'e>(
    import: &str,
    exports: impl IntoIterator<Item = (usize, &'e str)>,
) -> Option<Result<usize, Vec<&'e str>>> {
    let mut best: Option<(Match, Option<Version>, usize)> = None;
    let mut others = Vec::new();
    for (index, export) in exports {
        let Some(kind) = matches(import, export) else {
            continue;
        };
        if kind == Match::OtherVersion {
            others.push(export);
            continue;
        }
        let version = Name::parse(export).version;
        let better = match &best {
            None => true,
            Some((best_kind, best_version, _)) => (kind, &version) > (*best_kind, best_version),
        };
        if better {
            best = Some((kind, version, index));
        }
    }
    match best {
        Some((_, _, index)) => Some(Ok(index)),
        None if others.is_empty() => None,
        None => Some(Err(others)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        Version::parse(text).unwrap()
    }

    #[test]
    fn semver_compatibility() {
        assert!(compatible(&v("1.2.0"), &v("1.3.5")));
        assert!(compatible(&v("1.3.0"), &v("1.2.0")));
        assert!(!compatible(&v("1.2.0"), &v("2.0.0")));
        assert!(compatible(&v("0.2.0"), &v("0.2.7")));
        assert!(!compatible(&v("0.2.0"), &v("0.3.0")));
        assert!(!compatible(&v("0.0.1"), &v("0.0.2")));
        assert!(compatible(&v("0.0.1"), &v("0.0.1")));
        assert!(!compatible(&v("1.0.0-rc1"), &v("1.0.0")));
    }

    #[test]
    fn names_match_by_interface_and_version() {
        assert_eq!(matches("a:b/c@1.0.0", "a:b/c@1.0.0"), Some(Match::Exact));
        assert_eq!(
            matches("a:b/c@1.0.0", "a:b/c@1.4.0"),
            Some(Match::Compatible)
        );
        assert_eq!(
            matches("a:b/c@1.0.0", "a:b/c@2.0.0"),
            Some(Match::OtherVersion)
        );
        assert_eq!(matches("a:b/c@1.0.0", "a:b/c"), Some(Match::OtherVersion));
        assert_eq!(matches("a:b/c", "a:b/c"), Some(Match::Exact));
        assert_eq!(matches("a:b/c", "a:b/d"), None);
        assert_eq!(matches("f", "g"), None);
    }

    #[test]
    fn the_best_export_is_exact_else_the_highest_compatible() {
        let exports = [(0, "a:b/c@1.1.0"), (1, "a:b/c@1.3.0"), (2, "a:b/c@2.0.0")];
        assert_eq!(best("a:b/c@1.0.0", exports), Some(Ok(1)));
        assert_eq!(best("a:b/c@1.1.0", exports), Some(Ok(0)));
        assert_eq!(
            best("a:b/c@3.0.0", exports),
            Some(Err(vec!["a:b/c@1.1.0", "a:b/c@1.3.0", "a:b/c@2.0.0"]))
        );
        assert_eq!(best("x:y/z@1.0.0", exports), None);
    }
}
