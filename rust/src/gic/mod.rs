//! The Arm Generic Interrupt Controller across a host suspend: what a power
//! loss of the GIC destroys, saved before and written back after, for
//! GICv2 ([`v2_save`], [`v2_restore`]), GICv3 with its redistributors and
//! CPU interface ([`v3_save`], [`v3_restore`]) and the GICv3 ITS
//! ([`its_save`], [`its_restore`]).
//!
//! The code is portable: device registers are reached through [`Regs`]
//! (implemented over MMIO by [`Mmio`], and by fakes in the tests), the GICv3
//! CPU interface system registers through [`IccRegs`] (implemented with
//! `mrs`/`msr` by `SysIcc`, target builds only). The contexts are plain
//! fixed-size values, sized for the largest configuration the architecture
//! (or, for redistributors, this layer) allows, so they can be allocated at
//! boot; saving and restoring never allocate.
//!
//! Only implemented interrupt lines are touched (GICD_TYPER.ITLinesNumber,
//! and GICD_TYPER.ESPI/ESPI_range for GICv3.1 extended SPIs). Every wait on
//! the hardware is bounded by [`POLL_LIMIT`] reads and reported as a
//! [`GicError`], never a hang.
//!
//! The `*_reset` functions write the values a power loss would leave in
//! exactly the registers the contexts cover; they exist for a self-test
//! (save, reset, restore) and for the tests.

mod its;
mod mmio;
mod v2;
mod v3;

#[cfg(all(target_arch = "aarch64", target_os = "none"))]
mod icc;
#[cfg(all(target_arch = "aarch64", target_os = "none"))]
pub use icc::SysIcc;

#[cfg(test)]
mod fake;

use xsr_arch::reg::{Bank32, Block, Reg32, Reg64};

pub use its::{its_restore, its_save, ItsContext, ITS_MAX_BASER};
pub use v2::{v2_lines, v2_reset, v2_restore, v2_save, V2Context, V2_MAX_LINES};
pub use v3::{
    v3_espi_lines, v3_lines, v3_reset, v3_restore, v3_save, V3Context, V3_MAX_CPUS, V3_MAX_ESPIS,
    V3_MAX_SPIS,
};
pub use xsr_arch::gic::{Gicc, Gicd, Gicr, Gits};
pub use xsr_arch::mmio::Mmio;

/// A block of device registers of kind `B` (`xsr_arch::gic::Gicd`,
/// `Gicr`, ..., `xsr_arch::primecell::Pl011`), reached only through the
/// registers declared for it: a register of another block, of the other
/// width or at an undeclared offset does not compile.
pub trait Regs<B> {
    /// Read the 32-bit register `r`.
    fn read32(&self, r: Reg32<B>) -> u32;
    /// Write the 32-bit register `r`.
    fn write32(&mut self, r: Reg32<B>, val: u32);
}

/// A block with 64-bit registers as well (single 64-bit accesses on the
/// target, as the GICv3 architecture allows for GICD_IROUTER<n>,
/// GICR_TYPER, GICR_PROPBASER/PENDBASER and the ITS registers).
pub trait Regs64<B>: Regs<B> {
    /// Read the 64-bit register `r`.
    fn read64(&self, r: Reg64<B>) -> u64;
    /// Write the 64-bit register `r`.
    fn write64(&mut self, r: Reg64<B>, val: u64);
}

/// The GICv3 CPU interface system registers this layer saves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IccReg {
    /// ICC_CTLR_EL1.
    Ctlr,
    /// ICC_PMR_EL1.
    Pmr,
    /// ICC_BPR1_EL1.
    Bpr1,
    /// ICC_SRE_EL2.
    SreEl2,
    /// ICC_IGRPEN1_EL1.
    Igrpen1,
}

/// Access to the GICv3 CPU interface system registers of the calling CPU.
pub trait IccRegs {
    /// Read `r`.
    fn read(&self, r: IccReg) -> u64;
    /// Write `r` (followed by the synchronisation the write needs).
    fn write(&mut self, r: IccReg, val: u64);
}

/// Why a save or restore did not complete.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GicError {
    /// The redistributor at index `cpu` of the set handed over did not
    /// complete the GICR_WAKER handshake within [`POLL_LIMIT`] reads
    /// (ChildrenAsleep did not follow ProcessorSleep).
    WakerTimeout {
        /// Index of the redistributor in the slice passed in (Xen passes
        /// them in CPU order).
        cpu: usize,
    },
    /// GICD_CTLR.RWP or GICR_CTLR.RWP stayed set for [`POLL_LIMIT`] reads.
    RwpTimeout,
    /// The context cannot hold this GIC (more than [`V3_MAX_CPUS`]
    /// redistributors). Nothing was touched.
    ContextTooSmall,
    /// The ITS did not report GITS_CTLR.Quiescent within [`POLL_LIMIT`]
    /// reads after being disabled.
    QuiescentTimeout,
    /// Restore of a context that holds no complete save. Nothing was
    /// touched.
    NotSaved,
    /// The context was saved from a GIC configured differently (number of
    /// lines, extended SPIs or redistributors). Nothing was touched.
    Mismatch,
}

impl GicError {
    /// The errno Xen gets for it.
    pub const fn errno(self) -> crate::errno::Errno {
        use crate::errno::Errno;
        match self {
            GicError::WakerTimeout { .. } | GicError::RwpTimeout | GicError::QuiescentTimeout => {
                Errno::ETIMEDOUT
            }
            GicError::ContextTooSmall => Errno::ENOMEM,
            GicError::NotSaved | GicError::Mismatch => Errno::EINVAL,
        }
    }
}

impl GicError {
    /// Its name, as Rust's `{:?}` prints it (without the fields).
    pub const fn name(self) -> &'static core::ffi::CStr {
        match self {
            GicError::WakerTimeout { .. } => c"WakerTimeout",
            GicError::RwpTimeout => c"RwpTimeout",
            GicError::ContextTooSmall => c"ContextTooSmall",
            GicError::QuiescentTimeout => c"QuiescentTimeout",
            GicError::NotSaved => c"NotSaved",
            GicError::Mismatch => c"Mismatch",
        }
    }
}

/// How many times a status bit (RWP, ChildrenAsleep, Quiescent) is read
/// before giving up. The GIC completes these in microseconds; a million
/// device reads is far longer (tens of milliseconds at least) and still
/// bounded, with no timer needed.
pub const POLL_LIMIT: u32 = 1_000_000;

/// Read `done` until it answers true, at most [`POLL_LIMIT`] times (plus a
/// final check). Whether it did.
fn poll(mut done: impl FnMut() -> bool) -> bool {
    for _ in 0..POLL_LIMIT {
        if done() {
            return true;
        }
        core::hint::spin_loop();
    }
    done()
}

/// Save registers `from..to` of `bank` into `dst` (index = register
/// number). Registers past `dst` or past the bank are left out.
fn save_words<B, R: Regs<B> + ?Sized>(
    r: &R,
    bank: Bank32<B>,
    dst: &mut [u32],
    from: usize,
    to: usize,
) where
    B: Block,
{
    for (slot, reg) in dst.iter_mut().skip(from).zip(bank.range(from, to)) {
        *slot = r.read32(reg);
    }
}

/// Write registers `from..to` of `bank` from `src`.
fn restore_words<B, R: Regs<B> + ?Sized>(
    r: &mut R,
    bank: Bank32<B>,
    src: &[u32],
    from: usize,
    to: usize,
) where
    B: Block,
{
    for (val, reg) in src.iter().skip(from).zip(bank.range(from, to)) {
        r.write32(reg, *val);
    }
}

/// Write `val` to registers `from..to` of `bank` (those it has).
fn fill_words<B, R: Regs<B> + ?Sized>(r: &mut R, bank: Bank32<B>, val: u32, from: usize, to: usize)
where
    B: Block,
{
    for reg in bank.range(from, to) {
        r.write32(reg, val);
    }
}

/// Packs the present items of `items` (the redistributors of the online
/// CPUs, in CPU order) into the front of `slots`, in order, leaving the
/// rest `None`. Returns how many were packed and how many were present:
/// more present than packed means `slots` is too small, which the caller
/// must refuse rather than leave one out.
pub fn compact<T>(
    items: impl Iterator<Item = Option<T>>,
    slots: &mut [Option<T>],
) -> (usize, usize) {
    let (mut packed, mut present) = (0, 0);
    for item in items.flatten() {
        present += 1;
        if let Some(slot) = slots.get_mut(packed) {
            *slot = Some(item);
            packed += 1;
        }
    }
    (packed, present)
}

/// Registers of 1 bit per line covering `lines` lines.
const fn words_1bit(lines: usize) -> usize {
    lines.div_ceil(32)
}

/// Registers of 2 bits per line covering `lines` lines.
const fn words_2bit(lines: usize) -> usize {
    lines.div_ceil(16)
}

/// Registers of 8 bits per line covering `lines` lines.
const fn words_8bit(lines: usize) -> usize {
    lines.div_ceil(4)
}

/// Lines implemented by a distributor whose GICD_TYPER is `typer`:
/// 32 * (ITLinesNumber + 1), at most 1020 (IDs 1020-1023 are special).
fn typer_lines(typer: u32) -> usize {
    (xsr_arch::gic::gicd::lines(typer) as usize).min(V2_MAX_LINES)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_are_etimedout_and_bad_contexts_einval() {
        use crate::errno::Errno;
        assert_eq!(GicError::WakerTimeout { cpu: 2 }.errno(), Errno::ETIMEDOUT);
        assert_eq!(GicError::RwpTimeout.errno(), Errno::ETIMEDOUT);
        assert_eq!(GicError::QuiescentTimeout.errno(), Errno::ETIMEDOUT);
        assert_eq!(GicError::ContextTooSmall.errno(), Errno::ENOMEM);
        assert_eq!(GicError::NotSaved.errno(), Errno::EINVAL);
        assert_eq!(GicError::Mismatch.errno(), Errno::EINVAL);
    }

    #[test]
    fn context_sizes() {
        let sizes = [
            ("V2Context", core::mem::size_of::<V2Context>()),
            ("V3Context", core::mem::size_of::<V3Context>()),
            ("ItsContext", core::mem::size_of::<ItsContext>()),
        ];
        for (name, size) in sizes {
            println!("size_of::<{name}>() = {size}");
        }
        // Fixed-size, allocated once at boot: keep them bounded.
        assert!(sizes.iter().all(|&(_, s)| s < 32 * 1024));
    }

    #[test]
    fn compact_packs_in_order_and_counts_what_does_not_fit() {
        let mut slots = [None; 3];
        let (packed, present) = compact([None, Some(1), None, Some(2)].into_iter(), &mut slots);
        assert_eq!((packed, present), (2, 2));
        assert_eq!(slots, [Some(1), Some(2), None]);
        let mut slots = [None; 2];
        let (packed, present) = compact((0..5).map(Some), &mut slots);
        assert_eq!((packed, present), (2, 5));
        assert_eq!(slots, [Some(0), Some(1)]);
        let mut slots: [Option<u8>; 2] = [None; 2];
        assert_eq!(compact(core::iter::empty(), &mut slots), (0, 0));
    }

    #[test]
    fn poll_is_bounded() {
        let mut n = 0u64;
        assert!(!poll(|| {
            n += 1;
            false
        }));
        assert_eq!(n, u64::from(POLL_LIMIT) + 1);
        assert!(poll(|| true));
    }
}
