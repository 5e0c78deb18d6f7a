//! The C interface Xen calls. cbindgen turns this file (and `abi.rs`) into
//! `include/xen_suspend.h`; keep every exported item here, with a C-friendly
//! signature and a doc comment (it becomes the header's comment).
//!
//! Each function turns Xen's raw pointers into the safe wrappers of
//! [`crate::xen`] and hands over to the portable logic. None of them can
//! panic on a guest's input: the logic is checked by the host tests and the
//! panic-site check of the build.

use crate::layer::{self, Level, Log};
use crate::vpsci::{self, GuestDomain, Resumed};
use crate::xen::{domain, vcpu, XenConsole, XenDomain};

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

/// vPSCI SYSTEM_SUSPEND (both function ids), called by vCPU `v` (the
/// current one) with the argument registers as the guest wrote them:
/// `entry_point` (x1) and `context_id` (x2). Returns the PSCI code for x0.
/// On success the domain shuts down with reason "suspend" and resumes at
/// `entry_point` when the toolstack resumes it.
///
/// # Safety
///
/// `v` must be `current`: a live vCPU trapped in Xen for this call.
#[no_mangle]
pub unsafe extern "C" fn xsr_vpsci_system_suspend(
    v: *mut vcpu,
    fid: u32,
    entry_point: u64,
    context_id: u64,
) -> i32 {
    // SAFETY: v is current (this function's contract): a live vCPU of a
    // live domain, which cannot go away while its vCPU is inside this trap,
    // and the only online vCPU if the slot is ever touched.
    let Some((mut dom, caller)) = (unsafe { XenDomain::of_vcpu(v) }) else {
        return crate::psci::PsciError::Denied.code();
    };
    let rc = vpsci::system_suspend(&mut dom, caller, fid, entry_point, context_id);
    if rc == 0 {
        // The entry point as decoded for the calling convention.
        let entry = dom.slot().entry;
        XenConsole.line(
            Level::GuestInfo,
            format_args!(
                "d{}v{}: PSCI SYSTEM_SUSPEND: suspended, resumes at {:#x}",
                dom.id(),
                caller,
                entry
            ),
        );
    }
    rc
}

/// PSCI_FEATURES for one of the SYSTEM_SUSPEND function ids, as domain `d`
/// (the caller's) may use it: 0 or PSCI NOT_SUPPORTED (-1).
///
/// # Safety
///
/// `d` must be the domain of the current vCPU.
#[no_mangle]
pub unsafe extern "C" fn xsr_vpsci_features(d: *mut domain, fid: u32) -> i32 {
    // SAFETY: d is current->domain (this function's contract), alive while
    // its vCPU traps; features() only reads it.
    match unsafe { XenDomain::new(d) } {
        Some(dom) => vpsci::features(&dom, fid),
        None => crate::psci::PsciError::NotSupported.code(),
    }
}

/// Architecture hook of domain_resume() (declared by Xen in xen/domain.h,
/// so not in this header): called with `d` paused and its
/// shutdown_lock held. If the domain suspended through PSCI
/// SYSTEM_SUSPEND, its calling vCPU restarts at the entry point it gave,
/// in the reset state PSCI specifies. Otherwise nothing happens. Never
/// fails, never allocates.
///
/// # Safety
///
/// `d` must be a live domain, paused, with its shutdown_lock held by the
/// caller (common domain_resume()).
#[no_mangle]
pub unsafe extern "C" fn arch_domain_resume(d: *mut domain) {
    // SAFETY: d is live, paused and under its shutdown_lock for the whole
    // call (this function's contract): the resume context of XenDomain::new.
    let Some(mut dom) = (unsafe { XenDomain::new(d) }) else {
        return;
    };
    match vpsci::resume(&mut dom) {
        Resumed::NotArmed => {}
        Resumed::AtEntry {
            vcpu,
            entry,
            context_id,
        } => XenConsole.line(
            Level::GuestInfo,
            format_args!(
                "d{}v{}: resuming at {:#x}, context {:#x}",
                dom.id(),
                vcpu,
                entry,
                context_id
            ),
        ),
        Resumed::Failed { vcpu, errno } => XenConsole.line(
            Level::GuestWarning,
            format_args!(
                "d{}v{}: cannot load the PSCI resume state ({}): it continues after its SYSTEM_SUSPEND call",
                dom.id(),
                vcpu,
                errno
            ),
        ),
    }
}
