//! Fill's X11 side against a real X server: the active window read with and without a window manager's
//! `_NET_ACTIVE_WINDOW`, its title and pid, our own window told apart, Escape taken from every app only
//! while a fill's reader lives, the Fill shortcut taken, pressed and given back, a held modifier seen, and keys typed through XTEST arriving in the
//! focused window, on a US and a French layout (Shift on the layout's own keys; with Caps Lock on, spare
//! keys, given back after).
//!
//! It starts its own Xvfb, so it is ignored in plain `cargo test` (run it with `--ignored`; it fails when
//! Xvfb is not installed). One test function: it points `DISPLAY` at that server before anything reads it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly by design

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use enigo::{Direction, Enigo, Key, Keyboard, Settings};
use machines_wallet::fill::shortcut::{self, Shortcuts};
use machines_wallet::fill::typist::XtestKeyboard;
use machines_wallet::fill::x11_window::X11Windows;
use machines_wallet::fill::{ActiveWindows, OwnWindows};
use wallet_core::fill::KeySink;
use x11rb::connection::Connection;
use x11rb::protocol::xproto::{
    AtomEnum, ConnectionExt, CreateWindowAux, EventMask, GrabMode, InputFocus, ModMask, PropMode, Window, WindowClass,
};
use x11rb::protocol::Event;
use x11rb::rust_connection::RustConnection;
use x11rb::wrapper::ConnectionExt as _;

/// An Xvfb of this test's own, stopped when dropped.
struct Xvfb(Child);

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts Xvfb on a free display number, which Xvfb picks itself and reports on `-displayfd`. Not picked
/// here by looking for lock files: Xvfb, stopped by `kill`, leaves its lock behind, which Xvfb itself knows to
/// be stale (no such process) and a scan of `/tmp` does not, so every run used up a number.
fn xvfb() -> (Xvfb, String) {
    let mut child = Command::new("Xvfb")
        .args(["-displayfd", "1", "-screen", "0", "800x600x24", "-nolisten", "tcp"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("Xvfb could not be started: install it (Debian: xvfb)");
    let stdout = child.stdout.take().expect("Xvfb's stdout");
    let server = Xvfb(child);
    let (sent, reported) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line);
        let _ = sent.send(line);
    });
    let line = reported.recv_timeout(Duration::from_secs(10)).expect("Xvfb did not report a display within 10 s");
    let number: u32 = line.trim().parse().unwrap_or_else(|_| panic!("Xvfb reported {line:?} for its display"));
    (server, format!(":{number}"))
}

fn atom(conn: &RustConnection, name: &str) -> u32 {
    conn.intern_atom(false, name.as_bytes()).unwrap().reply().unwrap().atom
}

/// A top-level window with a title and a pid, as a toolkit would make it.
fn window(conn: &RustConnection, parent: Window, utf8_title: Option<&str>, latin1_title: &[u8], pid: u32) -> Window {
    let id = conn.generate_id().unwrap();
    let aux = CreateWindowAux::new().event_mask(EventMask::KEY_PRESS);
    conn.create_window(0, id, parent, 0, 0, 200, 100, 0, WindowClass::INPUT_OUTPUT, 0, &aux).unwrap().check().unwrap();
    if let Some(title) = utf8_title {
        let (name, utf8) = (atom(conn, "_NET_WM_NAME"), atom(conn, "UTF8_STRING"));
        conn.change_property8(PropMode::REPLACE, id, name, utf8, title.as_bytes()).unwrap();
    }
    conn.change_property8(PropMode::REPLACE, id, AtomEnum::WM_NAME, AtomEnum::STRING, latin1_title).unwrap();
    conn.change_property32(PropMode::REPLACE, id, atom(conn, "_NET_WM_PID"), AtomEnum::CARDINAL, &[pid]).unwrap();
    conn.map_window(id).unwrap().check().unwrap();
    id
}

fn focus(conn: &RustConnection, window: Window) {
    conn.set_input_focus(InputFocus::PARENT, window, x11rb::CURRENT_TIME).unwrap().check().unwrap();
}

/// Whether another client can take plain Escape now (it cannot while a fill's reader holds it).
fn escape_is_free(conn: &RustConnection, root: Window, escape: u8) -> bool {
    key_is_free(conn, root, ModMask::default(), escape)
}

/// Whether another client can take `key` with `modifiers` now.
fn key_is_free(conn: &RustConnection, root: Window, modifiers: ModMask, key: u8) -> bool {
    let free = conn.grab_key(false, root, modifiers, key, GrabMode::ASYNC, GrabMode::ASYNC).unwrap().check().is_ok();
    if free {
        conn.ungrab_key(key, root, modifiers).unwrap().check().unwrap();
    }
    free
}

/// The key whose first level is `letter` in `mapping`.
fn keycode_of(conn: &RustConnection, mapping: &(u8, Vec<u32>), letter: char) -> u8 {
    let index = mapping.1.iter().step_by(usize::from(mapping.0)).position(|&k| k == u32::from(letter)).unwrap();
    conn.setup().min_keycode + u8::try_from(index).unwrap()
}

/// Ctrl+Alt and a letter, pressed through XTEST.
fn press_ctrl_alt(letter: char) {
    let mut enigo = Enigo::new(&Settings::default()).unwrap();
    enigo.key(Key::Control, Direction::Press).unwrap();
    enigo.key(Key::Alt, Direction::Press).unwrap();
    enigo.key(Key::Unicode(letter), Direction::Click).unwrap();
    enigo.key(Key::Alt, Direction::Release).unwrap();
    enigo.key(Key::Control, Direction::Release).unwrap();
}

/// The keyboard mapping: keysyms per keycode, and the keysyms from the lowest keycode on.
fn keyboard_mapping(conn: &RustConnection) -> (u8, Vec<u32>) {
    let setup = conn.setup();
    let (min, max) = (setup.min_keycode, setup.max_keycode);
    let mapping = conn.get_keyboard_mapping(min, max - min + 1).unwrap().reply().unwrap();
    (mapping.keysyms_per_keycode, mapping.keysyms)
}

/// The characters of the key presses `window` received, read through `mapping` as the core protocol reads
/// a key in `group` (a key with nothing in that group's two places has one group): its second level with
/// Shift in the event's state (when it has one), else its first. The group is the caller's: the server
/// leaves it out of key events to a client that has not asked for XKB, as this one has not.
fn typed_into(conn: &RustConnection, window: Window, mapping: &(u8, Vec<u32>), group: usize) -> String {
    let min = conn.setup().min_keycode;
    let per_key = usize::from(mapping.0);
    let mut text = String::new();
    let deadline = Instant::now() + Duration::from_secs(2);
    while Instant::now() < deadline {
        match conn.poll_for_event().unwrap() {
            Some(Event::KeyPress(key)) if key.event == window => {
                let places = &mapping.1[usize::from(key.detail - min) * per_key..][..per_key];
                let place = |at: usize| places.get(at).copied().unwrap_or(0);
                let (mut first, mut second) = (place(2 * group), place(2 * group + 1));
                if first == 0 && second == 0 {
                    (first, second) = (place(0), place(1));
                }
                let shifted = u16::from(key.state) & u16::from(ModMask::SHIFT) != 0;
                let keysym = if shifted && second != 0 { second } else { first };
                match keysym {
                    0xff09 => text.push('\t'),
                    // Shift, Control, Caps Lock, Alt and the rest: a state for the next key, no character; and a
                    // key bound for a moment and given back (the group switch below).
                    0xffe1..=0xffee | 0 => {}
                    printable => text.push(char::from_u32(printable).unwrap_or('?')),
                }
            }
            Some(_) => {}
            None => std::thread::sleep(Duration::from_millis(10)),
        }
    }
    text
}

#[test]
#[ignore = "starts its own Xvfb"]
fn the_x11_side_of_fill_on_a_real_x_server() {
    let (_server, display) = xvfb();
    std::env::set_var("DISPLAY", &display);
    std::env::remove_var("WAYLAND_DISPLAY");
    let (conn, screen) = x11rb::connect(Some(&display)).unwrap();
    let root = conn.setup().roots[screen].root;
    let ours = std::process::id();

    // No window manager: the focused window, walked up to the top level.
    let wallet = window(&conn, root, Some("Machines Wallet"), b"Machines Wallet", ours);
    let shop = window(&conn, root, Some("Caisse \u{2013} Paiement"), b"Caisse - Paiement (latin-1)", 4231);
    let field = window(&conn, shop, None, b"", 4231);
    let mut reader = X11Windows::connect().unwrap();
    assert!(reader.has_xtest());
    focus(&conn, wallet);
    let active = reader.active().unwrap().unwrap();
    let by_pid_only = OwnWindows::default();
    assert_eq!(
        (active.id, active.title.as_deref(), active.is_ours(&by_pid_only)),
        (wallet, Some("Machines Wallet"), true)
    );
    focus(&conn, field);
    let active = reader.active().unwrap().unwrap();
    assert_eq!(active.id, shop, "a focused child window stands for its top-level window");
    assert_eq!(active.title.as_deref(), Some("Caisse \u{2013} Paiement"), "the UTF-8 title wins over WM_NAME");
    assert!(!active.is_ours(&by_pid_only));
    // A window that names no pid, known by its client leader: the leader read is the one set.
    let leader = atom(&conn, "WM_CLIENT_LEADER");
    let dialog = window(&conn, root, Some("Save"), b"Save", 0);
    conn.delete_property(dialog, atom(&conn, "_NET_WM_PID")).unwrap().check().unwrap();
    conn.change_property32(PropMode::REPLACE, dialog, leader, AtomEnum::WINDOW, &[wallet]).unwrap().check().unwrap();
    focus(&conn, dialog);
    let active = reader.active().unwrap().unwrap();
    assert_eq!((active.id, active.pid, active.leader), (dialog, None, Some(wallet)));
    assert!(!active.is_ours(&by_pid_only), "the control: without our ids it passes");
    assert!(active.is_ours(&OwnWindows { ids: vec![wallet], titles: Vec::new() }));

    // A window manager's word wins over the focus.
    let net_active = atom(&conn, "_NET_ACTIVE_WINDOW");
    conn.change_property32(PropMode::REPLACE, root, net_active, AtomEnum::WINDOW, &[wallet]).unwrap().check().unwrap();
    assert_eq!(reader.active().unwrap().unwrap().id, wallet);
    conn.change_property32(PropMode::REPLACE, root, net_active, AtomEnum::WINDOW, &[0]).unwrap().check().unwrap();
    assert_eq!(reader.active().unwrap(), None, "0 is the desktop: no window");
    conn.delete_property(root, net_active).unwrap().check().unwrap();

    // Escape: taken from every app while the reader lives, pressed anywhere it comes to the reader,
    // given back when the reader goes.
    let escape = 9;
    assert!(escape_is_free(&conn, root, escape), "the control: nobody holds Escape yet");
    // A window manager that binds Alt+Escape, as openbox does.
    let (window_manager, _) = x11rb::connect(Some(&display)).unwrap();
    window_manager
        .grab_key(false, root, ModMask::M1, escape, GrabMode::ASYNC, GrabMode::ASYNC)
        .unwrap()
        .check()
        .unwrap();
    reader.take_escape().unwrap();
    assert!(!escape_is_free(&conn, root, escape), "the reader did not take Escape");
    assert!(!reader.escape_pressed());
    let mut enigo = Enigo::new(&Settings::default()).unwrap();
    enigo.key(Key::Escape, Direction::Click).unwrap();
    drop(enigo);
    reader.active().unwrap();
    assert!(reader.escape_pressed(), "Escape pressed in the shop's window did not reach the reader");
    drop(reader);
    let deadline = Instant::now() + Duration::from_secs(2);
    while !escape_is_free(&conn, root, escape) {
        assert!(Instant::now() < deadline, "Escape stayed taken after the fill's reader was dropped");
        std::thread::sleep(Duration::from_millis(20));
    }

    // The Fill shortcut: taken from every app once registered, its press handed to the handler, and free
    // again as soon as it is given back (global-hotkey's ungrab flushed by the second unregister).
    let (sender, presses) = std::sync::mpsc::channel();
    let shortcuts = Shortcuts::start(move || sender.send(()).unwrap()).unwrap();
    let (ctrl_alt, us) = (ModMask::CONTROL | ModMask::M1, keyboard_mapping(&conn));
    let keycode = |letter: char| keycode_of(&conn, &us, letter);
    let (f, g) = (keycode('f'), keycode('g'));
    assert!(key_is_free(&conn, root, ctrl_alt, f), "the control: nobody holds Ctrl+Alt+F yet");
    shortcuts.register_fill(shortcut::parse("Ctrl+Alt+F").unwrap()).unwrap();
    assert!(!key_is_free(&conn, root, ctrl_alt, f), "the Fill shortcut was not taken");
    press_ctrl_alt('f');
    presses.recv_timeout(Duration::from_secs(2)).expect("a press of the Fill shortcut did not reach the handler");
    // Changed to Ctrl+Alt+G as Settings does it: the new one first, then the old one given back.
    // Between the two, both are taken, and only the new one fills: F pressed, then G, makes one press (if
    // F filled too, its press would come first, and G's right after it).
    shortcuts.register_fill(shortcut::parse("Ctrl+Alt+G").unwrap()).unwrap();
    assert!(!key_is_free(&conn, root, ctrl_alt, g), "Ctrl+Alt+G was not taken");
    assert!(!key_is_free(&conn, root, ctrl_alt, f), "Ctrl+Alt+F was given back before the switch was done");
    press_ctrl_alt('f');
    press_ctrl_alt('g');
    presses.recv_timeout(Duration::from_secs(2)).expect("a press of the new Fill shortcut did not reach the handler");
    assert!(presses.recv_timeout(Duration::from_millis(300)).is_err(), "the old shortcut still fills");
    shortcuts.give_back(shortcut::parse("Ctrl+Alt+F").unwrap()).unwrap();
    assert!(key_is_free(&conn, root, ctrl_alt, f), "Ctrl+Alt+F stayed taken after it was given back");
    // A combination another app holds, with Caps Lock on only: refused in words, no part of it kept (the
    // variants without Caps Lock, taken before the refusal, are free again), and the shortcut before stays.
    let h = keycode('h');
    let caps = ctrl_alt | ModMask::LOCK;
    window_manager.grab_key(false, root, caps, h, GrabMode::ASYNC, GrabMode::ASYNC).unwrap().check().unwrap();
    let why = shortcuts.register_fill(shortcut::parse("Ctrl+Alt+H").unwrap()).unwrap_err();
    assert!(why.contains("Another app already uses this key combination"), "{why}");
    assert!(key_is_free(&conn, root, ctrl_alt, h), "a refused shortcut kept part of its key");
    press_ctrl_alt('g');
    presses.recv_timeout(Duration::from_secs(2)).expect("after a refusal the shortcut before no longer fills");
    window_manager.ungrab_key(h, root, caps).unwrap().check().unwrap();
    shortcuts.give_back(shortcut::parse("Ctrl+Alt+G").unwrap()).unwrap();
    assert!(key_is_free(&conn, root, ctrl_alt, g), "Ctrl+Alt+G stayed taken after it was given back");
    assert!(Shortcuts::start(|| ()).is_err(), "a second start would lose its presses to the first handler");

    // A modifier held down (Shift, through XTEST) is seen; let go, it is not.
    let mut reader = X11Windows::connect().unwrap();
    assert!(!reader.modifiers_held().unwrap(), "the control: nothing is held yet");
    let mut enigo = Enigo::new(&Settings::default()).unwrap();
    enigo.key(Key::Shift, Direction::Press).unwrap();
    assert!(reader.modifiers_held().unwrap(), "Shift held down was not seen");
    enigo.key(Key::Shift, Direction::Release).unwrap();
    assert!(!reader.modifiers_held().unwrap());
    drop((enigo, reader));

    // The keys: through XTEST into the focused window.
    focus(&conn, shop);
    conn.flush().unwrap();
    let mut keyboard = XtestKeyboard::connect().unwrap();
    for c in "4242424242424242".chars() {
        keyboard.char(c).unwrap();
    }
    keyboard.tab().unwrap();
    for c in "05/27".chars() {
        keyboard.char(c).unwrap();
    }
    drop(keyboard);
    assert_eq!(typed_into(&conn, shop, &keyboard_mapping(&conn), 0), "4242424242424242\t05/27");

    // A French layout, where digits need Shift: the typist presses the layout's own keys with Shift held and
    // changes no mapping, so a window reading the keys with the mapping it had before the fill (as a busy
    // browser does until it has taken in a change) gets every digit.
    let layout = Command::new("setxkbmap").args(["-display", display.as_str(), "fr"]).status();
    assert!(layout.expect("setxkbmap could not be run: install x11-xkb-utils").success());
    let french = keyboard_mapping(&conn);
    // The crate grabs the key that prints the shortcut's letter in the layout of the moment, not the key in
    // that letter's US place: on AZERTY, Ctrl+Alt+A is the key right of Tab (US Q). So Settings names the
    // letter a pressed key prints (`ui/src/lib/shortcut.ts`).
    let a_here = keycode_of(&conn, &french, 'a');
    assert_eq!(a_here, keycode_of(&conn, &us, 'q'), "the control: AZERTY's A is where US has Q");
    shortcuts.register_fill(shortcut::parse("Ctrl+Alt+A").unwrap()).unwrap();
    assert!(!key_is_free(&conn, root, ctrl_alt, a_here), "Ctrl+Alt+A did not take the key that prints A");
    assert!(key_is_free(&conn, root, ctrl_alt, keycode_of(&conn, &us, 'a')), "Ctrl+Alt+A took US A's place");
    shortcuts.give_back(shortcut::parse("Ctrl+Alt+A").unwrap()).unwrap();
    drop(shortcuts);
    let mut keyboard = XtestKeyboard::connect().unwrap();
    for c in "4242/27".chars() {
        keyboard.char(c).unwrap();
    }
    assert!(keyboard_mapping(&conn) == french, "the fill changed the keyboard's mapping");
    let mut reader = X11Windows::connect().unwrap();
    assert!(!reader.modifiers_held().unwrap(), "Shift was left held after the digits");
    drop((keyboard, reader));
    assert_eq!(typed_into(&conn, shop, &french, 0), "4242/27");

    // With Caps Lock on, a key's levels in the core mapping are not what it types: the typist leaves the
    // digits to enigo, which binds them to spare keys for the fill (the same keysym on both levels, which
    // Caps Lock cannot change) and gives those back when it is dropped. Caps Lock goes on after the keyboard
    // connected, as when a person presses it during a fill's countdown: the state is read before each key.
    let mut keyboard = XtestKeyboard::connect().unwrap();
    let mut enigo = Enigo::new(&Settings::default()).unwrap();
    enigo.key(Key::CapsLock, Direction::Click).unwrap();
    for c in "4242/27".chars() {
        keyboard.char(c).unwrap();
    }
    let while_typing = keyboard_mapping(&conn);
    assert!(while_typing != french, "the control: the digits were bound to spare keys");
    drop(keyboard);
    assert_eq!(typed_into(&conn, shop, &while_typing, 0), "4242/27");
    assert!(keyboard_mapping(&conn) == french, "the spare keys stayed bound after the fill");
    enigo.key(Key::CapsLock, Direction::Click).unwrap();
    drop(enigo);

    // Two layouts, the second active (`us,fr`, then the next group locked): its keys are pressed, and the
    // mapping does not change. (enigo reads only the first group: left to it, the `us` keys were pressed
    // and `fr` typed "'é'é!éè".)
    let layouts = Command::new("setxkbmap").args(["-display", display.as_str(), "-layout", "us,fr"]).status();
    assert!(layouts.expect("setxkbmap could not be run").success());
    let mut enigo = Enigo::new(&Settings::default()).unwrap();
    enigo.key(Key::Other(0xfe08), Direction::Click).unwrap(); // ISO_Next_Group
    drop(enigo);
    let two = keyboard_mapping(&conn);
    let group = u16::from(conn.query_pointer(root).unwrap().reply().unwrap().mask) >> 13 & 0b11;
    assert_eq!(group, 1, "the control: the second layout is active");
    let mut keyboard = XtestKeyboard::connect().unwrap();
    for c in "4242/27".chars() {
        keyboard.char(c).unwrap();
    }
    assert!(keyboard_mapping(&conn) == two, "the fill changed the keyboard's mapping");
    drop(keyboard);
    assert_eq!(typed_into(&conn, shop, &two, 1), "4242/27");
}
