//! What a guest's suspend and resume say on Xen's console: every line is
//! composed here, against a [`Log`], so that the host tests pin the text the
//! end-to-end scenarios read (`ci/scenarios/guest-*.sh`); the C entry points
//! (`ffi`) only gather the facts. The lines are guest-caused
//! ([`Level::GuestInfo`], [`Level::GuestWarning`]): Xen rate-limits them
//! with `guest_loglvl`, and they carry the domain and vCPU, not the layer's
//! tag.

use crate::errno::Errno;
use crate::layer::{Level, Log};
use crate::msg;

/// One line about domain `dom`'s vCPU `vcpu`, which it starts with as
/// `d<dom>v<vcpu>: `, then the pieces of [`msg!`].
macro_rules! vcpu_line {
    ($log:expr, $level:expr, $dom:expr, $vcpu:expr; $($piece:tt)*) => {
        $log.line($level, &msg!("d", $dom, "v", $vcpu, $($piece)*))
    };
}

/// Domain `dom`'s vCPU `vcpu` called SYSTEM_SUSPEND with interrupt `intid`
/// (-1: gone since) pending: the call returns at once.
pub fn wake_pending(log: &mut impl Log, dom: u32, vcpu: u32, intid: i64) {
    vcpu_line!(log, Level::GuestInfo, dom, vcpu;
        ": PSCI SYSTEM_SUSPEND: a wake-up interrupt (INTID ",
        signed(intid),
        ") is pending: returns at once"
    );
}

/// The domain is suspended and resumes at `entry`; the call took `ticks`.
pub fn suspended(log: &mut impl Log, dom: u32, vcpu: u32, entry: u64, ticks: u64) {
    vcpu_line!(log, Level::GuestInfo, dom, vcpu;
        ": PSCI SYSTEM_SUSPEND: suspended, resumes at ",
        hex(entry),
        " (",
        ticks,
        " ticks)"
    );
}

/// The resume loaded vCPU `vcpu` with `entry` and `context` at counter
/// `tick`; `deactivated` interrupts were active and have been deactivated.
pub fn resuming(
    log: &mut impl Log,
    dom: u32,
    vcpu: u32,
    entry: u64,
    context: u64,
    tick: u64,
    deactivated: u32,
) {
    vcpu_line!(log, Level::GuestInfo, dom, vcpu;
        ": resuming at ",
        hex(entry),
        ", context ",
        hex(context),
        " (tick ",
        tick,
        "), ",
        deactivated,
        " interrupt(s) deactivated"
    );
}

/// The resume could not load the entry state.
pub fn load_failed(log: &mut impl Log, dom: u32, vcpu: u32, e: Errno) {
    vcpu_line!(log, Level::GuestWarning, dom, vcpu;
        ": cannot load the PSCI resume state (",
        errno(e),
        "): it continues after its SYSTEM_SUSPEND call"
    );
}

/// One of its own interrupts woke the domain.
pub fn woken(log: &mut impl Log, dom: u32, vcpu: u32) {
    vcpu_line!(log, Level::GuestInfo, dom, vcpu;
        ": woken from PSCI SYSTEM_SUSPEND by an interrupt"
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layer::VecLog;

    // The end-to-end scenarios read these lines (guest-wake, guest-irqs,
    // guest-refusals, guest-suspend-aarch32, guest-suspend-linux32,
    // bench-host): the texts are pinned here.
    #[test]
    fn guest_lines_name_the_vcpu_and_carry_no_tag() {
        let mut log = VecLog::default();
        wake_pending(&mut log, 3, 0, 27);
        suspended(&mut log, 3, 0, 0x4000_0098, 128);
        resuming(
            &mut log,
            3,
            1,
            0x4000_0098,
            0xc0de_0000_0000_0002,
            196_781_022,
            1,
        );
        resuming(&mut log, 12, 0, 0x4000_8000, 0, 5, 0);
        load_failed(&mut log, 3, 0, Errno::EINVAL);
        woken(&mut log, 3, 0);
        assert_eq!(
            log.texts(),
            [
                "d3v0: PSCI SYSTEM_SUSPEND: a wake-up interrupt (INTID 27) is pending: returns at once",
                "d3v0: PSCI SYSTEM_SUSPEND: suspended, resumes at 0x40000098 (128 ticks)",
                "d3v1: resuming at 0x40000098, context 0xc0de000000000002 (tick 196781022), 1 interrupt(s) deactivated",
                "d12v0: resuming at 0x40008000, context 0x0 (tick 5), 0 interrupt(s) deactivated",
                "d3v0: cannot load the PSCI resume state (errno -22): it continues after its SYSTEM_SUSPEND call",
                "d3v0: woken from PSCI SYSTEM_SUSPEND by an interrupt",
            ]
        );
        let levels: Vec<Level> = log.0.iter().map(|(l, _)| *l).collect();
        assert_eq!(levels[4], Level::GuestWarning);
        assert!(levels
            .iter()
            .enumerate()
            .all(|(i, l)| i == 4 || *l == Level::GuestInfo));
        assert_eq!(Level::GuestInfo.tag(), c"");
        assert_eq!(Level::GuestWarning.tag(), c"");
        assert_eq!(Level::Info.tag(), c"xen-suspend: ");
    }
}
