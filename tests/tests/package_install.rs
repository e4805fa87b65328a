//! The Debian package as a person gets it: `dpkg -i` puts the app where a desktop finds it (the binary on
//! the PATH, a menu entry under Finance, its icons), the package declares what the app needs, the installed
//! binary opens on the set-up screen in Demo mode, and `dpkg -P` takes every file away again.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use machines_wallet_e2e::package::{self, Deb, Dpkg, Installed};
use machines_wallet_e2e::Launch;

const BINARY: &str = "/usr/bin/machines-wallet";

/// The sizes a desktop picks from: menus and docks (32–64), app grids and overviews (128–512).
const ICON_SIZES: [u32; 6] = [32, 48, 64, 128, 256, 512];

#[tokio::test]
#[ignore = "needs root (or sudo with no password), the .deb from `tauri build --debug --bundles deb`, Xvfb, \
            tauri-driver and WebKitWebDriver: scripts/test runs it"]
async fn the_deb_installs_opens_on_set_up_and_removes_cleanly() {
    let deb = Deb::built().unwrap();
    let dpkg = Dpkg::with_rights().unwrap();
    let installed = Installed::install(dpkg, &deb.path).unwrap();
    let binary = Path::new(BINARY);

    // What a person gets: the program on the PATH...
    let mode = std::fs::metadata(binary).unwrap_or_else(|e| panic!("{BINARY}: {e}")).permissions().mode();
    assert!(mode & 0o111 == 0o111, "{BINARY} is not executable by everyone: {mode:o}");
    // ...one menu entry, under Finance, that starts that program with its icon...
    let owned = package::owned_paths().unwrap();
    let entries: Vec<&PathBuf> = owned
        .iter()
        .filter(|p| p.starts_with("/usr/share/applications") && p.extension().is_some_and(|e| e == "desktop"))
        .collect();
    assert_eq!(entries.len(), 1, "one desktop entry under /usr/share/applications, not {entries:?}");
    let entry = package::desktop_entry(entries[0]).unwrap();
    let key = |name: &str| entry.get(name).map(String::as_str).unwrap_or_default();
    assert_eq!(key("Type"), "Application", "{entry:?}");
    assert_eq!(key("Name"), "Machines Wallet", "{entry:?}");
    assert!(key("Categories").split(';').any(|c| c == "Finance"), "not under Finance: {entry:?}");
    assert!(!key("Comment").is_empty(), "no Comment (the menu's tooltip): {entry:?}");
    let program = key("Exec").split_whitespace().next().unwrap_or_default();
    // A bare name is found on the PATH, where the package put the binary.
    assert_eq!(Path::new("/usr/bin").join(program), binary, "Exec does not start {BINARY}: {entry:?}");
    // ...and the icon that entry names, in every size, each as large as its folder says.
    let icon = key("Icon");
    assert!(!icon.is_empty(), "no Icon: {entry:?}");
    let icons: Vec<PathBuf> = ICON_SIZES
        .iter()
        .map(|size| PathBuf::from(format!("/usr/share/icons/hicolor/{size}x{size}/apps/{icon}.png")))
        .collect();
    for (path, size) in icons.iter().zip(ICON_SIZES) {
        assert_eq!(package::png_size(path).unwrap(), (size, size), "{}", path.display());
    }

    // dpkg knows it as installed, depending on what the config declares (the keychain, the libraries the
    // binary links, the opener of links) and on WebKitGTK and GTK, which Tauri adds.
    assert_eq!(package::field("Status").unwrap(), "install ok installed");
    let depends = package::field("Depends").unwrap();
    for declared in &deb.depends {
        assert!(depends.split(", ").any(|d| d == declared), "Depends lacks {declared:?}: {depends}");
    }

    // The installed binary, not the build, opens on its first screen.
    let wallet = Launch::new("package-install").app(binary).start().await.unwrap();
    let running: Vec<PathBuf> =
        wallet.processes().iter().filter_map(|(pid, _)| std::fs::read_link(format!("/proc/{pid}/exe")).ok()).collect();
    assert!(running.iter().any(|exe| exe == binary), "no process runs {BINARY}: {running:?}");
    wallet.wait_for_text("Set up your wallet").await.unwrap();
    wallet.wait_for_text("DEMO").await.unwrap();
    wallet.shot("set-up").await.unwrap();
    let stuck = wallet.quit().await.unwrap();
    assert!(stuck.is_empty(), "processes left running after quit: {stuck:?}");

    // Removing it leaves no file of it behind, and dpkg forgets it.
    let files: Vec<&PathBuf> = owned.iter().filter(|p| !p.is_dir()).collect();
    assert!(files.len() >= 2 + ICON_SIZES.len(), "the package owns too few files: {files:?}");
    installed.remove().unwrap();
    let left: Vec<&&PathBuf> = files.iter().filter(|p| p.exists()).collect();
    assert!(left.is_empty(), "files still there after dpkg -P: {left:?}");
    assert!(!package::is_installed().unwrap(), "dpkg still lists {}", package::PACKAGE);
}
