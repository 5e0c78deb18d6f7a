//! Xen's errno values, as the C side expects them (negated on return).
//!
//! The target build checks each value against Xen's own headers at compile
//! time (see `xen::sys`), so a mismatch cannot reach a running Xen.

/// I/O error (here: the GIC's state did not read back as saved).
pub const EIO: i32 = 5;
/// Out of memory.
pub const ENOMEM: i32 = 12;
/// Resource busy.
pub const EBUSY: i32 = 16;
/// No such device (no GIC registered with the layer).
pub const ENODEV: i32 = 19;
/// Invalid argument.
pub const EINVAL: i32 = 22;
/// Function not implemented.
pub const ENOSYS: i32 = 38;
/// Timed out (a GIC handshake that never completed).
pub const ETIMEDOUT: i32 = 110;
