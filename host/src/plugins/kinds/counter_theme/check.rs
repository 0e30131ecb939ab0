//! What a theme's SVG must be before it reaches a client: one well-formed
//! `<svg>` document of sane size whose declared dimensions are positive.

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::sync::{Arc, Mutex};

use crate::plugins::svg_check::Baseline;

pub use crate::plugins::svg_check::{MAX_SVG_BYTES, check_size};

/// Checked documents by theme and length, so the next badge of the same
/// shape is checked against one instead of parsed in full (see
/// [`Baseline`]). Bounded: starts over when full.
#[derive(Default)]
pub struct Baselines(Mutex<HashMap<(u64, usize), Arc<Baseline>>>);

const MAX_BASELINES: usize = 64;

impl Baselines {
    fn key(theme: &str, svg: &str) -> (u64, usize) {
        (foldhash::quality::FixedState::default().hash_one(theme), svg.len())
    }

    /// Checks a document `render` returned: size, then against the baseline
    /// of its shape if there is one that admits it, otherwise in full (and
    /// it becomes the new baseline).
    pub fn check(&self, theme: &str, svg: &str, width: u32, height: u32) -> Result<(), String> {
        if svg.len() > MAX_SVG_BYTES {
            return Err(format!("SVG of {} bytes exceeds {MAX_SVG_BYTES}", svg.len()));
        }
        check_size(width, height)?;
        let key = Self::key(theme, svg);
        let known = self.0.lock().ok().and_then(|map| map.get(&key).cloned());
        if known.is_some_and(|baseline| baseline.admits(svg)) {
            return Ok(());
        }
        let baseline = Arc::new(Baseline::check(svg)?);
        if let Ok(mut map) = self.0.lock() {
            if map.len() >= MAX_BASELINES {
                map.clear();
            }
            map.insert(key, baseline);
        }
        Ok(())
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.0.lock().map(|map| map.len()).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugins::svg_check::MAX_SIDE;

    fn check(baselines: &Baselines, svg: &str) -> Result<(), String> {
        baselines.check("t", svg, 10, 10)
    }

    #[test]
    fn accepts_svg_and_refuses_the_rest() {
        let baselines = Baselines::default();
        assert!(check(&baselines, r#"<svg xmlns="http://www.w3.org/2000/svg"/>"#).is_ok());
        assert!(check(&baselines, "this is not svg <<<").is_err());
        assert!(check(&baselines, "<html/>").is_err());
        assert!(check(&baselines, r#"<!DOCTYPE svg [<!ENTITY a "b">]><svg/>"#).is_err(), "no DTDs");
        assert!(baselines.check("t", "<svg/>", 0, 10).is_err());
        assert!(baselines.check("t", "<svg/>", 10, MAX_SIDE + 1).is_err());
    }

    /// The second badge of a shape is checked against the first; a broken
    /// one of the same length is still refused.
    #[test]
    fn a_checked_badge_vouches_only_for_harmless_changes() {
        let baselines = Baselines::default();
        assert!(check(&baselines, "<svg><title>n: 0041</title></svg>").is_ok());
        assert!(check(&baselines, "<svg><title>n: 0042</title></svg>").is_ok());
        assert_eq!(baselines.len(), 1, "one shape, one baseline");
        assert!(check(&baselines, "<svg><title>n: 0042</title></svh>").is_err());
        assert!(check(&baselines, "<svg><title>n: 00<2</title></svg>").is_err());
    }
}
