//! The suspend of the host on Xen: the policy settled at boot, the
//! [`HostGate`] the hardware domain's SYSTEM_SUSPEND goes through, and the
//! [`HostPlatform`] the sequence of `hostpm` runs on (the C primitives of
//! `arch/arm/rust/host.c`), from a tasklet on pCPU0.
//!
//! State is three atomics, no lock: the dry-run level from the command
//! line, the decision taken at boot, and where a host suspend stands
//! (idle, claimed by the hardware domain's call, running in the tasklet).

use core::sync::atomic::{AtomicI32, AtomicU32, AtomicU8, Ordering};

use super::{sys, XenConsole, XenDomain};
use crate::errno::Errno;
use crate::hostpm::{self, HostPlatform, Outcome, Policy, Refusal, Stage, Step, SEQUENCE};
use crate::layer::{Level, Log};
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
/// (bits below). Zero until init: nothing is offered before.
static READY: AtomicU8 = AtomicU8::new(0);
const READY_CONSOLE: u8 = 1 << 0;
const READY_IOMMU: u8 = 1 << 1;
const READY_ENTRY: u8 = 1 << 2;
/// What a host suspend does with running domains (`DomUs::code`), from
/// `xsr_host_suspend_domus=` at boot.
static DOMUS: AtomicU8 = AtomicU8::new(DomUs::DEFAULT.code());
/// Where a host suspend stands.
static STATE: AtomicU8 = AtomicU8::new(IDLE);
const IDLE: u8 = 0;
/// Claimed by the hardware domain's SYSTEM_SUSPEND, which is shutting the
/// domain down (Xen must not halt).
const STARTING: u8 = 1;
/// Handed to the tasklet.
const RUNNING: u8 = 2;

/// `suspend_test=<level>` or `suspend_test=off`: 0 or -EINVAL.
pub fn set_dry_run(value: &[u8]) -> i32 {
    if value == b"off" {
        DRY_RUN.store(0, Ordering::Relaxed);
        return 0;
    }
    let level = Stage::parse_dry_run(value);
    match Stage::DRY_RUNS.iter().position(|&s| Some(s) == level) {
        Some(i) => {
            // At most four levels: fits in a u8.
            DRY_RUN.store(i as u8 + 1, Ordering::Relaxed);
            0
        }
        None => crate::errno::Errno::EINVAL.code(),
    }
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

fn dry_run() -> Option<Stage> {
    let code = DRY_RUN.load(Ordering::Relaxed);
    Stage::DRY_RUNS
        .get(usize::from(code).checked_sub(1)?)
        .copied()
}

/// The policy as it stands now (the dry-run level may change at run time).
fn policy() -> Policy {
    let ready = READY.load(Ordering::Acquire);
    Policy {
        psci_version: PSCI_VERSION.load(Ordering::Relaxed),
        fw_system_suspend: FW_SYSTEM_SUSPEND.load(Ordering::Relaxed),
        console_can_suspend: ready & READY_CONSOLE != 0,
        iommu_can_suspend: ready & READY_IOMMU != 0,
        resume_entry: ready & READY_ENTRY != 0,
        dry_run: dry_run(),
    }
}

/// How far a host suspend goes now, if the hardware domain may suspend.
fn decision() -> Option<Stage> {
    hostpm::decide(&policy()).ok()
}

/// Boot: gather the policy from Xen, decide, say it on the console.
pub fn init() {
    // SAFETY: the helpers take no pointers and only read Xen's state (the
    // PSCI one makes a PSCI_FEATURES call to the firmware, which has no
    // side effect).
    let (version, fw, console, iommu, entry) = unsafe {
        (
            sys::xsr_helper_psci_version(),
            sys::xsr_helper_fw_psci_features(psci::SYSTEM_SUSPEND_64),
            sys::xsr_helper_console_can_suspend(),
            sys::xsr_helper_iommu_can_suspend(),
            sys::xsr_helper_resume_entry() != 0,
        )
    };
    PSCI_VERSION.store(version, Ordering::Relaxed);
    FW_SYSTEM_SUSPEND.store(fw, Ordering::Relaxed);
    let ready = (u8::from(console) * READY_CONSOLE)
        | (u8::from(iommu) * READY_IOMMU)
        | (u8::from(entry) * READY_ENTRY);
    READY.store(ready, Ordering::Release);
    let policy = policy();
    let (major, minor) = (policy.psci_version >> 16, policy.psci_version & 0xffff);
    match hostpm::decide(&policy) {
        Ok(stage) => {
            XenConsole.line(
                Level::Info,
                format_args!(
                    "xen-suspend: host suspend: domUs that run are {} (xsr_host_suspend_domus={})",
                    match domus() {
                        DomUs::Freeze => "frozen and thawed",
                        DomUs::Deny => "an obstacle (DENIED)",
                    },
                    domus().name()
                ),
            );
            if stage == Stage::Full {
                XenConsole.line(
                    Level::Info,
                    format_args!(
                        "xen-suspend: host suspend offered to the hardware domain (firmware PSCI {major}.{minor})"
                    ),
                );
            } else {
                XenConsole.line(
                    Level::Info,
                    format_args!(
                        "xen-suspend: host suspend offered to the hardware domain as a dry run up to '{}' (suspend_test)",
                        stage.name()
                    ),
                );
            }
        }
        Err(why) => {
            let mut c = XenConsole;
            let head = "xen-suspend: host suspend not offered to the hardware domain";
            match why {
                Refusal::OldPsci(_) => c.line(
                    Level::Info,
                    format_args!("{head}: firmware PSCI {major}.{minor} is older than 1.0"),
                ),
                Refusal::NoFirmwareSuspend(code) => c.line(
                    Level::Info,
                    format_args!(
                        "{head}: firmware PSCI {major}.{minor} has no SYSTEM_SUSPEND (PSCI_FEATURES: {code})"
                    ),
                ),
                Refusal::Console => c.line(
                    Level::Info,
                    format_args!("{head}: a console UART cannot suspend"),
                ),
                Refusal::Iommu => c.line(
                    Level::Info,
                    format_args!("{head}: the IOMMU cannot suspend"),
                ),
                Refusal::NoResumeEntry => c.line(
                    Level::Info,
                    format_args!(
                        "{head}: a real suspend is not enabled (xsr_host_suspend on Xen's command line)"
                    ),
                ),
            }
        }
    }
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
        XenConsole.line(
            Level::Info,
            format_args!(
                "xen-suspend: host suspend refused (DENIED): d{id} is running, not suspended"
            ),
        );
        Err(id)
    }

    fn begin(&mut self) -> bool {
        let ok = STATE
            .compare_exchange(IDLE, STARTING, Ordering::AcqRel, Ordering::Acquire)
            .is_ok();
        if !ok {
            XenConsole.line(
                Level::Info,
                format_args!("xen-suspend: host suspend refused (DENIED): one is under way"),
            );
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

/// The sequence's primitives in Xen, and the log of the steps (printed
/// once the console is back).
struct XenHost {
    irq_flags: usize,
    /// Test only (xsr_test_skip_gic_restore): the GIC was not restored.
    gic_restore_skipped: bool,
    /// The GIC restore failed with this -errno.
    gic_restore_error: Option<i32>,
    awake: i32,
    /// The counter when running domains were frozen, if any were.
    frozen_at: Option<u64>,
    /// The domain whose wake-up interrupt kept the host from sleeping.
    woken_by: Option<u16>,
    log: [Option<Entry>; 2 * SEQUENCE.len()],
    logged: usize,
}

impl XenHost {
    fn new() -> Self {
        Self {
            irq_flags: 0,
            gic_restore_skipped: false,
            gic_restore_error: None,
            awake: -1,
            frozen_at: None,
            woken_by: None,
            log: [None; 2 * SEQUENCE.len()],
            logged: 0,
        }
    }
}

impl HostPlatform for XenHost {
    fn run(&mut self, step: Step) -> Result<(), i32> {
        // SAFETY: the C primitives take no pointers and run here as they
        // require: on pCPU0, in the idle vCPU's tasklet, in the order of
        // SEQUENCE (interrupts are off from IrqsOff on, as the GIC and
        // firmware steps need).
        let rc = unsafe {
            match step {
                Step::FreezeDomains => {
                    sys::xsr_helper_freeze_domains();
                    0
                }
                Step::CheckOthersSuspended => match domus() {
                    DomUs::Deny => {
                        self.awake = sys::xsr_helper_first_awake_domain(true);
                        if self.awake >= 0 {
                            PsciError::Denied.code()
                        } else {
                            0
                        }
                    }
                    DomUs::Freeze => {
                        if sys::xsr_helper_freeze_running_domains() > 0 {
                            self.frozen_at = Some(timer::now());
                        }
                        0
                    }
                },
                Step::NonBootCpusOff => sys::xsr_helper_cpus_off(),
                Step::Timers => {
                    sys::xsr_helper_time_suspend();
                    0
                }
                Step::Iommu => sys::xsr_helper_iommu_suspend(),
                Step::Console => {
                    sys::xsr_helper_console_suspend();
                    0
                }
                Step::IrqsOff => {
                    self.irq_flags = sys::xsr_helper_irq_save() as usize;
                    0
                }
                Step::Gic => sys::xsr_helper_gic_suspend(),
                Step::SaveContext => {
                    sys::xsr_helper_boot_mapping(true);
                    0
                }
                Step::Firmware => sys::xsr_helper_firmware_suspend(),
            }
        };
        if rc == 0 {
            Ok(())
        } else {
            Err(rc)
        }
    }

    fn undo(&mut self, step: Step) {
        // SAFETY: as in run(): each undo follows its own step, in reverse.
        unsafe {
            match step {
                Step::FreezeDomains => sys::xsr_helper_thaw_domains(),
                Step::CheckOthersSuspended => {
                    if let Some(at) = self.frozen_at.take() {
                        let hidden = vclock::frozen_ticks(at, timer::now());
                        sys::xsr_helper_thaw_running_domains(hidden);
                    }
                }
                Step::NonBootCpusOff => sys::xsr_helper_cpus_on(),
                Step::Timers => sys::xsr_helper_time_resume(),
                Step::Iommu => sys::xsr_helper_iommu_resume(),
                Step::Console => sys::xsr_helper_console_resume(),
                Step::IrqsOff => sys::xsr_helper_irq_restore(self.irq_flags as _),
                Step::Gic => match sys::xsr_helper_gic_resume() {
                    0 => {}
                    1 => self.gic_restore_skipped = true,
                    e => self.gic_restore_error = Some(e),
                },
                Step::SaveContext => sys::xsr_helper_boot_mapping(false),
                // After a resume the firmware has nothing to undo.
                Step::Firmware => {}
            }
        }
    }

    fn hold(&mut self, _stage: Stage) {
        // SAFETY: takes a count, no pointer: a busy wait of the hold time
        // (at most HOLD_MAX_MS) on the system counter.
        unsafe { sys::xsr_helper_udelay(u64::from(hold_ms()) * 1000) };
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

/// Microseconds in `ticks` of a counter running at `freq` Hz.
fn ticks_to_us(ticks: u64, freq: u64) -> u64 {
    // In two parts so that nothing overflows (the remainder is below freq,
    // a few GHz at most).
    let whole = ticks.checked_div(freq).unwrap_or(0);
    let part = (ticks.checked_rem(freq).unwrap_or(0) * 1_000_000)
        .checked_div(freq)
        .unwrap_or(0);
    whole.saturating_mul(1_000_000).saturating_add(part)
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
    XenConsole.line(
        Level::Info,
        format_args!(
            "xen-suspend: host suspend: {} (counter {} Hz)",
            if stage == Stage::Full {
                "suspending"
            } else {
                stage.name()
            },
            freq
        ),
    );
    let mut host = XenHost::new();
    let t0 = timer::now();
    let out = hostpm::run(&mut host, stage);
    let total = timer::now().wrapping_sub(t0);

    for &(step, undo, ticks) in host.log.iter().take(host.logged).flatten() {
        XenConsole.line(
            Level::Info,
            format_args!(
                "xen-suspend: host {} {:<14} {:>8} us",
                if undo { "resume " } else { "suspend" },
                step.name(),
                ticks_to_us(ticks, freq)
            ),
        );
    }
    let mut c = XenConsole;
    if let Some(e) = host.gic_restore_error {
        // The resume cannot be undone: say it, loudly.
        c.line(
            Level::Warning,
            format_args!(
                "xen-suspend: host resume: the GIC restore failed ({e}); interrupts may be lost"
            ),
        );
    }
    if host.gic_restore_skipped {
        c.line(
            Level::Warning,
            format_args!("xen-suspend: TEST: the GIC was not restored (xsr_test_skip_gic_restore)"),
        );
    }
    match out {
        Outcome::Resumed => c.line(
            Level::Info,
            format_args!(
                "xen-suspend: host suspend: resumed ({} us)",
                ticks_to_us(total, freq)
            ),
        ),
        Outcome::DryRun(s) => c.line(
            Level::Info,
            format_args!(
                "xen-suspend: host suspend: dry run to '{}' done ({} us, held {} us)",
                s.name(),
                ticks_to_us(total, freq),
                u64::from(hold_ms()) * 1000
            ),
        ),
        Outcome::WokenEarly => c.line(
            Level::Info,
            format_args!(
                "xen-suspend: host suspend: d{}'s wake-up interrupt came before the firmware call: the host stays up, unwound ({} us)",
                host.woken_by.unwrap_or(u16::MAX),
                ticks_to_us(total, freq)
            ),
        ),
        Outcome::Failed { step, code } if step == Step::CheckOthersSuspended => c.line(
            Level::Warning,
            format_args!(
                "xen-suspend: host suspend: failed at {}: d{} is running, not suspended ({}); unwound",
                step.name(),
                host.awake,
                code
            ),
        ),
        Outcome::Failed { step, code } => c.line(
            Level::Warning,
            format_args!(
                "xen-suspend: host suspend: failed at {} ({}); unwound",
                step.name(),
                code
            ),
        ),
    }

    if let Some(asked) = wake_requested_domain() {
        // Its wake tasklet runs once this one ends.
        c.line(
            Level::Info,
            format_args!(
                "xen-suspend: host suspend: d{asked} asked to wake during it: it wakes now"
            ),
        );
    }
    resume_hwdom(hostpm::psci_code(out));
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
