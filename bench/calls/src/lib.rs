//! The guest side of the component-call benchmarks: each export does as
//! little as its signature allows, so that what is timed is the crossing.

wit_bindgen::generate!({
    world: "calls",
    path: "wit",
});

struct Calls;

impl Guest for Calls {
    fn noop() {}

    fn add(a: u32, b: u32) -> u32 {
        a.wrapping_add(b)
    }

    fn reverse(s: String) -> String {
        s.chars().rev().collect()
    }

    fn sum(items: Vec<u32>) -> u64 {
        items.iter().map(|v| u64::from(*v)).sum()
    }

    fn update(items: Vec<Item>) -> Vec<Item> {
        items
            .into_iter()
            .map(|item| Item {
                name: item.name.to_uppercase(),
                value: item.value.wrapping_mul(2),
            })
            .collect()
    }
}

export!(Calls);
