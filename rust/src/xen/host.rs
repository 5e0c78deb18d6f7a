//! The suspend of the host on Xen: the policy settled at boot, the
//! [`HostGate`] the hardware domain's SYSTEM_SUSPEND goes through, and the
//! [`HostPlatform`] the sequence of `hostpm` runs on (the C primitives of
//! `arch/arm/rust/host.c`), from a tasklet on pCPU0.
//!
//! State is three atomics, no lock: the dry-run level from the command
//! line, the decision taken at boot, and where a host suspend stands
//! (idle, claimed by the hardware domain's call, running in the tasklet).

use core::sync::atomic::{AtomicI32, AtomicU32, AtomicU64, AtomicU8, Ordering};

use super::{sys, XenConsole, XenDomain};
use crate::errno::Errno;
use crate::hostmsg;
use crate::hostpm::{self, HostPlatform, Policy, Readiness, Stage, Step, StepError, SEQUENCE};
use crate::psci::{self, PsciError};
use crate::timer;
use crate::vclock::{self, DomUs};
use crate::vpsci::{GuestDomain, HostGate};

/// The longest a dry run holds at its stage (`suspend_test_hold_ms=` is
/// clamped to it).
const HOLD_MAX_MS: u32 = 60_000;

/// A domain an interrupt asked to wake whose wake has not run yet.
fn wake_requested_domain() -> Option<u16> {
    // SAFETY: no arguments; walks the domain list under its RCU lock.
    let id = unsafe { sys::xsr_helper_wake_requested_domain() };
    // -1 for none; a domain id fits in 16 bits.
    u16::try_from(id).ok()
}

/// How long a dry run holds at its stage before unwinding, in ms.
fn hold_ms() -> u32 {
    // SAFETY: no arguments; reads an integer parameter.
    unsafe { sys::xsr_helper_dry_run_hold_ms() }.min(HOLD_MAX_MS)
}

/// The `suspend_test=` level: 0 none ("off"), else 1 + index in
/// `Stage::DRY_RUNS`. Set at boot or at run time (hypfs).
static DRY_RUN: AtomicU8 = AtomicU8::new(0);
/// What Xen found at boot (see [`init`]): the firmware's PSCI version...
static PSCI_VERSION: AtomicU32 = AtomicU32::new(0);
/// ... its PSCI_FEATURES(SYSTEM_SUSPEND) answer ...
static FW_SYSTEM_SUSPEND: AtomicI32 = AtomicI32::new(-1);
/// ... and whether the console, the IOMMU and a resume entry are ready
/// (`Readiness::bits`). Zero until init: nothing is offered before.
static READY: AtomicU8 = AtomicU8::new(0);
/// What a host suspend does with running domains (`DomUs::code`), from
/// `xsr_host_suspend_domus=` at boot.
static DOMUS: AtomicU8 = AtomicU8::new(DomUs::DEFAULT.code());
/// Where a host suspend stands.
static STATE: AtomicU8 = AtomicU8::new(IDLE);
/// The counter when the hardware domain's SYSTEM_SUSPEND claimed the
/// suspend, for its latency to the firmware call.
static CALLED_AT: AtomicU64 = AtomicU64::new(0);
const IDLE: u8 = 0;
/// Claimed by the hardware domain's SYSTEM_SUSPEND, which is shutting the
/// domain down (Xen must not halt).
const STARTING: u8 = 1;
/// Handed to the tasklet.
const RUNNING: u8 = 2;

/// `suspend_test=<level>` or `suspend_test=off`.
pub fn set_dry_run(value: &[u8]) -> Result<(), Errno> {
    let code = Stage::dry_run_code(value).ok_or(Errno::EINVAL)?;
    DRY_RUN.store(code, Ordering::Relaxed);
    Ok(())
}

/// `xsr_host_suspend_domus=freeze|deny`.
pub fn set_domus(value: &[u8]) -> Result<(), Errno> {
    let p = DomUs::parse(value).ok_or(Errno::EINVAL)?;
    DOMUS.store(p.code(), Ordering::Relaxed);
    Ok(())
}

fn domus() -> DomUs {
    DomUs::from_code(DOMUS.load(Ordering::Relaxed))
}

/// The policy as it stands now (the dry-run level may change at run time).
fn policy() -> Policy {
    Policy::new(
        PSCI_VERSION.load(Ordering::Relaxed),
        FW_SYSTEM_SUSPEND.load(Ordering::Relaxed),
        Readiness::from_bits(READY.load(Ordering::Acquire)),
        Stage::from_dry_run_code(DRY_RUN.load(Ordering::Relaxed)),
    )
}

/// How far a host suspend goes now, if the hardware domain may suspend.
fn decision() -> Option<Stage> {
    hostpm::decide(&policy()).ok()
}

/// Boot: gather the policy from Xen, decide, say it on the console.
pub fn init() {
    // SAFETY: no arguments; reads the version Xen's PSCI driver found.
    let version = unsafe { sys::xsr_helper_psci_version() };
    // SAFETY: takes a function id, no pointer; a PSCI_FEATURES call to the
    // firmware, which has no side effect.
    let fw = unsafe { sys::xsr_helper_fw_psci_features(psci::SYSTEM_SUSPEND_64) };
    PSCI_VERSION.store(version, Ordering::Relaxed);
    FW_SYSTEM_SUSPEND.store(fw, Ordering::Relaxed);
    let ready = Readiness {
        // SAFETY: no arguments; reads the console driver's hooks.
        console: unsafe { sys::xsr_helper_console_can_suspend() },
        // SAFETY: no arguments; reads the IOMMU driver's hooks.
        iommu: unsafe { sys::xsr_helper_iommu_can_suspend() },
        // SAFETY: no arguments; reads whether head.S's resume entry is
        // there and the real suspend enabled.
        resume_entry: unsafe { sys::xsr_helper_resume_entry() } != 0,
    };
    READY.store(ready.bits(), Ordering::Release);
    let policy = policy();
    hostmsg::policy(&mut XenConsole, &policy, domus(), hostpm::decide(&policy));
}

/// Whether the hardware domain's shutdown for suspend starts a host
/// suspend (asked by Xen's domain_shutdown()).
pub fn hwdom_suspending() -> bool {
    STATE.load(Ordering::Acquire) == STARTING
}

/// The [`HostGate`] of the hardware domain's SYSTEM_SUSPEND.
pub struct XenHostGate;

impl HostGate for XenHostGate {
    fn offered(&self) -> bool {
        decision().is_some()
    }

    fn others_suspended(&self) -> Result<(), u16> {
        if domus() == DomUs::Freeze {
            // Those that run will be frozen.
            return Ok(());
        }
        // SAFETY: no arguments; walks the domain list under its RCU lock.
        let awake = unsafe { sys::xsr_helper_first_awake_domain(false) };
        if awake < 0 {
            return Ok(());
        }
        // A domain id fits in 16 bits.
        let id = awake as u16;
        hostmsg::refused_running(&mut XenConsole, id);
        Err(id)
    }

    fn begin(&mut self) -> bool {
        let ok = STATE
            .compare_exchange(IDLE, STARTING, Ordering::AcqRel, Ordering::Acquire)
            .is_ok();
        if ok {
            CALLED_AT.store(timer::now(), Ordering::Relaxed);
        } else {
            hostmsg::refused_busy(&mut XenConsole);
        }
        ok
    }

    fn cancel(&mut self) {
        STATE.store(IDLE, Ordering::Release);
    }

    fn start(&mut self) {
        STATE.store(RUNNING, Ordering::Release);
        // SAFETY: no arguments; schedules the tasklet initialised at boot
        // (host_suspend_init runs before any domain exists).
        unsafe { sys::xsr_helper_host_suspend_start() };
    }
}

/// One line of the step log: the step, whether it was the undo, its
/// duration in counter ticks.
type Entry = (Step, bool, u64);

/// Proof that the code runs in the host suspend's tasklet on pCPU0, in the
/// idle vCPU, one host suspend at a time: the only context in which the
/// sequence's C primitives may be called. Its methods are those
/// primitives, one C call each; none takes a pointer.
struct InHostTasklet(());

impl InHostTasklet {
    /// # Safety
    ///
    /// Only in the host suspend's tasklet on pCPU0 ([`run`]), once per
    /// host suspend, and the primitives only in the order of [`SEQUENCE`]
    /// (each undo after its own step, in reverse).
    unsafe fn new() -> Self {
        InHostTasklet(())
    }

    fn freeze_domains(&self) {
        // SAFETY: the tasklet context (Self); pauses every domain but the
        // hardware domain, which has shut down for suspend.
        unsafe { sys::xsr_helper_freeze_domains() }
    }

    fn thaw_domains(&self) {
        // SAFETY: the tasklet context; after freeze_domains().
        unsafe { sys::xsr_helper_thaw_domains() }
    }

    /// The first domain that runs, if any (under policy deny, the frozen
    /// domains included).
    fn first_awake_domain(&self) -> Option<u16> {
        // SAFETY: the tasklet context; walks the domain list under its RCU
        // lock.
        let id = unsafe { sys::xsr_helper_first_awake_domain(true) };
        // -1 for none; a domain id fits in 16 bits.
        u16::try_from(id).ok()
    }

    /// Freeze the domains that run; whether there were any.
    fn freeze_running_domains(&self) -> bool {
        // SAFETY: the tasklet context; the domains are paused
        // (freeze_domains()).
        unsafe { sys::xsr_helper_freeze_running_domains() > 0 }
    }

    fn thaw_running_domains(&self, hidden: u64) {
        // SAFETY: the tasklet context; after freeze_running_domains().
        unsafe { sys::xsr_helper_thaw_running_domains(hidden) }
    }

    fn cpus_off(&self) -> Result<(), Errno> {
        // SAFETY: the tasklet context on pCPU0; takes every other CPU down.
        Errno::check(unsafe { sys::xsr_helper_cpus_off() })
    }

    fn cpus_on(&self) {
        // SAFETY: the tasklet context on pCPU0; after cpus_off().
        unsafe { sys::xsr_helper_cpus_on() }
    }

    fn time_suspend(&self) {
        // SAFETY: Xen's time_suspend() (asm/time.h) only writes this CPU's
        // EL2 timer controls; it asserts what holds here: the tasklet
        // context on the boot CPU, interrupts off (after IrqsOff).
        unsafe { sys::time_suspend() }
    }

    fn time_resume(&self) {
        // SAFETY: Xen's time_resume() re-arms this CPU's timers; called as
        // it asserts: interrupts off, after time_suspend(), same CPU.
        unsafe { sys::time_resume() }
    }

    fn iommu_suspend(&self) -> Result<(), Errno> {
        // SAFETY: the tasklet context, interrupts off.
        Errno::check(unsafe { sys::xsr_helper_iommu_suspend() })
    }

    fn iommu_resume(&self) {
        // SAFETY: Xen's iommu_resume() takes no argument and undoes
        // iommu_suspend(), which this sequence called before (interrupts
        // off, the boot CPU the only one up).
        unsafe { sys::iommu_resume() }
    }

    fn console_suspend(&self) {
        // SAFETY: the tasklet context, interrupts off.
        unsafe { sys::xsr_helper_console_suspend() }
    }

    fn console_resume(&self) {
        // SAFETY: the tasklet context, interrupts off; after
        // console_suspend().
        unsafe { sys::xsr_helper_console_resume() }
    }

    /// Interrupts off; the flags that irq_restore() takes back.
    fn irq_save(&self) -> usize {
        // SAFETY: the tasklet context; local_irq_save().
        unsafe { sys::xsr_helper_irq_save() as usize }
    }

    fn irq_restore(&self, flags: usize) {
        // SAFETY: the tasklet context; flags are irq_save()'s, in the
        // matching undo.
        unsafe { sys::xsr_helper_irq_restore(flags as _) }
    }

    fn gic_suspend(&self) -> Result<(), Errno> {
        // SAFETY: Xen's gic_suspend() (asm/gic.h) saves and disables the
        // GIC through its driver; it asserts what holds here: interrupts
        // off, the boot CPU the only one up.
        Errno::check(unsafe { sys::gic_suspend() })
    }

    /// Ok(true) restored, Ok(false) skipped (xsr_test_skip_gic_restore).
    fn gic_resume(&self) -> Result<bool, Errno> {
        // SAFETY: the tasklet context, interrupts off; after gic_suspend().
        match unsafe { sys::xsr_helper_gic_resume() } {
            1 => Ok(false),
            rc => Errno::check(rc).map(|()| true),
        }
    }

    fn boot_mapping(&self, enable: bool) {
        // SAFETY: the tasklet context, interrupts off, the only CPU up.
        unsafe { sys::xsr_helper_boot_mapping(enable) }
    }

    /// PSCI SYSTEM_SUSPEND to the firmware: returns after the resume.
    fn firmware_suspend(&self) -> Result<(), PsciError> {
        // SAFETY: the tasklet context, interrupts off, the only CPU up, the
        // context saved and the resume entry mapped (SaveContext).
        PsciError::check(unsafe { sys::xsr_helper_firmware_suspend() })
    }

    fn udelay(&self, us: u64) {
        // SAFETY: Xen's udelay() takes a count and busy-waits on the system
        // counter; it touches no memory of ours, in any context.
        unsafe { sys::udelay(us) }
    }
}

/// The sequence's primitives in Xen, and the log of the steps (printed
/// once the console is back).
struct XenHost {
    xen: InHostTasklet,
    irq_flags: usize,
    /// Test only (xsr_test_skip_gic_restore): the GIC was not restored.
    #[cfg(feature = "test-aids")]
    gic_restore_skipped: bool,
    /// Test only (xsr_test_gic_check): the GIC's values were taken before
    /// its suspend, and what the comparison after its resume found.
    #[cfg(feature = "test-aids")]
    gic_check: (bool, Option<crate::gicstate::Report>),
    /// The GIC restore failed with this error.
    gic_restore_error: Option<Errno>,
    /// The counter when running domains were frozen, if any were.
    frozen_at: Option<u64>,
    /// The domain whose wake-up interrupt kept the host from sleeping.
    woken_by: Option<u16>,
    /// The counter just before the firmware call and once it returned.
    firmware_at: (u64, u64),
    log: [Option<Entry>; 2 * SEQUENCE.len()],
    logged: usize,
}

impl XenHost {
    fn new(xen: InHostTasklet) -> Self {
        Self {
            xen,
            irq_flags: 0,
            #[cfg(feature = "test-aids")]
            gic_restore_skipped: false,
            #[cfg(feature = "test-aids")]
            gic_check: (false, None),
            gic_restore_error: None,
            frozen_at: None,
            woken_by: None,
            firmware_at: (0, 0),
            log: [None; 2 * SEQUENCE.len()],
            logged: 0,
        }
    }
}

impl HostPlatform for XenHost {
    fn run(&mut self, step: Step) -> Result<(), StepError> {
        let xen = &self.xen;
        match step {
            Step::FreezeDomains => xen.freeze_domains(),
            Step::CheckOthersSuspended => match domus() {
                DomUs::Deny => {
                    if let Some(id) = xen.first_awake_domain() {
                        return Err(StepError::DomainRuns(id));
                    }
                }
                DomUs::Freeze => {
                    if xen.freeze_running_domains() {
                        self.frozen_at = Some(timer::now());
                    }
                }
            },
            Step::NonBootCpusOff => xen.cpus_off().map_err(StepError::Xen)?,
            Step::Timers => xen.time_suspend(),
            Step::Iommu => xen.iommu_suspend().map_err(StepError::Xen)?,
            Step::Console => xen.console_suspend(),
            Step::IrqsOff => self.irq_flags = xen.irq_save(),
            Step::Gic => {
                #[cfg(feature = "test-aids")]
                {
                    self.gic_check.0 = super::gic::check::take();
                }
                xen.gic_suspend().map_err(StepError::Xen)?
            }
            Step::SaveContext => xen.boot_mapping(true),
            Step::Firmware => {
                self.firmware_at.0 = timer::now();
                let r = xen.firmware_suspend();
                self.firmware_at.1 = timer::now();
                r.map_err(StepError::Firmware)?
            }
        }
        Ok(())
    }

    fn undo(&mut self, step: Step) {
        let xen = &self.xen;
        match step {
            Step::FreezeDomains => xen.thaw_domains(),
            Step::CheckOthersSuspended => {
                if let Some(at) = self.frozen_at.take() {
                    xen.thaw_running_domains(vclock::frozen_ticks(at, timer::now()));
                }
            }
            Step::NonBootCpusOff => xen.cpus_on(),
            Step::Timers => xen.time_resume(),
            Step::Iommu => xen.iommu_resume(),
            Step::Console => xen.console_resume(),
            Step::IrqsOff => xen.irq_restore(self.irq_flags),
            Step::Gic => {
                match xen.gic_resume() {
                    Ok(true) => {}
                    #[cfg(feature = "test-aids")]
                    Ok(false) => self.gic_restore_skipped = true,
                    // Only the test aid skips the restore.
                    #[cfg(not(feature = "test-aids"))]
                    Ok(false) => {}
                    Err(e) => self.gic_restore_error = Some(e),
                }
                #[cfg(feature = "test-aids")]
                if self.gic_check.0 {
                    self.gic_check.1 = super::gic::check::compare();
                }
            }
            Step::SaveContext => xen.boot_mapping(false),
            // After a resume the firmware has nothing to undo.
            Step::Firmware => {}
        }
    }

    fn hold(&mut self, _stage: Stage) {
        // The hold time is at most HOLD_MAX_MS.
        self.xen.udelay(u64::from(hold_ms()) * 1000);
    }

    fn wake_pending(&mut self) -> bool {
        self.woken_by = wake_requested_domain();
        self.woken_by.is_some()
    }

    fn now(&self) -> u64 {
        timer::now()
    }

    fn report(&mut self, step: Step, undo: bool, ticks: u64) {
        if let Some(slot) = self.log.get_mut(self.logged) {
            *slot = Some((step, undo, ticks));
            self.logged += 1;
        }
    }
}

/// The tasklet on pCPU0: run the suspend of the host (or its dry run),
/// report every step, then resume the hardware domain: at its entry point
/// after a resume or a dry run, after its call with DENIED on a failure.
pub fn run() {
    let Some(stage) = decision() else {
        // Not offered, so not reached; never leave the domain shut down.
        resume_hwdom(PsciError::Denied.code());
        STATE.store(IDLE, Ordering::Release);
        return;
    };
    let freq = timer::frequency();
    let mut c = XenConsole;
    hostmsg::starting(&mut c, stage, freq);
    // SAFETY: run() is the host suspend's tasklet on pCPU0 (its only
    // caller is xsr_host_suspend_run, which Xen's host suspend tasklet
    // calls), once per host suspend (STATE), and hostpm::run calls the
    // primitives in the order of SEQUENCE.
    let mut host = XenHost::new(unsafe { InHostTasklet::new() });
    let t0 = timer::now();
    let out = hostpm::run(&mut host, stage);
    let total = timer::now().wrapping_sub(t0);

    for &(step, undo, ticks) in host.log.iter().take(host.logged).flatten() {
        hostmsg::step(&mut c, step, undo, ticks, freq);
    }
    if let Some(e) = host.gic_restore_error {
        hostmsg::gic_restore_failed(&mut c, e);
    }
    #[cfg(feature = "test-aids")]
    if host.gic_restore_skipped {
        hostmsg::gic_restore_skipped(&mut c);
    }
    #[cfg(feature = "test-aids")]
    if host.gic_check.0 {
        crate::gicstate::Report::log(host.gic_check.1.as_ref(), &mut c);
    }
    hostmsg::outcome(&mut c, out, total, freq, hold_ms(), host.woken_by);
    if let Some(asked) = wake_requested_domain() {
        // Its wake tasklet runs once this one ends.
        hostmsg::woke_during(&mut c, asked);
    }
    resume_hwdom(hostpm::psci_code(out));
    if out == hostpm::Outcome::Resumed {
        let (call, ret) = host.firmware_at;
        hostmsg::latencies(
            &mut c,
            call.wrapping_sub(CALLED_AT.load(Ordering::Relaxed)),
            timer::now().wrapping_sub(ret),
            freq,
        );
    }
    STATE.store(IDLE, Ordering::Release);
}

/// Resume the hardware domain; `code` is what its SYSTEM_SUSPEND returns.
fn resume_hwdom(code: i32) {
    // SAFETY: no arguments; reads hardware_domain.
    let d = unsafe { sys::xsr_helper_hardware_domain() };
    // SAFETY: the hardware domain lives as long as Xen. It is shut down for
    // suspend and its toolstack is with it, so nothing but this tasklet
    // resumes it: its resume slot is ours until domain_resume() below,
    // which applies it (arch_domain_resume).
    let Some(mut dom) = (unsafe { XenDomain::new(d) }) else {
        return;
    };
    if code != psci::SUCCESS {
        // Not resumed at its entry point: it continues after its call,
        // which returns `code`.
        let slot = core::mem::take(dom.slot());
        // SAFETY: live domain, vCPU checked by the helper, not running
        // (the domain is shut down); the value is a PSCI code, sign-extended
        // as the SMC calling convention returns it.
        unsafe { sys::xsr_helper_vcpu_set_x0(d, slot.vcpu_id, i64::from(code) as u64) };
    }
    // SAFETY: live domain; domain_resume() takes the locks it needs.
    unsafe { sys::xsr_helper_domain_resume(d) };
}
