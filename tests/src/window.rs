//! Working the window the way a person does: find a button by the words on it, type into an input found by
//! its id (every input has a label; the ids are stable), wait for text to appear, take a screenshot.

use std::time::Duration;

use fantoccini::elements::Element;
use fantoccini::Locator;
use serde_json::json;

use crate::{Failure, Result, Wallet};

/// How long a step may take before the test gives up (the simulator answers in milliseconds; the window
/// sometimes needs a moment).
pub const STEP: Duration = Duration::from_secs(20);

impl Wallet {
    pub fn client(&self) -> Result<&fantoccini::Client> {
        self.client.as_ref().ok_or_else(|| Failure::new("the WebDriver session is closed"))
    }

    /// Saves what the window shows as `NN-name.png` in the journey's artifacts folder.
    ///
    /// The picture is taken from the X display (`import`), not through WebDriver: it is what a person
    /// sees, and WebKitGTK painting without compositing (as the app does on a machine with no GPU)
    /// never answers WebDriver's screenshot command once nothing on the page needs repainting.
    pub async fn shot(&self, name: &str) -> Result<()> {
        // Let transitions and focus rings settle, then wait for two painted frames: on a busy machine the
        // DOM can be ahead of the last paint, and the picture must be what a person sees.
        tokio::time::sleep(Duration::from_millis(250)).await;
        let frames = "const done = arguments[arguments.length - 1]; \
                      requestAnimationFrame(() => requestAnimationFrame(() => done(true)));";
        self.client()?.execute_async(frames, vec![]).await?;
        let (x, y, width, height) = self.client()?.get_window_rect().await?;
        let picture = tokio::process::Command::new("import")
            .args(["-display", &self.display.name(), "-window", "root"])
            .args(["-crop", &format!("{width}x{height}+{x}+{y}"), "+repage", "png:-"])
            .output()
            .await?;
        if !picture.status.success() || picture.stdout.is_empty() {
            return Err(Failure::new(format!(
                "import could not take a screenshot: {}",
                String::from_utf8_lossy(&picture.stderr).trim()
            )));
        }
        let n = self.shots.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
        std::fs::write(self.artifacts.join(format!("{n:02}-{name}.png")), picture.stdout)?;
        Ok(())
    }

    /// The text of the page as a person reads it (`innerText`: hidden elements excluded).
    pub async fn text(&self) -> Result<String> {
        let value = self.client()?.execute("return document.body.innerText", vec![]).await?;
        Ok(value.as_str().unwrap_or_default().to_owned())
    }

    /// The whole DOM, hidden parts included: what a secret must be absent from.
    pub async fn html(&self) -> Result<String> {
        Ok(self.client()?.source().await?)
    }

    /// Waits until the page shows `needle`.
    pub async fn wait_for_text(&self, needle: &str) -> Result<()> {
        self.wait_for_text_within(needle, STEP).await
    }

    pub async fn wait_for_text_within(&self, needle: &str, within: Duration) -> Result<()> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let text = self.text().await?;
            if text.contains(needle) {
                return Ok(());
            }
            if tokio::time::Instant::now() > deadline {
                let _ = self.shot("failure").await;
                return Err(Failure::new(format!("the window never showed {needle:?}; it shows:\n{text}")));
            }
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }

    /// Waits until the page no longer shows `needle`.
    pub async fn wait_for_no_text(&self, needle: &str, within: Duration) -> Result<()> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let text = self.text().await?;
            if !text.contains(needle) {
                return Ok(());
            }
            if tokio::time::Instant::now() > deadline {
                let _ = self.shot("failure").await;
                return Err(Failure::new(format!("the window still shows {needle:?}:\n{text}")));
            }
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }

    /// Waits for an element: `css` is a CSS selector, or an XPath when it starts with `/`.
    pub async fn wait_for_css(&self, css: &str, within: Duration) -> Result<Element> {
        let deadline = tokio::time::Instant::now() + within;
        let locator = if css.starts_with('/') { Locator::XPath(css) } else { Locator::Css(css) };
        loop {
            if let Ok(found) = self.client()?.find(locator).await {
                return Ok(found);
            }
            if tokio::time::Instant::now() > deadline {
                let _ = self.shot("failure").await;
                let text = self.text().await.unwrap_or_default();
                return Err(Failure::new(format!(
                    "nothing matched {css:?} within {within:?}; the window shows:\n{text}"
                )));
            }
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }

    /// Clicks the visible, enabled button whose words contain `label`.
    pub async fn click_button(&self, label: &str) -> Result<()> {
        self.click_button_in("", label).await
    }

    /// Clicks the button containing `label` inside the element matched by the XPath `scope` (e.g. the card
    /// named "Groceries": `//div[@role='listitem'][contains(@class,'card')][.//span[.='Groceries']]`).
    pub async fn click_button_in(&self, scope: &str, label: &str) -> Result<()> {
        self.click_usable(&button_xpath(scope, label)).await
    }

    /// Presses the visible, enabled button whose words contain `label` with the mouse and holds it for
    /// `hold` before letting go, as a person's press takes a moment: what the page does between the press
    /// and the release (a blur, and what answers it) happens before the click, as it does for a person.
    pub async fn press_button(&self, label: &str, hold: Duration) -> Result<()> {
        use fantoccini::actions::{InputSource, MouseActions, PointerAction, MOUSE_BUTTON_LEFT};
        let element = self.reachable(&button_xpath("", label)).await?;
        let press = MouseActions::new("mouse".into())
            .then(PointerAction::MoveToElement { element, duration: None, x: 0.0, y: 0.0 })
            .then(PointerAction::Down { button: MOUSE_BUTTON_LEFT })
            .then(PointerAction::Pause { duration: hold })
            .then(PointerAction::Up { button: MOUSE_BUTTON_LEFT });
        self.client()?.perform_actions(press).await?;
        self.client()?.release_actions().await?;
        Ok(())
    }

    /// Clicks the visible, enabled element matched by the XPath (a label, a radio button's row).
    pub async fn click(&self, xpath: &str) -> Result<()> {
        self.click_usable(xpath).await
    }

    /// Clicks what `xpath` matches once it is usable and a click would reach it. In a virtual list the row
    /// can also be rendered again (replaced, or hidden until measured) as it comes into view, and
    /// WebKitWebDriver then refuses the click as stale or not interactable: the element is found and
    /// clicked again, as a person clicks again on a row that moved under the pointer.
    async fn click_usable(&self, xpath: &str) -> Result<()> {
        let deadline = tokio::time::Instant::now() + STEP;
        loop {
            let element = self.reachable(xpath).await?;
            match element.click().await {
                Ok(()) => return Ok(()),
                Err(err)
                    if (err.is_element_not_interactable() || err.is_stale_element_reference())
                        && tokio::time::Instant::now() < deadline =>
                {
                    tokio::time::sleep(Duration::from_millis(150)).await;
                }
                Err(err) => return Err(err.into()),
            }
        }
    }

    /// What `xpath` matches, once it is usable, in the middle of the view, and where a click would reach it.
    async fn reachable(&self, xpath: &str) -> Result<Element> {
        let element = self.wait_for_usable(xpath).await?;
        self.scroll_to(&element).await?;
        self.wait_until_hit(&element).await?;
        Ok(element)
    }

    /// Ticks every checkbox matched by the XPath with a real click, then reads each one back: a box a
    /// click left unticked is clicked once more, and one still unticked after that is a failure.
    /// WebKitWebDriver now and then reports a click done that the page never received (seen once in a
    /// fresh-clone run: four boxes of five ticked), where a person would simply click again.
    pub async fn tick_all(&self, xpath: &str) -> Result<usize> {
        let found = self.client()?.find_all(Locator::XPath(xpath)).await?;
        for _round in 0..2 {
            for element in &found {
                if !is_checked(element).await? {
                    self.click_element(element).await?;
                }
            }
        }
        for (i, element) in found.iter().enumerate() {
            if !is_checked(element).await? {
                return Err(Failure::new(format!(
                    "checkbox {} of {} stayed unticked after two clicks",
                    i + 1,
                    found.len()
                )));
            }
        }
        Ok(found.len())
    }

    /// Types into the input with this id, replacing what it held.
    pub async fn fill(&self, id: &str, value: &str) -> Result<()> {
        let input = self.wait_for_css(&format!("#{id}"), STEP).await?;
        self.scroll_to(&input).await?;
        input.clear().await?;
        if input.prop("value").await?.unwrap_or_default() != "" {
            return Err(Failure::new(format!("could not clear #{id}")));
        }
        input.send_keys(value).await?;
        Ok(())
    }

    /// Sets a form control the way a person would: a select gets the option with this value chosen,
    /// anything else gets the text typed in.
    pub async fn set_field(&self, id: &str, value: &str) -> Result<()> {
        let control = self.wait_for_css(&format!("#{id}"), STEP).await?;
        if control.tag_name().await?.eq_ignore_ascii_case("select") {
            self.scroll_to(&control).await?;
            control.select_by_value(value).await?;
            Ok(())
        } else {
            self.fill(id, value).await
        }
    }

    /// Chooses the option with this visible label in the select with this id.
    pub async fn choose(&self, id: &str, label: &str) -> Result<()> {
        let select = self.wait_for_css(&format!("#{id}"), STEP).await?;
        self.scroll_to(&select).await?;
        select.select_by_label(label).await?;
        Ok(())
    }

    /// The current value of an input.
    pub async fn value(&self, id: &str) -> Result<String> {
        let input = self.wait_for_css(&format!("#{id}"), STEP).await?;
        Ok(input.prop("value").await?.unwrap_or_default())
    }

    /// Waits until the input with this id holds `expected` (a form that empties a field once its request is
    /// done, say).
    pub async fn wait_for_value(&self, id: &str, expected: &str) -> Result<()> {
        let deadline = tokio::time::Instant::now() + STEP;
        loop {
            let value = self.value(id).await?;
            if value == expected {
                return Ok(());
            }
            if tokio::time::Instant::now() > deadline {
                let _ = self.shot("failure").await;
                return Err(Failure::new(format!("#{id} still holds {} characters", value.len())));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The text of the element matched (CSS, or XPath when it starts with `/`), once it exists.
    pub async fn text_of(&self, css: &str) -> Result<String> {
        Ok(self.wait_for_css(css, STEP).await?.text().await?)
    }

    async fn wait_for_usable(&self, xpath: &str) -> Result<Element> {
        let deadline = tokio::time::Instant::now() + STEP;
        loop {
            for element in self.client()?.find_all(Locator::XPath(xpath)).await? {
                if element.is_displayed().await.unwrap_or(false) && element.is_enabled().await.unwrap_or(false) {
                    return Ok(element);
                }
            }
            if tokio::time::Instant::now() > deadline {
                let _ = self.shot("failure").await;
                let text = self.text().await.unwrap_or_default();
                return Err(Failure::new(format!("nothing usable matched {xpath}; the window shows:\n{text}")));
            }
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }

    async fn click_element(&self, element: &Element) -> Result<()> {
        self.scroll_to(element).await?;
        self.wait_until_hit(element).await?;
        element.click().await?;
        Ok(())
    }

    /// Waits, up to 2 s, until a click at the element's centre would reach it. A virtual list (virtua)
    /// turns pointer events off while it scrolls, so a click just after `scroll_to` lands on the list
    /// itself and WebKitWebDriver refuses it as not interactable; a person's click a moment later works.
    async fn wait_until_hit(&self, element: &Element) -> Result<()> {
        let arg = serde_json::to_value(element).map_err(|e| Failure::new(e.to_string()))?;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(2);
        loop {
            let hit = self
                .client()?
                .execute(
                    "const e = arguments[0]; const r = e.getBoundingClientRect();
                     const at = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
                     return at !== null && (at === e || e.contains(at));",
                    vec![arg.clone()],
                )
                .await?;
            if hit == json!(true) || tokio::time::Instant::now() > deadline {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Brings an element to the middle of the viewport first: WebKitWebDriver's click misses elements at
    /// the very edge of the viewport.
    async fn scroll_to(&self, element: &Element) -> Result<()> {
        let arg = serde_json::to_value(element).map_err(|e| Failure::new(e.to_string()))?;
        self.client()?.execute("arguments[0].scrollIntoView({block: 'center', inline: 'nearest'});", vec![arg]).await?;
        Ok(())
    }

    /// Runs script in the page (for reading state only; every action goes through real clicks and keys).
    pub async fn script(&self, script: &str) -> Result<serde_json::Value> {
        Ok(self.client()?.execute(script, vec![json!(null)]).await?)
    }
}

/// Whether a checkbox is ticked, as the page holds it (the `checked` property, not the attribute).
async fn is_checked(element: &Element) -> Result<bool> {
    Ok(element.prop("checked").await?.as_deref() == Some("true"))
}

/// The buttons whose words contain `label` inside what the XPath `scope` matches (the page when empty).
fn button_xpath(scope: &str, label: &str) -> String {
    format!("{scope}//button[contains(normalize-space(.), {})]", xpath_literal(label))
}

/// An XPath string literal for any text (XPath 1 has no escapes: quotes are joined with `concat`).
pub fn xpath_literal(text: &str) -> String {
    if !text.contains('\'') {
        format!("'{text}'")
    } else if !text.contains('"') {
        format!("\"{text}\"")
    } else {
        let parts: Vec<String> = text.split('\'').map(|p| format!("'{p}'")).collect();
        format!("concat({})", parts.join(", \"'\", "))
    }
}
