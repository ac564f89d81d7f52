weft::world!();

pub struct Counter(u32);

#[weft::export]
impl Counter {
    pub fn new(start: u32) -> Self {
        Counter(start)
    }

    // Misspelled: the WIT method is `get`.
    pub fn gett(&self) -> u32 {
        self.0
    }

    // A borrow is `&self`.
    pub fn add(&mut self, n: u32) {
        self.0 += n;
    }

    // `b` is a `borrow<counter>`.
    pub fn merge(a: Counter, b: Counter) -> Self {
        Counter(a.0 + b.0)
    }
}

fn main() {}
