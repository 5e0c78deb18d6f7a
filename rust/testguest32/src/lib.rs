//! The pure logic of the AArch32 test guest, kept apart from the bare-metal
//! binary (src/main.rs) so that `cargo test` on the host exercises it: what
//! each suspend cycle does (entry point, conduit, the dirty state it
//! suspends from, its context id) and the check of the state the guest
//! finds at its resume entry. No unsafe code, no allocation, no panics.

#![cfg_attr(not(test), no_std)]
#![deny(
    unsafe_op_in_unsafe_fn,
    clippy::undocumented_unsafe_blocks,
    clippy::missing_safety_doc
)]

/// SCTLR of a vCPU out of reset as an AArch32 guest reads it: the low half
/// of Xen's SCTLR_GUEST_INIT (RES1 bits, CP15BEN, nTWI, nTWE; MMU, caches
/// and alignment checks off, exceptions in ARM state, little endian).
pub const SCTLR_RESET: u32 = 0x00c5_0078;
/// SCTLR.M: the MMU.
pub const SCTLR_M: u32 = 1 << 0;
/// SCTLR.A: alignment checks.
pub const SCTLR_A: u32 = 1 << 1;
/// SCTLR.C: data cache.
pub const SCTLR_C: u32 = 1 << 2;
/// SCTLR.CP15BEN: the CP15 barrier instructions.
pub const SCTLR_CP15BEN: u32 = 1 << 5;
/// SCTLR.I: instruction cache.
pub const SCTLR_I: u32 = 1 << 12;

/// TTBCR.PD1: no translation table walks through TTBR1.
pub const TTBCR_PD1: u32 = 1 << 5;

/// CPSR.M for Supervisor mode.
pub const MODE_SVC: u32 = 0x13;
/// CPSR.M for System mode.
pub const MODE_SYS: u32 = 0x1f;
/// CPSR.M for Abort mode.
pub const MODE_ABT: u32 = 0x17;
/// CPSR.M for Undefined mode.
pub const MODE_UND: u32 = 0x1b;
/// CPSR.M for IRQ mode.
pub const MODE_IRQ: u32 = 0x12;
/// CPSR.T: Thumb state.
pub const CPSR_T: u32 = 1 << 5;
/// The execution state bits IT, J and T, which MRS reads as zero (ARMv7
/// ARM B9.3.8): the instruction set an entry runs in shows in what its
/// first instruction reads from the PC instead ([`Entry::pc_read_offset`]).
pub const CPSR_EXEC: u32 = 0x0600_fc00 | (1 << 24) | CPSR_T;
/// CPSR.F, CPSR.I, CPSR.A: FIQ, IRQ and SError (asynchronous abort) masks.
pub const CPSR_AIF: u32 = (1 << 6) | (1 << 7) | (1 << 8);
/// The CPSR bits PSCI leaves to the implementation: N, Z, C, V, Q and GE.
pub const CPSR_FLAGS: u32 = 0xf80f_0000;

/// Which of the guest's two resume entry points a cycle names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entry {
    /// `tg32_resume_a32`, an ARM (A32) entry: bit 0 of the address clear.
    A32,
    /// `tg32_resume_t32`, a Thumb (T32) entry, given with bit 0 set.
    T32,
}

impl Entry {
    /// The tag the entry code stores: `A` or `T`.
    pub const fn tag(self) -> u32 {
        match self {
            Entry::A32 => b'A' as u32,
            Entry::T32 => b'T' as u32,
        }
    }

    /// What the entry's first instruction (`mov r1, pc`) reads: its own
    /// address plus 8 in ARM state, plus 4 in Thumb state.
    pub const fn pc_read_offset(self) -> u32 {
        match self {
            Entry::A32 => 8,
            Entry::T32 => 4,
        }
    }

    /// The entry point argument of SYSTEM_SUSPEND for code at `addr`.
    pub const fn argument(self, addr: u32) -> u32 {
        match self {
            Entry::A32 => addr,
            Entry::T32 => addr | 1,
        }
    }

    /// Lower-case name, for the guest's report.
    pub const fn name(self) -> &'static str {
        match self {
            Entry::A32 => "a32",
            Entry::T32 => "t32",
        }
    }
}

/// The instruction a PSCI call is made with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Conduit {
    /// HVC #0.
    Hvc,
    /// SMC #0 (Xen traps it and answers as for HVC).
    Smc,
}

impl Conduit {
    /// Lower-case name, for the guest's report.
    pub const fn name(self) -> &'static str {
        match self {
            Conduit::Hvc => "hvc",
            Conduit::Smc => "smc",
        }
    }
}

/// What suspend cycle k does: every combination of entry and conduit once
/// in any 4 cycles, and each cycle a state that differs from the reset
/// state and from the cycle before (mode, masks, SCTLR, context id), so
/// that a resume that kept any of it shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plan {
    /// The entry point named.
    pub entry: Entry,
    /// The instruction of the SYSTEM_SUSPEND call.
    pub conduit: Conduit,
    /// CPSR.M when the call is made (never SVC), with A, I and F clear.
    pub mode: u32,
    /// SCTLR bits set for the call (the MMU and caches are on throughout).
    pub sctlr_set: u32,
    /// SCTLR bits cleared for the call.
    pub sctlr_clear: u32,
    /// TTBCR for the call (never 0, its reset value): PD1 (no TTBR1
    /// walks), with N = 1 (TTBR0 for the low 2 GB, all the guest maps) on
    /// odd cycles.
    pub ttbcr: u32,
    /// The context id, which must come back in r0.
    pub context_id: u32,
}

/// The plan of cycle `k` (1-based).
pub const fn plan(k: u32) -> Plan {
    let (entry, conduit) = match k % 4 {
        1 => (Entry::A32, Conduit::Hvc),
        2 => (Entry::T32, Conduit::Smc),
        3 => (Entry::A32, Conduit::Smc),
        _ => (Entry::T32, Conduit::Hvc),
    };
    let mode = match k % 4 {
        1 => MODE_SYS,
        2 => MODE_ABT,
        3 => MODE_UND,
        _ => MODE_IRQ,
    };
    let (sctlr_set, sctlr_clear, ttbcr) = if k % 2 == 1 {
        (SCTLR_M | SCTLR_C | SCTLR_I | SCTLR_A, 0, TTBCR_PD1 | 1)
    } else {
        (SCTLR_M | SCTLR_C | SCTLR_I, SCTLR_CP15BEN, TTBCR_PD1)
    };
    Plan {
        entry,
        conduit,
        mode,
        sctlr_set,
        sctlr_clear,
        ttbcr,
        // Odd and even bits, the top bit included, and a different value
        // every cycle.
        context_id: 0xa5c3_0000 ^ k.wrapping_mul(0x9e37_79b9),
    }
}

/// What the resume entry recorded, before anything else ran.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Record {
    /// r0: the context id.
    pub r0: u32,
    /// What the entry's first instruction read from the PC.
    pub pc: u32,
    /// CPSR.
    pub cpsr: u32,
    /// SCTLR.
    pub sctlr: u32,
    /// Which entry ran ([`Entry::tag`]).
    pub tag: u32,
    /// MPIDR.Aff0: the vCPU.
    pub vcpu: u32,
    /// TTBR0 (its 32-bit form).
    pub ttbr0: u32,
    /// TTBCR.
    pub ttbcr: u32,
}

/// The first check a resume entry state fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mismatch {
    /// Another entry point ran.
    Entry { got: u32, want: u32 },
    /// Execution did not start at the entry point's first instruction.
    Pc { got: u32, want: u32 },
    /// r0 is not the context id.
    ContextId { got: u32, want: u32 },
    /// Not SVC mode with A, I and F masked, little endian (the flags and
    /// the execution state bits excepted).
    Cpsr { got: u32, want: u32 },
    /// SCTLR is not at its reset value.
    Sctlr { got: u32, want: u32 },
    /// TTBR0 is not at its reset value, 0 (a table the guest set before
    /// suspending survived).
    Ttbr0 { got: u32, want: u32 },
    /// TTBCR is not at its reset value, 0.
    Ttbcr { got: u32, want: u32 },
    /// Another vCPU resumed.
    Vcpu { got: u32, want: u32 },
}

impl Mismatch {
    /// The name of the failed check, for the guest's report.
    pub const fn check(&self) -> &'static str {
        match self {
            Mismatch::Entry { .. } => "entry",
            Mismatch::Pc { .. } => "pc",
            Mismatch::ContextId { .. } => "r0",
            Mismatch::Cpsr { .. } => "cpsr",
            Mismatch::Sctlr { .. } => "sctlr",
            Mismatch::Ttbr0 { .. } => "ttbr0",
            Mismatch::Ttbcr { .. } => "ttbcr",
            Mismatch::Vcpu { .. } => "vcpu",
        }
    }

    /// The value found and the value required.
    pub const fn values(&self) -> (u32, u32) {
        match *self {
            Mismatch::Entry { got, want }
            | Mismatch::Pc { got, want }
            | Mismatch::ContextId { got, want }
            | Mismatch::Cpsr { got, want }
            | Mismatch::Sctlr { got, want }
            | Mismatch::Ttbr0 { got, want }
            | Mismatch::Ttbcr { got, want }
            | Mismatch::Vcpu { got, want } => (got, want),
        }
    }
}

/// The CPSR a PSCI entry must find as MRS reads it, the flags
/// ([`CPSR_FLAGS`]) excepted: SVC mode, A, I and F masked, E clear. (MRS
/// reads T, J and IT as zero whatever the state: see [`CPSR_EXEC`].)
pub const ENTRY_CPSR: u32 = MODE_SVC | CPSR_AIF;

/// Checks the state recorded at a resume entry against what PSCI requires
/// for `plan`: the planned entry ran from its first instruction
/// (`entry_addr`: its address, bit 0 clear), on vCPU0, with r0 = the
/// context id, CPSR as [`ENTRY_CPSR`], SCTLR = [`SCTLR_RESET`], TTBR0 and
/// TTBCR 0 (Xen's vCPU reset, as at boot; the guest suspends with both
/// set). The
/// PC check is also the instruction-set check: a T32 entry run in ARM
/// state reads 8 more (if its first instruction, decoded as ARM, ran at
/// all), an A32 entry run in Thumb state 4 less.
pub fn check(plan: &Plan, entry_addr: u32, rec: &Record) -> Result<(), Mismatch> {
    let want_tag = plan.entry.tag();
    if rec.tag != want_tag {
        return Err(Mismatch::Entry {
            got: rec.tag,
            want: want_tag,
        });
    }
    let want_pc = entry_addr.wrapping_add(plan.entry.pc_read_offset());
    if rec.pc != want_pc {
        return Err(Mismatch::Pc {
            got: rec.pc,
            want: want_pc,
        });
    }
    if rec.r0 != plan.context_id {
        return Err(Mismatch::ContextId {
            got: rec.r0,
            want: plan.context_id,
        });
    }
    if rec.cpsr & !(CPSR_FLAGS | CPSR_EXEC) != ENTRY_CPSR {
        return Err(Mismatch::Cpsr {
            got: rec.cpsr,
            want: ENTRY_CPSR,
        });
    }
    if rec.sctlr != SCTLR_RESET {
        return Err(Mismatch::Sctlr {
            got: rec.sctlr,
            want: SCTLR_RESET,
        });
    }
    if rec.ttbr0 != 0 {
        return Err(Mismatch::Ttbr0 {
            got: rec.ttbr0,
            want: 0,
        });
    }
    if rec.ttbcr != 0 {
        return Err(Mismatch::Ttbcr {
            got: rec.ttbcr,
            want: 0,
        });
    }
    if rec.vcpu != 0 {
        return Err(Mismatch::Vcpu {
            got: rec.vcpu,
            want: 0,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ADDR: u32 = 0x4000_9000;

    fn good(plan: &Plan) -> Record {
        Record {
            r0: plan.context_id,
            pc: ADDR + plan.entry.pc_read_offset(),
            cpsr: ENTRY_CPSR | 0x4000_0000,
            sctlr: SCTLR_RESET,
            tag: plan.entry.tag(),
            vcpu: 0,
            ttbr0: 0,
            ttbcr: 0,
        }
    }

    #[test]
    fn every_four_cycles_try_every_entry_and_conduit() {
        for start in 1..=8 {
            let mut seen = [false; 4];
            for k in start..start + 4 {
                let p = plan(k);
                seen[(p.entry as usize) * 2 + p.conduit as usize] = true;
            }
            assert_eq!(seen, [true; 4], "cycles {start}..{}", start + 4);
        }
    }

    #[test]
    fn each_cycle_suspends_from_a_state_unlike_reset_and_unlike_the_last() {
        for k in 1..=1000 {
            let p = plan(k);
            let q = plan(k + 1);
            assert_ne!(p.mode, MODE_SVC);
            assert_ne!(p.mode, q.mode);
            assert_ne!(p.context_id, q.context_id);
            assert_ne!((p.sctlr_set, p.sctlr_clear), (q.sctlr_set, q.sctlr_clear));
            assert_ne!(p.ttbcr, q.ttbcr);
            assert_ne!(p.ttbcr, 0);
            let sctlr = (SCTLR_RESET | p.sctlr_set) & !p.sctlr_clear;
            assert_ne!(sctlr, SCTLR_RESET);
            assert_eq!(
                sctlr & (SCTLR_M | SCTLR_C | SCTLR_I),
                SCTLR_M | SCTLR_C | SCTLR_I
            );
        }
    }

    #[test]
    fn thumb_entries_are_given_with_bit_0_set() {
        assert_eq!(Entry::T32.argument(ADDR), ADDR | 1);
        assert_eq!(Entry::A32.argument(ADDR), ADDR);
    }

    #[test]
    fn a_good_record_passes_whatever_the_flags() {
        for k in 1..=4 {
            let p = plan(k);
            let mut rec = good(&p);
            assert_eq!(check(&p, ADDR, &rec), Ok(()));
            rec.cpsr |= CPSR_FLAGS;
            assert_eq!(check(&p, ADDR, &rec), Ok(()));
        }
    }

    #[test]
    fn each_wrong_field_names_its_check() {
        let a = plan(1);
        let t = plan(2);
        type Case<'a> = (&'a Plan, fn(&mut Record), &'a str);
        let cases: [Case; 13] = [
            (&a, |r| r.tag = u32::from(b'T'), "entry"),
            (&a, |r| r.pc += 4, "pc"),
            (&a, |r| r.pc -= 4, "pc"),
            (&t, |r| r.pc += 4, "pc"),
            (&a, |r| r.r0 ^= 1 << 31, "r0"),
            (&a, |r| r.cpsr = (r.cpsr & !0x1f) | MODE_SYS, "cpsr"),
            (&a, |r| r.cpsr &= !(1 << 8), "cpsr"),
            (&t, |r| r.cpsr &= !(1 << 6), "cpsr"),
            (&a, |r| r.cpsr |= 1 << 9, "cpsr"),
            (&a, |r| r.sctlr |= SCTLR_M, "sctlr"),
            (&a, |r| r.ttbr0 = 0x4001_c000, "ttbr0"),
            (&t, |r| r.ttbcr = 1, "ttbcr"),
            (&a, |r| r.vcpu = 1, "vcpu"),
        ];
        for (p, spoil, name) in cases {
            let mut rec = good(p);
            spoil(&mut rec);
            let err = check(p, ADDR, &rec).expect_err(name);
            assert_eq!(err.check(), name, "{err:?}");
        }
    }

    #[test]
    fn the_missing_bits_of_the_reset_sctlr_are_caught() {
        let p = plan(3);
        let mut rec = good(&p);
        rec.sctlr &= !SCTLR_CP15BEN;
        assert_eq!(
            check(&p, ADDR, &rec),
            Err(Mismatch::Sctlr {
                got: SCTLR_RESET & !SCTLR_CP15BEN,
                want: SCTLR_RESET
            })
        );
    }
}
