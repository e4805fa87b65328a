//! `wallet-core`: what the desktop wallet decides and shows, with no Tauri and no window in it.
//!
//! The Tauri shell (`src-tauri`) holds state and talks to the OS (keychain, clipboard, browser); this
//! crate holds the rules it applies and the views it sends to the web UI. Views carry only public or
//! masked data (`serde::Serialize` + `specta::Type` for the typed bindings); secrets stay in
//! `machines_api::SecretString` and never appear in a view unless a person asked to reveal them.

pub mod account;
pub mod activity;
pub mod activity_view;
pub mod address;
pub mod agreements_view;
pub mod app_view;
pub mod balances_view;
pub mod card_create;
pub mod card_draft;
pub mod card_edit;
pub mod card_view;
pub mod clipboard;
pub mod countries;
pub mod deposit_routes;
pub mod deposit_view;
pub mod environment;
pub mod error;
pub mod fill;
pub mod intents;
pub mod kyc_form;
pub mod kyc_tidy;
pub mod kyc_view;
pub mod limits;
pub mod links;
pub mod money;
pub mod paint_report;
pub mod panic;
pub mod partner_config;
pub mod pending_writes;
pub mod settings;
pub mod signin;
pub mod signin_view;
pub mod stage;
pub mod text;
pub mod unlock;
pub mod updates;
