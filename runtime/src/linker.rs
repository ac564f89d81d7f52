//! Linkers: name the items imports are satisfied with, then instantiate.

use std::collections::HashMap;
use std::marker::PhantomData;

use crate::engine::Engine;
use crate::error::Error;
use crate::instance::{instantiate, Extern, Instance};
use crate::module::Module;
use crate::store::Store;
use crate::types::ExternType;

/// Items by module and name, for instantiating modules that import them.
pub struct Linker<T> {
    engine: Engine,
    items: HashMap<(String, String), Extern>,
    _data: PhantomData<fn(T)>,
}

impl<T> Linker<T> {
    /// An empty linker.
    pub fn new(engine: &Engine) -> Linker<T> {
        Linker {
            engine: engine.clone(),
            items: HashMap::new(),
            _data: PhantomData,
        }
    }

    /// The engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Defines `module`.`name` (replacing an earlier definition).
    pub fn define(
        &mut self,
        module: &str,
        name: &str,
        item: impl Into<Extern>,
    ) -> Result<&mut Self, Error> {
        self.items
            .insert((module.to_string(), name.to_string()), item.into());
        Ok(self)
    }

    /// Defines every export of `instance` under `module`.
    pub fn define_instance(
        &mut self,
        store: &mut Store<T>,
        module: &str,
        instance: Instance,
    ) -> Result<&mut Self, Error> {
        for (name, item) in instance.exports(store) {
            self.define(module, &name, item)?;
        }
        Ok(self)
    }

    /// The item defined as `module`.`name`.
    pub fn get(&self, module: &str, name: &str) -> Option<Extern> {
        self.items
            .get(&(module.to_string(), name.to_string()))
            .copied()
    }

    /// Instantiates `module`, satisfying its imports from this linker.
    pub fn instantiate(&self, store: &mut Store<T>, module: &Module) -> Result<Instance, Error> {
        let mut imports = Vec::new();
        let mut types: Vec<ExternType> = Vec::new();
        for (module_name, name, _) in module.imports() {
            let item = self.get(module_name, name).ok_or_else(|| Error::Link {
                message: format!("unknown import: `{module_name}`.`{name}` has not been defined"),
            })?;
            types.push(item.ty(store));
            imports.push(item);
        }
        instantiate(&mut store.inner, module, &imports, &types)
    }
}
