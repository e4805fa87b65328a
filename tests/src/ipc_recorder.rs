//! Every answer the app's Rust side sends its page, kept for a scan: command results and errors, channel
//! messages and events.
//!
//! Tauri delivers all of them the same way: `window.__TAURI_INTERNALS__.runCallback(id, data)` calls the
//! function registered under `id` in the `callbacks` map (an `invoke`'s resolve/reject, a `Channel`'s
//! `onmessage`, an event listener). `invoke` and `transformCallback` themselves are read-only properties,
//! but the map is an ordinary `Map`: the recorder wraps every function already in it and every one set
//! later, and each wrapper keeps its `data` as JSON (raw byte answers as text) before passing it on.

use serde_json::Value;

use crate::{Failure, Result, Wallet};

const INSTALL: &str = r#"
const internals = window.__TAURI_INTERNALS__;
if (!internals || !(internals.callbacks instanceof Map)) return 'no callbacks map';
if (window.__e2eIpcAnswers) return 'installed';
const answers = [];
const text = (data) => {
  const bytes = (v) => new TextDecoder().decode(v);
  const raw = (v) => v instanceof ArrayBuffer || ArrayBuffer.isView(v);
  try {
    if (raw(data)) return bytes(data);
    return JSON.stringify(data, (_k, v) => (raw(v) ? bytes(v) : v)) ?? String(data);
  } catch (e) {
    return String(data);
  }
};
const wrap = (fn) => function (data) {
  answers.push(text(data));
  return fn.apply(this, arguments);
};
const map = internals.callbacks;
const set = Map.prototype.set;
for (const [id, fn] of map) set.call(map, id, wrap(fn));
map.set = function (id, fn) { return set.call(this, id, wrap(fn)); };
window.__e2eIpcAnswers = answers;
return 'installed';
"#;

impl Wallet {
    /// Starts keeping every answer from now on (those that arrived before are not seen: call this right
    /// after the launch). The page is one document for the app's life, so the recorder stays in place.
    pub async fn record_ipc(&self) -> Result<()> {
        match self.script(INSTALL).await? {
            Value::String(s) if s == "installed" => Ok(()),
            other => Err(Failure::new(format!("the IPC recorder could not be installed: {other}"))),
        }
    }

    /// Every answer kept so far, as JSON text, oldest first. Fails if the recorder is gone (the page was
    /// reloaded), so a scan never runs over an empty record by mistake.
    pub async fn ipc_answers(&self) -> Result<Vec<String>> {
        let kept = self.script("return window.__e2eIpcAnswers ?? null").await?;
        let Value::Array(answers) = kept else {
            return Err(Failure::new("the IPC recorder is gone: the page was reloaded after it was installed"));
        };
        Ok(answers.into_iter().map(|a| a.as_str().map(str::to_owned).unwrap_or_else(|| a.to_string())).collect())
    }

    /// Delivers `value` to the page the way the app delivers an answer (`runCallback` to a registered
    /// callback), as a control the recorder must then hold.
    pub async fn plant_ipc_answer(&self, value: &str) -> Result<()> {
        let script = "const internals = window.__TAURI_INTERNALS__; \
                      const id = internals.transformCallback(() => {}, true); \
                      internals.runCallback(id, { control: arguments[0] }); return true;";
        self.client()?.execute(script, vec![Value::String(value.to_owned())]).await?;
        Ok(())
    }
}
