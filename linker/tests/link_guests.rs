//! Linking real guests built from source: `guests/link-app` imports
//! `guests/link-lib`'s `index` interface, which imports
//! `guests/link-base`'s `text` interface (weft's guest crate for the first
//! two, wit-bindgen for the third; strings, lists, records, options, a
//! variant and resources cross each boundary). Linked by weft-linker, the
//! result runs on weft's runtime and gives what the same logic gives when
//! called natively; composed by wac-graph instead, the same inputs give
//! the same results. The `wasm32-wasip2` builds (components made by the
//! Rust toolchain, importing WASI) link too, their WASI imports merged.

#[path = "../../guests/link-logic/src/lib.rs"]
#[allow(dead_code)]
mod logic;

mod common {
    pub mod guests;
    pub mod scenario;
}

use common::guests::{self, built, component, validate, INDEX, REPORT, TEXT, WASIP2};
use common::scenario::{scenario, Linked, Native};
use weft_linker::{Composer, LinkError};

/// The three guests as components, app first.
fn inputs() -> [(&'static str, Vec<u8>); 3] {
    [
        ("app.wasm", component("link-app")),
        ("lib.wasm", component("link-lib")),
        ("base.wasm", component("link-base")),
    ]
}

fn link(inputs: &[(&str, Vec<u8>)]) -> weft_linker::Linked {
    let mut composer = Composer::new();
    for (name, bytes) in inputs {
        composer.input(*name, bytes.clone());
    }
    composer
        .link()
        .unwrap_or_else(|e| panic!("linking failed: {e}"))
}

/// The package block `package NAME {` ... `}` of printed WIT.
fn package_block<'t>(text: &'t str, name: &str) -> &'t str {
    let start = text
        .find(&format!("package {name} {{"))
        .unwrap_or_else(|| panic!("no package {name} in\n{text}"));
    let end = text[start..]
        .find("\n}\n")
        .map_or(text.len(), |e| start + e + 3);
    &text[start..end]
}

#[test]
fn linked_guests_compute_what_the_logic_computes_natively() {
    let linked = link(&inputs());
    validate(&linked.component);
    let plan = &linked.plan;
    assert_eq!(plan.order(), ["base.wasm", "lib.wasm", "app.wasm"]);
    assert!(plan.imports().is_empty(), "{plan}");
    assert_eq!(plan.exports(), [REPORT]);
    assert!(plan.unused().is_empty());

    let expected = scenario(&mut Native);
    let got = scenario(&mut Linked::new(&linked.component, false));
    assert_eq!(got.len(), expected.len());
    for (n, (got, expected)) in got.iter().zip(&expected).enumerate() {
        assert_eq!(got, expected, "result {n} of the scenario");
    }
}

#[test]
fn the_results_wit_is_the_apps_without_what_was_satisfied() {
    let [app, lib, base] = inputs();
    let linked = link(&[app.clone(), lib, base]);
    let result = weft_wit::Wit::from_binary(&linked.component, "out.wasm").unwrap();
    let app = weft_wit::Wit::from_binary(&app.1, "app.wasm").unwrap();
    let world = &result.resolve.worlds[result.world(None).unwrap()];
    assert!(world.imports.is_empty(), "{:?}", world.imports);
    let exports: Vec<String> = world
        .exports
        .keys()
        .map(|key| result.resolve.name_world_key(key))
        .collect();
    assert_eq!(exports, [REPORT]);
    let (result, app) = (
        result.to_wit_text(None).unwrap(),
        app.to_wit_text(None).unwrap(),
    );
    let package = "weft-test:link-app@0.1.0";
    assert_eq!(
        package_block(&result, package),
        package_block(&app, package)
    );
    assert!(!result.contains("link-lib"), "{result}");
}

#[test]
fn later_inputs_may_come_in_any_order() {
    let [app, lib, base] = inputs();
    let linked = link(&[app, base, lib]);
    assert_eq!(linked.plan.order(), ["base.wasm", "lib.wasm", "app.wasm"]);
    let got = scenario(&mut Linked::new(&linked.component, false));
    assert_eq!(got, scenario(&mut Native));
}

/// The same three components composed by wac-graph 0.12, the ecosystem's
/// composition library: each instantiated, each import given the export
/// of the same name, the app's `report` exported.
fn wac_compose(app: &[u8], lib: &[u8], base: &[u8]) -> Vec<u8> {
    use wac_graph::types::Package;
    use wac_graph::{CompositionGraph, EncodeOptions};

    let mut graph = CompositionGraph::new();
    let mut register = |name: &str, bytes: &[u8]| {
        let package = Package::from_bytes(name, None, bytes.to_vec(), graph.types_mut())
            .unwrap_or_else(|e| panic!("wac reads {name}: {e:#}"));
        graph.register_package(package).expect("wac registers it")
    };
    let (app, lib, base) = (
        register("test:app", app),
        register("test:lib", lib),
        register("test:base", base),
    );
    let base = graph.instantiate(base);
    let text = graph.alias_instance_export(base, TEXT).unwrap();
    let lib = graph.instantiate(lib);
    graph.set_instantiation_argument(lib, TEXT, text).unwrap();
    let index = graph.alias_instance_export(lib, INDEX).unwrap();
    let app = graph.instantiate(app);
    graph.set_instantiation_argument(app, INDEX, index).unwrap();
    let report = graph.alias_instance_export(app, REPORT).unwrap();
    graph.export(report, REPORT).unwrap();
    graph
        .encode(EncodeOptions::default())
        .unwrap_or_else(|e| panic!("wac encodes the composition: {e:#}"))
}

#[test]
fn wac_composition_of_the_same_inputs_gives_the_same_results() {
    let [app, lib, base] = inputs();
    let composed = wac_compose(&app.1, &lib.1, &base.1);
    validate(&composed);
    let by_wac = scenario(&mut Linked::new(&composed, false));
    let by_weft = scenario(&mut Linked::new(&link(&[app, lib, base]).component, false));
    assert_eq!(by_wac, scenario(&mut Native));
    assert_eq!(by_weft, by_wac);
}

#[test]
fn an_import_nothing_satisfies_stays_an_import_of_the_result() {
    let [app, lib, base] = inputs();
    let linked = link(&[app.clone(), lib.clone()]);
    validate(&linked.component);
    assert_eq!(linked.plan.imports(), [TEXT]);
    let plan = linked.plan.to_string();
    assert!(
        plan.contains(&format!("{TEXT}  <- an import of the result")),
        "{plan}"
    );

    // A linked component is an input like any other: linking the
    // partial result with the base gives the whole again.
    let whole = link(&[("app+lib.wasm", linked.component.clone()), base]);
    assert_eq!(whole.plan.order(), ["base.wasm", "app+lib.wasm"]);
    assert!(whole.plan.imports().is_empty());
    let got = scenario(&mut Linked::new(&whole.component, false));
    assert_eq!(got, scenario(&mut Native));

    // `require_all` makes it an error naming the import and its importer.
    let mut composer = Composer::new();
    composer
        .input("app.wasm", app.1)
        .input("lib.wasm", lib.1)
        .require_all(true);
    let err = composer.link().err().expect("an unsatisfied import");
    assert!(matches!(err, LinkError::Unsatisfied { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!("1 import is satisfied by no input:\n  lib.wasm imports {TEXT}")
    );
}

#[test]
fn chosen_exports_may_come_from_any_input() {
    let mut composer = Composer::new();
    for (name, bytes) in inputs() {
        composer.input(name, bytes);
    }
    composer.export(REPORT).export(INDEX);
    let linked = composer.link().unwrap();
    validate(&linked.component);
    assert_eq!(linked.plan.exports(), [REPORT, INDEX]);
    let wit = weft_wit::Wit::from_binary(&linked.component, "out.wasm").unwrap();
    let text = wit.to_wit_text(None).unwrap();
    assert!(text.contains(&format!("export {REPORT};")), "{text}");
    assert!(text.contains(&format!("export {INDEX};")), "{text}");
    // The library instance is shared: the app's index and the exported
    // one are the same instance's.
    let got = scenario(&mut Linked::new(&linked.component, false));
    assert_eq!(got, scenario(&mut Native));

    // An input nothing imports from is left out.
    let mut composer = Composer::new();
    for (name, bytes) in inputs() {
        composer.input(name, bytes);
    }
    composer.input("extra.wasm", component("link-base"));
    let plan = composer.plan().unwrap();
    assert_eq!(plan.unused(), ["extra.wasm"]);
}

#[test]
fn wasip2_builds_link_with_their_wasi_imports_merged() {
    let p2 = |name| built(name, WASIP2);
    let linked = link(&[
        ("app.wasm", p2("link-app")),
        ("lib.wasm", p2("link-lib")),
        ("base.wasm", p2("link-base")),
    ]);
    validate(&linked.component);
    let imports = linked.plan.imports();
    assert!(!imports.is_empty());
    assert!(
        imports.iter().all(|name| name.starts_with("wasi:")),
        "{imports:?}"
    );
    // Nothing the scenario does reaches WASI: the imports may trap.
    let got = scenario(&mut Linked::new(&linked.component, true));
    assert_eq!(got, scenario(&mut Native));

    // Components of both kinds together.
    let linked = link(&[
        ("app.wasm", p2("link-app")),
        ("lib.wasm", component("link-lib")),
        ("base.wasm", p2("link-base")),
    ]);
    validate(&linked.component);
    let got = scenario(&mut Linked::new(&linked.component, true));
    assert_eq!(got, scenario(&mut Native));
    let _ = guests::GUESTS;
}
