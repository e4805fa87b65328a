//! A throwaway PostgreSQL cluster (`scripts/pg-throwaway`) for one test: started on a free loopback port,
//! stopped and deleted on drop; `down`/`up` restart the server mid-test. Include it with
//! `#[path = "support/postgres.rs"] mod postgres;`.
#![allow(dead_code)] // each test file uses a different part

use std::process::Command;

pub struct Postgres {
    pub url: String,
    dir: String,
}

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/pg-throwaway");

impl Postgres {
    /// Panics with the script's reason (no postgresql installed, no free port) rather than letting a test
    /// pass without a database.
    pub fn start() -> Postgres {
        let lines = run(&["start"]);
        let mut lines = lines.lines();
        match (lines.next(), lines.next()) {
            (Some(url), Some(dir)) if url.starts_with("postgres://") => {
                Postgres { url: url.to_owned(), dir: dir.to_owned() }
            }
            _ => panic!("pg-throwaway start printed no URL and directory"),
        }
    }

    /// Stops the server, keeping its data.
    pub fn down(&self) {
        run(&["down", &self.dir]);
    }

    /// Starts it again on the same port.
    pub fn up(&self) {
        run(&["up", &self.dir]);
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = Command::new(SCRIPT).args(["stop", &self.dir]).status();
    }
}

fn run(args: &[&str]) -> String {
    let output = Command::new(SCRIPT).args(args).output().unwrap_or_else(|e| panic!("could not run {SCRIPT}: {e}"));
    assert!(
        output.status.success(),
        "pg-throwaway {} failed (the real-parts tests need Debian's postgresql; scripts/setup --tests \
         installs it):\n{}",
        args.join(" "),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}
