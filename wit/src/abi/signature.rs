//! Core signatures of component functions (`flatten_functype`).

use std::fmt;

use wit_parser::Function;

use super::{AbiError, AbiTable, Flat, FlatType, MAX_FLAT_PARAMS, MAX_FLAT_RESULTS};

/// Which side of the boundary a core signature is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// The core function a component exports and `canon lift` wraps: when
    /// results spill, it returns a pointer to them.
    Lift,
    /// The core function `canon lower` makes for a core module to import:
    /// when results spill, the caller passes a pointer where they go.
    Lower,
}

/// The core WebAssembly signature of a component function on one side.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CoreSignature {
    /// Core parameter types, in order.
    pub params: Vec<FlatType>,
    /// Core result types (none or one).
    pub results: Vec<FlatType>,
    /// The component parameters did not fit in [`MAX_FLAT_PARAMS`] core
    /// values, so `params` is a single `i32` pointing at them, stored as a
    /// tuple in linear memory.
    pub params_in_memory: bool,
    /// The component results did not fit in [`MAX_FLAT_RESULTS`] core
    /// values, so they are stored as a tuple in linear memory: for
    /// [`Direction::Lift`] the function returns the `i32` address, for
    /// [`Direction::Lower`] the last `i32` parameter is where they go.
    pub results_in_memory: bool,
}

impl AbiTable {
    /// The core signature of `func` as seen from `direction`.
    ///
    /// More than 16 flat parameters go through memory; more than one flat
    /// result goes through a return pointer.
    pub fn signature(
        &self,
        func: &Function,
        direction: Direction,
    ) -> Result<CoreSignature, AbiError> {
        if func.kind.is_async() {
            return Err(AbiError::Async {
                function: func.name.clone(),
            });
        }
        let mut params = Flat::EMPTY;
        for param in &func.params {
            params.extend(&self.layout(&param.ty).flat);
        }
        let results = match &func.result {
            Some(ty) => self.layout(ty).flat,
            None => Flat::EMPTY,
        };

        let (mut params, params_in_memory) = match params.types() {
            Some(types) => (types.to_vec(), false),
            None => (vec![FlatType::I32], true),
        };
        let (results, results_in_memory) = match results.types() {
            Some(types) if types.len() <= MAX_FLAT_RESULTS => (types.to_vec(), false),
            _ => match direction {
                Direction::Lift => (vec![FlatType::I32], true),
                Direction::Lower => {
                    params.push(FlatType::I32);
                    (Vec::new(), true)
                }
            },
        };
        debug_assert!(params.len() <= MAX_FLAT_PARAMS + 1);
        Ok(CoreSignature {
            params,
            results,
            params_in_memory,
            results_in_memory,
        })
    }
}

impl fmt::Display for CoreSignature {
    /// Prints the signature in WebAssembly text syntax, e.g.
    /// `(func (param i32 i32) (result i64))`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(func")?;
        for (keyword, types) in [("param", &self.params), ("result", &self.results)] {
            if !types.is_empty() {
                write!(f, " ({keyword}")?;
                for ty in types {
                    write!(f, " {ty}")?;
                }
                f.write_str(")")?;
            }
        }
        f.write_str(")")
    }
}
