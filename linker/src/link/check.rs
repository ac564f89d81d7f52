//! Type checking an import against what satisfies it, by structure, as
//! the component model's subtyping says (which wasmparser implements as
//! equality of value and function types): an instance must have every
//! item the import lists (it may have more), functions have the same
//! parameter names and types and the same result, records the same
//! fields in order, variants the same cases, and resources are the same
//! resource. A mismatch is reported with both sides as WIT.
//!
//! Resources are compared by identity across inputs: each input's
//! resource types are bound, in instantiation order, to what they are in
//! the result, an import of the result (by name and path) or a resource
//! some input defines, so that `own<index>` in an importer matches the
//! `index` of exactly the instance that satisfies it.

use std::collections::{HashMap, HashSet};

use wasmparser::component_types::{
    ComponentAnyTypeId, ComponentDefinedType, ComponentDefinedTypeId, ComponentEntityType,
    ComponentFuncTypeId, ComponentValType, ResourceId,
};

use super::error::{Against, TypeMismatch};
use super::input::{Input, Item};
use super::text::{item_label, Namer};

/// What a resource type is in the linked component.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Identity {
    /// Brought in by an import of the result: the import's name and the
    /// path of type exports inside it.
    Import { name: String, path: Vec<String> },
    /// Defined by an input (its own resource, instantiated once).
    Defined { input: usize, id: ResourceId },
}

/// The resource bindings of every input, built up in instantiation order.
pub(crate) struct Checker<'a> {
    inputs: &'a [Input],
    identities: Vec<HashMap<ResourceId, Identity>>,
    /// Types of an importer already reported as mismatched (a type item
    /// of an interface): functions using them are not reported again.
    reported: HashSet<(usize, Reported)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Reported {
    Defined(ComponentDefinedTypeId),
    Resource(ResourceId),
}

/// Where inside an item two types part, innermost last, and the parts.
#[derive(Debug)]
struct Problem {
    steps: Vec<String>,
    expected: String,
    found: String,
    definitions: Vec<(String, String)>,
}

impl Problem {
    fn here(expected: String, found: String) -> Problem {
        Problem {
            steps: Vec::new(),
            expected,
            found,
            definitions: Vec::new(),
        }
    }

    fn within(mut self, step: String) -> Problem {
        self.steps.insert(0, step);
        self
    }
}

type Checked = Result<(), Problem>;

/// The two sides of one comparison.
struct Sides<'a> {
    a: usize,
    b: usize,
    na: Namer<'a>,
    nb: Namer<'a>,
}

impl<'a> Checker<'a> {
    pub fn new(inputs: &'a [Input]) -> Checker<'a> {
        Checker {
            inputs,
            identities: inputs.iter().map(|_| HashMap::new()).collect(),
            reported: HashSet::new(),
        }
    }

    /// Binds the resources that import `item` of input `input` brings in,
    /// the import staying an import of the result under `name`.
    pub fn bind_import(&mut self, input: usize, item: &Item, name: &str) {
        let mut path = Vec::new();
        self.bind_entity(input, &item.ty, name, &mut path);
    }

    fn bind_entity(
        &mut self,
        input: usize,
        ty: &ComponentEntityType,
        name: &str,
        path: &mut Vec<String>,
    ) {
        match ty {
            ComponentEntityType::Type {
                created: ComponentAnyTypeId::Resource(r),
                ..
            } => {
                self.identities[input]
                    .entry(r.resource())
                    .or_insert_with(|| Identity::Import {
                        name: name.to_string(),
                        path: path.clone(),
                    });
            }
            ComponentEntityType::Instance(id) => {
                let types = &self.inputs[input].types;
                for (export, item) in &types[*id].exports {
                    path.push(export.clone());
                    self.bind_entity(input, &item.ty, name, path);
                    path.pop();
                }
            }
            _ => {}
        }
    }

    /// Every resource type `ty` (of input `input`) refers to, in order.
    pub fn resources(&self, input: usize, ty: &ComponentEntityType) -> Vec<ResourceId> {
        resources(self.inputs, input, ty)
    }

    /// The resource bindings made, per input.
    pub fn into_identities(self) -> Vec<HashMap<ResourceId, Identity>> {
        self.identities
    }

    /// The name input `input`'s types give resource `id`.
    pub fn resource_name(&self, input: usize, id: ResourceId) -> String {
        Namer::new(&self.inputs[input]).resource(id).to_string()
    }

    /// What resource `id` of input `input` is in the result.
    pub fn identity(&self, input: usize, id: ResourceId) -> Identity {
        self.identities[input]
            .get(&id)
            .cloned()
            .unwrap_or(Identity::Defined { input, id })
    }

    /// Checks import `import` of input `a` against `other` of input `b`:
    /// an export satisfying it, or another input's import of the same
    /// name (then only the items both have are compared).
    pub fn check(
        &mut self,
        a: usize,
        import: &Item,
        b: usize,
        other: &Item,
        against: Against,
    ) -> Vec<TypeMismatch> {
        let inputs = self.inputs;
        let (ia, ib) = (&inputs[a], &inputs[b]);
        let mismatch =
            |item: Option<String>, expected: String, found: Option<String>| TypeMismatch {
                importer: ia.name.clone(),
                import: import.full.clone(),
                exporter: ib.name.clone(),
                export: other.full.clone(),
                against,
                item,
                expected,
                found,
                detail: None,
                definitions: Vec::new(),
            };
        let mut mismatches = Vec::new();
        match (&import.ty, &other.ty) {
            (ComponentEntityType::Instance(x), ComponentEntityType::Instance(y)) => {
                let sides = Sides {
                    a,
                    b,
                    na: Namer::for_instance(ia, *x),
                    nb: Namer::for_instance(ib, *y),
                };
                let (ex, ey) = (&ia.types[*x].exports, &ib.types[*y].exports);
                for (name, item) in ex {
                    let expected = sides.na.entity(name, &item.ty);
                    let Some(found) = ey.get(name) else {
                        if against == Against::Export {
                            mismatches.push(mismatch(Some(item_label(name)), expected, None));
                        }
                        continue;
                    };
                    if let Err(problem) = self.entity(&sides, &item.ty, &found.ty) {
                        self.report(a, &item.ty);
                        let found_text = sides.nb.entity(name, &found.ty);
                        let mut m = mismatch(Some(item_label(name)), expected, Some(found_text));
                        describe(&mut m, problem);
                        mismatches.push(m);
                    }
                }
            }
            (x, y) => {
                let sides = Sides {
                    a,
                    b,
                    na: Namer::new(ia),
                    nb: Namer::new(ib),
                };
                if let Err(problem) = self.entity(&sides, x, y) {
                    let expected = sides.na.entity(&import.name, x);
                    let found = sides.nb.entity(&other.name, y);
                    let mut m = mismatch(None, expected, Some(found));
                    describe(&mut m, problem);
                    mismatches.push(m);
                }
            }
        }
        mismatches
    }

    /// Marks type item `ty` of input `input` as reported.
    fn report(&mut self, input: usize, ty: &ComponentEntityType) {
        if let ComponentEntityType::Type {
            referenced,
            created,
        } = ty
        {
            for id in [referenced, created] {
                match id {
                    ComponentAnyTypeId::Defined(d) => {
                        self.reported.insert((input, Reported::Defined(*d)));
                    }
                    ComponentAnyTypeId::Resource(r) => {
                        self.reported
                            .insert((input, Reported::Resource(r.resource())));
                    }
                    _ => {}
                }
            }
        }
    }

    /// Whether `ty` of input `input` is (or handles) a type already
    /// reported.
    fn was_reported(&self, input: usize, ty: &ComponentValType) -> bool {
        let ComponentValType::Type(id) = ty else {
            return false;
        };
        let types = &self.inputs[input].types;
        let mut current = Some(*id);
        while let Some(c) = current {
            if self.reported.contains(&(input, Reported::Defined(c))) {
                return true;
            }
            current = types.peel_alias(c);
        }
        match &types[*id] {
            ComponentDefinedType::Own(r) | ComponentDefinedType::Borrow(r) => self
                .reported
                .contains(&(input, Reported::Resource(r.resource()))),
            _ => false,
        }
    }

    fn entity(&mut self, s: &Sides, x: &ComponentEntityType, y: &ComponentEntityType) -> Checked {
        use ComponentEntityType as E;
        match (x, y) {
            (E::Func(x), E::Func(y)) => self.func(s, *x, *y),
            (E::Type { referenced: x, .. }, E::Type { referenced: y, .. }) => {
                self.any_type(s, *x, *y)
            }
            (E::Value(x), E::Value(y)) => self.val(s, x, y),
            (E::Instance(x), E::Instance(y)) => {
                let inputs = self.inputs;
                let (ia, ib) = (&inputs[s.a], &inputs[s.b]);
                for (name, item) in &ia.types[*x].exports {
                    let Some(found) = ib.types[*y].exports.get(name) else {
                        return Err(Problem::here(s.na.entity(name, &item.ty), "nothing".into())
                            .within(format!("`{name}`")));
                    };
                    self.entity(s, &item.ty, &found.ty)
                        .map_err(|p| p.within(format!("`{name}`")))?;
                }
                Ok(())
            }
            // Core modules and components are left to validation.
            (E::Module(_), E::Module(_)) | (E::Component(_), E::Component(_)) => Ok(()),
            (x, y) => Err(Problem::here(
                super::input::kind_name(x).into(),
                super::input::kind_name(y).into(),
            )),
        }
    }

    fn any_type(&mut self, s: &Sides, x: ComponentAnyTypeId, y: ComponentAnyTypeId) -> Checked {
        use ComponentAnyTypeId as T;
        match (x, y) {
            (T::Resource(x), T::Resource(y)) => self.resource(s, x.resource(), y.resource()),
            (T::Defined(x), T::Defined(y)) => self.defined(s, x, y),
            (T::Func(x), T::Func(y)) => self.func(s, x, y),
            (T::Resource(_), T::Defined(y)) => Err(Problem::here(
                "a resource".into(),
                format!("{}, not a resource", s.nb.structure(y)),
            )),
            (T::Defined(x), T::Resource(_)) => Err(Problem::here(
                format!("{}, not a resource", s.na.structure(x)),
                "a resource".into(),
            )),
            (x, y) => Err(Problem::here(any_kind(x).into(), any_kind(y).into())),
        }
    }

    fn resource(&mut self, s: &Sides, x: ResourceId, y: ResourceId) -> Checked {
        let found = self.identity(s.b, y);
        match self.identities[s.a].get(&x) {
            Some(expected) if *expected == found => Ok(()),
            Some(expected) => Err(Problem::here(
                self.describe_identity(expected, s.na.resource(x)),
                self.describe_identity(&found, s.nb.resource(y)),
            )),
            None => {
                self.identities[s.a].insert(x, found);
                Ok(())
            }
        }
    }

    fn describe_identity(&self, identity: &Identity, name: &str) -> String {
        match identity {
            Identity::Import { name: import, path } if path.is_empty() => {
                format!("`{name}`, the resource imported as {import}")
            }
            Identity::Import { name: import, path } => {
                format!(
                    "`{name}`, the resource `{}` of the import {import}",
                    path.join(".")
                )
            }
            Identity::Defined { input, .. } => {
                format!(
                    "`{name}`, a resource that {} defines",
                    self.inputs[*input].name
                )
            }
        }
    }

    fn func(&mut self, s: &Sides, x: ComponentFuncTypeId, y: ComponentFuncTypeId) -> Checked {
        let inputs = self.inputs;
        let (ia, ib) = (&inputs[s.a], &inputs[s.b]);
        let (fx, fy) = (&ia.types[x], &ib.types[y]);
        let asynchronous = |a: bool| if a { "an async func" } else { "a func" };
        if fx.async_ != fy.async_ {
            return Err(Problem::here(
                asynchronous(fx.async_).into(),
                asynchronous(fy.async_).into(),
            ));
        }
        let names = |f: &wasmparser::component_types::ComponentFuncType| {
            f.params
                .iter()
                .map(|(n, _)| n.as_str().to_string())
                .collect::<Vec<_>>()
        };
        let (px, py) = (names(fx), names(fy));
        if px != py {
            let list = |names: &[String]| format!("({})", names.join(", "));
            return Err(Problem::here(list(&px), list(&py)).within("the parameter names".into()));
        }
        for ((name, tx), (_, ty)) in fx.params.iter().zip(fy.params.iter()) {
            self.val(s, tx, ty)
                .map_err(|p| p.within(format!("parameter `{name}`")))?;
        }
        match (&fx.result, &fy.result) {
            (Some(tx), Some(ty)) => self
                .val(s, tx, ty)
                .map_err(|p| p.within("the result".into())),
            (None, None) => Ok(()),
            (tx, ty) => {
                let text = |n: &Namer, t: &Option<ComponentValType>| {
                    t.as_ref().map_or("no result".into(), |t| n.val(t))
                };
                Err(Problem::here(text(&s.na, tx), text(&s.nb, ty)).within("the result".into()))
            }
        }
    }

    fn val(&mut self, s: &Sides, x: &ComponentValType, y: &ComponentValType) -> Checked {
        if self.was_reported(s.a, x) {
            return Ok(());
        }
        let inputs = self.inputs;
        let (ia, ib) = (&inputs[s.a], &inputs[s.b]);
        let prim = |input: &Input, t: &ComponentValType| match t {
            ComponentValType::Primitive(p) => Some(*p),
            ComponentValType::Type(id) => match &input.types[*id] {
                ComponentDefinedType::Primitive(p) => Some(*p),
                _ => None,
            },
        };
        match (prim(ia, x), prim(ib, y), x, y) {
            (Some(p), Some(q), _, _) if p == q => Ok(()),
            (None, None, ComponentValType::Type(x), ComponentValType::Type(y)) => {
                self.defined(s, *x, *y)
            }
            _ => Err(Problem::here(
                kind_text(&s.na, ia, x),
                kind_text(&s.nb, ib, y),
            )),
        }
    }

    fn defined(
        &mut self,
        s: &Sides,
        x: ComponentDefinedTypeId,
        y: ComponentDefinedTypeId,
    ) -> Checked {
        use ComponentDefinedType as D;
        let inputs = self.inputs;
        let (ia, ib) = (&inputs[s.a], &inputs[s.b]);
        let here = || Problem::here(s.na.structure(x), s.nb.structure(y));
        let result = match (&ia.types[x], &ib.types[y]) {
            (D::Primitive(p), D::Primitive(q)) if p == q => Ok(()),
            (D::Record(rx), D::Record(ry)) => {
                if !rx
                    .fields
                    .keys()
                    .map(|k| k.as_str())
                    .eq(ry.fields.keys().map(|k| k.as_str()))
                {
                    Err(here())
                } else {
                    rx.fields
                        .iter()
                        .zip(ry.fields.values())
                        .try_for_each(|((name, tx), ty)| {
                            self.val(s, tx, ty)
                                .map_err(|p| p.within(format!("field `{name}`")))
                        })
                }
            }
            (D::Variant(vx), D::Variant(vy)) => {
                if !vx
                    .cases
                    .keys()
                    .map(|k| k.as_str())
                    .eq(vy.cases.keys().map(|k| k.as_str()))
                {
                    Err(here())
                } else {
                    vx.cases
                        .iter()
                        .zip(vy.cases.values())
                        .try_for_each(|((name, cx), cy)| {
                            self.optional(s, &cx.ty, &cy.ty, "no payload")
                                .map_err(|p| p.within(format!("case `{name}`")))
                        })
                }
            }
            (D::List { element: ex, .. }, D::List { element: ey, .. }) => self
                .val(s, ex, ey)
                .map_err(|p| p.within("the list's elements".into())),
            (
                D::FixedLengthList {
                    element: ex,
                    length: lx,
                    ..
                },
                D::FixedLengthList {
                    element: ey,
                    length: ly,
                    ..
                },
            ) => {
                if lx != ly {
                    Err(here())
                } else {
                    self.val(s, ex, ey)
                        .map_err(|p| p.within("the list's elements".into()))
                }
            }
            (
                D::Map {
                    key: kx, value: vx, ..
                },
                D::Map {
                    key: ky, value: vy, ..
                },
            ) => self
                .val(s, kx, ky)
                .map_err(|p| p.within("the map's keys".into()))
                .and_then(|()| {
                    self.val(s, vx, vy)
                        .map_err(|p| p.within("the map's values".into()))
                }),
            (D::Tuple(tx), D::Tuple(ty)) => {
                if tx.types.len() != ty.types.len() {
                    Err(here())
                } else {
                    tx.types
                        .iter()
                        .zip(ty.types.iter())
                        .enumerate()
                        .try_for_each(|(n, (a, b))| {
                            self.val(s, a, b)
                                .map_err(|p| p.within(format!("tuple element {n}")))
                        })
                }
            }
            (D::Flags(nx), D::Flags(ny)) | (D::Enum(nx), D::Enum(ny)) => {
                if nx
                    .iter()
                    .map(|k| k.as_str())
                    .eq(ny.iter().map(|k| k.as_str()))
                {
                    Ok(())
                } else {
                    Err(here())
                }
            }
            (D::Option { ty: tx, .. }, D::Option { ty: ty_, .. }) => self
                .val(s, tx, ty_)
                .map_err(|p| p.within("the option's payload".into())),
            (
                D::Result {
                    ok: ox, err: ex, ..
                },
                D::Result {
                    ok: oy, err: ey, ..
                },
            ) => self
                .optional(s, ox, oy, "none")
                .map_err(|p| p.within("the ok type".into()))
                .and_then(|()| {
                    self.optional(s, ex, ey, "none")
                        .map_err(|p| p.within("the error type".into()))
                }),
            (D::Own(rx), D::Own(ry)) | (D::Borrow(rx), D::Borrow(ry)) => {
                self.resource(s, rx.resource(), ry.resource())
            }
            (D::Future { ty: tx, .. }, D::Future { ty: ty_, .. })
            | (D::Stream { ty: tx, .. }, D::Stream { ty: ty_, .. }) => {
                self.optional(s, tx, ty_, "no payload")
            }
            _ => Err(Problem::here(
                kind_text(&s.na, ia, &ComponentValType::Type(x)),
                kind_text(&s.nb, ib, &ComponentValType::Type(y)),
            )),
        };
        result.map_err(|mut problem| {
            let (name_x, name_y) = (s.na.name(x), s.nb.name(y));
            if let Some(name) = name_x.or(name_y) {
                let kind = kind_word(&ia.types[x]);
                if problem.definitions.is_empty() {
                    problem.definitions.push((
                        s.na.definition(name_x.unwrap_or(name), x),
                        s.nb.definition(name_y.unwrap_or(name), y),
                    ));
                }
                problem = problem.within(format!("{kind} `{name}`"));
            }
            problem
        })
    }

    fn optional(
        &mut self,
        s: &Sides,
        x: &Option<ComponentValType>,
        y: &Option<ComponentValType>,
        none: &str,
    ) -> Checked {
        match (x, y) {
            (Some(x), Some(y)) => self.val(s, x, y),
            (None, None) => Ok(()),
            (x, y) => {
                let text = |n: &Namer, t: &Option<ComponentValType>| {
                    t.as_ref().map_or(none.to_string(), |t| n.val(t))
                };
                Err(Problem::here(text(&s.na, x), text(&s.nb, y)))
            }
        }
    }
}

/// Every resource type `ty` (of input `input`) refers to, in order.
pub(crate) fn resources(
    inputs: &[Input],
    input: usize,
    ty: &ComponentEntityType,
) -> Vec<ResourceId> {
    let mut found = Vec::new();
    ResourceWalk { inputs }.entity_resources(input, ty, &mut found);
    found
}

struct ResourceWalk<'a> {
    inputs: &'a [Input],
}

impl ResourceWalk<'_> {
    fn entity_resources(
        &self,
        input: usize,
        ty: &ComponentEntityType,
        found: &mut Vec<ResourceId>,
    ) {
        let types = &self.inputs[input].types;
        match ty {
            ComponentEntityType::Func(f) => self.func_resources(input, *f, found),
            ComponentEntityType::Type { referenced, .. } => match referenced {
                ComponentAnyTypeId::Resource(r) => push_new(found, r.resource()),
                ComponentAnyTypeId::Defined(d) => {
                    self.val_resources(input, &ComponentValType::Type(*d), found)
                }
                ComponentAnyTypeId::Func(f) => self.func_resources(input, *f, found),
                ComponentAnyTypeId::Instance(_) | ComponentAnyTypeId::Component(_) => {}
            },
            ComponentEntityType::Instance(id) => {
                for item in types[*id].exports.values() {
                    self.entity_resources(input, &item.ty, found);
                }
            }
            ComponentEntityType::Value(v) => self.val_resources(input, v, found),
            ComponentEntityType::Module(_) | ComponentEntityType::Component(_) => {}
        }
    }

    fn func_resources(&self, input: usize, id: ComponentFuncTypeId, found: &mut Vec<ResourceId>) {
        let func = &self.inputs[input].types[id];
        for (_, ty) in func.params.iter() {
            self.val_resources(input, ty, found);
        }
        if let Some(ty) = &func.result {
            self.val_resources(input, ty, found);
        }
    }

    fn val_resources(&self, input: usize, ty: &ComponentValType, found: &mut Vec<ResourceId>) {
        use ComponentDefinedType as D;
        let ComponentValType::Type(id) = ty else {
            return;
        };
        let defined = &self.inputs[input].types[*id];
        if let D::Own(r) | D::Borrow(r) = defined {
            push_new(found, r.resource());
            return;
        }
        let mut walk = |ty: &ComponentValType| self.val_resources(input, ty, found);
        match defined {
            D::Primitive(_) | D::Flags(_) | D::Enum(_) => {}
            D::Record(r) => r.fields.values().for_each(walk),
            D::Variant(v) => v
                .cases
                .values()
                .filter_map(|c| c.ty.as_ref())
                .for_each(walk),
            D::List { element, .. } | D::FixedLengthList { element, .. } => walk(element),
            D::Map { key, value, .. } => {
                walk(key);
                walk(value);
            }
            D::Tuple(t) => t.types.iter().for_each(walk),
            D::Option { ty, .. } => walk(ty),
            D::Result { ok, err, .. } => ok.iter().chain(err.iter()).for_each(walk),
            D::Future { ty, .. } | D::Stream { ty, .. } => ty.iter().for_each(walk),
            D::Own(_) | D::Borrow(_) => {}
        }
    }
}

fn push_new(found: &mut Vec<ResourceId>, id: ResourceId) {
    if !found.contains(&id) {
        found.push(id);
    }
}

/// Fills in `m`'s detail from `problem`, unless the problem is the whole
/// item (then the item's two types already say it all).
fn describe(m: &mut TypeMismatch, problem: Problem) {
    let whole_item = problem.steps.is_empty()
        && problem.expected == m.expected
        && m.found.as_deref() == Some(problem.found.as_str());
    if !whole_item {
        let place = if problem.steps.is_empty() {
            String::new()
        } else {
            format!("{}: ", problem.steps.join(", "))
        };
        m.detail = Some(format!(
            "{place}{} in {}, {} in {}",
            problem.expected, m.importer, problem.found, m.exporter
        ));
    }
    m.definitions = problem.definitions;
}

/// A value type with its kind where the name alone would not tell two
/// differently-kinded types apart: `thing (a resource)`, `thing (a record)`.
fn kind_text(namer: &Namer, input: &Input, ty: &ComponentValType) -> String {
    let text = namer.val(ty);
    match ty {
        ComponentValType::Primitive(_) => text,
        ComponentValType::Type(id) => match &input.types[*id] {
            ComponentDefinedType::Own(_) => format!("{text} (a resource)"),
            ComponentDefinedType::Borrow(_) => format!("{text} (a borrowed resource)"),
            ComponentDefinedType::Primitive(_) => text,
            other if namer.name(*id).is_some() => format!("{text} (a {})", kind_word(other)),
            _ => text,
        },
    }
}

fn kind_word(ty: &ComponentDefinedType) -> &'static str {
    match ty {
        ComponentDefinedType::Record(_) => "record",
        ComponentDefinedType::Variant(_) => "variant",
        ComponentDefinedType::Enum(_) => "enum",
        ComponentDefinedType::Flags(_) => "flags",
        _ => "type",
    }
}

fn any_kind(ty: ComponentAnyTypeId) -> &'static str {
    match ty {
        ComponentAnyTypeId::Resource(_) => "a resource",
        ComponentAnyTypeId::Defined(_) => "a value type",
        ComponentAnyTypeId::Func(_) => "a function type",
        ComponentAnyTypeId::Instance(_) => "an instance type",
        ComponentAnyTypeId::Component(_) => "a component type",
    }
}
