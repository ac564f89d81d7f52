weft::world!();

#[weft::export]
fn revers(s: &str) -> String {
    s.chars().rev().collect()
}

#[weft::export(name = "negat")]
fn negate(x: i32) -> i32 {
    -x
}

fn main() {}
