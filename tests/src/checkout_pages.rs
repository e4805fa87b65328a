//! The checkout pages a fill is proven on (`tests/fixtures/checkout/*.html`), served over HTTP on loopback
//! by the test itself: the shop's pages from 127.0.0.1, and the payment provider's card-field frames from
//! another port on 127.0.0.2, which is another origin *and* another site to Chromium, as Stripe's frames
//! are to a shop (so Chromium renders them in processes of their own).
//!
//! Each page is described here as the test reads it back: where its number, expiry and CVC fields are,
//! inside which frame, and the title Chromium's window takes from it.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use axum::extract::{Path as UrlPath, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use tokio::task::JoinHandle;

use crate::{Failure, Result};

/// The four checkouts people report fills failing on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checkout {
    /// One form: number, expiry as MM/YY, CVC.
    Plain,
    /// Month and year as two `<select>`s of MM and YY.
    Selects,
    /// The page groups the number and moves the focus by itself after 16 digits, and after a whole MM/YY.
    AutoAdvance,
    /// Number and CVC in cross-site iframes (as Stripe Elements mounts them), the expiry on the page.
    Iframes,
}

/// Where a field is: a CSS selector, inside the iframe matched by `frame` when there is one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub frame: Option<&'static str>,
    pub css: &'static str,
}

impl Field {
    const fn page(css: &'static str) -> Self {
        Self { frame: None, css }
    }

    const fn framed(frame: &'static str, css: &'static str) -> Self {
        Self { frame: Some(frame), css }
    }
}

/// The expiry: one field (`MM/YY`), or a month and a year field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpiryFields {
    One(Field),
    MonthYear(Field, Field),
}

/// A page's card fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CardFields {
    pub number: Field,
    pub expiry: ExpiryFields,
    pub cvc: Field,
}

impl Checkout {
    pub const ALL: [Checkout; 4] = [Self::Plain, Self::Selects, Self::AutoAdvance, Self::Iframes];

    /// The page's file under `tests/fixtures/checkout`.
    pub fn file(self) -> &'static str {
        match self {
            Self::Plain => "plain.html",
            Self::Selects => "selects.html",
            Self::AutoAdvance => "auto-advance.html",
            Self::Iframes => "iframes.html",
        }
    }

    /// The page's `<title>`, which Chromium's window title starts with.
    pub fn title(self) -> &'static str {
        match self {
            Self::Plain => "Checkout – Harbour Books",
            Self::Selects => "Checkout – Alpine Outfitters",
            Self::AutoAdvance => "Checkout – Night Train Tickets",
            Self::Iframes => "Checkout – Lighthouse Coffee",
        }
    }

    pub fn fields(self) -> CardFields {
        match self {
            Self::Plain => CardFields {
                number: Field::page("#cc-number"),
                expiry: ExpiryFields::One(Field::page("#cc-exp")),
                cvc: Field::page("#cc-csc"),
            },
            Self::Selects => CardFields {
                number: Field::page("#card-number"),
                expiry: ExpiryFields::MonthYear(Field::page("#exp-month"), Field::page("#exp-year")),
                cvc: Field::page("#cvc"),
            },
            Self::AutoAdvance => CardFields {
                number: Field::page("#number"),
                expiry: ExpiryFields::One(Field::page("#expiry")),
                cvc: Field::page("#cvc"),
            },
            Self::Iframes => CardFields {
                number: Field::framed("#card-number-element iframe", "input[name=cardnumber]"),
                expiry: ExpiryFields::One(Field::page("#exp")),
                cvc: Field::framed("#card-cvc-element iframe", "input[name=cvc]"),
            },
        }
    }
}

/// The two servers (the shop's and the provider's), stopped when dropped.
pub struct CheckoutPages {
    shop: String,
    provider: String,
    servers: Vec<JoinHandle<()>>,
}

impl CheckoutPages {
    /// Reads every page under `tests/fixtures/checkout` and serves them all from both origins.
    pub async fn start() -> Result<Self> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/checkout");
        let mut pages = HashMap::new();
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if let Some(name) = path.file_name().and_then(|n| n.to_str()).filter(|n| n.ends_with(".html")) {
                pages.insert(name.to_owned(), std::fs::read_to_string(&path)?);
            }
        }
        if pages.is_empty() {
            return Err(Failure::new(format!("no checkout page under {}", dir.display())));
        }
        let pages = Arc::new(pages);
        let (shop, shop_server) = serve("127.0.0.1", pages.clone()).await?;
        let (provider, provider_server) = serve("127.0.0.2", pages).await?;
        Ok(Self { shop, provider, servers: vec![shop_server, provider_server] })
    }

    /// The address of `checkout` on the shop's origin (the provider's origin in its query, for the frames).
    pub fn url(&self, checkout: Checkout) -> String {
        format!("{}/{}?provider={}", self.shop, checkout.file(), self.provider)
    }
}

impl Drop for CheckoutPages {
    fn drop(&mut self) {
        for server in &self.servers {
            server.abort();
        }
    }
}

/// Serves `pages` by name on a free port of `address`; answers the origin and the server's task.
async fn serve(address: &str, pages: Arc<HashMap<String, String>>) -> Result<(String, JoinHandle<()>)> {
    let listener = tokio::net::TcpListener::bind((address, 0))
        .await
        .map_err(|e| Failure::new(format!("could not listen on {address}: {e}")))?;
    let origin = format!("http://{}", listener.local_addr()?);
    let app = axum::Router::new().route("/{file}", axum::routing::get(page)).with_state(pages);
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok((origin, server))
}

async fn page(State(pages): State<Arc<HashMap<String, String>>>, UrlPath(file): UrlPath<String>) -> Response {
    match pages.get(&file) {
        Some(html) => ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html.clone()).into_response(),
        None => (StatusCode::NOT_FOUND, "no such page").into_response(),
    }
}
