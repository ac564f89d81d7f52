weft::world!();

pub struct Schema;

#[weft::export]
impl Schema {}

#[weft::export]
mod graph {
    use super::Schema;
    use crate::wit::graph::Lent;
    use crate::wit::store::Blob;

    // A lent handle of an imported resource inside a parameter's type.
    pub fn sizes_of(blobs: Vec<&Blob>) -> u32 {
        blobs.len() as u32
    }

    // `borrow<schema>` is a reference.
    pub fn pair(t: (Schema, u32)) -> u32 {
        t.1
    }

    // The record holds a borrow: `Lent<'_>`, by value or by reference.
    pub fn inspect(l: &mut Lent) -> u32 {
        l.depth
    }
}

fn main() {}
