//! Reading a running process's memory for a secret: `/proc/<pid>/mem` over the writable mappings of
//! `/proc/<pid>/maps`, page by page as `/proc/<pid>/pagemap` says they are in RAM or swap.
//!
//! Only those pages, unlike the scan of a test's own memory (`machines-sim/tests/support/memory_scan.rs`,
//! which reads every writable page): WebKit reserves about 70 GiB of address space as writable
//! (JavaScriptCore's gigacage) and touches a few MiB of it, and reading all of it through `mem` took more
//! than ten minutes. A page never touched holds nothing, so skipping it misses no copy.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};

use crate::{Failure, Result};

/// The page size of Linux on the machines the tests run on (x86-64).
const PAGE: u64 = 4096;
/// `pagemap` flags: the page is in RAM (bit 63) or in swap (bit 62).
const PRESENT_OR_SWAPPED: u64 = (1 << 63) | (1 << 62);
/// How much memory is read at once.
const CHUNK: u64 = 8 << 20;

/// What a scan of one process found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryScan {
    /// Places holding the needle.
    pub copies: usize,
    /// Bytes read: a scan that read nothing proves nothing.
    pub bytes: u64,
}

/// Counts the copies of `needle` in the writable memory of process `pid` (heap, stacks, anonymous
/// mappings: where a value that arrived at run time can be). Fails if the process's memory cannot be
/// read at all.
pub fn scan_process(pid: i32, needle: &[u8]) -> Result<MemoryScan> {
    if needle.is_empty() {
        return Err(Failure::new("an empty needle"));
    }
    let maps = std::fs::read_to_string(format!("/proc/{pid}/maps"))?;
    let mut mem = File::open(format!("/proc/{pid}/mem"))
        .map_err(|e| Failure::new(format!("cannot read the memory of process {pid}: {e}")))?;
    let mut pagemap = File::open(format!("/proc/{pid}/pagemap"))?;
    let finder = memchr::memmem::Finder::new(needle);
    let mut scan = MemoryScan { copies: 0, bytes: 0 };
    for line in maps.lines() {
        let mut fields = line.split_whitespace();
        let (range, perms) = (fields.next().unwrap_or(""), fields.next().unwrap_or(""));
        let name = line.split_whitespace().nth(5).unwrap_or("");
        if !perms.starts_with("rw") || name.starts_with("[vvar") || name == "[vsyscall]" {
            continue;
        }
        let Some((start, end)) = range.split_once('-') else { continue };
        let (Ok(start), Ok(end)) = (u64::from_str_radix(start, 16), u64::from_str_radix(end, 16)) else { continue };
        for (run_start, run_end) in resident_runs(&mut pagemap, start, end)? {
            read_run(&mut mem, run_start, run_end, &finder, &mut scan);
        }
    }
    if scan.bytes == 0 {
        return Err(Failure::new(format!("no memory of process {pid} could be read")));
    }
    Ok(scan)
}

/// The ranges of `start..end` whose pages are in RAM or swap, adjacent pages merged.
fn resident_runs(pagemap: &mut File, start: u64, end: u64) -> Result<Vec<(u64, u64)>> {
    let mut runs: Vec<(u64, u64)> = Vec::new();
    let mut entries = vec![0u8; 8 * 65536];
    let mut page = start / PAGE;
    let last = end / PAGE;
    while page < last {
        let count = (last - page).min(65536) as usize;
        pagemap.seek(SeekFrom::Start(page * 8))?;
        pagemap.read_exact(&mut entries[..count * 8])?;
        for (i, entry) in entries[..count * 8].chunks_exact(8).enumerate() {
            let Ok(flags) = <[u8; 8]>::try_from(entry).map(u64::from_le_bytes) else { continue };
            if flags & PRESENT_OR_SWAPPED == 0 {
                continue;
            }
            let at = (page + i as u64) * PAGE;
            match runs.last_mut() {
                Some((_, run_end)) if *run_end == at => *run_end = at + PAGE,
                _ => runs.push((at, at + PAGE)),
            }
        }
        page += count as u64;
    }
    Ok(runs)
}

/// Counts the needle in `start..end`, read in chunks that overlap by one byte less than the needle, so
/// that a copy across two chunks is counted once. A range the kernel refuses to read is skipped.
fn read_run(mem: &mut File, start: u64, end: u64, finder: &memchr::memmem::Finder, scan: &mut MemoryScan) {
    let keep = finder.needle().len() - 1;
    let mut buffer: Vec<u8> = Vec::new();
    let mut at = start;
    while at < end {
        let len = (end - at).min(CHUNK) as usize;
        let tail = buffer.len().min(keep);
        buffer.drain(..buffer.len() - tail);
        buffer.resize(tail + len, 0);
        let read = mem.seek(SeekFrom::Start(at)).and_then(|_| mem.read(&mut buffer[tail..]));
        let Ok(read) = read.map(|n| n.min(len)) else { return };
        if read == 0 {
            return;
        }
        buffer.truncate(tail + read);
        scan.copies += finder.find_iter(&buffer).count();
        scan.bytes += read as u64;
        at += read as u64;
    }
}
