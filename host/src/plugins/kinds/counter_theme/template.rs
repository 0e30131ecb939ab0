//! Badges a theme drew once per shape, with slots the host fills for every
//! count (API 0.2.0's `template`). A counted visit then costs a string
//! concatenation: no plugin call, no copy out of the sandbox, no check.
//!
//! Why no check: a template is accepted only if filling every slot with
//! `0`s gives a valid document ([`Baseline::check`]) in which every slot
//! byte is a free position (text or an attribute value, outside
//! references). Any count fills the same slots with the same number of
//! ASCII digits, so it differs from that document only by digits replacing
//! digits at free positions, which [`Baseline::admits`] proves valid.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash};
use std::sync::{Arc, Mutex};

use super::Rendered;
use super::check::{MAX_SVG_BYTES, check_size};
use crate::counter::badge::{Badge, Mode};
use crate::plugins::svg_check::Baseline;

/// At most this many slots in one template (a badge has a few dozen).
const MAX_SLOTS: usize = 4096;

/// Where a count goes in a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Slot {
    /// The whole display value.
    DisplayValue,
    /// One of its characters, from the left.
    Digit(usize),
}

/// A template as a plugin returned it, before any check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawTemplate {
    pub pieces: Vec<String>,
    pub slots: Vec<Slot>,
    pub width: u32,
    pub height: u32,
    pub animated: bool,
}

/// A template that passed [`CheckedTemplate::check`]: every fill with a
/// count of its width is a valid document.
#[derive(Debug)]
pub struct CheckedTemplate {
    pieces: Vec<String>,
    slots: Vec<Slot>,
    /// Characters of the display values it takes.
    digits: usize,
    /// Bytes of a filled document.
    filled_len: usize,
    width: u32,
    height: u32,
    animated: bool,
    /// Identifies the template's bytes, so a filled badge's ETag needs no
    /// pass over the document.
    fingerprint: u64,
}

impl CheckedTemplate {
    /// Accepts `raw` for display values of `digits` characters, or says
    /// what is wrong with it.
    pub fn check(raw: RawTemplate, digits: usize) -> Result<CheckedTemplate, String> {
        let RawTemplate { pieces, slots, width, height, animated } = raw;
        if pieces.len() != slots.len() + 1 {
            return Err(format!(
                "a template with {} slots needs {} pieces, not {}",
                slots.len(),
                slots.len() + 1,
                pieces.len()
            ));
        }
        if slots.len() > MAX_SLOTS {
            return Err(format!("{} slots exceed {MAX_SLOTS}", slots.len()));
        }
        if let Some(Slot::Digit(index)) = slots.iter().find(|slot| matches!(slot, Slot::Digit(i) if *i >= digits)) {
            return Err(format!("digit slot {index} is past the {digits} digits of this badge"));
        }
        check_size(width, height)?;
        let slot_len = |slot: &Slot| if *slot == Slot::DisplayValue { digits } else { 1 };
        let filled_len = pieces.iter().map(String::len).sum::<usize>() + slots.iter().map(slot_len).sum::<usize>();
        if filled_len > MAX_SVG_BYTES {
            return Err(format!("SVG of {filled_len} bytes exceeds {MAX_SVG_BYTES}"));
        }
        let mut template =
            CheckedTemplate { pieces, slots, digits, filled_len, width, height, animated, fingerprint: 0 };
        let zeros = "0".repeat(digits);
        let (sample, slot_bytes) = template.fill_with(&zeros);
        let baseline = Baseline::check(&sample)?;
        if let Some(at) = slot_bytes.into_iter().find(|&at| !baseline.is_free(at)) {
            return Err(format!("a slot at byte {at} is not in text or an attribute value"));
        }
        template.fingerprint = foldhash::quality::FixedState::default().hash_one((&template.pieces, &template.slots));
        Ok(template)
    }

    /// The badge for `display_value`; `None` if it is not a display value
    /// of this template's width (the caller then asks the plugin).
    pub fn fill(&self, display_value: &str) -> Option<Rendered> {
        if display_value.len() != self.digits || !display_value.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let (svg, _) = self.fill_with(display_value);
        let fingerprint = foldhash::quality::FixedState::default().hash_one((self.fingerprint, display_value));
        Some(Rendered {
            svg,
            width: self.width,
            height: self.height,
            animated: self.animated,
            fingerprint: Some(fingerprint),
        })
    }

    /// The document for `value`, and the byte offsets its slots filled.
    fn fill_with(&self, value: &str) -> (String, Vec<usize>) {
        let mut svg = String::with_capacity(self.filled_len);
        let mut slot_bytes = Vec::new();
        let mut slots = self.slots.iter();
        for piece in &self.pieces {
            svg.push_str(piece);
            let text = match slots.next() {
                Some(Slot::DisplayValue) => value,
                Some(Slot::Digit(index)) => value.get(*index..index + 1).unwrap_or_default(),
                None => continue,
            };
            slot_bytes.extend(svg.len()..svg.len() + text.len());
            svg.push_str(text);
        }
        (svg, slot_bytes)
    }
}

/// Everything about a badge but its value: what a template is drawn for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Shape {
    pub theme: String,
    pub digits: usize,
    pub length: u8,
    pub mode: Mode,
    pub label: String,
    pub animate: bool,
    pub params: Vec<(String, String)>,
}

impl Shape {
    pub fn of(request: &Badge, digits: usize) -> Shape {
        Shape {
            theme: request.theme.clone(),
            digits,
            length: request.length,
            mode: request.mode,
            label: request.label.clone(),
            animate: request.animate,
            params: request.params.clone(),
        }
    }
}

/// One plugin's templates by shape; `None` remembers that the theme does
/// not template that shape. Bounded: starts over when full.
#[derive(Default)]
pub struct Templates(Mutex<HashMap<Shape, Option<Arc<CheckedTemplate>>, foldhash::fast::RandomState>>);

/// Enough for every theme × mode × a few widths and labels in use.
const MAX_TEMPLATES: usize = 1024;

impl Templates {
    /// `Some(answer)` if the plugin was asked about `shape` before.
    pub fn get(&self, shape: &Shape) -> Option<Option<Arc<CheckedTemplate>>> {
        self.0.lock().ok()?.get(shape).cloned()
    }

    pub fn insert(&self, shape: Shape, template: Option<Arc<CheckedTemplate>>) {
        if let Ok(mut map) = self.0.lock() {
            if map.len() >= MAX_TEMPLATES {
                map.clear();
            }
            map.insert(shape, template);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(pieces: &[&str], slots: &[Slot]) -> RawTemplate {
        RawTemplate {
            pieces: pieces.iter().map(|p| p.to_string()).collect(),
            slots: slots.to_vec(),
            width: 10,
            height: 10,
            animated: false,
        }
    }

    fn badge() -> RawTemplate {
        raw(
            &["<svg><title>n: ", "</title><use href=\"#g", "\"/><use href=\"#g", "\"/></svg>"],
            &[Slot::DisplayValue, Slot::Digit(0), Slot::Digit(1)],
        )
    }

    #[test]
    fn fills_every_slot() {
        let template = CheckedTemplate::check(badge(), 2).unwrap();
        let filled = template.fill("42").unwrap();
        assert_eq!(filled.svg, "<svg><title>n: 42</title><use href=\"#g4\"/><use href=\"#g2\"/></svg>");
        assert_eq!(filled.svg.len(), template.filled_len);
        assert!(Baseline::check(&filled.svg).is_ok());
        assert_ne!(filled.fingerprint, template.fill("43").unwrap().fingerprint);
    }

    #[test]
    fn only_display_values_of_its_width_fill_it() {
        let template = CheckedTemplate::check(badge(), 2).unwrap();
        assert!(template.fill("421").is_none());
        assert!(template.fill("4<").is_none());
        assert!(template.fill("").is_none());
    }

    #[test]
    fn slots_outside_text_and_values_are_refused() {
        let cases = [
            raw(&["<svg><g", "/></svg>"], &[Slot::DisplayValue]),
            raw(&["<svg><g", "></g", "></svg>"], &[Slot::Digit(0), Slot::Digit(0)]),
            raw(&["<svg><t>&#", ";</t></svg>"], &[Slot::DisplayValue]),
            raw(&["<svg ", "=\"1\"/>"], &[Slot::Digit(0)]),
            raw(&["<svg><!-- ", " --></svg>"], &[Slot::DisplayValue]),
        ];
        for case in cases {
            assert!(CheckedTemplate::check(case.clone(), 2).is_err(), "{case:?}");
        }
    }

    #[test]
    fn malformed_templates_are_refused() {
        let mut uneven = badge();
        uneven.pieces.pop();
        assert!(CheckedTemplate::check(uneven, 2).is_err());
        assert!(CheckedTemplate::check(badge(), 1).is_err(), "digit 1 of a one-digit badge");
        let broken = raw(&["<svg><title>", "</titel></svg>"], &[Slot::DisplayValue]);
        assert!(CheckedTemplate::check(broken, 4).is_err());
        let mut huge = badge();
        huge.width = 0;
        assert!(CheckedTemplate::check(huge, 2).is_err());
        let long = raw(&["<svg>", &"x".repeat(MAX_SVG_BYTES), "</svg>"], &[Slot::Digit(0), Slot::Digit(0)]);
        assert!(CheckedTemplate::check(long, 2).is_err());
    }

    /// Every count fills to what a full check accepts.
    #[test]
    fn every_fill_of_an_accepted_template_is_valid() {
        let template = CheckedTemplate::check(badge(), 2).unwrap();
        for n in 0..100 {
            let filled = template.fill(&format!("{n:02}")).unwrap();
            assert!(Baseline::check(&filled.svg).is_ok(), "{}", filled.svg);
        }
    }
}
