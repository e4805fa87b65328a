//! What every handler shares: the database, the Machines client, the token verifier, the limits.

use std::sync::Arc;

use machines_api::{Client, SecretString};
use metrics_exporter_prometheus::PrometheusHandle;

use crate::auth::SharedVerifier;
use crate::config::SessionTtls;
use crate::db::Db;
use crate::limits::Limits;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub machines: Arc<Client>,
    pub verifier: SharedVerifier,
    pub limits: Limits,
    pub user_id_secret: Arc<SecretString>,
    pub session_ttls: SessionTtls,
    pub metrics: Option<PrometheusHandle>,
}
