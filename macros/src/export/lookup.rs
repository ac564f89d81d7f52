//! Which WIT function an `#[export]` implements, and the error listing the
//! near names when none matches.

use weft_wit::names::rust as names;
use weft_wit::wit_parser::{
    Function, FunctionKind, IndexMap, Resolve, TypeDefKind, TypeId, WorldItem, WorldKey,
};

use crate::config::Loaded;

/// The WIT function an exported Rust function implements.
pub struct Target<'a> {
    /// The function.
    pub func: &'a Function,
    /// For a function of an exported interface, the interface as the
    /// component names it (`ns:pkg/iface@1.0.0`, or a plain name for an
    /// interface defined in the world).
    pub interface: Option<String>,
}

/// Finds the exported function `wit_name` (or, if given, whose Rust name
/// is `rust_name`), in the world or in the exported interface `interface`.
pub fn find<'a>(
    loaded: &'a Loaded,
    interface: Option<&str>,
    wit_name: &str,
    rust_name: Option<&str>,
) -> Result<Target<'a>, String> {
    let scopes = scopes(loaded);
    let world = loaded.world_name();
    let scope = find_scope(loaded, &scopes, interface)?;
    let is_it = |f: &Function| {
        f.name == wit_name || rust_name.is_some_and(|r| names::function_name(&f.name) == r)
    };
    if let Some(func) = scope.functions.iter().copied().find(|f| is_it(f)) {
        return Ok(Target {
            func,
            interface: scope.full.clone(),
        });
    }
    let mut message = match &scope.full {
        Some(iface) => format!("the interface `{iface}` exports no function `{wit_name}`"),
        None => format!("the world `{world}` exports no function `{wit_name}`"),
    };
    let available: Vec<&str> = scope.functions.iter().map(|f| f.name.as_str()).collect();
    message.push_str(&suggestions(wit_name, &available, "exported functions"));
    // The function may be in another scope: say which attribute finds it.
    for other in &scopes {
        if other.functions.iter().any(|f| is_it(f)) {
            let hint = match &other.short {
                Some(short) => format!("#[weft::export(interface = \"{short}\")]"),
                None => "#[weft::export] outside any interface".to_string(),
            };
            message.push_str(&format!(
                "\n  = help: `{wit_name}` is exported by {}: use {hint}",
                other.describe(world)
            ));
        }
    }
    Err(message)
}

/// A resource of an exported interface, implemented by a Rust type.
pub struct ResourceTarget<'a> {
    /// The resource's WIT name.
    pub name: &'a str,
    /// The resource type.
    pub id: TypeId,
    /// The interface as the component names it (`ns:pkg/iface@1.0.0`).
    pub interface: String,
    /// The interface's functions, the resource's among them.
    pub functions: &'a IndexMap<String, Function>,
}

/// Finds the resource whose Rust name is `rust_name` among the exported
/// interfaces (or in the exported interface `interface`).
pub fn resource<'a>(
    loaded: &'a Loaded,
    interface: Option<&str>,
    rust_name: &str,
) -> Result<ResourceTarget<'a>, String> {
    let resolve = &loaded.wit.resolve;
    let world = &resolve.worlds[loaded.world];
    let mut available = Vec::new();
    for (key, item) in &world.exports {
        let WorldItem::Interface { id, .. } = item else {
            continue;
        };
        let iface = &resolve.interfaces[*id];
        let full = resolve.name_world_key(key);
        let short = iface.name.clone().unwrap_or_else(|| full.clone());
        if interface.is_some_and(|i| i != short && i != full) {
            continue;
        }
        for (name, ty) in &iface.types {
            if !matches!(resolve.types[*ty].kind, TypeDefKind::Resource) {
                continue;
            }
            if names::type_name(name) == rust_name {
                return Ok(ResourceTarget {
                    name,
                    id: *ty,
                    interface: full,
                    functions: &iface.functions,
                });
            }
            available.push(names::type_name(name));
        }
    }
    let place = match interface {
        Some(i) => format!("the exported interface `{i}`"),
        None => format!("the interfaces the world `{}` exports", loaded.world_name()),
    };
    let available: Vec<&str> = available.iter().map(String::as_str).collect();
    Err(format!(
        "no resource `{rust_name}` in {place}{}",
        suggestions(rust_name, &available, "exported resources")
    ))
}

/// The function of `resource` that a Rust function named `rust_name`
/// implements: `new` the constructor, a method (`has_self`) or a static
/// function.
pub fn resource_function<'a>(
    resource: &ResourceTarget<'a>,
    rust_name: &str,
    has_self: bool,
) -> Result<Target<'a>, String> {
    let r = resource.name;
    let wit_name = match (rust_name, has_self) {
        ("new", false) => format!("[constructor]{r}"),
        (name, true) => format!(
            "[method]{r}.{}",
            name.trim_start_matches("r#").replace('_', "-")
        ),
        (name, false) => format!(
            "[static]{r}.{}",
            name.trim_start_matches("r#").replace('_', "-")
        ),
    };
    match resource.functions.get(&wit_name) {
        Some(func) => Ok(Target {
            func,
            interface: Some(resource.interface.clone()),
        }),
        None => {
            let prefixes = [format!("[method]{r}."), format!("[static]{r}.")];
            let mut available: Vec<&str> = Vec::new();
            for name in resource.functions.keys() {
                if name == &format!("[constructor]{r}") {
                    available.push("new");
                }
                for prefix in &prefixes {
                    if let Some(short) = name.strip_prefix(prefix.as_str()) {
                        available.push(short);
                    }
                }
            }
            Err(format!(
                "the resource `{r}` has no function `{wit_name}`{}",
                suggestions(rust_name, &available, "resource's functions")
            ))
        }
    }
}

/// Checks that the world exports the interface `name` (short or full).
pub fn interface(loaded: &Loaded, name: &str) -> Result<(), String> {
    find_scope(loaded, &scopes(loaded), Some(name)).map(|_| ())
}

fn find_scope<'s, 'a>(
    loaded: &Loaded,
    scopes: &'s [Scope<'a>],
    interface: Option<&str>,
) -> Result<&'s Scope<'a>, String> {
    scopes.iter().find(|s| s.matches(interface)).ok_or_else(|| {
        let requested = interface.unwrap_or_default();
        let available: Vec<&str> = scopes.iter().filter_map(|s| s.short.as_deref()).collect();
        format!(
            "the world `{}` exports no interface `{requested}`{}",
            loaded.world_name(),
            suggestions(requested, &available, "exported interfaces")
        )
    })
}

/// The world's own exported functions, or an exported interface's.
struct Scope<'a> {
    /// The interface's short name (`shapes`), `None` for the world.
    short: Option<String>,
    /// The interface's full name (`ns:pkg/shapes@1.0.0`).
    full: Option<String>,
    functions: Vec<&'a Function>,
}

impl Scope<'_> {
    fn matches(&self, interface: Option<&str>) -> bool {
        match (interface, &self.short, &self.full) {
            (None, None, _) => true,
            (Some(name), Some(short), Some(full)) => name == short || name == full,
            _ => false,
        }
    }

    fn describe(&self, world: &str) -> String {
        match &self.full {
            Some(full) => format!("the interface `{full}`"),
            None => format!("the world `{world}` itself"),
        }
    }
}

fn scopes(loaded: &Loaded) -> Vec<Scope<'_>> {
    let resolve: &Resolve = &loaded.wit.resolve;
    let world = &resolve.worlds[loaded.world];
    let freestanding = |f: &&Function| matches!(f.kind, FunctionKind::Freestanding);
    let mut scopes = vec![Scope {
        short: None,
        full: None,
        functions: world
            .exports
            .values()
            .filter_map(|item| match item {
                WorldItem::Function(f) => Some(f),
                _ => None,
            })
            .filter(freestanding)
            .collect(),
    }];
    for (key, item) in &world.exports {
        let WorldItem::Interface { id, .. } = item else {
            continue;
        };
        let interface = &resolve.interfaces[*id];
        let short = match key {
            WorldKey::Name(name) => name.clone(),
            WorldKey::Interface(_) => interface.name.clone().unwrap_or_default(),
        };
        scopes.push(Scope {
            short: Some(short),
            full: Some(resolve.name_world_key(key)),
            functions: interface.functions.values().filter(freestanding).collect(),
        });
    }
    scopes
}

/// "; did you mean ...?" for the names near `name`, else the list of all.
fn suggestions(name: &str, available: &[&str], what: &str) -> String {
    if available.is_empty() {
        return format!("\n  = note: there are no {what}");
    }
    let limit = (name.len() / 3).max(2);
    let mut near: Vec<(usize, &str)> = available
        .iter()
        .map(|candidate| (distance(name, candidate), *candidate))
        .filter(|(d, _)| *d <= limit)
        .collect();
    near.sort();
    let quoted = |names: &mut dyn Iterator<Item = &str>| {
        names
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if near.is_empty() {
        format!(
            "\n  = note: the {what} are {}",
            quoted(&mut available.iter().copied())
        )
    } else {
        format!(
            "\n  = help: did you mean {}?",
            quoted(&mut near.iter().map(|(_, n)| *n))
        )
    }
}

/// Levenshtein distance, ignoring the difference between `-` and `_`.
fn distance(a: &str, b: &str) -> usize {
    let norm =
        |s: &str| -> Vec<char> { s.chars().map(|c| if c == '_' { '-' } else { c }).collect() };
    let (a, b) = (norm(a), norm(b));
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_counts_edits() {
        assert_eq!(distance("reverse", "reverse"), 0);
        assert_eq!(distance("revrse", "reverse"), 1);
        assert_eq!(distance("count_words", "count-words"), 0);
        assert_eq!(distance("", "abc"), 3);
    }

    #[test]
    fn suggestions_prefer_near_names() {
        let available = ["reverse", "count-words", "area"];
        assert!(suggestions("revers", &available, "f").contains("did you mean `reverse`?"));
        let all = suggestions("zzzzzz", &available, "exported functions");
        assert!(all.contains("`reverse`, `count-words`, `area`"), "{all}");
    }
}
