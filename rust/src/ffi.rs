//! The C interface Xen calls. cbindgen turns this file (and `abi.rs`) into
//! `include/xen_suspend.h`; keep every exported item here, with a C-friendly
//! signature and a doc comment (it becomes the header's comment).

use crate::layer;
use crate::xen::XenConsole;

/// Start the Rust suspend layer: check that Xen was built against this
/// library's header (pass `XSR_ABI_VERSION`) and announce the layer on the
/// console. Returns 0, or -EINVAL when the interface versions differ (the
/// layer then stays disabled). Called once at boot.
#[no_mangle]
pub extern "C" fn xsr_init(abi_version: u32) -> i32 {
    match layer::init(&mut XenConsole, abi_version) {
        Ok(()) => 0,
        Err(e) => e.errno(),
    }
}
