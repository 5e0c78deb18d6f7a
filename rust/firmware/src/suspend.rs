//! SYSTEM_SUSPEND once PSCI has accepted it: the order of the steps, and
//! the wake condition. The firmware emulates a power loss of everything
//! non-secure, then waits for a wake event with interrupts masked at EL3:
//!
//! 1. the non-secure GIC state back to its reset values (distributor,
//!    every redistributor or the GICv2 CPU and virtual interfaces, the
//!    caller's GIC system registers);
//! 2. the caller's EL2 and EL1 system registers to reset values, or to
//!    scrambled ones ([`crate::regs`]);
//! 3. one line on the console;
//! 4. wait for the PL031 RTC alarm (so that dom0's `rtcwake -m mem -s N`
//!    works) or, at the latest, [`crate::layout::WAKE_TIMEOUT_SECS`] of the
//!    system counter;
//! 5. the firmware's own secure setup again, as after a power-up: the
//!    secure GIC configuration (groups, ARE), the caller's redistributor
//!    awake and ICC_SRE_EL3/ICC_SRE_EL2 (GICv3), or its secure CPU
//!    interface and GICC_PMR 0xff (GICv2: the non-secure side cannot
//!    raise a priority mask left in the secure range);
//! 6. one line on the console, then the caller enters `entry` at EL2h,
//!    MMU off, D/A/I/F masked, x0 = context id.

use crate::layout::WAKE_TIMEOUT_SECS;
use crate::regs::WipeMode;

/// What woke the system.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WakeReason {
    RtcAlarm,
    Timeout,
}

impl WakeReason {
    pub fn name(self) -> &'static str {
        match self {
            WakeReason::RtcAlarm => "RTC alarm",
            WakeReason::Timeout => "timeout",
        }
    }
}

/// The PL031 registers the wake condition looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Rtc {
    /// RTCDR: the current time (seconds).
    pub dr: u32,
    /// RTCMR: the alarm time.
    pub mr: u32,
    /// RTCIMSC: bit 0, the alarm interrupt is unmasked.
    pub imsc: u32,
    /// RTCRIS: bit 0, the alarm matched.
    pub ris: u32,
}

/// Has the RTC alarm gone off: the raw interrupt status is set, or the
/// alarm is armed (unmasked) and its time has come?
pub fn rtc_alarm(r: Rtc) -> bool {
    r.ris & 1 != 0 || (r.imsc & 1 != 0 && r.dr >= r.mr)
}

/// The counter frequency used when CNTFRQ_EL0 reads 0 (QEMU's 62.5 MHz).
pub const FALLBACK_FREQ: u64 = 62_500_000;

/// The hardware side of a SYSTEM_SUSPEND.
pub trait SuspendOps {
    /// Step 1: the non-secure GIC state to its reset values.
    fn wipe_gic(&mut self);
    /// Step 2: the caller's EL2/EL1 registers.
    fn wipe_cpu(&mut self, mode: WipeMode);
    /// Step 3: say so on the console.
    fn announce_wiped(&mut self, mode: WipeMode);
    /// The RTC registers, read afresh.
    fn rtc(&mut self) -> Rtc;
    /// CNTPCT_EL0.
    fn counter(&mut self) -> u64;
    /// CNTFRQ_EL0.
    fn counter_freq(&mut self) -> u64;
    /// Between two polls (a short delay).
    fn relax(&mut self) {}
    /// Step 5: the per-CPU secure setup of a power-up.
    fn secure_setup(&mut self);
    /// Step 6: say what woke us, after how many counter ticks.
    fn announce_wake(&mut self, reason: WakeReason, ticks: u64, entry: u64);
}

/// Where and how the caller resumes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Resume {
    pub entry: u64,
    pub context: u64,
    pub reason: WakeReason,
    /// Counter ticks spent waiting.
    pub ticks: u64,
}

/// Polls for the wake event: the RTC alarm, or `timeout_secs` of the
/// counter (which may wrap).
pub fn wait_for_wake<O: SuspendOps>(ops: &mut O, timeout_secs: u64) -> (WakeReason, u64) {
    let freq = match ops.counter_freq() {
        0 => FALLBACK_FREQ,
        f => f,
    };
    let limit = freq.saturating_mul(timeout_secs);
    let start = ops.counter();
    loop {
        let elapsed = ops.counter().wrapping_sub(start);
        if rtc_alarm(ops.rtc()) {
            return (WakeReason::RtcAlarm, elapsed);
        }
        if elapsed >= limit {
            return (WakeReason::Timeout, elapsed);
        }
        ops.relax();
    }
}

/// Runs steps 1-6 and says where to enter.
pub fn system_suspend<O: SuspendOps>(
    ops: &mut O,
    mode: WipeMode,
    entry: u64,
    context: u64,
) -> Resume {
    ops.wipe_gic();
    ops.wipe_cpu(mode);
    ops.announce_wiped(mode);
    let (reason, ticks) = wait_for_wake(ops, WAKE_TIMEOUT_SECS);
    ops.secure_setup();
    ops.announce_wake(reason, ticks, entry);
    Resume {
        entry,
        context,
        reason,
        ticks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Fake {
        log: Vec<String>,
        now: u64,
        step: u64,
        freq: u64,
        /// The RTC time advances by one second every `freq` ticks from
        /// `rtc_start`; `alarm` is RTCMR with RTCIMSC set, if any.
        rtc_start: u32,
        alarm: Option<u32>,
        ris_at: Option<u64>,
    }

    impl SuspendOps for Fake {
        fn wipe_gic(&mut self) {
            self.log.push("wipe_gic".into());
        }
        fn wipe_cpu(&mut self, mode: WipeMode) {
            self.log.push(format!("wipe_cpu {}", mode.name()));
        }
        fn announce_wiped(&mut self, mode: WipeMode) {
            self.log.push(format!("wiped {}", mode.name()));
        }
        fn rtc(&mut self) -> Rtc {
            let secs = self.now / self.freq.max(1);
            Rtc {
                dr: self.rtc_start + secs as u32,
                mr: self.alarm.unwrap_or(0),
                imsc: self.alarm.is_some() as u32,
                ris: self.ris_at.is_some_and(|t| self.now >= t) as u32,
            }
        }
        fn counter(&mut self) -> u64 {
            self.now = self.now.wrapping_add(self.step);
            self.now
        }
        fn counter_freq(&mut self) -> u64 {
            self.freq
        }
        fn secure_setup(&mut self) {
            self.log.push("secure_setup".into());
        }
        fn announce_wake(&mut self, reason: WakeReason, _ticks: u64, entry: u64) {
            self.log.push(format!("wake {} {entry:#x}", reason.name()));
        }
    }

    fn fake(freq: u64, step: u64) -> Fake {
        Fake {
            freq,
            step,
            rtc_start: 1000,
            ..Fake::default()
        }
    }

    #[test]
    fn alarm_condition() {
        let r = |dr, mr, imsc, ris| rtc_alarm(Rtc { dr, mr, imsc, ris });
        assert!(!r(0, 0, 0, 0)); // nothing armed
        assert!(!r(100, 50, 0, 0)); // passed but masked
        assert!(!r(10, 50, 1, 0)); // armed, not yet
        assert!(r(50, 50, 1, 0)); // armed, now
        assert!(r(51, 50, 1, 0));
        assert!(r(10, 50, 0, 1)); // matched
        assert!(r(0, 0, 0, 3));
        assert!(!r(0, 0, 2, 2)); // other bits do not count
    }

    #[test]
    fn order_of_the_steps() {
        let mut f = fake(1000, 10);
        f.alarm = Some(1002);
        let res = system_suspend(&mut f, WipeMode::Scrambled, 0x4000_1000, 7);
        assert_eq!(
            f.log,
            [
                "wipe_gic",
                "wipe_cpu scrambled",
                "wiped scrambled",
                "secure_setup",
                "wake RTC alarm 0x40001000"
            ]
        );
        assert_eq!(
            (res.entry, res.context, res.reason),
            (0x4000_1000, 7, WakeReason::RtcAlarm)
        );
        // Woken by the alarm about 2 s in, long before the timeout.
        assert!(res.ticks >= 1000 && res.ticks <= 2010, "{}", res.ticks);
    }

    #[test]
    fn timeout_without_alarm() {
        let mut f = fake(1000, 7);
        let res = system_suspend(&mut f, WipeMode::Reset, 0x4000_0000, 0);
        assert_eq!(res.reason, WakeReason::Timeout);
        assert!(res.ticks >= 5000 && res.ticks < 5000 + 7, "{}", res.ticks);
        assert_eq!(f.log[3], "secure_setup");
        assert_eq!(f.log[4], "wake timeout 0x40000000");
    }

    #[test]
    fn raw_status_wakes_at_once() {
        let mut f = fake(1000, 1);
        f.ris_at = Some(0);
        let (reason, ticks) = wait_for_wake(&mut f, 5);
        assert_eq!(reason, WakeReason::RtcAlarm);
        assert!(ticks <= 1);
        // An alarm in the past, armed: also at once.
        let mut f = fake(1000, 1);
        f.alarm = Some(3);
        assert_eq!(wait_for_wake(&mut f, 5).0, WakeReason::RtcAlarm);
    }

    #[test]
    fn counter_wraps_and_zero_frequency() {
        let mut f = fake(1000, 100);
        f.now = u64::MAX - 250;
        let (reason, ticks) = wait_for_wake(&mut f, 1);
        assert_eq!(reason, WakeReason::Timeout);
        assert!((1000..1100).contains(&ticks));
        // CNTFRQ 0: QEMU's frequency is assumed; still bounded.
        let mut f = fake(0, FALLBACK_FREQ / 4);
        f.alarm = None;
        let (reason, ticks) = wait_for_wake(&mut f, 2);
        assert_eq!(reason, WakeReason::Timeout);
        assert!(ticks >= 2 * FALLBACK_FREQ);
    }
}
