//! Things to tell the person once ("A card you were creating when the app closed has been finished",
//! "Demo's saved data could not be read"), which the core learns at any moment: on start, while listing
//! cards, after saving settings. With a listener (the page's channel) a note goes to it at once; without
//! one, or when the page is gone, it waits to be taken with the next `app_state`. Each note is handed out
//! once either way, so the page never has to ask on a timer to learn of one.

use std::sync::{Mutex, MutexGuard, PoisonError};

use serde::Serialize;

/// Notes the core has for the page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct NotesUpdate {
    pub notes: Vec<String>,
}

type Listener = Box<dyn FnMut(NotesUpdate) -> bool + Send>;

#[derive(Default)]
struct Board {
    waiting: Vec<String>,
    listener: Option<Listener>,
}

/// The notes not yet told, and the page's listener if it has one.
#[derive(Default)]
pub struct Notes {
    board: Mutex<Board>,
}

impl std::fmt::Debug for Notes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let board = self.board();
        f.debug_struct("Notes")
            .field("waiting", &board.waiting.len())
            .field("listening", &board.listener.is_some())
            .finish()
    }
}

impl Notes {
    /// Starts with `waiting` (what start-up found) to tell.
    pub fn new(waiting: Vec<String>) -> Self {
        Self { board: Mutex::new(Board { waiting, listener: None }) }
    }

    /// The board even after a panic elsewhere: a list of sentences cannot be left half-changed.
    fn board(&self) -> MutexGuard<'_, Board> {
        self.board.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds notes: sent to the listener now if there is one that takes them, else kept for [`Self::take`].
    pub fn add(&self, notes: impl IntoIterator<Item = String>) {
        let mut board = self.board();
        board.waiting.extend(notes);
        Self::deliver(&mut board);
    }

    /// The notes not yet told (the page asks for them with the app's state), each handed out once.
    pub fn take(&self) -> Vec<String> {
        std::mem::take(&mut self.board().waiting)
    }

    /// The page listens (again, after a reload): what waits is sent at once, and every later note too.
    /// A listener that answers `false` (its page is gone) is dropped and the notes stay for the next one.
    pub fn listen(&self, sink: impl FnMut(NotesUpdate) -> bool + Send + 'static) {
        let mut board = self.board();
        board.listener = Some(Box::new(sink));
        Self::deliver(&mut board);
    }

    fn deliver(board: &mut Board) {
        if board.waiting.is_empty() {
            return;
        }
        let Some(listener) = board.listener.as_mut() else { return };
        if listener(NotesUpdate { notes: board.waiting.clone() }) {
            board.waiting.clear();
        } else {
            board.listener = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// What a listener heard, message by message.
    type Heard = Arc<Mutex<Vec<Vec<String>>>>;

    fn heard() -> (Heard, impl FnMut(NotesUpdate) -> bool + Send + 'static) {
        let heard = Arc::new(Mutex::new(Vec::new()));
        let log = heard.clone();
        (heard, move |update: NotesUpdate| {
            log.lock().unwrap().push(update.notes);
            true
        })
    }

    #[test]
    fn without_a_listener_notes_wait_to_be_taken_once() {
        let notes = Notes::new(vec!["started over".into()]);
        notes.add(["a card was finished".to_owned()]);
        assert_eq!(notes.take(), ["started over", "a card was finished"]);
        assert!(notes.take().is_empty(), "each note is handed out once");
    }

    #[test]
    fn a_listener_hears_what_waited_and_every_later_note_at_once() {
        let notes = Notes::new(vec!["started over".into()]);
        let (heard, sink) = heard();
        notes.listen(sink);
        notes.add(["a card was finished".to_owned()]);
        assert_eq!(*heard.lock().unwrap(), [vec!["started over".to_owned()], vec!["a card was finished".to_owned()]]);
        assert!(notes.take().is_empty(), "what was told is not told again");
    }

    #[test]
    fn a_gone_listener_is_dropped_and_the_note_waits_for_the_next_page() {
        let notes = Notes::default();
        notes.listen(|_| false);
        notes.add(["a card was finished".to_owned()]);
        let (heard, sink) = heard();
        notes.listen(sink);
        assert_eq!(*heard.lock().unwrap(), [vec!["a card was finished".to_owned()]]);
    }
}
