//! PSCI function ids, return codes and argument decoding (PSCI 1.1, Arm DEN
//! 0022), as far as the suspend layer needs them.

/// PSCI return codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(i32)]
pub enum PsciError {
    /// The function is not implemented, or not for this caller.
    NotSupported = -1,
    /// A parameter is invalid.
    InvalidParameters = -2,
    /// The call is refused in the current state.
    Denied = -3,
    /// The target is already on.
    AlreadyOn = -4,
    /// The address is not a valid entry point.
    InvalidAddress = -9,
}

/// PSCI_SUCCESS.
pub const SUCCESS: i32 = 0;

impl PsciError {
    /// The value returned to the caller in x0.
    pub const fn code(self) -> i32 {
        self as i32
    }
}

/// A PSCI result as the guest sees it in x0.
pub fn to_code(r: Result<(), PsciError>) -> i32 {
    match r {
        Ok(()) => SUCCESS,
        Err(e) => e.code(),
    }
}

/// SYSTEM_SUSPEND, SMC32 calling convention.
pub const SYSTEM_SUSPEND_32: u32 = 0x8400_000E;
/// SYSTEM_SUSPEND, SMC64 calling convention.
pub const SYSTEM_SUSPEND_64: u32 = 0xC400_000E;
/// PSCI_FEATURES (SMC32 only).
pub const PSCI_FEATURES: u32 = 0x8400_000A;

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

/// Guest register values from the Arm architecture (and Xen's public
/// arch-arm.h, which the target build checks them against).
pub mod psr {
    /// AArch32 Thumb state.
    pub const THUMB: u32 = 1 << 5;
    /// FIQ mask.
    pub const F: u32 = 1 << 6;
    /// IRQ mask.
    pub const I: u32 = 1 << 7;
    /// SError (asynchronous abort) mask.
    pub const A: u32 = 1 << 8;
    /// AArch64 debug exception mask.
    pub const D: u32 = 1 << 9;
    /// AArch32 Z flag (part of Xen's 32-bit reset value).
    pub const Z: u32 = 1 << 30;
    /// AArch64 EL1 with SP_EL1.
    pub const MODE_EL1H: u32 = 0x05;
    /// AArch32 supervisor mode.
    pub const MODE_SVC: u32 = 0x13;
    /// A 64-bit vCPU entering at a PSCI entry point: EL1h, D, A, I, F
    /// masked (PSCI 1.1, section 6.4.3).
    pub const ENTRY64: u32 = MODE_EL1H | D | A | I | F;
    /// A 32-bit vCPU entering at a PSCI entry point: SVC, A, I, F masked
    /// (the value Xen's CPU_ON uses).
    pub const ENTRY32: u32 = Z | MODE_SVC | A | I | F;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_codes_match_the_spec() {
        assert_eq!(SYSTEM_SUSPEND_32, 0x8400_0000 | 14);
        assert_eq!(SYSTEM_SUSPEND_64, 0xC400_0000 | 14);
        assert_eq!(PsciError::NotSupported.code(), -1);
        assert_eq!(PsciError::InvalidParameters.code(), -2);
        assert_eq!(PsciError::Denied.code(), -3);
        assert_eq!(PsciError::AlreadyOn.code(), -4);
        assert_eq!(PsciError::InvalidAddress.code(), -9);
        assert_eq!(to_code(Ok(())), 0);
    }

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

    #[test]
    fn entry_states_mask_everything() {
        assert_eq!(psr::ENTRY64, 0x3c5);
        assert_eq!(psr::ENTRY32 & 0x1ff, 0x1d3);
    }
}
