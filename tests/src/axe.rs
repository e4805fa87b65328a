//! axe-core, the accessibility engine behind most screen-reader checkers, run inside the real WebKitGTK
//! window against what the app shows at that moment: the WCAG 2.0, 2.1 and 2.2 A and AA rules plus axe's
//! best practices. A check fails with one readable line per rule and element (rule, impact, where, why).
//!
//! axe comes from npm (`axe-core`, a devDependency of the repository root, installed by `npm ci` in
//! `scripts/setup`); its one-file build `axe.min.js` is handed to the page over WebDriver.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use serde_json::Value;

use crate::{Failure, Result, Wallet};

/// The rule sets a check runs: every WCAG 2.x level A and AA rule, and axe's best practices.
pub const TAGS: [&str; 7] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"];

/// Rules whose "needs review" answer still means broken markup. axe reports a name (`aria-label`,
/// `aria-labelledby`) on an element that may not carry one, such as a paragraph, as undecided when the
/// named text is visible anyway; ARIA prohibits it and screen readers drop that name, so here it fails.
const BROKEN_WHEN_UNDECIDED: [&str; 1] = ["aria-prohibited-attr"];

/// How long one run of axe may take: a few hundred milliseconds on a screen of this app, but the colour
/// checks lay out every text node and the shared machine is sometimes slow.
const RUN_WITHIN: Duration = Duration::from_secs(60);

/// One rule broken, and every element that breaks it.
#[derive(Debug, Clone)]
pub struct Violation {
    /// axe's rule id, e.g. `color-contrast`.
    pub rule: String,
    /// `minor`, `moderate`, `serious` or `critical`.
    pub impact: String,
    /// What the rule asks for, in a sentence.
    pub help: String,
    pub nodes: Vec<Node>,
}

/// One element that breaks a rule.
#[derive(Debug, Clone)]
pub struct Node {
    /// A CSS selector for the element (joined with ` >> ` across frames).
    pub target: String,
    /// axe's own account of what is wrong with it (the contrast ratio and colours, the missing name…).
    pub summary: String,
}

/// What one run of axe found.
#[derive(Debug, Clone, Default)]
pub struct Findings {
    pub violations: Vec<Violation>,
    /// Checks axe could not decide (text over an image, say): listed in the artifacts, not a failure.
    pub incomplete: Vec<Violation>,
    /// How many rules passed somewhere on the page: a run that checked nothing cannot pass for a clean one.
    pub passed: usize,
}

impl Wallet {
    /// Runs axe on the page as it is now. axe is injected first when the page does not hold it yet (the
    /// app is one page, so once per launch).
    pub async fn axe(&self) -> Result<Findings> {
        self.inject_axe().await?;
        let tags: Vec<Value> = TAGS.iter().map(|t| Value::from(*t)).collect();
        // Only what a report needs crosses back: never an element's HTML, which on a revealed card holds
        // its digits and would reach the test's output.
        let script = r#"
            const done = arguments[arguments.length - 1];
            const slim = (list) => list.map((rule) => ({
                rule: rule.id,
                impact: rule.impact || "",
                help: rule.help,
                nodes: rule.nodes.map((node) => ({
                    target: node.target.map((t) => Array.isArray(t) ? t.join(" ") : String(t)).join(" >> "),
                    summary: node.failureSummary || "",
                })),
            }));
            window.axe
                .run(document, { runOnly: { type: "tag", values: arguments[0] }, resultTypes: ["violations", "incomplete"] })
                .then((r) => done({ violations: slim(r.violations), incomplete: slim(r.incomplete), passed: r.passes.length }))
                .catch((e) => done({ error: String(e && e.stack || e) }));
        "#;
        let run = self.client()?.execute_async(script, vec![Value::Array(tags)]);
        let answer = tokio::time::timeout(RUN_WITHIN, run)
            .await
            .map_err(|_| Failure::new(format!("axe did not finish within {RUN_WITHIN:?}")))??;
        if let Some(error) = answer.get("error") {
            return Err(Failure::new(format!("axe failed in the page: {}", error.as_str().unwrap_or_default())));
        }
        let mut violations = rules(&answer["violations"])?;
        let (broken, incomplete): (Vec<_>, Vec<_>) =
            rules(&answer["incomplete"])?.into_iter().partition(|r| BROKEN_WHEN_UNDECIDED.contains(&r.rule.as_str()));
        violations.extend(broken);
        Ok(Findings { violations, incomplete, passed: answer["passed"].as_u64().unwrap_or(0) as usize })
    }

    /// Runs axe and fails with a readable list when any rule is broken. `screen` names the check in the
    /// message and in `NN-screen.axe.txt`, which lists what axe could not decide too.
    pub async fn assert_accessible(&self, screen: &str) -> Result<()> {
        let findings = self.axe().await?;
        let n = self.shots.load(std::sync::atomic::Ordering::SeqCst);
        let file = self.artifacts.join(format!("{n:02}-{}.axe.txt", file_name(screen)));
        std::fs::write(&file, findings.describe(screen))?;
        if findings.passed == 0 {
            return Err(Failure::new(format!("axe checked nothing on {screen}: is the page empty?")));
        }
        if findings.violations.is_empty() {
            Ok(())
        } else {
            Err(Failure::new(findings.describe(screen)))
        }
    }

    /// Loads axe into the page unless it is there already.
    ///
    /// The app's CSP (`script-src 'self'` plus Tauri's hashes; no `'unsafe-inline'`, no `'unsafe-eval'`)
    /// refuses axe as a `<script>` element with its text inline (it never runs) and refuses `eval` and
    /// `new Function` from the page (an `EvalError`, tried on this window); and axe is not among the app's
    /// own files, which are embedded in the binary, so a `<script src>` has nothing to load. WebDriver's
    /// Execute Script is not subject to the page's CSP: WebKit's automation session compiles the script
    /// itself and runs it in the page's main world. So axe's source goes in as the body of one Execute
    /// Script; its bundle sets `window.axe`, where the later scripts find it. Running the rules needs no
    /// `eval`, so they work under the CSP too (the control test in `accessibility.rs` sees them fail and
    /// pass).
    async fn inject_axe(&self) -> Result<()> {
        let present = self.client()?.execute("return typeof window.axe === 'object';", vec![]).await?;
        if present.as_bool() == Some(true) {
            return Ok(());
        }
        let source = std::fs::read_to_string(axe_path()).map_err(|e| {
            Failure::new(format!(
                "could not read {} ({e}): run `npm ci` at the repository root (scripts/setup does)",
                axe_path().display()
            ))
        })?;
        let script = format!("{source}\n;return typeof window.axe === 'object' ? window.axe.version : null;");
        let version = self.client()?.execute(&script, vec![]).await?;
        match version.as_str() {
            Some(_) => Ok(()),
            None => Err(Failure::new("axe-core was evaluated but `window.axe` is not there")),
        }
    }
}

impl Findings {
    /// The findings as a person reads them: one block per rule, one line per element.
    pub fn describe(&self, screen: &str) -> String {
        let mut text = String::new();
        let count: usize = self.violations.iter().map(|v| v.nodes.len()).sum();
        let _ = writeln!(
            text,
            "axe on {screen}: {} rule(s) broken on {count} element(s); {} rule(s) passed",
            self.violations.len(),
            self.passed
        );
        list(&mut text, &self.violations);
        if !self.incomplete.is_empty() {
            let _ = writeln!(text, "\nnot decided by axe (check by eye):");
            list(&mut text, &self.incomplete);
        }
        text
    }
}

fn list(text: &mut String, rules: &[Violation]) {
    for rule in rules {
        let _ = writeln!(text, "- {} ({}): {}", rule.rule, rule.impact, rule.help);
        for node in &rule.nodes {
            let _ = writeln!(text, "    {}: {}", node.target, one_line(&node.summary));
        }
    }
}

/// axe's summary ("Fix any of the following:" and one check a line) on one line: "…: a; b; c".
fn one_line(summary: &str) -> String {
    let mut lines = summary.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next().unwrap_or_default().to_owned();
    let rest: Vec<&str> = lines.collect();
    if rest.is_empty() {
        first
    } else {
        format!("{first} {}", rest.join("; "))
    }
}

fn rules(value: &Value) -> Result<Vec<Violation>> {
    let list = value.as_array().ok_or_else(|| Failure::new(format!("axe answered oddly: {value}")))?;
    let text = |v: &Value, key: &str| v[key].as_str().unwrap_or_default().to_owned();
    Ok(list
        .iter()
        .map(|rule| Violation {
            rule: text(rule, "rule"),
            impact: text(rule, "impact"),
            help: text(rule, "help"),
            nodes: rule["nodes"]
                .as_array()
                .map(|nodes| {
                    nodes.iter().map(|n| Node { target: text(n, "target"), summary: text(n, "summary") }).collect()
                })
                .unwrap_or_default(),
        })
        .collect())
}

/// `AXE_CORE_JS`, or `node_modules/axe-core/axe.min.js` at the repository root.
fn axe_path() -> PathBuf {
    std::env::var_os("AXE_CORE_JS").map(PathBuf::from).unwrap_or_else(|| {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(std::path::Path::to_path_buf);
        root.unwrap_or_default().join("node_modules/axe-core/axe.min.js")
    })
}

fn file_name(screen: &str) -> String {
    screen.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '-' }).collect()
}
