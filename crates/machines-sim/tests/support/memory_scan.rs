//! A scan of this process's own memory (`/proc/self/mem` over every readable mapping of
//! `/proc/self/maps`) for a secret, shared by the memory tests of the client (`machines-sim/tests/
//! memory.rs`) and of the app's commands (`src-tauri/tests/reveal_memory.rs`).
//!
//! The test keeps its needle only XOR-masked with [`MASK`], so the needle itself is never a hit.

#![allow(dead_code)] // each test uses the parts it needs

use std::io::{Read, Seek, SeekFrom};

pub const MASK: u8 = 0x5a;

/// `bytes`, masked as the scanner expects its needles.
pub fn masked(bytes: &[u8]) -> Vec<u8> {
    bytes.iter().map(|b| b ^ MASK).collect()
}

/// How many times the masked needle occurs, unmasked, in `haystack` (an answer the test holds).
pub fn count_in(haystack: &[u8], masked: &[u8]) -> usize {
    haystack.windows(masked.len()).filter(|w| w.iter().zip(masked).all(|(b, m)| *b == m ^ MASK)).count()
}

/// Reads this process's own memory. Its buffers and file handles are made before the secret is dropped
/// and the scan allocates nothing, so it cannot reuse (and so overwrite) a freed chunk that still holds
/// a copy.
pub struct Scanner {
    maps_file: std::fs::File,
    mem: std::fs::File,
    maps: String,
    chunk: Vec<u8>,
}

impl Scanner {
    pub fn new() -> Self {
        Self {
            maps_file: std::fs::File::open("/proc/self/maps").unwrap(),
            mem: std::fs::File::open("/proc/self/mem").unwrap(),
            maps: String::with_capacity(4 << 20),
            chunk: vec![0u8; 1 << 20],
        }
    }

    /// Counts the places in readable memory that hold the masked needle, unmasked.
    pub fn hits(&mut self, masked: &[u8]) -> usize {
        let mut counts = [0usize];
        self.hits_each(&[masked], &mut counts);
        counts[0]
    }

    /// Counts, in one pass over memory, the places that hold each masked needle, unmasked, into
    /// `counts` (one per needle; the caller allocates it so the scan itself allocates nothing).
    ///
    /// Only writable mappings are read: a secret that arrived at run time can only have been written
    /// there, while a read-only mapping holds what its file held (and the digits of libraries' tables
    /// would only be chance hits).
    pub fn hits_each(&mut self, needles: &[&[u8]], counts: &mut [usize]) {
        assert_eq!(needles.len(), counts.len());
        counts.iter_mut().for_each(|c| *c = 0);
        let mut starts = [false; 256];
        for needle in needles {
            starts[usize::from(needle[0] ^ MASK)] = true;
        }
        let longest = needles.iter().map(|n| n.len()).max().unwrap_or(1);
        self.walk(longest - 1, |window, step| {
            for i in 0..step {
                if !starts[usize::from(window[i])] {
                    continue;
                }
                for (needle, count) in needles.iter().zip(counts.iter_mut()) {
                    let Some(candidate) = window.get(i..i + needle.len()) else { continue };
                    if candidate.iter().zip(needle.iter()).all(|(b, m)| *b == m ^ MASK) {
                        *count += 1;
                    }
                }
            }
        });
    }

    /// Reads every writable mapping chunk by chunk and gives `visit` each chunk with how many of its first
    /// positions are this chunk's to look at. Consecutive chunks overlap by `overlap` bytes (a needle's
    /// length less one), so a copy that straddles two chunks is still found, and one that starts in the
    /// overlap is counted with the next chunk only. For scans that look for something other than plain
    /// bytes (a typing plan's keys, one `Stroke` apart).
    pub fn walk(&mut self, overlap: usize, mut visit: impl FnMut(&[u8], usize)) {
        self.maps.clear();
        self.maps_file.seek(SeekFrom::Start(0)).unwrap();
        self.maps_file.read_to_string(&mut self.maps).unwrap();
        assert!(self.maps.len() < self.maps.capacity(), "the maps buffer must not grow during a scan");
        for line in self.maps.lines() {
            let mut parts = line.split_whitespace();
            let (range, perms) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
            let name = line.split_whitespace().nth(5).unwrap_or("");
            let readable_and_writable = perms.starts_with("rw");
            if !readable_and_writable || name.starts_with("[vvar") || name == "[vsyscall]" {
                continue;
            }
            let Some((start, end)) = range.split_once('-') else { continue };
            let (start, end) = (u64::from_str_radix(start, 16).unwrap(), u64::from_str_radix(end, 16).unwrap());
            let mut at = start;
            while at < end {
                let len = ((end - at) as usize).min(self.chunk.len());
                let read = self.mem.seek(SeekFrom::Start(at)).and_then(|_| self.mem.read(&mut self.chunk[..len]));
                let Ok(read) = read else { break };
                if read == 0 {
                    break;
                }
                let step = if read == len && at + (read as u64) < end { read - overlap } else { read };
                visit(&self.chunk[..read], step);
                at += step as u64;
            }
        }
    }
}
