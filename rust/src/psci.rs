//! PSCI function ids, return codes and argument decoding (PSCI 1.1, Arm DEN
//! 0022), as far as the suspend layer needs them.

pub use xsr_arch::psci::fid::{PSCI_FEATURES, SYSTEM_SUSPEND_32, SYSTEM_SUSPEND_64};
pub use xsr_arch::psci::{psr, to_code, PsciError, SUCCESS};

/// SMC calling convention of a function id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Conv {
    /// 32-bit: only the low 32 bits of each argument are defined.
    Smc32,
    /// 64-bit.
    Smc64,
}

impl Conv {
    /// Read an argument register under this convention: SMC32 callers may
    /// leave anything in the upper half, which must be ignored.
    pub const fn arg(self, reg: u64) -> u64 {
        match self {
            Conv::Smc32 => reg & 0xffff_ffff,
            Conv::Smc64 => reg,
        }
    }
}

/// The calling convention of `fid` if it is one of the SYSTEM_SUSPEND ids.
pub const fn system_suspend_conv(fid: u32) -> Option<Conv> {
    match fid {
        SYSTEM_SUSPEND_32 => Some(Conv::Smc32),
        SYSTEM_SUSPEND_64 => Some(Conv::Smc64),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smc32_ignores_the_upper_half() {
        assert_eq!(Conv::Smc32.arg(0xdead_beef_4000_1000), 0x4000_1000);
        assert_eq!(
            Conv::Smc64.arg(0xdead_beef_4000_1000),
            0xdead_beef_4000_1000
        );
        assert_eq!(system_suspend_conv(SYSTEM_SUSPEND_32), Some(Conv::Smc32));
        assert_eq!(system_suspend_conv(SYSTEM_SUSPEND_64), Some(Conv::Smc64));
        assert_eq!(system_suspend_conv(PSCI_FEATURES), None);
        assert_eq!(system_suspend_conv(0x8400_000F), None);
    }
}
