//! Domains that run when the host suspends (the design: "Any domU that is
//! not suspended when dom0 suspends will be frozen ... the others will be
//! thawed"): what Xen does with them ([`DomUs`], `xsr_host_suspend_domus=`
//! on Xen's command line), and the virtual counter of a frozen domain.
//!
//! A frozen domain must not see the host suspend as a stall of its own: a
//! Linux guest whose virtual counter jumps by the length of the suspend
//! sees its tick, its hrtimers and its watchdogs all late at once. Like
//! KVM with QEMU (kvm-no-adjvtime off, the default), the time a domain was
//! frozen is hidden from its virtual counter: its counter offset (CNTVOFF,
//! Xen's `virt_timer_base.offset`) grows by that time, so its virtual
//! count goes on from where it stopped, and a timer it had armed (a
//! compare value on that count) fires after the same remaining time.
//!
//! The system counter itself runs through a suspend (it is always-on), so
//! domains that are not frozen (the hardware domain, which suspends
//! itself, and domains suspended through PSCI SYSTEM_SUSPEND) see the
//! whole suspended time, exactly as on hardware: Linux adds it to its
//! clocks on resume.

/// What a host suspend does with a domain other than the hardware domain
/// that is running (neither suspended nor unable to run).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DomUs {
    /// Freeze it for the length of the host suspend and thaw it after,
    /// with the frozen time hidden from its virtual counter (the default).
    Freeze,
    /// Refuse the host suspend with DENIED while one runs (the choice of
    /// the unmerged C host series).
    Deny,
}

impl DomUs {
    /// The default policy.
    pub const DEFAULT: DomUs = DomUs::Freeze;

    /// Its `xsr_host_suspend_domus=` name.
    pub const fn name(self) -> &'static core::ffi::CStr {
        match self {
            DomUs::Freeze => c"freeze",
            DomUs::Deny => c"deny",
        }
    }

    /// The policy named `s` (a `xsr_host_suspend_domus=` value).
    pub fn parse(s: &[u8]) -> Option<DomUs> {
        [DomUs::Freeze, DomUs::Deny]
            .into_iter()
            .find(|p| p.name().to_bytes() == s)
    }

    /// Its code in an atomic (see [`DomUs::from_code`]).
    pub const fn code(self) -> u8 {
        match self {
            DomUs::Freeze => 0,
            DomUs::Deny => 1,
        }
    }

    /// The policy of `code` (anything unknown is the default).
    pub const fn from_code(code: u8) -> DomUs {
        match code {
            1 => DomUs::Deny,
            _ => DomUs::DEFAULT,
        }
    }
}

/// The counter ticks to hide from domains frozen at `frozen_at` and thawed
/// at `thawed_at` (both system counter values). The counter never goes
/// back; a thaw "before" the freeze (which cannot happen) hides nothing.
pub fn frozen_ticks(frozen_at: u64, thawed_at: u64) -> u64 {
    thawed_at.saturating_sub(frozen_at)
}

/// A frozen domain's new counter offset: its virtual count (`now - offset`)
/// goes on from where it was when it was frozen. `None` when the result
/// would not be an offset the domain can have: above the counter itself
/// (its virtual count would be negative) or past 64 bits. The caller then
/// leaves the offset as it was (the domain sees the suspended time, as a
/// domain not frozen does) and says so.
pub fn thawed_offset(offset: u64, hidden: u64, now: u64) -> Option<u64> {
    offset.checked_add(hidden).filter(|&o| o <= now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn policy_names_round_trip_and_freeze_is_the_default() {
        for p in [DomUs::Freeze, DomUs::Deny] {
            assert_eq!(DomUs::parse(p.name().to_bytes()), Some(p));
            assert_eq!(DomUs::from_code(p.code()), p);
        }
        assert_eq!(DomUs::DEFAULT, DomUs::Freeze);
        assert_eq!(DomUs::from_code(7), DomUs::Freeze);
        for bad in [&b""[..], b"Freeze", b"deny ", b"refuse", b"1"] {
            assert_eq!(DomUs::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_thaw_hides_exactly_the_frozen_time() {
        // Frozen at 1000 with offset 100 (virtual count 900), thawed at
        // 5000: the virtual count goes on from 900.
        let hidden = frozen_ticks(1000, 5000);
        assert_eq!(hidden, 4000);
        let off = thawed_offset(100, hidden, 5000).unwrap();
        assert_eq!(5000 - off, 900);
    }

    #[test]
    fn overflow_and_impossible_offsets_are_refused() {
        assert_eq!(frozen_ticks(10, 5), 0);
        assert_eq!(thawed_offset(u64::MAX - 1, 2, u64::MAX), None);
        assert_eq!(thawed_offset(u64::MAX, 0, u64::MAX), Some(u64::MAX));
        // An offset past the counter: the virtual count would be negative.
        assert_eq!(thawed_offset(900, 200, 1000), None);
        assert_eq!(thawed_offset(900, 100, 1000), Some(1000));
    }

    /// One domain through repeated freezes: runs of `run` ticks between
    /// host suspends of `off` ticks.
    fn model(start: u64, offset0: u64, cycles: &[(u64, u64)]) {
        let mut now = start;
        let mut offset = offset0;
        let mut ran = 0u64;
        let v0 = now - offset;
        // A timer the domain armed `remaining` ticks ahead before a freeze.
        for &(run, off) in cycles {
            now += run;
            ran += run;
            let v_frozen = now - offset;
            let remaining = 12_345u64;
            let cval = v_frozen + remaining;
            let frozen_at = now;
            now += off;
            let hidden = frozen_ticks(frozen_at, now);
            offset = thawed_offset(offset, hidden, now).expect("offset in range");
            let v = now - offset;
            // The count goes on from where it stopped ...
            assert_eq!(v, v_frozen);
            // ... and the timer still has its whole remaining time.
            assert_eq!(cval - v, remaining);
        }
        // Over all cycles the virtual count advanced by the time the
        // domain ran, not by the suspended time.
        assert_eq!(now - offset - v0, ran);
    }

    #[test]
    fn repeated_suspends_hide_every_one() {
        model(
            1_000_000,
            999_000,
            &[(10, 3_000_000), (0, 1), (5_000, 62_500_000)],
        );
        // Fifty 3 s suspends at 62.5 MHz with 1 s runs.
        model(62_500_000, 0, &[(62_500_000, 187_500_000); 50]);
    }

    proptest! {
        #[test]
        fn the_virtual_count_advances_by_the_time_run(
            start in 0u64..(1 << 56),
            created in 0u64..(1 << 56),
            cycles in proptest::collection::vec((0u64..(1 << 40), 0u64..(1 << 40)), 0..40),
        ) {
            let offset0 = created.min(start);
            model(start, offset0, &cycles);
        }

        #[test]
        fn a_thawed_offset_never_passes_the_counter(
            offset in any::<u64>(), hidden in any::<u64>(), now in any::<u64>(),
        ) {
            if let Some(o) = thawed_offset(offset, hidden, now) {
                prop_assert!(o <= now);
                prop_assert_eq!(o - offset, hidden);
            } else {
                prop_assert!(offset.checked_add(hidden).is_none_or(|o| o > now));
            }
        }
    }
}
