weft::world!(world = "ui");

fn main() {}
