//! Trampolines between the host's uniform calling convention (values in an
//! array of 16-byte slots) and the native signature of each wasm type.

use cranelift_codegen::ir::{
    self, types, AbiParam, InstBuilder, Signature, StackSlotData, StackSlotKind,
};
use cranelift_codegen::isa::{CallConv, TargetIsa};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};

use super::env::{ir_type, trusted, wasm_signature};
use crate::trap::codes;
use crate::types::FuncType;

/// Bytes per value slot (room for a v128).
pub const SLOT: i32 = 16;

/// Signature of an array-call trampoline:
/// `extern "C" fn(code: *const u8, vmctx: *mut u8, values: *mut ValRaw)`.
pub fn array_call_signature(call_conv: CallConv) -> Signature {
    let mut sig = Signature::new(call_conv);
    for _ in 0..3 {
        sig.params.push(AbiParam::new(types::I64));
    }
    sig
}

/// Builds the host-to-wasm trampoline for `ty`: it loads the parameters
/// from the slots, calls `code` with `vmctx`, and stores the results into
/// the same slots.
pub fn array_call(func: &mut ir::Function, ty: &FuncType, isa: &dyn TargetIsa) {
    let call_conv = isa.default_call_conv();
    let mut ctx = FunctionBuilderContext::new();
    let mut b = FunctionBuilder::new(func, &mut ctx);
    let block = b.create_block();
    b.append_block_params_for_function_params(block);
    b.switch_to_block(block);
    b.seal_block(block);
    let [code, vmctx, values] = b.block_params(block) else {
        unreachable!("three parameters")
    };
    let (code, vmctx, values) = (*code, *vmctx, *values);
    let mut args = vec![vmctx];
    for (i, param) in ty.params().iter().enumerate() {
        let v = b
            .ins()
            .load(ir_type(*param), trusted(), values, i as i32 * SLOT);
        args.push(v);
    }
    let sig = b.import_signature(wasm_signature(ty, call_conv));
    let call = b.ins().call_indirect(sig, code, &args);
    let results = b.inst_results(call).to_vec();
    for (i, result) in results.into_iter().enumerate() {
        b.ins().store(trusted(), result, values, i as i32 * SLOT);
    }
    b.ins().return_(&[]);
    b.finalize(isa.frontend_config());
}

/// Builds the wasm-to-host trampoline for `ty`: a function of the wasm
/// signature whose vmctx is a host function's data. It stores the
/// parameters into slots on its stack, calls the data's dispatcher
/// (`extern "C" fn(data, values) -> u32`, at offset 0 of the data), traps
/// if that reports failure, and returns the results from the slots.
pub fn host_call(func: &mut ir::Function, ty: &FuncType, isa: &dyn TargetIsa) {
    let call_conv = isa.default_call_conv();
    let mut ctx = FunctionBuilderContext::new();
    let mut b = FunctionBuilder::new(func, &mut ctx);
    let block = b.create_block();
    b.append_block_params_for_function_params(block);
    b.switch_to_block(block);
    b.seal_block(block);
    let params = b.block_params(block).to_vec();
    let data = params[0];
    let count = ty.params().len().max(ty.results().len()).max(1);
    let slot = b.create_sized_stack_slot(StackSlotData::new(
        StackSlotKind::ExplicitSlot,
        (count as u32) * SLOT as u32,
        4,
    ));
    let values = b.ins().stack_addr(types::I64, slot, 0);
    for (i, value) in params[1..].iter().enumerate() {
        b.ins().store(trusted(), *value, values, i as i32 * SLOT);
    }
    let mut sig = Signature::new(call_conv);
    sig.params.push(AbiParam::new(types::I64));
    sig.params.push(AbiParam::new(types::I64));
    sig.returns.push(AbiParam::new(types::I32));
    let sig = b.import_signature(sig);
    let dispatch = b.ins().load(types::I64, trusted(), data, 0);
    let call = b.ins().call_indirect(sig, dispatch, &[data, values]);
    let status = b.inst_results(call)[0];
    b.ins().trapnz(status, codes::LIBCALL);
    let mut results = Vec::new();
    for (i, result) in ty.results().iter().enumerate() {
        results.push(
            b.ins()
                .load(ir_type(*result), trusted(), values, i as i32 * SLOT),
        );
    }
    b.ins().return_(&results);
    b.finalize(isa.frontend_config());
}
