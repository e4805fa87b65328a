//! Which key of the keyboard's current layout types a character, and whether it needs Shift: read from the
//! X server's core keyboard mapping once per fill.
//!
//! Why this is not left to enigo: enigo 0.6 uses a key only when the character is on its first level (its
//! `keysym_to_keycode` looks no further). Anything else, every digit on a French layout, it binds to a spare
//! keycode with `ChangeKeyboardMapping` right before pressing it. Every client then hears `MappingNotify`
//! and fetches the keymap again, and a client that reads the key press first (a browser on a busy machine)
//! finds nothing on that keycode and drops the digit: one digit of a card number went missing that way in
//! Chromium. Pressing the layout's own key with Shift held changes no mapping at all: the server puts Shift
//! in the key event's state, and the client reads it with the keymap it already has.
//!
//! Only what the core mapping says for certain is used: the two levels of the active group (the first two
//! groups are in the core mapping: `setxkbmap us,fr` with either active), pressed while Caps Lock is off (the
//! typist reads that state again before each key, since a person can switch either during a fill), with
//! Shift taken from the modifier map's Shift row. Anything else (a third layout active, Caps Lock on, a
//! character only on AltGr's levels) is left to enigo's binding. enigo itself reads only the first group: with
//! `us,fr` and French active it pressed the `us` keys for `4242/27`, and the page received `'é'é!éè`.
//!
//! A page sees what a person typing on that layout makes: on a French keyboard each digit's `keydown` has
//! `shiftKey` set, as it has when a person types it.

use std::collections::HashMap;

/// `NoSymbol`: an empty place in the mapping.
const NO_SYMBOL: u32 = 0;
/// The Lock bit of a core key state (Caps Lock on).
const LOCK: u16 = 1 << 1;
/// XKB puts the effective group into a core state's bits 13 and 14.
const GROUP_SHIFT: u16 = 13;

/// One key of the layout that types a character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LayoutKey {
    pub keycode: u8,
    /// The character is on the key's second level: Shift is held while it is pressed.
    pub shifted: bool,
}

/// The groups the core mapping shows: a key's first four places are two groups of two levels.
const GROUPS: usize = 2;

/// The keys of the current layout, as far as the core mapping tells them for certain.
#[derive(Debug, Default)]
pub struct LayoutKeys {
    /// For each of the first two groups (layouts, as in `setxkbmap us,fr`), the key for each character.
    groups: [HashMap<char, LayoutKey>; GROUPS],
    /// Shift's keycode, which the shifted keys are pressed with.
    shift: Option<u8>,
}

impl LayoutKeys {
    /// Reads the core mapping (`keysyms_per_keycode` places for each keycode from `min_keycode` on). `shift`
    /// is a keycode of the modifier map's Shift row (a key is Shift because it is there, not because of its
    /// keysym); without one only first levels are kept.
    pub fn read(min_keycode: u8, keysyms_per_keycode: u8, keysyms: &[u32], shift: Option<u8>) -> Self {
        let per = usize::from(keysyms_per_keycode);
        if per == 0 {
            return Self::default();
        }
        let place = |index: usize, at: usize| {
            if at < per {
                keysyms.get(index * per + at).copied().unwrap_or(NO_SYMBOL)
            } else {
                NO_SYMBOL
            }
        };
        // A key with nothing in a group's places has one group, which every group types (XKB wraps the
        // group into the key's range).
        let levels = |index: usize, group: usize| {
            let (first, second) = (place(index, 2 * group), place(index, 2 * group + 1));
            if first == NO_SYMBOL && second == NO_SYMBOL {
                (place(index, 0), place(index, 1))
            } else {
                (first, second)
            }
        };
        let keycodes = (0..keysyms.len() / per)
            .filter_map(|index| Some((index, min_keycode.checked_add(u8::try_from(index).ok()?)?)));
        let groups = std::array::from_fn(|group| {
            let mut keys = HashMap::new();
            // A character on a first level anywhere is typed there, even when another key has it on its second.
            for (index, keycode) in keycodes.clone() {
                if let Some(c) = character(levels(index, group).0) {
                    keys.entry(c).or_insert(LayoutKey { keycode, shifted: false });
                }
            }
            if shift.is_some() {
                for (index, keycode) in keycodes.clone() {
                    if let Some(c) = character(levels(index, group).1) {
                        keys.entry(c).or_insert(LayoutKey { keycode, shifted: true });
                    }
                }
            }
            keys
        });
        Self { groups, shift }
    }

    /// Shift's keycode; there is one whenever [`key_for`](Self::key_for) gives a shifted key.
    pub fn shift(&self) -> Option<u8> {
        self.shift
    }

    /// The key that types `c` in `group` (from [`plain_group`]), or `None` when the layout has none the core
    /// mapping vouches for.
    pub fn key_for(&self, c: char, group: usize) -> Option<LayoutKey> {
        self.groups.get(group)?.get(&c).copied()
    }
}

/// The group whose keys [`LayoutKeys::read`] gives, in this keyboard state (`QueryPointer`'s mask: the
/// effective group in bits 13 and 14), or `None` when the mapping does not say what a key types: Caps Lock
/// on, or a third or fourth group active.
pub fn plain_group(state: u16) -> Option<usize> {
    let group = usize::from((state >> GROUP_SHIFT) & 0b11);
    (state & LOCK == 0 && group < GROUPS).then_some(group)
}

/// The first keycode of the modifier map's Shift row (`GetModifierMapping`: eight rows of
/// `keycodes_per_modifier` keycodes, Shift first; 0 is an empty place).
pub fn shift_of(keycodes_per_modifier: u8, modifier_keycodes: &[u8]) -> Option<u8> {
    modifier_keycodes.iter().take(usize::from(keycodes_per_modifier)).copied().find(|&keycode| keycode != 0)
}

/// The character a keysym types, for the keysyms whose number is the character's own: printable ASCII and
/// Latin-1 (everything a fill types is ASCII). Others (function keys, keypad, dead keys) type none here.
fn character(keysym: u32) -> Option<char> {
    match keysym {
        0x20..=0x7e | 0xa0..=0xff => char::from_u32(keysym),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small French-like mapping from keycode 8: keys of two places each.
    fn french() -> Vec<u32> {
        vec![
            u32::from('&'),
            u32::from('1'), // 8
            0xe9,
            u32::from('2'), // 9: é, 2
            u32::from(':'),
            u32::from('/'), // 10
            u32::from('a'),
            u32::from('A'), // 11
            0xffe1,
            NO_SYMBOL, // 12: Shift_L
            0xffb1,
            0xff9c, // 13: the keypad's 1 and End, which are not characters
        ]
    }

    #[test]
    fn a_character_on_a_second_level_is_typed_with_shift_on_its_own_key() {
        let keys = LayoutKeys::read(8, 2, &french(), Some(12));
        assert_eq!(keys.key_for('1', 0), Some(LayoutKey { keycode: 8, shifted: true }));
        assert_eq!(keys.key_for('2', 0), Some(LayoutKey { keycode: 9, shifted: true }));
        assert_eq!(keys.key_for('/', 0), Some(LayoutKey { keycode: 10, shifted: true }));
        assert_eq!(keys.key_for('&', 0), Some(LayoutKey { keycode: 8, shifted: false }));
        assert_eq!(keys.key_for('é', 0), Some(LayoutKey { keycode: 9, shifted: false }));
        assert_eq!(keys.key_for('3', 0), None, "no key has it: left to enigo's binding");
        assert_eq!(keys.key_for('\u{ffb1}', 0), None, "a keypad keysym is not the character of its number");
        assert_eq!(keys.shift(), Some(12));
    }

    #[test]
    fn a_first_level_wins_over_a_second_level_elsewhere() {
        let mut mapping = french();
        mapping.extend([u32::from('1'), u32::from('!')]); // 14: 1 on a first level
        let keys = LayoutKeys::read(8, 2, &mapping, Some(12));
        assert_eq!(keys.key_for('1', 0), Some(LayoutKey { keycode: 14, shifted: false }));
    }

    #[test]
    fn without_shift_in_the_modifier_map_only_first_levels_are_used() {
        let keys = LayoutKeys::read(8, 2, &french(), None);
        assert_eq!((keys.key_for('1', 0), keys.shift()), (None, None));
        assert_eq!(keys.key_for('&', 0), Some(LayoutKey { keycode: 8, shifted: false }));
    }

    #[test]
    fn shift_is_the_first_key_of_the_modifier_maps_shift_row() {
        // Two keycodes per modifier: Shift's row, then Lock's, …
        assert_eq!(shift_of(2, &[0, 62, 66, 0]), Some(62));
        assert_eq!(shift_of(2, &[50, 62, 66, 0]), Some(50));
        assert_eq!(shift_of(2, &[0, 0, 66, 0]), None, "a key in Lock's row is not Shift");
        assert_eq!(shift_of(0, &[]), None);
        assert_eq!(shift_of(3, &[50]), Some(50));
    }

    #[test]
    fn the_state_gives_the_first_or_second_group_with_caps_lock_off() {
        assert_eq!(plain_group(0), Some(0));
        assert_eq!(plain_group(1 | 1 << 4), Some(0), "Shift and Num Lock do not change a group's two levels");
        assert_eq!(plain_group(1 << 13), Some(1));
        assert_eq!(plain_group(LOCK), None);
        assert_eq!(plain_group(LOCK | 1 << 13), None);
        assert_eq!(plain_group(2 << 13), None, "a third group is not in the core mapping");
        assert_eq!(plain_group(3 << 13), None);
    }

    #[test]
    fn a_second_group_has_its_own_keys_and_a_one_group_key_serves_both() {
        // Four places a key: us, then a second layout where the slash key types a period.
        let mapping = [
            u32::from('4'),
            u32::from('$'),
            u32::from('4'),
            u32::from('"'), // 8: 4 in both groups
            u32::from('/'),
            u32::from('?'),
            u32::from('.'),
            u32::from(','), // 9: / in us, . in the second
            u32::from('7'),
            u32::from('&'),
            u32::from('7'),
            u32::from('/'), // 10: / on the second group's Shift level
            0xffe1,
            NO_SYMBOL,
            NO_SYMBOL,
            NO_SYMBOL, // 11: Shift, one group
            u32::from(' '),
            NO_SYMBOL,
            NO_SYMBOL,
            NO_SYMBOL, // 12: space, one group
        ];
        let keys = LayoutKeys::read(8, 4, &mapping, Some(11));
        assert_eq!(keys.key_for('/', 0), Some(LayoutKey { keycode: 9, shifted: false }));
        assert_eq!(keys.key_for('/', 1), Some(LayoutKey { keycode: 10, shifted: true }));
        assert_eq!(keys.key_for('.', 1), Some(LayoutKey { keycode: 9, shifted: false }));
        assert_eq!(keys.key_for('.', 0), None);
        assert_eq!(keys.key_for(' ', 1), Some(LayoutKey { keycode: 12, shifted: false }));
        assert_eq!(keys.key_for('4', 2), None, "no third group");
        let two_places = LayoutKeys::read(8, 2, &french(), Some(12));
        assert_eq!(two_places.key_for('1', 1), Some(LayoutKey { keycode: 8, shifted: true }), "one group serves both");
    }

    #[test]
    fn a_mapping_of_any_shape_reads_without_a_panic() {
        for per in 0..4 {
            for len in 0..7 {
                let mapping: Vec<u32> = (0..len).map(|i| 0x30 + i).collect();
                let _ = LayoutKeys::read(250, per, &mapping, Some(255));
            }
        }
        let one_place = LayoutKeys::read(8, 1, &[u32::from('1'), 0xffe1], Some(9));
        assert_eq!(one_place.key_for('1', 0), Some(LayoutKey { keycode: 8, shifted: false }));
    }
}
