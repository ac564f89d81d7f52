weft::world!();

#[weft::export]
fn stats(values: Vec<i32>, label: String) -> Stats {
    Stats { count: values.len() as u32, label }
}

#[weft::export]
fn parse(s: &str) -> Result<u8, ()> {
    s.parse().map_err(|_| ())
}

fn main() {}
