//! `weft run` on a component: instantiate it (with no imports, or with
//! functions that trap standing in for its imported functions) and call
//! one exported function, its arguments and result written in WAVE.

use std::io::Write;

use anyhow::{bail, Context};
use weft_runtime::component::{Component, Func, Instance, Linker, Resource, Val};
use weft_runtime::{Error, Store};

use super::wave::{self, Call};
use super::{runtime_error, RunArgs};

/// Instantiates the component and calls the function `--invoke` names,
/// printing its result (if it has one) as WAVE. Owned resources in the
/// result are dropped after it is printed, which runs their destructors.
pub(super) fn run(
    args: &RunArgs,
    component: &Component,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    if !args.args.is_empty() {
        let name = args.invoke.as_deref().unwrap_or("NAME");
        bail!(
            "a component function takes its arguments inside the call, as WAVE values: \
             --invoke '{name}({})'",
            args.args.join(", ")
        );
    }
    let call = args.invoke.as_deref().map(Call::parse).transpose()?;
    let engine = component.engine();
    let mut store = Store::new(engine, ());
    let linker = Linker::new(engine);
    let instance = if args.trap_unknown_imports {
        linker.instantiate_trapping_unknown(&mut store, component)
    } else {
        linker.instantiate(&mut store, component)
    }
    .map_err(|err| instantiate_error(err, args, component))?;

    let Some(call) = call else {
        return Ok(());
    };
    let name = call.name();
    let func = exported_func(&mut store, &instance, name)?;
    let params = call.args(&func.ty(&store))?;
    let result = func
        .call(&mut store, &params)
        .map_err(|err| runtime_error(err, || format!("cannot call `{name}`")))?;
    for val in &result {
        writeln!(out, "{}", wave::to_string(val))?;
    }
    out.flush().context("cannot write to standard output")?;

    let mut owned = Vec::new();
    for val in &result {
        owned_resources(val, &mut owned);
    }
    for resource in owned {
        resource
            .drop(&mut store)
            .with_context(|| format!("cannot drop the resource `{name}` returned"))?;
    }
    Ok(())
}

/// Why the component could not be instantiated; for a missing import,
/// what the component imports and what `weft run` can provide.
fn instantiate_error(err: Error, args: &RunArgs, component: &Component) -> anyhow::Error {
    if !matches!(err, Error::Link { .. }) || component.imports().next().is_none() {
        return runtime_error(err, || args.what("instantiate"));
    }
    let mut functions = false;
    let imports: Vec<String> = component
        .imports()
        .map(|name| match component.import_func_type(name) {
            Some(ty) => {
                functions = true;
                format!("  {name}: {ty}")
            }
            None => format!("  {name}"),
        })
        .collect();
    let hint = if args.trap_unknown_imports {
        "\n(--trap-unknown-imports defines imported functions, instances and resource \
         types; `weft run` cannot provide imported modules or components)"
    } else if functions {
        "\n(--trap-unknown-imports defines imported functions as functions that trap)"
    } else {
        ""
    };
    anyhow::anyhow!(
        "{}: {err}\n`weft run` provides no imports; the component imports:\n{}{hint}",
        args.what("instantiate"),
        imports.join("\n")
    )
}

/// The exported function `name` (see [`Instance::get_func`]; an
/// interface may also be named without its package or version, as in
/// `iface.func`), or an error listing the exported functions.
fn exported_func(store: &mut Store<()>, instance: &Instance, name: &str) -> anyhow::Result<Func> {
    if let Some(func) = instance.get_func(store, name) {
        return Ok(func);
    }
    let funcs: Vec<(String, Func)> = instance
        .exports()
        .into_iter()
        .filter_map(|export| {
            let func = instance.get_func(store, &export)?;
            Some((export, func))
        })
        .collect();
    let matching: Vec<&(String, Func)> = funcs
        .iter()
        .filter(|(export, _)| short_names(export).iter().any(|n| n == name))
        .collect();
    let problem = match matching.as_slice() {
        [(_, func)] => return Ok(*func),
        [] => format!("no exported function named `{name}`"),
        several => format!(
            "`{name}` could be any of {}; name one in full",
            several
                .iter()
                .map(|(export, _)| format!("`{export}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    if funcs.is_empty() {
        bail!("{problem}; the component exports no functions");
    }
    let list: Vec<String> = funcs
        .iter()
        .map(|(export, func)| format!("  {export}: {}", func.ty(store)))
        .collect();
    bail!("{problem}; exported functions:\n{}", list.join("\n"))
}

/// The names a function exported as `export` may be called by besides
/// its own: for `ns:pkg/iface@1.0.0#func`, `func`, and the interface as
/// `ns:pkg/iface@1.0.0`, `ns:pkg/iface`, `iface@1.0.0` or `iface` followed
/// by `#func` or `.func`.
fn short_names(export: &str) -> Vec<String> {
    let Some((interface, func)) = export.split_once('#') else {
        return Vec::new();
    };
    let unversioned = interface.split_once('@').map_or(interface, |(i, _)| i);
    let mut interfaces = vec![interface.to_string(), unversioned.to_string()];
    if let Some((_, short)) = interface.rsplit_once('/') {
        interfaces.push(short.to_string());
        interfaces.push(short.split_once('@').map_or(short, |(s, _)| s).to_string());
    }
    interfaces.dedup();
    let mut names = vec![func.to_string()];
    for interface in interfaces {
        names.push(format!("{interface}#{func}"));
        names.push(format!("{interface}.{func}"));
    }
    names
}

/// The owned resources inside `val`.
fn owned_resources(val: &Val, found: &mut Vec<Resource>) {
    match val {
        Val::Own(resource) => found.push(*resource),
        Val::List(items) | Val::Tuple(items) => {
            items.iter().for_each(|v| owned_resources(v, found));
        }
        Val::Record(fields) => fields.iter().for_each(|(_, v)| owned_resources(v, found)),
        Val::Variant(_, Some(v))
        | Val::Option(Some(v))
        | Val::Result(Ok(Some(v)) | Err(Some(v))) => {
            owned_resources(v, found);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interfaces_may_be_named_short() {
        let names = short_names("my:math/text@1.0.0#shout");
        for name in [
            "shout",
            "my:math/text@1.0.0#shout",
            "my:math/text@1.0.0.shout",
            "my:math/text#shout",
            "my:math/text.shout",
            "text@1.0.0.shout",
            "text#shout",
            "text.shout",
        ] {
            assert!(names.iter().any(|n| n == name), "{name}: {names:?}");
        }
        assert!(!names.iter().any(|n| n == "math.shout"), "{names:?}");
        assert_eq!(short_names("ops#double").len(), 3);
        assert!(short_names("add").is_empty());
    }
}
