//! Field validation that reports every problem at once, each on its dotted JSON path
//! (`address.postalCode`, `limit.frequency`), as `errors[].field`.

use serde_json::{Map, Value};

use crate::reply::Reply;

/// Collects field errors over one JSON object (or a nested one, with a path prefix).
pub struct Check<'a> {
    body: &'a Map<String, Value>,
    prefix: String,
    errors: Vec<(String, String)>,
}

impl<'a> Check<'a> {
    pub fn new(body: &'a Map<String, Value>) -> Self {
        Self { body, prefix: String::new(), errors: Vec::new() }
    }

    /// The dotted path of `name` under this check's prefix.
    pub fn path(&self, name: &str) -> String {
        if self.prefix.is_empty() {
            name.to_owned()
        } else {
            format!("{}.{name}", self.prefix)
        }
    }

    pub fn fail(&mut self, name: &str, message: impl Into<String>) {
        let path = self.path(name);
        self.errors.push((path, message.into()));
    }

    /// The raw value, treating `null` as absent; records "required" if it must be there.
    pub fn value(&mut self, name: &str, required: bool) -> Option<&'a Value> {
        match self.body.get(name).filter(|v| !v.is_null()) {
            Some(value) => Some(value),
            None => {
                if required {
                    self.fail(name, "is required");
                }
                None
            }
        }
    }

    /// A string with a character-count range. An empty string counts as missing when required.
    pub fn string(&mut self, name: &str, required: bool, min: usize, max: usize) -> Option<&'a str> {
        let value = self.value(name, required)?;
        let Some(text) = value.as_str() else {
            self.fail(name, "must be a string");
            return None;
        };
        let count = text.chars().count();
        if required && text.trim().is_empty() {
            self.fail(name, "is required");
            None
        } else if count < min {
            self.fail(name, format!("must be at least {min} characters"));
            None
        } else if count > max {
            self.fail(name, format!("must be at most {max} characters"));
            None
        } else {
            Some(text)
        }
    }

    /// A string that must be one of `options`, compared byte for byte.
    pub fn one_of(&mut self, name: &str, required: bool, options: &[&str]) -> Option<&'a str> {
        let text = self.string(name, required, 0, usize::MAX)?;
        if options.contains(&text) {
            Some(text)
        } else {
            self.fail(name, format!("must be one of: {}", options.join(", ")));
            None
        }
    }

    /// An integer (a JSON number without a fraction) in a range.
    pub fn integer(&mut self, name: &str, required: bool, min: i64, max: i64) -> Option<i64> {
        let value = self.value(name, required)?;
        let number =
            value.as_i64().or_else(|| value.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9e15).map(|f| f as i64));
        match number {
            None => {
                self.fail(name, "must be an integer");
                None
            }
            Some(n) if n < min || n > max => {
                self.fail(name, format!("must be between {min} and {max}"));
                None
            }
            Some(n) => Some(n),
        }
    }

    /// A finite number greater than `min_exclusive`.
    pub fn number(&mut self, name: &str, required: bool, min_exclusive: f64) -> Option<f64> {
        let value = self.value(name, required)?;
        match value.as_f64().filter(|f| f.is_finite()) {
            None => {
                self.fail(name, "must be a number");
                None
            }
            Some(n) if n <= min_exclusive => {
                self.fail(name, format!("must be greater than {min_exclusive}"));
                None
            }
            Some(n) => Some(n),
        }
    }

    pub fn boolean(&mut self, name: &str, required: bool) -> Option<bool> {
        let value = self.value(name, required)?;
        let flag = value.as_bool();
        if flag.is_none() {
            self.fail(name, "must be true or false");
        }
        flag
    }

    pub fn object(&mut self, name: &str, required: bool) -> Option<&'a Map<String, Value>> {
        let value = self.value(name, required)?;
        let map = value.as_object();
        if map.is_none() {
            self.fail(name, "must be an object");
        }
        map
    }

    /// A check of a nested object; merge it back with [`Check::absorb`].
    pub fn nested(&self, name: &str, body: &'a Map<String, Value>) -> Check<'a> {
        Check { body, prefix: self.path(name), errors: Vec::new() }
    }

    pub fn absorb(&mut self, nested: Check<'_>) {
        self.errors.extend(nested.errors);
    }

    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }

    /// `Ok` if nothing failed, else a 400 naming every field.
    pub fn finish(self) -> Result<(), Reply> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(Reply::invalid_fields(self.errors))
        }
    }
}

/// `0x` and 40 hex digits, any case.
pub fn is_evm_address(text: &str) -> bool {
    text.len() == 42 && text.starts_with("0x") && text[2..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// A plausible email address: one `@`, a local part, a dotted domain, no spaces.
pub fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else { return false };
    let labels: Vec<&str> = domain.split('.').collect();
    !local.is_empty()
        && local.len() <= 64
        && text.len() <= 254
        && !text.chars().any(|c| c.is_whitespace() || c.is_control())
        && !domain.contains('@')
        && labels.len() >= 2
        && labels.iter().all(|l| !l.is_empty() && l.chars().all(|c| c.is_alphanumeric() || c == '-'))
}

/// `YYYY-MM-DD` naming a real calendar date.
pub fn parse_date(text: &str) -> Option<time::Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    (text.len() == 10).then(|| time::Date::parse(text, &format).ok()).flatten()
}

/// ISO-3166-1 alpha-2 codes (assigned), upper case.
const ISO_COUNTRIES: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ \
BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET \
FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS \
IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP \
MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO \
RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ \
UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

/// Whether `code` is an assigned ISO-3166-1 alpha-2 code, in either case.
pub fn is_country(code: &str) -> bool {
    code.len() == 2 && ISO_COUNTRIES.split_whitespace().any(|c| c.eq_ignore_ascii_case(code))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reports_every_field_on_its_path() {
        let body = json!({"name": 5, "limit": {"amountCents": 1.5, "frequency": "weekly"}, "flag": "yes"});
        let map = body.as_object().unwrap();
        let mut check = Check::new(map);
        check.string("name", true, 1, 10);
        check.string("missing", true, 1, 10);
        check.boolean("flag", false);
        let limit = check.object("limit", true).unwrap();
        let mut nested = check.nested("limit", limit);
        nested.integer("amountCents", true, 0, 100);
        nested.one_of("frequency", true, &["allTime"]);
        check.absorb(nested);
        let reply = check.finish().unwrap_err();
        let fields: Vec<&str> =
            reply.body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["name", "missing", "flag", "limit.amountCents", "limit.frequency"]);
        assert_eq!(reply.status, 400);
    }

    #[test]
    fn formats() {
        assert!(is_evm_address("0x462B1eD1B62F4c282c0EA342BCefcF8f9919226E"));
        assert!(!is_evm_address("0x462B1eD1B62F4c282c0EA342BCefcF8f9919226"));
        assert!(is_email("john@example.com") && !is_email("john@localhost") && !is_email("a b@example.com"));
        assert!(
            parse_date("1990-01-01").is_some()
                && parse_date("1990-02-30").is_none()
                && parse_date("1990-1-1").is_none()
        );
        assert!(is_country("us") && is_country("GB") && !is_country("XX") && !is_country("USA"));
    }
}
