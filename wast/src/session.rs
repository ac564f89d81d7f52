//! [`Session`]: the state of one running script (store, linker, the
//! instances it defined) and what each directive does with it.

use std::collections::HashMap;

use wast::token::Id;
use wast::{QuoteWat, WastDirective, WastExecute, WastInvoke, WastRet, Wat};
use weft_runtime::component::{
    Component, Instance as ComponentInstance, Linker as ComponentLinker, Val as ComponentVal,
};
use weft_runtime::{Engine, Error, Instance, Linker, Module, Store, Val};

use crate::error::Failed;
use crate::expect::{check_results, trap_message_matches};
use crate::guard::guard;
use crate::spectest::define_spectest;
use crate::values::{arg_to_val, describe_vals};

/// An instance a later directive may use, or why there is none (so that
/// the failures of the directives that wanted it can say so).
type Slot = Result<Instance, String>;

/// How a module is expected to be rejected.
#[derive(Debug, Clone, Copy)]
enum Rejection {
    /// `assert_malformed`: not decodable (or, as text, not parsable).
    Malformed,
    /// `assert_invalid`: decodes, but does not validate.
    Invalid,
}

impl Rejection {
    fn as_str(self) -> &'static str {
        match self {
            Rejection::Malformed => "malformed",
            Rejection::Invalid => "invalid",
        }
    }
}

/// The state of one script while it runs.
pub(crate) struct Session<'e> {
    engine: &'e Engine,
    store: Store<()>,
    linker: Linker<()>,
    /// The most recent module instance: what `invoke` without a name uses.
    current: Slot,
    /// Instances by their `$id`.
    named: HashMap<String, Slot>,
    /// Modules compiled by `(module definition ...)`, by `$id`; the one
    /// without an id under the empty name.
    definitions: HashMap<String, Result<Module, String>>,
    /// The id of the most recent `(module definition ...)`.
    last_definition: Option<String>,
    /// Host items and named component instances for components.
    components: ComponentLinker<()>,
    /// The most recent instance, when it is a component's: what `invoke`
    /// without a name calls.
    current_component: Option<Result<ComponentInstance, String>>,
    /// Components compiled by `(component definition ...)`, by `$id`.
    component_definitions: HashMap<String, Result<Component, String>>,
}

impl<'e> Session<'e> {
    /// A fresh store and linker on `engine`.
    pub(crate) fn new(engine: &'e Engine) -> Result<Self, Failed> {
        let (mut store, linker) = guard(|| (Store::new(engine, ()), Linker::new(engine)))?;
        let mut components = ComponentLinker::new(engine);
        crate::component::define_host(engine, &mut store, &mut components)?;
        Ok(Session {
            components,
            current_component: None,
            component_definitions: HashMap::new(),
            engine,
            store,
            linker,
            current: Err("no module has been instantiated yet".to_string()),
            named: HashMap::new(),
            definitions: HashMap::new(),
            last_definition: None,
        })
    }

    /// Defines the `spectest` module in the linker.
    pub(crate) fn define_spectest(&mut self) -> Result<(), Failed> {
        guard(|| define_spectest(&mut self.linker, &mut self.store))?.map_err(Failed::Spectest)
    }

    /// Runs one directive; `line` is where it starts, for messages that
    /// refer back to it.
    pub(crate) fn run(&mut self, directive: WastDirective<'_>, line: usize) -> Result<(), Failed> {
        match directive {
            WastDirective::Module(mut module) if is_component(&module) => {
                self.component(&mut module, line)
            }
            WastDirective::Module(mut module) => self.module(&mut module, line),
            WastDirective::ModuleDefinition(mut module) if is_component(&module) => {
                self.component_definition(&mut module, line)
            }
            WastDirective::ModuleDefinition(mut module) => {
                self.module_definition(&mut module, line)
            }
            WastDirective::ModuleInstance {
                instance, module, ..
            } if module.is_some_and(|id| self.component_definitions.contains_key(id.name())) => {
                self.component_instance(instance, module, line)
            }
            WastDirective::ModuleInstance {
                instance, module, ..
            } => self.module_instance(instance, module, line),
            WastDirective::Register { name, module, .. } => self.register(name, module),
            WastDirective::Invoke(invoke) if self.calls_component(&invoke) => {
                self.invoke_component(&invoke)?.map_err(Failed::Call)?;
                Ok(())
            }
            WastDirective::Invoke(invoke) => {
                self.invoke(&invoke)?.map_err(Failed::Call)?;
                Ok(())
            }
            WastDirective::AssertReturn {
                exec: WastExecute::Invoke(invoke),
                results,
                ..
            } if self.calls_component(&invoke) => {
                let got = self.invoke_component(&invoke)?.map_err(Failed::Call)?;
                crate::component::check_results(&got, &results)
            }
            WastDirective::AssertReturn { exec, results, .. } => self.assert_return(exec, &results),
            WastDirective::AssertTrap {
                exec: WastExecute::Invoke(invoke),
                message,
                ..
            } if self.calls_component(&invoke) => {
                let outcome = self
                    .invoke_component(&invoke)?
                    .map(|vals| format!("the call returned {vals:?}"));
                expect_trap(outcome, message)
            }
            WastDirective::AssertTrap {
                exec: WastExecute::Wat(Wat::Component(mut component)),
                message,
                ..
            } => {
                let bytes = component
                    .encode()
                    .map_err(|err| Failed::Encode(err.message()))?;
                let component = self.compile_component_bytes(&bytes)?;
                let outcome = self
                    .instantiate_component(&component)?
                    .map(|_| "the component instantiated".to_string());
                expect_trap(outcome, message)
            }
            WastDirective::AssertTrap { exec, message, .. } => self.assert_trap(exec, message),
            WastDirective::AssertExhaustion { call, message, .. } => {
                let outcome = self.invoke(&call)?;
                expect_trap(outcome.map(|vals| returned(&vals)), message)
            }
            WastDirective::AssertInvalid {
                mut module,
                message,
                ..
            } => self.assert_rejected(&mut module, message, Rejection::Invalid),
            WastDirective::AssertMalformed {
                mut module,
                message,
                ..
            } => self.assert_rejected(&mut module, message, Rejection::Malformed),
            WastDirective::AssertUnlinkable {
                mut module,
                message,
                ..
            } => self.assert_unlinkable(&mut module, message),
            WastDirective::AssertInvalidCustom { .. } => Err(unsupported(
                "assert_invalid_custom (custom-section annotations)",
            )),
            WastDirective::AssertMalformedCustom { .. } => Err(unsupported(
                "assert_malformed_custom (custom-section annotations)",
            )),
            WastDirective::AssertException { .. } => Err(unsupported(
                "assert_exception (exception handling proposal)",
            )),
            WastDirective::AssertSuspension { .. } => {
                Err(unsupported("assert_suspension (stack switching proposal)"))
            }
            WastDirective::Thread(_) => Err(unsupported("thread (threads proposal)")),
            WastDirective::Wait { .. } => Err(unsupported("wait (threads proposal)")),
        }
    }

    /// `(module ...)`: compile and instantiate; the instance becomes the
    /// current one (and is kept under its `$id`). If that fails, the
    /// current instance (and the `$id`) become unusable, with a reason.
    fn module(&mut self, module: &mut QuoteWat<'_>, line: usize) -> Result<(), Failed> {
        let name = module.name().map(|id| id.name().to_string());
        let result = self
            .compile(module)
            .and_then(|module| self.instantiate(&module)?.map_err(Failed::Instantiate));
        self.set_current(name, result.as_ref().ok().copied(), line);
        result.map(drop)
    }

    /// Makes `instance` the current instance (and `$name`'s); `None` means
    /// the module at `line` failed.
    fn set_current(&mut self, name: Option<String>, instance: Option<Instance>, line: usize) {
        self.current_component = None;
        let slot: Slot = instance.ok_or_else(|| format!("the module at line {line} failed"));
        if let Some(name) = name {
            self.named.insert(name, slot.clone());
        }
        self.current = slot;
    }

    /// `(module definition ...)`: compile only, for a later
    /// `(module instance ...)`.
    fn module_definition(&mut self, module: &mut QuoteWat<'_>, line: usize) -> Result<(), Failed> {
        let name = module
            .name()
            .map(|id| id.name().to_string())
            .unwrap_or_default();
        let result = self.compile(module);
        self.last_definition = Some(name.clone());
        record_definition(&mut self.definitions, name, result, "module", line)
    }

    /// `(module instance $i $m)`: instantiate a defined module.
    fn module_instance(
        &mut self,
        instance: Option<Id<'_>>,
        module: Option<Id<'_>>,
        line: usize,
    ) -> Result<(), Failed> {
        let key = match module {
            Some(id) => Some(id.name().to_string()),
            None => self.last_definition.clone(),
        };
        let name = instance.map(|id| id.name().to_string());
        let result = match key.as_ref().and_then(|key| self.definitions.get(key)) {
            None => Err(Failed::NoInstance(match key {
                Some(key) => format!("no module definition named ${key}"),
                None => "no module has been defined yet".to_string(),
            })),
            Some(Err(reason)) => Err(Failed::NoInstance(reason.clone())),
            Some(Ok(module)) => {
                let (linker, store) = (&self.linker, &mut self.store);
                guard(|| linker.instantiate(store, module))
                    .and_then(|result| result.map_err(Failed::Instantiate))
            }
        };
        self.set_current(name, result.as_ref().ok().copied(), line);
        result.map(drop)
    }

    /// `(register "name" $id?)`: make an instance's exports importable.
    fn register(&mut self, name: &str, module: Option<Id<'_>>) -> Result<(), Failed> {
        let instance = self.instance(module)?;
        guard(|| {
            self.linker
                .define_instance(&mut self.store, name, instance)
                .map(drop)
        })?
        .map_err(|error| Failed::Register {
            name: name.to_string(),
            error,
        })
    }

    /// `(assert_return (invoke ...) results...)` or `(assert_return (get
    /// ...) result)`.
    fn assert_return(
        &mut self,
        exec: WastExecute<'_>,
        results: &[WastRet<'_>],
    ) -> Result<(), Failed> {
        let got = match exec {
            WastExecute::Invoke(invoke) => self.invoke(&invoke)?.map_err(Failed::Call)?,
            WastExecute::Get { module, global, .. } => vec![self.get(module, global)?],
            WastExecute::Wat(_) => return Err(unsupported("assert_return on a module")),
        };
        check_results(&got, results)
    }

    /// `(assert_trap (invoke ...) "message")` or `(assert_trap (module ...)
    /// "message")`: the call, or the module's instantiation (its start
    /// function or its segments), traps with that message.
    fn assert_trap(&mut self, exec: WastExecute<'_>, message: &str) -> Result<(), Failed> {
        let outcome = match exec {
            WastExecute::Invoke(invoke) => self.invoke(&invoke)?.map(|vals| returned(&vals)),
            WastExecute::Wat(mut wat) => {
                let module = self.compile_wat(&mut wat)?;
                self.instantiate(&module)?
                    .map(|_| "the module instantiated".to_string())
            }
            WastExecute::Get { .. } => return Err(unsupported("assert_trap on a global")),
        };
        expect_trap(outcome, message)
    }

    /// `assert_malformed` and `assert_invalid`: weft rejects the module. A
    /// malformed module that the `wast` crate cannot even encode (text
    /// that does not parse) counts as rejected. The message is not
    /// compared: weft words its errors its own way.
    fn assert_rejected(
        &mut self,
        module: &mut QuoteWat<'_>,
        message: &str,
        expected: Rejection,
    ) -> Result<(), Failed> {
        let bytes = match module.encode() {
            Ok(bytes) => bytes,
            Err(err) => {
                return match expected {
                    Rejection::Malformed => Ok(()),
                    Rejection::Invalid => Err(Failed::Encode(err.message())),
                }
            }
        };
        let engine = self.engine;
        let outcome = if is_component(module) {
            guard(|| Component::new(engine, &bytes).map(drop))?
        } else {
            guard(|| Module::new(engine, &bytes).map(drop))?
        };
        match outcome {
            Ok(_) => Err(Failed::Accepted {
                expected: expected.as_str(),
                message: message.to_string(),
            }),
            Err(Error::Invalid { .. }) => Ok(()),
            Err(error) => Err(Failed::WrongError {
                expected: expected.as_str(),
                message: message.to_string(),
                error,
            }),
        }
    }

    /// `assert_unlinkable`: the module compiles, but its imports cannot be
    /// satisfied. The message is not compared.
    fn assert_unlinkable(&mut self, module: &mut Wat<'_>, message: &str) -> Result<(), Failed> {
        let outcome = if let Wat::Component(component) = module {
            let bytes = component
                .encode()
                .map_err(|err| Failed::Encode(err.message()))?;
            let component = self.compile_component_bytes(&bytes)?;
            self.instantiate_component(&component)?.map(drop)
        } else {
            let module = self.compile_wat(module)?;
            self.instantiate(&module)?.map(drop)
        };
        match outcome {
            Ok(_) => Err(Failed::Accepted {
                expected: "unlinkable",
                message: message.to_string(),
            }),
            Err(Error::Link { .. }) => Ok(()),
            Err(error) => Err(Failed::WrongError {
                expected: "unlinkable",
                message: message.to_string(),
                error,
            }),
        }
    }

    /// `(component ...)`: compile and instantiate; the instance becomes
    /// the current one, and a named one can be imported by later
    /// components under its name.
    fn component(&mut self, module: &mut QuoteWat<'_>, line: usize) -> Result<(), Failed> {
        let name = module.name().map(|id| id.name().to_string());
        let bytes = module
            .encode()
            .map_err(|err| Failed::Encode(err.message()))?;
        let result = self.compile_component_bytes(&bytes).and_then(|component| {
            self.instantiate_component(&component)?
                .map_err(Failed::Instantiate)
        });
        self.set_current_component(name, result.as_ref().ok().cloned(), line);
        result.map(drop)
    }

    fn set_current_component(
        &mut self,
        name: Option<String>,
        instance: Option<ComponentInstance>,
        line: usize,
    ) {
        if let (Some(name), Some(instance)) = (&name, &instance) {
            self.components.define_instance(name, instance);
        }
        self.current_component =
            Some(instance.ok_or_else(|| format!("the component at line {line} failed")));
    }

    /// `(component definition ...)`: compile only.
    fn component_definition(
        &mut self,
        module: &mut QuoteWat<'_>,
        line: usize,
    ) -> Result<(), Failed> {
        let name = module
            .name()
            .map(|id| id.name().to_string())
            .unwrap_or_default();
        let bytes = module
            .encode()
            .map_err(|err| Failed::Encode(err.message()))?;
        let result = self.compile_component_bytes(&bytes);
        record_definition(
            &mut self.component_definitions,
            name,
            result,
            "component",
            line,
        )
    }

    /// `(component instance $i $c)`: instantiate a defined component.
    fn component_instance(
        &mut self,
        instance: Option<Id<'_>>,
        definition: Option<Id<'_>>,
        line: usize,
    ) -> Result<(), Failed> {
        let key = definition
            .map(|id| id.name().to_string())
            .unwrap_or_default();
        let name = instance.map(|id| id.name().to_string());
        let result = match self.component_definitions.get(&key) {
            None => Err(Failed::NoInstance(format!(
                "no component definition named ${key}"
            ))),
            Some(Err(reason)) => Err(Failed::NoInstance(reason.clone())),
            Some(Ok(component)) => {
                let component = component.clone();
                self.instantiate_component(&component)
                    .and_then(|r| r.map_err(Failed::Instantiate))
            }
        };
        self.set_current_component(name, result.as_ref().ok().cloned(), line);
        result.map(drop)
    }

    fn compile_component_bytes(&mut self, bytes: &[u8]) -> Result<Component, Failed> {
        let engine = self.engine;
        guard(|| Component::new(engine, bytes))?.map_err(Failed::Compile)
    }

    fn instantiate_component(
        &mut self,
        component: &Component,
    ) -> Result<Result<ComponentInstance, Error>, Failed> {
        guard(|| self.components.instantiate(&mut self.store, component))
    }

    /// Whether `invoke` calls the current component (not a core module).
    fn calls_component(&self, invoke: &WastInvoke<'_>) -> bool {
        invoke.module.is_none() && self.current_component.is_some()
    }

    /// Calls a function of the current component instance.
    fn invoke_component(
        &mut self,
        invoke: &WastInvoke<'_>,
    ) -> Result<Result<Vec<ComponentVal>, Error>, Failed> {
        let instance = match &self.current_component {
            Some(slot) => slot.clone().map_err(Failed::NoInstance)?,
            None => return Err(Failed::NoInstance("no component instance".into())),
        };
        let args = invoke
            .args
            .iter()
            .map(crate::component::arg_to_val)
            .collect::<Result<Vec<_>, _>>()?;
        let func = guard(|| instance.get_func(&mut self.store, invoke.name))?.ok_or_else(|| {
            Failed::NoExport {
                kind: "function",
                name: invoke.name.to_string(),
            }
        })?;
        guard(|| func.call(&mut self.store, &args))
    }

    /// Encodes and compiles a module that should compile.
    fn compile(&mut self, module: &mut QuoteWat<'_>) -> Result<Module, Failed> {
        if is_component(module) {
            return Err(unsupported("a component"));
        }
        let bytes = module
            .encode()
            .map_err(|err| Failed::Encode(err.message()))?;
        self.compile_bytes(&bytes)
    }

    /// Encodes and compiles a module (not quoted) that should compile.
    fn compile_wat(&mut self, module: &mut Wat<'_>) -> Result<Module, Failed> {
        if matches!(module, Wat::Component(_)) {
            return Err(unsupported("a component"));
        }
        let bytes = module
            .encode()
            .map_err(|err| Failed::Encode(err.message()))?;
        self.compile_bytes(&bytes)
    }

    /// Compiles a binary that should compile.
    fn compile_bytes(&mut self, bytes: &[u8]) -> Result<Module, Failed> {
        let engine = self.engine;
        guard(|| Module::new(engine, bytes))?.map_err(Failed::Compile)
    }

    /// Instantiates `module` with the linker: the outer result for a panic,
    /// the inner one for weft's answer.
    fn instantiate(&mut self, module: &Module) -> Result<Result<Instance, Error>, Failed> {
        guard(|| self.linker.instantiate(&mut self.store, module))
    }

    /// The instance `$id`, or the current one.
    fn instance(&self, module: Option<Id<'_>>) -> Result<Instance, Failed> {
        let slot = match module {
            None => &self.current,
            Some(id) => match self.named.get(id.name()) {
                Some(slot) => slot,
                None => {
                    return Err(Failed::NoInstance(format!(
                        "no module named ${}",
                        id.name()
                    )))
                }
            },
        };
        slot.clone().map_err(Failed::NoInstance)
    }

    /// Calls an exported function: the outer result for harness problems
    /// (no such instance or export, an unsupported argument, a panic), the
    /// inner one for what the call did.
    fn invoke(&mut self, invoke: &WastInvoke<'_>) -> Result<Result<Vec<Val>, Error>, Failed> {
        let instance = self.instance(invoke.module)?;
        let args = invoke
            .args
            .iter()
            .map(arg_to_val)
            .collect::<Result<Vec<_>, _>>()?;
        let func = guard(|| instance.get_func(&mut self.store, invoke.name))?.ok_or_else(|| {
            Failed::NoExport {
                kind: "function",
                name: invoke.name.to_string(),
            }
        })?;
        let ty = guard(|| func.ty(&self.store))?;
        let mut results: Vec<Val> = ty
            .results()
            .iter()
            .map(|ty| Val::default_for(*ty))
            .collect();
        let outcome = guard(|| func.call(&mut self.store, &args, &mut results))?;
        Ok(outcome.map(|()| results))
    }

    /// The value of an exported global.
    fn get(&mut self, module: Option<Id<'_>>, name: &str) -> Result<Val, Failed> {
        let instance = self.instance(module)?;
        let global = guard(|| instance.get_global(&mut self.store, name))?.ok_or_else(|| {
            Failed::NoExport {
                kind: "global",
                name: name.to_string(),
            }
        })?;
        guard(|| global.get(&mut self.store))
    }
}

/// Keeps a compiled definition under `name` for later instantiation; a
/// failed one is kept as the reason its instances cannot be made.
fn record_definition<T>(
    definitions: &mut HashMap<String, Result<T, String>>,
    name: String,
    result: Result<T, Failed>,
    what: &str,
    line: usize,
) -> Result<(), Failed> {
    match result {
        Ok(definition) => {
            definitions.insert(name, Ok(definition));
            Ok(())
        }
        Err(failed) => {
            let reason = format!("the {what} definition at line {line} failed");
            definitions.insert(name, Err(reason));
            Err(failed)
        }
    }
}

/// Whether a module of a directive is a component.
fn is_component(module: &QuoteWat<'_>) -> bool {
    matches!(
        module,
        QuoteWat::QuoteComponent(..) | QuoteWat::Wat(Wat::Component(_))
    )
}

/// [`Failed::Unsupported`] for `what`.
fn unsupported(what: &str) -> Failed {
    Failed::Unsupported(format!("{what} is not core WebAssembly 2.0"))
}

/// "the call returned (...)", for a trap that did not happen.
fn returned(vals: &[Val]) -> String {
    format!("the call returned {}", describe_vals(vals))
}

/// Checks that `outcome` is a trap whose message matches `expected`;
/// `Ok` holds what happened instead of a trap.
fn expect_trap(outcome: Result<String, Error>, expected: &str) -> Result<(), Failed> {
    match outcome {
        Ok(what) => Err(Failed::NoTrap {
            expected: expected.to_string(),
            outcome: what,
        }),
        Err(Error::Trap(trap)) => {
            if trap_message_matches(trap.kind.spec_message(), expected) {
                Ok(())
            } else {
                Err(Failed::WrongTrap {
                    expected: expected.to_string(),
                    got: trap.kind.to_string(),
                })
            }
        }
        Err(other) => Err(Failed::NoTrap {
            expected: expected.to_string(),
            outcome: format!("it failed with: {other}"),
        }),
    }
}
