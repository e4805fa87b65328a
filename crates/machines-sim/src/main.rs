//! `machines-sim --port N [--seed S] [--key K] [--admin-secret A]`: runs the simulator until interrupted and
//! prints its base URL, partner key and the admin secret `/_sim` requests must carry.

use std::process::ExitCode;

use clap::Parser;
use machines_sim::{SimConfig, Simulator, ADMIN_HEADER, DEMO_PARTNER_KEY};

/// A local simulator of the Machines Cash partner API (demo money only).
#[derive(Parser, Debug)]
#[command(name = "machines-sim", version)]
struct Args {
    /// Port on 127.0.0.1 to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 4010)]
    port: u16,
    /// Seed for ids, card numbers, keys and addresses.
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Partner key to accept (repeatable).
    #[arg(long = "key")]
    keys: Vec<String>,
    /// Approve KYC without visiting the verification page, after this many seconds.
    #[arg(long)]
    auto_verify_after: Option<u64>,
    /// The secret `/_sim` requests must carry in `X-Sim-Admin`; a random one (printed) if not given.
    #[arg(long)]
    admin_secret: Option<String>,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt().with_env_filter(tracing_subscriber::EnvFilter::from_default_env()).init();
    let args = Args::parse();
    let mut config = SimConfig { seed: args.seed, ..SimConfig::default() };
    if !args.keys.is_empty() {
        config.partner_keys = args.keys;
    }
    config.kyc_auto_verify_after = args.auto_verify_after.map(std::time::Duration::from_secs);
    if let Some(secret) = args.admin_secret.filter(|s| !s.trim().is_empty()) {
        config.admin_secret = secret;
    }
    let sim = match Simulator::start_on(config, args.port).await {
        Ok(sim) => sim,
        Err(err) => {
            eprintln!("machines-sim: cannot listen on 127.0.0.1:{}: {err}", args.port);
            return ExitCode::FAILURE;
        }
    };
    println!("Machines partner API simulator (demo money only)");
    println!("base URL:    {}", sim.base_url());
    println!("partner key: {}", sim.partner_key());
    if sim.partner_key() == DEMO_PARTNER_KEY {
        println!("             (the built-in demo key; pass --key to choose another)");
    }
    println!("admin:       {}/_sim  (see the README's simulator section)", sim.origin());
    println!("admin secret: {}  (send it in {ADMIN_HEADER}, with JSON bodies)", sim.admin_secret());
    if let Err(err) = tokio::signal::ctrl_c().await {
        eprintln!("machines-sim: cannot wait for Ctrl-C: {err}");
    }
    sim.shutdown().await;
    ExitCode::SUCCESS
}
