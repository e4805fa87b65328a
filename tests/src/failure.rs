//! One error for the harness: what went wrong, in words that make a failed end-to-end run readable.

use std::fmt;

#[derive(Debug)]
pub struct Failure(pub String);

pub type Result<T> = std::result::Result<T, Failure>;

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Failure {}

impl Failure {
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

impl From<std::io::Error> for Failure {
    fn from(err: std::io::Error) -> Self {
        Self(format!("i/o: {err}"))
    }
}

impl From<fantoccini::error::CmdError> for Failure {
    fn from(err: fantoccini::error::CmdError) -> Self {
        Self(format!("webdriver: {err} ({err:?})"))
    }
}

impl From<fantoccini::error::NewSessionError> for Failure {
    fn from(err: fantoccini::error::NewSessionError) -> Self {
        Self(format!("webdriver session: {err}"))
    }
}

impl From<reqwest::Error> for Failure {
    fn from(err: reqwest::Error) -> Self {
        Self(format!("http: {err}"))
    }
}

impl From<zbus::Error> for Failure {
    fn from(err: zbus::Error) -> Self {
        Self(format!("d-bus: {err}"))
    }
}

impl From<zbus::fdo::Error> for Failure {
    fn from(err: zbus::fdo::Error) -> Self {
        Self(format!("d-bus: {err}"))
    }
}
