weft::world!();

pub struct Schema;

#[weft::export]
impl Schema {}

#[weft::export]
mod graph {
    use super::Schema;
    use crate::wit::graph::{Lent, Nested};

    // A borrow lives for the call only.
    pub fn inspect(l: Lent<'static>) -> u32 {
        l.depth
    }

    pub fn pair(t: (&'static Schema, u32)) -> u32 {
        t.1
    }

    // Through a helper generic over the borrows' lifetime, a function
    // wanting them for longer does not compile either.
    pub fn inspect_nested(n: Nested<'_>) -> u32 {
        keep(n.inner.schema);
        0
    }

    fn keep(_: &'static Schema) {}
}

fn main() {}
