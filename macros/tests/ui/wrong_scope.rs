weft::world!();

// `area` belongs to the `shapes` interface.
#[weft::export]
fn area(p: wit::shapes::Point) -> f64 {
    f64::from(p.x * p.y)
}

#[weft::export]
mod shape {
    pub fn area(p: crate::wit::shapes::Point) -> f64 {
        f64::from(p.x * p.y)
    }
}

fn main() {}
