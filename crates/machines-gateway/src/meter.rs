//! Prometheus metrics (the `metrics` facade with `metrics-exporter-prometheus`).
//!
//! The recorder is process-wide, as the `metrics` macros are: it is installed once, by the first gateway
//! built in the process, and every later one (tests start several) renders the same registry. Labels are
//! closed sets (purpose, outcome, error code), never a subject, an address or a token.

use std::sync::OnceLock;

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// The handle that renders `/metrics`, or `None` if another recorder was installed in this process
/// before the gateway (an embedding program's); `/metrics` then says so.
pub fn handle() -> Option<PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new().build_recorder();
            let handle = recorder.handle();
            metrics::set_global_recorder(recorder).ok().map(|()| handle)
        })
        .clone()
}
