//! Xen's errno values, as a type: an [`Errno`] is always what Xen's C code
//! expects back from a failing call (the negated errno), so that no site
//! can hand Xen a positive value by forgetting the minus sign.
//!
//! The target build checks each value against Xen's own headers at compile
//! time (see `xen::sys`), so a mismatch cannot reach a running Xen.

/// A Xen error: the negative value C receives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Errno(i32);

impl Errno {
    /// I/O error (here: the GIC's state did not read back as saved).
    pub const EIO: Errno = Errno(-5);
    /// Out of memory.
    pub const ENOMEM: Errno = Errno(-12);
    /// Resource busy.
    pub const EBUSY: Errno = Errno(-16);
    /// No such device (no GIC registered with the layer).
    pub const ENODEV: Errno = Errno(-19);
    /// Invalid argument.
    pub const EINVAL: Errno = Errno(-22);
    /// Function not implemented.
    pub const ENOSYS: Errno = Errno(-38);
    /// Timed out (a GIC handshake that never completed).
    pub const ETIMEDOUT: Errno = Errno(-110);

    /// The value C receives: negative.
    pub const fn code(self) -> i32 {
        self.0
    }

    /// The errno number itself (positive), as Xen's headers define it.
    pub const fn number(self) -> i32 {
        -self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_negative() {
        for e in [
            Errno::EIO,
            Errno::ENOMEM,
            Errno::EBUSY,
            Errno::ENODEV,
            Errno::EINVAL,
            Errno::ENOSYS,
            Errno::ETIMEDOUT,
        ] {
            assert!(e.code() < 0 && e.number() == -e.code(), "{e:?}");
        }
    }
}
