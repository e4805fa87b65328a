//! The app's Debian package on this machine: the `.deb` that `tauri build --bundles deb` left and what
//! `tauri.conf.json` says it declares, `dpkg` run with the rights it needs (root, or `sudo` that asks no
//! password), what dpkg knows of the installed package, and a guard that takes the package off again
//! however the test ends.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{Failure, Result};

/// The package's name in dpkg: Tauri makes it from the product name, lower case with dashes.
pub const PACKAGE: &str = "machines-wallet";

/// Tauri adds these to every Linux package's `Depends` itself, beside those the config lists.
const TAURI_DEPENDS: [&str; 2] = ["libwebkit2gtk-4.1-0", "libgtk-3-0"];

/// The built `.deb` and the dependencies it must declare.
pub struct Deb {
    pub path: PathBuf,
    pub depends: Vec<String>,
}

impl Deb {
    /// `MACHINES_WALLET_DEB`, or the file `tauri build --debug --bundles deb` names after the product, version
    /// and architecture in `target/debug/bundle/deb/`. What it must depend on comes from the same config
    /// (`bundle.linux.deb.depends`), so the test checks the package against the one place that declares it.
    pub fn built() -> Result<Self> {
        let root = crate::launch::workspace_root();
        let config_path = root.join("src-tauri/tauri.conf.json");
        let config: serde_json::Value = serde_json::from_slice(&std::fs::read(&config_path)?)
            .map_err(|e| Failure::new(format!("{}: {e}", config_path.display())))?;
        let text = |pointer: &str| {
            config
                .pointer(pointer)
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| Failure::new(format!("{} has no {pointer}", config_path.display())))
        };
        let mut depends: Vec<String> = config
            .pointer("/bundle/linux/deb/depends")
            .and_then(serde_json::Value::as_array)
            .map(|list| list.iter().filter_map(serde_json::Value::as_str).map(str::to_owned).collect())
            .unwrap_or_default();
        depends.extend(TAURI_DEPENDS.map(str::to_owned));
        let path = match std::env::var_os("MACHINES_WALLET_DEB") {
            Some(path) => PathBuf::from(path),
            None => {
                let arch = stdout_of(Command::new("dpkg").arg("--print-architecture"))?;
                let name = format!("{}_{}_{}.deb", text("/productName")?, text("/version")?, arch.trim());
                root.join("target/debug/bundle/deb").join(name)
            }
        };
        if !path.is_file() {
            return Err(Failure::new(format!(
                "no package at {}: build it with `npx tauri build --debug --bundles deb` (scripts/test does)",
                path.display()
            )));
        }
        Ok(Self { path, depends })
    }
}

/// `dpkg` with the rights installing needs.
pub struct Dpkg {
    sudo: bool,
}

impl Dpkg {
    /// Root runs dpkg itself; anyone else needs `sudo` that asks no password, since a test cannot type one.
    /// Neither is a failure that says so, never a pass that installed nothing.
    pub fn with_rights() -> Result<Self> {
        if stdout_of(Command::new("id").arg("-u"))?.trim() == "0" {
            return Ok(Self { sudo: false });
        }
        let sudo_ok = Command::new("sudo").args(["-n", "true"]).output().is_ok_and(|out| out.status.success());
        if sudo_ok {
            Ok(Self { sudo: true })
        } else {
            Err(Failure::new(
                "installing the .deb needs root: run this test as root (as CI does), or after `sudo -v` with sudo \
                 that asks no password",
            ))
        }
    }

    /// `dpkg -i`: the package's files on the machine and its dependencies checked (not fetched: dpkg fails
    /// if one is missing, which is what a person's `apt install` would have to fetch).
    pub fn install(&self, deb: &Path) -> Result<()> {
        self.run(&["-i".as_ref(), deb.as_os_str()])
    }

    /// `dpkg -P`: the package and dpkg's record of it gone (it has no configuration files to keep).
    pub fn purge(&self) -> Result<()> {
        self.run(&["-P".as_ref(), PACKAGE.as_ref()])
    }

    fn run(&self, args: &[&std::ffi::OsStr]) -> Result<()> {
        let mut command = if self.sudo {
            let mut sudo = Command::new("sudo");
            sudo.args(["-n", "dpkg"]);
            sudo
        } else {
            Command::new("dpkg")
        };
        let out = command.args(args).env("DEBIAN_FRONTEND", "noninteractive").output()?;
        if out.status.success() {
            Ok(())
        } else {
            Err(Failure::new(format!(
                "dpkg {args:?} failed ({}):\n{}{}",
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )))
        }
    }
}

/// The package installed for the length of a test. Dropping it purges the package, so a failed assertion
/// (or an install that stopped half-way) leaves the machine as the test found it.
pub struct Installed {
    dpkg: Dpkg,
    removed: bool,
}

impl Installed {
    /// Installs `deb`, first purging a copy a previous run left behind when it was killed before its guard
    /// could run.
    pub fn install(dpkg: Dpkg, deb: &Path) -> Result<Self> {
        if is_installed()? {
            eprintln!("{PACKAGE} was already installed (a run that was killed?): purging it first");
            dpkg.purge()?;
        }
        let guard = Self { dpkg, removed: false };
        guard.dpkg.install(deb)?;
        Ok(guard)
    }

    /// Purges the package, as a person's `apt remove` would, and reports whether dpkg managed it.
    pub fn remove(mut self) -> Result<()> {
        self.removed = true;
        self.dpkg.purge()
    }
}

impl Drop for Installed {
    fn drop(&mut self) {
        if !self.removed {
            if let Err(err) = self.dpkg.purge() {
                eprintln!("could not purge {PACKAGE} after the test: {err}");
            }
        }
    }
}

/// Whether dpkg holds any trace of the package: installed, half-installed, or removed with its
/// configuration kept.
pub fn is_installed() -> Result<bool> {
    let out = Command::new("dpkg-query").args(["-W", "-f=${db:Status-Abbrev}", PACKAGE]).output()?;
    // dpkg-query fails for a package it has never heard of; "un" is one it knows of but that is not there.
    Ok(out.status.success() && !String::from_utf8_lossy(&out.stdout).trim().starts_with("un"))
}

/// One field of the installed package's record (`dpkg -s`), such as `Depends` or `Status`.
pub fn field(name: &str) -> Result<String> {
    stdout_of(Command::new("dpkg-query").args(["-W", &format!("-f=${{{name}}}"), PACKAGE]))
}

/// Every path the installed package owns (`dpkg -L`), directories included.
pub fn owned_paths() -> Result<Vec<PathBuf>> {
    Ok(stdout_of(Command::new("dpkg-query").args(["-L", PACKAGE]))?
        .lines()
        .filter(|line| line.starts_with('/'))
        .map(PathBuf::from)
        .collect())
}

/// The keys of a desktop entry's `[Desktop Entry]` group (other groups, such as actions, are skipped).
pub fn desktop_entry(path: &Path) -> Result<HashMap<String, String>> {
    let text = std::fs::read_to_string(path).map_err(|e| Failure::new(format!("{}: {e}", path.display())))?;
    let mut group = "";
    let mut keys = HashMap::new();
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            group = line;
        } else if let (Some((key, value)), "[Desktop Entry]") = (line.split_once('='), group) {
            keys.insert(key.trim().to_owned(), value.trim().to_owned());
        }
    }
    Ok(keys)
}

/// A PNG's width and height, from its header.
pub fn png_size(path: &Path) -> Result<(u32, u32)> {
    let bytes = std::fs::read(path).map_err(|e| Failure::new(format!("{}: {e}", path.display())))?;
    // The signature (8 bytes), then the IHDR chunk: length (4), type (4), width (4), height (4), big-endian.
    match (bytes.get(..8), bytes.get(12..16), bytes.get(16..20), bytes.get(20..24)) {
        (Some(b"\x89PNG\r\n\x1a\n"), Some(b"IHDR"), Some(w), Some(h)) => {
            let word = |b: &[u8]| b.iter().fold(0u32, |n, byte| (n << 8) | u32::from(*byte));
            Ok((word(w), word(h)))
        }
        _ => Err(Failure::new(format!("{} is not a PNG", path.display()))),
    }
}

fn stdout_of(command: &mut Command) -> Result<String> {
    let out = command.output()?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(Failure::new(format!("{command:?} failed ({}): {}", out.status, String::from_utf8_lossy(&out.stderr))))
    }
}
