//! `machines-sim --port N [--seed S] [--key K] [--admin-secret A]`: runs the simulator until interrupted and
//! prints its base URL, partner key and the admin secret `/_sim` requests must carry.
//!
//! `machines-sim seed --state-file F --cards N --transactions M [--user U] [--seed S]`: makes the Demo
//! state file `F` a big account (`machines_sim::seed`) and exits.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use machines_sim::seed::{seed_file, Plan};
use machines_sim::{SimConfig, Simulator, ADMIN_HEADER, DEMO_PARTNER_KEY};

/// A local simulator of the Machines Cash partner API (demo money only).
#[derive(Parser, Debug)]
#[command(name = "machines-sim", version, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: Args,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Makes a Demo state file the app wrote into a big account: cards up to a total, and a history of
    /// transactions over the last two years. Written back in the same format, in place.
    Seed(SeedArgs),
}

#[derive(clap::Args, Debug)]
struct SeedArgs {
    /// The Demo state file (`demo-state.json` in the app's data folder), with the app closed.
    #[arg(long)]
    state_file: PathBuf,
    /// Active cards the user has in the end (cards are added up to this).
    #[arg(long)]
    cards: usize,
    /// Transactions to add.
    #[arg(long)]
    transactions: usize,
    /// The user to seed; needed only when the file holds more than one.
    #[arg(long)]
    user: Option<String>,
    /// Seed for every choice: the same file and seed give the same account (dates end now).
    #[arg(long, default_value_t = 7)]
    seed: u64,
}

/// Serving (the default when no subcommand is given).
#[derive(clap::Args, Debug)]
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

fn main() -> ExitCode {
    // `RUST_LOG` as `target=level,...` through `Targets`, not `EnvFilter`: the app links this crate, and
    // tracing-subscriber's env-filter feature would link its regex matching into the app's binary.
    use tracing_subscriber::prelude::*;
    let levels = std::env::var("RUST_LOG").ok().and_then(|value| value.parse().ok());
    let levels =
        levels.unwrap_or_else(|| tracing_subscriber::filter::Targets::new().with_default(tracing::Level::ERROR));
    tracing_subscriber::registry().with(tracing_subscriber::fmt::layer()).with(levels).init();
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Seed(args)) => seed(args),
        None => match tokio::runtime::Runtime::new() {
            Ok(runtime) => runtime.block_on(serve(cli.serve)),
            Err(err) => {
                eprintln!("machines-sim: cannot start the runtime: {err}");
                ExitCode::FAILURE
            }
        },
    }
}

fn seed(args: SeedArgs) -> ExitCode {
    let now = time::OffsetDateTime::now_utc();
    let plan = Plan {
        cards: args.cards,
        transactions: args.transactions,
        user: args.user,
        seed: args.seed,
        now: now.replace_nanosecond(0).unwrap_or(now),
    };
    match seed_file(&args.state_file, &plan) {
        Ok(done) => {
            println!(
                "seeded {}: {} active cards ({} added), {} transactions added ({} of them deposits), in {}",
                done.user_id,
                done.cards,
                done.cards_added,
                done.transactions_added,
                done.deposits_added,
                args.state_file.display()
            );
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("machines-sim seed: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(args: Args) -> ExitCode {
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
