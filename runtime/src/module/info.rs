//! Everything about a module except its code: the index spaces, segments,
//! exports and names, read once from the binary after validation.

use std::collections::HashMap;
use std::ops::Range;

use wasmparser::{
    DataKind, ElementItems, ElementKind, ExternalKind, Name, Operator, Payload, TypeRef, Validator,
    WasmFeatures,
};

use crate::error::Error;
use crate::types::{FuncType, GlobalType, MemoryType, Mutability, RefType, TableType, ValType};

/// An import of a module.
#[derive(Debug, Clone)]
pub struct Import {
    /// The module name.
    pub module: String,
    /// The item name.
    pub name: String,
    /// What is imported, with its index in its index space.
    pub kind: EntityIndex,
}

/// An item in one of a module's index spaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntityIndex {
    /// A function.
    Func(u32),
    /// A table.
    Table(u32),
    /// A memory.
    Memory(u32),
    /// A global.
    Global(u32),
}

/// One instruction of a constant expression.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ConstOp {
    /// `i32.const`.
    I32(i32),
    /// `i64.const`.
    I64(i64),
    /// `f32.const`, as bits.
    F32(u32),
    /// `f64.const`, as bits.
    F64(u64),
    /// `ref.null`.
    RefNull(RefType),
    /// `ref.func`.
    RefFunc(u32),
    /// `global.get`.
    GlobalGet(u32),
    /// `i32.add` (extended constant expressions).
    I32Add,
    /// `i32.sub`.
    I32Sub,
    /// `i32.mul`.
    I32Mul,
    /// `i64.add`.
    I64Add,
    /// `i64.sub`.
    I64Sub,
    /// `i64.mul`.
    I64Mul,
}

/// A constant expression (global initialisers, segment offsets).
pub type ConstExpr = Vec<ConstOp>;

/// Where an element segment goes.
#[derive(Debug, Clone)]
pub enum SegmentMode {
    /// Copied into a table or memory at instantiation.
    Active {
        /// The table or memory.
        index: u32,
        /// Where in it.
        offset: ConstExpr,
    },
    /// Used by `table.init`/`memory.init` only.
    Passive,
    /// Only declares functions for `ref.func` (element segments).
    Declared,
}

/// An element segment.
#[derive(Debug, Clone)]
pub struct ElementSegment {
    /// Where it goes.
    pub mode: SegmentMode,
    /// Its items, one constant expression each.
    pub items: Vec<ConstExpr>,
}

/// A data segment.
#[derive(Debug, Clone)]
pub struct DataSegment {
    /// Where it goes.
    pub mode: SegmentMode,
    /// Its bytes, as a range of the module binary.
    pub bytes: Range<usize>,
}

/// A function body to compile.
#[derive(Debug, Clone)]
pub struct FunctionBody {
    /// The bytes of the body (locals and code) in the module binary.
    pub range: Range<usize>,
}

/// The module, indexed (imports first in every index space).
#[derive(Debug, Default)]
pub struct ModuleInfo {
    /// The module's name from the name section.
    pub name: Option<String>,
    /// The type section.
    pub types: Vec<FuncType>,
    /// Imports in order.
    pub imports: Vec<Import>,
    /// The type index of every function.
    pub funcs: Vec<u32>,
    /// Every table's type.
    pub tables: Vec<TableType>,
    /// Every memory's type.
    pub memories: Vec<MemoryType>,
    /// Every global's type.
    pub globals: Vec<GlobalType>,
    /// Initialisers of the defined globals.
    pub global_inits: Vec<ConstExpr>,
    /// Initialisers of the defined tables (`None`: null).
    pub table_inits: Vec<Option<ConstExpr>>,
    /// Exports in order.
    pub exports: Vec<(String, EntityIndex)>,
    /// Export position by name.
    pub export_index: HashMap<String, usize>,
    /// The start function.
    pub start: Option<u32>,
    /// Element segments.
    pub elements: Vec<ElementSegment>,
    /// Data segments.
    pub data: Vec<DataSegment>,
    /// Bodies of the defined functions.
    pub bodies: Vec<FunctionBody>,
    /// Function names from the name section.
    pub func_names: HashMap<u32, String>,
    /// How many functions are imported.
    pub imported_funcs: u32,
    /// How many tables are imported.
    pub imported_tables: u32,
    /// How many memories are imported.
    pub imported_memories: u32,
    /// How many globals are imported.
    pub imported_globals: u32,
}

/// The WebAssembly features weft compiles: WebAssembly 2.0.
pub fn features() -> WasmFeatures {
    WasmFeatures::WASM2
}

impl ModuleInfo {
    /// Validates `wasm` and reads its module information. Function bodies
    /// are validated too, before any is compiled.
    pub fn parse(wasm: &[u8]) -> Result<ModuleInfo, Error> {
        Self::parse_with(wasm, true)
    }

    /// [`ModuleInfo::parse`] without validating function bodies: for the
    /// wasm of a precompiled artifact, whose code was compiled (so its
    /// bodies validated) when the artifact was made. Everything else is
    /// validated as usual.
    pub fn parse_precompiled(wasm: &[u8]) -> Result<ModuleInfo, Error> {
        Self::parse_with(wasm, false)
    }

    fn parse_with(wasm: &[u8], validate_bodies: bool) -> Result<ModuleInfo, Error> {
        let mut validator = Validator::new_with_features(features());
        let mut info = ModuleInfo::default();
        let mut func_validators = Vec::new();
        for payload in wasmparser::Parser::new(0).parse_all(wasm) {
            let payload = payload?;
            if let wasmparser::ValidPayload::Func(func, body) = validator.payload(&payload)? {
                if validate_bodies {
                    func_validators.push((func, body));
                }
            }
            info.read_payload(payload, wasm)?;
        }
        for (func, body) in func_validators {
            let mut validator = func.into_validator(Default::default());
            validator.validate(&body)?;
        }
        Ok(info)
    }

    fn read_payload(&mut self, payload: Payload<'_>, wasm: &[u8]) -> Result<(), Error> {
        match payload {
            Payload::TypeSection(reader) => {
                for ty in reader.into_iter_err_on_gc_types() {
                    self.types
                        .push(FuncType::from_wasm(&ty?).map_err(Error::unsupported)?);
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    let import = import?;
                    let kind = match import.ty {
                        TypeRef::Func(ty) => {
                            self.funcs.push(ty);
                            self.imported_funcs += 1;
                            EntityIndex::Func(self.funcs.len() as u32 - 1)
                        }
                        TypeRef::Table(ty) => {
                            self.tables.push(table_type(&ty)?);
                            self.imported_tables += 1;
                            EntityIndex::Table(self.tables.len() as u32 - 1)
                        }
                        TypeRef::Memory(ty) => {
                            self.memories.push(memory_type(&ty)?);
                            self.imported_memories += 1;
                            EntityIndex::Memory(self.memories.len() as u32 - 1)
                        }
                        TypeRef::Global(ty) => {
                            self.globals.push(global_type(&ty)?);
                            self.imported_globals += 1;
                            EntityIndex::Global(self.globals.len() as u32 - 1)
                        }
                        other => {
                            return Err(Error::unsupported(format!("import of {other:?}")));
                        }
                    };
                    self.imports.push(Import {
                        module: import.module.to_string(),
                        name: import.name.to_string(),
                        kind,
                    });
                }
            }
            Payload::FunctionSection(reader) => {
                for ty in reader {
                    self.funcs.push(ty?);
                }
            }
            Payload::TableSection(reader) => {
                for table in reader {
                    let table = table?;
                    self.tables.push(table_type(&table.ty)?);
                    self.table_inits.push(match table.init {
                        wasmparser::TableInit::RefNull => None,
                        wasmparser::TableInit::Expr(expr) => Some(const_expr(&expr)?),
                    });
                }
            }
            Payload::MemorySection(reader) => {
                let range = reader.range();
                check_memory_limit_encoding(
                    &wasm[range.start as usize..range.end as usize],
                    range.start as usize,
                )?;
                for memory in reader {
                    self.memories.push(memory_type(&memory?)?);
                }
            }
            Payload::GlobalSection(reader) => {
                for global in reader {
                    let global = global?;
                    self.globals.push(global_type(&global.ty)?);
                    self.global_inits.push(const_expr(&global.init_expr)?);
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export?;
                    let index = match export.kind {
                        ExternalKind::Func | ExternalKind::FuncExact => {
                            EntityIndex::Func(export.index)
                        }
                        ExternalKind::Table => EntityIndex::Table(export.index),
                        ExternalKind::Memory => EntityIndex::Memory(export.index),
                        ExternalKind::Global => EntityIndex::Global(export.index),
                        ExternalKind::Tag => return Err(Error::unsupported("tag exports")),
                    };
                    self.export_index
                        .insert(export.name.to_string(), self.exports.len());
                    self.exports.push((export.name.to_string(), index));
                }
            }
            Payload::StartSection { func, .. } => self.start = Some(func),
            Payload::ElementSection(reader) => {
                for element in reader {
                    self.elements.push(element_segment(element?)?);
                }
            }
            Payload::DataSection(reader) => {
                for data in reader {
                    let data = data?;
                    let end = usize::try_from(data.range.end).unwrap_or(usize::MAX);
                    let bytes = end - data.data.len()..end;
                    let mode = match data.kind {
                        DataKind::Passive => SegmentMode::Passive,
                        DataKind::Active {
                            memory_index,
                            offset_expr,
                        } => SegmentMode::Active {
                            index: memory_index,
                            offset: const_expr(&offset_expr)?,
                        },
                    };
                    self.data.push(DataSegment { mode, bytes });
                }
            }
            Payload::CodeSectionEntry(body) => {
                let range = body.range();
                self.bodies.push(FunctionBody {
                    range: range.start as usize..range.end as usize,
                });
            }
            Payload::CustomSection(section) => {
                if let wasmparser::KnownCustom::Name(reader) = section.as_known() {
                    // A malformed name section is ignored, as the spec says.
                    let _ = self.read_names(reader);
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn read_names(&mut self, reader: wasmparser::NameSectionReader<'_>) -> Result<(), Error> {
        for name in reader {
            match name? {
                Name::Module { name, .. } => self.name = Some(name.to_string()),
                Name::Function(map) => {
                    for naming in map {
                        let naming = naming?;
                        self.func_names
                            .insert(naming.index, naming.name.to_string());
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// The type of function `index`.
    pub fn func_type(&self, index: u32) -> &FuncType {
        &self.types[self.funcs[index as usize] as usize]
    }

    /// How many functions the module defines.
    pub fn defined_funcs(&self) -> u32 {
        self.funcs.len() as u32 - self.imported_funcs
    }
}

/// weft's type of a wasmparser table type (32-bit tables only).
pub(crate) fn table_type(ty: &wasmparser::TableType) -> Result<TableType, Error> {
    if ty.table64 {
        return Err(Error::unsupported("64-bit tables"));
    }
    Ok(TableType {
        element: RefType::from_wasm(ty.element_type).map_err(Error::unsupported)?,
        minimum: ty.initial as u32,
        maximum: ty.maximum.map(|m| m as u32),
    })
}

/// weft's type of a wasmparser memory type (plain 32-bit memories only).
pub(crate) fn memory_type(ty: &wasmparser::MemoryType) -> Result<MemoryType, Error> {
    if ty.memory64 || ty.shared || ty.page_size_log2.is_some() {
        return Err(Error::unsupported(
            "64-bit, shared or custom-page-size memories",
        ));
    }
    Ok(MemoryType {
        minimum: ty.initial as u32,
        maximum: ty.maximum.map(|m| m as u32),
    })
}

/// weft's type of a wasmparser global type.
pub(crate) fn global_type(ty: &wasmparser::GlobalType) -> Result<GlobalType, Error> {
    Ok(GlobalType {
        content: ValType::from_wasm(ty.content_type).map_err(Error::unsupported)?,
        mutability: if ty.mutable {
            Mutability::Var
        } else {
            Mutability::Const
        },
    })
}

fn element_segment(element: wasmparser::Element<'_>) -> Result<ElementSegment, Error> {
    let mode = match element.kind {
        ElementKind::Passive => SegmentMode::Passive,
        ElementKind::Declared => SegmentMode::Declared,
        ElementKind::Active {
            table_index,
            offset_expr,
        } => SegmentMode::Active {
            index: table_index.unwrap_or(0),
            offset: const_expr(&offset_expr)?,
        },
    };
    let items = match element.items {
        ElementItems::Functions(funcs) => funcs
            .into_iter()
            .map(|f| Ok(vec![ConstOp::RefFunc(f?)]))
            .collect::<Result<Vec<_>, Error>>()?,
        ElementItems::Expressions(_, exprs) => exprs
            .into_iter()
            .map(|e| const_expr(&e?))
            .collect::<Result<Vec<_>, Error>>()?,
    };
    Ok(ElementSegment { mode, items })
}

fn const_expr(expr: &wasmparser::ConstExpr<'_>) -> Result<ConstExpr, Error> {
    let mut ops = Vec::new();
    let mut reader = expr.get_operators_reader();
    while !reader.eof() {
        let op = match reader.read()? {
            Operator::I32Const { value } => ConstOp::I32(value),
            Operator::I64Const { value } => ConstOp::I64(value),
            Operator::F32Const { value } => ConstOp::F32(value.bits()),
            Operator::F64Const { value } => ConstOp::F64(value.bits()),
            Operator::RefNull { hty } => ConstOp::RefNull(
                RefType::from_wasm(
                    wasmparser::RefType::new(true, hty)
                        .ok_or_else(|| Error::unsupported("reference type"))?,
                )
                .map_err(Error::unsupported)?,
            ),
            Operator::RefFunc { function_index } => ConstOp::RefFunc(function_index),
            Operator::GlobalGet { global_index } => ConstOp::GlobalGet(global_index),
            Operator::I32Add => ConstOp::I32Add,
            Operator::I32Sub => ConstOp::I32Sub,
            Operator::I32Mul => ConstOp::I32Mul,
            Operator::I64Add => ConstOp::I64Add,
            Operator::I64Sub => ConstOp::I64Sub,
            Operator::I64Mul => ConstOp::I64Mul,
            Operator::End => break,
            other => {
                return Err(Error::unsupported(format!(
                    "constant expression operator {other:?}"
                )))
            }
        };
        ops.push(op);
    }
    Ok(ops)
}

/// Rejects memory limits of 32-bit memories written with more than five
/// LEB128 bytes. wasmparser reads every memory limit as a 64-bit integer,
/// so it accepts such encodings, which the spec calls malformed
/// ("integer representation too long").
fn check_memory_limit_encoding(section: &[u8], offset: usize) -> Result<(), Error> {
    let malformed = |at: usize| Error::Invalid {
        message: "integer representation too long".into(),
        offset: offset + at,
    };
    // The section parsed already, so its structure is sound: count, then
    // per memory a flags byte and one or two LEB128 limits.
    let leb_len = |at: usize| {
        section[at..]
            .iter()
            .position(|b| b & 0x80 == 0)
            .map(|i| i + 1)
    };
    let mut at = leb_len(0).unwrap_or(section.len());
    while at < section.len() {
        let flags = section[at];
        at += 1;
        let limits = if flags & 1 != 0 { 2 } else { 1 };
        for _ in 0..limits {
            let Some(len) = leb_len(at) else {
                return Ok(());
            };
            if flags & 4 == 0 && len > 5 {
                return Err(malformed(at));
            }
            at += len;
        }
    }
    Ok(())
}
