//! What the suspend of the host says on Xen's console: every line of it is
//! composed here, against a [`Log`], so that the host tests pin the text
//! users and the end-to-end scenarios read; the Xen glue (`xen::host`) only
//! gathers the facts and calls these.

use crate::errno::Errno;
use crate::hostpm::{Outcome, Policy, Refusal, Stage, Step, StepError};
use crate::layer::{Level, Log};
use crate::msg;
use crate::vclock::DomUs;

/// Microseconds in `ticks` of a counter running at `freq` Hz (0 for a
/// counter of 0 Hz); never overflows: the remainder is below `freq`, a few
/// GHz at most.
pub fn ticks_to_us(ticks: u64, freq: u64) -> u64 {
    let whole = ticks.checked_div(freq).unwrap_or(0);
    let part = (ticks.checked_rem(freq).unwrap_or(0) * 1_000_000)
        .checked_div(freq)
        .unwrap_or(0);
    whole.saturating_mul(1_000_000).saturating_add(part)
}

/// At boot: what a host suspend does with running domUs, and whether the
/// hardware domain is offered one (how far, or why not).
pub fn policy(log: &mut impl Log, p: &Policy, domus: DomUs, decision: Result<Stage, Refusal>) {
    let (major, minor) = (p.psci_version >> 16, p.psci_version & 0xffff);
    match decision {
        Ok(stage) => {
            log.line(
                Level::Info,
                &msg!(
                    "host suspend: domUs that run are ",
                    str(match domus {
                        DomUs::Freeze => c"frozen and thawed",
                        DomUs::Deny => c"an obstacle (DENIED)",
                    }),
                    " (xsr_host_suspend_domus=",
                    str(domus.name()),
                    ")"
                ),
            );
            if stage == Stage::Full {
                log.line(
                    Level::Info,
                    &msg!(
                        "host suspend offered to the hardware domain (firmware PSCI ",
                        major,
                        ".",
                        minor,
                        ")"
                    ),
                );
            } else {
                log.line(
                    Level::Info,
                    &msg!(
                        "host suspend offered to the hardware domain as a dry run up to '",
                        str(stage.name()),
                        "' (suspend_test)"
                    ),
                );
            }
        }
        Err(why) => {
            // "not offered ... : <why>", the firmware's version first when
            // the firmware is the reason.
            macro_rules! not_offered {
                ($($piece:tt)*) => {
                    log.line(
                        Level::Info,
                        &msg!("host suspend not offered to the hardware domain: ", $($piece)*),
                    )
                };
            }
            match why {
                Refusal::OldPsci(_) => {
                    not_offered!("firmware PSCI ", major, ".", minor, " is older than 1.0")
                }
                Refusal::NoFirmwareSuspend(code) => not_offered!(
                    "firmware PSCI ",
                    major,
                    ".",
                    minor,
                    " has no SYSTEM_SUSPEND (PSCI_FEATURES: ",
                    signed(code),
                    ")"
                ),
                Refusal::Console => not_offered!("a console UART cannot suspend"),
                Refusal::Iommu => not_offered!("the IOMMU cannot suspend"),
                Refusal::NoResumeEntry => not_offered!(
                    "a real suspend is not enabled (xsr_host_suspend on Xen's command line)"
                ),
            }
        }
    }
}

/// The hardware domain's SYSTEM_SUSPEND refused: domain `id` runs (under
/// `xsr_host_suspend_domus=deny`).
pub fn refused_running(log: &mut impl Log, id: u16) {
    log.line(
        Level::Info,
        &msg!(
            "host suspend refused (DENIED): d",
            id,
            " is running, not suspended"
        ),
    );
}

/// The hardware domain's SYSTEM_SUSPEND refused: a host suspend is already
/// under way.
pub fn refused_busy(log: &mut impl Log) {
    log.line(
        Level::Info,
        &msg!("host suspend refused (DENIED): one is under way"),
    );
}

/// The tasklet starts a suspend (or its dry run) up to `stage`.
pub fn starting(log: &mut impl Log, stage: Stage, freq: u64) {
    log.line(
        Level::Info,
        &msg!(
            "host suspend: ",
            str(if stage == Stage::Full {
                c"suspending"
            } else {
                stage.name()
            }),
            " (counter ",
            freq,
            " Hz)"
        ),
    );
}

/// One step of the sequence (or its undo on the way back) and how long it
/// took.
pub fn step(log: &mut impl Log, step: Step, undo: bool, ticks: u64, freq: u64) {
    log.line(
        Level::Info,
        &msg!(
            "host ",
            str(if undo { c"resume " } else { c"suspend" }),
            " ",
            left(step.name(), 14),
            " ",
            right(ticks_to_us(ticks, freq), 8),
            " us"
        ),
    );
}

/// A resumed host's latencies: from the hardware domain's SYSTEM_SUSPEND
/// (as Xen handles the call) to the firmware call, and from the firmware
/// call's return (Xen's resume entry has run) to the hardware domain
/// runnable again at its entry point.
pub fn latencies(log: &mut impl Log, to_firmware: u64, to_hwdom: u64, freq: u64) {
    log.line(
        Level::Info,
        &msg!(
            "host suspend: ",
            "call to firmware ",
            ticks_to_us(to_firmware, freq),
            " us, back to hwdom ",
            ticks_to_us(to_hwdom, freq),
            " us"
        ),
    );
}

/// The GIC restore failed: the resume cannot be undone, so it says so,
/// loudly.
pub fn gic_restore_failed(log: &mut impl Log, e: Errno) {
    log.line(
        Level::Warning,
        &msg!(
            "host resume: the GIC restore failed (",
            errno(e),
            "); interrupts may be lost"
        ),
    );
}

/// Test aids (`xsr_test_skip_gic_restore`): the resume left the GIC as the
/// firmware left it.
#[cfg(any(test, feature = "test-aids"))]
pub fn gic_restore_skipped(log: &mut impl Log) {
    log.line(
        Level::Warning,
        &msg!("TEST: the GIC was not restored (xsr_test_skip_gic_restore)"),
    );
}

/// How the run ended, after `total_ticks`; `hold_ms` is a dry run's hold,
/// `woken_by` the domain whose wake-up interrupt stopped the suspend.
pub fn outcome(
    log: &mut impl Log,
    out: Outcome,
    total_ticks: u64,
    freq: u64,
    hold_ms: u32,
    woken_by: Option<u16>,
) {
    let total = ticks_to_us(total_ticks, freq);
    match out {
        Outcome::Resumed => log.line(Level::Info, &msg!("host suspend: resumed (", total, " us)")),
        Outcome::DryRun(s) => log.line(
            Level::Info,
            &msg!(
                "host suspend: dry run to '",
                str(s.name()),
                "' done (",
                total,
                " us, held ",
                u64::from(hold_ms) * 1000,
                " us)"
            ),
        ),
        Outcome::WokenEarly => log.line(
            Level::Info,
            &msg!(
                "host suspend: d",
                woken_by.unwrap_or(u16::MAX),
                "'s wake-up interrupt came before the firmware call: the host stays up, unwound (",
                total,
                " us)"
            ),
        ),
        Outcome::Failed {
            step,
            error: StepError::Xen(e),
        } => log.line(
            Level::Warning,
            &msg!(
                "host suspend: failed at ",
                str(step.name()),
                ": ",
                errno(e),
                "; unwound"
            ),
        ),
        Outcome::Failed {
            step,
            error: StepError::Firmware(p),
        } => log.line(
            Level::Warning,
            &msg!(
                "host suspend: failed at ",
                str(step.name()),
                ": firmware: ",
                str(p.name()),
                "; unwound"
            ),
        ),
        Outcome::Failed {
            step,
            error: StepError::DomainRuns(id),
        } => log.line(
            Level::Warning,
            &msg!(
                "host suspend: failed at ",
                str(step.name()),
                ": d",
                id,
                " is running, not suspended; unwound"
            ),
        ),
    }
}

/// Domain `id` asked to wake while the host suspended: it wakes now.
pub fn woke_during(log: &mut impl Log, id: u16) {
    log.line(
        Level::Info,
        &msg!(
            "host suspend: d",
            id,
            " asked to wake during it: it wakes now"
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hostpm::tests::policy as test_policy;
    use crate::layer::VecLog;
    use crate::psci::PsciError;

    #[test]
    fn microseconds_never_overflow() {
        assert_eq!(ticks_to_us(62_500_000, 62_500_000), 1_000_000);
        assert_eq!(ticks_to_us(625, 62_500_000), 10);
        assert_eq!(ticks_to_us(1, 0), 0);
        assert_eq!(ticks_to_us(u64::MAX, 1), u64::MAX);
        assert_eq!(ticks_to_us(u64::MAX, 1_000_000_000), u64::MAX / 1000);
    }

    // The end-to-end scenarios read these lines: the texts are pinned here.
    #[test]
    fn boot_lines_say_the_policy_and_the_offer() {
        let mut log = VecLog::default();
        policy(&mut log, &test_policy(), DomUs::Freeze, Ok(Stage::Full));
        assert_eq!(
            log.texts(),
            [
                "xen-suspend: host suspend: domUs that run are frozen and thawed (xsr_host_suspend_domus=freeze)",
                "xen-suspend: host suspend offered to the hardware domain (firmware PSCI 1.1)",
            ]
        );
        let mut log = VecLog::default();
        policy(&mut log, &test_policy(), DomUs::Deny, Ok(Stage::Platform));
        assert!(log.texts()[0].contains("an obstacle (DENIED) (xsr_host_suspend_domus=deny)"));
        assert_eq!(
            log.texts()[1],
            "xen-suspend: host suspend offered to the hardware domain as a dry run up to 'platform' (suspend_test)"
        );
    }

    #[test]
    fn every_refusal_says_why() {
        let cases = [
            (Refusal::OldPsci(0x2), "firmware PSCI 0.2 is older than 1.0"),
            (
                Refusal::NoFirmwareSuspend(-1),
                "firmware PSCI 1.1 has no SYSTEM_SUSPEND (PSCI_FEATURES: -1)",
            ),
            (Refusal::Console, "a console UART cannot suspend"),
            (Refusal::Iommu, "the IOMMU cannot suspend"),
            (
                Refusal::NoResumeEntry,
                "a real suspend is not enabled (xsr_host_suspend on Xen's command line)",
            ),
        ];
        for (why, text) in cases {
            let mut log = VecLog::default();
            let p = Policy {
                psci_version: if matches!(why, Refusal::OldPsci(_)) {
                    2
                } else {
                    test_policy().psci_version
                },
                ..test_policy()
            };
            policy(&mut log, &p, DomUs::Freeze, Err(why));
            assert_eq!(
                log.texts(),
                [format!(
                    "xen-suspend: host suspend not offered to the hardware domain: {text}"
                )]
            );
        }
    }

    #[test]
    fn run_lines() {
        let mut log = VecLog::default();
        starting(&mut log, Stage::Full, 62_500_000);
        starting(&mut log, Stage::Cpus, 1);
        step(&mut log, Step::NonBootCpusOff, false, 6_250_000, 62_500_000);
        step(&mut log, Step::Gic, true, 625, 62_500_000);
        refused_running(&mut log, 3);
        refused_busy(&mut log);
        woke_during(&mut log, 2);
        gic_restore_failed(&mut log, Errno::ETIMEDOUT);
        gic_restore_skipped(&mut log);
        latencies(&mut log, 187_500, 62_500, 62_500_000);
        assert_eq!(
            log.texts(),
            [
                "xen-suspend: host suspend: suspending (counter 62500000 Hz)",
                "xen-suspend: host suspend: cpus (counter 1 Hz)",
                "xen-suspend: host suspend cpus-off         100000 us",
                "xen-suspend: host resume  gic                  10 us",
                "xen-suspend: host suspend refused (DENIED): d3 is running, not suspended",
                "xen-suspend: host suspend refused (DENIED): one is under way",
                "xen-suspend: host suspend: d2 asked to wake during it: it wakes now",
                "xen-suspend: host resume: the GIC restore failed (errno -110); interrupts may be lost",
                "xen-suspend: TEST: the GIC was not restored (xsr_test_skip_gic_restore)",
                "xen-suspend: host suspend: call to firmware 3000 us, back to hwdom 1000 us",
            ]
        );
        assert_eq!(log.0[7].0, Level::Warning);
    }

    #[test]
    fn outcome_lines() {
        let mut log = VecLog::default();
        let f = 1_000_000;
        outcome(&mut log, Outcome::Resumed, 5_000, f, 0, None);
        outcome(&mut log, Outcome::DryRun(Stage::Devices), 7, f, 5, None);
        outcome(&mut log, Outcome::WokenEarly, 9, f, 0, Some(1));
        outcome(
            &mut log,
            Outcome::Failed {
                step: Step::Firmware,
                error: StepError::Firmware(PsciError::Denied),
            },
            0,
            f,
            0,
            None,
        );
        for error in [StepError::Xen(Errno::EBUSY), StepError::DomainRuns(1)] {
            outcome(
                &mut log,
                Outcome::Failed {
                    step: Step::Gic,
                    error,
                },
                0,
                f,
                0,
                None,
            );
        }
        assert_eq!(
            log.texts(),
            [
                "xen-suspend: host suspend: resumed (5000 us)",
                "xen-suspend: host suspend: dry run to 'devices' done (7 us, held 5000 us)",
                "xen-suspend: host suspend: d1's wake-up interrupt came before the firmware call: the host stays up, unwound (9 us)",
                "xen-suspend: host suspend: failed at firmware: firmware: DENIED; unwound",
                "xen-suspend: host suspend: failed at gic: errno -16; unwound",
                "xen-suspend: host suspend: failed at gic: d1 is running, not suspended; unwound",
            ]
        );
        for (level, _) in &log.0[3..] {
            assert_eq!(*level, Level::Warning);
        }
    }
}
