//! The sequence of a host suspend (issue: host suspend orchestration), as an
//! explicit list of steps, each with its undo, so that a failure at any step
//! undoes exactly the steps that completed, in reverse order. The same
//! reverse walk is the resume path after a real suspend, and the end of a
//! staged dry run (in the spirit of Linux's /sys/power/pm_test).
//!
//! Written against [`HostPlatform`]; the Xen side (freezing domains, CPU
//! hotplug, the GIC and timer hooks, the PSCI call) implements it. Nothing in
//! Xen calls this yet.

/// One step of a host suspend, in the order it runs (REFERENCE.md section
/// 3 item 11). Resume undoes them in reverse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Pause every domain (the initiating hardware domain included).
    FreezeDomains,
    /// Every other domain must already be suspended; else DENIED.
    CheckOthersSuspended,
    /// Take the non-boot CPUs offline.
    NonBootCpusOff,
    /// Turn the boot CPU's timers off.
    Timers,
    /// Suspend the IOMMU(s).
    Iommu,
    /// Suspend the console UART.
    Console,
    /// Mask interrupts on the boot CPU.
    IrqsOff,
    /// Save and disable the GIC.
    Gic,
    /// Save the CPU context for the resume entry (head.S).
    SaveContext,
    /// Call the firmware's PSCI SYSTEM_SUSPEND: returns after resume.
    Firmware,
}

/// All steps, in order.
pub const SEQUENCE: [Step; 10] = [
    Step::FreezeDomains,
    Step::CheckOthersSuspended,
    Step::NonBootCpusOff,
    Step::Timers,
    Step::Iommu,
    Step::Console,
    Step::IrqsOff,
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
    /// Also timers, IOMMU, console, interrupts and GIC.
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

/// What the sequence needs from Xen.
pub trait HostPlatform {
    /// Do `step`; a negative errno (or a PSCI code for the checks) on failure.
    fn run(&mut self, step: Step) -> Result<(), i32>;
    /// Undo a step that completed. Cannot fail: a step whose undo can fail
    /// must leave nothing to undo when it fails itself.
    fn undo(&mut self, step: Step);
    /// The dry run's pause at its stage, before unwinding.
    fn hold(&mut self, stage: Stage);
    /// The system counter, for the step durations.
    fn now(&self) -> u64;
    /// Report a step and how long it took (counter ticks).
    fn report(&mut self, step: Step, undo: bool, ticks: u64);
}

/// How a run ended. In every case the completed steps were undone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The host suspended and resumed.
    Resumed,
    /// A dry run reached its stage and unwound.
    DryRun(Stage),
    /// `step` failed with this code; the steps before it were undone.
    Failed {
        /// The failing step.
        step: Step,
        /// Its code.
        code: i32,
    },
}

/// Run the sequence up to `stage` and unwind exactly what was done.
pub fn run(p: &mut impl HostPlatform, stage: Stage) -> Outcome {
    let upto = stage.steps().min(SEQUENCE.len());
    let mut done = 0;
    let mut failure = None;
    for &step in SEQUENCE.iter().take(upto) {
        let t0 = p.now();
        let r = p.run(step);
        let ticks = p.now().wrapping_sub(t0);
        p.report(step, false, ticks);
        match r {
            Ok(()) => done += 1,
            Err(code) => {
                failure = Some(Outcome::Failed { step, code });
                break;
            }
        }
    }
    if failure.is_none() && stage != Stage::Full {
        p.hold(stage);
    }
    for &step in SEQUENCE.iter().take(done).rev() {
        let t0 = p.now();
        p.undo(step);
        let ticks = p.now().wrapping_sub(t0);
        p.report(step, true, ticks);
    }
    failure.unwrap_or(if stage == Stage::Full {
        Outcome::Resumed
    } else {
        Outcome::DryRun(stage)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Eq, Clone, Copy)]
    enum Ev {
        Run(Step),
        Undo(Step),
        Hold(Stage),
    }

    #[derive(Default)]
    struct Fake {
        fail_at: Option<usize>,
        events: Vec<Ev>,
        clock: std::cell::Cell<u64>,
        reports: usize,
    }

    impl HostPlatform for Fake {
        fn run(&mut self, step: Step) -> Result<(), i32> {
            let i = SEQUENCE.iter().position(|&s| s == step).unwrap();
            self.events.push(Ev::Run(step));
            if self.fail_at == Some(i) {
                Err(-16)
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
                    code: -16
                }
            );
            let mut want: Vec<Ev> = SEQUENCE[..=fail].iter().map(|&s| Ev::Run(s)).collect();
            want.extend(SEQUENCE[..fail].iter().rev().map(|&s| Ev::Undo(s)));
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
        assert_eq!(p.events.len(), 2 * SEQUENCE.len());
        assert_eq!(p.events[SEQUENCE.len() - 1], Ev::Run(Step::Firmware));
        assert_eq!(p.events[SEQUENCE.len()], Ev::Undo(Step::Firmware));
        assert_eq!(*p.events.last().unwrap(), Ev::Undo(Step::FreezeDomains));
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
}
