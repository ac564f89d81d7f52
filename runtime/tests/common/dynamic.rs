//! The kitchen sink through the dynamic API, for the tests that call it
//! with [`Val`]s (`guest_kitchen_sink.rs`,
//! `guest_kitchen_sink_resources.rs`): calls by export name, and values
//! built and taken apart by hand.

// Each test file uses part of this.
#![allow(dead_code)]

use weft_runtime::component::{Resource, Val};
use weft_runtime::Error;

use super::kitchen_sink::Sink;

/// Calls through the dynamic API (a trait, so that the typed tests' own
/// `Sink::call` is left alone).
pub trait DynamicCalls {
    /// Calls `name`, which may fail.
    fn try_call(&mut self, name: &str, args: &[Val]) -> Result<Vec<Val>, Error>;

    /// Calls `name`, which returns one value.
    fn call(&mut self, name: &str, args: &[Val]) -> Val {
        match self.try_call(name, args) {
            Ok(mut results) if results.len() == 1 => results.remove(0),
            Ok(results) => panic!("`{name}` returned {results:?}, not one value"),
            Err(err) => panic!("`{name}` failed: {err}"),
        }
    }

    /// Calls `name`, which returns nothing.
    fn call_unit(&mut self, name: &str, args: &[Val]) {
        match self.try_call(name, args) {
            Ok(results) => assert!(results.is_empty(), "`{name}` returned {results:?}"),
            Err(err) => panic!("`{name}` failed: {err}"),
        }
    }

    /// Calls the function `func` of `interface`.
    fn call_in(&mut self, interface: &str, func: &str, args: &[Val]) -> Val {
        self.call(&format!("{interface}#{func}"), args)
    }
}

impl DynamicCalls for Sink {
    fn try_call(&mut self, name: &str, args: &[Val]) -> Result<Vec<Val>, Error> {
        let func = self.func(name);
        func.call(&mut self.store, args)
    }
}

pub fn string(s: &str) -> Val {
    Val::String(s.to_string())
}

pub fn point(x: i32, y: i32) -> Val {
    Val::Record(vec![("x".into(), Val::S32(x)), ("y".into(), Val::S32(y))])
}

pub fn some(v: Val) -> Val {
    Val::Option(Some(Box::new(v)))
}

pub fn none() -> Val {
    Val::Option(None)
}

pub fn ok(v: Option<Val>) -> Val {
    Val::Result(Ok(v.map(Box::new)))
}

pub fn err(v: Option<Val>) -> Val {
    Val::Result(Err(v.map(Box::new)))
}

pub fn flags(names: &[&str]) -> Val {
    Val::Flags(names.iter().map(|n| n.to_string()).collect())
}

pub fn strings(items: &[&str]) -> Val {
    Val::List(items.iter().map(|s| string(s)).collect())
}

pub fn person(name: &str, age: u8, tags: &[&str]) -> Val {
    Val::Record(vec![
        ("name".into(), string(name)),
        ("age".into(), Val::U8(age)),
        ("tags".into(), strings(tags)),
    ])
}

/// The flag names set in a flags value, sorted (the order flags come back
/// in is the type's, not the order they were given in).
pub fn flag_set(v: &Val) -> Vec<String> {
    match v {
        Val::Flags(names) => {
            let mut names = names.clone();
            names.sort();
            names
        }
        other => panic!("not flags: {other:?}"),
    }
}

pub fn sorted(names: &[String]) -> Vec<String> {
    let mut names = names.to_vec();
    names.sort();
    names
}

pub fn own(v: Val) -> Resource {
    match v {
        Val::Own(r) => r,
        other => panic!("not an own handle: {other:?}"),
    }
}
