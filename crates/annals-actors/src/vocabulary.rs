//! The words of the lexicon's phrases with dense ids, so that a sentence's tokens are looked up
//! once each and phrases are matched by comparing ids.

use crate::tokens::NO_WORD;

/// Words with dense ids (`0..len`) in an open-addressing table with linear probing.
#[derive(Debug, Clone, Default)]
pub(crate) struct Vocabulary {
    /// Per slot: the high half of the word's hash, then its id plus one; 0 marks an empty slot.
    slots: Vec<u64>,
    /// The words by id.
    words: Vec<Box<str>>,
}

/// A 64-bit hash of `bytes` (multiply-xor over 8-byte words, then a fold of the high half).
#[inline]
fn word_hash(bytes: &[u8]) -> u64 {
    const K: u64 = 0xf135_7aea_2e62_a9c5;
    let mut h = (bytes.len() as u64).wrapping_mul(K);
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        h = (h ^ u64::from_le_bytes(word)).wrapping_mul(K);
    }
    let mut last = 0u64;
    for (i, &b) in chunks.remainder().iter().enumerate() {
        last |= u64::from(b) << (8 * i);
    }
    h = (h ^ last).wrapping_mul(K);
    h ^ (h >> 29)
}

impl Vocabulary {
    /// The id of `word`, or [`NO_WORD`].
    #[inline]
    pub fn get(&self, word: &str) -> u32 {
        if self.slots.is_empty() {
            return NO_WORD;
        }
        let h = word_hash(word.as_bytes());
        let tag = h >> 32;
        let mask = self.slots.len() - 1;
        let mut i = h as usize & mask;
        loop {
            let slot = self.slots.get(i).copied().unwrap_or(0);
            if slot == 0 {
                return NO_WORD;
            }
            if slot >> 32 == tag {
                let id = (slot as u32).wrapping_sub(1);
                if self.words.get(id as usize).is_some_and(|w| **w == *word) {
                    return id;
                }
            }
            i = (i + 1) & mask;
        }
    }

    /// The id of `word`, added if new.
    pub fn insert(&mut self, word: &str) -> u32 {
        let id = self.get(word);
        if id != NO_WORD {
            return id;
        }
        // Keep the table at most a quarter full: most tokens are no word of the lexicon, and a
        // miss ends at the first empty slot.
        if (self.words.len() + 1) * 4 > self.slots.len() {
            let size = (self.slots.len() * 2).max(4096);
            self.slots = vec![0; size];
            for id in 0..self.words.len() {
                let h = word_hash(self.words[id].as_bytes());
                self.place(h, id as u32);
            }
        }
        let id = self.words.len() as u32;
        self.words.push(word.into());
        self.place(word_hash(word.as_bytes()), id);
        id
    }

    /// Puts `id` (of a word hashing to `h`) into the first free slot of its probe sequence.
    fn place(&mut self, h: u64, id: u32) {
        let mask = self.slots.len() - 1;
        let mut i = h as usize & mask;
        while self.slots[i] != 0 {
            i = (i + 1) & mask;
        }
        self.slots[i] = (h >> 32) << 32 | u64::from(id + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_dense_and_stable() {
        let mut v = Vocabulary::default();
        assert_eq!(v.get("minister"), NO_WORD);
        let words: Vec<String> = (0..3000).map(|i| format!("w{i}x")).collect();
        for (i, w) in words.iter().enumerate() {
            assert_eq!(v.insert(w), i as u32);
        }
        assert_eq!(v.insert("w17x"), 17);
        for (i, w) in words.iter().enumerate() {
            assert_eq!(v.get(w), i as u32);
        }
        assert_eq!(v.get("w17"), NO_WORD);
        assert_eq!(v.get(""), NO_WORD);
        assert_eq!(v.insert(""), 3000);
        assert_eq!(v.get(""), 3000);
    }
}
