// The world exports the resource `schema` and generated records hold it,
// but no type implements it: no `#[weft::export] impl Schema`.
weft::world!();

fn main() {}
