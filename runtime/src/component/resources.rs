//! Resources: resource types, the resources the host holds, and the
//! handle table each component instance keeps (CanonicalABI.md,
//! "Handle state"): own and borrow handles, lending, and the rules whose
//! breach is a trap.

use super::abi::LiftError;

/// A resource type in a store. Resource types are generative: each
/// instantiation of a component that defines one makes a new type, and
/// the host makes its own with [`ResourceType::host`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ResourceType {
    pub(crate) store_id: u64,
    pub(crate) index: u32,
}

/// A resource the host holds: its type and its representation (the `i32`
/// the defining component or host chose). Owned resources the host gets
/// from a guest must be dropped with
/// [`Resource::drop`](crate::component::Resource::drop) or passed back;
/// the store tracks them, so a resource used after it was dropped or
/// moved into a guest is refused rather than reaching freed guest state.
#[derive(Debug, Clone, Copy)]
pub struct Resource {
    pub(crate) ty: ResourceType,
    pub(crate) rep: u32,
    /// The store's key for an owned resource the host took from a guest;
    /// 0 for resources the host made itself or holds as a borrow.
    pub(crate) held: u64,
}

impl PartialEq for Resource {
    fn eq(&self, other: &Resource) -> bool {
        (self.ty, self.rep) == (other.ty, other.rep)
    }
}

impl Eq for Resource {}

impl std::hash::Hash for Resource {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (self.ty, self.rep).hash(state);
    }
}

impl Resource {
    /// A resource of `ty` with representation `rep` (for host-defined
    /// types, `rep` is the host's own key for the resource).
    pub fn new(ty: ResourceType, rep: u32) -> Resource {
        Resource { ty, rep, held: 0 }
    }

    /// The resource's type.
    pub fn ty(&self) -> ResourceType {
        self.ty
    }

    /// The resource's representation.
    pub fn rep(&self) -> u32 {
        self.rep
    }
}

/// One entry of a handle table.
#[derive(Debug, Clone)]
pub(crate) struct Handle {
    pub resource: Resource,
    /// An own handle (else a borrow).
    pub own: bool,
    /// For an own handle: borrows of it lent out to calls in progress.
    pub lends: u32,
    /// For a borrow: the call it was lent for, which must drop it before
    /// returning.
    pub scope: Option<u64>,
}

/// The handles of one component instance. Index 0 is never a handle.
#[derive(Debug, Default)]
pub(crate) struct HandleTable {
    entries: Vec<Option<Handle>>,
    free: Vec<u32>,
}

/// The largest handle index (CanonicalABI.md `Table.MAX_LENGTH`).
const MAX_HANDLES: usize = (1 << 28) - 1;

impl HandleTable {
    /// Adds `handle`, returning its index.
    pub fn add(&mut self, handle: Handle) -> Result<u32, LiftError> {
        if self.entries.is_empty() {
            self.entries.push(None);
        }
        if let Some(index) = self.free.pop() {
            self.entries[index as usize] = Some(handle);
            return Ok(index);
        }
        if self.entries.len() >= MAX_HANDLES {
            return Err(LiftError::Handle("the handle table is full".into()));
        }
        self.entries.push(Some(handle));
        Ok(self.entries.len() as u32 - 1)
    }

    /// The live handle at `index`.
    pub fn get(&self, index: u32) -> Result<&Handle, LiftError> {
        self.entries
            .get(index as usize)
            .and_then(Option::as_ref)
            .ok_or_else(|| unknown(index))
    }

    /// The live handle at `index`, to change.
    pub fn get_mut(&mut self, index: u32) -> Result<&mut Handle, LiftError> {
        self.entries
            .get_mut(index as usize)
            .and_then(Option::as_mut)
            .ok_or_else(|| unknown(index))
    }

    /// Removes the live handle at `index`.
    pub fn remove(&mut self, index: u32) -> Result<Handle, LiftError> {
        let handle = self
            .entries
            .get_mut(index as usize)
            .and_then(Option::take)
            .ok_or_else(|| unknown(index))?;
        self.free.push(index);
        Ok(handle)
    }

    /// Takes the own handle at `index` of resource type `ty` out of the
    /// table (`lift_own`): it must be an own handle not lent out.
    pub fn take_own(&mut self, index: u32, ty: ResourceType) -> Result<Resource, LiftError> {
        let handle = self.get(index)?;
        check_type(index, handle, ty)?;
        if !handle.own {
            return Err(LiftError::Handle(format!(
                "handle {index} is a borrow, where an own handle was expected"
            )));
        }
        if handle.lends > 0 {
            return Err(LiftError::Handle(format!(
                "cannot remove owned resource while borrowed: handle {index} is lent to {} call(s)",
                handle.lends
            )));
        }
        Ok(self.remove(index)?.resource)
    }
}

/// Checks that `handle` (at `index`) is of resource type `ty`.
pub(crate) fn check_type(index: u32, handle: &Handle, ty: ResourceType) -> Result<(), LiftError> {
    if handle.resource.ty == ty {
        Ok(())
    } else {
        Err(LiftError::Handle(format!(
            "handle index {index} used with the wrong type"
        )))
    }
}

fn unknown(index: u32) -> LiftError {
    LiftError::Handle(format!("unknown handle index {index}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resource(index: u32, rep: u32) -> Resource {
        Resource {
            held: 0,
            ty: ResourceType { store_id: 1, index },
            rep,
        }
    }

    fn own(r: Resource) -> Handle {
        Handle {
            resource: r,
            own: true,
            lends: 0,
            scope: None,
        }
    }

    #[test]
    fn handle_zero_is_never_given_and_freed_slots_are_reused() {
        let mut table = HandleTable::default();
        let a = table.add(own(resource(0, 10))).unwrap();
        let b = table.add(own(resource(0, 11))).unwrap();
        assert_eq!((a, b), (1, 2));
        assert!(table.get(0).is_err());
        table.remove(a).unwrap();
        assert!(table.get(a).is_err(), "a dropped handle is dead");
        assert_eq!(table.add(own(resource(0, 12))).unwrap(), a);
    }

    #[test]
    fn take_own_checks_type_kind_and_lends() {
        let mut table = HandleTable::default();
        let h = table.add(own(resource(0, 10))).unwrap();
        let wrong = ResourceType {
            store_id: 1,
            index: 1,
        };
        assert!(table.take_own(h, wrong).is_err());
        table.get_mut(h).unwrap().lends = 1;
        let err = table.take_own(h, resource(0, 0).ty).unwrap_err();
        assert!(err.to_string().contains("while borrowed"), "{err}");
        table.get_mut(h).unwrap().lends = 0;
        assert_eq!(table.take_own(h, resource(0, 0).ty).unwrap().rep, 10);
        assert!(table.take_own(h, resource(0, 0).ty).is_err(), "moved out");
    }
}
