//! The layer's identity and its start-up handshake with Xen.

use core::ffi::CStr;
use core::sync::atomic::{AtomicBool, Ordering};

use crate::abi::XSR_ABI_VERSION;
use crate::errno::Errno;
use crate::line::Msg;
use crate::msg;

/// The crate version, as printed at boot.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
/// The source revision the library was built from (`git describe`), or
/// "unknown" outside a git checkout.
pub const GIT_REV: &str = env!("XSR_GIT_REV");

/// How important a message is, and whether a guest caused it. Xen filters
/// and rate-limits guest-caused messages separately (`guest_loglvl`), so a
/// guest cannot flood the console through the layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// Xen's own information.
    Info,
    /// Xen's own warning.
    Warning,
    /// Caused by a guest: information.
    GuestInfo,
    /// Caused by a guest: a problem worth a warning.
    GuestWarning,
}

impl Level {
    /// What the console puts before the message: the layer's tag for its
    /// own lines, nothing for the guest-caused ones (they name the domain).
    pub const fn tag(self) -> &'static CStr {
        match self {
            Level::Info | Level::Warning => c"xen-suspend: ",
            Level::GuestInfo | Level::GuestWarning => c"",
        }
    }

    /// The line as the console shows it, tag included (tests).
    #[cfg(test)]
    pub fn line(self, msg: &Msg<'_>) -> String {
        format!("{}{}", self.tag().to_str().expect("ASCII"), msg.text())
    }
}

/// Where the layer writes its messages: Xen's console in the target build, a
/// vector in the tests. One call is one line; the line carries no newline.
pub trait Log {
    /// Write one line.
    fn line(&mut self, level: Level, msg: &Msg<'_>);
}

/// A console in memory (tests): each line with its level, as the console
/// shows it (tag included).
#[cfg(test)]
#[derive(Default)]
pub struct VecLog(pub Vec<(Level, String)>);

#[cfg(test)]
impl VecLog {
    /// The lines' texts.
    pub fn texts(&self) -> Vec<&str> {
        self.0.iter().map(|(_, t)| t.as_str()).collect()
    }
}

#[cfg(test)]
impl Log for VecLog {
    fn line(&mut self, level: Level, msg: &Msg<'_>) {
        self.0.push((level, level.line(msg)));
    }
}

/// Why [`init`] refused to enable the layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InitError {
    /// Xen was compiled against another version of `include/xen_suspend.h`.
    AbiMismatch {
        /// The version Xen was compiled against.
        xen: u32,
        /// The version of this library.
        library: u32,
    },
}

impl InitError {
    /// The errno the C side gets.
    pub fn errno(self) -> Errno {
        match self {
            InitError::AbiMismatch { .. } => Errno::EINVAL,
        }
    }
}

/// Whether [`init`] accepted Xen's interface. Until it has, and for good
/// after a mismatch, every entry point Xen calls is inert: guests and the
/// hardware domain are offered nothing, a resume finds nothing armed, and
/// Xen's own behaviour stands.
static ENABLED: AtomicBool = AtomicBool::new(false);

/// Whether the layer is enabled (see [`init`]).
pub fn enabled() -> bool {
    ENABLED.load(Ordering::Acquire)
}

/// Start-up: check that Xen and the library agree on the interface, then
/// announce the layer on the console and enable it. On a mismatch nothing
/// is enabled and the console says why.
pub fn init(log: &mut impl Log, xen_abi: u32) -> Result<(), InitError> {
    if xen_abi != XSR_ABI_VERSION {
        log.line(
            Level::Warning,
            &msg!(
                "interface mismatch: Xen was built with xen_suspend.h version ",
                xen_abi,
                ", the Rust library has version ",
                XSR_ABI_VERSION,
                "; Rust suspend layer disabled"
            ),
        );
        return Err(InitError::AbiMismatch {
            xen: xen_abi,
            library: XSR_ABI_VERSION,
        });
    }
    log.line(
        Level::Info,
        &msg!(
            "Rust suspend layer v",
            env!("CARGO_PKG_VERSION"),
            " present (git ",
            env!("XSR_GIT_REV"),
            ", interface ",
            XSR_ABI_VERSION,
            ")"
        ),
    );
    ENABLED.store(true, Ordering::Release);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn announces_version_when_interfaces_match() {
        let mut log = VecLog::default();
        assert_eq!(init(&mut log, XSR_ABI_VERSION), Ok(()));
        assert_eq!(log.0.len(), 1);
        let (level, line) = &log.0[0];
        // The e2e boot test greps for exactly this shape.
        assert_eq!(
            *line,
            format!(
                "xen-suspend: Rust suspend layer v{VERSION} present (git {GIT_REV}, interface {XSR_ABI_VERSION})"
            )
        );
        assert_eq!(*level, Level::Info);
    }

    #[test]
    fn refuses_a_mismatched_interface_and_says_why() {
        let mut log = VecLog::default();
        let err = init(&mut log, XSR_ABI_VERSION + 1).unwrap_err();
        assert_eq!(
            err,
            InitError::AbiMismatch {
                xen: XSR_ABI_VERSION + 1,
                library: XSR_ABI_VERSION
            }
        );
        assert_eq!(err.errno(), Errno::EINVAL);
        assert_eq!(log.0.len(), 1);
        assert_eq!(log.0[0].0, Level::Warning);
        assert!(log.0[0].1.contains("disabled"));
        assert!(!log.0[0].1.contains("present"));
    }

    #[test]
    fn only_a_matching_interface_enables_the_layer() {
        // One test for the global flag, so that no other test races it.
        let mut log = VecLog::default();
        ENABLED.store(false, Ordering::Release);
        assert!(init(&mut log, XSR_ABI_VERSION + 1).is_err());
        assert!(!enabled());
        assert!(init(&mut log, XSR_ABI_VERSION).is_ok());
        assert!(enabled());
    }
}
