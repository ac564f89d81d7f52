//! What the translator needs to know about the module and the target: the
//! layout of the vmctx, signatures, and how to reach memories, globals,
//! tables and runtime library calls. The translator asks; it never
//! computes layout itself.

use cranelift_codegen::ir::{
    self, types, AbiParam, ArgumentPurpose, InstBuilder, MemFlagsData, Signature, Value,
};
use cranelift_codegen::isa::CallConv;
use cranelift_frontend::FunctionBuilder;

use crate::module::info::ModuleInfo;
use crate::types::{FuncType, ValType};
use crate::vm::builtins::Builtin;
use crate::vm::offsets::VMOffsets;

/// The Cranelift type of a wasm value type (references are pointers).
pub fn ir_type(ty: ValType) -> ir::Type {
    match ty {
        ValType::I32 => types::I32,
        ValType::I64 => types::I64,
        ValType::F32 => types::F32,
        ValType::F64 => types::F64,
        ValType::V128 => types::I8X16,
        ValType::Ref(_) => types::I64,
    }
}

/// The native signature of a wasm function: the callee's vmctx, then the
/// wasm parameters; the wasm results.
pub fn wasm_signature(ty: &FuncType, call_conv: CallConv) -> Signature {
    let mut sig = Signature::new(call_conv);
    sig.params
        .push(AbiParam::special(types::I64, ArgumentPurpose::VMContext));
    sig.params
        .extend(ty.params().iter().map(|t| AbiParam::new(ir_type(*t))));
    sig.returns
        .extend(ty.results().iter().map(|t| AbiParam::new(ir_type(*t))));
    sig
}

/// Flags for loads of vmctx fields and other runtime structures that
/// never change while code runs. `can_move` lets Cranelift hoist them out
/// of loops: the addresses are always valid, so a hoisted load cannot
/// fault.
pub fn readonly() -> MemFlagsData {
    MemFlagsData::trusted().with_readonly().with_can_move()
}

/// Flags for loads and stores of runtime structures that may change.
pub fn trusted() -> MemFlagsData {
    MemFlagsData::trusted()
}

/// Per-module facts for translating its functions.
pub struct FuncEnv<'a> {
    /// The module.
    pub info: &'a ModuleInfo,
    /// Its vmctx layout.
    pub offsets: VMOffsets,
    /// The target's calling convention.
    pub call_conv: CallConv,
    /// The target's facts for the function builder.
    pub frontend_config: cranelift_codegen::isa::TargetFrontendConfig,
    /// Fuel and epoch checks to emit.
    pub limits: super::Limits,
}

impl FuncEnv<'_> {
    /// Loads a pointer-sized field of the vmctx.
    pub fn load_vmctx_ptr(&self, b: &mut FunctionBuilder, vmctx: Value, offset: u32) -> Value {
        b.ins().load(types::I64, readonly(), vmctx, offset as i32)
    }

    /// The address of a memory's `VMMemory`.
    pub fn memory_ptr(&self, b: &mut FunctionBuilder, vmctx: Value, index: u32) -> Value {
        self.load_vmctx_ptr(b, vmctx, self.offsets.memory(index))
    }

    /// The base address of a memory (it never moves).
    pub fn memory_base(&self, b: &mut FunctionBuilder, vmctx: Value, index: u32) -> Value {
        let memory = self.memory_ptr(b, vmctx, index);
        b.ins().load(
            types::I64,
            readonly(),
            memory,
            crate::vm::offsets::memory::BASE,
        )
    }

    /// The address of a global's storage, as a base and an offset: a
    /// defined global lies in the vmctx itself, an imported one behind its
    /// pointer.
    pub fn global_addr(&self, b: &mut FunctionBuilder, vmctx: Value, index: u32) -> (Value, i32) {
        if self.offsets.is_defined_global(index) {
            (vmctx, self.offsets.defined_global(index) as i32)
        } else {
            (self.load_vmctx_ptr(b, vmctx, self.offsets.global(index)), 0)
        }
    }

    /// The address of a table's `VMTable`.
    pub fn table_ptr(&self, b: &mut FunctionBuilder, vmctx: Value, index: u32) -> Value {
        self.load_vmctx_ptr(b, vmctx, self.offsets.table(index))
    }

    /// The `VMFuncRef` of function `index`.
    pub fn funcref(&self, b: &mut FunctionBuilder, vmctx: Value, index: u32) -> Value {
        self.load_vmctx_ptr(b, vmctx, self.offsets.func(index))
    }

    /// Calls a runtime library function and returns its results.
    pub fn call_builtin(
        &self,
        b: &mut FunctionBuilder,
        vmctx: Value,
        builtin: Builtin,
        args: &[Value],
    ) -> Vec<Value> {
        let mut sig = Signature::new(self.call_conv);
        sig.params.push(AbiParam::new(types::I64));
        for &ty in builtin.params() {
            sig.params.push(AbiParam::new(ty));
        }
        for &ty in builtin.results() {
            sig.returns.push(AbiParam::new(ty));
        }
        let sig = b.import_signature(sig);
        let table = self.load_vmctx_ptr(b, vmctx, self.offsets.builtins());
        let func = b
            .ins()
            .load(types::I64, readonly(), table, builtin.offset());
        let mut call_args = vec![vmctx];
        call_args.extend_from_slice(args);
        let call = b.ins().call_indirect(sig, func, &call_args);
        b.inst_results(call).to_vec()
    }
}
