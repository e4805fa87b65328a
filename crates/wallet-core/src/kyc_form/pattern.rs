//! The server's field patterns, read so that a value can be checked and a mismatch explained in words.

/// The one regex shape the API publishes, and its near relatives: `^[CLASS]QUANT$`, where CLASS holds
/// single characters, ranges (`A-Z`), `\d`, `\w`, `\s` and escaped punctuation, optionally negated with
/// `^`, and a `-` first or last is literal; QUANT is `+`, `*`, `{n}`, `{n,}` or `{n,m}`. Interpreting
/// this much by hand keeps a regex engine out of the app for the single pattern the API uses.
#[derive(Debug, PartialEq)]
pub(crate) struct ClassPattern {
    negated: bool,
    items: Vec<ClassItem>,
    min: usize,
    max: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum ClassItem {
    Range(char, char),
    Digit,
    Word,
    Space,
}

impl ClassItem {
    fn matches(self, c: char) -> bool {
        match self {
            Self::Range(lo, hi) => lo <= c && c <= hi,
            Self::Digit => c.is_ascii_digit(),
            Self::Word => c.is_ascii_alphanumeric() || c == '_',
            Self::Space => c.is_whitespace(),
        }
    }
}

impl ClassPattern {
    /// `None` for any other shape: the caller then skips the check rather than risk a false error.
    pub(crate) fn parse(pattern: &str) -> Option<Self> {
        let body = pattern.strip_prefix('^')?.strip_suffix('$')?;
        if body.ends_with('\\') {
            // The `$` was escaped: a literal dollar, not an anchor.
            return None;
        }
        let chars: Vec<char> = body.strip_prefix('[')?.chars().collect();
        let negated = chars.first() == Some(&'^');
        let mut i = usize::from(negated);
        let mut atoms: Vec<ClassAtom> = Vec::new();
        loop {
            let c = *chars.get(i)?;
            match c {
                ']' if !atoms.is_empty() => break,
                '[' | ']' => return None,
                '\\' => {
                    let escaped = *chars.get(i + 1)?;
                    atoms.push(match escaped {
                        'd' => ClassAtom::Item(ClassItem::Digit),
                        'w' => ClassAtom::Item(ClassItem::Word),
                        's' => ClassAtom::Item(ClassItem::Space),
                        c if c.is_ascii_punctuation() => ClassAtom::Escaped(c),
                        _ => return None,
                    });
                    i += 2;
                }
                c => {
                    atoms.push(ClassAtom::Char(c));
                    i += 1;
                }
            }
        }
        let (min, max) = parse_quantifier(&chars[i + 1..].iter().collect::<String>())?;
        Some(Self { negated, items: ranges(&atoms)?, min, max })
    }

    /// Whether `text` matches the whole pattern.
    fn matches(&self, text: &str) -> bool {
        let count = text.chars().count();
        self.allows_all(text) && count >= self.min && self.max.is_none_or(|max| count <= max)
    }

    fn allows_all(&self, text: &str) -> bool {
        text.chars().all(|c| self.allows(c))
    }

    /// Whether the class lets `c` through.
    pub(crate) fn allows(&self, c: char) -> bool {
        self.items.iter().any(|item| item.matches(c)) != self.negated
    }

    /// A sentence for a text that does not match, or `None` if it does.
    pub(super) fn problem(&self, text: &str) -> Option<String> {
        if self.matches(text) {
            return None;
        }
        if !self.allows_all(text) {
            return Some(match self.describe() {
                Some(allowed) => format!("Use only {allowed}."),
                None => "This contains characters that are not allowed here.".to_owned(),
            });
        }
        Some(match self.max {
            Some(max) if max == self.min => format!("Use exactly {max} characters."),
            Some(max) => format!("Use {} to {max} characters.", self.min),
            None => format!("Use at least {} characters.", self.min),
        })
    }

    /// "letters, numbers and dashes" for `[0-9A-Za-z-]`; `None` when the class is not that simple.
    fn describe(&self) -> Option<String> {
        if self.negated {
            return None;
        }
        let mut lower = false;
        let mut upper = false;
        let mut parts: Vec<&'static str> = Vec::new();
        fn add(part: &'static str, parts: &mut Vec<&'static str>) {
            if !parts.contains(&part) {
                parts.push(part);
            }
        }
        for item in &self.items {
            match *item {
                ClassItem::Range('a', 'z') => lower = true,
                ClassItem::Range('A', 'Z') => upper = true,
                ClassItem::Range('0', '9') | ClassItem::Digit => add("numbers", &mut parts),
                ClassItem::Word => {
                    lower = true;
                    upper = true;
                    add("numbers", &mut parts);
                    add("underscores", &mut parts);
                }
                ClassItem::Range('-', '-') => add("dashes", &mut parts),
                ClassItem::Range('_', '_') => add("underscores", &mut parts),
                ClassItem::Range('.', '.') => add("dots", &mut parts),
                ClassItem::Range(' ', ' ') | ClassItem::Space => add("spaces", &mut parts),
                _ => return None,
            }
        }
        let letters = match (lower, upper) {
            (true, true) => Some("letters"),
            (true, false) => Some("lower-case letters"),
            (false, true) => Some("capital letters"),
            (false, false) => None,
        };
        if let Some(letters) = letters {
            parts.insert(0, letters);
        }
        match parts.split_last() {
            None => None,
            Some((only, [])) => Some((*only).to_owned()),
            Some((last, rest)) => Some(format!("{} and {last}", rest.join(", "))),
        }
    }
}

/// A parsed class member before ranges are joined.
#[derive(Debug, Clone, Copy)]
enum ClassAtom {
    Char(char),
    /// A backslash-escaped character: always literal, so `\-` never forms a range.
    Escaped(char),
    Item(ClassItem),
}

impl ClassAtom {
    fn literal(self) -> Option<char> {
        match self {
            Self::Char(c) | Self::Escaped(c) => Some(c),
            Self::Item(_) => None,
        }
    }
}

/// Joins `a - z` triples into ranges; a `-` first or last stays a literal dash.
fn ranges(atoms: &[ClassAtom]) -> Option<Vec<ClassItem>> {
    let mut items = Vec::new();
    let mut i = 0;
    while let Some(&atom) = atoms.get(i) {
        match (atom, atoms.get(i + 1), atoms.get(i + 2)) {
            (_, Some(ClassAtom::Char('-')), Some(&hi)) => {
                // `\d-z` and `a-\d` are not ranges any engine agrees on.
                let (lo, hi) = (atom.literal()?, hi.literal()?);
                if lo > hi {
                    return None;
                }
                items.push(ClassItem::Range(lo, hi));
                i += 3;
            }
            (ClassAtom::Item(item), _, _) => {
                items.push(item);
                i += 1;
            }
            (ClassAtom::Char(c) | ClassAtom::Escaped(c), _, _) => {
                items.push(ClassItem::Range(c, c));
                i += 1;
            }
        }
    }
    Some(items)
}

/// `+`, `*`, `{n}`, `{n,}`, `{n,m}` as (min, max).
fn parse_quantifier(quantifier: &str) -> Option<(usize, Option<usize>)> {
    match quantifier {
        "+" => return Some((1, None)),
        "*" => return Some((0, None)),
        "" => return Some((1, Some(1))),
        _ => {}
    }
    let inner = quantifier.strip_prefix('{')?.strip_suffix('}')?;
    match inner.split_once(',') {
        None => {
            let n = inner.parse().ok()?;
            Some((n, Some(n)))
        }
        Some((min, "")) => Some((min.parse().ok()?, None)),
        Some((min, max)) => {
            let (min, max) = (min.parse().ok()?, max.parse().ok()?);
            (min <= max).then_some((min, Some(max)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kyc_form::fixtures::*;

    #[test]
    fn class_patterns_are_read_or_left_alone() {
        let pattern = |p: &str| ClassPattern::parse(p);
        let national = pattern("^[0-9A-Za-z-]+$").unwrap();
        assert!(national.matches("abc-123") && !national.matches("") && !national.matches("a b"));
        assert!(pattern("^[-a-z]+$").unwrap().matches("-a-"));
        assert!(pattern("^[\\d\\-]{3,5}$").unwrap().matches("1-2"));
        // An escaped dash is a dash, not a range from a to z.
        let escaped = pattern("^[a\\-z]+$").unwrap();
        assert!(escaped.matches("a-z") && !escaped.matches("b"));
        assert!(!pattern("^[\\d]{3,5}$").unwrap().matches("123456"));
        assert!(pattern("^[^0-9]*$").unwrap().matches("abc"));
        assert!(!pattern("^[^0-9]*$").unwrap().matches("a1"));
        assert!(pattern("^[0-9]{2}$").unwrap().matches("42"));
        assert_eq!(pattern("^[A-Z]{2}$").unwrap().problem("usa").as_deref(), Some("Use only capital letters."));
        assert_eq!(pattern("^[A-Z]{2}$").unwrap().problem("USA").as_deref(), Some("Use exactly 2 characters."));
        // Shapes we do not interpret: no verdict, so no false error.
        for other in
            ["^(a|b)$", "[a-z]+", "^[a-z]+", "^\\d{2}-\\d{4}$", "^[z-a]+$", "^[a-z]+?$", "^[[:alpha:]]+$", "^[a-z]+\\$"]
        {
            assert_eq!(pattern(other), None, "{other}");
        }
        let values = KycValues {
            fields: serde_json::from_value(json!([{"name": "code", "required": true, "regex": "^(x|y)$"}])).unwrap(),
            ..KycValues::default()
        };
        let form = FormDefinition::from_values(&values);
        assert_eq!(validate(&form, &with(FormValues::new(), "code", "anything"), TODAY), []);
    }
}
