//! A core module against its WIT world, before wit-component sees it.
//!
//! Every exported WIT function (at the world's top level or in an
//! exported interface, resource constructors, methods and static
//! functions included) must have its core export, named by wit-component's
//! legacy mangling (`name`, `ns:pkg/iface@v#name`) or the standard one
//! (`cm32p2|...`), with the core signature `AbiTable::signature(..,
//! Direction::Lift)` gives. A `cabi_post_*` export, a resource destructor
//! (`iface#[dtor]r`) and each core import that stands for an imported WIT
//! function are checked the same way where present. `cabi_realloc` and
//! the memory are required exactly when some function the module
//! implements or calls moves a value through memory. Everything found is
//! reported together, in the world's order; the checks never stop at the
//! first problem.
//!
//! Async functions are only looked for by name: their core signatures
//! belong to the async ABI, which wit-component checks.

use std::collections::BTreeSet;

use wasmparser::ValType;
use weft_wit::abi::{AbiTable, CoreSignature, Direction, FlatType};
use weft_wit::wit_parser::{
    Function, LiftLowerAbi, ManglingAndAbi, Resolve, Type, TypeDefKind, TypeId, WasmExport,
    WasmExportKind, WasmImport, WorldId, WorldItem, WorldKey,
};

use crate::error::{CoreItem, Problem};
use crate::module::{CoreFuncType, CoreModule};
use weft_wit::text::func_text;

#[cfg(test)]
mod tests;

const LEGACY: ManglingAndAbi = ManglingAndAbi::Legacy(LiftLowerAbi::Sync);
const STANDARD: ManglingAndAbi = ManglingAndAbi::Standard32;

/// The names `cabi_realloc` goes by, for both directions.
const REALLOCS: [&str; 3] = ["cabi_realloc", "canonical_abi_realloc", "cm32p2_realloc"];
/// The realloc used only for passing arguments to exports.
const EXPORT_REALLOC: &str = "cabi_export_realloc";
/// The realloc used only for results of imports.
const IMPORT_REALLOC: &str = "cabi_import_realloc";
/// The names the memory goes by.
const MEMORIES: [&str; 2] = ["memory", "cm32p2_memory"];

/// What the checks found.
#[derive(Debug, Default)]
pub(crate) struct Findings {
    /// Ways the module does not implement its world.
    pub problems: Vec<Problem>,
    /// Things that work but are probably not meant: an exported resource
    /// without a destructor.
    pub warnings: Vec<String>,
}

/// Checks `module` against `world` of `resolve`, whose canonical ABI is
/// `table`. `name` names the module in warnings.
pub(crate) fn check(
    name: &str,
    resolve: &Resolve,
    world: WorldId,
    table: &AbiTable,
    module: &CoreModule,
) -> Findings {
    let mut checker = Checker {
        name,
        resolve,
        table,
        module,
        findings: Findings::default(),
        matched: BTreeSet::new(),
        missing: Vec::new(),
        export_realloc: None,
        import_realloc: None,
        memory: None,
    };
    let world = &resolve.worlds[world];
    for (key, item) in &world.exports {
        match item {
            WorldItem::Function(func) => checker.export(None, func),
            WorldItem::Interface { id, .. } => {
                let interface = &resolve.interfaces[*id];
                for func in interface.functions.values() {
                    checker.export(Some(key), func);
                }
                for (resource, ty) in &interface.types {
                    if matches!(resolve.types[*ty].kind, TypeDefKind::Resource) {
                        checker.destructor(key, resource, *ty);
                    }
                }
            }
            WorldItem::Type { .. } => {}
        }
    }
    for (key, item) in &world.imports {
        match item {
            WorldItem::Function(func) => checker.import(None, func),
            WorldItem::Interface { id, .. } => {
                for func in resolve.interfaces[*id].functions.values() {
                    checker.import(Some(key), func);
                }
            }
            WorldItem::Type { .. } => {}
        }
    }
    checker.realloc_and_memory();
    checker.near_names();
    checker.findings
}

struct Checker<'a> {
    name: &'a str,
    resolve: &'a Resolve,
    table: &'a AbiTable,
    module: &'a CoreModule,
    findings: Findings,
    /// Core exports that stand for something in the world.
    matched: BTreeSet<String>,
    /// Missing exports: the index of the problem and the WIT function's
    /// name, for looking for near names at the end.
    missing: Vec<(usize, String)>,
    /// Why `cabi_realloc` is needed for calls into the module, if it is.
    export_realloc: Option<String>,
    /// Why `cabi_realloc` is needed for calls out of the module, if it is.
    import_realloc: Option<String>,
    /// Why the memory is needed, if it is.
    memory: Option<String>,
}

impl Checker<'_> {
    /// The exported function `func` (of the interface exported as `key`).
    fn export(&mut self, key: Option<&WorldKey>, func: &Function) {
        let resolve = self.resolve;
        let export_name = |mangling, kind| {
            resolve.wasm_export_name(
                mangling,
                WasmExport::Func {
                    interface: key,
                    func,
                    kind,
                },
            )
        };
        let legacy = export_name(LEGACY, WasmExportKind::Normal);
        let mut names = vec![
            legacy.clone(),
            export_name(STANDARD, WasmExportKind::Normal),
        ];
        let asynchronous = func.kind.is_async();
        if asynchronous {
            for abi in [LiftLowerAbi::AsyncCallback, LiftLowerAbi::AsyncStackful] {
                names.push(export_name(
                    ManglingAndAbi::Legacy(abi),
                    WasmExportKind::Normal,
                ));
            }
        }
        let wit = func_text(resolve, func);
        let Some(core_name) = names
            .into_iter()
            .find(|name| self.module.funcs.contains_key(name))
        else {
            self.missing
                .push((self.findings.problems.len(), func.name.clone()));
            self.findings.problems.push(Problem::MissingExport {
                export: legacy,
                wit,
                near: None,
            });
            return;
        };
        self.matched.insert(core_name.clone());
        if asynchronous {
            return;
        }
        let Ok(signature) = self.table.signature(func, Direction::Lift) else {
            return;
        };
        let expected = core_type(&signature);
        let described = || Some(format!("{}: {wit}", func.name));
        self.compare(
            CoreItem::Export,
            &core_name,
            described(),
            &expected,
            &self.module.funcs[&core_name],
        );

        for mangling in [LEGACY, STANDARD] {
            let post = export_name(mangling, WasmExportKind::PostReturn);
            if let Some(found) = self.module.funcs.get(&post) {
                self.matched.insert(post.clone());
                let expected = CoreFuncType {
                    params: expected.results.clone(),
                    results: Vec::new(),
                };
                self.compare(CoreItem::PostReturn, &post, described(), &expected, found);
            }
        }

        let strings_in = func.params.iter().any(|p| holds_list(resolve, &p.ty));
        if self.export_realloc.is_none() && (signature.params_in_memory || strings_in) {
            let why = if signature.params_in_memory {
                "more than 16 flat parameters, which the caller stores in its memory"
            } else {
                "a string or list argument, which the caller copies into its memory"
            };
            self.export_realloc = Some(format!("export `{legacy}` ({wit}) takes {why}"));
        }
        self.note_memory(&legacy, &wit, func, &signature);
    }

    /// The destructor of `resource` (`ty`), exported in the interface
    /// exported as `key`: optional, but checked when present.
    fn destructor(&mut self, key: &WorldKey, resource: &str, ty: TypeId) {
        let names = [LEGACY, STANDARD].map(|mangling| {
            self.resolve.wasm_export_name(
                mangling,
                WasmExport::ResourceDtor {
                    interface: key,
                    resource: ty,
                },
            )
        });
        let Some(found) = names
            .iter()
            .find(|name| self.module.funcs.contains_key(*name))
        else {
            self.findings.warnings.push(format!(
                "{} exports resource `{resource}` of `{}` without a destructor (`{}`): \
                 it is never told when a handle to one is dropped",
                self.name,
                self.resolve.name_world_key(key),
                names[0],
            ));
            return;
        };
        self.matched.insert(found.clone());
        let expected = CoreFuncType {
            params: vec![ValType::I32],
            results: Vec::new(),
        };
        self.compare(
            CoreItem::Destructor,
            found,
            None,
            &expected,
            &self.module.funcs[found],
        );
    }

    /// The imported function `func` (of the interface imported as `key`),
    /// if the module imports it.
    fn import(&mut self, key: Option<&WorldKey>, func: &Function) {
        let found = [LEGACY, STANDARD].into_iter().find_map(|mangling| {
            let (module, name) = self.resolve.wasm_import_name(
                mangling,
                WasmImport::Func {
                    interface: key,
                    func,
                },
            );
            let ty = self.module.imports.get(&(module.clone(), name.clone()))?;
            Some((format!("{module}#{name}"), ty))
        });
        let Some((core_name, found)) = found else {
            return;
        };
        if func.kind.is_async() {
            return;
        }
        let Ok(signature) = self.table.signature(func, Direction::Lower) else {
            return;
        };
        let wit = func_text(self.resolve, func);
        self.compare(
            CoreItem::Import,
            &core_name,
            Some(format!("{}: {wit}", func.name)),
            &core_type(&signature),
            found,
        );
        let strings_out = func
            .result
            .as_ref()
            .is_some_and(|ty| holds_list(self.resolve, ty));
        if self.import_realloc.is_none() && strings_out {
            self.import_realloc = Some(format!(
                "import `{core_name}` ({wit}) returns a string or list, which the callee \
                 copies into its memory"
            ));
        }
        self.note_memory(&core_name, &wit, func, &signature);
    }

    /// Records that the memory is needed if `func`'s values pass through
    /// it.
    fn note_memory(&mut self, name: &str, wit: &str, func: &Function, signature: &CoreSignature) {
        if self.memory.is_some() {
            return;
        }
        let strings = func
            .params
            .iter()
            .map(|p| &p.ty)
            .chain(&func.result)
            .any(|ty| holds_list(self.resolve, ty));
        if strings || signature.params_in_memory || signature.results_in_memory {
            self.memory = Some(format!("`{name}` ({wit}) passes values through memory"));
        }
    }

    /// `cabi_realloc` and the memory, where needed; every realloc present
    /// is checked.
    fn realloc_and_memory(&mut self) {
        let expected = CoreFuncType {
            params: vec![ValType::I32; 4],
            results: vec![ValType::I32],
        };
        let all = REALLOCS.iter().chain(&[EXPORT_REALLOC, IMPORT_REALLOC]);
        for name in all {
            if let Some(found) = self.module.funcs.get(*name) {
                self.matched.insert(name.to_string());
                self.compare(CoreItem::Realloc, name, None, &expected, found);
            }
        }
        let has = |extra: &str| {
            REALLOCS
                .iter()
                .chain([&extra])
                .any(|name| self.module.funcs.contains_key(*name))
        };
        let needed_by = match (&self.export_realloc, &self.import_realloc) {
            (Some(why), _) if !has(EXPORT_REALLOC) => Some(why.clone()),
            (_, Some(why)) if !has(IMPORT_REALLOC) => Some(why.clone()),
            _ => None,
        };
        if let Some(needed_by) = needed_by {
            self.findings
                .problems
                .push(Problem::MissingRealloc { needed_by });
        }
        let has_memory = self.module.imports_memory
            || MEMORIES
                .iter()
                .any(|name| self.module.memories.iter().any(|m| m == name));
        if let (Some(needed_by), false) = (&self.memory, has_memory) {
            self.findings.problems.push(Problem::MissingMemory {
                needed_by: needed_by.clone(),
            });
        }
    }

    /// For each missing export, a core export that matches nothing and
    /// looks meant for it: the function's own name, or a name a few edits
    /// away (a third of the function name's length). Each such export is
    /// offered once, to the missing export nearest to it.
    fn near_names(&mut self) {
        let unmatched: Vec<&String> = self
            .module
            .funcs
            .keys()
            .filter(|name| !self.matched.contains(*name))
            .collect();
        let mut pairs = Vec::new();
        for (index, func) in &self.missing {
            let Problem::MissingExport { export, .. } = &self.findings.problems[*index] else {
                continue;
            };
            let limit = (func.chars().count() / 3).max(1);
            let suffix = format!("#{func}");
            for name in &unmatched {
                let distance = if *name == func || name.ends_with(&suffix) {
                    0
                } else {
                    edit_distance(name, export)
                };
                if distance <= limit {
                    pairs.push((distance, *index, *name));
                }
            }
        }
        pairs.sort();
        let mut offered = BTreeSet::new();
        for (_, index, name) in pairs {
            if let Problem::MissingExport {
                near: near @ None, ..
            } = &mut self.findings.problems[index]
            {
                if offered.insert(name) {
                    *near = Some(name.clone());
                }
            }
        }
    }

    /// Records a problem if `found` is not `expected`.
    fn compare(
        &mut self,
        item: CoreItem,
        name: &str,
        wit: Option<String>,
        expected: &CoreFuncType,
        found: &CoreFuncType,
    ) {
        if expected != found {
            self.findings.problems.push(Problem::WrongSignature {
                item,
                name: name.to_string(),
                wit,
                expected: expected.to_string(),
                found: found.to_string(),
            });
        }
    }
}

/// `signature` as a core function type.
fn core_type(signature: &CoreSignature) -> CoreFuncType {
    let types = |flat: &[FlatType]| -> Vec<ValType> {
        flat.iter()
            .map(|ty| match ty {
                FlatType::I32 => ValType::I32,
                FlatType::I64 => ValType::I64,
                FlatType::F32 => ValType::F32,
                FlatType::F64 => ValType::F64,
            })
            .collect()
    };
    CoreFuncType {
        params: types(&signature.params),
        results: types(&signature.results),
    }
}

/// Whether a value of `ty` holds a string or a list, whose contents live
/// in linear memory.
fn holds_list(resolve: &Resolve, ty: &Type) -> bool {
    let id = match ty {
        Type::String => return true,
        Type::Id(id) => *id,
        _ => return false,
    };
    let holds = |ty: &Type| holds_list(resolve, ty);
    let Some(def) = resolve.types.get(id) else {
        return false;
    };
    match &def.kind {
        TypeDefKind::List(_) | TypeDefKind::Map(..) => true,
        TypeDefKind::FixedLengthList(ty, _) | TypeDefKind::Option(ty) | TypeDefKind::Type(ty) => {
            holds(ty)
        }
        TypeDefKind::Record(record) => record.fields.iter().any(|f| holds(&f.ty)),
        TypeDefKind::Tuple(tuple) => tuple.types.iter().any(holds),
        TypeDefKind::Variant(variant) => variant
            .cases
            .iter()
            .filter_map(|c| c.ty.as_ref())
            .any(holds),
        TypeDefKind::Result(result) => result.ok.iter().chain(&result.err).any(holds),
        _ => false,
    }
}

/// The edit distance between `a` and `b` in characters, a swap of two
/// neighbours counting as one edit (optimal string alignment).
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Three rows of the table: two back, one back, current.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        current[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(before[j - 2] + 1);
            }
            current[j] = best;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}
