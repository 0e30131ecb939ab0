//! Draw once, fill many times: markup with holes, and a small per-instance
//! store to keep it in.
//!
//! Most of a badge does not depend on the count: a theme's art depends on
//! how many digits it shows, not which. Rendering that art for every count
//! wastes nearly all the time of a call. Instead, render it once with
//! [`hole`] markers where the digits and the title go, [`Template::parse`]
//! it, keep it in a [`Memo`], and [`Template::fill`] it per call.
//!
//! ```
//! use waymark_plugin_sdk::template::{hole, Memo, Template};
//!
//! const TITLE: usize = 0;
//! thread_local! {
//!     static ART: Memo<usize, Template> = Memo::new(16);
//! }
//!
//! let digits = 7;
//! let art = ART.with(|memo| {
//!     memo.get_or_try_insert(digits, || -> Result<_, String> {
//!         Ok(Template::parse(&format!("<svg><title>{}</title>…</svg>", hole(TITLE))))
//!     })
//! }).unwrap();
//! let mut svg = String::new();
//! art.fill(&mut svg, |_, out| out.push_str("views: 0000042"));
//! assert_eq!(svg, "<svg><title>views: 0000042</title>…</svg>");
//! ```
//!
//! Plugin instances may be recycled at any time, so a memo is only a cache:
//! results must not depend on what it holds.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::Hash;
use std::rc::Rc;

/// The first of the private-use characters that mark holes. Nothing a
/// renderer writes itself contains them, and text from the request only
/// enters at fill time, after the markup was split.
const FIRST_HOLE: u32 = 0xE000;

/// How many distinct holes a template can have.
pub const MAX_HOLES: usize = 256;

/// The marker for hole `index` (`index` below [`MAX_HOLES`]; larger values
/// wrap around).
pub fn hole(index: usize) -> char {
    char::from_u32(FIRST_HOLE + (index % MAX_HOLES) as u32).unwrap_or('\u{e000}')
}

/// Whether `c` is a hole marker. Text from outside (a request's label)
/// must never carry one into markup: [`crate::svg::escape_text`] and
/// [`crate::svg::escape_attr`] write them as character references.
pub fn is_marker(c: char) -> bool {
    hole_index(c).is_some()
}

fn hole_index(c: char) -> Option<usize> {
    let code = c as u32;
    (FIRST_HOLE..FIRST_HOLE + MAX_HOLES as u32).contains(&code).then(|| (code - FIRST_HOLE) as usize)
}

/// Markup split at its holes.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    /// Markup, then the hole that follows it (none after the last piece).
    pieces: Vec<(String, Option<usize>)>,
    markup_len: usize,
}

impl Template {
    /// Splits `markup` at every [`hole`] marker.
    pub fn parse(markup: &str) -> Template {
        let mut pieces = Vec::new();
        let mut start = 0;
        for (at, c) in markup.char_indices() {
            if let Some(index) = hole_index(c) {
                pieces.push((markup[start..at].to_string(), Some(index)));
                start = at + c.len_utf8();
            }
        }
        pieces.push((markup[start..].to_string(), None));
        let markup_len = pieces.iter().map(|(m, _)| m.len()).sum();
        Template { pieces, markup_len }
    }

    /// Appends the markup to `out`, calling `fill(index, out)` at each hole
    /// in order (a hole used twice is filled twice).
    pub fn fill(&self, out: &mut String, mut fill: impl FnMut(usize, &mut String)) {
        out.reserve(self.markup_len + 256);
        for (markup, hole) in &self.pieces {
            out.push_str(markup);
            if let Some(index) = hole {
                fill(*index, out);
            }
        }
    }

    /// The markup pieces, each with the hole that follows it (none after
    /// the last).
    pub fn pieces(&self) -> impl Iterator<Item = (&str, Option<usize>)> + '_ {
        self.pieces.iter().map(|(markup, hole)| (markup.as_str(), *hole))
    }

    /// The holes in the order they appear.
    pub fn holes(&self) -> impl Iterator<Item = usize> + '_ {
        self.pieces.iter().filter_map(|(_, hole)| *hole)
    }
}

/// A bounded store of computed values for one plugin instance, meant for a
/// `thread_local!`. When full it starts over, so a stream of unusual keys
/// cannot make it grow.
pub struct Memo<K, V> {
    values: RefCell<HashMap<K, Rc<V>>>,
    capacity: usize,
}

impl<K: Eq + Hash, V> Memo<K, V> {
    pub fn new(capacity: usize) -> Self {
        Memo { values: RefCell::new(HashMap::new()), capacity: capacity.max(1) }
    }

    /// The value for `key`, computed with `make` if not held. Errors are
    /// returned and not kept.
    pub fn get_or_try_insert<E>(&self, key: K, make: impl FnOnce() -> Result<V, E>) -> Result<Rc<V>, E> {
        if let Some(value) = self.values.borrow().get(&key) {
            return Ok(value.clone());
        }
        let value = Rc::new(make()?);
        let mut values = self.values.borrow_mut();
        if values.len() >= self.capacity {
            values.clear();
        }
        values.insert(key, value.clone());
        Ok(value)
    }

    pub fn len(&self) -> usize {
        self.values.borrow().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holes_split_and_fill_in_order() {
        let markup = format!("<a>{}</a><b>{}{}</b>", hole(0), hole(1), hole(0));
        let template = Template::parse(&markup);
        assert_eq!(template.holes().collect::<Vec<_>>(), vec![0, 1, 0]);
        let mut out = String::new();
        template.fill(&mut out, |i, out| out.push_str(["x", "y"][i]));
        assert_eq!(out, "<a>x</a><b>yx</b>");
    }

    #[test]
    fn markup_without_holes_is_one_piece() {
        let template = Template::parse("<svg/>");
        let mut out = String::new();
        template.fill(&mut out, |_, _| unreachable!());
        assert_eq!(out, "<svg/>");
        assert_eq!(template.holes().count(), 0);
    }

    #[test]
    fn memo_computes_once_and_starts_over_when_full() {
        let memo: Memo<u32, String> = Memo::new(2);
        let mut calls = 0;
        for _ in 0..3 {
            memo.get_or_try_insert(1, || -> Result<_, ()> {
                calls += 1;
                Ok("one".to_string())
            })
            .unwrap();
        }
        assert_eq!(calls, 1);
        memo.get_or_try_insert(2, || Ok::<_, ()>("two".into())).unwrap();
        assert_eq!(memo.len(), 2);
        memo.get_or_try_insert(3, || Ok::<_, ()>("three".into())).unwrap();
        assert_eq!(memo.len(), 1, "full: started over");
        assert!(memo.get_or_try_insert(4, || Err::<String, _>("no")).is_err());
        assert_eq!(memo.len(), 1, "errors are not kept");
    }
}
