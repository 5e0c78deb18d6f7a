//! The C interface Xen calls. cbindgen turns this file (and `abi.rs`) into
//! `include/xen_suspend.h`; keep every exported item here, with a C-friendly
//! signature and a doc comment (it becomes the header's comment).
//!
//! Each function turns Xen's raw pointers into the safe wrappers of
//! [`crate::xen`] and hands over to the portable logic. None of them can
//! panic on a guest's input: the logic is checked by the host tests and the
//! panic-site check of the build.
//!
//! What Xen calls only while it boots is placed in `.init.text`, as C's
//! `__init`, with what is inlined into it: Xen frees that memory after
//! boot and fills it with trapping instructions, so nothing that runs
//! later may call it (ci/check-lib.sh fails the build when code outside
//! `.init.*` refers to it).

use core::ffi::c_void;

use crate::abi::UartContext;
use crate::errno::to_c;
use crate::guestmsg;
use crate::layer;
use crate::timer::{self, SysTimer};
use crate::vpsci::{self, GuestDomain, Resumed};
use crate::xen::host::{self, XenHostGate};
use crate::xen::uart;
use crate::xen::{domain, gic, vcpu, XenConsole, XenDomain};

/// Start the Rust suspend layer: check that Xen was built against this
/// library's header (pass `XSR_ABI_VERSION`) and announce the layer on the
/// console. Returns 0, or -EINVAL when the interface versions differ (the
/// layer then stays disabled). Called once at boot.
#[no_mangle]
#[cfg_attr(target_os = "none", link_section = ".init.text")]
pub extern "C" fn xsr_init(abi_version: u32) -> i32 {
    match layer::init(&mut XenConsole, abi_version) {
        Ok(()) => 0,
        Err(e) => e.errno().code(),
    }
}

/// vPSCI SYSTEM_SUSPEND (both function ids), called by vCPU `v` (the
/// current one) with the argument registers as the guest wrote them:
/// `entry_point` (x1) and `context_id` (x2). Returns the PSCI code for x0.
/// On success the domain shuts down with reason "suspend" and resumes at
/// `entry_point` when the toolstack resumes it; for the hardware domain,
/// the suspend of the host starts (see xsr_host_suspend_run()), and the
/// domain resumes when the host is back.
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
    if !layer::enabled() {
        return crate::psci::PsciError::NotSupported.code();
    }
    // SAFETY: v is current (this function's contract): a live vCPU of a
    // live domain, which cannot go away while its vCPU is inside this trap,
    // and the only online vCPU if the slot is ever touched.
    let Some((mut dom, caller)) = (unsafe { XenDomain::of_vcpu(v) }) else {
        return crate::psci::PsciError::Denied.code();
    };
    let t0 = timer::now();
    let rc = vpsci::system_suspend(
        &mut dom,
        &mut XenHostGate,
        caller,
        fid,
        entry_point,
        context_id,
    );
    if rc == 0 && !dom.slot().armed {
        // For the log only: what was pending (it may be gone by now).
        let intid = dom.wake_event_pending(caller).map_or(-1, |i| i as i64);
        guestmsg::wake_pending(&mut XenConsole, dom.id(), caller, intid);
    } else if rc == 0 {
        let ticks = timer::now().wrapping_sub(t0);
        // The entry point as decoded for the calling convention.
        let entry = dom.slot().entry;
        guestmsg::suspended(&mut XenConsole, dom.id(), caller, entry, ticks);
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
    if !layer::enabled() {
        return crate::psci::PsciError::NotSupported.code();
    }
    // SAFETY: d is current->domain (this function's contract), alive while
    // its vCPU traps; features() only reads it.
    match unsafe { XenDomain::new(d) } {
        Some(dom) => vpsci::features(&dom, &XenHostGate, fid),
        None => crate::psci::PsciError::NotSupported.code(),
    }
}

/// The entry point check of vPSCI CPU_ON by a vCPU of domain `d`:
/// `entry_point` as the calling convention gives it (the low 32 bits for
/// the SMC32 id). Returns 0 when a vCPU can start there, PSCI
/// INVALID_ADDRESS (-9) for an AArch64 entry with bit 0 set or an address
/// outside the domain's RAM (as TF-A and KVM answer). Changes nothing.
///
/// # Safety
///
/// `d` must be the domain of the current vCPU.
#[no_mangle]
pub unsafe extern "C" fn xsr_vpsci_cpu_on_entry(d: *mut domain, entry_point: u64) -> i32 {
    if !layer::enabled() {
        // Xen's own CPU_ON checks stand.
        return crate::psci::SUCCESS;
    }
    // SAFETY: d is current->domain (this function's contract), alive while
    // its vCPU traps; cpu_on_entry() only reads it (and takes and drops a
    // page reference to look the address up).
    match unsafe { XenDomain::new(d) } {
        Some(dom) => vpsci::cpu_on_entry(&dom, entry_point),
        None => crate::psci::PsciError::InvalidAddress.code(),
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
            deactivated,
        } => guestmsg::resuming(
            &mut XenConsole,
            dom.id(),
            vcpu,
            entry,
            context_id,
            t0,
            deactivated,
        ),
        Resumed::Failed { vcpu, errno } => {
            guestmsg::load_failed(&mut XenConsole, dom.id(), vcpu, errno)
        }
    }
}

/// The wake tasklet, for domain `d`, in which an interrupt enabled in its
/// vGIC became pending while it was suspended through PSCI SYSTEM_SUSPEND:
/// if it still is, and the interrupt is still pending for the vCPU that
/// suspended, resume it exactly as `xl resume` does (and tell the
/// toolstack); otherwise nothing happens.
///
/// # Safety
///
/// `d` must be a live domain (a reference held), paused, and the caller
/// must hold the domctl lock, as XEN_DOMCTL_resumedomain does.
#[no_mangle]
pub unsafe extern "C" fn xsr_vgic_wake(d: *mut domain) {
    if !layer::enabled() {
        return;
    }
    // SAFETY: d is live, paused and the domctl lock is held (this
    // function's contract): the wake tasklet context of XenDomain::new.
    let Some(mut dom) = (unsafe { XenDomain::new(d) }) else {
        return;
    };
    if let vpsci::Wake::Resumed { vcpu } = vpsci::wake(&mut dom) {
        guestmsg::woken(&mut XenConsole, dom.id(), vcpu);
    }
}

/// `suspend_test=freeze|cpus|devices|platform` (at boot, or at run time
/// through hypfs) makes every host suspend a dry run up to that stage;
/// `suspend_test=off` ends dry runs. 0 or -EINVAL.
///
/// # Safety
///
/// `value` is a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn xsr_host_set_dry_run(value: *const core::ffi::c_char) -> i32 {
    if value.is_null() {
        return crate::errno::Errno::EINVAL.code();
    }
    // SAFETY: a NUL-terminated string (this function's contract), read
    // only during the call.
    let s = unsafe { core::ffi::CStr::from_ptr(value) };
    to_c(host::set_dry_run(s.to_bytes()))
}

/// `xsr_host_suspend_domus=freeze|deny` (boot): what a host suspend does
/// with the domains that run: freeze them for its length (the default) or
/// refuse it with DENIED. 0 or -EINVAL.
///
/// # Safety
///
/// `value` is a NUL-terminated string.
#[no_mangle]
#[cfg_attr(target_os = "none", link_section = ".init.text")]
pub unsafe extern "C" fn xsr_host_set_domus(value: *const core::ffi::c_char) -> i32 {
    if value.is_null() {
        return crate::errno::Errno::EINVAL.code();
    }
    // SAFETY: a NUL-terminated string (this function's contract), read
    // only during the call.
    let s = unsafe { core::ffi::CStr::from_ptr(value) };
    to_c(host::set_domus(s.to_bytes()))
}

/// The counter offset of a domain thawed after a host suspend that froze
/// it for `hidden` ticks (`now`: the counter at the thaw), written to
/// `*out`; false, `*out` untouched, when the domain cannot have it (see
/// `vclock::thawed_offset`).
///
/// # Safety
///
/// `out` is valid for a write of a u64.
#[no_mangle]
pub unsafe extern "C" fn xsr_host_thawed_offset(
    offset: u64,
    hidden: u64,
    now: u64,
    out: *mut u64,
) -> bool {
    match crate::vclock::thawed_offset(offset, hidden, now) {
        Some(o) if !out.is_null() => {
            // SAFETY: valid for a write of a u64 (this function's contract).
            unsafe { out.write(o) };
            true
        }
        _ => false,
    }
}

/// Boot, after PSCI, the console and the IOMMU are set up: decide whether
/// the hardware domain is offered SYSTEM_SUSPEND (firmware PSCI >= 1.0
/// with SYSTEM_SUSPEND, or a dry run; every console UART and the IOMMU
/// able to suspend) and say it on the console.
#[no_mangle]
#[cfg_attr(target_os = "none", link_section = ".init.text")]
pub extern "C" fn xsr_host_init() {
    // Disabled: the hardware domain is never offered a host suspend.
    if layer::enabled() {
        host::init();
    }
}

/// The host suspend tasklet, on pCPU0: run the sequence (or its dry run),
/// log every step with its duration, and resume the hardware domain (at
/// its entry point, or after its call with DENIED if a step failed; every
/// completed step is undone either way).
#[no_mangle]
pub extern "C" fn xsr_host_suspend_run() {
    host::run();
}

/// Asked by domain_shutdown() (declared by Xen in xen/domain.h, so not in
/// this header): whether the hardware domain's shutdown for suspend starts
/// a host suspend this layer accepted, rather than a halt.
#[no_mangle]
pub extern "C" fn arch_hwdom_suspending(_d: *const domain) -> bool {
    host::hwdom_suspending()
}

/// Boot: register the host's GICv2 with the suspend layer, which allocates
/// its context now. `dbase` maps GICD (4 kB), `cbase` GICC (8 kB, from the
/// base Xen uses). Returns 0, -ENOMEM or -EINVAL.
///
/// # Safety
///
/// Both mappings stay valid for Xen's lifetime.
#[cfg(feature = "gicv2")]
#[no_mangle]
#[cfg_attr(target_os = "none", link_section = ".init.text")]
pub unsafe extern "C" fn xsr_gicv2_init(dbase: *mut c_void, cbase: *mut c_void) -> i32 {
    // SAFETY: this function's contract.
    to_c(unsafe { gic::init_v2(dbase.cast(), cbase.cast()) })
}

/// Boot: register the host's GICv3 with the suspend layer, which allocates
/// its context now. `dbase` maps GICD (64 kB); the redistributors of CPUs
/// 0 to `nr_cpus` - 1 are found with xsr_helper_gicv3_rdist_base(). Returns
/// 0, -ENOMEM or -EINVAL.
///
/// # Safety
///
/// The mapping stays valid for Xen's lifetime.
#[cfg(feature = "gicv3")]
#[no_mangle]
#[cfg_attr(target_os = "none", link_section = ".init.text")]
pub unsafe extern "C" fn xsr_gicv3_init(dbase: *mut c_void, nr_cpus: u32) -> i32 {
    // SAFETY: this function's contract.
    to_c(unsafe { gic::init_v3(dbase.cast(), nr_cpus) })
}

/// gic_hw_operations.suspend: save the state of the distributor, the boot
/// CPU's interface (and every redistributor, GICv3) and leave them disabled.
/// Interrupts off, boot CPU. 0, -ETIMEDOUT (a handshake never completed;
/// the GIC is left as it was), -ENODEV or -EBUSY.
#[no_mangle]
pub extern "C" fn xsr_gic_suspend() -> i32 {
    to_c(gic::suspend())
}

/// gic_hw_operations.resume: restore what xsr_gic_suspend() saved.
/// Interrupts off, boot CPU. 0 or -errno.
#[no_mangle]
pub extern "C" fn xsr_gic_resume() -> i32 {
    to_c(gic::resume())
}

/// Allocate what the GIC self-test needs (a second context). Interrupts
/// on. 0, -ENOMEM or -ENODEV.
#[cfg(feature = "test-aids")]
#[no_mangle]
pub extern "C" fn xsr_gic_selftest_prepare() -> i32 {
    to_c(gic::selftest::prepare())
}

/// The GIC self-test, on CPU0 with interrupts off and every other CPU
/// stopped: timers off, save, reset as a power loss would, restore, save
/// again and compare, restore, timers on. Reports on the console; 0 when
/// the state read back equals what was saved, else -errno.
#[cfg(feature = "test-aids")]
#[no_mangle]
pub extern "C" fn xsr_gic_selftest() -> i32 {
    let report = match gic::selftest::run() {
        Ok(r) => r,
        Err(errno) => return errno.code(),
    };
    let rc = match report.result {
        Ok(_) => 0,
        Err(e) => e.errno().code(),
    };
    crate::gicpm::report(
        &mut XenConsole,
        report.version,
        report.lines,
        report.rdists,
        report.result,
    );
    rc
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

/// Serial suspend hook of Xen's PL011 driver: wait (bounded) for the
/// transmitter to drain, save what a power loss destroys into `ctx`, and
/// leave the UART as a power loss would (disabled, interrupts masked,
/// reset values). `sbsa`: an SBSA generic UART (only its interrupt mask is
/// saved); `mmio32`: 32-bit accesses, else 16-bit. Returns 0, or -ETIMEDOUT
/// when the transmitter did not drain (saved and reset all the same), or
/// -EINVAL for a null pointer.
///
/// # Safety
///
/// `base` maps the UART's registers; `ctx` points to a context owned by
/// the driver; the caller owns the UART (console stolen, interrupts off).
#[no_mangle]
pub unsafe extern "C" fn xsr_pl011_suspend(
    base: *mut c_void,
    sbsa: bool,
    mmio32: bool,
    ctx: *mut UartContext,
) -> i32 {
    // SAFETY: this function's contract is with_uart's.
    to_c(unsafe {
        uart::with_uart(base, mmio32, ctx, |r, c| {
            crate::uart::pl011_suspend(r, sbsa, c).result()
        })
    })
}

/// Serial resume hook of Xen's PL011 driver: write back what
/// xsr_pl011_suspend() saved (baud divisors, line control, FIFO levels,
/// interrupt mask, then the control register). 0, or -EINVAL when nothing
/// was saved (nothing is written then).
///
/// # Safety
///
/// As for xsr_pl011_suspend().
#[no_mangle]
pub unsafe extern "C" fn xsr_pl011_resume(
    base: *mut c_void,
    sbsa: bool,
    mmio32: bool,
    ctx: *mut UartContext,
) -> i32 {
    // SAFETY: this function's contract is with_uart's.
    to_c(unsafe {
        uart::with_uart(base, mmio32, ctx, |r, c| {
            crate::uart::pl011_restore(r, sbsa, c).map_err(|e| e.errno())
        })
    })
}

/// Serial suspend hook of Xen's Cadence UART driver (ZynqMP): as
/// xsr_pl011_suspend(), with 32-bit accesses.
///
/// # Safety
///
/// As for xsr_pl011_suspend().
#[no_mangle]
pub unsafe extern "C" fn xsr_cadence_suspend(base: *mut c_void, ctx: *mut UartContext) -> i32 {
    // SAFETY: this function's contract is with_uart's.
    to_c(unsafe {
        uart::with_uart(base, true, ctx, |r, c| {
            crate::uart::cadence_suspend(r, c).result()
        })
    })
}

/// Serial resume hook of Xen's Cadence UART driver: as xsr_pl011_resume().
///
/// # Safety
///
/// As for xsr_pl011_suspend().
#[no_mangle]
pub unsafe extern "C" fn xsr_cadence_resume(base: *mut c_void, ctx: *mut UartContext) -> i32 {
    // SAFETY: this function's contract is with_uart's.
    to_c(unsafe {
        uart::with_uart(base, true, ctx, |r, c| {
            crate::uart::cadence_restore(r, c).map_err(|e| e.errno())
        })
    })
}
