//! Core values as raw 64-bit slots.
//!
//! Every flat core value is kept as its bits in a `u64`: an `i32` or `f32`
//! zero-extended, an `i64` or `f64` as is. In that form the coercions the
//! canonical ABI applies to a variant's joined payload slots (an `f32`
//! carried in an `i32` or `i64` slot, an `i32` in an `i64` slot) are the
//! identity, so a case reads and writes its slots the same way whatever
//! the other cases put there. The export glue converts between the core
//! function's typed parameters and results and these slots with the
//! functions below.

/// The slot holding a core `i32`.
pub fn from_i32(value: i32) -> u64 {
    u64::from(value as u32)
}

/// The slot holding a core `i64`.
pub fn from_i64(value: i64) -> u64 {
    value as u64
}

/// The slot holding a core `f32`.
pub fn from_f32(value: f32) -> u64 {
    u64::from(value.to_bits())
}

/// The slot holding a core `f64`.
pub fn from_f64(value: f64) -> u64 {
    value.to_bits()
}

/// A slot read as a core `i32` (its low 32 bits).
pub fn to_i32(slot: u64) -> i32 {
    slot as u32 as i32
}

/// A slot read as a core `i64`.
pub fn to_i64(slot: u64) -> i64 {
    slot as i64
}

/// A slot read as a core `f32` (its low 32 bits).
pub fn to_f32(slot: u64) -> f32 {
    f32::from_bits(slot as u32)
}

/// A slot read as a core `f64`.
pub fn to_f64(slot: u64) -> f64 {
    f64::from_bits(slot)
}

/// Reads flat values in order, as [`Lift::lift_flat`](super::Lift) consumes
/// them.
#[derive(Debug)]
pub struct FlatReader<'a> {
    slots: &'a [u64],
    next: usize,
}

impl<'a> FlatReader<'a> {
    /// A reader over `slots`, from the first.
    pub fn new(slots: &'a [u64]) -> Self {
        FlatReader { slots, next: 0 }
    }

    /// The next slot.
    ///
    /// # Panics
    ///
    /// If every slot has been read: the lifting code asked for more values
    /// than the core signature has, a bug in the generated code.
    pub fn take(&mut self) -> u64 {
        let slot = self.slots[self.next];
        self.next += 1;
        slot
    }

    /// Skips `count` slots: the joined payload slots a variant case does
    /// not use.
    pub fn skip(&mut self, count: usize) {
        self.next += count;
    }

    /// How many slots have been read or skipped.
    pub fn position(&self) -> usize {
        self.next
    }
}

/// Writes flat values in order, as [`Lower::lower_flat`](super::Lower)
/// produces them.
#[derive(Debug)]
pub struct FlatWriter<'a> {
    slots: &'a mut [u64],
    next: usize,
}

impl<'a> FlatWriter<'a> {
    /// A writer into `slots`, from the first.
    pub fn new(slots: &'a mut [u64]) -> Self {
        FlatWriter { slots, next: 0 }
    }

    /// Writes the next slot.
    ///
    /// # Panics
    ///
    /// If every slot has been written (a bug in the generated code).
    pub fn push(&mut self, slot: u64) {
        self.slots[self.next] = slot;
        self.next += 1;
    }

    /// Writes `count` zero slots: the joined payload slots a variant case
    /// does not use.
    pub fn pad(&mut self, count: usize) {
        for _ in 0..count {
            self.push(0);
        }
    }

    /// How many slots have been written.
    pub fn position(&self) -> usize {
        self.next
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_round_trip_core_values() {
        assert_eq!(to_i32(from_i32(-5)), -5);
        assert_eq!(from_i32(-1), 0xffff_ffff);
        assert_eq!(to_i64(from_i64(i64::MIN)), i64::MIN);
        assert_eq!(to_f32(from_f32(1.5)), 1.5);
        assert_eq!(to_f64(from_f64(-2.25)), -2.25);
    }

    #[test]
    fn joined_slots_coerce_by_bits() {
        // An f32 case in an i64 slot: zero-extended bits, read back as f32.
        let slot = from_i64(i64::from(1.5f32.to_bits()));
        assert_eq!(to_f32(slot), 1.5);
        // An i32 case in an i64 slot: the low 32 bits.
        assert_eq!(to_i32(from_i64(0x1_0000_0007)), 7);
    }

    #[test]
    fn reader_and_writer_track_position() {
        let mut slots = [0u64; 4];
        let mut writer = FlatWriter::new(&mut slots);
        writer.push(1);
        writer.pad(2);
        writer.push(4);
        assert_eq!(writer.position(), 4);
        let mut reader = FlatReader::new(&slots);
        assert_eq!(reader.take(), 1);
        reader.skip(2);
        assert_eq!(reader.take(), 4);
        assert_eq!(reader.position(), 4);
    }
}
