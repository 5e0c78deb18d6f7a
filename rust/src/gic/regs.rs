//! The GIC register fields the save/restore code tests, by short names.
//! Registers and fields are defined once, in the project's register table
//! (`xsr_arch::gic`), and reached as `gicd::CTLR`, `gicr::WAKER`, ...;
//! these are the same fields under the names the code reads best with.

use xsr_arch::gic::{gicd, gicr, gits};

/// GICD_CTLR: every group enable.
pub(crate) const CTLR_ENABLES: u32 =
    gicd::CTLR_ENABLE_GRP0 | gicd::CTLR_ENABLE_GRP1 | gicd::CTLR_ENABLE_GRP1A;
/// GICD_CTLR.DS: one security state.
pub(crate) const CTLR_DS: u32 = gicd::CTLR_DS;
/// GICD_CTLR.RWP.
pub(crate) const CTLR_RWP: u32 = gicd::CTLR_RWP;
/// GICR_CTLR.EnableLPIs.
pub(crate) const GICR_CTLR_ENABLE_LPIS: u32 = gicr::CTLR_ENABLE_LPIS;
/// GICR_CTLR.RWP.
pub(crate) const GICR_CTLR_RWP: u32 = gicr::CTLR_RWP;
/// GICR_WAKER.ProcessorSleep.
pub(crate) const WAKER_PS: u32 = gicr::WAKER_PROCESSOR_SLEEP;
/// GICR_WAKER.ChildrenAsleep.
pub(crate) const WAKER_CA: u32 = gicr::WAKER_CHILDREN_ASLEEP;
/// GITS_CTLR.Enabled.
pub(crate) const GITS_CTLR_ENABLED: u32 = gits::CTLR_ENABLED;
/// GITS_CTLR.Quiescent.
pub(crate) const GITS_CTLR_QUIESCENT: u32 = gits::CTLR_QUIESCENT;
/// GITS_BASER.Valid.
pub(crate) const GITS_BASER_VALID: u64 = gits::BASER_VALID;
