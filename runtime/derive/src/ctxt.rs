//! An accumulator of errors, so that every mistake in a derive's input is
//! reported at once, each at its own tokens.

use std::cell::RefCell;
use std::fmt::Display;

use quote::ToTokens;

/// Errors found while reading a derive's input. It must be consumed with
/// [`Ctxt::check`]; dropping it unchecked is a bug in the macro and
/// panics.
pub struct Ctxt {
    errors: RefCell<Option<Vec<syn::Error>>>,
}

impl Ctxt {
    pub fn new() -> Ctxt {
        Ctxt {
            errors: RefCell::new(Some(Vec::new())),
        }
    }

    /// Records an error spanned to `tokens`.
    pub fn error(&self, tokens: impl ToTokens, message: impl Display) {
        self.push(syn::Error::new_spanned(tokens, message));
    }

    /// Records a parse error.
    pub fn push(&self, error: syn::Error) {
        self.errors
            .borrow_mut()
            .as_mut()
            .expect("errors added before the check")
            .push(error);
    }

    /// All the errors, combined into one, if there were any.
    pub fn check(self) -> syn::Result<()> {
        let errors = self.errors.borrow_mut().take().unwrap_or_default();
        let mut errors = errors.into_iter();
        let Some(mut combined) = errors.next() else {
            return Ok(());
        };
        for error in errors {
            combined.combine(error);
        }
        Err(combined)
    }
}

impl Drop for Ctxt {
    fn drop(&mut self) {
        if self.errors.borrow().is_some() && !std::thread::panicking() {
            panic!("weft-derive: errors were collected but never checked");
        }
    }
}
