//! The package's `__init__`: the world's own types, the class named after
//! the world (one instance of the component per object), loading the
//! packaged component, and, for a world that imports nothing, a default
//! instance behind module-level functions.

use weft_wit::wit_parser::{FunctionKind, WorldItem};

use crate::module::{wrap, ModuleWriter};
use crate::naming::{docstring, string_literal, Namespace};
use crate::plan::{Kwarg, Plan, Role, ROOT};

/// The version of the runtime API (`codegen-python/runtime-api/weft.pyi`)
/// that generated code is written against.
pub const RUNTIME_API_VERSION: u32 = 1;

/// Writes `__init__.py`; `wasm` is the packaged component's file name, if
/// there is one.
pub(crate) fn write_root(plan: &Plan<'_>, wasm: Option<&str>) -> String {
    let mut w = ModuleWriter::new(plan, ROOT);
    let world = &plan.resolve.worlds[plan.world];
    w.r.imports().weft = true;
    w.src
        .line(format!("if weft.API_VERSION != {RUNTIME_API_VERSION}:"));
    w.src.indent();
    w.src.line(format!(
        "raise ImportError(f{}{{weft.API_VERSION}}\")",
        string_literal(&format!(
            "{} needs version {RUNTIME_API_VERSION} of the weft runtime API, not ",
            plan.package
        ))
        .trim_end_matches('"')
    ));
    w.src.dedent();
    w.src.blanks(2);

    w.types();
    world_class(&mut w);
    component_loader(&mut w, wasm);
    if plan.import_free {
        w.r.imports().functools = true;
        w.src.line("@_functools.cache");
        w.src
            .line(format!("def _default() -> {}:", plan.world_class));
        w.src.indent();
        w.src.line(docstring(
            "The instance the module-level functions use, made on first use.",
        ));
        w.src.line(format!("return {}()", plan.world_class));
        w.src.dedent();
        w.src.blanks(2);
        w.free_functions();
    }
    for module in &plan.modules[1..] {
        w.r.imports().public_modules.insert(module.name.clone());
        w.all.push(module.name.clone());
    }
    if let Some(m) = sole_interface(plan) {
        // `import lib; lib.parse(q)` for a library that is one interface.
        let module = &plan.modules[m];
        for name in public_names(plan, m) {
            if !plan.modules[ROOT].ns.is_taken(&name) {
                w.r.imports()
                    .names
                    .insert((module.name.clone(), name.clone(), name.clone()));
                w.all.push(name);
            }
        }
    }

    let wit_name = match world.package {
        Some(p) => {
            let name = &plan.resolve.packages[p].name;
            let version = name
                .version
                .as_ref()
                .map(|v| format!("@{v}"))
                .unwrap_or_default();
            format!("{}:{}/{}{version}", name.namespace, name.name, world.name)
        }
        None => world.name.clone(),
    };
    let doc = format!(
        "{}\n\nPython bindings for the WIT world `{wit_name}`: `{}` instantiates the component.",
        world
            .docs
            .contents
            .clone()
            .unwrap_or_else(|| format!("The WIT world `{}`.", world.name)),
        plan.world_class
    );
    w.finish(&doc)
}

/// The class named after the world.
fn world_class(w: &mut ModuleWriter<'_, '_>) {
    let plan = w.plan;
    let world = &plan.resolve.worlds[plan.world];
    w.r.imports().weft = true;
    w.r.typing("Optional");

    // Keyword arguments: one per imported interface or function.
    let mut kwargs = Vec::new();
    let mut kwarg_docs = Vec::new();
    for (kwarg, name) in &plan.kwargs {
        match kwarg {
            Kwarg::Interface(m) => {
                let module = &plan.modules[*m];
                let class = module.class.clone().unwrap_or_default();
                let annotation = w.r.qualify(*m, &class);
                kwargs.push(format!("{name}: {annotation}"));
                kwarg_docs.push(format!(
                    "{name}: implements the imported interface `{}`.",
                    module.wit_name
                ));
            }
            Kwarg::Function(wit) => {
                let f = import_function(plan, wit);
                w.r.imports().callable = true;
                let returns = w.returns(f);
                let params: Vec<String> = f.params.iter().map(|p| w.r.annotation(&p.ty)).collect();
                kwargs.push(format!(
                    "{name}: Callable[[{}], {}]",
                    params.join(", "),
                    returns.annotation
                ));
                let mut doc = format!("{name}: implements the imported function `{wit}`");
                if let Some(raises) = &returns.raises {
                    doc.push_str(&format!(
                        " (raising `{raises}(value)` returns the error case)"
                    ));
                }
                doc.push('.');
                kwarg_docs.push(doc);
            }
        }
    }

    let doc = format!(
        "{}\n\nEach object is one instance of the component, with its own memory and state.",
        world
            .docs
            .contents
            .clone()
            .unwrap_or_else(|| format!("An instance of the WIT world `{}`.", world.name))
    );
    w.class_head(&plan.world_class, None, doc);

    // __init__
    let mut params = vec!["self".to_string(), "*".to_string()];
    params.extend(kwargs.iter().cloned());
    params.push("component: Optional[weft.Component] = None".into());
    w.src.line(wrap("def __init__(", &params, ") -> None:", 4));
    w.src.indent();
    let mut doc = String::from("Instantiates the component.\n\nArgs:\n");
    for line in &kwarg_docs {
        doc.push_str(&format!("    {line}\n"));
    }
    doc.push_str(
        "    component: the compiled component; by default the one packaged with these bindings.",
    );
    w.src.line(docstring(&doc));
    w.src.line("if component is None:");
    w.src.line("    component = _component()");
    let mut entries = Vec::new();
    for (kwarg, name) in &plan.kwargs {
        match kwarg {
            Kwarg::Interface(m) => {
                let module = &plan.modules[*m];
                let imports = w.r.qualify(*m, "_imports");
                entries.push(format!(
                    "{}: {imports}({name})",
                    string_literal(&module.wit_name)
                ));
            }
            Kwarg::Function(wit) => {
                let f = import_function(plan, wit);
                let entry = w.host_func(f, name);
                entries.push(format!("{}: {entry}", string_literal(wit)));
            }
        }
    }
    if entries.is_empty() {
        w.src.line("instance = weft.Instance(component)");
    } else {
        w.src.line(wrap(
            "instance = weft.Instance(component, {",
            &entries,
            "})",
            8,
        ));
    }
    let mut members = Namespace::with(&["from_file"]);
    for name in plan.world_methods.values().chain(plan.world_attrs.values()) {
        members.claim(name.clone());
    }
    let mut exported = Vec::new();
    for (key, item) in &world.exports {
        match item {
            WorldItem::Function(f) => {
                let callable = members.claim(format!("_{}", plan.world_methods[&f.name]));
                let line = w.bind_function(f, &callable, "None");
                w.src.line(line);
                exported.push((f, callable));
            }
            WorldItem::Interface { .. } => {
                let m = plan.module_for_key(key, Role::Export);
                let module = &plan.modules[m];
                let class = w.r.qualify(m, module.class.as_deref().unwrap_or_default());
                let attr = &plan.world_attrs[&m];
                w.src
                    .line(format!("self.{attr}: {class} = {class}(instance)"));
                w.src.line(docstring(&format!(
                    "The exports of interface `{}`.",
                    module.wit_name
                )));
            }
            WorldItem::Type { .. } => {}
        }
    }
    let shadowed: Vec<(String, String)> = exported
        .iter()
        .map(|(f, callable)| (plan.world_methods[&f.name].clone(), callable.clone()))
        .collect();
    w.shadow_methods(&shadowed);
    w.src.dedent();

    // from_file
    w.src.blank();
    w.r.imports().os = true;
    w.r.typing("Union");
    w.src.line("@classmethod");
    let mut params = vec![
        "cls".to_string(),
        "path: Union[str, _os.PathLike[str]]".to_string(),
    ];
    if !kwargs.is_empty() {
        params.push("*".into());
        params.extend(kwargs.iter().cloned());
    }
    w.src.line(wrap(
        "def from_file(",
        &params,
        &format!(") -> {}:", plan.world_class),
        4,
    ));
    w.src.indent();
    w.src.line(docstring(
        "Loads the component from the file `path` and instantiates it.",
    ));
    let mut args: Vec<String> = plan
        .kwargs
        .iter()
        .map(|(_, name)| format!("{name}={name}"))
        .collect();
    args.push("component=weft.Component.from_file(path)".into());
    w.src.line(wrap("return cls(", &args, ")", 8));
    w.src.dedent();

    // Exported functions.
    for (f, callable) in exported {
        w.src.blank();
        let method = plan.world_methods[&f.name].clone();
        w.forwarding_method(f, &method, &format!("self.{callable}"));
    }
    w.class_end();
}

/// Reads the packaged component, or explains how to pass one.
fn component_loader(w: &mut ModuleWriter<'_, '_>, wasm: Option<&str>) {
    let plan = w.plan;
    match wasm {
        Some(file) => {
            w.r.imports().functools = true;
            w.r.imports().resources = true;
            w.src.line("@_functools.cache");
            w.src.line("def _component() -> weft.Component:");
            w.src.indent();
            w.src.line(docstring(
                "The component packaged with these bindings, loaded once.",
            ));
            w.src.line(format!(
                "return weft.Component(_resources.files(__name__).joinpath({}).read_bytes())",
                string_literal(file)
            ));
        }
        None => {
            w.src.line("def _component() -> weft.Component:");
            w.src.indent();
            w.src.line(docstring(
                "Refuses: no component was packaged with these bindings.",
            ));
            let message = format!(
                "{} was generated without a component (`weft bindgen --wasm`): use {}.from_file(path), or pass component=weft.Component.from_file(path)",
                plan.package, plan.world_class
            );
            w.src
                .line(format!("raise TypeError({})", string_literal(&message)));
        }
    }
    w.src.dedent();
    w.src.blanks(2);
}

/// The module of the one interface an import-free world exports, when it
/// exports nothing else: the package re-exports its names.
fn sole_interface(plan: &Plan<'_>) -> Option<usize> {
    let world = &plan.resolve.worlds[plan.world];
    if !plan.import_free || world.exports.len() != 1 {
        return None;
    }
    let (key, item) = world.exports.iter().next()?;
    match item {
        WorldItem::Interface { .. } => Some(plan.module_for_key(key, Role::Export)),
        _ => None,
    }
}

/// The public names of module `m`: its types' classes, exception
/// classes, binding class and module-level functions.
fn public_names(plan: &Plan<'_>, m: usize) -> Vec<String> {
    let module = &plan.modules[m];
    let mut names = Vec::new();
    for id in &module.types {
        let named = plan.named(m, *id);
        names.push(named.class.clone());
        names.extend(named.cases.iter().cloned());
        names.extend(named.class_protocol.iter().cloned());
        names.extend(named.exception.iter().cloned());
    }
    names.extend(plan.anonymous_errors[m].iter().map(|(_, n)| n.clone()));
    names.extend(module.class.iter().cloned());
    for (f, _) in plan.functions(m) {
        names.extend(module.free_functions.get(&f.name).cloned());
    }
    names
}

/// The imported world function named `name`.
fn import_function<'a>(plan: &Plan<'a>, name: &str) -> &'a weft_wit::wit_parser::Function {
    plan.functions(ROOT)
        .into_iter()
        .find(|(f, role)| *role == Role::Import && f.name == name)
        .map(|(f, _)| f)
        .filter(|f| matches!(f.kind, FunctionKind::Freestanding))
        .expect("a keyword argument names an imported function")
}
