//! The types `world!` generates, used on the host: layouts from the ABI
//! tables, flat and memory round trips, flags operations. Every generated
//! item is documented (`missing_docs` is denied).

#![deny(missing_docs)]

use weft::rt::{ComponentType, FlatReader, FlatWriter, Lift, Lower};

weft::world!();

use wit::shapes::{Color, Perms, Point, Shape};

#[weft::export]
fn negate(x: i32) -> i32 {
    -x
}

#[weft::export(name = "reverse")]
fn backwards(s: &str) -> String {
    s.chars().rev().collect()
}

#[weft::export]
fn stats(values: &[i64], label: String) -> Stats {
    Stats { count: values.len() as u32, label }
}

#[weft::export]
fn parse(s: &str) -> Result<u8, String> {
    s.parse().map_err(|_| s.to_string())
}

#[weft::export(interface = "shapes")]
mod geometry {
    use crate::wit::shapes::Point;

    pub fn area(p: Point) -> f64 {
        f64::from(p.x) * f64::from(p.y)
    }

    #[allow(dead_code)]
    fn helper() {}
}

/// A resource: the `impl` block makes `Counter` one.
pub struct Counter(std::cell::Cell<u32>);

#[weft::export(interface = "shapes")]
impl Counter {
    /// A counter at `start`.
    pub fn new(start: u32) -> Self {
        Counter(std::cell::Cell::new(start))
    }

    /// The value.
    pub fn get(&self) -> u32 {
        self.0.get()
    }

    /// Adds `n`.
    pub fn add(&self, n: u32) {
        self.0.set(self.0.get() + n);
    }

    /// Both added up.
    pub fn merge(a: Counter, b: &Counter) -> Counter {
        Counter::new(a.get() + b.get())
    }

    fn helper(&self) {}
}

fn layout<T: ComponentType>() -> (usize, usize, usize) {
    (T::SIZE, T::ALIGN, T::FLAT)
}

fn through_flat<T: Lift + Lower>(value: T) -> T {
    let mut slots = [0u64; 16];
    let mut writer = FlatWriter::new(&mut slots);
    value.lower_flat(&mut writer);
    assert_eq!(writer.position(), T::FLAT);
    let mut reader = FlatReader::new(&slots);
    unsafe { T::lift_flat(&mut reader) }
}

fn through_memory<T: Lift + Lower>(value: T) -> T {
    let mut buffer = [0u64; 8];
    let ptr = buffer.as_mut_ptr().cast::<u8>();
    unsafe {
        value.store(ptr);
        T::load(ptr)
    }
}

fn main() {
    assert_eq!(layout::<Point>(), (8, 4, 2));
    // Discriminant, then the payload at 8: an f32, or a tuple of a point
    // and an s64 (16 bytes, flat i32 i32 i64).
    assert_eq!(layout::<Shape>(), (24, 8, 4));
    assert_eq!(layout::<Color>(), (1, 1, 1));
    assert_eq!(layout::<Perms>(), (2, 2, 1));
    assert_eq!(layout::<Stats>(), (12, 4, 3));
    // An owned resource is a handle, exported or imported.
    assert_eq!(layout::<Counter>(), (4, 4, 1));
    assert_eq!(layout::<wit::store::Blob>(), (4, 4, 1));
    // The imported resource's functions are its handle type's.
    let _: fn(Vec<u8>) -> wit::store::Blob = wit::store::Blob::new;
    let _: fn(&wit::store::Blob) -> u32 = wit::store::Blob::size;
    let _: fn(&wit::store::Blob, wit::store::Blob) -> wit::store::Blob = wit::store::Blob::concat;

    let line = Shape::Line((Point { x: 1, y: -2 }, i64::MIN));
    for shape in [Shape::Circle(1.5), line, Shape::Empty] {
        assert_eq!(through_flat(shape.clone()), shape);
        assert_eq!(through_memory(shape.clone()), shape);
    }
    assert_eq!(through_flat(Color::Green), Color::Green);
    assert_eq!(through_memory(Color::Red), Color::Red);

    let mut perms = Perms::READ | Perms::GROUP_EXEC;
    assert_eq!(perms.bits(), 0b1_0000_0001);
    assert!(perms.contains(Perms::GROUP_EXEC));
    perms.remove(Perms::READ);
    perms.insert(Perms::OWNER_WRITE);
    assert_eq!(format!("{perms:?}"), "Perms(owner-write | group-exec)");
    assert_eq!(Perms::all().bits(), 0x1ff);
    assert_eq!(Perms::from_bits_truncate(0xffff), Perms::all());
    assert_eq!(through_flat(perms), perms);
    assert_eq!(through_memory(perms), perms);
    assert!((Perms::all() - Perms::all()).is_empty());

    // Imports exist on the host, so that code calling them compiles, but
    // there is no host to call.
    std::panic::set_hook(Box::new(|_| {}));
    let call = std::panic::catch_unwind(|| log("hello".to_string()));
    let _ = std::panic::take_hook();
    assert!(call.is_err());
}
