weft::world!();

#[weft::export]
fn reverse(s: &str) -> Vec<u8> {
    s.bytes().rev().collect()
}

fn main() {}
