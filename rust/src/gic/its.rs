//! GICv3 ITS: the control registers a power loss destroys. The tables they
//! point at are in RAM and survive; the collections mapped in the ITS
//! itself do not, and the Xen side maps them again (MAPC + SYNC) from the
//! `remap` callback of [`its_restore`].

use xsr_arch::gic::{gits, Gits};

use super::{poll, GicError, Regs64};

/// Number of GITS_BASER<n> registers.
pub const ITS_MAX_BASER: usize = 8;

/// The ITS state a power loss destroys: GITS_CTLR, GITS_CBASER and the
/// GITS_BASER<n> that are in use (Valid). Allocate it once at boot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ItsContext {
    ctlr: u32,
    cbaser: u64,
    /// GITS_BASER<n> as saved when Valid, else 0 (never written back).
    baser: [u64; ITS_MAX_BASER],
    saved: bool,
}

impl ItsContext {
    /// An empty context (all zero, nothing saved).
    pub const fn new() -> Self {
        ItsContext {
            ctlr: 0,
            cbaser: 0,
            baser: [0; ITS_MAX_BASER],
            saved: false,
        }
    }

    /// Whether the context holds a complete save.
    pub fn is_saved(&self) -> bool {
        self.saved
    }
}

impl Default for ItsContext {
    fn default() -> Self {
        Self::new()
    }
}

/// Disable the ITS (GITS_CTLR.Enabled = 0) and wait, bounded by
/// [`POLL_LIMIT`](super::POLL_LIMIT) reads, for GITS_CTLR.Quiescent; then
/// save GITS_CTLR (as it was before), GITS_CBASER and every GITS_BASER<n>
/// whose Valid bit is set.
///
/// # Errors
///
/// [`GicError::QuiescentTimeout`]: the ITS did not quiesce; GITS_CTLR is
/// written back (the ITS enabled again if it was) and the context is
/// marked not saved.
pub fn its_save(its: &mut impl Regs64<Gits>, ctx: &mut ItsContext) -> Result<(), GicError> {
    ctx.saved = false;
    let ctlr = its.read32(gits::CTLR) & !gits::CTLR_QUIESCENT;
    its.write32(gits::CTLR, ctlr & !gits::CTLR_ENABLED);
    if !poll(|| its.read32(gits::CTLR) & gits::CTLR_QUIESCENT != 0) {
        its.write32(gits::CTLR, ctlr);
        return Err(GicError::QuiescentTimeout);
    }
    ctx.ctlr = ctlr;
    ctx.cbaser = its.read64(gits::CBASER);
    for (slot, reg) in ctx.baser.iter_mut().zip(gits::BASER.first(ITS_MAX_BASER)) {
        let val = its.read64(reg);
        *slot = if val & gits::BASER_VALID != 0 { val } else { 0 };
    }
    ctx.saved = true;
    Ok(())
}

/// Write `ctx` back: make sure the ITS is disabled and quiescent (writing
/// GITS_CBASER or GITS_BASER<n> otherwise is UNPREDICTABLE), then
/// GITS_CBASER, GITS_CWRITER = 0 (writing CBASER resets GITS_CREADR to 0),
/// the valid GITS_BASER<n>, GITS_CTLR as saved; then, if that enabled the
/// ITS, call `remap` once, for the Xen side to map its collections again
/// (MAPC + SYNC): the ITS processes commands only while enabled.
///
/// # Errors
///
/// - [`GicError::NotSaved`]: `ctx` holds no complete save; nothing touched.
/// - [`GicError::QuiescentTimeout`]: the ITS did not quiesce; nothing
///   restored, `remap` not called.
pub fn its_restore(
    its: &mut impl Regs64<Gits>,
    ctx: &ItsContext,
    remap: &mut dyn FnMut(),
) -> Result<(), GicError> {
    if !ctx.saved {
        return Err(GicError::NotSaved);
    }
    let now = its.read32(gits::CTLR) & !gits::CTLR_QUIESCENT;
    if now & gits::CTLR_ENABLED != 0 {
        its.write32(gits::CTLR, now & !gits::CTLR_ENABLED);
    }
    if !poll(|| its.read32(gits::CTLR) & gits::CTLR_QUIESCENT != 0) {
        return Err(GicError::QuiescentTimeout);
    }
    its.write64(gits::CBASER, ctx.cbaser);
    its.write64(gits::CWRITER, 0);
    for (val, reg) in ctx.baser.iter().zip(gits::BASER.first(ITS_MAX_BASER)) {
        if val & gits::BASER_VALID != 0 {
            its.write64(reg, *val);
        }
    }
    its.write32(gits::CTLR, ctx.ctlr);
    if ctx.ctlr & gits::CTLR_ENABLED != 0 {
        remap();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;
    use crate::gic::fake::{tick, FakeRegs};
    use crate::gic::POLL_LIMIT;

    const VALID: u64 = 1 << 63;

    /// An enabled ITS with a command queue and BASER0, BASER2 and BASER5 in
    /// use (BASER1 holds bits but is not Valid).
    fn seeded() -> FakeRegs {
        let mut its = FakeRegs::its();
        its.poke(0x0000, 1);
        its.poke64(0x0080, VALID | 0x0000_0000_4321_0403);
        its.poke64(0x0088, 0x2a0);
        its.poke64(0x0100, VALID | 0x0100_0000_4400_0001);
        its.poke64(0x0108, 0x0200_0000_0000_0001);
        its.poke64(0x0110, VALID | 0x0400_0000_4500_0003);
        its.poke64(0x0128, VALID | 0x0100_0000_4600_0007);
        its
    }

    #[test]
    fn its_round_trip_writes_back_valid_basers_and_remaps_once() {
        let mut its = seeded();
        let mut ctx = ItsContext::new();
        its_save(&mut its, &mut ctx).unwrap();
        assert!(ctx.is_saved());
        assert_eq!(its.peek(0) & 1, 0, "disabled by the save");

        // Power loss: everything 0, as after reset.
        for off in (0..0x140).step_by(4) {
            if !(0x08..0x10).contains(&off) {
                its.poke(off, 0);
            }
        }
        its.clear_log();
        let calls = Cell::new(0);
        let called_at = Cell::new(0);
        its_restore(&mut its, &ctx, &mut || {
            calls.set(calls.get() + 1);
            called_at.set(tick());
        })
        .unwrap();
        assert_eq!(calls.get(), 1);

        assert_eq!(its.peek64(0x80), VALID | 0x0000_0000_4321_0403);
        assert_eq!(its.peek64(0x88), 0, "CWRITER back to the start");
        assert_eq!(its.peek64(0x100), VALID | 0x0100_0000_4400_0001);
        assert_eq!(its.peek64(0x110), VALID | 0x0400_0000_4500_0003);
        assert_eq!(its.peek64(0x128), VALID | 0x0100_0000_4600_0007);
        assert_eq!(its.peek(0), 1, "enabled again");
        // Only the valid BASERs are written; CTLR last; remap after it.
        let written: Vec<usize> = its.writes.iter().map(|w| w.off).collect();
        assert_eq!(
            written,
            [0x80, 0x84, 0x88, 0x8c, 0x100, 0x104, 0x110, 0x114, 0x128, 0x12c, 0x0]
        );
        assert!(its.last_write(0).unwrap() < called_at.get());
        assert!(its.violations.is_empty());
    }

    #[test]
    fn its_restore_of_a_disabled_its_does_not_remap() {
        let mut its = seeded();
        its.poke(0, 0);
        let mut ctx = ItsContext::default();
        its_save(&mut its, &mut ctx).unwrap();
        let mut calls = 0;
        its_restore(&mut its, &ctx, &mut || calls += 1).unwrap();
        assert_eq!(calls, 0);
        assert_eq!(its.peek(0), 0);
    }

    #[test]
    fn its_quiescent_timeout_is_reported_and_unwound() {
        let mut its = seeded();
        its.its_stuck = true;
        let mut ctx = ItsContext::new();
        assert_eq!(
            its_save(&mut its, &mut ctx),
            Err(GicError::QuiescentTimeout)
        );
        assert!(!ctx.is_saved());
        assert_eq!(its.writes_to(0), [0, 1], "enabled again");
        assert!(its.reads_of(0) <= u64::from(POLL_LIMIT) + 2);

        its.its_stuck = false;
        its_save(&mut its, &mut ctx).unwrap();
        its.its_stuck = true;
        its.clear_log();
        let mut calls = 0;
        let res = its_restore(&mut its, &ctx, &mut || calls += 1);
        assert_eq!(res, Err(GicError::QuiescentTimeout));
        assert_eq!(calls, 0);
        assert!(its.writes.is_empty(), "nothing written to a busy ITS");
    }

    #[test]
    fn its_restore_without_save_touches_nothing() {
        let mut its = seeded();
        its.clear_log();
        let mut calls = 0;
        let res = its_restore(&mut its, &ItsContext::new(), &mut || calls += 1);
        assert_eq!(res, Err(GicError::NotSaved));
        assert_eq!(calls, 0);
        assert!(its.touched().is_empty());
    }
}
