//! A fast, non-cryptographic hasher for the short string keys of the word lists.

use std::hash::{BuildHasherDefault, Hasher};

/// Multiply-rotate hashing of 8-byte chunks (keys come from embedded data, not from attackers).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct FastHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FastHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut b = [0u8; 8];
            b.copy_from_slice(c);
            self.add(u64::from_le_bytes(b));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            // The last bytes, little-endian, gathered in a register (copying them into a buffer
            // and reading it back as one number stalls).
            let mut w = 0u64;
            for (i, &x) in rest.iter().enumerate() {
                w |= u64::from(x) << (8 * i);
            }
            self.add(w);
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    fn write_u128(&mut self, i: u128) {
        self.add(i as u64);
        self.add((i >> 64) as u64);
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        // The multiply leaves the low bits depending on the low bits of the input only (on the
        // first two or three letters of a short word), and the hash table picks buckets by the
        // low bits: mix the high bits down (the finalizer of MurmurHash3).
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h
    }
}

/// A hash map keyed by short strings.
pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, BuildHasherDefault<FastHasher>>;
/// A hash set of short strings.
pub(crate) type FastSet<K> = std::collections::HashSet<K, BuildHasherDefault<FastHasher>>;

/// A set of bits by 128-bit key, for word lists keyed by short words: open addressing with
/// linear probing in a table at most half full, so that a lookup reads one slot or a few
/// neighbouring ones (a general hash map reads a control group, then a bucket elsewhere). A bit
/// set of [`FILTER_BITS`] bits, small enough to stay in the first-level cache, answers most
/// lookups of absent keys without reading the table.
#[derive(Debug, Clone)]
pub(crate) struct BitsTable {
    /// Bit `h % FILTER_BITS` set for the hash `h` of every key stored.
    filter: Vec<u64>,
    /// `(key, bits)`; `bits == 0` marks an empty slot (stored bits are never 0).
    slots: Vec<(u128, u16)>,
    /// Number of keys stored.
    len: usize,
    /// log2 of the number of slots.
    shift: u32,
}

/// Bits of the presence filter of a [`BitsTable`].
const FILTER_BITS: usize = 1 << 16;

impl Default for BitsTable {
    fn default() -> Self {
        BitsTable {
            filter: vec![0; FILTER_BITS / 64],
            slots: vec![(0, 0); 16],
            len: 0,
            shift: 4,
        }
    }
}

impl BitsTable {
    /// The hash of `key`: its top bits pick the first slot to probe, its low bits the filter bit.
    #[inline]
    fn hash(key: u128) -> u64 {
        let lo = key as u64;
        let hi = (key >> 64) as u64;
        let h = (lo ^ hi.rotate_left(29)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        h ^ (h >> 29)
    }

    /// The first slot to probe for a key of hash `h`.
    #[inline]
    fn home(&self, h: u64) -> usize {
        (h >> (64 - self.shift)) as usize
    }

    /// The word and bit of the presence filter for a key of hash `h`.
    #[inline]
    fn filter_bit(h: u64) -> (usize, u64) {
        let b = (h as usize) % FILTER_BITS;
        (b / 64, 1 << (b % 64))
    }

    /// Sets `bits` (non-zero) for `key`, keeping the bits already set.
    pub(crate) fn add(&mut self, key: u128, bits: u16) {
        if bits == 0 {
            return;
        }
        if 2 * (self.len + 1) > self.slots.len() {
            let grown = vec![(0, 0); 2 * self.slots.len()];
            let old = std::mem::replace(&mut self.slots, grown);
            self.shift += 1;
            self.len = 0;
            for (k, b) in old {
                if b != 0 {
                    self.add(k, b);
                }
            }
        }
        let h = Self::hash(key);
        let (word, bit) = Self::filter_bit(h);
        if let Some(w) = self.filter.get_mut(word) {
            *w |= bit;
        }
        let mask = self.slots.len() - 1;
        let mut i = self.home(h);
        loop {
            let slot = &mut self.slots[i];
            if slot.1 == 0 {
                *slot = (key, bits);
                self.len += 1;
                return;
            }
            if slot.0 == key {
                slot.1 |= bits;
                return;
            }
            i = (i + 1) & mask;
        }
    }

    /// The bits of `key` (0 when absent).
    #[inline]
    pub(crate) fn get(&self, key: u128) -> u16 {
        let h = Self::hash(key);
        let (word, bit) = Self::filter_bit(h);
        if self.filter.get(word).is_none_or(|w| w & bit == 0) {
            return 0;
        }
        let mask = self.slots.len() - 1;
        let mut i = self.home(h);
        loop {
            match self.slots.get(i) {
                Some(&(k, b)) if b != 0 => {
                    if k == key {
                        return b;
                    }
                }
                _ => return 0,
            }
            i = (i + 1) & mask;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_table_keeps_every_key_through_growth() {
        let mut t = BitsTable::default();
        for k in 0u128..1000 {
            t.add(k * 0x1_0000_0001, 1 << (k % 7));
            t.add(k * 0x1_0000_0001, 1 << 8);
        }
        for k in 0u128..1000 {
            assert_eq!(t.get(k * 0x1_0000_0001), (1 << (k % 7)) | (1 << 8), "{k}");
        }
        assert_eq!(t.get(12345 * 0x1_0000_0001), 0);
        t.add(5, 0);
        assert_eq!(t.get(5), 0);
    }
}
