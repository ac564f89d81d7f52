//! A readable account of how a world's values cross the boundary: the
//! layout of each type and the core signature of each function.

use std::fmt::Write;

use wit_parser::{Function, Interface, Resolve, Type, WorldId, WorldItem};

use super::{AbiError, AbiTable, CoreSignature, Direction};

/// Describes the canonical ABI of every import and export of `world`.
///
/// Imports are shown as the guest calls them (`canon lower`), exports as
/// the host calls into them (`canon lift`).
pub fn world_report(
    resolve: &Resolve,
    table: &AbiTable,
    world: WorldId,
) -> Result<String, AbiError> {
    let world = &resolve.worlds[world];
    let mut out = String::new();
    let sections = [
        ("import", Direction::Lower, &world.imports),
        ("export", Direction::Lift, &world.exports),
    ];
    for (verb, direction, items) in sections {
        for (key, item) in items {
            let name = resolve.name_world_key(key);
            match item {
                WorldItem::Interface { id, .. } => {
                    if !out.is_empty() {
                        out.push('\n');
                    }
                    let _ = writeln!(out, "{verb} interface {name}");
                    interface_report(
                        resolve,
                        table,
                        &resolve.interfaces[*id],
                        direction,
                        &mut out,
                    )?;
                }
                WorldItem::Function(func) => {
                    function_line(table, func, direction, verb, &mut out)?;
                }
                WorldItem::Type { id, .. } => {
                    type_line(table, &name, &Type::Id(*id), verb, &mut out);
                }
            }
        }
    }
    Ok(out)
}

fn interface_report(
    resolve: &Resolve,
    table: &AbiTable,
    interface: &Interface,
    direction: Direction,
    out: &mut String,
) -> Result<(), AbiError> {
    for (name, id) in &interface.types {
        // Resources are not values; their handles are shown where used.
        if !matches!(resolve.types[*id].kind, wit_parser::TypeDefKind::Resource) {
            type_line(table, name, &Type::Id(*id), " ", out);
        }
    }
    for func in interface.functions.values() {
        function_line(table, func, direction, " ", out)?;
    }
    Ok(())
}

/// One line per type; `lead` is the indentation inside an interface, or
/// `import`/`export` for a type of the world itself.
fn type_line(table: &AbiTable, name: &str, ty: &Type, lead: &str, out: &mut String) {
    let layout = table.layout(ty);
    let _ = writeln!(
        out,
        "{lead} type {name:<24} size {:<4} align {:<2} flat {}",
        layout.size, layout.align, layout.flat
    );
}

fn function_line(
    table: &AbiTable,
    func: &Function,
    direction: Direction,
    lead: &str,
    out: &mut String,
) -> Result<(), AbiError> {
    let side = match direction {
        Direction::Lift => "lift ",
        Direction::Lower => "lower",
    };
    match table.signature(func, direction) {
        Ok(sig) => {
            let _ = writeln!(
                out,
                "{lead} func {:<24} {side} {sig}{}",
                func.name,
                notes(&sig)
            );
        }
        Err(AbiError::Async { .. }) => {
            let _ = writeln!(
                out,
                "{lead} func {:<24} async (not described yet)",
                func.name
            );
        }
        Err(other) => return Err(other),
    }
    Ok(())
}

fn notes(sig: &CoreSignature) -> &'static str {
    match (sig.params_in_memory, sig.results_in_memory) {
        (false, false) => "",
        (true, false) => "  ; params in memory",
        (false, true) => "  ; results in memory",
        (true, true) => "  ; params and results in memory",
    }
}
