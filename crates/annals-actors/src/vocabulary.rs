//! The words of the lexicon's phrases with dense ids, so that a sentence's tokens are looked up
//! once each and phrases are matched by comparing ids.

use crate::tokens::NO_WORD;

/// Words with dense ids (`0..len`) in an open-addressing table with linear probing, behind a
/// bit filter that turns most words of a text (which are no lexicon word) away without probing.
#[derive(Debug, Clone, Default)]
pub(crate) struct Vocabulary {
    /// One bit per hash value (its low [`FILTER_BITS`] bits): set when some word has it.
    filter: Vec<u64>,
    /// Per slot: the high half of the word's hash, then its id plus one; 0 marks an empty slot.
    slots: Vec<u64>,
    /// The words by id.
    words: Vec<Box<str>>,
    /// By id: the word's first eight bytes (zero padded) and its length, which decide equality
    /// for words of up to eight bytes without reading the word.
    heads: Vec<(u64, usize)>,
}

/// Bits of the hash that index [`Vocabulary::filter`].
const FILTER_BITS: u32 = 16;

const K: u64 = 0xf135_7aea_2e62_a9c5;

/// The hash of a word of `len` bytes, 1 to 8, whose bytes (zero padded) are `head`: what
/// [`word_hash`] gives for it.
#[inline]
fn short_hash(len: usize, head: u64) -> u64 {
    let h = ((len as u64).wrapping_mul(K) ^ head).wrapping_mul(K);
    h ^ (h >> 29)
}

/// A 64-bit hash of `bytes` (multiply-xor over its 8-byte pieces, the last zero padded, then a
/// fold of the high half) and the first piece.
#[inline]
fn word_hash(bytes: &[u8]) -> (u64, u64) {
    let mut h = (bytes.len() as u64).wrapping_mul(K);
    let mut head = None;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let word = u64::from_le_bytes(word);
        head.get_or_insert(word);
        h = (h ^ word).wrapping_mul(K);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut last = 0u64;
        for (i, &b) in rest.iter().enumerate() {
            last |= u64::from(b) << (8 * i);
        }
        head.get_or_insert(last);
        h = (h ^ last).wrapping_mul(K);
    }
    (h ^ (h >> 29), head.unwrap_or(0))
}

impl Vocabulary {
    /// The id of `word`, or [`NO_WORD`].
    #[inline]
    pub fn get(&self, word: &str) -> u32 {
        let (h, head) = word_hash(word.as_bytes());
        self.find(h, head, word)
    }

    /// The id of `word` (of 1 to 8 bytes) when `padded` holds it followed by any bytes (at least
    /// eight in all), so that it is read as one machine word.
    #[inline]
    pub fn get_short(&self, word: &str, padded: &[u8]) -> u32 {
        let len = word.len();
        let (Some(bytes), 1..=8) = (padded.get(..8), len) else {
            return self.get(word);
        };
        let mut eight = [0u8; 8];
        eight.copy_from_slice(bytes);
        let mask = if len == 8 {
            u64::MAX
        } else {
            (1u64 << (8 * len)) - 1
        };
        let head = u64::from_le_bytes(eight) & mask;
        self.find(short_hash(len, head), head, word)
    }

    /// The id of `word`, whose hash is `h` and first piece `head`.
    #[inline]
    fn find(&self, h: u64, head: u64, word: &str) -> u32 {
        let bit = (h & ((1 << FILTER_BITS) - 1)) as usize;
        if self
            .filter
            .get(bit / 64)
            .is_none_or(|w| w >> (bit % 64) & 1 == 0)
        {
            return NO_WORD;
        }
        let tag = h >> 32;
        let mask = self.slots.len() - 1;
        let mut i = (h >> FILTER_BITS) as usize & mask;
        loop {
            let slot = self.slots.get(i).copied().unwrap_or(0);
            if slot == 0 {
                return NO_WORD;
            }
            if slot >> 32 == tag {
                let id = (slot as u32).wrapping_sub(1);
                let same = match self.heads.get(id as usize) {
                    Some(&(h, len)) if len == word.len() => {
                        h == head
                            && (len <= 8
                                || self.words.get(id as usize).is_some_and(|w| **w == *word))
                    }
                    _ => false,
                };
                if same {
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
        if self.filter.is_empty() {
            self.filter = vec![0; (1 << FILTER_BITS) / 64];
        }
        // Keep the table at most half full.
        if (self.words.len() + 1) * 2 > self.slots.len() {
            let size = (self.slots.len() * 2).max(1024);
            self.slots = vec![0; size];
            for id in 0..self.words.len() {
                let (h, _) = word_hash(self.words[id].as_bytes());
                self.place(h, id as u32);
            }
        }
        let id = self.words.len() as u32;
        let (h, head) = word_hash(word.as_bytes());
        self.words.push(word.into());
        self.heads.push((head, word.len()));
        self.place(h, id);
        let bit = (h & ((1 << FILTER_BITS) - 1)) as usize;
        self.filter[bit / 64] |= 1 << (bit % 64);
        id
    }

    /// Puts `id` (of a word hashing to `h`) into the first free slot of its probe sequence.
    fn place(&mut self, h: u64, id: u32) {
        let mask = self.slots.len() - 1;
        let mut i = (h >> FILTER_BITS) as usize & mask;
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
        let words: Vec<String> = (0..3000)
            .map(|i| format!("{}w{i}x", "ab".repeat(i % 7)))
            .collect();
        for (i, w) in words.iter().enumerate() {
            assert_eq!(v.insert(w), i as u32);
        }
        assert_eq!(v.insert(&words[17]), 17);
        for (i, w) in words.iter().enumerate() {
            assert_eq!(v.get(w), i as u32);
        }
        assert_eq!(v.get("w17"), NO_WORD);
        assert_eq!(v.get("abababababababw17x"), NO_WORD);
        assert_eq!(v.get(""), NO_WORD);
        assert_eq!(v.insert(""), 3000);
        assert_eq!(v.get(""), 3000);
        // Words that agree in their first eight bytes are told apart by the rest.
        let a = v.insert("ministers-general");
        let b = v.insert("ministers-generals");
        assert_ne!(a, b);
        assert_eq!(v.get("ministers-generalx"), NO_WORD);
        assert_eq!(v.get("ministers-general"), a);
        // A short word read from a longer buffer.
        let text = "minister said";
        let m = v.insert("minister");
        assert_eq!(v.get_short("minister", text.as_bytes()), m);
        let w17 = v.get("w17x");
        assert_eq!(v.get_short("w17x", b"w17x said"), w17);
        assert_eq!(v.get_short("w17", b"w17x said"), NO_WORD);
        assert_eq!(v.get_short("w17x", b"w17x"), w17);
    }
}
