//! PSCI 1.1 (Arm DEN 0022): function ids, return codes, AFFINITY_INFO
//! states and the state a vCPU enters an entry point with.

/// The first id of PSCI's range in the SMC32 calling convention.
pub const SMC32_BASE: u32 = 0x8400_0000;
/// The first id of PSCI's range in the SMC64 calling convention.
pub const SMC64_BASE: u32 = 0xC400_0000;

/// Is this a function id of the SMC64 calling convention (bit 30)?
pub const fn is_smc64(fid: u32) -> bool {
    fid & (1 << 30) != 0
}

/// Function numbers: the low bits of an id (`SMC32_BASE | n`, and
/// `SMC64_BASE | n` for the functions that take an address or an MPIDR).
pub mod num {
    #![allow(missing_docs)]
    pub const VERSION: u32 = 0x00;
    pub const CPU_SUSPEND: u32 = 0x01;
    pub const CPU_OFF: u32 = 0x02;
    pub const CPU_ON: u32 = 0x03;
    pub const AFFINITY_INFO: u32 = 0x04;
    pub const MIGRATE: u32 = 0x05;
    pub const MIGRATE_INFO_TYPE: u32 = 0x06;
    pub const MIGRATE_INFO_UP_CPU: u32 = 0x07;
    pub const SYSTEM_OFF: u32 = 0x08;
    pub const SYSTEM_RESET: u32 = 0x09;
    pub const FEATURES: u32 = 0x0A;
    pub const CPU_FREEZE: u32 = 0x0B;
    pub const CPU_DEFAULT_SUSPEND: u32 = 0x0C;
    pub const NODE_HW_STATE: u32 = 0x0D;
    pub const SYSTEM_SUSPEND: u32 = 0x0E;
    pub const SET_SUSPEND_MODE: u32 = 0x0F;
    pub const STAT_RESIDENCY: u32 = 0x10;
    pub const STAT_COUNT: u32 = 0x11;
    pub const SYSTEM_RESET2: u32 = 0x12;
    pub const MEM_PROTECT: u32 = 0x13;
    pub const MEM_PROTECT_CHECK_RANGE: u32 = 0x14;
}

/// Function ids (`_32`: SMC32, `_64`: SMC64; ids without a suffix exist
/// only in SMC32).
pub mod fid {
    #![allow(missing_docs)]
    use super::{num, SMC32_BASE as S32, SMC64_BASE as S64};

    pub const PSCI_VERSION: u32 = S32 | num::VERSION;
    pub const CPU_SUSPEND_32: u32 = S32 | num::CPU_SUSPEND;
    pub const CPU_SUSPEND_64: u32 = S64 | num::CPU_SUSPEND;
    pub const CPU_OFF: u32 = S32 | num::CPU_OFF;
    pub const CPU_ON_32: u32 = S32 | num::CPU_ON;
    pub const CPU_ON_64: u32 = S64 | num::CPU_ON;
    pub const AFFINITY_INFO_32: u32 = S32 | num::AFFINITY_INFO;
    pub const AFFINITY_INFO_64: u32 = S64 | num::AFFINITY_INFO;
    pub const MIGRATE_32: u32 = S32 | num::MIGRATE;
    pub const MIGRATE_64: u32 = S64 | num::MIGRATE;
    pub const MIGRATE_INFO_TYPE: u32 = S32 | num::MIGRATE_INFO_TYPE;
    pub const MIGRATE_INFO_UP_CPU_32: u32 = S32 | num::MIGRATE_INFO_UP_CPU;
    pub const MIGRATE_INFO_UP_CPU_64: u32 = S64 | num::MIGRATE_INFO_UP_CPU;
    pub const SYSTEM_OFF: u32 = S32 | num::SYSTEM_OFF;
    pub const SYSTEM_RESET: u32 = S32 | num::SYSTEM_RESET;
    pub const PSCI_FEATURES: u32 = S32 | num::FEATURES;
    pub const CPU_FREEZE: u32 = S32 | num::CPU_FREEZE;
    pub const CPU_DEFAULT_SUSPEND_32: u32 = S32 | num::CPU_DEFAULT_SUSPEND;
    pub const CPU_DEFAULT_SUSPEND_64: u32 = S64 | num::CPU_DEFAULT_SUSPEND;
    pub const NODE_HW_STATE_32: u32 = S32 | num::NODE_HW_STATE;
    pub const NODE_HW_STATE_64: u32 = S64 | num::NODE_HW_STATE;
    pub const SYSTEM_SUSPEND_32: u32 = S32 | num::SYSTEM_SUSPEND;
    pub const SYSTEM_SUSPEND_64: u32 = S64 | num::SYSTEM_SUSPEND;
    pub const PSCI_SET_SUSPEND_MODE: u32 = S32 | num::SET_SUSPEND_MODE;
    pub const PSCI_STAT_RESIDENCY_32: u32 = S32 | num::STAT_RESIDENCY;
    pub const PSCI_STAT_RESIDENCY_64: u32 = S64 | num::STAT_RESIDENCY;
    pub const PSCI_STAT_COUNT_32: u32 = S32 | num::STAT_COUNT;
    pub const PSCI_STAT_COUNT_64: u32 = S64 | num::STAT_COUNT;
    pub const SYSTEM_RESET2_32: u32 = S32 | num::SYSTEM_RESET2;
    pub const SYSTEM_RESET2_64: u32 = S64 | num::SYSTEM_RESET2;
    pub const MEM_PROTECT: u32 = S32 | num::MEM_PROTECT;
    pub const MEM_PROTECT_CHECK_RANGE_32: u32 = S32 | num::MEM_PROTECT_CHECK_RANGE;
    pub const MEM_PROTECT_CHECK_RANGE_64: u32 = S64 | num::MEM_PROTECT_CHECK_RANGE;
    /// SMCCC_VERSION: the Arm architecture service, not PSCI (SMCCC 1.1).
    pub const SMCCC_VERSION: u32 = 0x8000_0000;
}

/// PSCI_SUCCESS.
pub const SUCCESS: i32 = 0;

/// PSCI's error codes (every code of PSCI 1.1, section 5.2.2).
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
    /// A CPU_ON for the target is still pending.
    OnPending = -5,
    /// The implementation failed.
    InternalFailure = -6,
    /// The target is not present.
    NotPresent = -7,
    /// The target is disabled.
    Disabled = -8,
    /// The address is not a valid entry point.
    InvalidAddress = -9,
}

impl PsciError {
    /// Every error code, in the order of their values.
    pub const ALL: [PsciError; 9] = [
        PsciError::NotSupported,
        PsciError::InvalidParameters,
        PsciError::Denied,
        PsciError::AlreadyOn,
        PsciError::OnPending,
        PsciError::InternalFailure,
        PsciError::NotPresent,
        PsciError::Disabled,
        PsciError::InvalidAddress,
    ];

    /// The value in w0.
    pub const fn code(self) -> i32 {
        self as i32
    }

    /// The code `code` names, if it is one PSCI defines (SUCCESS is not
    /// an error: `None`).
    pub const fn from_code(code: i32) -> Option<PsciError> {
        match code {
            -1 => Some(PsciError::NotSupported),
            -2 => Some(PsciError::InvalidParameters),
            -3 => Some(PsciError::Denied),
            -4 => Some(PsciError::AlreadyOn),
            -5 => Some(PsciError::OnPending),
            -6 => Some(PsciError::InternalFailure),
            -7 => Some(PsciError::NotPresent),
            -8 => Some(PsciError::Disabled),
            -9 => Some(PsciError::InvalidAddress),
            _ => None,
        }
    }

    /// A firmware's answer: success, one of the codes PSCI 1.1 defines, or
    /// (anything else, which no conforming firmware returns)
    /// INTERNAL_FAILURE.
    pub const fn check(code: i32) -> Result<(), PsciError> {
        if code == SUCCESS {
            return Ok(());
        }
        match PsciError::from_code(code) {
            Some(e) => Err(e),
            None => Err(PsciError::InternalFailure),
        }
    }

    /// The name PSCI gives the code.
    pub const fn name(self) -> &'static core::ffi::CStr {
        match self {
            PsciError::NotSupported => c"NOT_SUPPORTED",
            PsciError::InvalidParameters => c"INVALID_PARAMETERS",
            PsciError::Denied => c"DENIED",
            PsciError::AlreadyOn => c"ALREADY_ON",
            PsciError::OnPending => c"ON_PENDING",
            PsciError::InternalFailure => c"INTERNAL_FAILURE",
            PsciError::NotPresent => c"NOT_PRESENT",
            PsciError::Disabled => c"DISABLED",
            PsciError::InvalidAddress => c"INVALID_ADDRESS",
        }
    }
}

/// A result as the caller sees it in w0.
pub const fn to_code(r: Result<(), PsciError>) -> i32 {
    match r {
        Ok(()) => SUCCESS,
        Err(e) => e.code(),
    }
}

/// The error codes as the plain values in w0, for code that builds or
/// compares answers as integers (a firmware, a guest checking them).
pub mod ret {
    #![allow(missing_docs)]
    use super::PsciError as E;

    pub const SUCCESS: i32 = super::SUCCESS;
    pub const NOT_SUPPORTED: i32 = E::NotSupported.code();
    pub const INVALID_PARAMETERS: i32 = E::InvalidParameters.code();
    pub const DENIED: i32 = E::Denied.code();
    pub const ALREADY_ON: i32 = E::AlreadyOn.code();
    pub const ON_PENDING: i32 = E::OnPending.code();
    pub const INTERNAL_FAILURE: i32 = E::InternalFailure.code();
    pub const NOT_PRESENT: i32 = E::NotPresent.code();
    pub const DISABLED: i32 = E::Disabled.code();
    pub const INVALID_ADDRESS: i32 = E::InvalidAddress.code();
}

/// PSCI_VERSION's answer for PSCI 1.1 (major << 16 | minor).
pub const VERSION_1_1: u32 = 0x1_0001;

/// AFFINITY_INFO's answers.
pub mod affinity {
    /// The target is on.
    pub const ON: i32 = 0;
    /// The target is off.
    pub const OFF: i32 = 1;
    /// A CPU_ON of the target is pending.
    pub const ON_PENDING: i32 = 2;
}

/// The processor state at a PSCI entry point (PSTATE/CPSR bits).
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
    fn ids_match_the_specification() {
        // Spot values from DEN 0022 (table 5-1 and the 1.1 additions).
        assert_eq!(fid::PSCI_VERSION, 0x8400_0000);
        assert_eq!(fid::CPU_ON_64, 0xC400_0003);
        assert_eq!(fid::PSCI_FEATURES, 0x8400_000A);
        assert_eq!(fid::SYSTEM_SUSPEND_32, 0x8400_000E);
        assert_eq!(fid::SYSTEM_SUSPEND_64, 0xC400_000E);
        assert_eq!(fid::MEM_PROTECT_CHECK_RANGE_64, 0xC400_0014);
        assert!(is_smc64(fid::CPU_ON_64) && !is_smc64(fid::CPU_ON_32));
    }

    #[test]
    fn every_code_reads_back_as_itself() {
        assert_eq!(PsciError::check(SUCCESS), Ok(()));
        for (i, e) in PsciError::ALL.into_iter().enumerate() {
            assert_eq!(e.code(), -(i as i32) - 1);
            assert_eq!(PsciError::from_code(e.code()), Some(e));
            assert_eq!(PsciError::check(e.code()), Err(e));
            assert!(!e.name().is_empty());
        }
        for bad in [1, -10, -16, i32::MIN, i32::MAX] {
            assert_eq!(PsciError::from_code(bad), None);
            assert_eq!(PsciError::check(bad), Err(PsciError::InternalFailure));
        }
        assert_eq!(to_code(Ok(())), 0);
        assert_eq!(to_code(Err(PsciError::Denied)), ret::DENIED);
        assert_eq!(ret::INVALID_ADDRESS, -9);
    }

    #[test]
    fn entry_states_mask_everything() {
        assert_eq!(psr::ENTRY64, 0x3c5);
        assert_eq!(psr::ENTRY32 & 0x1ff, 0x1d3);
    }
}
