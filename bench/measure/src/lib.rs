//! What the benchmarks in `bench/` measure with, so that each measures the same way: launching a release
//! app in a home and timing the report lines it prints (`MACHINES_WALLET_REPORT_READY`), the memory of
//! the app and of every process under it (WebKit's), and the statistics printed.

pub mod app_run;
pub mod memory;
pub mod stats;
