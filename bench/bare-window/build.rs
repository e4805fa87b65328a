// The baseline grants its page exactly its one command, as the wallet does.
fn main() {
    println!("cargo:rerun-if-changed=dist");
    let manifest = tauri_build::AppManifest::new().commands(&["ready"]);
    if let Err(err) = tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest)) {
        println!("cargo:warning=tauri build step failed: {err}");
        std::process::exit(1);
    }
}
