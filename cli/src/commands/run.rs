//! `weft run`: instantiate a core WebAssembly module or a component and
//! call one of its exports with arguments from the command line. Core
//! modules are run here; components in `component.rs`, their values read
//! and written as WAVE in `wave.rs`.

mod component;
mod wave;

use std::io::Write;
use std::path::PathBuf;

use anyhow::{bail, Context};
use weft_runtime::{
    Error, Extern, ExternType, Func, FuncType, Instance, Linker, Module, Store, Trap, TrapKind,
    Val, ValType,
};

use super::load::{load, CacheArgs, Loaded};

/// Arguments of `weft run`.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// The module or component: a `.wasm` binary, `.wat` text, or an
    /// artifact `weft compile` wrote.
    module: PathBuf,
    /// Call this exported function and print its results. For a core
    /// module: `--invoke NAME ARGS...`, results one per line; without it,
    /// only the start function and an exported `_start` taking no
    /// parameters run. For a component: `--invoke 'NAME(ARG, ...)'` with
    /// the arguments as WAVE values (e.g. `greet("world", [1, 2],
    /// {x: 1.5}, some(ok))`), the result printed as WAVE; NAME is `func`,
    /// `iface#func`, `iface.func` or `ns:pkg/iface@1.0.0#func`; without it,
    /// the component is only instantiated.
    #[arg(long, value_name = "NAME")]
    invoke: Option<String>,
    /// Define every imported function as one that traps, naming the import,
    /// when it is called (imports of other kinds are still an error; for a
    /// component, only its top-level function imports are defined).
    #[arg(long)]
    trap_unknown_imports: bool,
    /// Arguments of the invoked function of a core module, read per
    /// parameter type: integers in decimal or `0x` hex (negative allowed),
    /// floats in decimal or `inf`, `-inf`, `nan`, references only as
    /// `null`. (A component's arguments go inside `--invoke`.)
    #[arg(
        value_name = "ARGS",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    args: Vec<String>,
    #[command(flatten)]
    cache: CacheArgs,
}

impl RunArgs {
    /// Compiles and instantiates the module (running its start function),
    /// then calls the function named by `--invoke`, or `_start` if it is
    /// exported and takes no parameters, and prints the results. A trap
    /// comes back as the error, with its wasm backtrace. A component is
    /// run by [`component::run`].
    pub fn run(self, out: &mut dyn Write) -> anyhow::Result<()> {
        if self.invoke.is_none() && !self.args.is_empty() {
            bail!(
                "arguments given without --invoke: `{}`",
                self.args.join(" ")
            );
        }
        let engine = self.cache.engine()?;
        let module = match load(&engine, &self.module)? {
            Loaded::Component(component) => return component::run(&self, &component, out),
            Loaded::Module(module) => module,
        };
        let mut store = Store::new(&engine, ());
        let linker = self.linker(&mut store, &module)?;
        let instance = linker
            .instantiate(&mut store, &module)
            .map_err(|err| runtime_error(err, || self.what("instantiate")))?;

        let (name, func) = match &self.invoke {
            Some(name) => (name.as_str(), exported_func(&mut store, instance, name)?),
            None => match instance.get_func(&mut store, "_start") {
                Some(func) if func.ty(&store).params().is_empty() => ("_start", func),
                _ => return Ok(()),
            },
        };
        let ty = func.ty(&store);
        let params = parse_args(name, &ty, &self.args)?;
        let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
        func.call(&mut store, &params, &mut results)
            .map_err(|err| runtime_error(err, || format!("cannot call `{name}`")))?;
        for result in &results {
            writeln!(out, "{}", format_val(result))?;
        }
        out.flush().context("cannot write to standard output")?;
        Ok(())
    }

    fn what(&self, verb: &str) -> String {
        format!("cannot {verb} {}", self.module.display())
    }

    /// A linker for the module's imports: none are provided, except that
    /// `--trap-unknown-imports` defines imported functions as trapping
    /// stubs.
    fn linker(&self, store: &mut Store<()>, module: &Module) -> anyhow::Result<Linker<()>> {
        let mut linker = Linker::new(store.engine());
        let imports: Vec<(String, String, ExternType)> = module
            .imports()
            .map(|(m, n, ty)| (m.to_string(), n.to_string(), ty))
            .collect();
        if imports.is_empty() {
            return Ok(linker);
        }
        if !self.trap_unknown_imports {
            bail!(
                "{} imports {}, which `weft run` cannot provide yet:\n{}\n\
                 (--trap-unknown-imports defines imported functions as functions that trap)",
                self.module.display(),
                count(imports.len(), "item"),
                list_imports(imports.iter())
            );
        }
        let others: Vec<_> = imports
            .iter()
            .filter(|(_, _, ty)| !matches!(ty, ExternType::Func(_)))
            .collect();
        if !others.is_empty() {
            bail!(
                "{} imports {} that are not functions, which `weft run` cannot provide \
                 even with --trap-unknown-imports:\n{}",
                self.module.display(),
                count(others.len(), "item"),
                list_imports(others.into_iter())
            );
        }
        for (module_name, name, ty) in &imports {
            let ExternType::Func(ty) = ty else {
                continue;
            };
            let message = format!("unknown import `{module_name}`.`{name}` was called");
            let func = Func::new(store, ty.clone(), move |_, _| {
                Err(Trap {
                    kind: TrapKind::Host(message.clone()),
                    backtrace: Vec::new(),
                })
            })?;
            linker.define(module_name, name, func)?;
        }
        Ok(linker)
    }
}

/// A trap as it is (its message names the trap and the wasm frames);
/// any other error with `context`.
fn runtime_error(err: Error, context: impl FnOnce() -> String) -> anyhow::Error {
    match err {
        Error::Trap(trap) => anyhow::Error::new(trap),
        other => anyhow::Error::new(other).context(context()),
    }
}

/// `n thing` or `n things`.
fn count(n: usize, thing: &str) -> String {
    if n == 1 {
        format!("1 {thing}")
    } else {
        format!("{n} {thing}s")
    }
}

fn list_imports<'a>(imports: impl Iterator<Item = &'a (String, String, ExternType)>) -> String {
    imports
        .map(|(module, name, ty)| format!("  `{module}`.`{name}`: {ty}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The exported function `name`, or an error listing the exported
/// functions.
fn exported_func(store: &mut Store<()>, instance: Instance, name: &str) -> anyhow::Result<Func> {
    let problem = match instance.get_export(store, name) {
        Some(Extern::Func(func)) => return Ok(func),
        Some(other) => format!("export `{name}` is {}, not a function", kind_of(&other)),
        None => format!("no export named `{name}`"),
    };
    let funcs: Vec<String> = instance
        .exports(store)
        .into_iter()
        .filter_map(|(export, item)| match item {
            Extern::Func(func) => Some(format!("  {export}: {}", func.ty(store))),
            _ => None,
        })
        .collect();
    if funcs.is_empty() {
        bail!("{problem}; the module exports no functions");
    }
    bail!("{problem}; exported functions:\n{}", funcs.join("\n"))
}

fn kind_of(item: &Extern) -> &'static str {
    match item {
        Extern::Func(_) => "a function",
        Extern::Global(_) => "a global",
        Extern::Table(_) => "a table",
        Extern::Memory(_) => "a memory",
    }
}

/// The command-line arguments as values of the function's parameter types.
fn parse_args(name: &str, ty: &FuncType, args: &[String]) -> anyhow::Result<Vec<Val>> {
    let params = ty.params();
    if params.len() != args.len() {
        bail!(
            "`{name}` takes {} {ty}, {} given",
            count(params.len(), "argument"),
            args.len()
        );
    }
    params
        .iter()
        .zip(args)
        .enumerate()
        .map(|(i, (ty, arg))| {
            parse_val(arg, *ty).map_err(|why| {
                anyhow::anyhow!(
                    "argument `{arg}` for parameter {i} of `{name}` is not a valid {ty}: {why}"
                )
            })
        })
        .collect()
}

/// One argument as a value of type `ty`; the reason it is not one.
fn parse_val(arg: &str, ty: ValType) -> Result<Val, String> {
    match ty {
        // Either the signed or the unsigned range: `-1` and `0xffffffff`
        // are the same i32.
        ValType::I32 => {
            let value = parse_int(arg)?;
            if value < i128::from(i32::MIN) || value > i128::from(u32::MAX) {
                return Err(format!("out of range {}..={}", i32::MIN, u32::MAX));
            }
            Ok(Val::I32(value as i32))
        }
        ValType::I64 => {
            let value = parse_int(arg)?;
            if value < i128::from(i64::MIN) || value > i128::from(u64::MAX) {
                return Err(format!("out of range {}..={}", i64::MIN, u64::MAX));
            }
            Ok(Val::I64(value as i64))
        }
        ValType::F32 => Ok(Val::F32(parse_float::<f32>(arg)?.to_bits())),
        ValType::F64 => Ok(Val::F64(parse_float::<f64>(arg)?.to_bits())),
        ValType::V128 => Err("v128 arguments are not supported".into()),
        ValType::Ref(r) => {
            if arg == "null" {
                Ok(Val::null(r))
            } else {
                Err("a reference can only be given as `null`".into())
            }
        }
    }
}

/// A decimal or `0x` hex integer, optionally negative; `_` separators are
/// allowed.
fn parse_int(arg: &str) -> Result<i128, String> {
    let text: String = arg.chars().filter(|c| *c != '_').collect();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(&text)),
    };
    let (digits, radix) = match digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        Some(hex) => (hex, 16),
        None => (digits, 10),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return Err(if radix == 16 {
            "expected hex digits after `0x`".into()
        } else {
            "expected an integer (decimal, or hex with `0x`)".into()
        });
    }
    let magnitude = u128::from_str_radix(digits, radix).map_err(|_| "out of range".to_string())?;
    let magnitude = i128::try_from(magnitude).map_err(|_| "out of range".to_string())?;
    Ok(if negative { -magnitude } else { magnitude })
}

/// A decimal float, `inf`, `-inf` or `nan`.
fn parse_float<F: std::str::FromStr>(arg: &str) -> Result<F, String> {
    arg.parse::<F>()
        .map_err(|_| "expected a decimal number, `inf`, `-inf` or `nan`".to_string())
}

/// A result as `weft run` prints it: integers signed, floats as Rust
/// writes them (a NaN other than the canonical one with its bits).
fn format_val(val: &Val) -> String {
    match *val {
        Val::I32(v) => v.to_string(),
        Val::I64(v) => v.to_string(),
        Val::F32(bits) => {
            let v = f32::from_bits(bits);
            if v.is_nan() && bits != f32::NAN.to_bits() {
                format!("NaN (bits {bits:#010x})")
            } else {
                format!("{v:?}")
            }
        }
        Val::F64(bits) => {
            let v = f64::from_bits(bits);
            if v.is_nan() && bits != f64::NAN.to_bits() {
                format!("NaN (bits {bits:#018x})")
            } else {
                format!("{v:?}")
            }
        }
        Val::V128(bits) => format!("{bits:#034x}"),
        Val::FuncRef(None) | Val::ExternRef(None) => "null".into(),
        Val::FuncRef(Some(_)) => "funcref".into(),
        Val::ExternRef(Some(token)) => format!("externref {token}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers() {
        assert_eq!(parse_val("-5", ValType::I32), Ok(Val::I32(-5)));
        assert_eq!(parse_val("0xffffffff", ValType::I32), Ok(Val::I32(-1)));
        assert_eq!(
            parse_val("-0x80000000", ValType::I32),
            Ok(Val::I32(i32::MIN))
        );
        assert!(parse_val("0x100000000", ValType::I32).is_err());
        assert!(parse_val("-2147483649", ValType::I32).is_err());
        assert_eq!(
            parse_val("18446744073709551615", ValType::I64),
            Ok(Val::I64(-1))
        );
        assert!(parse_val("1.5", ValType::I64).is_err());
        assert!(parse_val("0x", ValType::I64).is_err());
        assert!(parse_val("", ValType::I32).is_err());
    }

    #[test]
    fn floats_and_references() {
        assert_eq!(
            parse_val("-inf", ValType::F32),
            Ok(Val::F32(f32::NEG_INFINITY.to_bits()))
        );
        assert_eq!(
            parse_val("2.5", ValType::F64),
            Ok(Val::F64(2.5f64.to_bits()))
        );
        assert!(
            matches!(parse_val("nan", ValType::F64), Ok(Val::F64(b)) if f64::from_bits(b).is_nan())
        );
        assert!(parse_val("one", ValType::F32).is_err());
        assert_eq!(
            parse_val("null", ValType::EXTERNREF),
            Ok(Val::ExternRef(None))
        );
        assert!(parse_val("0", ValType::FUNCREF).is_err());
    }

    #[test]
    fn results() {
        assert_eq!(format_val(&Val::I32(-1)), "-1");
        assert_eq!(format_val(&Val::F32(1.5f32.to_bits())), "1.5");
        assert_eq!(format_val(&Val::F64(3f64.to_bits())), "3.0");
        assert_eq!(format_val(&Val::F64(f64::NAN.to_bits())), "NaN");
        assert_eq!(format_val(&Val::F32(0x7fa0_0000)), "NaN (bits 0x7fa00000)");
        assert_eq!(format_val(&Val::FuncRef(None)), "null");
    }
}
