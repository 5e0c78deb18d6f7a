//! System register bits the firmware and the test guest both set or check
//! (Arm ARM D19.2, AArch64 SCTLR_ELx), defined once.

/// SCTLR_EL2 without VHE (and SCTLR_EL3): RES1 bits 29, 28, 23, 22, 18,
/// 16, 11, 5, 4.
pub const SCTLR_EL2_RES1: u64 = 0x30c5_0830;
/// SCTLR_EL1 (ARMv8.0): RES1 bits 29, 28, 23, 22, 20, 11.
pub const SCTLR_EL1_RES1: u64 = 0x30d0_0800;
/// SCTLR_ELx.M: stage 1 MMU enable.
pub const SCTLR_M: u64 = 1 << 0;
/// SCTLR_ELx.A: alignment checks.
pub const SCTLR_A: u64 = 1 << 1;
/// SCTLR_ELx.C: data cacheability.
pub const SCTLR_C: u64 = 1 << 2;
/// SCTLR_ELx.SA: SP alignment checks.
pub const SCTLR_SA: u64 = 1 << 3;
/// SCTLR_ELx.I: instruction cacheability.
pub const SCTLR_I: u64 = 1 << 12;
/// SCTLR_ELx.WXN: write permission implies execute-never.
pub const SCTLR_WXN: u64 = 1 << 19;
/// SCTLR_EL1.E0E: big-endian data at EL0.
pub const SCTLR_E0E: u64 = 1 << 24;
/// SCTLR_ELx.EE: big-endian data and table walks at this EL.
pub const SCTLR_EE: u64 = 1 << 25;
