//! The sequence of a host suspend, as an
//! explicit list of steps, each with its undo, so that a failure at any step
//! undoes exactly the steps that completed, in reverse order. The same
//! reverse walk is the resume path after a real suspend, and the end of a
//! staged dry run (in the spirit of Linux's /sys/power/pm_test).
//!
//! Written against [`HostPlatform`]; the Xen side (freezing domains, CPU
//! hotplug, the GIC and timer hooks, the PSCI call) implements it in
//! `xen::host`, and runs it from a tasklet on pCPU0 when the hardware
//! domain calls PSCI SYSTEM_SUSPEND. [`decide`] is the policy: whether the
//! hardware domain is offered SYSTEM_SUSPEND at all, and how far a suspend
//! goes.

use crate::errno::Errno;
use crate::psci::PsciError;

/// One step of a host suspend, in the order it runs. Resume undoes them in
/// reverse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Pause every domain (the initiating hardware domain included).
    FreezeDomains,
    /// The other domains that run: frozen for the suspend, their clocks
    /// thawed on the way back (`vclock::DomUs::Freeze`, the default), or
    /// DENIED while one runs (`DomUs::Deny`). Domains that cannot run are
    /// left as they are either way.
    CheckOthersSuspended,
    /// Take the non-boot CPUs offline.
    NonBootCpusOff,
    /// Mask interrupts on the boot CPU, the only one left: every device
    /// step below runs with interrupts off (as x86's S3 does), so that no
    /// interrupt or softirq reprograms a timer or touches a device that is
    /// already suspended.
    IrqsOff,
    /// Turn the boot CPU's timers off.
    Timers,
    /// Suspend the IOMMU(s).
    Iommu,
    /// Suspend the console UART.
    Console,
    /// Save and disable the GIC.
    Gic,
    /// Save the CPU context for the resume entry (head.S).
    SaveContext,
    /// Call the firmware's PSCI SYSTEM_SUSPEND: returns after resume.
    Firmware,
}

impl Step {
    /// The step's name in Xen's log.
    pub const fn name(self) -> &'static core::ffi::CStr {
        match self {
            Step::FreezeDomains => c"freeze-domains",
            Step::CheckOthersSuspended => c"check-domains",
            Step::NonBootCpusOff => c"cpus-off",
            Step::Timers => c"timers",
            Step::Iommu => c"iommu",
            Step::Console => c"console",
            Step::IrqsOff => c"irqs-off",
            Step::Gic => c"gic",
            Step::SaveContext => c"save-context",
            Step::Firmware => c"firmware",
        }
    }
}

/// All steps, in order.
pub const SEQUENCE: [Step; 10] = [
    Step::FreezeDomains,
    Step::CheckOthersSuspended,
    Step::NonBootCpusOff,
    Step::IrqsOff,
    Step::Timers,
    Step::Iommu,
    Step::Console,
    Step::Gic,
    Step::SaveContext,
    Step::Firmware,
];

/// How far a run goes: a dry run stops after its stage's last step, holds,
/// and unwinds; `Full` calls the firmware.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Domains frozen and checked.
    Freeze,
    /// Also non-boot CPUs offline.
    Cpus,
    /// Also interrupts off, timers, IOMMU, console and GIC.
    Devices,
    /// Everything but the firmware call (the context is saved).
    Platform,
    /// A real suspend.
    Full,
}

impl Stage {
    /// The number of steps the stage runs.
    pub const fn steps(self) -> usize {
        match self {
            Stage::Freeze => 2,
            Stage::Cpus => 3,
            Stage::Devices => 8,
            Stage::Platform => 9,
            Stage::Full => SEQUENCE.len(),
        }
    }
}

impl Stage {
    /// The dry-run levels, as `suspend_test=` names them.
    pub const DRY_RUNS: [Stage; 4] = [Stage::Freeze, Stage::Cpus, Stage::Devices, Stage::Platform];

    /// The stage's name (`suspend_test=` value; "full" for a real suspend).
    pub const fn name(self) -> &'static core::ffi::CStr {
        match self {
            Stage::Freeze => c"freeze",
            Stage::Cpus => c"cpus",
            Stage::Devices => c"devices",
            Stage::Platform => c"platform",
            Stage::Full => c"full",
        }
    }

    /// The dry-run level named `s` (a `suspend_test=` value).
    pub fn parse_dry_run(s: &[u8]) -> Option<Stage> {
        Self::DRY_RUNS
            .iter()
            .copied()
            .find(|st| st.name().to_bytes() == s)
    }

    /// A `suspend_test=` value as one byte, for an atomic: 0 for "off",
    /// else 1 + the level's index in [`Stage::DRY_RUNS`]; `None` for a
    /// value that names no level.
    pub fn dry_run_code(value: &[u8]) -> Option<u8> {
        if value == b"off" {
            return Some(0);
        }
        let level = Self::parse_dry_run(value)?;
        let i = Self::DRY_RUNS.iter().position(|&s| s == level)?;
        // At most four levels.
        u8::try_from(i + 1).ok()
    }

    /// The level a [`Stage::dry_run_code`] stands for (`None`: off).
    pub fn from_dry_run_code(code: u8) -> Option<Stage> {
        Self::DRY_RUNS
            .get(usize::from(code).checked_sub(1)?)
            .copied()
    }
}

/// What of Xen is ready for a suspend, found at boot: as one byte for an
/// atomic ([`Readiness::bits`]), zero (nothing ready) until then.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Readiness {
    /// Every console UART in use can suspend and resume.
    pub console: bool,
    /// No IOMMU in use, or it can suspend and resume.
    pub iommu: bool,
    /// Xen has a resume entry and a real suspend is enabled.
    pub resume_entry: bool,
}

impl Readiness {
    /// As one byte.
    pub const fn bits(self) -> u8 {
        self.console as u8 | (self.iommu as u8) << 1 | (self.resume_entry as u8) << 2
    }

    /// From [`Readiness::bits`].
    pub const fn from_bits(b: u8) -> Self {
        Readiness {
            console: b & 1 != 0,
            iommu: b & 2 != 0,
            resume_entry: b & 4 != 0,
        }
    }
}

/// What decides whether the hardware domain may suspend the host, gathered
/// by Xen at boot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    /// The firmware's PSCI version (major << 16 | minor).
    pub psci_version: u32,
    /// The firmware's PSCI_FEATURES(SYSTEM_SUSPEND, SMC64) answer (not
    /// asked, NOT_SUPPORTED, before PSCI 1.0).
    pub fw_system_suspend: i32,
    /// Every console UART in use can suspend and resume.
    pub console_can_suspend: bool,
    /// No IOMMU in use, or it can suspend and resume.
    pub iommu_can_suspend: bool,
    /// Xen has the resume entry a real suspend needs (head.S), and a real
    /// suspend is enabled (`xsr_host_suspend`).
    pub resume_entry: bool,
    /// The dry-run level from `suspend_test=`, if any.
    pub dry_run: Option<Stage>,
}

impl Policy {
    /// The policy from what Xen found at boot and the dry-run level now.
    pub const fn new(
        psci_version: u32,
        fw_system_suspend: i32,
        ready: Readiness,
        dry_run: Option<Stage>,
    ) -> Self {
        Policy {
            psci_version,
            fw_system_suspend,
            console_can_suspend: ready.console,
            iommu_can_suspend: ready.iommu,
            resume_entry: ready.resume_entry,
            dry_run,
        }
    }
}

/// Why the hardware domain is not offered SYSTEM_SUSPEND.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The firmware's PSCI is older than 1.0 (no PSCI_FEATURES, no
    /// SYSTEM_SUSPEND).
    OldPsci(u32),
    /// The firmware does not implement SYSTEM_SUSPEND (its PSCI_FEATURES
    /// answer).
    NoFirmwareSuspend(i32),
    /// A console UART in use has no suspend/resume.
    Console,
    /// The IOMMU in use has no suspend/resume.
    Iommu,
    /// A real suspend is not enabled (no resume entry offered).
    NoResumeEntry,
}

/// PSCI 1.0, the first version with PSCI_FEATURES and SYSTEM_SUSPEND.
pub const PSCI_1_0: u32 = 1 << 16;

/// How far a suspend of the host goes, or why there is none. A dry run
/// needs no firmware support (it never calls the firmware), but it does
/// suspend the console and IOMMU from the "devices" level on, so those
/// must be able to.
pub fn decide(p: &Policy) -> Result<Stage, Refusal> {
    if !p.console_can_suspend {
        return Err(Refusal::Console);
    }
    if !p.iommu_can_suspend {
        return Err(Refusal::Iommu);
    }
    if let Some(stage) = p.dry_run {
        return Ok(stage);
    }
    if p.psci_version < PSCI_1_0 {
        return Err(Refusal::OldPsci(p.psci_version));
    }
    if p.fw_system_suspend != crate::psci::SUCCESS {
        return Err(Refusal::NoFirmwareSuspend(p.fw_system_suspend));
    }
    if !p.resume_entry {
        return Err(Refusal::NoResumeEntry);
    }
    Ok(Stage::Full)
}

/// The PSCI code the hardware domain's SYSTEM_SUSPEND returns with when a
/// run ends with `out`: success (the domain then resumes at its entry
/// point, as after a real suspend) or DENIED (the domain continues after
/// its call; Xen's log says which step failed and why).
pub fn psci_code(out: Outcome) -> i32 {
    match out {
        Outcome::Resumed | Outcome::DryRun(_) | Outcome::WokenEarly => crate::psci::SUCCESS,
        Outcome::Failed { .. } => PsciError::Denied.code(),
    }
}

/// Why a step failed: the kinds do not share one integer space (PSCI's
/// DENIED and ESRCH are both -3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepError {
    /// A Xen primitive failed with this errno.
    Xen(Errno),
    /// The firmware answered SYSTEM_SUSPEND with this PSCI code.
    Firmware(PsciError),
    /// A domain that must be suspended runs (policy `deny`): its id.
    DomainRuns(u16),
}

/// What the sequence needs from Xen.
pub trait HostPlatform {
    /// Do `step`.
    fn run(&mut self, step: Step) -> Result<(), StepError>;
    /// Undo a step that completed. Cannot fail: a step whose undo can fail
    /// must leave nothing to undo when it fails itself.
    fn undo(&mut self, step: Step);
    /// The dry run's pause at its stage, before unwinding.
    fn hold(&mut self, stage: Stage);
    /// The system counter, for the step durations.
    fn now(&self) -> u64;
    /// Report a step and how long it took (counter ticks).
    fn report(&mut self, step: Step, undo: bool, ticks: u64);
    /// Whether an interrupt asked to wake a domain since the sequence
    /// started. Asked right before the firmware call: Xen took that
    /// interrupt (it is active, no longer pending, in the GIC), so no wake
    /// logic would bring the host back for it; the host must not sleep.
    fn wake_pending(&mut self) -> bool;
}

/// How a run ended. In every case the completed steps were undone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The host suspended and resumed.
    Resumed,
    /// A dry run reached its stage and unwound.
    DryRun(Stage),
    /// A domain's wake-up interrupt came before the firmware call: the
    /// host did not sleep, every step was undone (it "woke at once").
    WokenEarly,
    /// `step` failed; the steps before it were undone.
    Failed {
        /// The failing step.
        step: Step,
        /// Why.
        error: StepError,
    },
}

/// Run the sequence up to `stage` and unwind exactly what was done.
pub fn run(p: &mut impl HostPlatform, stage: Stage) -> Outcome {
    let upto = stage.steps().min(SEQUENCE.len());
    let mut done = 0;
    // How the run ended early, if it did (a failure or a wake).
    let mut early = None;
    for &step in SEQUENCE.iter().take(upto) {
        if step == Step::Firmware && p.wake_pending() {
            early = Some(Outcome::WokenEarly);
            break;
        }
        let t0 = p.now();
        let r = p.run(step);
        let ticks = p.now().wrapping_sub(t0);
        p.report(step, false, ticks);
        match r {
            Ok(()) => done += 1,
            Err(error) => {
                early = Some(Outcome::Failed { step, error });
                break;
            }
        }
    }
    if early.is_none() && stage != Stage::Full {
        p.hold(stage);
    }
    for &step in SEQUENCE.iter().take(done).rev() {
        let t0 = p.now();
        p.undo(step);
        let ticks = p.now().wrapping_sub(t0);
        p.report(step, true, ticks);
    }
    early.unwrap_or(if stage == Stage::Full {
        Outcome::Resumed
    } else {
        Outcome::DryRun(stage)
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn every_device_step_runs_with_interrupts_off() {
        let at = |step| SEQUENCE.iter().position(|&s| s == step).unwrap();
        for step in [
            Step::Timers,
            Step::Iommu,
            Step::Console,
            Step::Gic,
            Step::SaveContext,
            Step::Firmware,
        ] {
            assert!(at(Step::IrqsOff) < at(step), "{step:?}");
        }
        // And after the other CPUs are off: the boot CPU is the only one.
        assert_eq!(at(Step::IrqsOff), at(Step::NonBootCpusOff) + 1);
    }

    #[derive(Debug, PartialEq, Eq, Clone, Copy)]
    enum Ev {
        Run(Step),
        Undo(Step),
        Hold(Stage),
        WakeAsked,
    }

    #[derive(Default)]
    struct Fake {
        fail_at: Option<usize>,
        wake: bool,
        events: Vec<Ev>,
        clock: std::cell::Cell<u64>,
        reports: usize,
    }

    impl HostPlatform for Fake {
        fn run(&mut self, step: Step) -> Result<(), StepError> {
            let i = SEQUENCE.iter().position(|&s| s == step).unwrap();
            self.events.push(Ev::Run(step));
            if self.fail_at == Some(i) {
                Err(StepError::Xen(Errno::EBUSY))
            } else {
                Ok(())
            }
        }
        fn undo(&mut self, step: Step) {
            self.events.push(Ev::Undo(step));
        }
        fn hold(&mut self, stage: Stage) {
            self.events.push(Ev::Hold(stage));
        }
        fn now(&self) -> u64 {
            self.clock.set(self.clock.get() + 1);
            self.clock.get()
        }
        fn report(&mut self, _step: Step, _undo: bool, ticks: u64) {
            assert_eq!(ticks, 1);
            self.reports += 1;
        }
        fn wake_pending(&mut self) -> bool {
            self.events.push(Ev::WakeAsked);
            self.wake
        }
    }

    #[test]
    fn a_wake_before_the_firmware_call_keeps_the_host_awake_and_undoes_everything() {
        let mut p = Fake {
            wake: true,
            ..Default::default()
        };
        assert_eq!(run(&mut p, Stage::Full), Outcome::WokenEarly);
        let n = SEQUENCE.len() - 1;
        let mut want: Vec<Ev> = SEQUENCE[..n].iter().map(|&s| Ev::Run(s)).collect();
        want.push(Ev::WakeAsked);
        want.extend(SEQUENCE[..n].iter().rev().map(|&s| Ev::Undo(s)));
        assert_eq!(p.events, want);
        // The hardware domain resumes at its entry point, as after a wake.
        assert_eq!(psci_code(Outcome::WokenEarly), 0);
    }

    #[test]
    fn the_wake_is_asked_once_right_before_the_firmware_and_never_in_a_dry_run() {
        let mut p = Fake::default();
        assert_eq!(run(&mut p, Stage::Full), Outcome::Resumed);
        let at = p.events.iter().position(|e| *e == Ev::WakeAsked).unwrap();
        assert_eq!(p.events[at - 1], Ev::Run(Step::SaveContext));
        assert_eq!(p.events[at + 1], Ev::Run(Step::Firmware));
        assert_eq!(p.events.iter().filter(|e| **e == Ev::WakeAsked).count(), 1);
        for stage in Stage::DRY_RUNS {
            let mut p = Fake {
                wake: true,
                ..Default::default()
            };
            assert_eq!(run(&mut p, stage), Outcome::DryRun(stage));
            assert!(!p.events.contains(&Ev::WakeAsked));
        }
    }

    #[test]
    fn a_failure_at_every_step_undoes_exactly_the_completed_ones_in_reverse() {
        for fail in 0..SEQUENCE.len() {
            let mut p = Fake {
                fail_at: Some(fail),
                ..Default::default()
            };
            let out = run(&mut p, Stage::Full);
            assert_eq!(
                out,
                Outcome::Failed {
                    step: SEQUENCE[fail],
                    error: StepError::Xen(Errno::EBUSY)
                }
            );
            let mut want: Vec<Ev> = SEQUENCE[..=fail].iter().map(|&s| Ev::Run(s)).collect();
            want.extend(SEQUENCE[..fail].iter().rev().map(|&s| Ev::Undo(s)));
            p.events.retain(|e| *e != Ev::WakeAsked);
            assert_eq!(p.events, want, "failing step {fail}");
            assert_eq!(p.reports, 2 * fail + 1);
        }
    }

    #[test]
    fn every_dry_run_stage_holds_then_unwinds_everything_it_did() {
        for stage in [Stage::Freeze, Stage::Cpus, Stage::Devices, Stage::Platform] {
            let mut p = Fake::default();
            assert_eq!(run(&mut p, stage), Outcome::DryRun(stage));
            let n = stage.steps();
            let mut want: Vec<Ev> = SEQUENCE[..n].iter().map(|&s| Ev::Run(s)).collect();
            want.push(Ev::Hold(stage));
            want.extend(SEQUENCE[..n].iter().rev().map(|&s| Ev::Undo(s)));
            assert_eq!(p.events, want, "{stage:?}");
            assert!(!p.events.contains(&Ev::Run(Step::Firmware)));
        }
    }

    #[test]
    fn a_full_run_calls_the_firmware_last_and_resumes_in_reverse() {
        let mut p = Fake::default();
        assert_eq!(run(&mut p, Stage::Full), Outcome::Resumed);
        p.events.retain(|e| *e != Ev::WakeAsked);
        assert_eq!(p.events.len(), 2 * SEQUENCE.len());
        assert_eq!(p.events[SEQUENCE.len() - 1], Ev::Run(Step::Firmware));
        assert_eq!(p.events[SEQUENCE.len()], Ev::Undo(Step::Firmware));
        assert_eq!(*p.events.last().unwrap(), Ev::Undo(Step::FreezeDomains));
    }

    /// A host that can suspend (also hostmsg's tests' fixture).
    pub(crate) fn policy() -> Policy {
        Policy {
            psci_version: 0x1_0001,
            fw_system_suspend: 0,
            console_can_suspend: true,
            iommu_can_suspend: true,
            resume_entry: true,
            dry_run: None,
        }
    }

    #[test]
    fn the_host_suspends_only_with_firmware_support_and_suspendable_devices() {
        assert_eq!(decide(&policy()), Ok(Stage::Full));
        // QEMU's own PSCI: 1.1 without SYSTEM_SUSPEND.
        let qemu = Policy {
            fw_system_suspend: -1,
            ..policy()
        };
        assert_eq!(decide(&qemu), Err(Refusal::NoFirmwareSuspend(-1)));
        let old = Policy {
            psci_version: 0x2,
            ..policy()
        };
        assert_eq!(decide(&old), Err(Refusal::OldPsci(2)));
        let console = Policy {
            console_can_suspend: false,
            ..policy()
        };
        assert_eq!(decide(&console), Err(Refusal::Console));
        let iommu = Policy {
            iommu_can_suspend: false,
            ..policy()
        };
        assert_eq!(decide(&iommu), Err(Refusal::Iommu));
        let no_entry = Policy {
            resume_entry: false,
            ..policy()
        };
        assert_eq!(decide(&no_entry), Err(Refusal::NoResumeEntry));
    }

    #[test]
    fn a_dry_run_needs_no_firmware_but_suspendable_devices() {
        for stage in Stage::DRY_RUNS {
            let p = Policy {
                psci_version: 0x1_0001,
                fw_system_suspend: -1,
                resume_entry: false,
                dry_run: Some(stage),
                ..policy()
            };
            assert_eq!(decide(&p), Ok(stage));
            let p = Policy {
                console_can_suspend: false,
                ..p
            };
            assert_eq!(decide(&p), Err(Refusal::Console));
        }
    }

    #[test]
    fn suspend_test_levels_parse_by_name_only() {
        for stage in Stage::DRY_RUNS {
            assert_eq!(Stage::parse_dry_run(stage.name().to_bytes()), Some(stage));
        }
        for bad in [&b""[..], b"full", b"Devices", b"devices ", b"core", b"cpu"] {
            assert_eq!(Stage::parse_dry_run(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn the_domain_is_told_success_after_a_resume_or_dry_run_and_denied_on_failure() {
        assert_eq!(psci_code(Outcome::Resumed), 0);
        assert_eq!(psci_code(Outcome::DryRun(Stage::Cpus)), 0);
        let errors = [
            StepError::Xen(Errno::EBUSY),
            StepError::Firmware(PsciError::Denied),
            StepError::DomainRuns(1),
        ];
        for step in SEQUENCE {
            for error in errors {
                assert_eq!(psci_code(Outcome::Failed { step, error }), -3);
            }
        }
    }

    #[test]
    fn dry_runs_are_nested_and_end_before_the_firmware() {
        let stages = [
            Stage::Freeze,
            Stage::Cpus,
            Stage::Devices,
            Stage::Platform,
            Stage::Full,
        ];
        for w in stages.windows(2) {
            assert!(w[0].steps() < w[1].steps());
        }
        assert_eq!(SEQUENCE[Stage::Platform.steps()], Step::Firmware);
    }

    #[test]
    fn dry_run_settings_round_trip_and_refuse_unknown_levels() {
        assert_eq!(Stage::dry_run_code(b"off"), Some(0));
        assert_eq!(Stage::from_dry_run_code(0), None);
        for (i, st) in Stage::DRY_RUNS.into_iter().enumerate() {
            let code = Stage::dry_run_code(st.name().to_bytes());
            assert_eq!(code, Some(i as u8 + 1));
            assert_eq!(Stage::from_dry_run_code(i as u8 + 1), Some(st));
        }
        for bad in [&b"full"[..], b"", b"Freeze", b"cpus ", b"5"] {
            assert_eq!(Stage::dry_run_code(bad), None);
        }
        assert_eq!(Stage::from_dry_run_code(5), None);
        assert_eq!(Stage::from_dry_run_code(u8::MAX), None);
    }

    #[test]
    fn readiness_round_trips_through_its_byte() {
        for b in 0..8u8 {
            let r = Readiness::from_bits(b);
            assert_eq!(r.bits(), b);
            let p = Policy::new(0x1_0001, 0, r, None);
            assert_eq!(
                (p.console_can_suspend, p.iommu_can_suspend, p.resume_entry),
                (r.console, r.iommu, r.resume_entry)
            );
        }
        assert_eq!(Readiness::default().bits(), 0);
    }
}
