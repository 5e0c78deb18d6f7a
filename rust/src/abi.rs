//! The version of the C interface between Xen and this library.
//!
//! This file is read by cbindgen (with `ffi.rs`) to write
//! `include/xen_suspend.h`. Bump the number whenever an exported function or
//! type changes: Xen passes the value it was compiled against to
//! `xsr_init`, and a mismatch disables the layer instead of calling through a
//! stale prototype.

/// Version of the interface described by `include/xen_suspend.h`.
pub const XSR_ABI_VERSION: u32 = 1;
