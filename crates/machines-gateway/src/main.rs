//! `machines-gateway`: reads its settings (environment, or the TOML file named by `GATEWAY_CONFIG_FILE`),
//! discovers the OpenID Connect issuer, migrates the database and serves until Ctrl-C or SIGTERM.

use std::process::ExitCode;
use std::sync::Arc;

use machines_gateway::app::{self, StartError};
use machines_gateway::config::Config;
use machines_gateway::oidc::Verifier;
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .init();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("machines-gateway: {err}");
            return ExitCode::from(2);
        }
    };
    match run(config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("machines-gateway: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn run(config: Config) -> Result<(), Box<dyn std::error::Error>> {
    let http = reqwest::Client::builder().timeout(std::time::Duration::from_secs(10)).build()?;
    let verifier = Verifier::discover(&config.oidc_issuer, &config.oidc_audience, http)
        .await
        .map_err(|e| format!("OpenID Connect issuer {}: {e}", config.oidc_issuer))?;
    let gateway = app::build(&config, Arc::new(verifier)).await?;
    let listener = TcpListener::bind(config.listen).await.map_err(StartError::from)?;
    // The settings are logged by name and value except the two secrets, which are never logged.
    tracing::info!(
        listen = %config.listen,
        machines_api = %config.machines_api_url.as_url(),
        issuer = %config.oidc_issuer,
        audience = %config.oidc_audience,
        database = %database_kind(config.database_url.expose()),
        "machines-gateway serving"
    );
    app::serve(gateway, listener, shutdown_signal()).await?;
    Ok(())
}

/// The database's kind only: a Postgres URL may hold a password.
fn database_kind(url: &str) -> &'static str {
    if url.starts_with("sqlite:") {
        "sqlite"
    } else {
        "postgres"
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
