//! The web process's live JavaScript heap, read from JavaScriptCore's own collection log.
//!
//! Why: the web process's RSS grows a little with each reveal, and RSS alone cannot say whether the page
//! keeps something per reveal (a leak) or the memory is the allocator's and WebKit's caches. JavaScriptCore
//! prints every collection when `JSC_logGC=1` is in its environment (the web process inherits the app's),
//! and after a *full* collection what it prints is exactly the heap still reachable: if that stays flat
//! while RSS grows, the page keeps nothing. No library reads this log, and WebKitGTK has no API for the
//! heap's size, so the lines are read here; the format is JavaScriptCore's debugging output, so a line
//! that does not look as expected is skipped, never an error.
//!
//! What a full collection looks like (one heap, `GC<address>`; the end may be on the same line or later):
//! ```text
//! [GC<0x7f8bd44080c0>: START M 8950kb => FullCollection, a=0kb … p=1.147000ms (max 1.967000)...]
//! [GC<0x7f8bd44080c0>: M a=0kb … i#3:P<WsOJwMsrShMsm(0)CsDCbDomo> => 2957kb, p=0.995000ms …, cycle 3.203000ms END]
//! ```

use std::collections::HashMap;

/// What the app is given so that the web process logs its collections.
pub const LOG_VARIABLE: (&str, &str) = ("JSC_logGC", "1");

/// The live heap, in kB, after each full collection in `log`, in order. Eden (young-generation)
/// collections are left out: what they leave still holds old garbage.
pub fn live_after_full_collections(log: &str) -> Vec<u64> {
    // A collection's start and end lines may have another heap's lines between them (a worker's).
    let mut full: HashMap<&str, bool> = HashMap::new();
    let mut live = Vec::new();
    for line in log.lines() {
        let Some(heap) = heap_of(line) else { continue };
        if line.contains(": START ") {
            full.insert(heap, line.contains("=> FullCollection"));
        }
        if line.trim_end().ends_with("END]") && full.remove(heap) == Some(true) {
            if let Some(kb) = last_size(line) {
                live.push(kb);
            }
        }
    }
    live
}

/// `0x7f8bd44080c0` in `[GC<0x7f8bd44080c0>: …`.
fn heap_of(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("[GC<")?;
    rest.split_once(">:").map(|(heap, _)| heap)
}

/// The last `=> <n>kb` in the line: the heap's size once the collection is done.
fn last_size(line: &str) -> Option<u64> {
    line.rsplit("=> ").find_map(|after| after.split_once("kb").and_then(|(n, _)| n.parse().ok()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    // Lines as the web process printed them on this machine (WebKitGTK 2.50), shortened in the middle.
    const FULL_START: &str = "[GC<0x7f8bd44080c0>: START M 8950kb => FullCollection, a=0kb hf=0.000 mu=0.600 v=0kb (C:0 M:0 P1:0) o=0 b=492 i#1:N<CsMsrShDMsm(0)> 512+0 p=1.147000ms (max 1.967000)...]";
    const FULL_END: &str = "[GC<0x7f8bd44080c0>: M a=0kb hf=0.000 mu=0.600 v=1654kb (C:1094 M:0 P1:559) o=47 b=0 i#2:N<WsOJw> 462+0 v=1678kb (C:1118 M:0 P1:559) o=49 b=0 i#3:P<WsOJwMsrShMsm(0)CsDCbDomo> => 2957kb, p=0.995000ms (max 1.967000), cycle 3.203000ms END]";
    const EDEN: &str = "[GC<0x7f8bd44080c0>: START M 38430kb => EdenCollection, a=0kb hf=0.000 mu=0.600 v=0kb (C:0 M:0 P1:0) o=46 b=11 i#1:N<CsMsrShDMsm(11)> 34+11 i#3:P<CsMsm(0)ShMsrDCbDomoWsOJw> => 4533kb, p=0.886000ms (max 1.967000), cycle 0.871000ms END]";

    #[test]
    fn a_full_collection_gives_the_size_it_ends_with() {
        let log = [FULL_START, FULL_END, "GC END!", "[GC<0x7f8bd44080c0>: finalize 0.372000ms]"].join("\n");
        assert_eq!(live_after_full_collections(&log), [2957]);
    }

    #[test]
    fn eden_collections_are_left_out_and_order_is_kept() {
        let second_end = FULL_END.replace("=> 2957kb", "=> 2746kb");
        let log = [EDEN, FULL_START, FULL_END, EDEN, FULL_START, &second_end].join("\n");
        assert_eq!(live_after_full_collections(&log), [2957, 2746]);
    }

    #[test]
    fn a_full_collection_on_one_line_counts_too() {
        let one_line = EDEN.replace("EdenCollection", "FullCollection");
        assert_eq!(live_after_full_collections(&one_line), [4533]);
    }

    #[test]
    fn another_heaps_lines_between_start_and_end_do_not_mix_them_up() {
        let worker_eden = EDEN.replace("0x7f8bd44080c0", "0x7f0000000001");
        let log = [FULL_START, &worker_eden, FULL_END].join("\n");
        assert_eq!(live_after_full_collections(&log), [2957]);
    }

    #[test]
    fn lines_that_are_not_the_expected_format_are_skipped() {
        let log = [
            "ready",
            "[GC<0x1>: M garbled => many kb END]",
            "[GC<broken",
            FULL_START,
            "[GC<0x7f8bd44080c0>: M => kb END]",
            "app log line with => 12kb END]",
        ]
        .join("\n");
        assert_eq!(live_after_full_collections(&log), Vec::<u64>::new());
        assert_eq!(live_after_full_collections(""), Vec::<u64>::new());
    }
}
