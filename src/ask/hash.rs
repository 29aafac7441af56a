//! A fast hash for the engine's own tables: the synonym table, made once,
//! and the sets one question builds. Their keys are short words, where
//! SipHash (std's default) was an eighth of an answer's time (perf). No
//! table here grows from a client's input beyond one question or one
//! profile, so a hash that is not flood-resistant costs nothing there.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// The multiply-rotate hash of rustc's `FxHasher`.
#[derive(Default, Clone, Copy)]
pub struct Fx(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl Fx {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(last));
        }
    }
    fn write_u8(&mut self, b: u8) {
        self.add(u64::from(b));
    }
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;
pub type FastSet<K> = HashSet<K, BuildHasherDefault<Fx>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_that_differ_hash_apart() {
        let h = |s: &str| {
            let mut x = Fx::default();
            x.write(s.as_bytes());
            x.write_u8(0xff);
            x.finish()
        };
        assert_ne!(h("rust"), h("rusty"));
        assert_ne!(h("abcdefgh"), h("abcdefgh\0"));
        assert_eq!(h("kubernetes"), h("kubernetes"));
        let mut m: FastMap<String, i32> = FastMap::default();
        m.insert("k8s".into(), 1);
        assert_eq!(m.get("k8s"), Some(&1));
    }
}
