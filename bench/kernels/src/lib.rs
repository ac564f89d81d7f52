//! Benchmark kernels, compiled to `wasm32-unknown-unknown` and run on weft
//! and on wasmtime by `weft-bench-runner`. Every kernel is deterministic
//! and returns a value that depends on all of its work, so both engines
//! can be checked to agree and no optimiser can skip the work.
//!
//! No I/O and no imports: the module instantiates with nothing.

// Index loops over x, y, z read as the physics does (n-body).
#![allow(clippy::needless_range_loop)]

/// An empty function: measures the cost of one host-to-wasm call.
#[no_mangle]
pub extern "C" fn noop() {}

/// The `n`th Fibonacci number, computed by naive recursion (about
/// 1.6^n calls).
#[no_mangle]
pub extern "C" fn fib(n: u32) -> u64 {
    if n < 2 {
        u64::from(n)
    } else {
        fib(n - 1) + fib(n - 2)
    }
}

// ---------------------------------------------------------------- SHA-256

const K: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

const H0: [u32; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

/// Processes one 64-byte block.
fn sha256_block(state: &mut [u32; 8], block: &[u8]) {
    let mut w = [0u32; 64];
    for (i, word) in block.chunks_exact(4).enumerate() {
        w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
    }
    for i in 16..64 {
        let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
        let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16]
            .wrapping_add(s0)
            .wrapping_add(w[i - 7])
            .wrapping_add(s1);
    }
    let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut h] = *state;
    for i in 0..64 {
        let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
        let ch = (e & f) ^ (!e & g);
        let t1 = h
            .wrapping_add(s1)
            .wrapping_add(ch)
            .wrapping_add(K[i])
            .wrapping_add(w[i]);
        let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
        let maj = (a & b) ^ (a & c) ^ (b & c);
        let t2 = s0.wrapping_add(maj);
        h = g;
        g = f;
        f = e;
        e = d.wrapping_add(t1);
        d = c;
        c = b;
        b = a;
        a = t1.wrapping_add(t2);
    }
    for (s, v) in state.iter_mut().zip([a, b, c, d, e, f, g, h]) {
        *s = s.wrapping_add(v);
    }
}

/// The SHA-256 digest of `data`, as eight big-endian words.
pub fn sha256(data: &[u8]) -> [u32; 8] {
    let mut state = H0;
    let mut blocks = data.chunks_exact(64);
    for block in &mut blocks {
        sha256_block(&mut state, block);
    }
    // Padding: 0x80, zeros, then the length in bits (big-endian u64).
    let rest = blocks.remainder();
    let mut tail = [0u8; 128];
    tail[..rest.len()].copy_from_slice(rest);
    tail[rest.len()] = 0x80;
    let tail_len = if rest.len() < 56 { 64 } else { 128 };
    let bits = (data.len() as u64).wrapping_mul(8);
    tail[tail_len - 8..tail_len].copy_from_slice(&bits.to_be_bytes());
    for block in tail[..tail_len].chunks_exact(64) {
        sha256_block(&mut state, block);
    }
    state
}

/// Hashes a `len`-byte buffer in linear memory `rounds` times. The buffer
/// starts as a fixed pattern; after each round the digest is written over
/// its first 32 bytes, so every round depends on the one before. Returns
/// the first word of the last digest.
#[no_mangle]
pub extern "C" fn sha256_bench(len: u32, rounds: u32) -> u32 {
    let len = len.max(32) as usize;
    let mut buffer: Vec<u8> = (0..len)
        .map(|i| (i as u32).wrapping_mul(31).wrapping_add(7) as u8 ^ (i >> 8) as u8)
        .collect();
    let mut digest = [0u32; 8];
    for _ in 0..rounds {
        digest = sha256(&buffer);
        for (chunk, word) in buffer[..32].chunks_exact_mut(4).zip(digest) {
            chunk.copy_from_slice(&word.to_be_bytes());
        }
    }
    digest[0]
}

// ------------------------------------------------------------- Mandelbrot

/// Counts the points of a `width` × `height` grid over [-2, 1] × [-1, 1]
/// whose orbit stays bounded for `max_iter` iterations.
#[no_mangle]
pub extern "C" fn mandelbrot(width: u32, height: u32, max_iter: u32) -> u32 {
    let mut inside = 0;
    for y in 0..height {
        let ci = f64::from(y) * 2.0 / f64::from(height) - 1.0;
        for x in 0..width {
            let cr = f64::from(x) * 3.0 / f64::from(width) - 2.0;
            let (mut zr, mut zi) = (0.0f64, 0.0f64);
            let mut escaped = false;
            for _ in 0..max_iter {
                let zr2 = zr * zr;
                let zi2 = zi * zi;
                if zr2 + zi2 > 4.0 {
                    escaped = true;
                    break;
                }
                zi = 2.0 * zr * zi + ci;
                zr = zr2 - zi2 + cr;
            }
            if !escaped {
                inside += 1;
            }
        }
    }
    inside
}

// -------------------------------------------------------------- Quicksort

fn xorshift32(state: &mut u32) -> u32 {
    let mut x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    x
}

fn insertion_sort(v: &mut [u32]) {
    for i in 1..v.len() {
        let key = v[i];
        let mut j = i;
        while j > 0 && v[j - 1] > key {
            v[j] = v[j - 1];
            j -= 1;
        }
        v[j] = key;
    }
}

/// Hoare partition around the median of the first, middle and last
/// element; returns the split point.
fn partition(v: &mut [u32]) -> usize {
    let last = v.len() - 1;
    let mid = last / 2;
    if v[mid] < v[0] {
        v.swap(mid, 0);
    }
    if v[last] < v[0] {
        v.swap(last, 0);
    }
    if v[last] < v[mid] {
        v.swap(last, mid);
    }
    let pivot = v[mid];
    let mut i = 0;
    let mut j = last;
    loop {
        while v[i] < pivot {
            i += 1;
        }
        while v[j] > pivot {
            j -= 1;
        }
        if i >= j {
            return j + 1;
        }
        v.swap(i, j);
        i += 1;
        j -= 1;
    }
}

/// Quicksort: recurses into the smaller side, loops on the larger, and
/// finishes short runs by insertion sort.
fn quicksort(mut v: &mut [u32]) {
    while v.len() > 16 {
        let split = partition(v);
        let (left, right) = v.split_at_mut(split);
        if left.len() < right.len() {
            quicksort(left);
            v = right;
        } else {
            quicksort(right);
            v = left;
        }
    }
    insertion_sort(v);
}

/// Sorts `n` pseudo-random numbers (xorshift32 from `seed`) and returns a
/// checksum of the sorted order (or `u32::MAX` if it is not sorted).
#[no_mangle]
pub extern "C" fn quicksort_bench(n: u32, seed: u32) -> u32 {
    let mut state = if seed == 0 { 0x9e37_79b9 } else { seed };
    let mut v: Vec<u32> = (0..n).map(|_| xorshift32(&mut state)).collect();
    quicksort(&mut v);
    let mut checksum = 0u32;
    for (i, pair) in v.windows(2).enumerate() {
        if pair[0] > pair[1] {
            return u32::MAX;
        }
        checksum = checksum.rotate_left(5) ^ pair[0].wrapping_mul(i as u32 | 1);
    }
    checksum
}

// ----------------------------------------------------------------- n-body

const PI: f64 = core::f64::consts::PI;
const SOLAR_MASS: f64 = 4.0 * PI * PI;
const DAYS_PER_YEAR: f64 = 365.24;

#[derive(Clone, Copy)]
struct Body {
    pos: [f64; 3],
    vel: [f64; 3],
    mass: f64,
}

fn initial_bodies() -> [Body; 5] {
    let body = |pos: [f64; 3], vel: [f64; 3], mass: f64| Body {
        pos,
        vel: [
            vel[0] * DAYS_PER_YEAR,
            vel[1] * DAYS_PER_YEAR,
            vel[2] * DAYS_PER_YEAR,
        ],
        mass: mass * SOLAR_MASS,
    };
    [
        // Sun
        body([0.0; 3], [0.0; 3], 1.0),
        // Jupiter
        body(
            [
                4.841_431_442_464_72e0,
                -1.160_320_044_027_428_4e0,
                -1.036_220_444_711_231_1e-1,
            ],
            [
                1.660_076_642_744_037e-3,
                7.699_011_184_197_404e-3,
                -6.904_600_169_720_63e-5,
            ],
            9.547_919_384_243_266e-4,
        ),
        // Saturn
        body(
            [
                8.343_366_718_244_58e0,
                4.124_798_564_124_305e0,
                -4.035_234_171_143_214e-1,
            ],
            [
                -2.767_425_107_268_624e-3,
                4.998_528_012_349_172e-3,
                2.304_172_975_737_639_3e-5,
            ],
            2.858_859_806_661_308e-4,
        ),
        // Uranus
        body(
            [
                1.289_436_956_213_913_1e1,
                -1.511_115_140_169_863_1e1,
                -2.233_075_788_926_557_3e-1,
            ],
            [
                2.964_601_375_647_616e-3,
                2.378_471_739_594_809_5e-3,
                -2.965_895_685_402_375_6e-5,
            ],
            4.366_244_043_351_563e-5,
        ),
        // Neptune
        body(
            [
                1.537_969_711_485_091_1e1,
                -2.591_931_460_998_796_4e1,
                1.792_587_729_503_711_8e-1,
            ],
            [
                2.680_677_724_903_893_2e-3,
                1.628_241_700_382_423e-3,
                -9.515_922_545_197_159e-5,
            ],
            5.151_389_020_466_114_5e-5,
        ),
    ]
}

fn offset_momentum(bodies: &mut [Body; 5]) {
    let mut p = [0.0f64; 3];
    for b in bodies.iter() {
        for k in 0..3 {
            p[k] += b.vel[k] * b.mass;
        }
    }
    for k in 0..3 {
        bodies[0].vel[k] = -p[k] / SOLAR_MASS;
    }
}

fn advance(bodies: &mut [Body; 5], dt: f64) {
    for i in 0..5 {
        for j in i + 1..5 {
            let d = [
                bodies[i].pos[0] - bodies[j].pos[0],
                bodies[i].pos[1] - bodies[j].pos[1],
                bodies[i].pos[2] - bodies[j].pos[2],
            ];
            let d2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
            let magnitude = dt / (d2 * d2.sqrt());
            let mj = bodies[j].mass * magnitude;
            let mi = bodies[i].mass * magnitude;
            for k in 0..3 {
                bodies[i].vel[k] -= d[k] * mj;
                bodies[j].vel[k] += d[k] * mi;
            }
        }
    }
    for b in bodies.iter_mut() {
        for k in 0..3 {
            b.pos[k] += dt * b.vel[k];
        }
    }
}

fn energy(bodies: &[Body; 5]) -> f64 {
    let mut e = 0.0;
    for i in 0..5 {
        let b = &bodies[i];
        e += 0.5 * b.mass * (b.vel[0] * b.vel[0] + b.vel[1] * b.vel[1] + b.vel[2] * b.vel[2]);
        for other in &bodies[i + 1..] {
            let d = [
                b.pos[0] - other.pos[0],
                b.pos[1] - other.pos[1],
                b.pos[2] - other.pos[2],
            ];
            e -= b.mass * other.mass / (d[0] * d[0] + d[1] * d[1] + d[2] * d[2]).sqrt();
        }
    }
    e
}

/// The classic five-body simulation (Sun and the outer planets), `steps`
/// steps of 0.01 days; returns the system's energy at the end.
#[no_mangle]
pub extern "C" fn nbody(steps: u32) -> f64 {
    let mut bodies = initial_bodies();
    offset_momentum(&mut bodies);
    for _ in 0..steps {
        advance(&mut bodies, 0.01);
    }
    energy(&bodies)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(digest: [u32; 8]) -> String {
        digest.iter().map(|w| format!("{w:08x}")).collect()
    }

    #[test]
    fn sha256_matches_known_digests() {
        assert_eq!(
            hex(sha256(b"")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            hex(sha256(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            hex(sha256(
                b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
            )),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
        assert_eq!(
            hex(sha256(&[b'a'; 1000])),
            "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3"
        );
    }

    #[test]
    fn fib_values() {
        assert_eq!(fib(0), 0);
        assert_eq!(fib(1), 1);
        assert_eq!(fib(20), 6765);
    }

    #[test]
    fn quicksort_sorts() {
        assert_ne!(quicksort_bench(10_000, 1), u32::MAX);
        assert_ne!(quicksort_bench(3, 7), u32::MAX);
        assert_eq!(quicksort_bench(0, 7), 0);
    }

    #[test]
    fn nbody_energy() {
        // The benchmarks game's reference values.
        assert!((nbody(0) - -0.169_075_164).abs() < 1e-9);
        assert!((nbody(1000) - -0.169_087_605).abs() < 1e-9);
    }

    #[test]
    fn mandelbrot_counts_the_main_cardioid() {
        let inside = mandelbrot(300, 200, 200);
        // The set's area is about 1.5066 of the 6.0 plotted.
        let fraction = f64::from(inside) / 60_000.0;
        assert!((fraction - 0.25).abs() < 0.02, "{fraction}");
    }
}
