//! The C interface Xen calls. cbindgen turns this file (and `abi.rs`) into
//! `include/xen_suspend.h`; keep every exported item here, with a C-friendly
//! signature and a doc comment (it becomes the header's comment).
//!
//! Each function turns Xen's raw pointers into the safe wrappers of
//! [`crate::xen`] and hands over to the portable logic. None of them can
//! panic on a guest's input: the logic is checked by the host tests and the
//! panic-site check of the build.

use core::ffi::c_void;

use crate::layer::{self, Level, Log};
use crate::timer::{self, SysTimer};
use crate::vpsci::{self, GuestDomain, Resumed};
use crate::xen::{domain, gic, vcpu, XenConsole, XenDomain};

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
    let t0 = timer::now();
    let rc = vpsci::system_suspend(&mut dom, caller, fid, entry_point, context_id);
    if rc == 0 {
        let ticks = timer::now().wrapping_sub(t0);
        // The entry point as decoded for the calling convention.
        let entry = dom.slot().entry;
        XenConsole.line(
            Level::GuestInfo,
            format_args!(
                "d{}v{}: PSCI SYSTEM_SUSPEND: suspended, resumes at {:#x} ({} ticks)",
                dom.id(),
                caller,
                entry,
                ticks
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
    let t0 = timer::now();
    match vpsci::resume(&mut dom) {
        Resumed::NotArmed => {}
        Resumed::AtEntry {
            vcpu,
            entry,
            context_id,
        } => XenConsole.line(
            Level::GuestInfo,
            format_args!(
                "d{}v{}: resuming at {:#x}, context {:#x} (tick {})",
                dom.id(),
                vcpu,
                entry,
                context_id,
                t0
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

/// Boot: register the host's GICv2 with the suspend layer, which allocates
/// its context now. `dbase` maps GICD (4 kB), `cbase` GICC (8 kB, from the
/// base Xen uses). Returns 0, -ENOMEM or -EINVAL.
///
/// # Safety
///
/// Both mappings stay valid for Xen's lifetime.
#[no_mangle]
pub unsafe extern "C" fn xsr_gicv2_init(dbase: *mut c_void, cbase: *mut c_void) -> i32 {
    // SAFETY: this function's contract.
    unsafe { gic::init_v2(dbase.cast(), cbase.cast()) }
}

/// Boot: register the host's GICv3 with the suspend layer, which allocates
/// its context now. `dbase` maps GICD (64 kB); the redistributors of CPUs
/// 0 to `nr_cpus` - 1 are found with xsr_helper_gicv3_rdist_base(). Returns
/// 0, -ENOMEM or -EINVAL.
///
/// # Safety
///
/// The mapping stays valid for Xen's lifetime.
#[no_mangle]
pub unsafe extern "C" fn xsr_gicv3_init(dbase: *mut c_void, nr_cpus: u32) -> i32 {
    // SAFETY: this function's contract.
    unsafe { gic::init_v3(dbase.cast(), nr_cpus) }
}

/// gic_hw_operations.suspend: save the state of the distributor, the boot
/// CPU's interface (and every redistributor, GICv3) and leave them disabled.
/// Interrupts off, boot CPU. 0, -ETIMEDOUT (a handshake never completed;
/// the GIC is left as it was), -ENODEV or -EBUSY.
#[no_mangle]
pub extern "C" fn xsr_gic_suspend() -> i32 {
    gic::suspend()
}

/// gic_hw_operations.resume: restore what xsr_gic_suspend() saved.
/// Interrupts off, boot CPU. 0 or -errno.
#[no_mangle]
pub extern "C" fn xsr_gic_resume() -> i32 {
    gic::resume()
}

/// Allocate what the GIC self-test needs (a second context). Interrupts
/// on. 0, -ENOMEM or -ENODEV.
#[no_mangle]
pub extern "C" fn xsr_gic_selftest_prepare() -> i32 {
    gic::selftest_prepare()
}

/// The GIC self-test, on CPU0 with interrupts off and every other CPU
/// stopped: timers off, save, reset as a power loss would, restore, save
/// again and compare, restore, timers on. Reports on the console; 0 when
/// the state read back equals what was saved, else -errno.
#[no_mangle]
pub extern "C" fn xsr_gic_selftest() -> i32 {
    let report = match gic::selftest() {
        Ok(r) => r,
        Err(errno) => return errno,
    };
    let head = format_args!(
        "xen-suspend: GIC self-test: {}, {} lines, {} redistributors",
        report.version, report.lines, report.rdists
    );
    match report.result {
        Ok(t) => {
            XenConsole.line(
                Level::Info,
                format_args!(
                    "{head}: timers off (CNTP_CTL {:#x}, CNTHP_CTL {:#x} before), saved, reset, \
                     restored; the state reads back as saved (save {} ticks, restore {} ticks)",
                    t.timers.cntp_ctl, t.timers.cnthp_ctl, t.save_ticks, t.restore_ticks
                ),
            );
            0
        }
        Err(e) => {
            XenConsole.line(Level::Warning, format_args!("{head}: FAILED: {e:?}"));
            gic::selftest_errno(e)
        }
    }
}

/// time_suspend(): turn off the boot CPU's EL2 physical (CNTP) and
/// hypervisor (CNTHP) timers, so that no timer interrupt can fire in the
/// suspend window. Interrupts off.
#[no_mangle]
pub extern "C" fn xsr_time_suspend() {
    let _ = timer::suspend(&mut SysTimer);
}

/// time_resume(): raise TIMER_SOFTIRQ so that Xen programs its next
/// deadline again. Interrupts off.
#[no_mangle]
pub extern "C" fn xsr_time_resume() {
    timer::resume(crate::xen::raise_timer_softirq);
}
