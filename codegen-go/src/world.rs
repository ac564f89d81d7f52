//! The world's file: the package doc, the embedded component (`New`
//! compiling it once per process with weft's default cache, `Precompile`),
//! the world struct with `NewFromBytes`/`NewFromArtifact`/`Close`/
//! `FromCache` and its accessors and functions, `Imports`, the world's own
//! types, and the helpers the other files share; and `go.mod`.

use std::fmt::Write as _;

use weft_wit::wit_parser::FunctionKind;

use crate::module::{define_funcs, export_func, file, find_func, signature, Receiver};
use crate::naming::{aligned, doc, quote};
use crate::plan::{Plan, Role, ROOT};
use crate::types::declarations;
use crate::Opts;

/// `go.mod`: the module path, Go 1.22, the runtime package (replaced by
/// its folder when known).
pub(crate) fn go_mod(plan: &Plan<'_>, opts: &Opts) -> String {
    let mut out = format!(
        "module {}\n\ngo 1.22\n\nrequire weft.dev/go/weft v0.0.0\n",
        plan.module_path
    );
    if let Some(path) = &opts.runtime_path {
        let path = std::path::absolute(path).unwrap_or_else(|_| path.clone());
        let shown = path.display().to_string();
        let shown = if shown.contains(' ') {
            format!("\"{shown}\"")
        } else {
            shown
        };
        let _ = write!(out, "\nreplace weft.dev/go/weft => {shown}\n");
    }
    out
}

/// The qualified name of the world (`ns:pkg/world@1.0.0`).
fn world_name(plan: &Plan<'_>) -> String {
    let w = &plan.resolve.worlds[plan.world];
    match w.package {
        Some(p) => {
            let pkg = &plan.resolve.packages[p].name;
            let mut s = format!("{}:{}/{}", pkg.namespace, pkg.name, w.name);
            if let Some(v) = &pkg.version {
                let _ = write!(s, "@{v}");
            }
            s
        }
        None => w.name.clone(),
    }
}

/// The world's Go file.
pub(crate) fn write(plan: &Plan<'_>, embedded: bool) -> String {
    let w = &plan.resolve.worlds[plan.world];
    let world = &plan.world_type;
    let qualified = world_name(plan);
    let what = quote(&w.name);
    let mut out = String::new();
    out.push_str("\n// The package is written against version 1 of the runtime API.\n");
    out.push_str("const _ = weft.APIVersion1\n");
    if embedded {
        out.push_str("\n// wasmBytes is the component implementing the world.\n");
        let _ = writeln!(
            out,
            "//\n//go:embed {}\nvar wasmBytes []byte",
            plan.wasm_file()
        );
    }

    // The world struct.
    out.push('\n');
    out.push_str(&doc(
        "",
        &format!("{world} is an instance of the component implementing the world `{qualified}`"),
        w.docs.contents.as_deref(),
    ));
    let _ = writeln!(
        out,
        "//\n// An instance has its own store: calls on one instance are serialised, calls on\n// separate instances run in parallel. Close releases it."
    );
    let _ = writeln!(out, "type {world} struct {{");
    let mut fields = vec![
        ("engine".to_string(), "*weft.Engine".to_string()),
        ("component".into(), "*weft.Component".into()),
        ("owned".into(), "bool".into()),
        ("store".into(), "*weft.Store".into()),
        ("linker".into(), "*weft.Linker".into()),
        ("inst".into(), "*weft.Instance".into()),
        (
            "rts".into(),
            format!("[{}]*weft.ResourceType", plan.resources.len()),
        ),
    ];
    for r in &plan.resources {
        if r.role == Role::Import {
            fields.push((r.table.clone(), format!("handleTable[{}]", r.go)));
        }
    }
    for m in 1..plan.modules.len() {
        let module = &plan.modules[m];
        if module.role == Role::Export {
            if let (Some(field), Some(object)) = (&module.field, &module.object) {
                fields.push((field.clone(), format!("*{object}")));
            }
        }
    }
    for f in plan.funcs_of(ROOT).filter(|f| f.role == Role::Export) {
        fields.push((f.fn_field.clone(), "*weft.Func".into()));
        if let Some(sl) = &f.sl_field {
            fields.push((sl.clone(), "[]uint32".into()));
        }
    }
    out.push_str(&aligned("\t", &fields));
    out.push_str("}\n");

    // Imports.
    let mut checks = Vec::new();
    let mut defines = Vec::new();
    if plan.has_imports {
        out.push('\n');
        let _ = writeln!(
            out,
            "// Imports is what the host provides to instances of {world}: an implementation\n// of each imported interface and function. Every field must be set."
        );
        out.push_str("type Imports struct {\n");
        let mut first = true;
        for m in 1..plan.modules.len() {
            let module = &plan.modules[m];
            if module.role != Role::Import {
                continue;
            }
            if let (Some(field), Some(object)) = (&module.field, &module.object) {
                if !first {
                    out.push('\n');
                }
                first = false;
                out.push_str(&doc(
                    "\t",
                    &format!(
                        "{field} implements the imported interface `{}`",
                        module.wit_name
                    ),
                    None,
                ));
                let _ = writeln!(out, "\t{field} {object}");
                checks.push(field.clone());
            }
        }
        for f in plan
            .funcs_of(ROOT)
            .filter(|f| f.role == Role::Import && !matches!(f.func.kind, FunctionKind::Method(_)))
        {
            if !first {
                out.push('\n');
            }
            first = false;
            out.push_str(&doc(
                "\t",
                &format!(
                    "{} implements the imported function `{}`",
                    f.go, f.func.name
                ),
                f.func.docs.contents.as_deref(),
            ));
            let sig = signature(plan, f, true);
            let _ = writeln!(out, "\t{} func{}", f.go, &sig[f.go.len()..]);
            checks.push(f.go.clone());
        }
        out.push_str("}\n");
    }
    for m in 1..plan.modules.len() {
        let module = &plan.modules[m];
        if module.role == Role::Import && plan.funcs_of(m).any(|f| f.role == Role::Import) {
            let arg = match &module.field {
                Some(field) if module.object.is_some() => format!("imports.{field}"),
                _ => String::new(),
            };
            defines.push(format!("w.{}({arg})", module.ctor));
        }
    }
    let root_imports = plan.funcs_of(ROOT).any(|f| f.role == Role::Import);
    if root_imports {
        defines.push("w.defineImports(imports)".into());
    }

    // Construction.
    let imports_param = if plan.has_imports {
        "imports Imports"
    } else {
        ""
    };
    let imports_arg = if plan.has_imports { ", imports" } else { "" };
    let wrap = quote(&format!("{}: %w", w.name));
    if embedded {
        out.push('\n');
        let _ = writeln!(
            out,
            "// New makes an instance of the component embedded in this package. The component\n\
             // is compiled once per process, on first use, and its code kept in weft's cache\n\
             // (weft.DefaultCacheDir: $WEFT_CACHE_DIR, else weft in the user's cache\n\
             // directory; none when $WEFT_NO_CACHE is set), so that the next process loads\n\
             // it instead of compiling it again (FromCache reports which happened)."
        );
        let _ = writeln!(out, "func New({imports_param}) (*{world}, error) {{");
        out.push_str(
            "\te, c, err := compileEmbedded()\n\tif err != nil {\n\t\treturn nil, err\n\t}\n",
        );
        let _ = writeln!(out, "\treturn newInstance(e, c, false{imports_arg})\n}}");
        out.push_str("\nvar (\n");
        out.push_str(&aligned(
            "\t",
            &[
                ("wasmOnce".into(), "sync.Once".into()),
                ("wasmEngine".into(), "*weft.Engine".into()),
                ("wasmComponent".into(), "*weft.Component".into()),
                ("wasmErr".into(), "error".into()),
            ],
        ));
        out.push_str(")\n\n");
        out.push_str(
            "// compileEmbedded compiles the embedded component once, or loads its code from\n\
             // weft's default cache, with an engine that keeps what it compiles there.\n",
        );
        out.push_str("func compileEmbedded() (*weft.Engine, *weft.Component, error) {\n\twasmOnce.Do(func() {\n");
        out.push_str("\t\te, err := weft.NewEngineWithConfig(weft.EngineConfig{CacheDir: weft.DefaultCacheDir()})\n\t\tif err != nil {\n");
        let _ = writeln!(
            out,
            "\t\t\twasmErr = fmt.Errorf({}, err)\n\t\t\treturn\n\t\t}}",
            wrap
        );
        out.push_str(
            "\t\tc, err := weft.NewComponent(e, wasmBytes)\n\t\tif err != nil {\n\t\t\te.Close()\n",
        );
        let _ = writeln!(
            out,
            "\t\t\twasmErr = fmt.Errorf({}, err)\n\t\t\treturn\n\t\t}}",
            wrap
        );
        out.push_str("\t\twasmEngine, wasmComponent = e, c\n\t})\n\treturn wasmEngine, wasmComponent, wasmErr\n}\n");

        out.push('\n');
        let _ = writeln!(
            out,
            "// Precompile gives the component embedded in this package with its compiled code,\n\
             // as an artifact that NewFromArtifact loads without compiling, in a process\n\
             // running the same weft build on a like CPU (it is the embedded component New\n\
             // uses, compiled or loaded from the cache). Keep it where only you can write:\n\
             // loading it runs the machine code it holds."
        );
        out.push_str("func Precompile() ([]byte, error) {\n\t_, c, err := compileEmbedded()\n\tif err != nil {\n\t\treturn nil, err\n\t}\n");
        out.push_str("\tartifact, err := c.Serialize()\n\tif err != nil {\n");
        let _ = writeln!(
            out,
            "\t\treturn nil, fmt.Errorf({}, err)\n\t}}\n\treturn artifact, nil\n}}",
            wrap
        );
    }
    // NewFromBytes and NewFromArtifact: an engine and a component of the
    // instance's own.
    let own_param = if plan.has_imports {
        ", imports Imports"
    } else {
        ""
    };
    let loaders = [
        (
            "NewFromBytes",
            "wasm",
            "weft.NewComponent(e, wasm)",
            "// NewFromBytes compiles wasm, a component implementing the world, and makes an\n\
             // instance of it; Close releases the compiled component too. Nothing is cached.",
        ),
        (
            "NewFromArtifact",
            "artifact",
            "weft.DeserializeComponent(e, artifact)",
            "// NewFromArtifact loads artifact, a precompiled component implementing the world\n\
             // (from Precompile, or weft's Component.Serialize with an engine of the default\n\
             // configuration), without compiling, and makes an instance of it; Close releases\n\
             // the loaded component too. An artifact made by another weft build, for another\n\
             // CPU, or damaged, is an error wrapping a *weft.Error of kind weft.ErrorArtifact.\n\
             //\n\
             // The artifact must be trusted: its machine code runs as it is, and the checks\n\
             // catch accidents, not malice. Never pass bytes someone else could have chosen;\n\
             // NewFromBytes takes untrusted components.",
        ),
    ];
    for (name, param, load, comment) in loaders {
        out.push('\n');
        let _ = writeln!(out, "{comment}");
        let _ = writeln!(
            out,
            "func {name}({param} []byte{own_param}) (*{world}, error) {{"
        );
        out.push_str("\te, err := weft.NewEngine()\n\tif err != nil {\n");
        let _ = writeln!(out, "\t\treturn nil, fmt.Errorf({}, err)\n\t}}", wrap);
        let _ = writeln!(out, "\tc, err := {load}\n\tif err != nil {{\n\t\te.Close()");
        let _ = writeln!(out, "\t\treturn nil, fmt.Errorf({}, err)\n\t}}", wrap);
        let _ = writeln!(out, "\treturn newInstance(e, c, true{imports_arg})\n}}");
    }

    out.push('\n');
    out.push_str("// newInstance makes the store, links the imports and instantiates.\n");
    let _ = writeln!(
        out,
        "func newInstance(e *weft.Engine, c *weft.Component, owned bool{}) (*{world}, error) {{",
        if plan.has_imports {
            ", imports Imports"
        } else {
            ""
        }
    );
    let _ = writeln!(
        out,
        "\tw := &{world}{{engine: e, component: c, owned: owned}}"
    );
    let _ = writeln!(out, "\tfail := func(err error) (*{world}, error) {{");
    let _ = writeln!(
        out,
        "\t\tw.Close()\n\t\treturn nil, fmt.Errorf({}, err)\n\t}}",
        quote(&format!("{}: %w", w.name))
    );
    for field in &checks {
        let _ = writeln!(
            out,
            "\tif imports.{field} == nil {{\n\t\treturn fail(errors.New({}))\n\t}}",
            quote(&format!("imports.{field} is nil"))
        );
    }
    out.push_str("\tvar err error\n");
    out.push_str("\tif w.store, err = weft.NewStore(e); err != nil {\n\t\treturn fail(err)\n\t}\n");
    out.push_str(
        "\tif w.linker, err = weft.NewLinker(e); err != nil {\n\t\treturn fail(err)\n\t}\n",
    );
    for (i, r) in plan.resources.iter().enumerate() {
        if r.role == Role::Import {
            let _ = writeln!(
                out,
                "\tif w.rts[{i}], err = weft.NewHostResourceType(w.store, func(rep uint32) {{ w.{}.drop(rep) }}); err != nil {{\n\t\treturn fail(err)\n\t}}",
                r.table
            );
            let _ = writeln!(
                out,
                "\tif err = w.linker.DefineResource({}, {}, w.rts[{i}]); err != nil {{\n\t\treturn fail(err)\n\t}}",
                quote(&plan.modules[r.module].wit_name),
                quote(&r.wit)
            );
        }
    }
    for d in &defines {
        let _ = writeln!(
            out,
            "\tif err = {d}; err != nil {{\n\t\treturn fail(err)\n\t}}"
        );
    }
    out.push_str(
        "\tif w.inst, err = w.linker.Instantiate(w.store, c); err != nil {\n\t\treturn fail(err)\n\t}\n",
    );
    for (i, r) in plan.resources.iter().enumerate() {
        if r.role == Role::Export {
            let module = &plan.modules[r.module];
            let name = if module.wit_name.is_empty() {
                r.wit.clone()
            } else {
                format!("{}#{}", module.wit_name, r.wit)
            };
            let _ = writeln!(
                out,
                "\tif w.rts[{i}], err = w.inst.ResourceType({}); err != nil {{\n\t\treturn fail(err)\n\t}}",
                quote(&name)
            );
        }
    }
    for m in 1..plan.modules.len() {
        let module = &plan.modules[m];
        if module.role == Role::Export {
            if let Some(field) = &module.field {
                let _ = writeln!(
                    out,
                    "\tif w.{field}, err = {}(w); err != nil {{\n\t\treturn fail(err)\n\t}}",
                    module.ctor
                );
            }
        }
    }
    for f in plan.funcs_of(ROOT).filter(|f| f.role == Role::Export) {
        out.push_str(&find_func(f, "w", "w", "return fail(err)"));
    }
    out.push_str("\treturn w, nil\n}\n");

    out.push('\n');
    out.push_str("// Close releases the instance and its store (and, for an instance made by\n// NewFromBytes or NewFromArtifact, its engine and component). It never fails.\n");
    let _ = writeln!(out, "func (w *{world}) Close() error {{");
    out.push_str("\tif w.inst != nil {\n\t\tw.inst.Close()\n\t}\n");
    out.push_str(
        "\tfor _, rt := range w.rts {\n\t\tif rt != nil {\n\t\t\trt.Close()\n\t\t}\n\t}\n",
    );
    out.push_str("\tif w.store != nil {\n\t\tw.store.Close()\n\t}\n");
    out.push_str("\tif w.linker != nil {\n\t\tw.linker.Close()\n\t}\n");
    out.push_str("\tif w.owned {\n\t\tw.component.Close()\n\t\tw.engine.Close()\n\t}\n");
    out.push_str("\treturn nil\n}\n");

    out.push('\n');
    out.push_str(if embedded {
        "// FromCache reports whether the instance's component was loaded from weft's cache\n\
         // of compiled code rather than compiled by this process: for New, true once an\n\
         // earlier process has compiled it; false for NewFromBytes and NewFromArtifact.\n"
    } else {
        "// FromCache reports whether the instance's component was loaded from weft's cache\n\
         // of compiled code: false for NewFromBytes and NewFromArtifact, which compile or\n\
         // load their own.\n"
    });
    let _ = writeln!(
        out,
        "func (w *{world}) FromCache() bool {{\n\treturn w.component.FromCache()\n}}"
    );

    // Accessors and world functions.
    for m in 1..plan.modules.len() {
        let module = &plan.modules[m];
        if module.role == Role::Export {
            if let (Some(field), Some(object)) = (&module.field, &module.object) {
                out.push('\n');
                let _ = writeln!(
                    out,
                    "// {} gives the exported interface `{}`.",
                    module.accessor, module.wit_name
                );
                let _ = writeln!(
                    out,
                    "func (w *{world}) {}() *{object} {{\n\treturn w.{field}\n}}",
                    module.accessor
                );
            }
        }
    }
    for f in plan.funcs_of(ROOT).filter(|f| f.role == Role::Export) {
        out.push('\n');
        let recv = Receiver {
            decl: format!("func (w *{world}) "),
            world: "w".into(),
            holder: "w".into(),
            name: "w".into(),
        };
        out.push_str(&export_func(plan, f, &recv));
    }
    if root_imports {
        out.push_str(&define_funcs(
            plan,
            ROOT,
            "defineImports",
            "imports Imports",
        ));
    }

    out.push_str(&declarations(plan, ROOT));
    let one_tuples = plan.resolve.types.iter().any(|(_, def)| {
        matches!(&def.kind, weft_wit::wit_parser::TypeDefKind::Tuple(t) if t.types.len() == 1)
    });
    if one_tuples {
        out.push_str(
            "\n// Tuple1 is a tuple of one element (weft.Tuple2 to weft.Tuple12 hold the others).\ntype Tuple1[T0 any] struct {\n\t// F0 is the element.\n\tF0 T0\n}\n",
        );
    }
    out.push_str(&support(plan));
    let _ = what;

    let package_doc = doc(
        "",
        &format!(
            "Package {} calls a WebAssembly component implementing the WIT world `{qualified}`",
            plan.package
        ),
        w.docs.contents.as_deref(),
    );
    file(plan, Some(&package_doc), &out)
}

/// The helpers every generated package shares.
fn support(plan: &Plan<'_>) -> String {
    let world = &plan.world_type;
    let mut out = String::new();
    out.push_str(
        "
// callState is what one call moving resource handles needs: the instance,
// the handle slots of the function's type, how to take back the host
// resources lent for the call, and the host resources given to it.
type callState struct {
",
    );
    out.push_str(&aligned(
        "\t",
        &[
            ("w".into(), format!("*{world}")),
            ("sl".into(), "[]uint32".into()),
            ("lent".into(), "[]func()".into()),
            ("given".into(), "[]gift".into()),
        ],
    ));
    out.push_str(
        "}

// gift is a host object passed as an own handle, and how to forget it if
// the call ended before the component had it.
type gift struct {
	res    *weft.Resource
	forget func()
}

// done ends the loans of the call, and forgets the host objects given to
// a call that ended before the component had them (the runtime gives
// them back then: their resources are still open). It runs after the
// call has ended.
func (cx *callState) done() {
	for _, f := range cx.lent {
		f()
	}
	cx.lent = nil
	for _, g := range cx.given {
		if g.res.Rep() != 0 {
			g.forget()
		}
		g.res.Close()
	}
	cx.given = nil
}

// handleTable keeps the host's objects of one imported resource type by
// the rep the component knows them by.
type handleTable[T any] struct {
	mu    sync.Mutex
	items map[uint32]T
	next  uint32
}

func (t *handleTable[T]) add(v T) uint32 {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.items == nil {
		t.items = make(map[uint32]T)
	}
	for {
		t.next++
		if _, used := t.items[t.next]; !used && t.next != 0 {
			break
		}
	}
	t.items[t.next] = v
	return t.next
}

func (t *handleTable[T]) get(rep uint32) (T, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	v, ok := t.items[rep]
	return v, ok
}

func (t *handleTable[T]) take(rep uint32) (T, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	v, ok := t.items[rep]
	delete(t.items, rep)
	return v, ok
}

// drop forgets the object of rep, closing it if it is an io.Closer: the
// component dropped its last handle.
func (t *handleTable[T]) drop(rep uint32) {
	if v, ok := t.take(rep); ok {
		if c, ok := any(v).(interface{ Close() error }); ok {
			_ = c.Close()
		}
	}
}

// flatBool is a bool as a flat value.
func flatBool(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// listBytes is the size of a list of n elements of size bytes, if it fits
// in a 32-bit memory.
func listBytes(n int, size uint32) (uint32, error) {
	if uint64(n)*uint64(size) > math.MaxUint32 {
		return 0, fmt.Errorf(\"list of %d elements is too long for a 32-bit memory\", n)
	}
	return uint32(n) * size, nil
}

// checkList checks the memory of a list of n elements the component gives.
func checkList(li *weft.Lift, p, n, size, align uint32) bool {
	if uint64(n)*uint64(size) > math.MaxUint32 {
		li.Fail(fmt.Sprintf(\"list of %d elements of %d bytes is too long\", n, size))
		return false
	}
	return li.Check(p, n*size, align)
}

// giveHost passes the host object v of imported resource r to the
// component, owned or lent for the call.
func giveHost[T any](cx *callState, lo *weft.Lower, r int, t *handleTable[T], v T, own bool) (uint32, error) {
	if any(v) == nil {
		return 0, errors.New(\"resource is nil\")
	}
	rep := t.add(v)
	res, err := weft.NewResource(cx.w.rts[r], rep)
	if err != nil {
		t.take(rep)
		return 0, err
	}
	var h uint32
	if own {
		h, err = lo.Own(cx.sl[r], res)
	} else {
		h, err = lo.Borrow(cx.sl[r], res)
	}
	if err != nil {
		res.Close()
		t.take(rep)
		return 0, err
	}
	if own {
		// Closed by the runtime once the component has it.
		cx.given = append(cx.given, gift{res, func() { t.take(rep) }})
	} else {
		res.Close()
		cx.lent = append(cx.lent, func() { t.take(rep) })
	}
	return h, nil
}

// takeHost is the host object behind an own handle the component gives
// back.
func takeHost[T any](li *weft.Lift, t *handleTable[T], r *weft.Resource) T {
	var v T
	if r == nil {
		return v
	}
	rep := r.Rep()
	r.Close()
	v, ok := t.take(rep)
	if !ok {
		li.Fail(fmt.Sprintf(\"no host resource has rep %d\", rep))
	}
	return v
}

// borrowHost is the host object behind a handle the component lends.
func borrowHost[T any](li *weft.Lift, t *handleTable[T], r *weft.Resource) T {
	var v T
	if r == nil {
		return v
	}
	rep := r.Rep()
	r.Close()
	v, ok := t.get(rep)
	if !ok {
		li.Fail(fmt.Sprintf(\"no host resource has rep %d\", rep))
	}
	return v
}
",
    );
    let _ = write!(
        out,
        "
// findFunc finds an exported function and the handle slots of the
// resources its type uses.
func findFunc(w *{world}, name string, uses ...int) (*weft.Func, []uint32, error) {{
	f, err := w.inst.Func(name)
	if err != nil {{
		return nil, nil, fmt.Errorf(\"function %s: %w\", name, err)
	}}
	if len(uses) == 0 {{
		return f, nil, nil
	}}
	sl := make([]uint32, len(w.rts))
	for _, r := range uses {{
		if sl[r], err = f.SlotOf(w.rts[r]); err != nil {{
			return nil, nil, fmt.Errorf(\"function %s: %w\", name, err)
		}}
	}}
	return f, sl, nil
}}
"
    );
    if plan
        .funcs
        .iter()
        .any(|f| f.role == Role::Import && !f.resources.is_empty())
    {
        let _ = write!(
            out,
            "
// hostSlots finds the handle slots of the resources a host function's
// type uses.
func hostSlots(h *weft.HostCall, w *{world}, uses ...int) ([]uint32, error) {{
	sl := make([]uint32, len(w.rts))
	for _, r := range uses {{
		var err error
		if sl[r], err = h.SlotOf(w.rts[r]); err != nil {{
			return nil, err
		}}
	}}
	return sl, nil
}}
"
        );
    }
    out
}
