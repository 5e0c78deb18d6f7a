//! Power management of the host's GIC: the sequence around a suspend and
//! the live self-test, written against [`SuspendableGic`] so that the host
//! tests can run it on a fake. The target build implements the trait over
//! the real GICv2/GICv3 (see `xen::gic`) with the save/restore code of
//! [`crate::gic`].

use core::ffi::CStr;

use crate::gic::GicError;
use crate::layer::{Level, Log};
use crate::msg;
use crate::timer::{self, Stopped, TimerRegs};

/// A GIC whose state can be saved into a context, lost, and restored.
pub trait SuspendableGic {
    /// Where the state goes. Equality means "the same saved state".
    type Ctx: PartialEq;
    /// Save the state and leave the GIC disabled.
    fn save(&mut self, ctx: &mut Self::Ctx) -> Result<(), GicError>;
    /// Write back a saved state and enable the GIC as it was.
    fn restore(&mut self, ctx: &Self::Ctx) -> Result<(), GicError>;
    /// Put every register the context covers to its power-on value, as a
    /// power loss would.
    fn reset(&mut self);
}

/// Which step of the self-test went wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SelftestError {
    /// A timer was still enabled after being turned off.
    TimersNotQuiet,
    /// Saving the live state failed (the GIC was left as it was).
    Save(GicError),
    /// Restoring the saved state after the reset failed.
    Restore(GicError),
    /// Saving the restored state failed.
    Resave(GicError),
    /// Restoring the second save failed.
    Rerestore(GicError),
    /// The restored state does not read back as what was saved.
    Mismatch,
}

impl SelftestError {
    /// The errno Xen gets for it.
    pub const fn errno(self) -> crate::errno::Errno {
        match self {
            SelftestError::TimersNotQuiet | SelftestError::Mismatch => crate::errno::Errno::EIO,
            SelftestError::Save(g)
            | SelftestError::Restore(g)
            | SelftestError::Resave(g)
            | SelftestError::Rerestore(g) => g.errno(),
        }
    }
}

impl SelftestError {
    /// Its name and the GIC error inside it, as Rust's `{:?}` names them.
    pub const fn parts(self) -> (&'static CStr, Option<GicError>) {
        match self {
            SelftestError::TimersNotQuiet => (c"TimersNotQuiet", None),
            SelftestError::Save(e) => (c"Save", Some(e)),
            SelftestError::Restore(e) => (c"Restore", Some(e)),
            SelftestError::Resave(e) => (c"Resave", Some(e)),
            SelftestError::Rerestore(e) => (c"Rerestore", Some(e)),
            SelftestError::Mismatch => (c"Mismatch", None),
        }
    }
}

/// The self-test's report, one line on `log`: the GIC (`version`, its
/// interrupt `lines` and redistributors `rdists`) and the outcome, an error
/// as Rust's `{:?}` prints it.
pub fn report(
    log: &mut impl Log,
    version: &'static CStr,
    lines: usize,
    rdists: usize,
    result: Result<Selftest, SelftestError>,
) {
    // The GIC, then the outcome.
    macro_rules! gic_line {
        ($level:expr; $($piece:tt)*) => {
            log.line(
                $level,
                &msg!(
                    "GIC self-test: ",
                    str(version),
                    ", ",
                    lines,
                    " lines, ",
                    rdists,
                    " redistributors: ",
                    $($piece)*
                ),
            )
        };
    }
    let e = match result {
        Ok(t) => {
            return gic_line!(Level::Info;
                "timers off (CNTP_CTL ",
                hex(t.timers.cntp_ctl),
                ", CNTHP_CTL ",
                hex(t.timers.cnthp_ctl),
                " before), saved, reset, restored; the state reads back as saved (save ",
                t.save_ticks,
                " ticks, restore ",
                t.restore_ticks,
                " ticks)"
            );
        }
        Err(e) => e,
    };
    let (step, inner) = e.parts();
    let (open, name, close) = match inner {
        Some(g) => (c"(", g.name(), c")"),
        None => (c"", c"", c""),
    };
    gic_line!(Level::Warning;
        "FAILED: ",
        str(step),
        str(open),
        str(name),
        str(close)
    );
    if let Some(GicError::WakerTimeout { cpu }) = inner {
        log.line(
            Level::Warning,
            &msg!(
                "GIC self-test: redistributor ",
                cpu,
                " did not wake (GICR_WAKER)"
            ),
        );
    }
}

/// What a passing self-test measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Selftest {
    /// The timer controls found before turning them off.
    pub timers: Stopped,
    /// Counter ticks of the first save (the one a suspend does).
    pub save_ticks: u64,
    /// Counter ticks of the restore after the reset (the one a resume does).
    pub restore_ticks: u64,
}

/// The live self-test, on the boot CPU with interrupts off and the other
/// CPUs stopped: timers off, save into `a`, reset (a simulated power loss),
/// restore `a`, save again into `b`, restore `b`, timers back on. Passes
/// when `b` equals `a`: the restore rebuilt exactly what was saved. The
/// timers are re-armed whatever happens. `now` reads the system counter.
pub fn selftest<G: SuspendableGic>(
    gic: &mut G,
    a: &mut G::Ctx,
    b: &mut G::Ctx,
    timers: &mut impl TimerRegs,
    mut now: impl FnMut() -> u64,
    raise_timer_softirq: impl FnOnce(),
) -> Result<Selftest, SelftestError> {
    let stopped = timer::suspend(timers);
    let result = if timer::quiet(timers) {
        cycle(gic, a, b, &mut now)
    } else {
        Err(SelftestError::TimersNotQuiet)
    };
    timer::resume(raise_timer_softirq);
    result.map(|(save_ticks, restore_ticks)| Selftest {
        timers: stopped,
        save_ticks,
        restore_ticks,
    })
}

fn cycle<G: SuspendableGic>(
    gic: &mut G,
    a: &mut G::Ctx,
    b: &mut G::Ctx,
    now: &mut impl FnMut() -> u64,
) -> Result<(u64, u64), SelftestError> {
    let t0 = now();
    gic.save(a).map_err(SelftestError::Save)?;
    let t1 = now();
    gic.reset();
    let t2 = now();
    gic.restore(a).map_err(SelftestError::Restore)?;
    let t3 = now();
    gic.save(b).map_err(SelftestError::Resave)?;
    gic.restore(b).map_err(SelftestError::Rerestore)?;
    if a == b {
        Ok((t1.wrapping_sub(t0), t3.wrapping_sub(t2)))
    } else {
        Err(SelftestError::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layer::VecLog;

    #[test]
    fn a_passing_self_test_reports_its_timings() {
        let mut log = VecLog::default();
        let t = Selftest {
            timers: Stopped {
                cntp_ctl: 0x5,
                cnthp_ctl: 0x1,
            },
            save_ticks: 120,
            restore_ticks: 340,
        };
        report(&mut log, c"GICv2", 288, 0, Ok(t));
        assert_eq!(
            log.texts(),
            [
                "xen-suspend: GIC self-test: GICv2, 288 lines, 0 redistributors: timers off \
             (CNTP_CTL 0x5, CNTHP_CTL 0x1 before), saved, reset, restored; the state reads \
             back as saved (save 120 ticks, restore 340 ticks)"
            ]
        );
    }

    #[test]
    fn errors_print_as_rust_debug_does_with_the_redistributor_on_a_line_of_its_own() {
        let gic = [
            GicError::WakerTimeout { cpu: 3 },
            GicError::RwpTimeout,
            GicError::ContextTooSmall,
            GicError::QuiescentTimeout,
            GicError::NotSaved,
            GicError::Mismatch,
        ];
        let mut all = vec![SelftestError::TimersNotQuiet, SelftestError::Mismatch];
        for e in gic {
            all.extend([
                SelftestError::Save(e),
                SelftestError::Restore(e),
                SelftestError::Resave(e),
                SelftestError::Rerestore(e),
            ]);
        }
        for e in all {
            let mut log = VecLog::default();
            report(&mut log, c"GICv3", 96, 2, Err(e));
            let debug = format!("{e:?}");
            let mut want = vec![format!(
                "xen-suspend: GIC self-test: GICv3, 96 lines, 2 redistributors: FAILED: {}",
                debug.replace(" { cpu: 3 }", "")
            )];
            if debug.contains("cpu: 3") {
                want.push(
                    "xen-suspend: GIC self-test: redistributor 3 did not wake (GICR_WAKER)".into(),
                );
            }
            assert_eq!(log.texts(), want);
            let want = match e {
                SelftestError::TimersNotQuiet | SelftestError::Mismatch => crate::errno::Errno::EIO,
                SelftestError::Save(g)
                | SelftestError::Restore(g)
                | SelftestError::Resave(g)
                | SelftestError::Rerestore(g) => g.errno(),
            };
            assert_eq!(e.errno(), want);
        }
    }

    /// A GIC of three registers; `faulty_restore` forgets the last one.
    #[derive(Default)]
    struct FakeGic {
        regs: [u32; 3],
        enabled: bool,
        faulty_restore: bool,
        fail_save: Option<GicError>,
        log: Vec<&'static str>,
    }

    impl SuspendableGic for FakeGic {
        type Ctx = [u32; 3];
        fn save(&mut self, ctx: &mut [u32; 3]) -> Result<(), GicError> {
            self.log.push("save");
            if let Some(e) = self.fail_save {
                return Err(e);
            }
            *ctx = self.regs;
            self.enabled = false;
            Ok(())
        }
        fn restore(&mut self, ctx: &[u32; 3]) -> Result<(), GicError> {
            self.log.push("restore");
            self.regs = *ctx;
            if self.faulty_restore {
                self.regs[2] = 0;
            }
            self.enabled = true;
            Ok(())
        }
        fn reset(&mut self) {
            self.log.push("reset");
            self.regs = [0; 3];
        }
    }

    #[derive(Default)]
    struct Timers {
        cntp: u64,
        cnthp: u64,
        stuck: bool,
    }
    impl TimerRegs for Timers {
        fn cntp_ctl(&self) -> u64 {
            self.cntp
        }
        fn set_cntp_ctl(&mut self, v: u64) {
            self.cntp = v;
        }
        fn cnthp_ctl(&self) -> u64 {
            self.cnthp
        }
        fn set_cnthp_ctl(&mut self, v: u64) {
            if !self.stuck {
                self.cnthp = v;
            }
        }
    }

    fn armed() -> Timers {
        Timers {
            cntp: 0,
            cnthp: 1,
            stuck: false,
        }
    }

    #[test]
    fn passes_when_the_restore_rebuilds_the_state() {
        let mut gic = FakeGic {
            regs: [1, 2, 3],
            enabled: true,
            ..Default::default()
        };
        let (mut a, mut b) = ([0; 3], [0; 3]);
        let mut t = armed();
        let mut raised = 0;
        let mut clock = 0u64;
        let tick = || {
            clock += 10;
            clock
        };
        let r = selftest(&mut gic, &mut a, &mut b, &mut t, tick, || raised += 1);
        assert_eq!(
            r,
            Ok(Selftest {
                timers: Stopped {
                    cntp_ctl: 0,
                    cnthp_ctl: 1
                },
                save_ticks: 10,
                restore_ticks: 10
            })
        );
        assert_eq!(gic.log, ["save", "reset", "restore", "save", "restore"]);
        assert_eq!(gic.regs, [1, 2, 3]);
        assert!(gic.enabled);
        assert_eq!(raised, 1);
        assert!(
            timer::quiet(&t),
            "the softirq, not this code, re-arms CNTHP"
        );
    }

    #[test]
    fn a_restore_that_misses_a_register_is_caught() {
        let mut gic = FakeGic {
            regs: [1, 2, 3],
            faulty_restore: true,
            ..Default::default()
        };
        let (mut a, mut b) = ([0; 3], [0; 3]);
        let mut raised = 0;
        let r = selftest(&mut gic, &mut a, &mut b, &mut armed(), || 0, || raised += 1);
        assert_eq!(r, Err(SelftestError::Mismatch));
        assert_eq!(raised, 1);
    }

    #[test]
    fn a_failed_save_touches_nothing_and_still_rearms_the_timers() {
        let mut gic = FakeGic {
            regs: [1, 2, 3],
            enabled: true,
            fail_save: Some(GicError::WakerTimeout { cpu: 1 }),
            ..Default::default()
        };
        let (mut a, mut b) = ([0; 3], [0; 3]);
        let mut raised = 0;
        let r = selftest(&mut gic, &mut a, &mut b, &mut armed(), || 0, || raised += 1);
        assert_eq!(
            r,
            Err(SelftestError::Save(GicError::WakerTimeout { cpu: 1 }))
        );
        assert_eq!(gic.log, ["save"]);
        assert_eq!(gic.regs, [1, 2, 3]);
        assert_eq!(raised, 1);
    }

    #[test]
    fn a_timer_that_stays_on_stops_the_test_before_the_gic_is_touched() {
        let mut gic = FakeGic::default();
        let (mut a, mut b) = ([0; 3], [0; 3]);
        let mut t = armed();
        t.stuck = true;
        let mut raised = 0;
        let r = selftest(&mut gic, &mut a, &mut b, &mut t, || 0, || raised += 1);
        assert_eq!(r, Err(SelftestError::TimersNotQuiet));
        assert!(gic.log.is_empty());
        assert_eq!(raised, 1);
    }
}
