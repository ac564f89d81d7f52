//! `weft link`: composing components.
//!
//! [`Composer`] takes components (the first one's imports to satisfy, then
//! components that satisfy them, in any order) and makes one component:
//! each import of an input is matched to an export of another input by
//! name (an interface's semver-compatible versions match), checked by
//! structure, with messages in WIT's terms, and the inputs are embedded
//! and instantiated providers first. What nothing satisfies stays an
//! import of the result; the result exports the first input's exports,
//! or those named. The plan ([`LinkPlan`]) can be made and printed
//! without encoding anything (`weft link --explain`).
//!
//! Data flow: bytes → `input.rs` (`Input::read`: wasmparser validation,
//! imports and exports with their types) → `plan.rs` (`LinkPlan::new`:
//! providers by `names.rs`, instantiation order, cycles, then
//! `check.rs` on every import) → `encode.rs` (wasm-encoder; the result
//! validated by wasmparser). `text.rs` writes wasmparser's types as WIT
//! for messages.

mod check;
mod encode;
mod error;
mod input;
mod names;
mod plan;
mod text;

pub use error::{Against, CycleEdge, LinkError, TypeMismatch};
pub use plan::LinkPlan;

use input::Input;

/// Links components; see the [module documentation](self).
#[derive(Debug, Default, Clone)]
pub struct Composer {
    inputs: Vec<(String, Vec<u8>)>,
    exports: Vec<String>,
    require_all: bool,
}

/// A linked component and the plan it was made by.
pub struct Linked {
    /// The component's bytes, validated.
    pub component: Vec<u8>,
    /// How it was made.
    pub plan: LinkPlan,
}

impl Composer {
    /// A composer with no inputs.
    pub fn new() -> Composer {
        Composer::default()
    }

    /// Adds an input component. `name` (a file name, typically) is how
    /// messages refer to it. The first input's imports are the ones to
    /// satisfy; the others are searched for exports in the order given.
    pub fn input(&mut self, name: impl Into<String>, bytes: Vec<u8>) -> &mut Composer {
        self.inputs.push((name.into(), bytes));
        self
    }

    /// Exports `name` from the result (an export of the first input, else
    /// of another), in place of all of the first input's exports. Called
    /// once per export.
    pub fn export(&mut self, name: impl Into<String>) -> &mut Composer {
        self.exports.push(name.into());
        self
    }

    /// Makes an import that no input satisfies an error, instead of an
    /// import of the result.
    pub fn require_all(&mut self, require_all: bool) -> &mut Composer {
        self.require_all = require_all;
        self
    }

    /// Reads and validates the inputs, matches imports to exports, orders
    /// the instances and checks every import's type against what
    /// satisfies it.
    pub fn plan(&self) -> Result<LinkPlan, LinkError> {
        let inputs = self
            .inputs
            .iter()
            .map(|(name, bytes)| Input::read(name, bytes.clone()))
            .collect::<Result<Vec<_>, _>>()?;
        LinkPlan::new(inputs, &self.exports, self.require_all)
    }

    /// [`Composer::plan`], then the component, validated.
    pub fn link(&self) -> Result<Linked, LinkError> {
        let plan = self.plan()?;
        let component = encode::encode(&plan)?;
        Ok(Linked { component, plan })
    }
}
