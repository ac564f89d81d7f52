//! Calls into weft with panics caught, so that one bad directive cannot end
//! the run.

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::error::Failed;

/// Runs `f`, turning a panic into [`Failed::Panic`] with the panic's
/// message.
///
/// The closure is asserted unwind-safe: after a panic the store may hold
/// half-done state, which later directives will find (and fail on) rather
/// than the harness stopping.
pub(crate) fn guard<R>(f: impl FnOnce() -> R) -> Result<R, Failed> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| Failed::Panic(panic_message(&*payload)))
}

/// The text of a panic payload (`panic!` gives `&str` or `String`).
fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(a panic without a message)".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn returns_the_value() {
        assert!(matches!(guard(|| 7), Ok(7)));
    }

    #[test]
    fn catches_a_panic_with_its_message() {
        let hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let str_panic = guard(|| -> u32 { panic!("boom") });
        let string_panic = guard(|| -> u32 { panic!("code {}", 42) });
        std::panic::set_hook(hook);
        match str_panic {
            Err(Failed::Panic(message)) => assert_eq!(message, "boom"),
            other => panic!("unexpected {other:?}"),
        }
        match string_panic {
            Err(failed) => assert_eq!(failed.to_string(), "panic in weft: code 42"),
            other => panic!("unexpected {other:?}"),
        }
    }
}
