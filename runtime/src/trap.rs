//! Traps: what went wrong inside WebAssembly, and where.

use std::fmt;

use cranelift_codegen::ir::TrapCode;

/// The kind of a trap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrapKind {
    /// `unreachable` was executed.
    Unreachable,
    /// A load or store outside linear memory, or a bulk memory operation
    /// or data segment out of bounds.
    MemoryOutOfBounds,
    /// A table access out of bounds.
    TableOutOfBounds,
    /// `call_indirect` with an index past the end of the table.
    UndefinedElement,
    /// `call_indirect` found a null entry.
    IndirectCallToNull,
    /// `call_indirect` found a function of another type.
    BadSignature,
    /// Signed division overflow (`INT_MIN / -1`).
    IntegerOverflow,
    /// Integer division or remainder by zero.
    IntegerDivisionByZero,
    /// A float-to-int conversion of NaN or out of range.
    BadConversionToInteger,
    /// A null reference was dereferenced.
    NullReference,
    /// The call stack is exhausted (deep recursion).
    StackOverflow,
    /// Fuel ran out.
    OutOfFuel,
    /// The epoch deadline passed.
    Interrupted,
    /// A host function returned an error.
    Host(String),
    /// A component broke a rule of the component model or handed over
    /// an invalid value (the message says which and why).
    Component(String),
}

impl TrapKind {
    /// The wording the WebAssembly spec tests use for this trap.
    pub fn spec_message(&self) -> &str {
        match self {
            TrapKind::Unreachable => "unreachable",
            TrapKind::MemoryOutOfBounds => "out of bounds memory access",
            TrapKind::TableOutOfBounds => "out of bounds table access",
            TrapKind::UndefinedElement => "undefined element",
            TrapKind::IndirectCallToNull => "uninitialized element",
            TrapKind::BadSignature => "indirect call type mismatch",
            TrapKind::IntegerOverflow => "integer overflow",
            TrapKind::IntegerDivisionByZero => "integer divide by zero",
            TrapKind::BadConversionToInteger => "invalid conversion to integer",
            TrapKind::NullReference => "null reference",
            TrapKind::StackOverflow => "call stack exhausted",
            TrapKind::OutOfFuel => "all fuel consumed",
            TrapKind::Interrupted => "interrupted",
            TrapKind::Host(message) | TrapKind::Component(message) => message,
        }
    }
}

impl fmt::Display for TrapKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrapKind::Host(message) => write!(f, "host function failed: {message}"),
            other => f.write_str(other.spec_message()),
        }
    }
}

/// One frame of a wasm backtrace, innermost first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameInfo {
    /// The module's name, from its name section.
    pub module: Option<String>,
    /// The function index.
    pub func_index: u32,
    /// The function's name, from the name section.
    pub func_name: Option<String>,
    /// Offset of the machine instruction in the function's code.
    pub code_offset: usize,
}

impl fmt::Display for FrameInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let module = self.module.as_deref().unwrap_or("<module>");
        match &self.func_name {
            Some(name) => write!(f, "{module}!{name}"),
            None => write!(f, "{module}!<wasm function {}>", self.func_index),
        }
    }
}

/// A trap: WebAssembly stopped at an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trap {
    /// What went wrong.
    pub kind: TrapKind,
    /// Where: the wasm frames, innermost first.
    pub backtrace: Vec<FrameInfo>,
}

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "wasm trap: {}", self.kind)?;
        if !self.backtrace.is_empty() {
            f.write_str("\nwasm backtrace:")?;
            // Runs of the same function (deep recursion) print once.
            let mut i = 0;
            while i < self.backtrace.len() {
                let frame = &self.backtrace[i];
                let run = self.backtrace[i..]
                    .iter()
                    .take_while(|other| {
                        other.func_index == frame.func_index && other.module == frame.module
                    })
                    .count();
                write!(f, "\n  {i:>3}: {frame}")?;
                if run > 2 {
                    write!(f, " (and {} more frames of it)", run - 1)?;
                    i += run;
                } else {
                    i += 1;
                }
            }
        }
        Ok(())
    }
}

impl std::error::Error for Trap {}

/// Trap codes weft's compiled code uses beyond Cranelift's own.
pub(crate) mod codes {
    use cranelift_codegen::ir::TrapCode;

    /// A table index out of bounds.
    pub const TABLE_OUT_OF_BOUNDS: TrapCode = TrapCode::unwrap_user(1);
    /// `call_indirect` on a null entry.
    pub const INDIRECT_CALL_TO_NULL: TrapCode = TrapCode::unwrap_user(2);
    /// `call_indirect` signature mismatch.
    pub const BAD_SIGNATURE: TrapCode = TrapCode::unwrap_user(3);
    /// `unreachable`.
    pub const UNREACHABLE: TrapCode = TrapCode::unwrap_user(4);
    /// A null reference.
    pub const NULL_REFERENCE: TrapCode = TrapCode::unwrap_user(5);
    /// A runtime library call failed; its reason is in thread-local state.
    pub const LIBCALL: TrapCode = TrapCode::unwrap_user(6);
    /// Fuel ran out.
    pub const OUT_OF_FUEL: TrapCode = TrapCode::unwrap_user(7);
    /// The epoch deadline passed.
    pub const INTERRUPTED: TrapCode = TrapCode::unwrap_user(8);
    /// `call_indirect` past the end of the table.
    pub const UNDEFINED_ELEMENT: TrapCode = TrapCode::unwrap_user(9);
}

/// The trap kind of a Cranelift trap code from compiled code; `None` for
/// [`codes::LIBCALL`], whose kind the library call recorded.
pub(crate) fn kind_of_code(code: TrapCode) -> Option<TrapKind> {
    Some(match code {
        TrapCode::STACK_OVERFLOW => TrapKind::StackOverflow,
        TrapCode::INTEGER_OVERFLOW => TrapKind::IntegerOverflow,
        TrapCode::HEAP_OUT_OF_BOUNDS => TrapKind::MemoryOutOfBounds,
        TrapCode::INTEGER_DIVISION_BY_ZERO => TrapKind::IntegerDivisionByZero,
        TrapCode::BAD_CONVERSION_TO_INTEGER => TrapKind::BadConversionToInteger,
        codes::TABLE_OUT_OF_BOUNDS => TrapKind::TableOutOfBounds,
        codes::INDIRECT_CALL_TO_NULL => TrapKind::IndirectCallToNull,
        codes::BAD_SIGNATURE => TrapKind::BadSignature,
        codes::UNREACHABLE => TrapKind::Unreachable,
        codes::NULL_REFERENCE => TrapKind::NullReference,
        codes::OUT_OF_FUEL => TrapKind::OutOfFuel,
        codes::INTERRUPTED => TrapKind::Interrupted,
        codes::UNDEFINED_ELEMENT => TrapKind::UndefinedElement,
        _ => return None,
    })
}
