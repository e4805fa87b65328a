//! Fill in a real browser (issue 18).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use machines_wallet_e2e::checkout_pages::{Checkout, CheckoutPages, ExpiryFields};
use machines_wallet_e2e::chromium::Chromium;
use machines_wallet_e2e::display::Display;
use machines_wallet_e2e::window_manager::WindowManager;

/// A test card number (Stripe's), for the pages' own check: no card of the app's.
const TEST_NUMBER: &str = "4242424242424242";

/// The pages, typed into with real keystrokes (xdotool's XTEST, the same path the app's typing takes) and
/// read back through ChromeDriver: what the fill tests below trust. The plain, selects and iframes pages
/// take a number, Tab, expiry, Tab, CVC; the auto-advance page moves the focus by itself, so a Tab sent
/// after its 16th digit lands past the expiry, which is why a fill there goes one field per press.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb, openbox, xdotool, Chromium and ChromeDriver: scripts/test runs it"]
async fn checkout_pages_take_real_keystrokes_as_the_checkouts_they_stand_for() {
    let marker = format!("checkout-pages-{}", std::process::id());
    let display = Display::start(&marker).await.unwrap();
    let wm = WindowManager::start(&display).await.unwrap();
    let pages = CheckoutPages::start().await.unwrap();
    let chromium = Chromium::start(&display).await.unwrap();
    let window = chromium.window(&display).await.unwrap();

    for checkout in Checkout::ALL {
        chromium.open(&pages.url(checkout)).await.unwrap();
        let fields = checkout.fields();
        if checkout == Checkout::Iframes {
            // The provider's frames are another site: the shop's page cannot reach into them.
            let reachable = "return [...document.querySelectorAll('iframe')].map(f => f.contentDocument !== null)";
            let reachable = chromium.client().unwrap().execute(reachable, vec![]).await.unwrap();
            assert_eq!(reachable, serde_json::json!([false, false]), "two cross-site frames");
        }
        chromium.click_into(&fields.number).await.unwrap();
        display.activate(&window).await.unwrap();
        let title = display.window_title(&window).await.unwrap();
        assert!(title.starts_with(checkout.title()), "Chromium's window is titled after the page: {title:?}");
        assert_eq!(display.active_window().await.unwrap().as_deref(), Some(window.as_str()));

        match checkout {
            Checkout::AutoAdvance => {
                display.type_text(TEST_NUMBER, 25).await.unwrap();
                assert_eq!(chromium.focused().await.unwrap(), "expiry", "the page moved on after 16 digits");
                display.type_text("05/27", 25).await.unwrap();
                assert_eq!(chromium.focused().await.unwrap(), "cvc", "and after a whole MM/YY");
                display.type_text("123", 25).await.unwrap();
            }
            Checkout::Selects => display.type_text(&format!("{TEST_NUMBER}\t05\t27\t123"), 40).await.unwrap(),
            Checkout::Plain | Checkout::Iframes => {
                display.type_text(&format!("{TEST_NUMBER}\t05/27\t123"), 40).await.unwrap()
            }
        }
        // Typed and read back: exactly the digits (a page that groups them adds its spaces).
        let number = chromium.value(&fields.number).await.unwrap();
        assert_eq!(number.replace(' ', ""), TEST_NUMBER, "{checkout:?}: the number field holds {number:?}");
        match fields.expiry {
            ExpiryFields::One(expiry) => assert_eq!(chromium.value(&expiry).await.unwrap(), "05/27", "{checkout:?}"),
            ExpiryFields::MonthYear(month, year) => {
                assert_eq!(chromium.value(&month).await.unwrap(), "05", "{checkout:?}: the month select");
                assert_eq!(chromium.value(&year).await.unwrap(), "27", "{checkout:?}: the year select");
            }
        }
        assert_eq!(chromium.value(&fields.cvc).await.unwrap(), "123", "{checkout:?}");
        assert!(!chromium.submitted().await.unwrap(), "{checkout:?}: nothing submitted the form");
    }

    // The auto-advance page again, typed as a sequence fill with Tabs would type it: the Tab after the
    // number goes from the expiry (where the page had put the focus) on to the CVC.
    chromium.open(&pages.url(Checkout::AutoAdvance)).await.unwrap();
    chromium.click_into(&Checkout::AutoAdvance.fields().number).await.unwrap();
    display.activate(&window).await.unwrap();
    display.type_text(&format!("{TEST_NUMBER}\t"), 25).await.unwrap();
    assert_eq!(chromium.focused().await.unwrap(), "cvc", "a Tab after the 16th digit skips the expiry");

    chromium.quit().await.unwrap();
    wm.stop().await.unwrap();
}
