//! What the counter draws: a value in a theme, as a badge. These are the
//! counter's own terms; the counter-theme plugin adapter
//! (`plugins/kinds/counter_theme`) converts them to each API version's WIT
//! types.

/// Which count a badge shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// Today's visits (local midnight resets it).
    Daily,
    /// Every visit ever counted.
    Total,
}

impl Mode {
    /// The name the seed uses (`mode=daily`, `"mode": "total"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Daily => "daily",
            Mode::Total => "total",
        }
    }
}

/// One badge to draw.
#[derive(Debug, Clone)]
pub struct Badge {
    /// The theme key (`gojo_board`).
    pub theme: String,
    pub value: u64,
    /// Digits shown, 4–12; a wider value is shown whole.
    pub length: u8,
    pub mode: Mode,
    /// The counter's name, for themes that print it.
    pub label: String,
    /// `false`: the still first frame (what a PNG is made from).
    pub animate: bool,
    /// Theme parameters, passed through to the plugin.
    pub params: Vec<(String, String)>,
}

/// The value zero-padded to `length` digits; a wider value is shown whole.
pub fn display_value(value: u64, length: u8) -> String {
    format!("{value:0width$}", width = length as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pads_without_truncating() {
        assert_eq!(display_value(42, 7), "0000042");
        assert_eq!(display_value(123_456_789, 4), "123456789");
    }
}
