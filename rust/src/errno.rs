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

    /// The result of a C call that returns 0 or a negative errno. A
    /// positive value, which no such call returns, is taken as EINVAL
    /// rather than as success.
    pub const fn check(rc: i32) -> Result<(), Errno> {
        if rc == 0 {
            Ok(())
        } else if rc < 0 {
            Err(Errno(rc))
        } else {
            Err(Errno::EINVAL)
        }
    }
}

/// A result as C receives it: 0 or the negative errno.
pub const fn to_c(r: Result<(), Errno>) -> i32 {
    match r {
        Ok(()) => 0,
        Err(e) => e.code(),
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

    #[test]
    fn a_c_result_is_success_only_at_zero() {
        assert_eq!(Errno::check(0), Ok(()));
        assert_eq!(Errno::check(-16), Err(Errno::EBUSY));
        assert_eq!(Errno::check(-95).map_err(Errno::code), Err(-95));
        assert_eq!(Errno::check(i32::MIN).map_err(Errno::code), Err(i32::MIN));
        assert_eq!(Errno::check(1), Err(Errno::EINVAL));
        assert_eq!(crate::msg!(errno(Errno::EBUSY)).text(), "errno -16");
        assert_eq!(to_c(Ok(())), 0);
        assert_eq!(to_c(Err(Errno::ETIMEDOUT)), -110);
    }
}
