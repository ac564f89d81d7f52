//! The plan of a link: which input satisfies which import, the order of
//! instantiation, what stays imported and what is exported. Made from
//! the inputs' types alone, checked, and printed by `--explain`.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::fmt;

use wasmparser::component_types::{ComponentAnyTypeId, ComponentEntityType, ResourceId};

use super::check::{Checker, Identity};
use super::error::{Against, CycleEdge, LinkError};
use super::input::Input;
use super::names;

/// What satisfies one import of an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    /// Export `export` of input `input`.
    Export { input: usize, export: usize },
    /// Import `index` of the result.
    Import(usize),
}

/// An import of the result: the imports of the inputs that nothing
/// satisfies, one per name.
#[derive(Debug, Clone)]
pub(crate) struct TopImport {
    /// The name, with its version.
    pub full: String,
    /// Each input importing it, with the index of its import; the first
    /// gives the import its name and options.
    pub sources: Vec<(usize, usize)>,
}

/// An export of the result: export `export` of input `input`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TopExport {
    pub input: usize,
    pub export: usize,
    /// Exported because this other export (input, export) uses a
    /// resource it defines, which the result must name.
    pub needed_by: Option<(usize, usize)>,
}

/// How the inputs are linked; see [`Composer::plan`](super::Composer::plan).
/// Its `Display` is the text of `weft link --explain`.
pub struct LinkPlan {
    pub(crate) inputs: Vec<Input>,
    /// The inputs used, providers before the inputs importing from them.
    pub(crate) order: Vec<usize>,
    /// Per input, per import, what satisfies it (empty for inputs not used).
    pub(crate) wiring: Vec<Vec<Source>>,
    pub(crate) imports: Vec<TopImport>,
    pub(crate) exports: Vec<TopExport>,
    /// Inputs nothing imports from, left out.
    pub(crate) unused: Vec<usize>,
    /// What each input's resource types are in the result.
    pub(crate) identities: Vec<HashMap<ResourceId, Identity>>,
}

impl LinkPlan {
    /// Makes the plan and checks it: every import matched to an export
    /// of another input (or kept as an import of the result), providers
    /// ordered before their importers, and every import's type checked
    /// against what satisfies it.
    pub(crate) fn new(
        inputs: Vec<Input>,
        exports: &[String],
        require_all: bool,
    ) -> Result<LinkPlan, LinkError> {
        if inputs.is_empty() {
            return Err(LinkError::NoInputs);
        }
        for (n, input) in inputs.iter().enumerate() {
            if inputs[..n].iter().any(|other| other.name == input.name) {
                return Err(LinkError::DuplicateInput {
                    name: input.name.clone(),
                });
            }
        }
        let exports = choose_exports(&inputs, exports)?;

        // Which input satisfies which import, from the first input (and
        // those giving the result's exports) on.
        let mut wiring: Vec<Vec<Source>> = inputs.iter().map(|_| Vec::new()).collect();
        let mut used = vec![false; inputs.len()];
        let mut queue = VecDeque::from([0]);
        queue.extend(exports.iter().map(|e| e.input));
        let mut imports: Vec<TopImport> = Vec::new();
        while let Some(i) = queue.pop_front() {
            if std::mem::replace(&mut used[i], true) {
                continue;
            }
            for (j, import) in inputs[i].imports.iter().enumerate() {
                let source = match provider(&inputs, i, &import.full)? {
                    Some((k, e)) => {
                        queue.push_back(k);
                        Source::Export {
                            input: k,
                            export: e,
                        }
                    }
                    None => match imports.iter().position(|t| t.full == import.full) {
                        Some(t) => {
                            imports[t].sources.push((i, j));
                            Source::Import(t)
                        }
                        None => {
                            imports.push(TopImport {
                                full: import.full.clone(),
                                sources: vec![(i, j)],
                            });
                            Source::Import(imports.len() - 1)
                        }
                    },
                };
                wiring[i].push(source);
            }
        }
        let order = instantiation_order(&inputs, &wiring, &used)?;

        if require_all && !imports.is_empty() {
            let mut unsatisfied = Vec::new();
            for import in &imports {
                for &(i, _) in &import.sources {
                    unsatisfied.push((inputs[i].name.clone(), import.full.clone()));
                }
            }
            return Err(LinkError::Unsatisfied {
                imports: unsatisfied,
            });
        }

        // Types, in instantiation order, so that what an input's exports
        // mean is known before an importer is checked against them.
        let mut checker = Checker::new(&inputs);
        let mut mismatches = Vec::new();
        for &i in &order {
            for (j, source) in wiring[i].iter().enumerate() {
                let import = &inputs[i].imports[j];
                match *source {
                    Source::Export { input, export } => mismatches.extend(checker.check(
                        i,
                        import,
                        input,
                        &inputs[input].exports[export],
                        Against::Export,
                    )),
                    Source::Import(t) => {
                        let top = &imports[t];
                        checker.bind_import(i, import, &top.full);
                        let (first, first_import) = top.sources[0];
                        if first != i {
                            // The first may be instantiated later: its
                            // resources are the same imports all the same.
                            let other = &inputs[first].imports[first_import];
                            checker.bind_import(first, other, &top.full);
                            mismatches.extend(checker.check(
                                i,
                                import,
                                first,
                                other,
                                Against::Import,
                            ));
                        }
                    }
                }
            }
        }
        if !mismatches.is_empty() {
            return Err(LinkError::Mismatch(mismatches));
        }
        check_import_resources(&inputs, &checker, &imports)?;
        let exports = with_needed_exports(&inputs, &checker, exports)?;

        let unused = (0..inputs.len()).filter(|&i| !used[i]).collect();
        let identities = checker.into_identities();
        Ok(LinkPlan {
            identities,
            inputs,
            order,
            wiring,
            imports,
            exports,
            unused,
        })
    }

    /// The names of the result's imports, in order.
    pub fn imports(&self) -> Vec<String> {
        self.imports.iter().map(|t| t.full.clone()).collect()
    }

    /// The names of the result's exports, in order.
    pub fn exports(&self) -> Vec<String> {
        self.exports
            .iter()
            .map(|e| self.inputs[e.input].exports[e.export].full.clone())
            .collect()
    }

    /// The inputs in the order they are instantiated, by name.
    pub fn order(&self) -> Vec<String> {
        self.order
            .iter()
            .map(|&i| self.inputs[i].name.clone())
            .collect()
    }

    /// The inputs left out because nothing imports from them, by name.
    pub fn unused(&self) -> Vec<String> {
        self.unused
            .iter()
            .map(|&i| self.inputs[i].name.clone())
            .collect()
    }
}

/// The exports of the result: those named (looked up in the first input,
/// then in the others), or every export of the first input.
fn choose_exports(inputs: &[Input], names: &[String]) -> Result<Vec<TopExport>, LinkError> {
    let mut chosen: Vec<TopExport> = Vec::new();
    if names.is_empty() {
        chosen.extend((0..inputs[0].exports.len()).map(|export| TopExport {
            input: 0,
            export,
            needed_by: None,
        }));
    }
    for name in names {
        let found = inputs.iter().enumerate().find_map(|(input, i)| {
            let export = i
                .exports
                .iter()
                .position(|e| e.full == *name || e.name == *name)?;
            Some(TopExport {
                input,
                export,
                needed_by: None,
            })
        });
        match found {
            Some(export) => chosen.push(export),
            None => {
                let mut available = Vec::new();
                for input in inputs {
                    for export in &input.exports {
                        available.push(format!("{} ({})", export.full, input.name));
                    }
                }
                return Err(LinkError::UnknownExport {
                    name: name.clone(),
                    available,
                });
            }
        }
    }
    let full = |e: &TopExport| &inputs[e.input].exports[e.export].full;
    for (n, e) in chosen.iter().enumerate() {
        if let Some(first) = chosen[..n].iter().find(|f| full(f) == full(e)) {
            return Err(LinkError::DuplicateExport {
                name: full(e).clone(),
                first: inputs[first.input].name.clone(),
                second: inputs[e.input].name.clone(),
            });
        }
    }
    Ok(chosen)
}

/// Refuses an import of the result whose types use a resource that an
/// input defines.
fn check_import_resources(
    inputs: &[Input],
    checker: &Checker,
    imports: &[TopImport],
) -> Result<(), LinkError> {
    for import in imports {
        for &(i, j) in &import.sources {
            for r in checker.resources(i, &inputs[i].imports[j].ty) {
                if let Identity::Defined { input, .. } = checker.identity(i, r) {
                    return Err(LinkError::ImportUsesInputResource {
                        importer: inputs[i].name.clone(),
                        import: import.full.clone(),
                        resource: checker.resource_name(i, r),
                        provider: inputs[input].name.clone(),
                    });
                }
            }
        }
    }
    Ok(())
}

/// The exports of the result, each preceded by the exports that define
/// the resources it uses, where those are an input's and not its own:
/// the result must name every resource its exports use.
fn with_needed_exports(
    inputs: &[Input],
    checker: &Checker,
    chosen: Vec<TopExport>,
) -> Result<Vec<TopExport>, LinkError> {
    fn add(
        inputs: &[Input],
        checker: &Checker,
        export: TopExport,
        result: &mut Vec<TopExport>,
        depth: usize,
    ) {
        let same = |e: &TopExport| e.input == export.input && e.export == export.export;
        if result.iter().any(same) || depth > inputs.len() * 8 {
            return;
        }
        let item = &inputs[export.input].exports[export.export];
        for r in checker.resources(export.input, &item.ty) {
            let Identity::Defined { input, id } = checker.identity(export.input, r) else {
                continue;
            };
            let Some(definer) = defining_export(inputs, input, id) else {
                continue;
            };
            if (input, definer) == (export.input, export.export) {
                continue;
            }
            let needed = TopExport {
                input,
                export: definer,
                needed_by: Some((export.input, export.export)),
            };
            add(inputs, checker, needed, result, depth + 1);
        }
        result.push(export);
    }
    let mut result = Vec::new();
    for export in chosen {
        add(inputs, checker, export, &mut result, 0);
    }
    let full = |e: &TopExport| &inputs[e.input].exports[e.export].full;
    for (n, e) in result.iter().enumerate() {
        if let Some(first) = result[..n].iter().find(|f| full(f) == full(e)) {
            return Err(LinkError::DuplicateExport {
                name: full(e).clone(),
                first: inputs[first.input].name.clone(),
                second: inputs[e.input].name.clone(),
            });
        }
    }
    Ok(result)
}

/// The export of input `input` whose type declares resource `id`.
fn defining_export(inputs: &[Input], input: usize, id: ResourceId) -> Option<usize> {
    let declares = |ty: &ComponentEntityType| match ty {
        ComponentEntityType::Type {
            created: ComponentAnyTypeId::Resource(r),
            ..
        } => r.resource() == id,
        _ => false,
    };
    inputs[input]
        .exports
        .iter()
        .position(|export| match &export.ty {
            ComponentEntityType::Instance(inst) => inputs[input].types[*inst]
                .exports
                .values()
                .any(|item| declares(&item.ty)),
            other => declares(other),
        })
}

/// The input and export satisfying import `name` of input `importer`:
/// the first other input (in the order given) exporting that name or a
/// semver-compatible version of it. An input that exports the interface
/// only at incompatible versions is an error, unless another satisfies it.
fn provider(
    inputs: &[Input],
    importer: usize,
    name: &str,
) -> Result<Option<(usize, usize)>, LinkError> {
    let mut mismatch = None;
    for (k, input) in inputs.iter().enumerate() {
        if k == importer {
            continue;
        }
        let exports = input
            .exports
            .iter()
            .enumerate()
            .map(|(e, x)| (e, x.full.as_str()));
        match names::best(name, exports) {
            Some(Ok(e)) => return Ok(Some((k, e))),
            Some(Err(others)) if mismatch.is_none() => {
                mismatch = Some(LinkError::VersionMismatch {
                    importer: inputs[importer].name.clone(),
                    import: name.to_string(),
                    exporter: input.name.clone(),
                    exports: others.into_iter().map(str::to_string).collect(),
                });
            }
            _ => {}
        }
    }
    match mismatch {
        Some(err) => Err(err),
        None => Ok(None),
    }
}

/// The used inputs, each after the inputs it imports from; a cycle is an
/// error naming it.
fn instantiation_order(
    inputs: &[Input],
    wiring: &[Vec<Source>],
    used: &[bool],
) -> Result<Vec<usize>, LinkError> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        New,
        Visiting,
        Done,
    }
    struct Walk<'a> {
        inputs: &'a [Input],
        wiring: &'a [Vec<Source>],
        state: Vec<State>,
        /// The inputs being visited, with the import that led onwards.
        stack: Vec<(usize, usize)>,
        order: Vec<usize>,
    }
    impl Walk<'_> {
        fn visit(&mut self, i: usize) -> Result<(), LinkError> {
            match self.state[i] {
                State::Done => return Ok(()),
                State::Visiting => {
                    let start = self.stack.iter().position(|&(s, _)| s == i).unwrap_or(0);
                    let edges = self.stack[start..]
                        .iter()
                        .map(|&(importer, j)| {
                            let exporter = match self.wiring[importer][j] {
                                Source::Export { input, .. } => input,
                                Source::Import(_) => importer,
                            };
                            CycleEdge {
                                importer: self.inputs[importer].name.clone(),
                                import: self.inputs[importer].imports[j].full.clone(),
                                exporter: self.inputs[exporter].name.clone(),
                            }
                        })
                        .collect();
                    return Err(LinkError::Cycle(edges));
                }
                State::New => {}
            }
            self.state[i] = State::Visiting;
            for j in 0..self.wiring[i].len() {
                if let Source::Export { input, .. } = self.wiring[i][j] {
                    self.stack.push((i, j));
                    self.visit(input)?;
                    self.stack.pop();
                }
            }
            self.state[i] = State::Done;
            self.order.push(i);
            Ok(())
        }
    }
    let mut walk = Walk {
        inputs,
        wiring,
        state: vec![State::New; inputs.len()],
        stack: Vec::new(),
        order: Vec::new(),
    };
    for (i, used) in used.iter().enumerate() {
        if *used {
            walk.visit(i)?;
        }
    }
    Ok(walk.order)
}

impl fmt::Display for LinkPlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.inputs.iter().map(|i| i.name.as_str()).collect();
        writeln!(f, "link plan for {}", names.join(", "))?;
        writeln!(f, "instantiate, in this order:")?;
        for (n, &i) in self.order.iter().enumerate() {
            let input = &self.inputs[i];
            if input.imports.is_empty() {
                writeln!(f, "  {}. {} (imports nothing)", n + 1, input.name)?;
                continue;
            }
            writeln!(f, "  {}. {}", n + 1, input.name)?;
            let width = input
                .imports
                .iter()
                .map(|m| m.full.len())
                .max()
                .unwrap_or(0);
            for (import, source) in input.imports.iter().zip(&self.wiring[i]) {
                let from = match *source {
                    Source::Export { input: k, export } => {
                        let export = &self.inputs[k].exports[export];
                        let compatible = if export.full == import.full {
                            ""
                        } else {
                            " (semver-compatible)"
                        };
                        format!(
                            "{} exports {}{compatible}",
                            self.inputs[k].name, export.full
                        )
                    }
                    Source::Import(_) => "an import of the result".into(),
                };
                writeln!(f, "       {:width$}  <- {from}", import.full, width = width)?;
            }
        }
        writeln!(f, "imports of the result:")?;
        if self.imports.is_empty() {
            writeln!(f, "  (none)")?;
        }
        for import in &self.imports {
            let (i, j) = import.sources[0];
            let by: BTreeSet<usize> = import.sources.iter().map(|&(input, _)| input).collect();
            let by: Vec<&str> = by.iter().map(|&k| self.inputs[k].name.as_str()).collect();
            writeln!(
                f,
                "  {} ({}), for {}",
                import.full,
                self.inputs[i].imports[j].kind(),
                by.join(", ")
            )?;
        }
        writeln!(f, "exports of the result:")?;
        if self.exports.is_empty() {
            writeln!(f, "  (none)")?;
        }
        for export in &self.exports {
            let input = &self.inputs[export.input];
            let item = &input.exports[export.export];
            write!(f, "  {} ({}), from {}", item.full, item.kind(), input.name)?;
            if let Some((by_input, by_export)) = export.needed_by {
                let by = &self.inputs[by_input].exports[by_export].full;
                write!(f, " (as {by} uses its resources)")?;
            }
            writeln!(f)?;
        }
        if !self.unused.is_empty() {
            writeln!(
                f,
                "left out, as nothing imports from them: {}",
                self.unused().join(", ")
            )?;
        }
        Ok(())
    }
}
