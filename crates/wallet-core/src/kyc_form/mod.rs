//! The KYC form, built at run time from `GET /kyc/values`.
//!
//! The server's field list is the source of truth (spec Q12: `nationalId` is required in one place and
//! optional in another), so nothing here hard-codes which fields exist: every field the server sends is
//! shown, including ones this version has never heard of. Names are only used to pick better labels and
//! the checks the guide states in words (email, country code, digits-only phone, date of birth).
//!
//! Three things cross the IPC boundary, and none of them carries a value the person typed:
//! - [`FormDefinition`] goes out to the webview (the inputs to draw);
//! - [`FormValues`] comes in from the webview and stays in Rust as [`SecretString`]s (it holds a national
//!   id, so it is never written to disk, logged or sent back);
//! - [`FieldProblem`]s go out (which input to mark, and a sentence saying why, never quoting the value).
//!
//! One file per job: [`definition`] builds the form, [`words`] names its inputs, [`values`] holds what
//! was typed, [`checks`] (with [`pattern`] for the server's regexes) checks it, and [`submit`] sends it
//! and reads the server's answer.

mod checks;
mod definition;
#[cfg(test)]
mod fixtures;
mod pattern;
mod submit;
mod values;
mod words;

pub(crate) use checks::member_path;
pub use checks::validate;
pub use definition::{FieldDef, FieldKind, FieldOption, FieldProblem, FormDefinition};
pub(crate) use pattern::ClassPattern;
pub use submit::{server_errors, to_application};
pub use values::FormValues;
pub use words::label_for;
