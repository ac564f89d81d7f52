weft::world!();

#[weft::export]
fn negate(x: i32, y: i32) -> i32 {
    x - y
}

#[weft::export]
fn reverse(s: &str) {
    let _ = s;
}

fn main() {}
