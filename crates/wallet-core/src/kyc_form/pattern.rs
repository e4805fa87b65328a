//! The server's field patterns, read so that a value can be checked and a mismatch explained in words.
//!
//! A pattern from the server is input: it is parsed with `regex-syntax` (to find its shape and to name
//! its characters in words) and matched with `regex-lite` under a size limit. Any pattern either refuses,
//! or any shape other than the one below, is "unknown": the check is skipped, never a panic or a false
//! error, since the server checks again.

use regex_lite::{Regex, RegexBuilder};
use regex_syntax::ast::{self, AssertionKind, Ast, ClassPerlKind, ClassSet, ClassSetItem, LiteralKind, RepetitionKind};

/// The most memory a server's pattern may compile to (64 KiB). The published pattern needs far less;
/// this leaves room for long classes and bounds, while `[a-z]{100000}` is refused rather than built.
const SIZE_LIMIT: usize = 1 << 16;

/// The one regex shape the API publishes, and its near relatives: `^[CLASS]QUANT$`, where CLASS holds
/// single characters, ranges (`A-Z`), `\d`, `\w`, `\s` and escaped punctuation, optionally negated with
/// `^`; QUANT is `+`, `*`, `?`, `{n}`, `{n,}` or `{n,m}`. Only this shape can be explained to a person
/// ("use only letters, numbers and dashes", "use exactly 2 characters"), so only it is checked.
#[derive(Debug)]
pub(crate) struct ClassPattern {
    /// The whole pattern.
    whole: Regex,
    /// The class alone, for one character at a time.
    class: Regex,
    negated: bool,
    items: Vec<ClassItem>,
    min: usize,
    max: Option<usize>,
}

impl PartialEq for ClassPattern {
    fn eq(&self, other: &Self) -> bool {
        self.whole.as_str() == other.whole.as_str()
    }
}

/// What a class holds, as far as words go; which characters match is `regex-lite`'s to say.
#[derive(Debug, Clone, Copy, PartialEq)]
enum ClassItem {
    Range(char, char),
    Digit,
    Word,
    Space,
}

impl ClassPattern {
    /// `None` for any other shape: the caller then skips the check rather than risk a false error.
    pub(crate) fn parse(pattern: &str) -> Option<Self> {
        let ast = ast::parse::Parser::new().parse(pattern).ok()?;
        let Ast::Concat(concat) = &ast else { return None };
        let (start, class, end) = match concat.asts.as_slice() {
            [start, class, end] => (start, class, end),
            _ => return None,
        };
        if !is_assertion(start, AssertionKind::StartLine) || !is_assertion(end, AssertionKind::EndLine) {
            return None;
        }
        let (bracketed, min, max) = match class {
            Ast::ClassBracketed(bracketed) => (bracketed, 1, Some(1)),
            Ast::Repetition(repetition) if repetition.greedy => {
                let Ast::ClassBracketed(bracketed) = &*repetition.ast else { return None };
                let (min, max) = bounds(&repetition.op.kind)?;
                (bracketed, min, max)
            }
            _ => return None,
        };
        let mut items = Vec::new();
        let ClassSet::Item(item) = &bracketed.kind else { return None };
        class_items(item, &mut items)?;
        let class_text = pattern.get(bracketed.span.start.offset..bracketed.span.end.offset)?;
        Some(Self {
            whole: compile(pattern)?,
            class: compile(&format!("^{class_text}$"))?,
            negated: bracketed.negated,
            items,
            min,
            max,
        })
    }

    /// Whether `text` matches the whole pattern.
    fn matches(&self, text: &str) -> bool {
        self.whole.is_match(text)
    }

    fn allows_all(&self, text: &str) -> bool {
        text.chars().all(|c| self.allows(c))
    }

    /// Whether the class lets `c` through.
    pub(crate) fn allows(&self, c: char) -> bool {
        self.class.is_match(c.encode_utf8(&mut [0; 4]))
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

/// The server's pattern compiled, anchored as written; `None` when `regex-lite` refuses it (too big, or
/// syntax it does not have).
fn compile(pattern: &str) -> Option<Regex> {
    RegexBuilder::new(pattern).size_limit(SIZE_LIMIT).build().ok()
}

fn is_assertion(ast: &Ast, kind: AssertionKind) -> bool {
    matches!(ast, Ast::Assertion(assertion) if assertion.kind == kind)
}

/// `+`, `*`, `?`, `{n}`, `{n,}`, `{n,m}` as (min, max).
fn bounds(kind: &RepetitionKind) -> Option<(usize, Option<usize>)> {
    let count = |n: u32| usize::try_from(n).ok();
    Some(match kind {
        RepetitionKind::ZeroOrOne => (0, Some(1)),
        RepetitionKind::ZeroOrMore => (0, None),
        RepetitionKind::OneOrMore => (1, None),
        RepetitionKind::Range(ast::RepetitionRange::Exactly(n)) => (count(*n)?, Some(count(*n)?)),
        RepetitionKind::Range(ast::RepetitionRange::AtLeast(n)) => (count(*n)?, None),
        RepetitionKind::Range(ast::RepetitionRange::Bounded(min, max)) => (count(*min)?, Some(count(*max)?)),
    })
}

/// The members of a class, for words. Only plain and escaped characters, their ranges and `\d`, `\w`,
/// `\s` count: POSIX names, Unicode classes, nested classes and escapes such as `\n` are "unknown".
fn class_items(item: &ClassSetItem, items: &mut Vec<ClassItem>) -> Option<()> {
    let plain = |literal: &ast::Literal| {
        matches!(literal.kind, LiteralKind::Verbatim | LiteralKind::Meta | LiteralKind::Superfluous)
            .then_some(literal.c)
    };
    match item {
        ClassSetItem::Literal(literal) => {
            let c = plain(literal)?;
            items.push(ClassItem::Range(c, c));
        }
        ClassSetItem::Range(range) => items.push(ClassItem::Range(plain(&range.start)?, plain(&range.end)?)),
        ClassSetItem::Perl(perl) if !perl.negated => items.push(match perl.kind {
            ClassPerlKind::Digit => ClassItem::Digit,
            ClassPerlKind::Word => ClassItem::Word,
            ClassPerlKind::Space => ClassItem::Space,
        }),
        ClassSetItem::Union(union) => {
            for member in &union.items {
                class_items(member, items)?;
            }
        }
        _ => return None,
    }
    Some(())
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

    #[test]
    fn a_pattern_too_big_to_build_is_left_alone() {
        // The server's pattern is input: one that would compile to megabytes is refused, not built, and
        // the field is then checked by its other rules only.
        let huge = "^[a-z]{100000}$";
        assert_eq!(ClassPattern::parse(huge), None);
        let values = KycValues {
            fields: serde_json::from_value(json!([{"name": "code", "required": true, "regex": huge}])).unwrap(),
            ..KycValues::default()
        };
        let form = FormDefinition::from_values(&values);
        assert_eq!(validate(&form, &with(FormValues::new(), "code", "abc"), TODAY), []);
    }
}
