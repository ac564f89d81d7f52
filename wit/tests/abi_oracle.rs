//! weft's canonical ABI tables against an independent implementation,
//! wit-parser's own: `SizeAlign` (sizes, alignments, field offsets),
//! `Resolve::push_flat` (flat types) and `Resolve::wasm_signature` (core
//! signatures), over every WIT input of the shared test corpus
//! (`testsuite/wit/`).
//!
//! The corpus is located at `../../shared/testsuite` from this crate, or at
//! `$WEFT_TESTSUITE` (the `testsuite` folder itself). A missing corpus fails
//! the test: it must never pass by checking nothing.

use std::path::{Path, PathBuf};

use weft_wit::abi::{AbiTable, Direction, FlatType, MAX_FLAT_PARAMS};
use weft_wit::wit_parser::abi::{AbiVariant, FlatTypes, WasmType};
use weft_wit::wit_parser::{
    Function, Resolve, SizeAlign, Type, TypeDef, TypeDefKind, TypeId, WorldItem,
};
use weft_wit::Wit;

/// Fewer inputs than this means the corpus was not found whole, or loading
/// regressed: the comparison would prove little.
const MIN_INPUTS: usize = 150;

fn testsuite() -> PathBuf {
    match std::env::var_os("WEFT_TESTSUITE") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/testsuite"),
    }
}

/// Sorted entries of `dir` for which `keep` holds.
fn entries(dir: &Path, keep: impl Fn(&Path) -> bool) -> Vec<PathBuf> {
    let read = std::fs::read_dir(dir).unwrap_or_else(|err| {
        panic!(
            "the WIT corpus is not at {} ({err}); set WEFT_TESTSUITE to the `testsuite` folder",
            dir.display()
        )
    });
    let mut paths: Vec<PathBuf> = read
        .map(|entry| entry.expect("readable directory entry").path())
        .filter(|path| keep(path))
        .collect();
    paths.sort();
    paths
}

fn is_wit_file(path: &Path) -> bool {
    path.is_file() && path.extension().is_some_and(|ext| ext == "wit")
}

/// The corpus inputs: each top-level `.wit` file or package directory of
/// `wit-parser-ui/` (but `parse-fail/`, WIT that must be rejected), each
/// `.wit` file of `wit-bindgen-codegen/`, and its package directories
/// (`name/wit/`, with `deps/`).
fn inputs() -> Vec<PathBuf> {
    let wit = testsuite().join("wit");
    let ui = wit.join("wit-parser-ui");
    let codegen = wit.join("wit-bindgen-codegen");
    let mut inputs = entries(&ui, |path| {
        is_wit_file(path) || (path.is_dir() && !path.ends_with("parse-fail"))
    });
    inputs.extend(entries(&codegen, is_wit_file));
    inputs.extend(
        entries(&codegen, |path| path.join("wit").is_dir())
            .into_iter()
            .map(|dir| dir.join("wit")),
    );
    inputs
}

/// The core type wit-parser's `WasmType` stands for in a 32-bit memory.
fn wasm32(ty: WasmType) -> FlatType {
    match ty {
        WasmType::I32 | WasmType::Pointer | WasmType::Length => FlatType::I32,
        WasmType::I64 | WasmType::PointerOrI64 => FlatType::I64,
        WasmType::F32 => FlatType::F32,
        WasmType::F64 => FlatType::F64,
    }
}

/// Whether `id` is a resource type, possibly through aliases. Resources are
/// not value types and have no layout in the spec (values are handles, which
/// are compared): wit-parser gives them a placeholder size of `usize::MAX`
/// and cannot flatten them, weft gives them a handle's layout.
///
/// Nothing else is excluded. The one known divergence, empty flags
/// (CanonicalABI.md's `alignment_flags` gives 1 for `n <= 8` members and now
/// asserts `0 < n`; wit-parser's `SizeAlign` gives alignment 4), cannot occur
/// here: WIT text rejects `flags f {}`, and `abi_table.rs` covers it.
fn is_resource(resolve: &Resolve, mut id: TypeId) -> bool {
    loop {
        match &resolve.types[id].kind {
            TypeDefKind::Resource => return true,
            TypeDefKind::Type(Type::Id(inner)) => id = *inner,
            _ => return false,
        }
    }
}

/// The flat core types of `ty` by wit-parser, or `None` past
/// `MAX_FLAT_PARAMS` (as weft's `Flat::types`).
fn flatten(resolve: &Resolve, ty: &Type) -> Option<Vec<FlatType>> {
    let mut storage = [WasmType::I32; MAX_FLAT_PARAMS];
    let mut flat = FlatTypes::new(&mut storage);
    resolve
        .push_flat(ty, &mut flat)
        .then(|| flat.to_vec().into_iter().map(wasm32).collect())
}

/// The field types of a record or tuple.
fn fields(def: &TypeDef) -> Option<Vec<Type>> {
    match &def.kind {
        TypeDefKind::Record(record) => Some(record.fields.iter().map(|f| f.ty).collect()),
        TypeDefKind::Tuple(tuple) => Some(tuple.types.clone()),
        _ => None,
    }
}

/// wit-parser's byte offsets of fields of the given types, for wasm32.
fn oracle_offsets(oracle: &SizeAlign, types: &[Type]) -> Vec<u32> {
    oracle
        .field_offsets(types)
        .into_iter()
        .map(|(offset, _)| u32::try_from(offset.size_wasm32()).expect("offset fits u32"))
        .collect()
}

/// Every function of `resolve`: in interfaces and directly in worlds, named
/// for messages.
fn functions(resolve: &Resolve) -> Vec<(String, &Function)> {
    let mut all = Vec::new();
    for (_, iface) in resolve.interfaces.iter() {
        let owner = iface.name.as_deref().unwrap_or("<anonymous interface>");
        for func in iface.functions.values() {
            all.push((format!("{owner}.{}", func.name), func));
        }
    }
    for (_, world) in resolve.worlds.iter() {
        for item in world.imports.values().chain(world.exports.values()) {
            if let WorldItem::Function(func) = item {
                all.push((format!("world {}.{}", world.name, func.name), func));
            }
        }
    }
    all
}

#[derive(Default)]
struct Tally {
    inputs: usize,
    skipped: Vec<String>,
    types: usize,
    records: usize,
    resources: usize,
    signatures: usize,
    async_functions: usize,
    mismatches: Vec<String>,
}

impl Tally {
    fn check(&mut self, input: &Path) {
        let wit = match Wit::load(input) {
            Ok(wit) => wit,
            Err(err) => {
                let first_line = err.to_string().lines().next().unwrap_or("").to_string();
                self.skipped
                    .push(format!("{}: {first_line}", input.display()));
                return;
            }
        };
        let resolve = &wit.resolve;
        let name = input.display();

        let mut oracle = SizeAlign::default();
        let oracle_result = oracle.fill(resolve);
        let table = match (AbiTable::new(resolve), oracle_result) {
            (Ok(table), Ok(())) => table,
            (Err(weft), Ok(())) => {
                self.mismatches
                    .push(format!("{name}: weft cannot lay out: {weft}"));
                return;
            }
            (Ok(_), Err(theirs)) => {
                self.mismatches
                    .push(format!("{name}: only wit-parser fails: {theirs:#}"));
                return;
            }
            (Err(weft), Err(_)) => {
                self.skipped
                    .push(format!("{name}: neither side lays it out: {weft}"));
                return;
            }
        };
        self.inputs += 1;

        for (id, def) in resolve.types.iter() {
            if is_resource(resolve, id) {
                self.resources += 1;
                continue;
            }
            self.types += 1;
            let ty = Type::Id(id);
            let layout = table.layout(&ty);
            let ours = (
                layout.size as usize,
                layout.align as usize,
                layout.flat.types().map(<[_]>::to_vec),
            );
            let theirs = (
                oracle.size(&ty).size_wasm32(),
                oracle.align(&ty).align_wasm32(),
                flatten(resolve, &ty),
            );
            let kind = def.kind.as_str();
            let type_name = def.name.as_deref().unwrap_or("(anonymous)");
            if ours != theirs {
                self.mismatches.push(format!(
                    "{name}: {kind} `{type_name}` (type #{}): (size, align, flat) weft {ours:?}, \
                     wit-parser {theirs:?}",
                    id.index()
                ));
            }
            if let Some(types) = fields(def) {
                self.records += 1;
                let ours = table.field_offsets(&types);
                let theirs = oracle_offsets(&oracle, &types);
                if ours != theirs {
                    self.mismatches.push(format!(
                        "{name}: {kind} `{type_name}` (type #{}): field offsets weft {ours:?}, \
                         wit-parser {theirs:?}",
                        id.index()
                    ));
                }
            }
        }

        for (func_name, func) in functions(resolve) {
            // The async ABI is out of the tables' scope (`AbiError::Async`).
            if func.kind.is_async() {
                self.async_functions += 1;
                continue;
            }
            // Parameters passed through memory are stored as a tuple.
            let params: Vec<Type> = func.params.iter().map(|p| p.ty).collect();
            let ours = table.tuple(&params).map(|t| {
                (
                    t.size as usize,
                    t.align as usize,
                    table.field_offsets(&params),
                )
            });
            let info = oracle.params(&params);
            let theirs = (
                info.size.size_wasm32(),
                info.align.align_wasm32(),
                oracle_offsets(&oracle, &params),
            );
            if ours.as_ref() != Ok(&theirs) {
                self.mismatches.push(format!(
                    "{name}: {func_name}: parameter tuple (size, align, offsets) weft {ours:?}, \
                     wit-parser {theirs:?}"
                ));
            }
            for (direction, variant) in [
                (Direction::Lift, AbiVariant::GuestExport),
                (Direction::Lower, AbiVariant::GuestImport),
            ] {
                self.signatures += 1;
                let ours = match table.signature(func, direction) {
                    Ok(sig) => (
                        sig.params,
                        sig.results,
                        sig.params_in_memory,
                        sig.results_in_memory,
                    ),
                    Err(err) => {
                        self.mismatches
                            .push(format!("{name}: {func_name} ({direction:?}): {err}"));
                        continue;
                    }
                };
                let sig = resolve.wasm_signature(variant, func);
                let theirs = (
                    sig.params.into_iter().map(wasm32).collect(),
                    sig.results.into_iter().map(wasm32).collect(),
                    sig.indirect_params,
                    sig.retptr,
                );
                if ours != theirs {
                    self.mismatches.push(format!(
                        "{name}: {func_name} ({direction:?}): (params, results, params in memory, \
                         results in memory) weft {ours:?}, wit-parser {theirs:?}"
                    ));
                }
            }
        }
    }
}

#[test]
fn layouts_and_signatures_agree_with_wit_parser() {
    let mut tally = Tally::default();
    for input in inputs() {
        tally.check(&input);
    }
    eprintln!(
        "checked {} inputs ({} skipped: they do not load), {} types ({} records and \
         tuples; {} resource types left out), {} signatures ({} async functions left out)",
        tally.inputs,
        tally.skipped.len(),
        tally.types,
        tally.records,
        tally.resources,
        tally.signatures,
        tally.async_functions,
    );
    for skipped in &tally.skipped {
        eprintln!("  skipped {skipped}");
    }
    assert!(
        tally.mismatches.is_empty(),
        "{} disagreements with wit-parser:\n{}",
        tally.mismatches.len(),
        tally.mismatches.join("\n")
    );
    assert!(
        tally.inputs >= MIN_INPUTS,
        "only {} corpus inputs loaded (at least {MIN_INPUTS} expected) from {}",
        tally.inputs,
        testsuite().display()
    );
}
