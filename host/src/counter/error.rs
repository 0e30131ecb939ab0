//! What can stop a visit from being answered, mapped once to the seed's
//! codes (a failed theme is visits-counter's 5021).

use super::render::RenderError;
use crate::failure::{Failure, FailureKind};

#[derive(Debug, thiserror::Error)]
pub enum CounterFailure {
    #[error("the counter store failed: {0}")]
    Store(#[from] sqlx::Error),
    #[error("no counter theme is installed")]
    NoTheme,
    #[error("rendering failed: {0}")]
    Render(#[from] RenderError),
}

impl From<CounterFailure> for Failure {
    fn from(failure: CounterFailure) -> Self {
        match failure {
            CounterFailure::Store(error) => Failure::from(error),
            CounterFailure::NoTheme => Failure::new(FailureKind::PluginFailed, failure.to_string()),
            CounterFailure::Render(ref error) => {
                tracing::warn!(%error, "counter theme failed");
                Failure::new(FailureKind::PluginFailed, failure.to_string())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugins::CallError;
    use crate::surface::Surface;

    /// visits-counter documents 5021 for a failed render: every way a theme
    /// can fail reaches a client as that code, even a theme that vanished
    /// between choosing and drawing it.
    #[test]
    fn a_failed_theme_is_5021() {
        let plugin = || "p".to_string();
        for error in [
            RenderError::Plugin(CallError::Timeout(plugin())),
            RenderError::Plugin(CallError::OutOfMemory(plugin())),
            RenderError::Plugin(CallError::Trap { plugin: plugin(), detail: "unreachable".into() }),
            RenderError::Plugin(CallError::InvalidOutput { plugin: plugin(), detail: "not svg".into() }),
            RenderError::Plugin(CallError::Reported { plugin: plugin(), detail: "no".into() }),
            RenderError::Plugin(CallError::NotProvided("gone".into())),
            RenderError::Raster("no".into()),
        ] {
            let failure = Failure::from(CounterFailure::from(error));
            assert_eq!(Surface::Counter.error_body(&failure)["code"], "5021");
            assert_eq!(failure.kind.status().as_u16(), 502);
        }
        let failure = Failure::from(CounterFailure::NoTheme);
        assert_eq!(Surface::Counter.error_body(&failure)["code"], "5021");
    }
}
