//! Shapes shared by several endpoints, and the `open_enum!` macro that keeps unknown enum values.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use serde_with::de::DeserializeAsWrap;
use serde_with::{DeserializeAs, Same, SerializeAs};
use url::Url;

/// Declares a string enum for a wire value. Values the API adds later are kept as `Other(String)` so they
/// can be shown as they are; parsing never fails on an unknown member.
///
/// ```ignore
/// open_enum! {
///     /// Card status.
///     pub enum CardStatus { Active => "active", Locked => "locked" }
/// }
/// ```
macro_rules! open_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident => $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value this client does not know yet, kept byte-exact.
            Other(String),
        }

        impl $name {
            /// The value as the API spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)+
                    Self::Other(other) => other.as_str(),
                }
            }

            /// Parses a wire value; unknown values become `Other`.
            pub fn from_wire(value: &str) -> Self {
                match value {
                    $($wire => Self::$variant,)+
                    other => Self::Other(other.to_owned()),
                }
            }

            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Other(_))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <::std::string::String as ::serde::Deserialize>::deserialize(deserializer)?;
                Ok(Self::from_wire(&value))
            }
        }
    };
}
pub(crate) use open_enum;

/// A hosted link as the API sends it: a plain URL string, or `{url, params}` whose params become query
/// parameters (the guide's KYC example uses the object form).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Link {
    Url(String),
    Object {
        url: String,
        #[serde(default)]
        params: Option<BTreeMap<String, Value>>,
    },
}

impl Link {
    /// The final URL, with `params` appended as query parameters. Only parses; deciding whether a URL may
    /// be opened is the link opener's job (scheme and host allowlist).
    pub fn resolve(&self) -> Result<Url, url::ParseError> {
        match self {
            Self::Url(raw) => Url::parse(raw.trim()),
            Self::Object { url, params } => {
                let mut resolved = Url::parse(url.trim())?;
                if let Some(params) = params {
                    let mut pairs = resolved.query_pairs_mut();
                    for (name, value) in params {
                        match value {
                            Value::Null => {}
                            Value::String(text) => {
                                pairs.append_pair(name, text);
                            }
                            other => {
                                pairs.append_pair(name, &other.to_string());
                            }
                        }
                    }
                }
                Ok(resolved)
            }
        }
    }
}

/// Deserializes a link field that may be a string, an object, null, an empty string or missing.
pub(crate) fn optional_link<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Link>, D::Error> {
    let link = Option::<Link>::deserialize(deserializer).unwrap_or(None);
    Ok(match link {
        Some(Link::Url(text)) if text.trim().is_empty() => None,
        Some(Link::Object { url, .. }) if url.trim().is_empty() => None,
        other => other,
    })
}

/// An end-to-end encrypted card metadata value (`{v, iv, ct}`, base64url). Opaque to the client: it is only
/// round-tripped through `/encryption/*`. Unknown members are kept so the round trip is exact.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct EncryptedField {
    pub v: Value,
    pub iv: String,
    pub ct: String,
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

impl fmt::Debug for EncryptedField {
    // The ciphertext is not secret, but it is noise in logs; keep Debug short.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EncryptedField(v={}, {} bytes)", self.v, self.ct.len())
    }
}

/// A serde_with adapter for a value the UI can live without: `null` or a wrong type from a drifting server
/// reads as the type's default (`None` for an `Option`) instead of failing the whole response. With an
/// inner adapter (`Lenient<VecSkipError<_>>`) the value is read through it first.
///
/// Written here rather than using serde_with's `DefaultOnError` because that one also swallows errors of
/// reading the JSON itself: a number JSON cannot hold (`1e999`) would become `None` where it must stay a
/// decode error. The value is read into a `serde_json::Value` (whose errors are kept), then converted
/// (whose errors give the default).
pub(crate) struct Lenient<T = Same>(PhantomData<T>);

impl<'de, T, TAs> DeserializeAs<'de, T> for Lenient<TAs>
where
    TAs: DeserializeAs<'de, T>,
    T: Default,
{
    fn deserialize_as<D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Ok(DeserializeAsWrap::<T, TAs>::deserialize(value).map(DeserializeAsWrap::into_inner).unwrap_or_default())
    }
}

impl<T, TAs: SerializeAs<T>> SerializeAs<T> for Lenient<TAs> {
    fn serialize_as<S: Serializer>(source: &T, serializer: S) -> Result<S::Ok, S::Error> {
        TAs::serialize_as(source, serializer)
    }
}

/// For lists: `null` reads as empty, but a malformed list still fails, so a bad card or deposit is an
/// error rather than a silently empty list.
pub(crate) fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Option::<T>::deserialize(deserializer).map(Option::unwrap_or_default)
}

/// An amount in integer cents as a server might send it: an integer, a decimal (rounded) or a numeric
/// string. Missing or `null` is `None`; anything else is an error, so a malformed amount is never shown as
/// a confident $0.00.
pub(crate) fn cents<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    use serde::de::Error;
    let number = match Option::<Value>::deserialize(deserializer)? {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Number(n)) => n.as_i64().map(|i| i as f64).or_else(|| n.as_f64()),
        Some(Value::String(text)) => text.trim().parse::<f64>().ok(),
        Some(_) => None,
    };
    match number {
        Some(n) if n.is_finite() && n.abs() < 9.0e15 => Ok(Some(n.round() as i64)),
        _ => Err(D::Error::custom("an amount is not a number of cents")),
    }
}

/// [`cents`] for a required amount.
pub(crate) fn cents_required<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    use serde::de::Error;
    cents(deserializer)?.ok_or_else(|| D::Error::custom("an amount is missing"))
}

#[cfg(test)]
mod tests {
    use super::*;

    open_enum! {
        /// For tests.
        pub enum Colour { Red => "red", Blue => "blue" }
    }

    #[test]
    fn open_enum_keeps_unknown_values() {
        let parsed: Vec<Colour> = serde_json::from_str(r#"["red","teal"]"#).unwrap();
        assert_eq!(parsed, vec![Colour::Red, Colour::Other("teal".into())]);
        assert_eq!(serde_json::to_string(&parsed).unwrap(), r#"["red","teal"]"#);
        assert!(!parsed[1].is_known());
    }

    #[test]
    fn link_object_params_become_query_parameters() {
        let link: Link = serde_json::from_str(
            r#"{"url":"https://kyc.machines.cash/verify","params":{"userId":"18717ac1","signature":"a b&c","n":7}}"#,
        )
        .unwrap();
        assert_eq!(
            link.resolve().unwrap().as_str(),
            "https://kyc.machines.cash/verify?n=7&signature=a+b%26c&userId=18717ac1"
        );
        let plain: Link = serde_json::from_str(r#""https://kyc.machines.cash/verify?x=1""#).unwrap();
        assert_eq!(plain.resolve().unwrap().as_str(), "https://kyc.machines.cash/verify?x=1");
    }

    #[test]
    fn cents_accept_numbers_decimals_and_numeric_strings_only() {
        #[derive(Deserialize)]
        struct Amount {
            #[serde(default, deserialize_with = "cents")]
            value: Option<i64>,
        }
        let read = |json: &str| serde_json::from_str::<Amount>(json).map(|a| a.value);
        assert_eq!(read(r#"{"value":3000}"#).unwrap(), Some(3000));
        assert_eq!(read(r#"{"value":2999.5}"#).unwrap(), Some(3000));
        assert_eq!(read(r#"{"value":" 3000 "}"#).unwrap(), Some(3000));
        assert_eq!(read(r#"{"value":null}"#).unwrap(), None);
        assert_eq!(read(r#"{}"#).unwrap(), None);
        assert!(read(r#"{"value":"lots"}"#).is_err());
        assert!(read(r#"{"value":true}"#).is_err());
        assert!(read(r#"{"value":1e300}"#).is_err());
    }

    #[test]
    fn lenient_fields_default_on_a_wrong_type_but_unreadable_json_still_fails() {
        #[serde_with::apply(Option => #[serde(default)] #[serde_as(as = "Lenient")])]
        #[serde_with::serde_as]
        #[derive(Debug, Deserialize)]
        struct Shape {
            count: Option<u32>,
            #[serde(default)]
            #[serde_as(as = "Lenient")]
            flag: bool,
        }
        let read = |json: &str| serde_json::from_str::<Shape>(json).map(|s| (s.count, s.flag));
        assert_eq!(read(r#"{"count":3,"flag":true}"#).unwrap(), (Some(3), true));
        assert_eq!(read(r#"{"count":"three","flag":"yes"}"#).unwrap(), (None, false));
        assert_eq!(read(r#"{"count":null,"flag":null}"#).unwrap(), (None, false));
        assert_eq!(read(r#"{"count":-1}"#).unwrap(), (None, false));
        assert_eq!(read(r#"{}"#).unwrap(), (None, false));
        assert!(read(r#"{"count":1e999}"#).is_err(), "a number JSON cannot hold is not a wrong type");
    }

    #[test]
    fn encrypted_field_round_trips_unknown_members() {
        let raw = r#"{"ct":"Hdbb","iv":"Qz4f","kid":"k1","v":1}"#;
        let field: EncryptedField = serde_json::from_str(raw).unwrap();
        assert_eq!(serde_json::to_string(&field).unwrap(), r#"{"v":1,"iv":"Qz4f","ct":"Hdbb","kid":"k1"}"#);
    }
}
