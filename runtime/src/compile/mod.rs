//! Compiling a module: every function body to native code with Cranelift,
//! in parallel, plus the trampolines of each function type; then one block
//! of executable memory with calls between functions patched in.

mod env;
mod trampolines;
mod translate;

use std::borrow::Cow;
use std::sync::Arc;

use cranelift_codegen::binemit::Reloc;
use cranelift_codegen::control::ControlPlane;
use cranelift_codegen::ir::{self, ExternalName, UserFuncName};
use cranelift_codegen::isa::{OwnedTargetIsa, TargetIsa};
use cranelift_codegen::settings::{self, Configurable};
use cranelift_codegen::{Context, FinalizedRelocTarget};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use wasmparser::{BinaryReader, FunctionBody};

use crate::engine::Engine;
use crate::error::Error;
use crate::module::info::ModuleInfo;
use crate::vm::code_memory::{register_code, CodeMemory, CodeRegistration, TrapTable};
use crate::vm::offsets::VMOffsets;

/// Builds the host's target ISA with the settings weft's code relies on.
pub fn host_isa() -> Result<OwnedTargetIsa, Error> {
    let mut flags = settings::builder();
    let set = |flags: &mut settings::Builder, name: &str, value: &str| {
        flags
            .set(name, value)
            .map_err(|e| Error::unsupported(format!("cranelift setting {name}: {e}")))
    };
    set(&mut flags, "opt_level", "speed")?;
    // Frame pointers make wasm backtraces a walk up the frame chain.
    set(&mut flags, "preserve_frame_pointers", "true")?;
    set(&mut flags, "enable_multi_ret_implicit_sret", "true")?;
    // Wasm semantics already rule out what the verifier would catch; it
    // costs time on every function.
    set(&mut flags, "enable_verifier", "false")?;
    let builder = cranelift_native::builder()
        .map_err(|e| Error::unsupported(format!("this host's architecture: {e}")))?;
    builder
        .finish(settings::Flags::new(flags))
        .map_err(|e| Error::unsupported(format!("this host's architecture: {e}")))
}

/// Where one compiled function lies in the code block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FuncLocation {
    /// Offset from the start of the code block.
    pub start: usize,
    /// Length in bytes.
    pub len: usize,
}

/// A module's compiled code, mapped executable and registered with the
/// trap handler.
pub struct CompiledCode {
    // Fields drop in order: the range is unregistered before the code is
    // unmapped, so a new mapping at the same address never overlaps it.
    _registration: CodeRegistration,
    code: CodeMemory,
    traps: Arc<TrapTable>,
    /// Every defined function, in order.
    pub funcs: Vec<FuncLocation>,
    /// Host-to-wasm trampoline of each type index.
    pub array_calls: Vec<FuncLocation>,
    /// Wasm-to-host trampoline of each type index.
    pub host_calls: Vec<FuncLocation>,
}

impl std::fmt::Debug for CompiledCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CompiledCode")
            .field("len", &self.code.len())
            .field("funcs", &self.funcs.len())
            .finish()
    }
}

/// A module's linked code before it is mapped: position-independent bytes
/// (calls between functions are patched PC-relative; everything else is
/// reached through the vmctx), where each function and trampoline lies,
/// and the trap sites. This is what a precompiled artifact stores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeImage<'a> {
    /// The code block: borrowed from an artifact when loading one, from
    /// the mapping when serializing, so neither copies it twice.
    pub bytes: Cow<'a, [u8]>,
    /// Every defined function, in order.
    pub funcs: Vec<FuncLocation>,
    /// Host-to-wasm trampoline of each type index.
    pub array_calls: Vec<FuncLocation>,
    /// Wasm-to-host trampoline of each type index.
    pub host_calls: Vec<FuncLocation>,
    /// (code offset, trap code) of every trap site.
    pub traps: Vec<(u32, u8)>,
}

impl CodeImage<'_> {
    /// Maps the image executable and registers its trap sites.
    ///
    /// Checks that every location and trap site lies inside the code, so
    /// that a damaged image is an error rather than a wild jump later; it
    /// cannot check the machine code itself, which is why loading an
    /// artifact is trusted.
    pub fn load(self) -> Result<CompiledCode, Error> {
        let len = self.bytes.len();
        let inside = |l: &FuncLocation| l.start.checked_add(l.len).is_some_and(|end| end <= len);
        let all = self
            .funcs
            .iter()
            .chain(&self.array_calls)
            .chain(&self.host_calls);
        if len == 0 || !all.into_iter().all(inside) {
            return Err(Error::Artifact("a function lies outside the code".into()));
        }
        if self.traps.iter().any(|&(offset, _)| offset as usize >= len) {
            return Err(Error::Artifact("a trap site lies outside the code".into()));
        }
        let code = CodeMemory::new(&self.bytes)?;
        let traps = Arc::new(TrapTable::new(self.traps));
        let registration = register_code(code.range(), Arc::clone(&traps));
        Ok(CompiledCode {
            _registration: registration,
            code,
            traps,
            funcs: self.funcs,
            array_calls: self.array_calls,
            host_calls: self.host_calls,
        })
    }
}

impl CompiledCode {
    /// The image this code was loaded from, borrowing its mapping.
    pub fn image(&self) -> CodeImage<'_> {
        let range = self.code.range();
        // SAFETY: the mapping is readable (read+execute) for its whole
        // length and lives as long as `self`; nothing writes to it.
        let bytes = unsafe { std::slice::from_raw_parts(range.start as *const u8, range.len()) };
        CodeImage {
            bytes: Cow::Borrowed(bytes),
            funcs: self.funcs.clone(),
            array_calls: self.array_calls.clone(),
            host_calls: self.host_calls.clone(),
            traps: self.traps.entries().to_vec(),
        }
    }

    /// Address of a location in the code.
    pub fn address(&self, location: FuncLocation) -> usize {
        self.code.as_ptr() as usize + location.start
    }

    /// Finds the defined function whose code holds `pc`, and the offset
    /// of `pc` in it.
    pub fn func_at(&self, pc: usize) -> Option<(u32, usize)> {
        let offset = pc.checked_sub(self.code.as_ptr() as usize)?;
        let i = self
            .funcs
            .partition_point(|f| f.start <= offset)
            .checked_sub(1)?;
        let func = self.funcs[i];
        (offset < func.start + func.len).then(|| (i as u32, offset - func.start))
    }
}

/// One compiled function before placement.
struct Compiled {
    code: Vec<u8>,
    traps: Vec<(u32, u8)>,
    /// (offset, kind, callee function index, addend)
    calls: Vec<(u32, Reloc, u32, i64)>,
}

fn compile_function(
    isa: &dyn TargetIsa,
    ctx: &mut Context,
    func_index: u32,
) -> Result<Compiled, Error> {
    let names: Vec<u32> = ctx
        .func
        .params
        .user_named_funcs()
        .values()
        .map(|name| name.index)
        .collect();
    let compiled = ctx
        .compile(isa, &mut ControlPlane::default())
        .map_err(|e| Error::Compile {
            func: func_index,
            message: format!("{:?}", e.inner),
        })?;
    let code = compiled.code_buffer().to_vec();
    let traps = compiled
        .buffer
        .traps()
        .iter()
        .map(|t| (t.offset, t.code.as_raw().get()))
        .collect();
    let mut calls = Vec::new();
    for reloc in compiled.buffer.relocs() {
        let FinalizedRelocTarget::ExternalName(ExternalName::User(name)) = reloc.target else {
            return Err(Error::Compile {
                func: func_index,
                message: format!("unexpected relocation {reloc:?}"),
            });
        };
        let callee = names[name.as_u32() as usize];
        calls.push((reloc.offset, reloc.kind, callee, reloc.addend));
    }
    Ok(Compiled { code, traps, calls })
}

/// Which execution limits compiled code checks.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Count operators against the store's fuel.
    pub fuel: bool,
    /// Check the epoch deadline at function entries and loop headers.
    pub epoch: bool,
}

fn translate_function(
    isa: &dyn TargetIsa,
    info: &ModuleInfo,
    offsets: VMOffsets,
    limits: Limits,
    wasm: &[u8],
    defined_index: u32,
    builder_ctx: &mut FunctionBuilderContext,
) -> Result<Compiled, Error> {
    let func_index = info.imported_funcs + defined_index;
    let ty = info.func_type(func_index);
    let call_conv = isa.default_call_conv();
    let mut func = ir::Function::with_name_signature(
        UserFuncName::user(0, func_index),
        env::wasm_signature(ty, call_conv),
    );
    // The stack limit lives in the store context: vmctx -> store -> limit.
    let vmctx = func.create_global_value(ir::GlobalValueData::VMContext);
    let readonly = func.dfg.mem_flags.insert(env::readonly()).expect("flags");
    let trusted = func.dfg.mem_flags.insert(env::trusted()).expect("flags");
    let store = func.create_global_value(ir::GlobalValueData::Load {
        base: vmctx,
        offset: (offsets.store_context() as i32).into(),
        global_type: ir::types::I64,
        flags: readonly,
    });
    let limit = func.create_global_value(ir::GlobalValueData::Load {
        base: store,
        offset: crate::vm::offsets::store_context::STACK_LIMIT.into(),
        global_type: ir::types::I64,
        flags: trusted,
    });
    func.stack_limit = Some(limit);

    let body_range = &info.bodies[defined_index as usize].range;
    let body = FunctionBody::new(BinaryReader::new(
        &wasm[body_range.clone()],
        body_range.start as u64,
    ));
    let env = env::FuncEnv {
        info,
        offsets,
        call_conv,
        frontend_config: isa.frontend_config(),
        limits,
    };
    let builder = FunctionBuilder::new(&mut func, builder_ctx);
    translate::Translator::new(&env, builder, func_index).translate(ty, &body)?;
    let mut ctx = Context::for_function(func);
    compile_function(isa, &mut ctx, func_index)
}

fn trampoline(
    isa: &dyn TargetIsa,
    ty: &crate::types::FuncType,
    build: fn(&mut ir::Function, &crate::types::FuncType, &dyn TargetIsa),
    sig: ir::Signature,
) -> Result<Compiled, Error> {
    let mut func = ir::Function::with_name_signature(UserFuncName::default(), sig);
    build(&mut func, ty, isa);
    let mut ctx = Context::for_function(func);
    compile_function(isa, &mut ctx, u32::MAX)
}

/// Compiles every function of a module and its trampolines.
pub fn compile(engine: &Engine, info: &ModuleInfo, wasm: &[u8]) -> Result<CompiledCode, Error> {
    let isa = engine.isa();
    let config = engine.config();
    let parallel = config.parallel_compilation;
    let limits = Limits {
        fuel: config.consume_fuel,
        epoch: config.epoch_interruption,
    };
    let offsets = vmoffsets(info);
    let defined = info.defined_funcs();
    let threads = if parallel {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        1
    }
    .min(defined.max(1) as usize);
    let mut results: Vec<Option<Result<Compiled, Error>>> = (0..defined).map(|_| None).collect();
    std::thread::scope(|scope| {
        let chunks: Vec<_> = results
            .chunks_mut(defined.div_ceil(threads as u32).max(1) as usize)
            .enumerate()
            .collect();
        let chunk_len = defined.div_ceil(threads as u32).max(1);
        for (chunk_index, chunk) in chunks {
            scope.spawn(move || {
                let mut builder_ctx = FunctionBuilderContext::new();
                for (i, slot) in chunk.iter_mut().enumerate() {
                    let index = chunk_index as u32 * chunk_len + i as u32;
                    let result = translate_function(
                        isa,
                        info,
                        offsets,
                        limits,
                        wasm,
                        index,
                        &mut builder_ctx,
                    );
                    let failed = result.is_err();
                    *slot = Some(result);
                    if failed {
                        // The module fails as a whole; a builder context
                        // left mid-function must not be reused.
                        break;
                    }
                }
            });
        }
    });
    // The first error in function order wins; a chunk stops at its first
    // error, so later slots of that chunk may be empty.
    let mut funcs = Vec::with_capacity(results.len());
    for result in results {
        match result {
            Some(result) => funcs.push(result?),
            None => unreachable!("a chunk stops only after an error, reported first"),
        }
    }

    let call_conv = isa.default_call_conv();
    let mut array_calls = Vec::new();
    let mut host_calls = Vec::new();
    for ty in &info.types {
        array_calls.push(trampoline(
            isa,
            ty,
            trampolines::array_call,
            trampolines::array_call_signature(call_conv),
        )?);
        host_calls.push(trampoline(
            isa,
            ty,
            trampolines::host_call,
            env::wasm_signature(ty, call_conv),
        )?);
    }
    // Functions start at the ISA's preferred alignment (32 bytes on
    // x86-64), as wasmtime places them, not just the 16 bytes calls need:
    // where a hot loop falls relative to 32- and 64-byte fetch blocks
    // decides how many cycles each of its taken branches costs. With 16,
    // `reverse` of bench/calls landed at 32 mod 64 and took about 1.2x the
    // time of the same machine code at 0 mod 64. Padding is never run.
    let align = isa.function_alignment().preferred.max(16) as usize;
    link(info.imported_funcs, align, funcs, array_calls, host_calls)?.load()
}

/// The vmctx layout of a module.
pub fn vmoffsets(info: &ModuleInfo) -> VMOffsets {
    VMOffsets::new(
        info.memories.len() as u32,
        info.globals.len() as u32,
        info.tables.len() as u32,
        info.funcs.len() as u32,
        info.imported_funcs,
        info.imported_globals,
    )
}

/// Lays the compiled functions out in one block, each at a multiple of
/// `align`, and patches calls between them.
fn link(
    imported_funcs: u32,
    align: usize,
    funcs: Vec<Compiled>,
    array_calls: Vec<Compiled>,
    host_calls: Vec<Compiled>,
) -> Result<CodeImage<'static>, Error> {
    let mut bytes = Vec::new();
    let mut traps = Vec::new();
    let mut place = |compiled: &Compiled, bytes: &mut Vec<u8>| {
        while !bytes.len().is_multiple_of(align) {
            bytes.push(0xcc);
        }
        let start = bytes.len();
        bytes.extend_from_slice(&compiled.code);
        traps.extend(
            compiled
                .traps
                .iter()
                .map(|(offset, code)| (start as u32 + offset, *code)),
        );
        FuncLocation {
            start,
            len: compiled.code.len(),
        }
    };
    let func_locations: Vec<FuncLocation> = funcs.iter().map(|f| place(f, &mut bytes)).collect();
    let array_locations = array_calls.iter().map(|f| place(f, &mut bytes)).collect();
    let host_locations = host_calls.iter().map(|f| place(f, &mut bytes)).collect();

    // A call names its callee by function index; defined functions
    // follow the imports.
    for (func, location) in funcs.iter().zip(&func_locations) {
        for &(offset, kind, callee, addend) in &func.calls {
            let site = location.start + offset as usize;
            let target = callee
                .checked_sub(imported_funcs)
                .and_then(|defined| func_locations.get(defined as usize))
                .ok_or_else(|| Error::unsupported("call to a function without code"))?
                .start;
            patch_call(&mut bytes, site, target, kind, addend)?;
        }
    }
    if bytes.is_empty() {
        // A module without functions or types still gets a (trapping)
        // byte, so that its code range is never empty.
        bytes.push(0xcc);
    }
    Ok(CodeImage {
        bytes: Cow::Owned(bytes),
        funcs: func_locations,
        array_calls: array_locations,
        host_calls: host_locations,
        traps,
    })
}

fn patch_call(
    bytes: &mut [u8],
    site: usize,
    target: usize,
    kind: Reloc,
    addend: i64,
) -> Result<(), Error> {
    match kind {
        Reloc::X86CallPCRel4 | Reloc::X86PCRel4 => {
            let delta = target as i64 - site as i64 + addend;
            let delta = i32::try_from(delta).map_err(|_| Error::unsupported("code over 2 GiB"))?;
            bytes[site..site + 4].copy_from_slice(&delta.to_le_bytes());
        }
        Reloc::Arm64Call => {
            let delta = (target as i64 - site as i64 + addend) >> 2;
            let insn = u32::from_le_bytes(bytes[site..site + 4].try_into().expect("4 bytes"));
            let insn = (insn & 0xfc00_0000) | (delta as u32 & 0x03ff_ffff);
            bytes[site..site + 4].copy_from_slice(&insn.to_le_bytes());
        }
        other => {
            return Err(Error::unsupported(format!("relocation {other:?}")));
        }
    }
    Ok(())
}
