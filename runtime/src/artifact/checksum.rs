//! The artifact checksum: a fast 64-bit hash that catches damage (a
//! truncated or flipped file), not forgery. SHA-256 took half the time of
//! loading an artifact; this runs at memory speed.
//!
//! Four independent lanes take one 8-byte word each per 32-byte block:
//! `lane = ((lane ^ word) * K).rotate_left(29)`, a bijection of the lane
//! for a given word, so a changed word always leaves its lane different
//! at the end; the lanes, the tail and the length are then mixed together.

const K: u64 = 0x9e37_79b9_7f4a_7c15;
const SEEDS: [u64; 4] = [
    0x243f_6a88_85a3_08d3,
    0x1319_8a2e_0370_7344,
    0xa409_3822_299f_31d0,
    0x082e_fa98_ec4e_6c89,
];

fn round(lane: u64, word: u64) -> u64 {
    (lane ^ word).wrapping_mul(K).rotate_left(29)
}

/// The final avalanche: every input bit affects every output bit.
fn mix(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

fn word(bytes: &[u8]) -> u64 {
    u64::from_le_bytes(bytes.try_into().expect("8 bytes"))
}

/// The checksum of `bytes`.
pub(crate) fn of(bytes: &[u8]) -> u64 {
    let mut lanes = SEEDS;
    let mut blocks = bytes.chunks_exact(32);
    for block in &mut blocks {
        for (i, lane) in lanes.iter_mut().enumerate() {
            *lane = round(*lane, word(&block[i * 8..i * 8 + 8]));
        }
    }
    // The last 0 to 31 bytes, padded with zeros; the length tells
    // padding from real zeros.
    let mut tail = [0u8; 32];
    let rest = blocks.remainder();
    tail[..rest.len()].copy_from_slice(rest);
    for (i, lane) in lanes.iter_mut().enumerate() {
        *lane = round(*lane, word(&tail[i * 8..i * 8 + 8]));
    }
    let mut hash = bytes.len() as u64;
    for lane in lanes {
        hash = mix(hash ^ lane).wrapping_add(K);
    }
    mix(hash)
}

#[cfg(test)]
mod tests {
    use super::of;

    #[test]
    fn every_single_bit_flip_and_truncation_changes_it() {
        let data: Vec<u8> = (0..200u32).map(|i| (i * 7 + 3) as u8).collect();
        let whole = of(&data);
        for bit in 0..data.len() * 8 {
            let mut flipped = data.clone();
            flipped[bit / 8] ^= 1 << (bit % 8);
            assert_ne!(of(&flipped), whole, "bit {bit}");
        }
        for len in 0..data.len() {
            assert_ne!(of(&data[..len]), whole, "length {len}");
        }
    }

    #[test]
    fn trailing_zeros_and_moved_words_change_it() {
        assert_ne!(of(&[]), of(&[0]));
        assert_ne!(of(&[1, 2]), of(&[1, 2, 0]));
        let a: Vec<u8> = (0..64).collect();
        let mut b = a.clone();
        b[..8].copy_from_slice(&a[32..40]);
        b[32..40].copy_from_slice(&a[..8]);
        assert_ne!(of(&a), of(&b), "a word moved to another block");
    }
}
