weft::world!();

#[weft::export]
fn negate(x: u32) -> i32 {
    -(x as i32)
}

fn main() {}
