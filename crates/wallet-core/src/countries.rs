//! Countries for the KYC form: ISO 3166-1 English short names and their alpha-2 codes, from the
//! maintained `rust_iso3166` crate rather than a list typed by hand. A person picks a name; the API
//! receives the code.

/// Every assigned country, as (alpha-2 code, English short name), in ISO's alphabetical order of names.
pub fn all() -> impl Iterator<Item = (&'static str, &'static str)> {
    rust_iso3166::ALL.iter().map(|country| (country.alpha2, country.name))
}

/// The alpha-2 code for what a person typed or picked: a code in either case (`us`), or a country's name
/// ignoring case and surrounding spaces (`germany`). `None` when it names no country.
pub fn code_for(text: &str) -> Option<&'static str> {
    let text = text.trim();
    if text.len() == 2 {
        return rust_iso3166::from_alpha2(&text.to_ascii_uppercase()).map(|country| country.alpha2);
    }
    let lower = text.to_lowercase();
    all().find(|(_, name)| name.to_lowercase() == lower).map(|(code, _)| code)
}

/// The name of the country with this alpha-2 code (either case).
pub fn name_of(code: &str) -> Option<&'static str> {
    rust_iso3166::from_alpha2(&code.trim().to_ascii_uppercase()).map(|country| country.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_assigned_code_has_a_name() {
        let list: Vec<_> = all().collect();
        assert_eq!(list.len(), 249);
        assert!(list.contains(&("US", "United States of America")));
        assert!(list.contains(&("DE", "Germany")));
        assert_eq!(name_of("ci"), Some("Côte d'Ivoire"));
        let mut codes: Vec<&str> = list.iter().map(|(code, _)| *code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 249, "each code once");
    }

    #[test]
    fn codes_and_names_lead_to_the_code() {
        assert_eq!(code_for("us"), Some("US"));
        assert_eq!(code_for(" GB "), Some("GB"));
        assert_eq!(code_for("germany"), Some("DE"));
        assert_eq!(code_for("Côte d'Ivoire"), Some("CI"));
        // Two letters, but no country: "XX" is user-assigned, "UK" is not ISO's code for the United Kingdom.
        assert_eq!(code_for("XX"), None);
        assert_eq!(code_for("UK"), None);
        assert_eq!(code_for("USA"), None);
        assert_eq!(code_for(""), None);
        assert_eq!(code_for("é"), None);
    }
}
