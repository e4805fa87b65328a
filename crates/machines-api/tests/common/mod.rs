//! The vendor's seed pages, as the contract and hostile-input tests read them.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)] // each test file uses the parts it needs

use serde_json::Value;

/// The text of the seed page whose file name starts with `name_prefix`.
pub fn seed(name_prefix: &str) -> String {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/seeds");
    let entry = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(name_prefix))
        .unwrap_or_else(|| panic!("no seed {name_prefix}"));
    std::fs::read_to_string(entry).unwrap()
}

/// Every top-level JSON object in a page that looks like a response envelope (has `ok`), as raw text.
pub fn example_responses(page: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut offset = 0;
    while let Some(start) = page[offset..].find('{').map(|i| offset + i) {
        let mut stream = serde_json::Deserializer::from_str(&page[start..]).into_iter::<Value>();
        match stream.next() {
            Some(Ok(value)) => {
                let end = start + stream.byte_offset();
                if value.get("ok").is_some() {
                    found.push(page[start..end].to_owned());
                }
                offset = end;
            }
            _ => offset = start + 1,
        }
    }
    found
}

/// Every example response of every seed page.
pub fn all_example_responses() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/seeds");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let page = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        found.extend(example_responses(&page));
    }
    found
}
