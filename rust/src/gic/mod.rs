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
pub mod regs;
mod v2;
mod v3;

#[cfg(all(target_arch = "aarch64", target_os = "none"))]
mod icc;
#[cfg(all(target_arch = "aarch64", target_os = "none"))]
pub use icc::SysIcc;

#[cfg(test)]
mod fake;

pub use its::{its_restore, its_save, ItsContext, ITS_MAX_BASER};
pub use mmio::Mmio;
pub use v2::{v2_lines, v2_reset, v2_restore, v2_save, V2Context, V2_MAX_LINES};
pub use v3::{
    v3_espi_lines, v3_lines, v3_reset, v3_restore, v3_save, V3Context, V3_MAX_CPUS, V3_MAX_ESPIS,
    V3_MAX_SPIS,
};

/// A block of 32/64-bit device registers, addressed by byte offset.
///
/// 64-bit registers are accessed with [`Regs::read64`]/[`Regs::write64`]
/// (single 64-bit accesses on the target, as the GICv3 architecture allows
/// for GICD_IROUTER<n>, GICR_TYPER, GICR_PROPBASER/PENDBASER and the ITS
/// registers).
pub trait Regs {
    /// Read the 32-bit register at byte offset `off`.
    fn read32(&self, off: usize) -> u32;
    /// Write the 32-bit register at byte offset `off`.
    fn write32(&mut self, off: usize, val: u32);
    /// Read the 64-bit register at byte offset `off`.
    fn read64(&self, off: usize) -> u64;
    /// Write the 64-bit register at byte offset `off`.
    fn write64(&mut self, off: usize, val: u64);
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

/// Save 32-bit registers `from..to` of the bank starting at byte offset
/// `base` into `dst` (index = register number). Indices past `dst` are
/// ignored.
fn save_words<R: Regs + ?Sized>(r: &R, base: usize, dst: &mut [u32], from: usize, to: usize) {
    for (n, slot) in dst.iter_mut().enumerate().take(to).skip(from) {
        *slot = r.read32(base + 4 * n);
    }
}

/// Write 32-bit registers `from..to` of the bank at `base` from `src`.
fn restore_words<R: Regs + ?Sized>(r: &mut R, base: usize, src: &[u32], from: usize, to: usize) {
    for (n, val) in src.iter().enumerate().take(to).skip(from) {
        r.write32(base + 4 * n, *val);
    }
}

/// Write `val` to 32-bit registers `from..to` of the bank at `base`; `cap`
/// is the bank's size in registers (indices at or past it are skipped).
fn fill_words<R: Regs + ?Sized>(
    r: &mut R,
    base: usize,
    val: u32,
    from: usize,
    to: usize,
    cap: usize,
) {
    for n in from..to.min(cap) {
        r.write32(base + 4 * n, val);
    }
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
    let blocks = regs::TYPER_IT_LINES.read(typer) as usize + 1;
    (32 * blocks).min(V2_MAX_LINES)
}

#[cfg(test)]
mod tests {
    use super::*;

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
