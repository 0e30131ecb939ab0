//! What can go wrong with a plugin, at load time or in a call.

use crate::failure::{Failure, FailureKind};

/// A call that failed. The server and every other plugin keep serving; each
/// product maps this, once, to its documented error (the counter's
/// `CounterFailure`: visits-counter's 5021).
#[derive(Debug, Clone, thiserror::Error)]
pub enum CallError {
    #[error("plugin {0} took longer than its time limit")]
    Timeout(String),
    #[error("plugin {0} exceeded its memory limit")]
    OutOfMemory(String),
    #[error("plugin {plugin} trapped: {detail}")]
    Trap { plugin: String, detail: String },
    #[error("plugin {plugin} returned unusable output: {detail}")]
    InvalidOutput { plugin: String, detail: String },
    #[error("plugin {plugin} reported an error: {detail}")]
    Reported { plugin: String, detail: String },
    #[error("no enabled plugin provides `{0}`")]
    NotProvided(String),
}

/// The plugin admin API's mapping (theme previews): a theme nobody provides
/// is a 404, any other failed call a 502.
impl From<CallError> for Failure {
    fn from(error: CallError) -> Self {
        match error {
            CallError::NotProvided(_) => Failure::new(FailureKind::NotFound, error.to_string()),
            other => Failure::new(FailureKind::PluginFailed, other.to_string()),
        }
    }
}

/// Why a plugin was refused. The previous version (if any) keeps serving.
#[derive(Debug, Clone, thiserror::Error)]
pub enum LoadError {
    #[error("not a WebAssembly component: {0}")]
    NotAComponent(String),
    #[error("manifest: {0}")]
    Manifest(String),
    #[error("does not fit the `{world}` world of API {api}: {detail}")]
    WrongWorld { world: &'static str, api: String, detail: String },
    #[error("failed its smoke test: {0}")]
    SmokeTest(String),
    #[error("plugin `{0}` not found")]
    NotFound(String),
    /// The plugin exists but not as an upload (built in, or a dropped file):
    /// the request conflicts with where it comes from, not with its form.
    #[error("{0}")]
    NotDeletable(String),
    #[error("{0}")]
    Storage(String),
}

impl From<LoadError> for Failure {
    fn from(error: LoadError) -> Self {
        match error {
            LoadError::NotFound(_) => Failure::new(FailureKind::NotFound, error.to_string()),
            LoadError::NotDeletable(_) => Failure::new(FailureKind::Conflict, error.to_string()),
            LoadError::Storage(detail) => Failure::internal(&detail),
            other => Failure::new(FailureKind::BadRequest, other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::surface::Surface;

    /// A preview of a theme nobody provides is not found; every other
    /// failed call is the plugin's fault, a 502 in the admin API's envelope.
    #[test]
    fn failed_calls_are_502_in_the_admin_api() {
        let plugin = || "p".to_string();
        for error in [
            CallError::Timeout(plugin()),
            CallError::OutOfMemory(plugin()),
            CallError::Trap { plugin: plugin(), detail: "unreachable".into() },
            CallError::InvalidOutput { plugin: plugin(), detail: "not svg".into() },
            CallError::Reported { plugin: plugin(), detail: "no".into() },
        ] {
            let failure = Failure::from(error);
            assert_eq!(failure.kind.status().as_u16(), 502);
            assert_eq!(Surface::Pingoo.error_body(&failure)["code"], 502);
        }
        assert_eq!(Failure::from(CallError::NotProvided("x".into())).kind.status().as_u16(), 404);
    }
}
