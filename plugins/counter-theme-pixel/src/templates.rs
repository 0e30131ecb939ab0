//! Drawn scenes kept for reuse within one instance: a badge's art depends
//! only on the theme, mode, animation and how many digits it shows, so a
//! burst of fresh counts costs one drawing and many cheap fills.

use std::rc::Rc;

use waymark_plugin_sdk::counter_theme::CounterMode;
use waymark_plugin_sdk::template::Memo;

use crate::scene::Template;
use crate::themes::Theme;

/// Theme key, digits, daily mode, animated.
type Key = (&'static str, usize, bool, bool);

thread_local! {
    /// Every theme × mode × animation at a couple of widths.
    static TEMPLATES: Memo<Key, Template> = Memo::new(64);
}

/// The template for `theme` with `digits` characters, drawn on first use.
pub fn get(theme: &'static Theme, digits: usize, mode: CounterMode, animate: bool) -> Result<Rc<Template>, String> {
    let key = (theme.key, digits, matches!(mode, CounterMode::Daily), animate);
    TEMPLATES.with(|memo| memo.get_or_try_insert(key, || (theme.scene)(digits, mode).template(animate)))
}
