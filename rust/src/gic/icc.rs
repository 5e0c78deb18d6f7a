//! [`IccRegs`] over the GICv3 CPU interface system registers of the calling
//! CPU (target builds only), with the generic `S<op0>_<op1>_C<n>_C<m>_<op2>`
//! names so that no assembler GIC support is needed.

use core::arch::asm;

use super::{IccReg, IccRegs};

/// The calling CPU's GICv3 CPU interface, through `mrs`/`msr`.
///
/// Must only be used at EL2 on a CPU whose GIC is a GICv3 with the system
/// register interface (Xen's GICv3 driver enables ICC_SRE_EL2.SRE at boot):
/// otherwise the accesses are UNDEFINED and trap. They touch no memory.
#[derive(Clone, Copy, Debug, Default)]
pub struct SysIcc;

/// Expands `$access!(encoding)` with the generic system register encoding
/// of `$r`, so that each access is written once for all five registers.
macro_rules! with_encoding {
    ($r:expr, $access:ident) => {
        match $r {
            IccReg::Ctlr => $access!("S3_0_C12_C12_4"), // ICC_CTLR_EL1
            IccReg::Pmr => $access!("S3_0_C4_C6_0"),    // ICC_PMR_EL1
            IccReg::Bpr1 => $access!("S3_0_C12_C12_3"), // ICC_BPR1_EL1
            IccReg::SreEl2 => $access!("S3_4_C12_C9_5"), // ICC_SRE_EL2
            IccReg::Igrpen1 => $access!("S3_0_C12_C12_7"), // ICC_IGRPEN1_EL1
        }
    };
}

impl IccRegs for SysIcc {
    fn read(&self, r: IccReg) -> u64 {
        let val: u64;
        macro_rules! mrs {
            ($enc:literal) => {
                asm!(
                    concat!("mrs {v}, ", $enc),
                    v = out(reg) val,
                    options(nostack, preserves_flags),
                )
            };
        }
        // SAFETY: reading a GICv3 CPU interface system register at EL2 has
        // no effect on memory or on Rust-visible state (none of these five
        // is a read-sensitive register such as ICC_IAR1_EL1). No `nomem`:
        // the asm stays ordered with the surrounding MMIO accesses.
        unsafe { with_encoding!(r, mrs) }
        val
    }

    /// Write `r`, then `isb` (the write takes effect for what follows) and
    /// `dsb sy` (it is visible to the GIC before later MMIO accesses, as the
    /// power-down sequence needs between ICC_IGRPEN1_EL1 and GICR_WAKER).
    fn write(&mut self, r: IccReg, val: u64) {
        macro_rules! msr {
            ($enc:literal) => {
                asm!(
                    concat!("msr ", $enc, ", {v}"),
                    "isb",
                    "dsb sy",
                    v = in(reg) val,
                    options(nostack, preserves_flags),
                )
            };
        }
        // SAFETY: writing these CPU interface registers changes which
        // interrupts the calling CPU takes and how, never memory or
        // Rust-visible state; the caller (suspend/resume, interrupts
        // masked) owns the CPU interface. isb and dsb only order.
        unsafe { with_encoding!(r, msr) }
    }
}
