//! Xen's errno values, as the C side expects them (negated on return).
//!
//! The target build checks each value against Xen's own headers at compile
//! time (see `xen::sys`), so a mismatch cannot reach a running Xen.

/// Invalid argument.
pub const EINVAL: i32 = 22;
/// Function not implemented.
pub const ENOSYS: i32 = 38;
