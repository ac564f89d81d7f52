//! Globals, tables and memories as host-visible handles.

use crate::error::Error;
use crate::store::{GlobalStorage, Store};
use crate::types::{GlobalType, MemoryType, Mutability, TableType, ValType};
use crate::values::Val;
use crate::vm::instance::{TableData, VMGlobal};

/// A global in a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Global {
    pub(crate) store_id: u64,
    pub(crate) index: u32,
}

/// A table in a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Table {
    pub(crate) store_id: u64,
    pub(crate) index: u32,
}

/// A linear memory in a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Memory {
    pub(crate) store_id: u64,
    pub(crate) index: u32,
}

fn check_type(val: &Val, ty: ValType) -> Result<(), Error> {
    if val.ty() == ty {
        Ok(())
    } else {
        Err(Error::Type {
            message: format!("a {} value where {ty} is expected", val.ty()),
        })
    }
}

impl Global {
    /// A global of type `ty` holding `val`.
    pub fn new<T>(store: &mut Store<T>, ty: GlobalType, val: Val) -> Result<Global, Error> {
        check_type(&val, ty.content)?;
        let inner = &mut *store.inner;
        let bits = val.to_raw(inner)?;
        inner
            .globals
            .push((GlobalStorage::Host(Box::new(VMGlobal { bits })), ty));
        Ok(Global {
            store_id: inner.id,
            index: inner.globals.len() as u32 - 1,
        })
    }

    /// The global's type.
    pub fn ty<T>(&self, store: &Store<T>) -> GlobalType {
        store.inner.globals[self.index as usize].1
    }

    /// The current value.
    pub fn get<T>(&self, store: &mut Store<T>) -> Val {
        let inner = &mut *store.inner;
        let (global, ty) = &inner.globals[self.index as usize];
        let (bits, content) = (global.bits(), ty.content);
        Val::from_raw(inner, bits, content)
    }

    /// Assigns a mutable global.
    pub fn set<T>(&self, store: &mut Store<T>, val: Val) -> Result<(), Error> {
        let inner = &mut *store.inner;
        inner.check(self.store_id, "global")?;
        let ty = inner.globals[self.index as usize].1;
        if ty.mutability == Mutability::Const {
            return Err(Error::Type {
                message: "assignment to an immutable global".into(),
            });
        }
        check_type(&val, ty.content)?;
        let bits = val.to_raw(inner)?;
        inner.globals[self.index as usize].0.set_bits(bits);
        Ok(())
    }
}

impl Table {
    /// A table of type `ty` with every element `init`.
    pub fn new<T>(store: &mut Store<T>, ty: TableType, init: Val) -> Result<Table, Error> {
        check_type(&init, ValType::Ref(ty.element))?;
        let inner = &mut *store.inner;
        let init = init.to_raw(inner)? as usize;
        inner.tables.push(Box::new(TableData::new(ty, init)));
        Ok(Table {
            store_id: inner.id,
            index: inner.tables.len() as u32 - 1,
        })
    }

    /// The table's type, with its current size as minimum.
    pub fn ty<T>(&self, store: &Store<T>) -> TableType {
        let table = &store.inner.tables[self.index as usize];
        TableType {
            minimum: table.elements().len() as u32,
            ..table.ty
        }
    }

    /// The number of elements.
    pub fn size<T>(&self, store: &Store<T>) -> u32 {
        store.inner.tables[self.index as usize].elements().len() as u32
    }

    /// Element `index`, or `None` out of bounds.
    pub fn get<T>(&self, store: &mut Store<T>, index: u32) -> Option<Val> {
        let inner = &mut *store.inner;
        let table = &inner.tables[self.index as usize];
        let raw = *table.elements().get(index as usize)?;
        let ty = ValType::Ref(table.ty.element);
        Some(Val::from_raw(inner, raw as u128, ty))
    }
}

impl Memory {
    /// A memory of type `ty`.
    pub fn new<T>(store: &mut Store<T>, ty: MemoryType) -> Result<Memory, Error> {
        let inner = &mut *store.inner;
        let memory = crate::instance::new_memory(&mut inner.ctx, ty)?;
        inner.memories.push((Box::new(memory), ty));
        Ok(Memory {
            store_id: inner.id,
            index: inner.memories.len() as u32 - 1,
        })
    }

    /// The memory's type, with its current size as minimum.
    pub fn ty<T>(&self, store: &Store<T>) -> MemoryType {
        let (memory, ty) = &store.inner.memories[self.index as usize];
        MemoryType {
            minimum: memory.size_in_pages(),
            ..*ty
        }
    }

    /// The size in 64 KiB pages.
    pub fn size<T>(&self, store: &Store<T>) -> u32 {
        store.inner.memories[self.index as usize].0.size_in_pages()
    }

    /// The memory's bytes.
    pub fn data<'a, T>(&self, store: &'a Store<T>) -> &'a [u8] {
        store.inner.memories[self.index as usize].0.data()
    }

    /// The memory's bytes, to write.
    pub fn data_mut<'a, T>(&self, store: &'a mut Store<T>) -> &'a mut [u8] {
        store.inner.memories[self.index as usize].0.data_mut()
    }

    /// Grows by `delta` pages; returns the old size in pages.
    pub fn grow<T>(&self, store: &mut Store<T>, delta: u32) -> Result<u32, Error> {
        let inner = &mut *store.inner;
        let bytes = delta as usize * 65536;
        let fail = || Error::Limit(format!("cannot grow memory by {delta} pages"));
        if !inner.ctx.reserve_memory(bytes) {
            return Err(fail());
        }
        match inner.memories[self.index as usize].0.grow(delta) {
            Some(old) => Ok(old),
            None => {
                inner.ctx.memory_used -= bytes;
                Err(fail())
            }
        }
    }
}
