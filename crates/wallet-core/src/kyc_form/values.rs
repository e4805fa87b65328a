//! What the person typed, held in Rust only as wiped secret strings.

use std::collections::BTreeMap;
use std::fmt;

use machines_api::SecretString;
use serde::Deserialize;

/// What the person typed, held in Rust only. Keys are dotted paths: `firstName` for a top-level field,
/// `address.postalCode` for a member of a group. Across IPC it arrives as a flat JSON object of strings
/// (`{"firstName": "…", "address.postalCode": "…"}`); it is never sent back, never serialized and never
/// written to disk, and every value is wiped when dropped or replaced.
#[derive(Clone, Default, Deserialize)]
#[serde(transparent)]
pub struct FormValues {
    values: BTreeMap<String, SecretString>,
}

impl FormValues {
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the value at `path`; an empty value clears it, since empty and absent mean the same here.
    pub fn set(&mut self, path: impl Into<String>, value: SecretString) {
        let path = path.into();
        if value.is_empty() {
            self.values.remove(&path);
        } else {
            self.values.insert(path, value);
        }
    }

    pub fn get(&self, path: &str) -> Option<&SecretString> {
        self.values.get(path)
    }

    /// Removes the value at `path` (its buffer is wiped as it drops).
    pub fn clear(&mut self, path: &str) {
        self.values.remove(path);
    }

    /// Forgets everything, e.g. after a successful submission or on sign-out.
    pub fn clear_all(&mut self) {
        self.values.clear();
    }

    /// Takes every entry of `update` (what the webview sent since last time), moving the secrets rather
    /// than copying them; an empty entry clears that path.
    pub fn merge(&mut self, update: FormValues) {
        for (path, value) in update.values {
            self.set(path, value);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The paths that hold a value (names are not secret).
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.values.keys().map(String::as_str)
    }
}

impl fmt::Debug for FormValues {
    /// Field names only: the values are PII.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.values.keys().map(|k| (k, "[redacted]"))).finish()
    }
}

impl specta::Type for FormValues {
    /// On the TypeScript side it is what the webview sends: `{ [path: string]: string }`.
    fn definition(types: &mut specta::Types) -> specta::datatype::DataType {
        <BTreeMap<String, String> as specta::Type>::definition(types)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kyc_form::fixtures::*;

    #[test]
    fn values_stay_secret() {
        let mut values = guide_values();
        let printed = format!("{values:?}");
        assert!(printed.contains("nationalId") && printed.contains("address.postalCode"), "{printed}");
        for secret in ["123456789", "John", "Main St", "4155551234"] {
            assert!(!printed.contains(secret), "{printed}");
        }
        // What goes back to the webview (definition and problems) never carries a value.
        values.set("nationalId", SecretString::from("SECRET/99"));
        values.set("email", SecretString::from("SECRET@"));
        let problems = validate(&guide_form(), &values, TODAY);
        assert_eq!(problems.len(), 2);
        let outbound = serde_json::to_string(&(guide_form(), problems)).unwrap();
        assert!(!outbound.contains("SECRET"), "{outbound}");
        assert!(!outbound.contains("123456789"));
    }

    #[test]
    fn values_arrive_as_a_flat_map_and_can_be_cleared() {
        let mut values: FormValues =
            serde_json::from_str(r#"{"firstName": "John", "address.postalCode": "10001"}"#).unwrap();
        assert_eq!(values.get("address.postalCode").map(SecretString::expose), Some("10001"));
        let update: FormValues = serde_json::from_str(r#"{"firstName": "", "lastName": "Smith"}"#).unwrap();
        values.merge(update);
        assert_eq!(values.paths().collect::<Vec<_>>(), ["address.postalCode", "lastName"]);
        values.clear("lastName");
        assert!(values.get("lastName").is_none());
        values.clear_all();
        assert!(values.is_empty());
    }
}
