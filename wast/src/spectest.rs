//! The `spectest` host module that the spec tests import from.

use weft_runtime::{
    Error, Extern, Func, FuncType, Global, GlobalType, Linker, Memory, MemoryType, Mutability,
    RefType, Store, Table, TableType, Val, ValType,
};

/// Defines the `spectest` module in `linker`, as the spec's reference
/// interpreter provides it:
///
/// - functions `print`, `print_i32`, `print_i64`, `print_f32`, `print_f64`,
///   `print_i32_f32` and `print_f64_f64`, which do nothing;
/// - immutable globals `global_i32` and `global_i64` (666), `global_f32`
///   and `global_f64` (666.6);
/// - `table`: 10 to 20 `funcref`s, all null;
/// - `memory`: 1 to 2 pages.
pub fn define_spectest<T>(linker: &mut Linker<T>, store: &mut Store<T>) -> Result<(), Error> {
    use ValType::{F32, F64, I32, I64};
    let prints: [(&str, &[ValType]); 7] = [
        ("print", &[]),
        ("print_i32", &[I32]),
        ("print_i64", &[I64]),
        ("print_f32", &[F32]),
        ("print_f64", &[F64]),
        ("print_i32_f32", &[I32, F32]),
        ("print_f64_f64", &[F64, F64]),
    ];
    for (name, params) in prints {
        let ty = FuncType::new(params.iter().cloned(), []);
        let func = Func::new(store, ty, |_params: &[Val], _results: &mut [Val]| Ok(()))?;
        linker.define("spectest", name, Extern::Func(func))?;
    }

    let globals = [
        ("global_i32", I32, Val::I32(666)),
        ("global_i64", I64, Val::I64(666)),
        ("global_f32", F32, Val::F32(666.6_f32.to_bits())),
        ("global_f64", F64, Val::F64(666.6_f64.to_bits())),
    ];
    for (name, content, val) in globals {
        let ty = GlobalType {
            content,
            mutability: Mutability::Const,
        };
        let global = Global::new(store, ty, val)?;
        linker.define("spectest", name, Extern::Global(global))?;
    }

    let table_ty = TableType {
        element: RefType::FuncRef,
        minimum: 10,
        maximum: Some(20),
    };
    let table = Table::new(store, table_ty, Val::FuncRef(None))?;
    linker.define("spectest", "table", Extern::Table(table))?;

    let memory_ty = MemoryType {
        minimum: 1,
        maximum: Some(2),
    };
    let memory = Memory::new(store, memory_ty)?;
    linker.define("spectest", "memory", Extern::Memory(memory))?;
    Ok(())
}
