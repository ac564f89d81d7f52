weft::world!();

pub struct Countr;

#[weft::export]
impl Countr {}

fn main() {}
