//! Timer suppression around a suspend of the host (and the GIC self-test).
//!
//! Xen programs the EL2 hypervisor timer (CNTHP) for its own deadlines; the
//! EL1 physical timer (CNTP) is not given to guests (Xen traps and emulates
//! it) but may hold a stale setting. Before the GIC is saved both are turned
//! off on the boot CPU, so that no timer interrupt can become pending in the
//! suspend window. The system counter keeps running across the suspend, so
//! on resume nothing needs correcting: raising Xen's timer softirq makes it
//! program the next deadline again.

/// The timer control registers of the calling CPU.
pub trait TimerRegs {
    /// CNTP_CTL_EL0.
    fn cntp_ctl(&self) -> u64;
    /// Write CNTP_CTL_EL0.
    fn set_cntp_ctl(&mut self, val: u64);
    /// CNTHP_CTL_EL2.
    fn cnthp_ctl(&self) -> u64;
    /// Write CNTHP_CTL_EL2.
    fn set_cnthp_ctl(&mut self, val: u64);
}

/// CNTx_CTL.ENABLE.
pub const CTL_ENABLE: u64 = 1 << 0;

/// The control values found when the timers were turned off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stopped {
    /// CNTP_CTL_EL0 before.
    pub cntp_ctl: u64,
    /// CNTHP_CTL_EL2 before.
    pub cnthp_ctl: u64,
}

/// Turn both timers off (ENABLE = 0, interrupt unmasked bit irrelevant).
pub fn suspend(regs: &mut impl TimerRegs) -> Stopped {
    let before = Stopped {
        cntp_ctl: regs.cntp_ctl(),
        cnthp_ctl: regs.cnthp_ctl(),
    };
    regs.set_cntp_ctl(0);
    regs.set_cnthp_ctl(0);
    before
}

/// Whether neither timer can raise an interrupt.
pub fn quiet(regs: &impl TimerRegs) -> bool {
    regs.cntp_ctl() & CTL_ENABLE == 0 && regs.cnthp_ctl() & CTL_ENABLE == 0
}

/// Let Xen re-arm its timers: `raise_timer_softirq` is Xen's
/// `raise_softirq(TIMER_SOFTIRQ)`; the softirq reprograms CNTHP for the
/// next deadline (one already past fires at once).
pub fn resume(raise_timer_softirq: impl FnOnce()) {
    raise_timer_softirq();
}

/// The system counter (CNTPCT_EL0), in ticks of CNTFRQ_EL0 (target builds).
#[cfg(all(target_arch = "aarch64", target_os = "none"))]
pub fn now() -> u64 {
    let v: u64;
    // SAFETY: reading the physical counter at EL2 has no side effect; the
    // isb keeps the read from being hoisted above earlier instructions.
    unsafe { core::arch::asm!("isb", "mrs {}, cntpct_el0", out(reg) v, options(nomem, nostack)) };
    v
}

/// The system counter's frequency in Hz (CNTFRQ_EL0, target builds).
#[cfg(all(target_arch = "aarch64", target_os = "none"))]
pub fn frequency() -> u64 {
    let v: u64;
    // SAFETY: reading CNTFRQ_EL0 has no side effect.
    unsafe { core::arch::asm!("mrs {}, cntfrq_el0", out(reg) v, options(nomem, nostack)) };
    v
}

/// The real registers (target builds).
#[cfg(all(target_arch = "aarch64", target_os = "none"))]
pub struct SysTimer;

#[cfg(all(target_arch = "aarch64", target_os = "none"))]
impl TimerRegs for SysTimer {
    fn cntp_ctl(&self) -> u64 {
        let v: u64;
        // SAFETY: reading CNTP_CTL_EL0 at EL2 has no side effect.
        unsafe { core::arch::asm!("mrs {}, cntp_ctl_el0", out(reg) v, options(nomem, nostack)) };
        v
    }
    fn set_cntp_ctl(&mut self, val: u64) {
        // SAFETY: Xen runs at EL2 and owns this CPU's physical timer; the
        // isb makes the new setting take effect before we go on.
        unsafe {
            core::arch::asm!("msr cntp_ctl_el0, {}", "isb", in(reg) val, options(nomem, nostack))
        };
    }
    fn cnthp_ctl(&self) -> u64 {
        let v: u64;
        // SAFETY: reading CNTHP_CTL_EL2 at EL2 has no side effect.
        unsafe { core::arch::asm!("mrs {}, cnthp_ctl_el2", out(reg) v, options(nomem, nostack)) };
        v
    }
    fn set_cnthp_ctl(&mut self, val: u64) {
        // SAFETY: Xen runs at EL2 and owns its hypervisor timer; called with
        // interrupts off around a suspend, Xen re-arms it afterwards
        // through its timer softirq.
        unsafe {
            core::arch::asm!("msr cnthp_ctl_el2, {}", "isb", in(reg) val, options(nomem, nostack))
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct FakeTimer {
        cntp: u64,
        cnthp: u64,
        writes: Vec<(&'static str, u64)>,
    }

    impl TimerRegs for FakeTimer {
        fn cntp_ctl(&self) -> u64 {
            self.cntp
        }
        fn set_cntp_ctl(&mut self, val: u64) {
            self.cntp = val;
            self.writes.push(("cntp", val));
        }
        fn cnthp_ctl(&self) -> u64 {
            self.cnthp
        }
        fn set_cnthp_ctl(&mut self, val: u64) {
            self.cnthp = val;
            self.writes.push(("cnthp", val));
        }
    }

    #[test]
    fn suspend_turns_both_timers_off_and_reports_what_was_on() {
        // CNTHP armed and firing (ISTATUS), CNTP enabled but masked.
        let mut t = FakeTimer {
            cntp: 0b011,
            cnthp: 0b101,
            ..Default::default()
        };
        assert!(!quiet(&t));
        let before = suspend(&mut t);
        assert_eq!(
            before,
            Stopped {
                cntp_ctl: 0b011,
                cnthp_ctl: 0b101
            }
        );
        assert!(quiet(&t));
        assert_eq!(t.writes, vec![("cntp", 0), ("cnthp", 0)]);
    }

    #[test]
    fn resume_raises_the_timer_softirq_once() {
        let mut raised = 0;
        resume(|| raised += 1);
        assert_eq!(raised, 1);
    }
}
