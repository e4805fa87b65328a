//! The soak's figures: one CSV row per sample, and the start / end / max of each series with its growth,
//! over the whole run and over its second half. A leak grows in the second half as it did in the first;
//! allocator arenas and WebKit's caches grow in the first minutes and then stay.

use std::fmt::Write as _;

use crate::procs::{Role, Usage};

/// The roles a row has columns for, in column order; everything the app spawned is also in the total.
pub const ROLES: [Role; 3] = [Role::App, Role::Web, Role::Network];

/// One sample: when, what the person had done by then, and what each of the app's processes held.
#[derive(Debug, Clone, Default)]
pub struct Row {
    pub elapsed_s: u64,
    pub reveals: u64,
    pub copies: u64,
    /// Requests the app made (and the Demo simulator inside it served) since it started.
    pub requests: u64,
    pub processes: u64,
    /// Per role in [`ROLES`] order (several processes of one role are summed).
    pub roles: [Usage; 3],
    pub total: Usage,
    /// The web process's live JavaScript heap after its latest full collection so far, in KiB
    /// (`js_heap`); `None` before the first one.
    pub js_live_kib: Option<u64>,
    /// Full collections logged so far.
    pub full_collections: u64,
}

pub fn header() -> String {
    let mut line = String::from("elapsed_s,reveals,copies,requests,processes");
    for role in ROLES.iter().map(|r| r.name()).chain(["total"]) {
        for field in ["rss_kib", "pss_kib", "anon_kib", "fds", "threads"] {
            let _ = write!(line, ",{role}_{field}");
        }
    }
    line.push_str(",web_js_live_kib,full_collections");
    line
}

pub fn csv(row: &Row) -> String {
    let mut line = format!("{},{},{},{},{}", row.elapsed_s, row.reveals, row.copies, row.requests, row.processes);
    for usage in row.roles.iter().chain([&row.total]) {
        let _ = write!(line, ",{},{},{},{},{}", usage.rss_kib, usage.pss_kib, usage.anon_kib, usage.fds, usage.threads);
    }
    let js = row.js_live_kib.map(|kib| kib.to_string()).unwrap_or_default();
    let _ = write!(line, ",{js},{}", row.full_collections);
    line
}

/// A series to summarise: its label, its unit and how to read it from a row.
struct Series {
    label: &'static str,
    mib: bool,
    read: fn(&Row) -> u64,
}

const SERIES: [Series; 11] = [
    Series { label: "RSS app", mib: true, read: |r| r.roles[0].rss_kib },
    Series { label: "RSS WebKit web process", mib: true, read: |r| r.roles[1].rss_kib },
    Series { label: "RSS WebKit network process", mib: true, read: |r| r.roles[2].rss_kib },
    Series { label: "PSS app", mib: true, read: |r| r.roles[0].pss_kib },
    Series { label: "PSS total", mib: true, read: |r| r.total.pss_kib },
    Series { label: "anonymous, app", mib: true, read: |r| r.roles[0].anon_kib },
    Series { label: "anonymous, web process", mib: true, read: |r| r.roles[1].anon_kib },
    Series { label: "open files, app", mib: false, read: |r| r.roles[0].fds },
    Series { label: "open files, total", mib: false, read: |r| r.total.fds },
    Series { label: "threads, app", mib: false, read: |r| r.roles[0].threads },
    Series { label: "threads, total", mib: false, read: |r| r.total.threads },
];

/// The table printed at the end: start, end, max, growth over the run and over its second half.
pub fn summary(rows: &[Row]) -> String {
    let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
        return String::from("no samples\n");
    };
    let middle = &rows[rows.len() / 2];
    let per_minute = |from: &Row| {
        let minutes = last.elapsed_s.saturating_sub(from.elapsed_s) as f64 / 60.0;
        if minutes > 0.0 {
            last.requests.saturating_sub(from.requests) as f64 / minutes
        } else {
            0.0
        }
    };
    let mut out = format!(
        "{} samples over {:.1} min, {} reveals, {} copies, {} requests ({:.1}/min; {:.1}/min in the second half); second half from {:.1} min\n",
        rows.len(),
        last.elapsed_s as f64 / 60.0,
        last.reveals,
        last.copies,
        last.requests,
        per_minute(first),
        per_minute(middle),
        middle.elapsed_s as f64 / 60.0
    );
    let _ = writeln!(out, "{:<32} {:>9} {:>9} {:>9} {:>9} {:>12}", "", "start", "end", "max", "growth", "second half");
    for series in &SERIES {
        let value = |row: &Row| (series.read)(row) as f64 / if series.mib { 1024.0 } else { 1.0 };
        let max = rows.iter().map(value).fold(f64::MIN, f64::max);
        let (start, end, mid) = (value(first), value(last), value(middle));
        let (unit, digits) = if series.mib { (" MiB", 1) } else { ("", 0) };
        let _ = writeln!(
            out,
            "{:<32} {:>9} {:>9} {:>9} {:>9} {:>12}",
            format!("{}{unit}", series.label),
            format!("{start:.digits$}"),
            format!("{end:.digits$}"),
            format!("{max:.digits$}"),
            format!("{:+.digits$}", end - start),
            format!("{:+.digits$}", end - mid),
        );
    }
    js_heap_line(rows, &mut out);
    out
}

/// The live JavaScript heap's line: from the first sample that had a full collection behind it (the first
/// one may come minutes in), with its own second half.
fn js_heap_line(rows: &[Row], out: &mut String) {
    let known: Vec<(usize, u64)> = rows.iter().enumerate().filter_map(|(i, r)| r.js_live_kib.map(|v| (i, v))).collect();
    let (Some(&(_, start)), Some(&(_, end))) = (known.first(), known.last()) else {
        let _ = writeln!(out, "live JavaScript heap: no full collection was logged (JSC_logGC)");
        return;
    };
    let max = known.iter().map(|&(_, v)| v).max().unwrap_or(end);
    let middle = rows.len() / 2;
    let mid = known.iter().find(|&&(i, _)| i >= middle).map_or(end, |&(_, v)| v);
    let signed = |a: u64, b: u64| a as i64 - b as i64;
    let _ = writeln!(
        out,
        "{:<32} {:>9} {:>9} {:>9} {:>9} {:>12}",
        "JS heap after full GC KiB",
        start,
        end,
        max,
        format!("{:+}", signed(end, start)),
        format!("{:+}", signed(end, mid)),
    );
    let collections = rows.last().map_or(0, |r| r.full_collections);
    // A stale "end" must say so: memory that grows once full collections stop is garbage waiting, or not.
    let last_by = rows.iter().find(|r| r.full_collections == collections).map_or(0, |r| r.elapsed_s / 60);
    let _ = writeln!(
        out,
        "  (the web process's live JavaScript objects, after each of {collections} full collections; the last by minute {last_by})"
    );
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn row(minute: u64, app_rss_mib: u64, app_fds: u64) -> Row {
        let app = Usage {
            rss_kib: app_rss_mib * 1024,
            pss_kib: app_rss_mib * 512,
            anon_kib: app_rss_mib * 256,
            fds: app_fds,
            threads: 20,
        };
        Row {
            elapsed_s: minute * 60,
            reveals: minute,
            copies: minute,
            requests: minute * 7,
            processes: 3,
            roles: [app, Usage::default(), Usage::default()],
            total: app,
            js_live_kib: None,
            full_collections: 0,
        }
    }

    #[test]
    fn a_row_has_a_value_under_every_heading() {
        let columns = header().split(',').count();
        assert_eq!(columns, 5 + 4 * 5 + 2);
        assert_eq!(csv(&row(2, 100, 30)).split(',').count(), columns);
        assert!(csv(&row(2, 100, 30)).starts_with("120,2,2,14,3,102400,51200,25600,30,20,"));
        assert!(csv(&row(2, 100, 30)).ends_with(",,0"), "no full collection yet: an empty heap column");
        let collected = Row { js_live_kib: Some(2957), full_collections: 4, ..row(2, 100, 30) };
        assert!(csv(&collected).ends_with(",2957,4"));
    }

    #[test]
    fn the_js_heap_line_starts_at_the_first_full_collection() {
        // No collection in the first two minutes, then a heap that grows by 10 KiB a minute: a leak.
        let rows: Vec<Row> = (0..=10)
            .map(|m| Row {
                js_live_kib: (m >= 2).then_some(2900 + 10 * m),
                full_collections: m.saturating_sub(1),
                ..row(m, 100, 30)
            })
            .collect();
        let table = summary(&rows);
        let line = table.lines().find(|l| l.starts_with("JS heap after full GC KiB")).unwrap();
        let words: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(words[words.len() - 5..], ["2920", "3000", "3000", "+80", "+50"], "{table}");
        assert!(table.contains("after each of 9 full collections; the last by minute 10"), "{table}");
        // Collections that stop early: the line says when the last one was.
        let stopped: Vec<Row> =
            (0..=10).map(|m| Row { js_live_kib: Some(2900), full_collections: m.min(4), ..row(m, 100, 30) }).collect();
        assert!(summary(&stopped).contains("after each of 4 full collections; the last by minute 4"));
        assert!(summary(&[row(0, 100, 30)]).contains("no full collection was logged"));
    }

    #[test]
    fn growth_that_stopped_shows_none_in_the_second_half_and_a_leak_does() {
        // Warm-up: 100 → 120 MiB over the first minutes, then flat; open files rise by one every minute.
        let rows: Vec<Row> = (0..=10).map(|m| row(m, 100 + 4 * m.min(5), 30 + m)).collect();
        let table = summary(&rows);
        // The five figures at the end of a series' line (labels have spaces).
        let figures = |label: &str| -> Vec<String> {
            let line = table.lines().find(|l| l.starts_with(label)).unwrap();
            let words: Vec<&str> = line.split_whitespace().collect();
            words[words.len() - 5..].iter().map(|w| w.to_string()).collect()
        };
        assert_eq!(figures("RSS app MiB"), ["100.0", "120.0", "120.0", "+20.0", "+0.0"], "{table}");
        assert_eq!(figures("anonymous, app MiB"), ["25.0", "30.0", "30.0", "+5.0", "+0.0"], "{table}");
        assert_eq!(figures("open files, app"), ["30", "40", "40", "+10", "+5"], "{table}");
        assert!(
            table.starts_with("11 samples over 10.0 min, 10 reveals, 10 copies, 70 requests (7.0/min; 7.0/min in"),
            "{table}"
        );
    }
}
