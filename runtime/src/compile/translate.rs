//! Translation of one function body from wasm operators to Cranelift IR.
//!
//! State: a value stack of SSA values, a control stack of frames, a
//! `reachable` flag, and one `Variable` per local. Code after an
//! unconditional branch is unreachable; it is skipped, tracking only
//! nesting, until the `else` or `end` that makes code reachable again.

use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{
    self, types, AliasRegion, AliasRegionData, Block, BlockArg, ExtFuncData, ExternalName,
    InstBuilder, JumpTableData, MemFlagsData, TrapCode, UserExternalName, Value,
};
use cranelift_frontend::{FunctionBuilder, Variable};
use wasmparser::{BlockType, FunctionBody, Operator};

use super::env::{ir_type, readonly, trusted, wasm_signature, FuncEnv};
use crate::error::Error;
use crate::trap::codes;
use crate::types::{FuncType, ValType};
use crate::vm::builtins::Builtin;
use crate::vm::offsets::{funcref, store_context, table};

/// What kind of construct a control frame is.
enum FrameKind {
    /// The function body; its exit returns.
    Function,
    /// `block`.
    Block,
    /// `loop`: branches go back to `header`.
    Loop { header: Block },
    /// `if`: `else_block` receives the params when the condition is false.
    If { else_block: Block, else_seen: bool },
}

/// One entry of the control stack.
struct Frame {
    kind: FrameKind,
    /// Where execution continues after the construct; takes the results.
    exit: Block,
    /// Parameter types (what a loop's branches carry).
    params: Vec<ir::Type>,
    /// Result types (what other branches carry).
    results: Vec<ir::Type>,
    /// Value-stack height below the construct's parameters.
    height: usize,
    /// Whether anything jumps to `exit`.
    exit_reached: bool,
}

impl Frame {
    /// The block a branch to this frame goes to, and how many values it takes.
    fn branch_target(&self) -> (Block, usize) {
        match self.kind {
            FrameKind::Loop { header } => (header, self.params.len()),
            _ => (self.exit, self.results.len()),
        }
    }
}

/// Translates one function.
pub struct Translator<'a, 'b> {
    env: &'a FuncEnv<'a>,
    b: FunctionBuilder<'b>,
    vmctx: Value,
    /// Alias regions: linear memory and wasm globals never overlap, so a
    /// store to one leaves values loaded from the other valid (a global
    /// such as the stack pointer stays in a register across the stores
    /// of a loop).
    heap: AliasRegion,
    globals: AliasRegion,
    locals: Vec<Variable>,
    stack: Vec<Value>,
    frames: Vec<Frame>,
    reachable: bool,
    /// Nesting depth of constructs opened inside unreachable code.
    unreachable_depth: usize,
    func_index: u32,
    /// Operators translated since fuel was last charged.
    fuel_pending: i64,
}

fn args(values: &[Value]) -> Vec<BlockArg> {
    values.iter().map(|v| BlockArg::Value(*v)).collect()
}

fn heap_flags(region: AliasRegion) -> MemFlagsData {
    MemFlagsData::new()
        .with_endianness(ir::Endianness::Little)
        .with_trap_code(Some(TrapCode::HEAP_OUT_OF_BOUNDS))
        .with_alias_region(Some(region))
}

/// The alias region `user_id` of one function.
fn region(b: &mut FunctionBuilder<'_>, user_id: u32, description: &'static str) -> AliasRegion {
    b.func.dfg.alias_regions.insert(AliasRegionData {
        user_id,
        description: description.into(),
    })
}

impl<'a, 'b> Translator<'a, 'b> {
    /// Starts translating function `func_index` into `b`.
    pub fn new(env: &'a FuncEnv<'a>, mut b: FunctionBuilder<'b>, func_index: u32) -> Self {
        let entry = b.create_block();
        b.append_block_params_for_function_params(entry);
        b.switch_to_block(entry);
        b.seal_block(entry);
        let vmctx = b.block_params(entry)[0];
        let heap = region(&mut b, 1, "linear memory");
        let globals = region(&mut b, 2, "globals");
        Translator {
            env,
            b,
            vmctx,
            heap,
            globals,
            locals: Vec::new(),
            stack: Vec::new(),
            frames: Vec::new(),
            reachable: true,
            unreachable_depth: 0,
            func_index,
            fuel_pending: 0,
        }
    }

    /// Translates `body` and finishes the function.
    pub fn translate(mut self, ty: &FuncType, body: &FunctionBody<'_>) -> Result<(), Error> {
        let entry = self.b.current_block().expect("entry block");
        let params: Vec<Value> = self.b.block_params(entry)[1..].to_vec();
        for (value, wasm_ty) in params.into_iter().zip(ty.params()) {
            let var = self.b.declare_var(ir_type(*wasm_ty));
            self.b.def_var(var, value);
            self.locals.push(var);
        }
        let mut locals = body.get_locals_reader()?;
        for _ in 0..locals.get_count() {
            let (count, wasm_ty) = locals.read()?;
            let wasm_ty = ValType::from_wasm(wasm_ty).map_err(Error::unsupported)?;
            for _ in 0..count {
                let ty = ir_type(wasm_ty);
                let zero = self.zero(ty)?;
                let var = self.b.declare_var(ty);
                self.b.def_var(var, zero);
                self.locals.push(var);
            }
        }
        let results: Vec<ir::Type> = ty.results().iter().map(|t| ir_type(*t)).collect();
        let exit = self.b.create_block();
        for ty in &results {
            self.b.append_block_param(exit, *ty);
        }
        self.frames.push(Frame {
            kind: FrameKind::Function,
            exit,
            params: Vec::new(),
            results,
            height: 0,
            exit_reached: false,
        });
        self.check_limits();
        let mut reader = body.get_operators_reader()?;
        while !reader.eof() {
            let op = reader.read()?;
            if self.reachable {
                self.operator(op)?;
            } else {
                self.unreachable_operator(op)?;
            }
        }
        self.b.finalize(self.env.frontend_config);
        Ok(())
    }

    fn store_context(&mut self) -> Value {
        let offset = self.env.offsets.store_context();
        self.env.load_vmctx_ptr(&mut self.b, self.vmctx, offset)
    }

    /// Charges the operators translated since the last charge to the
    /// store's fuel.
    fn flush_fuel(&mut self) {
        if !self.env.limits.fuel || self.fuel_pending == 0 {
            return;
        }
        let ctx = self.store_context();
        let fuel = self
            .b
            .ins()
            .load(types::I64, trusted(), ctx, store_context::FUEL);
        let fuel = self.b.ins().iadd_imm_s(fuel, -self.fuel_pending);
        self.b
            .ins()
            .store(trusted(), fuel, ctx, store_context::FUEL);
        self.fuel_pending = 0;
    }

    /// At function entry and loop headers: traps when fuel has run out or
    /// the epoch deadline has passed, as configured.
    fn check_limits(&mut self) {
        if self.env.limits.fuel {
            self.flush_fuel();
            let ctx = self.store_context();
            let fuel = self
                .b
                .ins()
                .load(types::I64, trusted(), ctx, store_context::FUEL);
            let exhausted = self.b.ins().icmp_imm_s(IntCC::SignedLessThan, fuel, 0);
            self.b.ins().trapnz(exhausted, codes::OUT_OF_FUEL);
        }
        if self.env.limits.epoch {
            let ctx = self.store_context();
            let counter =
                self.b
                    .ins()
                    .load(types::I64, trusted(), ctx, store_context::EPOCH_COUNTER);
            // Another thread advances the epoch: an atomic load, so that
            // it is never merged with an earlier load of the same address.
            let epoch = self.b.ins().atomic_load(types::I64, trusted(), counter);
            let deadline =
                self.b
                    .ins()
                    .load(types::I64, trusted(), ctx, store_context::EPOCH_DEADLINE);
            let reached = self
                .b
                .ins()
                .icmp(IntCC::UnsignedGreaterThanOrEqual, epoch, deadline);
            self.b.ins().trapnz(reached, codes::INTERRUPTED);
        }
    }

    fn zero(&mut self, ty: ir::Type) -> Result<Value, Error> {
        Ok(match ty {
            types::I32 | types::I64 => self.b.ins().iconst(ty, 0),
            types::F32 => self.b.ins().f32const(0.0),
            types::F64 => self.b.ins().f64const(0.0),
            _ => return Err(Error::unsupported("SIMD (v128) locals")),
        })
    }

    fn pop(&mut self) -> Value {
        self.stack.pop().expect("validated: operand on stack")
    }

    fn pop2(&mut self) -> (Value, Value) {
        let b = self.pop();
        let a = self.pop();
        (a, b)
    }

    fn pop3(&mut self) -> (Value, Value, Value) {
        let c = self.pop();
        let (a, b) = self.pop2();
        (a, b, c)
    }

    fn push(&mut self, value: Value) {
        self.stack.push(value);
    }

    fn peekn(&self, n: usize) -> &[Value] {
        &self.stack[self.stack.len() - n..]
    }

    fn block_type(&self, ty: BlockType) -> Result<(Vec<ir::Type>, Vec<ir::Type>), Error> {
        Ok(match ty {
            BlockType::Empty => (Vec::new(), Vec::new()),
            BlockType::Type(t) => (
                Vec::new(),
                vec![ir_type(ValType::from_wasm(t).map_err(Error::unsupported)?)],
            ),
            BlockType::FuncType(index) => {
                let ty = &self.env.info.types[index as usize];
                (
                    ty.params().iter().map(|t| ir_type(*t)).collect(),
                    ty.results().iter().map(|t| ir_type(*t)).collect(),
                )
            }
        })
    }

    fn block_with_params(&mut self, types: &[ir::Type]) -> Block {
        let block = self.b.create_block();
        for ty in types {
            self.b.append_block_param(block, *ty);
        }
        block
    }

    /// Leaves the current block for `target` with the top `n` values.
    fn jump_with(&mut self, target: Block, n: usize) {
        let values = args(self.peekn(n));
        self.b.ins().jump(target, &values);
    }

    fn trap(&mut self, code: TrapCode) {
        self.b.ins().trap(code);
        self.reachable = false;
    }

    fn bool_to_i32(&mut self, cond: Value) -> Value {
        self.b.ins().uextend(types::I32, cond)
    }

    fn icmp(&mut self, cc: IntCC) {
        let (a, b) = self.pop2();
        let c = self.b.ins().icmp(cc, a, b);
        let v = self.bool_to_i32(c);
        self.push(v);
    }

    fn fcmp(&mut self, cc: FloatCC) {
        let (a, b) = self.pop2();
        let c = self.b.ins().fcmp(cc, a, b);
        let v = self.bool_to_i32(c);
        self.push(v);
    }

    fn binary(&mut self, f: impl FnOnce(&mut FunctionBuilder<'b>, Value, Value) -> Value) {
        let (a, b) = self.pop2();
        let v = f(&mut self.b, a, b);
        self.push(v);
    }

    fn unary(&mut self, f: impl FnOnce(&mut FunctionBuilder<'b>, Value) -> Value) {
        let a = self.pop();
        let v = f(&mut self.b, a);
        self.push(v);
    }

    /// The native address of a memory access: the base, plus the
    /// zero-extended index, plus the static offset. The 8 GiB reservation
    /// behind every 32-bit memory (see `vm::linear_memory`) means any such
    /// address either lies in the accessible pages or faults in the guard
    /// region, so no explicit bounds check is needed.
    fn heap_addr(&mut self, memory: u32, offset: u64) -> (Value, i32) {
        let index = self.pop();
        let base = self.env.memory_base(&mut self.b, self.vmctx, memory);
        let index = self.b.ins().uextend(types::I64, index);
        let mut addr = self.b.ins().iadd(base, index);
        let offset = match i32::try_from(offset) {
            Ok(offset) => offset,
            Err(_) => {
                addr = self.b.ins().iadd_imm_u(addr, offset as i64);
                0
            }
        };
        (addr, offset)
    }

    fn load(&mut self, memarg: &wasmparser::MemArg, ty: ir::Type, kind: LoadKind) {
        let (addr, offset) = self.heap_addr(memory_index(memarg), memarg.offset);
        let flags = heap_flags(self.heap);
        let ins = self.b.ins();
        let v = match kind {
            LoadKind::Full => ins.load(ty, flags, addr, offset),
            LoadKind::U8 => ins.uload8(ty, flags, addr, offset),
            LoadKind::S8 => ins.sload8(ty, flags, addr, offset),
            LoadKind::U16 => ins.uload16(ty, flags, addr, offset),
            LoadKind::S16 => ins.sload16(ty, flags, addr, offset),
            LoadKind::U32 => ins.uload32(flags, addr, offset),
            LoadKind::S32 => ins.sload32(flags, addr, offset),
        };
        self.push(v);
    }

    fn store(&mut self, memarg: &wasmparser::MemArg, kind: StoreKind) {
        let value = self.pop();
        let (addr, offset) = self.heap_addr(memory_index(memarg), memarg.offset);
        let flags = heap_flags(self.heap);
        // The narrowing stores take the full-width value: an `ireduce`
        // before a plain store would let the optimizer narrow the
        // arithmetic feeding it to 8- or 16-bit operations, which write
        // partial registers on x86.
        let ins = self.b.ins();
        match kind {
            StoreKind::Full => ins.store(flags, value, addr, offset),
            StoreKind::Low8 => ins.istore8(flags, value, addr, offset),
            StoreKind::Low16 => ins.istore16(flags, value, addr, offset),
            StoreKind::Low32 => ins.istore32(flags, value, addr, offset),
        };
    }

    /// Checks `index < table length` (trapping with `code`) and returns
    /// the address of the element.
    fn table_element_addr(&mut self, table_index: u32, index: Value, code: TrapCode) -> Value {
        let table = self.env.table_ptr(&mut self.b, self.vmctx, table_index);
        let length = self
            .b
            .ins()
            .load(types::I64, trusted(), table, table::LENGTH);
        let index = self.b.ins().uextend(types::I64, index);
        let in_bounds = self.b.ins().icmp(IntCC::UnsignedLessThan, index, length);
        self.b.ins().trapz(in_bounds, code);
        let base = self.b.ins().load(types::I64, trusted(), table, table::BASE);
        let offset = self.b.ins().ishl_imm_u(index, 3);
        self.b.ins().iadd(base, offset)
    }

    /// `ref.func`: the function's `VMFuncRef` pointer from the vmctx. A
    /// defined function's is null until first used, and then the
    /// `ref_func` builtin (in a cold block) writes it.
    fn ref_func(&mut self, function_index: u32) -> Value {
        if function_index < self.env.info.imported_funcs {
            return self.env.funcref(&mut self.b, self.vmctx, function_index);
        }
        // Not a `readonly` load: the field changes once.
        let field = self.env.offsets.func(function_index) as i32;
        let funcref = self.b.ins().load(types::I64, trusted(), self.vmctx, field);
        let init = self.b.create_block();
        let done = self.b.create_block();
        let result = self.b.append_block_param(done, types::I64);
        self.b.set_cold_block(init);
        self.b
            .ins()
            .brif(funcref, done, &[funcref.into()], init, &[]);
        self.b.seal_block(init);
        self.b.switch_to_block(init);
        let index = self.i32_const(function_index);
        let results = self
            .env
            .call_builtin(&mut self.b, self.vmctx, Builtin::RefFunc, &[index]);
        // Null only if the builtin failed (a pending trap says why).
        self.b.ins().trapz(results[0], codes::LIBCALL);
        self.b.ins().jump(done, &[results[0].into()]);
        self.b.seal_block(done);
        self.b.switch_to_block(done);
        result
    }

    fn call_builtin_checked(&mut self, builtin: Builtin, args: &[Value]) {
        let results = self
            .env
            .call_builtin(&mut self.b, self.vmctx, builtin, args);
        self.b.ins().trapnz(results[0], codes::LIBCALL);
    }

    fn i32_const(&mut self, value: u32) -> Value {
        self.b.ins().iconst(types::I32, i64::from(value))
    }

    fn finish_call(&mut self, call: ir::Inst) {
        let results = self.b.inst_results(call).to_vec();
        self.stack.extend(results);
    }

    fn call(&mut self, function_index: u32) {
        let ty = self.env.info.func_type(function_index).clone();
        let n = ty.params().len();
        let call_args: Vec<Value> = self.peekn(n).to_vec();
        self.stack.truncate(self.stack.len() - n);
        if function_index >= self.env.info.imported_funcs {
            // A function of this module: a direct call, patched at load.
            let sig = self
                .b
                .import_signature(wasm_signature(&ty, self.env.call_conv));
            let name = self
                .b
                .func
                .declare_imported_user_function(UserExternalName::new(0, function_index));
            let callee = self.b.import_function(ExtFuncData {
                name: ExternalName::user(name),
                signature: sig,
                colocated: true,
                patchable: false,
            });
            let mut all = vec![self.vmctx];
            all.extend(call_args);
            let call = self.b.ins().call(callee, &all);
            self.finish_call(call);
        } else {
            let funcref = self.env.funcref(&mut self.b, self.vmctx, function_index);
            self.call_funcref(funcref, &ty, call_args);
        }
    }

    fn call_funcref(&mut self, funcref_ptr: Value, ty: &FuncType, call_args: Vec<Value>) {
        let sig = self
            .b
            .import_signature(wasm_signature(ty, self.env.call_conv));
        let code = self
            .b
            .ins()
            .load(types::I64, trusted(), funcref_ptr, funcref::CODE);
        let callee_vmctx = self
            .b
            .ins()
            .load(types::I64, trusted(), funcref_ptr, funcref::VMCTX);
        let mut all = vec![callee_vmctx];
        all.extend(call_args);
        let call = self.b.ins().call_indirect(sig, code, &all);
        self.finish_call(call);
    }

    fn call_indirect(&mut self, type_index: u32, table_index: u32) {
        let index = self.pop();
        let addr = self.table_element_addr(table_index, index, codes::UNDEFINED_ELEMENT);
        let funcref_ptr = self.b.ins().load(types::I64, trusted(), addr, 0);
        self.b
            .ins()
            .trapz(funcref_ptr, codes::INDIRECT_CALL_TO_NULL);
        let actual = self
            .b
            .ins()
            .load(types::I32, trusted(), funcref_ptr, funcref::TYPE_ID);
        let type_ids =
            self.env
                .load_vmctx_ptr(&mut self.b, self.vmctx, self.env.offsets.type_ids());
        let expected = self
            .b
            .ins()
            .load(types::I32, readonly(), type_ids, (type_index * 4) as i32);
        let same = self.b.ins().icmp(IntCC::Equal, actual, expected);
        self.b.ins().trapz(same, codes::BAD_SIGNATURE);
        let ty = self.env.info.types[type_index as usize].clone();
        let n = ty.params().len();
        let call_args: Vec<Value> = self.peekn(n).to_vec();
        self.stack.truncate(self.stack.len() - n);
        self.call_funcref(funcref_ptr, &ty, call_args);
    }

    fn br_if(&mut self, relative_depth: u32) {
        let cond = self.pop();
        let frame_index = self.frames.len() - 1 - relative_depth as usize;
        let (target, n) = self.frames[frame_index].branch_target();
        if !matches!(self.frames[frame_index].kind, FrameKind::Loop { .. }) {
            self.frames[frame_index].exit_reached = true;
        }
        let values = args(self.peekn(n));
        let next = self.b.create_block();
        self.b.ins().brif(cond, target, &values, next, &[]);
        self.b.seal_block(next);
        self.b.switch_to_block(next);
    }

    fn br_table(&mut self, targets: &wasmparser::BrTable<'_>) -> Result<(), Error> {
        let index = self.pop();
        let mut depths: Vec<u32> = targets.targets().collect::<Result<_, _>>()?;
        depths.push(targets.default());
        let mut calls = Vec::with_capacity(depths.len());
        for depth in depths {
            let frame_index = self.frames.len() - 1 - depth as usize;
            let (target, n) = self.frames[frame_index].branch_target();
            if !matches!(self.frames[frame_index].kind, FrameKind::Loop { .. }) {
                self.frames[frame_index].exit_reached = true;
            }
            let values = args(self.peekn(n));
            calls.push(self.b.func.dfg.block_call(target, &values));
        }
        let default = calls.pop().expect("a default target");
        let table = self
            .b
            .create_jump_table(JumpTableData::new(default, &calls));
        self.b.ins().br_table(index, table);
        self.reachable = false;
        Ok(())
    }

    fn end(&mut self) {
        let frame = self.frames.pop().expect("validated: frame to end");
        if self.reachable {
            let values = args(self.peekn(frame.results.len()));
            self.b.ins().jump(frame.exit, &values);
        }
        let mut exit_reached = frame.exit_reached || self.reachable;
        self.stack.truncate(frame.height);
        match frame.kind {
            FrameKind::Loop { header } => self.b.seal_block(header),
            FrameKind::If {
                else_block,
                else_seen: false,
            } => {
                // `if` without `else`: the false path passes its params on.
                self.b.switch_to_block(else_block);
                self.b.seal_block(else_block);
                let params: Vec<BlockArg> = args(self.b.block_params(else_block));
                self.b.ins().jump(frame.exit, &params);
                exit_reached = true;
            }
            _ => {}
        }
        self.b.switch_to_block(frame.exit);
        self.b.seal_block(frame.exit);
        let results = self.b.block_params(frame.exit).to_vec();
        if let FrameKind::Function = frame.kind {
            if exit_reached {
                self.b.ins().return_(&results);
            } else {
                // Nothing reaches the end: the block is dead; close it.
                self.b.ins().trap(codes::UNREACHABLE);
            }
            self.reachable = false;
            return;
        }
        self.stack.extend(results);
        self.reachable = exit_reached;
    }

    fn unreachable_operator(&mut self, op: Operator<'_>) -> Result<(), Error> {
        match op {
            Operator::Block { .. } | Operator::Loop { .. } | Operator::If { .. } => {
                self.unreachable_depth += 1;
            }
            Operator::Else if self.unreachable_depth == 0 => self.else_(),
            Operator::End if self.unreachable_depth == 0 => self.end(),
            Operator::End => self.unreachable_depth -= 1,
            _ => {}
        }
        Ok(())
    }

    fn else_(&mut self) {
        let reachable = self.reachable;
        let frame = self.frames.last_mut().expect("validated: if frame");
        let FrameKind::If {
            else_block,
            ref mut else_seen,
        } = frame.kind
        else {
            unreachable!("validated: else inside if");
        };
        *else_seen = true;
        let exit = frame.exit;
        let n = frame.results.len();
        let height = frame.height;
        if reachable {
            frame.exit_reached = true;
            let values = args(&self.stack[self.stack.len() - n..]);
            self.b.ins().jump(exit, &values);
        }
        self.stack.truncate(height);
        self.b.switch_to_block(else_block);
        self.b.seal_block(else_block);
        let params = self.b.block_params(else_block).to_vec();
        self.stack.extend(params);
        self.reachable = true;
    }

    #[allow(clippy::too_many_lines)]
    fn operator(&mut self, op: Operator<'_>) -> Result<(), Error> {
        use Operator as O;
        if self.env.limits.fuel {
            self.fuel_pending += 1;
            if matches!(
                op,
                O::Br { .. }
                    | O::BrIf { .. }
                    | O::BrTable { .. }
                    | O::Return
                    | O::Call { .. }
                    | O::CallIndirect { .. }
                    | O::End
                    | O::Else
                    | O::If { .. }
                    | O::Loop { .. }
                    | O::Unreachable
            ) {
                self.flush_fuel();
            }
        }
        match op {
            // ---- control ----
            O::Nop => {}
            O::Unreachable => self.trap(codes::UNREACHABLE),
            O::Block { blockty } => {
                let (params, results) = self.block_type(blockty)?;
                let exit = self.block_with_params(&results);
                self.frames.push(Frame {
                    kind: FrameKind::Block,
                    exit,
                    height: self.stack.len() - params.len(),
                    params,
                    results,
                    exit_reached: false,
                });
            }
            O::Loop { blockty } => {
                let (params, results) = self.block_type(blockty)?;
                let header = self.block_with_params(&params);
                let exit = self.block_with_params(&results);
                self.jump_with(header, params.len());
                let height = self.stack.len() - params.len();
                self.stack.truncate(height);
                self.b.switch_to_block(header);
                self.check_limits();
                let header_params = self.b.block_params(header).to_vec();
                self.stack.extend(header_params);
                self.frames.push(Frame {
                    kind: FrameKind::Loop { header },
                    exit,
                    height,
                    params,
                    results,
                    exit_reached: false,
                });
            }
            O::If { blockty } => {
                let cond = self.pop();
                let (params, results) = self.block_type(blockty)?;
                let then_block = self.b.create_block();
                let else_block = self.block_with_params(&params);
                let exit = self.block_with_params(&results);
                let values = args(self.peekn(params.len()));
                self.b
                    .ins()
                    .brif(cond, then_block, &[], else_block, &values);
                self.b.seal_block(then_block);
                self.b.switch_to_block(then_block);
                self.frames.push(Frame {
                    kind: FrameKind::If {
                        else_block,
                        else_seen: false,
                    },
                    exit,
                    height: self.stack.len() - params.len(),
                    params,
                    results,
                    exit_reached: false,
                });
            }
            O::Else => self.else_(),
            O::End => self.end(),
            O::Br { relative_depth } => {
                let frame_index = self.frames.len() - 1 - relative_depth as usize;
                let (target, n) = self.frames[frame_index].branch_target();
                if !matches!(self.frames[frame_index].kind, FrameKind::Loop { .. }) {
                    self.frames[frame_index].exit_reached = true;
                }
                self.jump_with(target, n);
                self.reachable = false;
            }
            O::BrIf { relative_depth } => self.br_if(relative_depth),
            O::BrTable { targets } => self.br_table(&targets)?,
            O::Return => {
                let n = self.frames[0].results.len();
                let values = self.peekn(n).to_vec();
                self.b.ins().return_(&values);
                self.reachable = false;
            }
            O::Call { function_index } => self.call(function_index),
            O::CallIndirect {
                type_index,
                table_index,
            } => self.call_indirect(type_index, table_index),
            O::Drop => {
                self.pop();
            }
            O::Select | O::TypedSelect { .. } => {
                let (a, b, cond) = self.pop3();
                let v = self.b.ins().select(cond, a, b);
                self.push(v);
            }

            // ---- locals and globals ----
            O::LocalGet { local_index } => {
                let v = self.b.use_var(self.locals[local_index as usize]);
                self.push(v);
            }
            O::LocalSet { local_index } => {
                let v = self.pop();
                self.b.def_var(self.locals[local_index as usize], v);
            }
            O::LocalTee { local_index } => {
                let v = *self.stack.last().expect("validated");
                self.b.def_var(self.locals[local_index as usize], v);
            }
            O::GlobalGet { global_index } => {
                let ty = ir_type(self.env.info.globals[global_index as usize].content);
                let (base, offset) = self.env.global_addr(&mut self.b, self.vmctx, global_index);
                let flags = trusted().with_alias_region(Some(self.globals));
                let v = self.b.ins().load(ty, flags, base, offset);
                self.push(v);
            }
            O::GlobalSet { global_index } => {
                let v = self.pop();
                let (base, offset) = self.env.global_addr(&mut self.b, self.vmctx, global_index);
                let flags = trusted().with_alias_region(Some(self.globals));
                self.b.ins().store(flags, v, base, offset);
            }

            // ---- memory ----
            O::I32Load { memarg } => self.load(&memarg, types::I32, LoadKind::Full),
            O::I64Load { memarg } => self.load(&memarg, types::I64, LoadKind::Full),
            O::F32Load { memarg } => self.load(&memarg, types::F32, LoadKind::Full),
            O::F64Load { memarg } => self.load(&memarg, types::F64, LoadKind::Full),
            O::I32Load8S { memarg } => self.load(&memarg, types::I32, LoadKind::S8),
            O::I32Load8U { memarg } => self.load(&memarg, types::I32, LoadKind::U8),
            O::I32Load16S { memarg } => self.load(&memarg, types::I32, LoadKind::S16),
            O::I32Load16U { memarg } => self.load(&memarg, types::I32, LoadKind::U16),
            O::I64Load8S { memarg } => self.load(&memarg, types::I64, LoadKind::S8),
            O::I64Load8U { memarg } => self.load(&memarg, types::I64, LoadKind::U8),
            O::I64Load16S { memarg } => self.load(&memarg, types::I64, LoadKind::S16),
            O::I64Load16U { memarg } => self.load(&memarg, types::I64, LoadKind::U16),
            O::I64Load32S { memarg } => self.load(&memarg, types::I64, LoadKind::S32),
            O::I64Load32U { memarg } => self.load(&memarg, types::I64, LoadKind::U32),
            O::I32Store { memarg }
            | O::I64Store { memarg }
            | O::F32Store { memarg }
            | O::F64Store { memarg } => self.store(&memarg, StoreKind::Full),
            O::I32Store8 { memarg } | O::I64Store8 { memarg } => {
                self.store(&memarg, StoreKind::Low8)
            }
            O::I32Store16 { memarg } | O::I64Store16 { memarg } => {
                self.store(&memarg, StoreKind::Low16)
            }
            O::I64Store32 { memarg } => self.store(&memarg, StoreKind::Low32),
            O::MemorySize { mem } => {
                let memory = self.env.memory_ptr(&mut self.b, self.vmctx, mem);
                let length = self.b.ins().load(
                    types::I64,
                    trusted(),
                    memory,
                    crate::vm::offsets::memory::LENGTH,
                );
                let pages = self.b.ins().ushr_imm_u(length, 16);
                let v = self.b.ins().ireduce(types::I32, pages);
                self.push(v);
            }
            O::MemoryGrow { mem } => {
                let delta = self.pop();
                let mem = self.i32_const(mem);
                let r = self.env.call_builtin(
                    &mut self.b,
                    self.vmctx,
                    Builtin::MemoryGrow,
                    &[mem, delta],
                );
                self.push(r[0]);
            }
            O::MemoryFill { mem } => {
                let (dst, val, len) = self.pop3();
                let mem = self.i32_const(mem);
                self.call_builtin_checked(Builtin::MemoryFill, &[mem, dst, val, len]);
            }
            O::MemoryCopy { dst_mem, src_mem } => {
                let (dst, src, len) = self.pop3();
                let dst_mem = self.i32_const(dst_mem);
                let src_mem = self.i32_const(src_mem);
                self.call_builtin_checked(Builtin::MemoryCopy, &[dst_mem, src_mem, dst, src, len]);
            }
            O::MemoryInit { data_index, mem } => {
                let (dst, src, len) = self.pop3();
                let mem = self.i32_const(mem);
                let seg = self.i32_const(data_index);
                self.call_builtin_checked(Builtin::MemoryInit, &[mem, seg, dst, src, len]);
            }
            O::DataDrop { data_index } => {
                let seg = self.i32_const(data_index);
                self.env
                    .call_builtin(&mut self.b, self.vmctx, Builtin::DataDrop, &[seg]);
            }

            // ---- tables and references ----
            O::TableGet { table } => {
                let index = self.pop();
                let addr = self.table_element_addr(table, index, codes::TABLE_OUT_OF_BOUNDS);
                let v = self.b.ins().load(types::I64, trusted(), addr, 0);
                self.push(v);
            }
            O::TableSet { table } => {
                let value = self.pop();
                let index = self.pop();
                let addr = self.table_element_addr(table, index, codes::TABLE_OUT_OF_BOUNDS);
                self.b.ins().store(trusted(), value, addr, 0);
            }
            O::TableSize { table } => {
                let table = self.env.table_ptr(&mut self.b, self.vmctx, table);
                let length = self
                    .b
                    .ins()
                    .load(types::I64, trusted(), table, table::LENGTH);
                let v = self.b.ins().ireduce(types::I32, length);
                self.push(v);
            }
            O::TableGrow { table } => {
                let (init, delta) = self.pop2();
                let table = self.i32_const(table);
                let r = self.env.call_builtin(
                    &mut self.b,
                    self.vmctx,
                    Builtin::TableGrow,
                    &[table, init, delta],
                );
                self.push(r[0]);
            }
            O::TableFill { table } => {
                let (dst, val, len) = self.pop3();
                let table = self.i32_const(table);
                self.call_builtin_checked(Builtin::TableFill, &[table, dst, val, len]);
            }
            O::TableCopy {
                dst_table,
                src_table,
            } => {
                let (dst, src, len) = self.pop3();
                let dst_table = self.i32_const(dst_table);
                let src_table = self.i32_const(src_table);
                self.call_builtin_checked(
                    Builtin::TableCopy,
                    &[dst_table, src_table, dst, src, len],
                );
            }
            O::TableInit { elem_index, table } => {
                let (dst, src, len) = self.pop3();
                let table = self.i32_const(table);
                let seg = self.i32_const(elem_index);
                self.call_builtin_checked(Builtin::TableInit, &[table, seg, dst, src, len]);
            }
            O::ElemDrop { elem_index } => {
                let seg = self.i32_const(elem_index);
                self.env
                    .call_builtin(&mut self.b, self.vmctx, Builtin::ElemDrop, &[seg]);
            }
            O::RefNull { .. } => {
                let v = self.b.ins().iconst(types::I64, 0);
                self.push(v);
            }
            O::RefIsNull => {
                let r = self.pop();
                let c = self.b.ins().icmp_imm_u(IntCC::Equal, r, 0);
                let v = self.bool_to_i32(c);
                self.push(v);
            }
            O::RefFunc { function_index } => {
                let v = self.ref_func(function_index);
                self.push(v);
            }

            // ---- constants ----
            O::I32Const { value } => {
                let v = self.b.ins().iconst(types::I32, i64::from(value));
                self.push(v);
            }
            O::I64Const { value } => {
                let v = self.b.ins().iconst(types::I64, value);
                self.push(v);
            }
            O::F32Const { value } => {
                let v = self
                    .b
                    .ins()
                    .f32const(ir::immediates::Ieee32::with_bits(value.bits()));
                self.push(v);
            }
            O::F64Const { value } => {
                let v = self
                    .b
                    .ins()
                    .f64const(ir::immediates::Ieee64::with_bits(value.bits()));
                self.push(v);
            }

            // ---- integer comparisons ----
            O::I32Eqz | O::I64Eqz => {
                let a = self.pop();
                let c = self.b.ins().icmp_imm_u(IntCC::Equal, a, 0);
                let v = self.bool_to_i32(c);
                self.push(v);
            }
            O::I32Eq | O::I64Eq => self.icmp(IntCC::Equal),
            O::I32Ne | O::I64Ne => self.icmp(IntCC::NotEqual),
            O::I32LtS | O::I64LtS => self.icmp(IntCC::SignedLessThan),
            O::I32LtU | O::I64LtU => self.icmp(IntCC::UnsignedLessThan),
            O::I32GtS | O::I64GtS => self.icmp(IntCC::SignedGreaterThan),
            O::I32GtU | O::I64GtU => self.icmp(IntCC::UnsignedGreaterThan),
            O::I32LeS | O::I64LeS => self.icmp(IntCC::SignedLessThanOrEqual),
            O::I32LeU | O::I64LeU => self.icmp(IntCC::UnsignedLessThanOrEqual),
            O::I32GeS | O::I64GeS => self.icmp(IntCC::SignedGreaterThanOrEqual),
            O::I32GeU | O::I64GeU => self.icmp(IntCC::UnsignedGreaterThanOrEqual),

            // ---- float comparisons ----
            O::F32Eq | O::F64Eq => self.fcmp(FloatCC::Equal),
            O::F32Ne | O::F64Ne => self.fcmp(FloatCC::NotEqual),
            O::F32Lt | O::F64Lt => self.fcmp(FloatCC::LessThan),
            O::F32Gt | O::F64Gt => self.fcmp(FloatCC::GreaterThan),
            O::F32Le | O::F64Le => self.fcmp(FloatCC::LessThanOrEqual),
            O::F32Ge | O::F64Ge => self.fcmp(FloatCC::GreaterThanOrEqual),

            // ---- integer arithmetic ----
            O::I32Clz | O::I64Clz => self.unary(|b, a| b.ins().clz(a)),
            O::I32Ctz | O::I64Ctz => self.unary(|b, a| b.ins().ctz(a)),
            O::I32Popcnt | O::I64Popcnt => self.unary(|b, a| b.ins().popcnt(a)),
            O::I32Add | O::I64Add => self.binary(|b, x, y| b.ins().iadd(x, y)),
            O::I32Sub | O::I64Sub => self.binary(|b, x, y| b.ins().isub(x, y)),
            O::I32Mul | O::I64Mul => self.binary(|b, x, y| b.ins().imul(x, y)),
            O::I32DivS | O::I64DivS => self.binary(|b, x, y| b.ins().sdiv(x, y)),
            O::I32DivU | O::I64DivU => self.binary(|b, x, y| b.ins().udiv(x, y)),
            O::I32RemS | O::I64RemS => self.binary(|b, x, y| b.ins().srem(x, y)),
            O::I32RemU | O::I64RemU => self.binary(|b, x, y| b.ins().urem(x, y)),
            O::I32And | O::I64And => self.binary(|b, x, y| b.ins().band(x, y)),
            O::I32Or | O::I64Or => self.binary(|b, x, y| b.ins().bor(x, y)),
            O::I32Xor | O::I64Xor => self.binary(|b, x, y| b.ins().bxor(x, y)),
            O::I32Shl | O::I64Shl => self.binary(|b, x, y| b.ins().ishl(x, y)),
            O::I32ShrS | O::I64ShrS => self.binary(|b, x, y| b.ins().sshr(x, y)),
            O::I32ShrU | O::I64ShrU => self.binary(|b, x, y| b.ins().ushr(x, y)),
            O::I32Rotl | O::I64Rotl => self.binary(|b, x, y| b.ins().rotl(x, y)),
            O::I32Rotr | O::I64Rotr => self.binary(|b, x, y| b.ins().rotr(x, y)),

            // ---- float arithmetic ----
            O::F32Abs | O::F64Abs => self.unary(|b, a| b.ins().fabs(a)),
            O::F32Neg | O::F64Neg => self.unary(|b, a| b.ins().fneg(a)),
            O::F32Ceil | O::F64Ceil => self.unary(|b, a| b.ins().ceil(a)),
            O::F32Floor | O::F64Floor => self.unary(|b, a| b.ins().floor(a)),
            O::F32Trunc | O::F64Trunc => self.unary(|b, a| b.ins().trunc(a)),
            O::F32Nearest | O::F64Nearest => self.unary(|b, a| b.ins().nearest(a)),
            O::F32Sqrt | O::F64Sqrt => self.unary(|b, a| b.ins().sqrt(a)),
            O::F32Add | O::F64Add => self.binary(|b, x, y| b.ins().fadd(x, y)),
            O::F32Sub | O::F64Sub => self.binary(|b, x, y| b.ins().fsub(x, y)),
            O::F32Mul | O::F64Mul => self.binary(|b, x, y| b.ins().fmul(x, y)),
            O::F32Div | O::F64Div => self.binary(|b, x, y| b.ins().fdiv(x, y)),
            O::F32Min | O::F64Min => self.binary(|b, x, y| b.ins().fmin(x, y)),
            O::F32Max | O::F64Max => self.binary(|b, x, y| b.ins().fmax(x, y)),
            O::F32Copysign | O::F64Copysign => self.binary(|b, x, y| b.ins().fcopysign(x, y)),

            // ---- conversions ----
            O::I32WrapI64 => self.unary(|b, a| b.ins().ireduce(types::I32, a)),
            O::I64ExtendI32S => self.unary(|b, a| b.ins().sextend(types::I64, a)),
            O::I64ExtendI32U => self.unary(|b, a| b.ins().uextend(types::I64, a)),
            O::I32Extend8S => self.unary(|b, a| {
                let n = b.ins().ireduce(types::I8, a);
                b.ins().sextend(types::I32, n)
            }),
            O::I32Extend16S => self.unary(|b, a| {
                let n = b.ins().ireduce(types::I16, a);
                b.ins().sextend(types::I32, n)
            }),
            O::I64Extend8S => self.unary(|b, a| {
                let n = b.ins().ireduce(types::I8, a);
                b.ins().sextend(types::I64, n)
            }),
            O::I64Extend16S => self.unary(|b, a| {
                let n = b.ins().ireduce(types::I16, a);
                b.ins().sextend(types::I64, n)
            }),
            O::I64Extend32S => self.unary(|b, a| {
                let n = b.ins().ireduce(types::I32, a);
                b.ins().sextend(types::I64, n)
            }),
            O::I32TruncF32S | O::I32TruncF64S => {
                self.unary(|b, a| b.ins().fcvt_to_sint(types::I32, a))
            }
            O::I32TruncF32U | O::I32TruncF64U => {
                self.unary(|b, a| b.ins().fcvt_to_uint(types::I32, a))
            }
            O::I64TruncF32S | O::I64TruncF64S => {
                self.unary(|b, a| b.ins().fcvt_to_sint(types::I64, a))
            }
            O::I64TruncF32U | O::I64TruncF64U => {
                self.unary(|b, a| b.ins().fcvt_to_uint(types::I64, a))
            }
            O::I32TruncSatF32S | O::I32TruncSatF64S => {
                self.unary(|b, a| b.ins().fcvt_to_sint_sat(types::I32, a))
            }
            O::I32TruncSatF32U | O::I32TruncSatF64U => {
                self.unary(|b, a| b.ins().fcvt_to_uint_sat(types::I32, a))
            }
            O::I64TruncSatF32S | O::I64TruncSatF64S => {
                self.unary(|b, a| b.ins().fcvt_to_sint_sat(types::I64, a))
            }
            O::I64TruncSatF32U | O::I64TruncSatF64U => {
                self.unary(|b, a| b.ins().fcvt_to_uint_sat(types::I64, a))
            }
            O::F32ConvertI32S | O::F32ConvertI64S => {
                self.unary(|b, a| b.ins().fcvt_from_sint(types::F32, a))
            }
            O::F32ConvertI32U | O::F32ConvertI64U => {
                self.unary(|b, a| b.ins().fcvt_from_uint(types::F32, a))
            }
            O::F64ConvertI32S | O::F64ConvertI64S => {
                self.unary(|b, a| b.ins().fcvt_from_sint(types::F64, a))
            }
            O::F64ConvertI32U | O::F64ConvertI64U => {
                self.unary(|b, a| b.ins().fcvt_from_uint(types::F64, a))
            }
            O::F32DemoteF64 => self.unary(|b, a| b.ins().fdemote(types::F32, a)),
            O::F64PromoteF32 => self.unary(|b, a| b.ins().fpromote(types::F64, a)),
            O::I32ReinterpretF32 => {
                self.unary(|b, a| b.ins().bitcast(types::I32, MemFlagsData::new(), a))
            }
            O::I64ReinterpretF64 => {
                self.unary(|b, a| b.ins().bitcast(types::I64, MemFlagsData::new(), a))
            }
            O::F32ReinterpretI32 => {
                self.unary(|b, a| b.ins().bitcast(types::F32, MemFlagsData::new(), a))
            }
            O::F64ReinterpretI64 => {
                self.unary(|b, a| b.ins().bitcast(types::F64, MemFlagsData::new(), a))
            }

            other => {
                return Err(Error::Unsupported(format!(
                    "function {}: operator {other:?} (128-bit SIMD and post-2.0 proposals are \
                     not compiled yet)",
                    self.func_index
                )))
            }
        }
        Ok(())
    }
}

/// Width and signedness of a load.
#[derive(Clone, Copy)]
enum LoadKind {
    Full,
    U8,
    S8,
    U16,
    S16,
    U32,
    S32,
}

/// How much of the value a store writes: all of it, or its low 8, 16 or 32
/// bits.
#[derive(Clone, Copy)]
enum StoreKind {
    Full,
    Low8,
    Low16,
    Low32,
}

/// The memory a load or store addresses (GC array targets are not part of
/// WebAssembly 2.0 and do not validate).
fn memory_index(memarg: &wasmparser::MemArg) -> u32 {
    match memarg.target {
        wasmparser::MemArgTarget::Memory(index) => index,
        wasmparser::MemArgTarget::Array(_) => 0,
    }
}
