//! The kitchen-sink guest (`guests/kitchen-sink`) instantiated with the
//! host's side of its imports, through the plain linker API: the `host`
//! interface's functions and the `host-things` interface's `tally`
//! resource (with a destructor) defined in linker instances named after
//! the interfaces, and an empty instance for the `types` interface. Shared by the dynamic (`guest_kitchen_sink.rs`) and
//! typed (`guest_kitchen_sink_typed.rs`) tests.

// Each test file uses part of this.
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use weft_runtime::component::{
    Component, Func, Instance, Linker, LinkerInstance, Resource, ResourceType, Val,
};
use weft_runtime::{Engine, Store, Trap, TrapKind};

/// The package's interfaces, as the component names its instances.
pub const SCALARS: &str = "weft-test:kitchen-sink/scalars@0.1.0";
pub const COMPOUND: &str = "weft-test:kitchen-sink/compound@0.1.0";
pub const RESOURCES: &str = "weft-test:kitchen-sink/resources@0.1.0";
pub const TYPES: &str = "weft-test:kitchen-sink/types@0.1.0";
pub const HOST: &str = "weft-test:kitchen-sink/host@0.1.0";
pub const HOST_THINGS: &str = "weft-test:kitchen-sink/host-things@0.1.0";

/// The kitchen sink, compiled once for all tests of the process (with
/// one engine).
pub fn kitchen_sink() -> &'static Component {
    static COMPONENT: OnceLock<Component> = OnceLock::new();
    COMPONENT.get_or_init(|| {
        let bytes = super::guests::component("kitchen-sink");
        Component::new(&Engine::default(), &bytes).expect("the kitchen sink loads")
    })
}

/// The host's tallies (the `tally` resource it defines), by rep.
#[derive(Default)]
pub struct Tallies {
    next: u32,
    /// The live tallies: label and value.
    pub live: HashMap<u32, (String, i64)>,
    /// The tallies the destructor was run for, in order: rep, label and
    /// final value.
    pub dropped: Vec<(u32, String, i64)>,
}

impl Tallies {
    /// A new tally; its rep.
    pub fn create(&mut self, label: String, value: i64) -> u32 {
        // Reps far from handle indices, so mixing them up shows.
        let rep = 1000 + self.next;
        self.next += 1;
        self.live.insert(rep, (label, value));
        rep
    }

    /// The destructor: the tally leaves `live` for `dropped`.
    fn destroy(&mut self, rep: u32) -> Result<(), Trap> {
        let (label, value) = self
            .live
            .remove(&rep)
            .ok_or_else(|| host_trap(format!("destructor of tally {rep}, which is not live")))?;
        self.dropped.push((rep, label, value));
        Ok(())
    }
}

/// An instance of the kitchen sink with the host's side of its imports.
pub struct Sink {
    pub store: Store<()>,
    pub instance: Instance,
    /// What the guest logged through `host.log`.
    pub log: Arc<Mutex<Vec<String>>>,
    pub tallies: Arc<Mutex<Tallies>>,
    /// The host's `tally` resource type.
    pub tally: ResourceType,
}

impl Sink {
    /// A new instance, in a new store.
    pub fn new() -> Sink {
        Sink::of(kitchen_sink())
    }

    /// A new instance of `component` (the kitchen sink, loaded some other
    /// way), in a new store of its engine.
    pub fn of(component: &Component) -> Sink {
        let engine = component.engine().clone();
        let mut store = Store::new(&engine, ());
        let log = Arc::new(Mutex::new(Vec::new()));
        let tallies = Arc::new(Mutex::new(Tallies::default()));
        let state = tallies.clone();
        let tally = ResourceType::host_with_destructor(&mut store, move |_, rep| {
            state.lock().unwrap().destroy(rep)
        });
        let mut linker = Linker::new(&engine);
        // The `types` interface holds plain types only: it is imported as
        // an instance, which must exist, but needs nothing defined in it.
        linker.instance(TYPES);
        define_host(&mut linker.instance(HOST), &log);
        define_host_things(&mut linker.instance(HOST_THINGS), tally, &tallies);
        let instance = linker
            .instantiate(&mut store, component)
            .expect("the kitchen sink instantiates");
        Sink {
            store,
            instance,
            log,
            tallies,
            tally,
        }
    }

    /// The export `name` (`interface#func` for an interface's function).
    pub fn func(&mut self, name: &str) -> Func {
        self.instance
            .get_func(&mut self.store, name)
            .unwrap_or_else(|| panic!("no export `{name}`"))
    }

    /// A new tally kept by the host (not yet handed to the guest).
    pub fn new_tally(&self, label: &str, value: i64) -> Resource {
        let rep = self.tallies.lock().unwrap().create(label.into(), value);
        Resource::new(self.tally, rep)
    }
}

fn host_trap(message: String) -> Trap {
    Trap {
        kind: TrapKind::Host(message),
        backtrace: Vec::new(),
    }
}

/// The trap a host function returns when called with arguments its
/// import's type rules out.
pub fn trap(func: &str) -> Trap {
    host_trap(format!("`{func}` called with arguments of the wrong type"))
}

/// The host's `greet`.
pub fn greeting(name: &str) -> String {
    format!("hello, {name}!")
}

fn point(x: i32, y: i32) -> Val {
    Val::Record(vec![("x".into(), Val::S32(x)), ("y".into(), Val::S32(y))])
}

/// Defines the `host` interface's functions in `host`.
fn define_host(host: &mut LinkerInstance<'_>, log: &Arc<Mutex<Vec<String>>>) {
    let seen = log.clone();
    host.func_new("log", move |_, args| match args {
        [Val::String(msg)] => {
            seen.lock().unwrap().push(msg.clone());
            Ok(vec![])
        }
        _ => Err(trap("log")),
    });
    host.func_new("add", |_, args| match args {
        [Val::U64(a), Val::U64(b)] => Ok(vec![Val::U64(a.wrapping_add(*b))]),
        _ => Err(trap("add")),
    });
    host.func_new("greet", |_, args| match args {
        [Val::String(name)] => Ok(vec![Val::String(greeting(name))]),
        _ => Err(trap("greet")),
    });
    host.func_new("points", |_, args| match args {
        [Val::U32(n)] => Ok(vec![Val::List(
            (0..*n as i32).map(|i| point(i, -i)).collect(),
        )]),
        _ => Err(trap("points")),
    });
    host.func_new("split-at", |_, args| match args {
        [Val::String(s), Val::U32(at)] => match s.split_at_checked(*at as usize) {
            Some((front, back)) => Ok(vec![Val::Tuple(vec![
                Val::String(front.into()),
                Val::String(back.into()),
            ])]),
            None => Err(trap("split-at")),
        },
        _ => Err(trap("split-at")),
    });
}

/// Defines the `host-things` interface in `things`: the resource type
/// `tally` (tallies kept in `tallies`) and its functions.
fn define_host_things(
    things: &mut LinkerInstance<'_>,
    tally: ResourceType,
    tallies: &Arc<Mutex<Tallies>>,
) {
    things.resource("tally", tally);
    let state = tallies.clone();
    things.func_new("[constructor]tally", move |_, args| match args {
        [Val::String(label), Val::S64(start)] => {
            let rep = state.lock().unwrap().create(label.clone(), *start);
            Ok(vec![Val::Own(Resource::new(tally, rep))])
        }
        _ => Err(trap("[constructor]tally")),
    });
    let state = tallies.clone();
    things.func_new("[method]tally.add", move |_, args| match args {
        [Val::Borrow(t), Val::S64(by)] => {
            let mut state = state.lock().unwrap();
            let entry = state.live.get_mut(&t.rep()).expect("a live tally");
            entry.1 += by;
            Ok(vec![Val::S64(entry.1)])
        }
        _ => Err(trap("[method]tally.add")),
    });
    let state = tallies.clone();
    things.func_new("[method]tally.value", move |_, args| match args {
        [Val::Borrow(t)] => Ok(vec![Val::S64(state.lock().unwrap().live[&t.rep()].1)]),
        _ => Err(trap("[method]tally.value")),
    });
    let state = tallies.clone();
    things.func_new("[method]tally.label", move |_, args| match args {
        [Val::Borrow(t)] => Ok(vec![Val::String(
            state.lock().unwrap().live[&t.rep()].0.clone(),
        )]),
        _ => Err(trap("[method]tally.label")),
    });
    let state = tallies.clone();
    things.func_new("[static]tally.merge", move |_, args| match args {
        [Val::Borrow(a), Val::Borrow(b)] => {
            let mut state = state.lock().unwrap();
            let (la, va) = state.live[&a.rep()].clone();
            let (lb, vb) = state.live[&b.rep()].clone();
            let rep = state.create(format!("{la}+{lb}"), va + vb);
            Ok(vec![Val::Own(Resource::new(tally, rep))])
        }
        _ => Err(trap("[static]tally.merge")),
    });
}
