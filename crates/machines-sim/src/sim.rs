//! The shared simulator object and the request view handlers get.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::http::{HeaderMap, Method};
use serde_json::{Map, Value};

use crate::clock::SimClock;
use crate::config::SimConfig;
use crate::faults::FaultBook;
use crate::reply::Reply;
use crate::state::{State, User};
use crate::store::Saved;

/// One simulator: configuration, clock, state and the faults to inject.
pub struct Sim {
    pub config: SimConfig,
    pub clock: SimClock,
    pub state: Mutex<State>,
    pub faults: Mutex<FaultBook>,
    /// `http://127.0.0.1:PORT`: where verification links point.
    pub origin: String,
    /// Where the state is saved between runs, if it is (Demo mode).
    pub saved: Option<Saved>,
    /// Signalled each time the state is taken for a request, so the saver knows something may have changed.
    pub touched: tokio::sync::Notify,
}

impl Sim {
    #[cfg(test)]
    pub fn new(config: SimConfig, origin: String) -> Self {
        let state = State::new(&config.partner_keys, config.seed);
        Self::from_parts(config, origin, state, None)
    }

    /// A simulator over a given starting state (one read back from disk, say).
    pub fn from_parts(config: SimConfig, origin: String, state: State, saved: Option<Saved>) -> Self {
        let faults = FaultBook::new(config.faults.clone(), config.seed ^ 0x5eed);
        Self {
            config,
            clock: SimClock::default(),
            state: Mutex::new(state),
            faults: Mutex::new(faults),
            origin,
            saved,
            touched: tokio::sync::Notify::new(),
        }
    }

    /// Writes the state to its file now if it is saved and changed; says whether it wrote.
    pub fn save_now(&self) -> std::io::Result<bool> {
        match &self.saved {
            Some(saved) => saved.save(&self.state),
            None => Ok(false),
        }
    }

    /// Runs every timed transition of `user` up to now: KYC approvals, deposit completions, spend posting.
    pub fn tick(&self, st: &mut State, owner: &crate::state::Owner) {
        let now = self.clock.now();
        let next_tx = st.next_tx;
        let Some(user) = st.user_mut(owner) else { return };
        let mut ids = next_tx;
        crate::transitions::run(user, now, &self.config, &mut ids);
        st.next_tx = ids;
    }
}

/// What a handler sees of a request.
pub struct Req<'a> {
    pub method: &'a Method,
    /// The path below `/partner/v1`, e.g. `/cards/abc/secrets`.
    pub path: &'a str,
    pub params: &'a HashMap<String, String>,
    pub query: &'a HashMap<String, String>,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
}

impl Req<'_> {
    /// A path parameter (always present for the routes that declare it).
    pub fn param(&self, name: &str) -> &str {
        self.params.get(name).map(String::as_str).unwrap_or_default()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The JSON body as an object; an empty body counts as `{}`.
    pub fn json(&self) -> Result<Map<String, Value>, Reply> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Map::new());
        }
        match serde_json::from_slice::<Value>(self.body) {
            Ok(Value::Object(map)) => Ok(map),
            Ok(_) => Err(Reply::bad_request("the body must be a JSON object")),
            Err(_) => Err(Reply::bad_request("the body is not valid JSON")),
        }
    }
}

/// Helpers shared by handlers for looking at a user.
pub fn user<'a>(st: &'a mut State, owner: &crate::state::Owner) -> Result<&'a mut User, Reply> {
    st.user_mut(owner).ok_or_else(|| Reply::unauthorized("unknown user"))
}
