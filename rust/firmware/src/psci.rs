//! PSCI 1.1 over SMC, the decisions: which function ids exist, what each
//! call answers, and the CPU_ON/CPU_OFF state machine. The hardware side
//! is behind [`Platform`]; what cannot return to the caller (CPU_OFF,
//! SYSTEM_OFF, SYSTEM_RESET, SYSTEM_SUSPEND, a standby) is handed back as
//! an [`Outcome`] for the firmware to carry out once it has dropped the
//! lock around [`Cpus`].
//!
//! Calling convention (SMCCC): x0 = function id (W0: the upper half of x0
//! is ignored), x1-x3 = arguments, result in x0. The SMC32 ids (bit 30
//! clear) use only the low 32 bits of each argument.
//!
//! Implemented: PSCI_VERSION (1.1), PSCI_FEATURES, CPU_SUSPEND (standby
//! only), CPU_OFF, CPU_ON, AFFINITY_INFO (level 0), MIGRATE_INFO_TYPE (2:
//! no Trusted OS), SYSTEM_OFF, SYSTEM_RESET, SYSTEM_SUSPEND. Everything
//! else, MIGRATE and MIGRATE_INFO_UP_CPU included (optional without a
//! Trusted OS), and the SMCCC_VERSION id: NOT_SUPPORTED (as QEMU's own
//! PSCI, so Xen sees the same SMCCC 1.0 either way).

use crate::layout::{self, MAX_CPUS};

pub use xsr_arch::psci::{affinity, fid, is_smc64, ret};

/// PSCI_VERSION: 1.1.
pub const VERSION_1_1: i32 = xsr_arch::psci::VERSION_1_1 as i32;
/// MIGRATE_INFO_TYPE: 2, no Trusted OS (nothing to migrate).
pub const MIGRATE_TYPE_NO_TOS: i32 = 2;
/// PSCI_FEATURES(CPU_SUSPEND): bit 1 clear = original power_state format,
/// bit 0 clear = no OS-initiated mode.
pub const CPU_SUSPEND_FEATURES: i32 = 0;

/// The only power state CPU_SUSPEND accepts (original format): StateID 0,
/// StateType 0 (standby), PowerLevel 0 (the core). Anything else is
/// INVALID_PARAMETERS: this firmware has no powerdown state (the PSCI
/// specification lists no NOT_SUPPORTED for the mandatory CPU_SUSPEND).
pub const POWER_STATE_STANDBY: u32 = 0;

/// The fields of MPIDR that name a CPU (Aff3 in 39:32, Aff2-0 in 23:0);
/// CPU_ON and AFFINITY_INFO refuse a target with any other bit set.
pub const MPIDR_AFF_MASK: u64 = 0xff_00ff_ffff;

/// One decoded call, its arguments already cut to 32 bits for the SMC32
/// ids.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Call {
    Version,
    Features {
        fid: u32,
    },
    CpuSuspend {
        power_state: u32,
        entry: u64,
        context: u64,
    },
    CpuOff,
    CpuOn {
        target: u64,
        entry: u64,
        context: u64,
    },
    AffinityInfo {
        target: u64,
        level: u64,
    },
    MigrateInfoType,
    SystemOff,
    SystemReset,
    SystemSuspend {
        entry: u64,
        context: u64,
    },
    /// Any other id: NOT_SUPPORTED.
    Unknown {
        fid: u32,
    },
}

/// Decodes x0-x3 of an SMC.
pub fn decode(regs: [u64; 4]) -> Call {
    let fid = regs[0] as u32;
    let arg = |v: u64| if is_smc64(fid) { v } else { v & 0xffff_ffff };
    let [_, a1, a2, a3] = regs.map(arg);
    match fid {
        fid::PSCI_VERSION => Call::Version,
        fid::PSCI_FEATURES => Call::Features { fid: a1 as u32 },
        fid::CPU_SUSPEND_32 | fid::CPU_SUSPEND_64 => Call::CpuSuspend {
            power_state: a1 as u32,
            entry: a2,
            context: a3,
        },
        fid::CPU_OFF => Call::CpuOff,
        fid::CPU_ON_32 | fid::CPU_ON_64 => Call::CpuOn {
            target: a1,
            entry: a2,
            context: a3,
        },
        fid::AFFINITY_INFO_32 | fid::AFFINITY_INFO_64 => Call::AffinityInfo {
            target: a1,
            level: a2,
        },
        fid::MIGRATE_INFO_TYPE => Call::MigrateInfoType,
        fid::SYSTEM_OFF => Call::SystemOff,
        fid::SYSTEM_RESET => Call::SystemReset,
        fid::SYSTEM_SUSPEND_32 | fid::SYSTEM_SUSPEND_64 => Call::SystemSuspend {
            entry: a1,
            context: a2,
        },
        _ => Call::Unknown { fid },
    }
}

/// PSCI_FEATURES: 0 (or the feature flags) for an implemented id,
/// NOT_SUPPORTED otherwise.
pub fn features(id: u32) -> i32 {
    match id {
        fid::CPU_SUSPEND_32 | fid::CPU_SUSPEND_64 => CPU_SUSPEND_FEATURES,
        fid::PSCI_VERSION
        | fid::PSCI_FEATURES
        | fid::CPU_OFF
        | fid::CPU_ON_32
        | fid::CPU_ON_64
        | fid::AFFINITY_INFO_32
        | fid::AFFINITY_INFO_64
        | fid::MIGRATE_INFO_TYPE
        | fid::SYSTEM_OFF
        | fid::SYSTEM_RESET
        | fid::SYSTEM_SUSPEND_32
        | fid::SYSTEM_SUSPEND_64 => ret::SUCCESS,
        _ => ret::NOT_SUPPORTED,
    }
}

/// The power state of one CPU slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CpuState {
    /// No such CPU (never reached its holding pen).
    Absent,
    /// In the holding pen.
    Off,
    /// CPU_ON accepted; the CPU leaves its pen for `entry`.
    OnPending { entry: u64, context: u64 },
    /// Running non-secure code (or the firmware on its behalf).
    On,
}

/// The state of every CPU slot; the firmware keeps it under a
/// [`crate::spin::SpinLock`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cpus {
    state: [CpuState; MAX_CPUS],
}

impl Default for Cpus {
    fn default() -> Self {
        Self::new()
    }
}

impl Cpus {
    pub const fn new() -> Self {
        Cpus {
            state: [CpuState::Absent; MAX_CPUS],
        }
    }

    /// The state of `cpu` (Absent for an index out of range).
    pub fn state(&self, cpu: usize) -> CpuState {
        self.state.get(cpu).copied().unwrap_or(CpuState::Absent)
    }

    fn set(&mut self, cpu: usize, state: CpuState) {
        if let Some(s) = self.state.get_mut(cpu) {
            *s = state;
        }
    }

    /// The boot CPU: On from the start.
    pub fn boot(&mut self, cpu: usize) {
        self.set(cpu, CpuState::On);
    }

    /// A secondary CPU reached its holding pen for the first time.
    pub fn check_in(&mut self, cpu: usize) {
        if self.state(cpu) == CpuState::Absent {
            self.set(cpu, CpuState::Off);
        }
    }

    /// How many CPUs exist (are not Absent).
    pub fn present(&self) -> usize {
        self.state
            .iter()
            .filter(|s| **s != CpuState::Absent)
            .count()
    }

    /// Polled by `cpu` in its pen: the entry point and context id of an
    /// accepted CPU_ON, if any.
    pub fn pen_poll(&self, cpu: usize) -> Option<(u64, u64)> {
        match self.state(cpu) {
            CpuState::OnPending { entry, context } => Some((entry, context)),
            _ => None,
        }
    }

    /// `cpu` has done its own setup and leaves the pen for its entry point.
    pub fn mark_on(&mut self, cpu: usize) {
        if let CpuState::OnPending { .. } = self.state(cpu) {
            self.set(cpu, CpuState::On);
        }
    }

    /// `cpu` finished CPU_OFF and is back in its pen.
    pub fn off_done(&mut self, cpu: usize) {
        if self.state(cpu) == CpuState::On {
            self.set(cpu, CpuState::Off);
        }
    }

    /// Is every present CPU but `caller` Off?
    pub fn others_off(&self, caller: usize) -> bool {
        self.state
            .iter()
            .enumerate()
            .all(|(i, s)| i == caller || matches!(s, CpuState::Absent | CpuState::Off))
    }
}

/// The slot of the CPU with this MPIDR (affinity fields only): Aff0 is the
/// index, Aff1-3 must be 0. None for anything else, bits outside the
/// affinity fields included.
pub fn mpidr_to_index(mpidr: u64) -> Option<usize> {
    // Aff1-3 and every bit outside MPIDR_AFF_MASK must be 0.
    if mpidr & !0xff != 0 {
        return None;
    }
    let i = (mpidr & 0xff) as usize;
    (i < MAX_CPUS).then_some(i)
}

/// What the firmware must do after [`dispatch`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Return this value in x0 (sign-extended).
    Return(i32),
    /// CPU_SUSPEND standby: wait for an interrupt (wfi), then return
    /// SUCCESS.
    Standby,
    /// CPU_OFF: tear the caller's per-CPU state down, then
    /// [`Cpus::off_done`] and back to the pen; never returns to the caller.
    CpuOff,
    /// Power the machine off; never returns.
    SystemOff,
    /// Reset the machine; never returns.
    SystemReset,
    /// SYSTEM_SUSPEND accepted: wipe, wait for the wake event, enter
    /// `entry` at EL2 with x0 = `context` (see [`crate::suspend`]).
    SystemSuspend { entry: u64, context: u64 },
}

/// The hardware side of the decisions.
pub trait Platform {
    /// Normal RAM, `[start, end)`: the only valid entry points.
    fn ram(&self) -> (u64, u64) {
        (layout::RAM_BASE, layout::RAM_BASE + layout::RAM_SIZE)
    }

    /// `cpu` was made ON_PENDING: wake it in its holding pen (dsb; sev).
    fn wake_pen(&mut self, cpu: usize);
}

/// Is `entry` a valid AArch64 entry point: 4-byte aligned, in normal RAM?
pub fn entry_ok<P: Platform>(plat: &P, entry: u64) -> bool {
    let (start, end) = plat.ram();
    entry % 4 == 0 && entry >= start && entry < end
}

/// One SMC from CPU `caller` (the slot of the CPU that made it), with the
/// lock around `cpus` held.
pub fn dispatch<P: Platform>(
    cpus: &mut Cpus,
    plat: &mut P,
    caller: usize,
    regs: [u64; 4],
) -> Outcome {
    match decode(regs) {
        Call::Version => Outcome::Return(VERSION_1_1),
        Call::Features { fid } => Outcome::Return(features(fid)),
        Call::CpuSuspend { power_state, .. } => {
            if power_state == POWER_STATE_STANDBY {
                Outcome::Standby
            } else {
                Outcome::Return(ret::INVALID_PARAMETERS)
            }
        }
        Call::CpuOff => Outcome::CpuOff,
        Call::CpuOn {
            target,
            entry,
            context,
        } => Outcome::Return(cpu_on(cpus, plat, target, entry, context)),
        Call::AffinityInfo { target, level } => Outcome::Return(affinity_info(cpus, target, level)),
        Call::MigrateInfoType => Outcome::Return(MIGRATE_TYPE_NO_TOS),
        Call::SystemOff => Outcome::SystemOff,
        Call::SystemReset => Outcome::SystemReset,
        Call::SystemSuspend { entry, context } => {
            // As TF-A: the other cores first, then the entry point.
            if !cpus.others_off(caller) {
                Outcome::Return(ret::DENIED)
            } else if !entry_ok(plat, entry) {
                Outcome::Return(ret::INVALID_ADDRESS)
            } else {
                Outcome::SystemSuspend { entry, context }
            }
        }
        Call::Unknown { .. } => Outcome::Return(ret::NOT_SUPPORTED),
    }
}

/// CPU_ON: the target first (INVALID_PARAMETERS), then the entry point
/// (INVALID_ADDRESS), then its state (ALREADY_ON, ON_PENDING), as TF-A.
fn cpu_on<P: Platform>(
    cpus: &mut Cpus,
    plat: &mut P,
    target: u64,
    entry: u64,
    context: u64,
) -> i32 {
    let Some(cpu) = mpidr_to_index(target) else {
        return ret::INVALID_PARAMETERS;
    };
    if cpus.state(cpu) == CpuState::Absent {
        return ret::INVALID_PARAMETERS;
    }
    if !entry_ok(plat, entry) {
        return ret::INVALID_ADDRESS;
    }
    match cpus.state(cpu) {
        CpuState::On => ret::ALREADY_ON,
        CpuState::OnPending { .. } => ret::ON_PENDING,
        CpuState::Absent => ret::INVALID_PARAMETERS,
        CpuState::Off => {
            cpus.set(cpu, CpuState::OnPending { entry, context });
            plat.wake_pen(cpu);
            ret::SUCCESS
        }
    }
}

/// AFFINITY_INFO at level 0 (the only one this firmware has).
fn affinity_info(cpus: &Cpus, target: u64, level: u64) -> i32 {
    if level != 0 {
        return ret::INVALID_PARAMETERS;
    }
    let Some(cpu) = mpidr_to_index(target) else {
        return ret::INVALID_PARAMETERS;
    };
    match cpus.state(cpu) {
        CpuState::Absent => ret::INVALID_PARAMETERS,
        CpuState::Off => affinity::OFF,
        CpuState::OnPending { .. } => affinity::ON_PENDING,
        CpuState::On => affinity::ON,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RAM: u64 = layout::RAM_BASE;
    const RAM_END: u64 = layout::RAM_BASE + layout::RAM_SIZE;

    #[derive(Default)]
    struct Fake {
        woken: Vec<usize>,
    }

    impl Platform for Fake {
        fn wake_pen(&mut self, cpu: usize) {
            self.woken.push(cpu);
        }
    }

    /// Two CPUs: 0 on (the caller), 1 in its pen.
    fn two() -> Cpus {
        let mut c = Cpus::new();
        c.boot(0);
        c.check_in(1);
        c
    }

    fn call(cpus: &mut Cpus, caller: usize, regs: [u64; 4]) -> Outcome {
        dispatch(cpus, &mut Fake::default(), caller, regs)
    }

    fn r(v: i32) -> Outcome {
        Outcome::Return(v)
    }

    fn id(f: u32) -> u64 {
        f as u64
    }

    /// Every id this firmware implements.
    const IMPLEMENTED: [u32; 13] = [
        fid::PSCI_VERSION,
        fid::PSCI_FEATURES,
        fid::CPU_SUSPEND_32,
        fid::CPU_SUSPEND_64,
        fid::CPU_OFF,
        fid::CPU_ON_32,
        fid::CPU_ON_64,
        fid::AFFINITY_INFO_32,
        fid::AFFINITY_INFO_64,
        fid::MIGRATE_INFO_TYPE,
        fid::SYSTEM_OFF,
        fid::SYSTEM_RESET,
        fid::SYSTEM_SUSPEND_32,
    ];

    /// PSCI ids (and SMCCC_VERSION) this firmware does not implement.
    const NOT_IMPLEMENTED: [u32; 20] = [
        fid::MIGRATE_32,
        fid::MIGRATE_64,
        fid::MIGRATE_INFO_UP_CPU_32,
        fid::MIGRATE_INFO_UP_CPU_64,
        fid::CPU_FREEZE,
        fid::CPU_DEFAULT_SUSPEND_32,
        fid::CPU_DEFAULT_SUSPEND_64,
        fid::NODE_HW_STATE_32,
        fid::NODE_HW_STATE_64,
        fid::PSCI_SET_SUSPEND_MODE,
        fid::PSCI_STAT_RESIDENCY_32,
        fid::PSCI_STAT_RESIDENCY_64,
        fid::PSCI_STAT_COUNT_32,
        fid::PSCI_STAT_COUNT_64,
        fid::SYSTEM_RESET2_32,
        fid::SYSTEM_RESET2_64,
        fid::MEM_PROTECT,
        fid::MEM_PROTECT_CHECK_RANGE_32,
        fid::MEM_PROTECT_CHECK_RANGE_64,
        fid::SMCCC_VERSION,
    ];

    #[test]
    fn version() {
        assert_eq!(
            call(&mut two(), 0, [id(fid::PSCI_VERSION), 0, 0, 0]),
            r(0x1_0001)
        );
        // Only W0 is the function id.
        assert_eq!(
            call(
                &mut two(),
                0,
                [0xdead_beef_0000_0000 | id(fid::PSCI_VERSION), 0, 0, 0]
            ),
            r(0x1_0001)
        );
    }

    #[test]
    fn features_of_every_id() {
        for f in IMPLEMENTED.iter().chain([fid::SYSTEM_SUSPEND_64].iter()) {
            assert_eq!(
                call(&mut two(), 0, [id(fid::PSCI_FEATURES), id(*f), 0, 0]),
                r(0),
                "{f:#x}"
            );
        }
        for f in NOT_IMPLEMENTED {
            assert_eq!(
                call(&mut two(), 0, [id(fid::PSCI_FEATURES), id(f), 0, 0]),
                r(-1),
                "{f:#x}"
            );
        }
        // CPU_SUSPEND: original power_state format, no OS-initiated mode.
        assert_eq!(features(fid::CPU_SUSPEND_64), 0);
        // The SMC32 PSCI_FEATURES ignores the upper half of its argument.
        assert_eq!(
            call(
                &mut two(),
                0,
                [
                    id(fid::PSCI_FEATURES),
                    0xffff_ffff_0000_0000 | id(fid::CPU_OFF),
                    0,
                    0
                ]
            ),
            r(0)
        );
        for f in [0u32, 1, 0x8400_00ff, 0xc400_0000, 0x8600_0000, 0xffff_ffff] {
            assert_eq!(features(f), -1, "{f:#x}");
        }
    }

    #[test]
    fn unknown_ids_are_not_supported() {
        for f in NOT_IMPLEMENTED.iter().copied().chain([
            0,
            0x8400_0020,
            0xc400_0008,
            0xc400_0002,
            0xc400_000a,
            0x0400_0000,
            0xffff_ffff,
        ]) {
            let mut cpus = two();
            let before = cpus.clone();
            assert_eq!(call(&mut cpus, 0, [id(f), RAM, RAM, 0]), r(-1), "{f:#x}");
            assert_eq!(cpus, before);
        }
    }

    #[test]
    fn migrate_info_type_and_system_calls() {
        assert_eq!(
            call(&mut two(), 0, [id(fid::MIGRATE_INFO_TYPE), 0, 0, 0]),
            r(2)
        );
        assert_eq!(
            call(&mut two(), 0, [id(fid::SYSTEM_OFF), 0, 0, 0]),
            Outcome::SystemOff
        );
        assert_eq!(
            call(&mut two(), 1, [id(fid::SYSTEM_RESET), 0, 0, 0]),
            Outcome::SystemReset
        );
        assert_eq!(
            call(&mut two(), 1, [id(fid::CPU_OFF), 0, 0, 0]),
            Outcome::CpuOff
        );
    }

    #[test]
    fn cpu_suspend_standby_only() {
        for f in [fid::CPU_SUSPEND_32, fid::CPU_SUSPEND_64] {
            assert_eq!(call(&mut two(), 0, [id(f), 0, 0, 0]), Outcome::Standby);
            // A powerdown state, another level, a StateID, reserved bits.
            for ps in [
                1u64 << 16,
                1 << 24,
                2 << 24,
                1,
                0xffff,
                1 << 30,
                (1 << 16) | (1 << 24),
            ] {
                assert_eq!(
                    call(&mut two(), 0, [id(f), ps, RAM, 0]),
                    r(-2),
                    "{f:#x} {ps:#x}"
                );
            }
        }
        // SMC32: the upper half of power_state is not looked at.
        assert_eq!(
            call(
                &mut two(),
                0,
                [id(fid::CPU_SUSPEND_32), 0x1_0000_0000, 0, 0]
            ),
            Outcome::Standby
        );
        // SMC64: it is (power_state is 32 bits, the rest is cut).
        assert_eq!(
            call(
                &mut two(),
                0,
                [id(fid::CPU_SUSPEND_64), 0x1_0000_0000, 0, 0]
            ),
            Outcome::Standby
        );
    }

    #[test]
    fn cpu_on_off_state_machine() {
        let mut cpus = two();
        let mut fake = Fake::default();
        let on = |cpus: &mut Cpus, fake: &mut Fake, target: u64, entry: u64| {
            dispatch(cpus, fake, 0, [id(fid::CPU_ON_64), target, entry, 0x1234])
        };
        let aff =
            |cpus: &mut Cpus, target: u64| call(cpus, 0, [id(fid::AFFINITY_INFO_64), target, 0, 0]);
        assert_eq!(aff(&mut cpus, 1), r(affinity::OFF));
        assert_eq!(aff(&mut cpus, 0), r(affinity::ON));
        assert_eq!(cpus.pen_poll(1), None);

        assert_eq!(on(&mut cpus, &mut fake, 1, RAM + 0x100), r(0));
        assert_eq!(fake.woken, vec![1]);
        assert_eq!(aff(&mut cpus, 1), r(affinity::ON_PENDING));
        assert_eq!(on(&mut cpus, &mut fake, 1, RAM + 0x100), r(-5));
        assert_eq!(cpus.pen_poll(1), Some((RAM + 0x100, 0x1234)));

        cpus.mark_on(1);
        assert_eq!(cpus.pen_poll(1), None);
        assert_eq!(aff(&mut cpus, 1), r(affinity::ON));
        assert_eq!(on(&mut cpus, &mut fake, 1, RAM + 0x100), r(-4));
        assert_eq!(on(&mut cpus, &mut fake, 0, RAM + 0x100), r(-4));
        assert_eq!(fake.woken, vec![1]);

        // CPU_OFF from CPU1: on until it is back in its pen.
        assert_eq!(
            call(&mut cpus, 1, [id(fid::CPU_OFF), 0, 0, 0]),
            Outcome::CpuOff
        );
        assert_eq!(aff(&mut cpus, 1), r(affinity::ON));
        cpus.off_done(1);
        assert_eq!(aff(&mut cpus, 1), r(affinity::OFF));

        // And on again, through the SMC32 id with garbage upper halves.
        assert_eq!(
            dispatch(
                &mut cpus,
                &mut fake,
                0,
                [
                    id(fid::CPU_ON_32),
                    0xffff_ffff_0000_0001,
                    0xffff_ffff_0000_0000 | (RAM + 8),
                    0xaaaa_aaaa_0000_0007
                ]
            ),
            r(0)
        );
        assert_eq!(cpus.pen_poll(1), Some((RAM + 8, 7)));
        assert_eq!(fake.woken, vec![1, 1]);
    }

    #[test]
    fn cpu_on_refusals() {
        let mut cpus = two();
        let before = cpus.clone();
        let mut fake = Fake::default();
        let mut on = |target: u64, entry: u64| {
            dispatch(
                &mut cpus,
                &mut fake,
                0,
                [id(fid::CPU_ON_64), target, entry, 0],
            )
        };
        // Unknown or absent targets, bits outside the affinity fields.
        for t in [
            2u64,
            7,
            8,
            0xff,
            0x100,
            0x1_0000,
            0x1_0000_0000,
            0x8000_0001,
            1 << 40,
            u64::MAX,
        ] {
            assert_eq!(on(t, RAM), r(-2), "target {t:#x}");
        }
        // Entry points outside RAM or misaligned.
        for e in [
            0u64,
            RAM - 4,
            RAM_END,
            RAM + 2,
            RAM + 1,
            u64::MAX,
            0x0e00_0000,
        ] {
            assert_eq!(on(1, e), r(-9), "entry {e:#x}");
        }
        // An invalid target wins over an invalid entry point.
        assert_eq!(on(5, 0), r(-2));
        assert_eq!(cpus, before);
        assert!(fake.woken.is_empty());
        // The last byte range of RAM is fine.
        let mut cpus = two();
        assert_eq!(
            dispatch(
                &mut cpus,
                &mut Fake::default(),
                0,
                [id(fid::CPU_ON_64), 1, RAM_END - 4, 0]
            ),
            r(0)
        );
    }

    #[test]
    fn affinity_info_refusals() {
        let mut cpus = two();
        for (t, l) in [
            (0u64, 1u64),
            (1, 2),
            (1, 3),
            (1, u64::MAX),
            (2, 0),
            (0x100, 0),
            (1 << 40, 0),
        ] {
            assert_eq!(
                call(&mut cpus, 0, [id(fid::AFFINITY_INFO_64), t, l, 0]),
                r(-2),
                "{t:#x} {l}"
            );
        }
        // SMC32: upper halves ignored.
        assert_eq!(
            call(
                &mut cpus,
                0,
                [
                    id(fid::AFFINITY_INFO_32),
                    0xffff_ffff_0000_0001,
                    0xffff_ffff_0000_0000,
                    0
                ]
            ),
            r(affinity::OFF)
        );
        // SMC64: they are not.
        assert_eq!(
            call(
                &mut cpus,
                0,
                [id(fid::AFFINITY_INFO_64), 0xffff_ffff_0000_0001, 0, 0]
            ),
            r(-2)
        );
    }

    #[test]
    fn system_suspend() {
        for f in [fid::SYSTEM_SUSPEND_32, fid::SYSTEM_SUSPEND_64] {
            // Another core on, or on pending: DENIED, even with a bad entry.
            let mut cpus = two();
            let mut fake = Fake::default();
            assert_eq!(
                dispatch(&mut cpus, &mut fake, 0, [id(fid::CPU_ON_64), 1, RAM, 0]),
                r(0)
            );
            assert_eq!(call(&mut cpus, 0, [id(f), RAM, 0, 0]), r(-3));
            assert_eq!(call(&mut cpus, 0, [id(f), 0, 0, 0]), r(-3));
            cpus.mark_on(1);
            assert_eq!(call(&mut cpus, 0, [id(f), RAM, 0, 0]), r(-3));
            assert_eq!(call(&mut cpus, 1, [id(f), RAM, 0, 0]), r(-3));
            cpus.off_done(1);
            let before = cpus.clone();
            // Bad entry points: INVALID_ADDRESS.
            for e in [
                0u64,
                RAM - 4,
                RAM_END,
                RAM + 1,
                RAM + 2,
                0x0e00_0000,
                0x0900_0000,
            ] {
                assert_eq!(call(&mut cpus, 0, [id(f), e, 0, 0]), r(-9), "{f:#x} {e:#x}");
            }
            assert_eq!(cpus, before);
            // Accepted.
            assert_eq!(
                call(&mut cpus, 0, [id(f), RAM + 0x1000, 0x55, 0]),
                Outcome::SystemSuspend {
                    entry: RAM + 0x1000,
                    context: 0x55
                }
            );
            // The caller need not be CPU0.
            let mut c = Cpus::new();
            c.check_in(0);
            c.boot(1);
            assert_eq!(
                call(&mut c, 1, [id(f), RAM, 9, 0]),
                Outcome::SystemSuspend {
                    entry: RAM,
                    context: 9
                }
            );
        }
        // SMC32: the upper halves of entry and context id are ignored.
        let mut cpus = two();
        assert_eq!(
            call(
                &mut cpus,
                0,
                [
                    id(fid::SYSTEM_SUSPEND_32),
                    0xffff_ffff_0000_0000 | (RAM + 0x40),
                    0xdead_0000_0000_0042,
                    0
                ]
            ),
            Outcome::SystemSuspend {
                entry: RAM + 0x40,
                context: 0x42
            }
        );
        // SMC64: an upper half makes the entry point invalid.
        assert_eq!(
            call(
                &mut cpus,
                0,
                [
                    id(fid::SYSTEM_SUSPEND_64),
                    0xffff_ffff_0000_0000 | (RAM + 0x40),
                    0,
                    0
                ]
            ),
            r(-9)
        );
        // A single CPU machine can always suspend.
        let mut one = Cpus::new();
        one.boot(0);
        assert!(matches!(
            call(&mut one, 0, [id(fid::SYSTEM_SUSPEND_64), RAM, 0, 0]),
            Outcome::SystemSuspend { .. }
        ));
    }

    #[test]
    fn state_machine_ignores_bad_transitions() {
        let mut c = Cpus::new();
        c.mark_on(0);
        c.off_done(0);
        assert_eq!(c.state(0), CpuState::Absent);
        c.boot(0);
        c.check_in(0); // already on: stays on
        assert_eq!(c.state(0), CpuState::On);
        c.check_in(1);
        c.mark_on(1); // not pending: stays off
        assert_eq!(c.state(1), CpuState::Off);
        c.off_done(1);
        assert_eq!(c.state(1), CpuState::Off);
        assert_eq!(c.present(), 2);
        // Out-of-range slots are absent and cannot change.
        c.check_in(MAX_CPUS);
        c.boot(usize::MAX);
        assert_eq!(c.state(MAX_CPUS), CpuState::Absent);
        assert_eq!(c.present(), 2);
    }

    #[test]
    fn mpidr_mapping() {
        assert_eq!(mpidr_to_index(0), Some(0));
        assert_eq!(mpidr_to_index(7), Some(7));
        assert_eq!(mpidr_to_index(8), None);
        assert_eq!(mpidr_to_index(0x100), None);
        assert_eq!(mpidr_to_index(0x8000_0000), None);
        assert_eq!(mpidr_to_index(1 << 32), None);
    }

    /// A small deterministic generator (no crates): every call answers
    /// one of the PSCI codes a caller can expect, and a refusal changes
    /// nothing.
    #[test]
    fn arbitrary_calls_answer_known_codes() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let ids: Vec<u32> = IMPLEMENTED
            .iter()
            .chain(NOT_IMPLEMENTED.iter())
            .copied()
            .chain([fid::SYSTEM_SUSPEND_64])
            .collect();
        for _ in 0..20_000 {
            let f = ids[(next() % ids.len() as u64) as usize];
            let pick = |v: u64| match v % 4 {
                0 => v % 4,
                1 => RAM + (v % 0x1000) * 4,
                2 => v,
                _ => v & 0xffff_ffff,
            };
            let regs = [id(f), pick(next()), pick(next()), pick(next())];
            let mut cpus = two();
            if next() % 2 == 0 {
                cpus.state[1] = CpuState::On;
            }
            let before = cpus.clone();
            let mut fake = Fake::default();
            match dispatch(&mut cpus, &mut fake, 0, regs) {
                Outcome::Return(v) => {
                    assert!(
                        [0, -1, -2, -3, -4, -5, -9, 1, 2, 0x1_0001].contains(&v),
                        "{regs:x?} -> {v}"
                    );
                    if v < 0 {
                        assert_eq!(cpus, before, "{regs:x?}");
                        assert!(fake.woken.is_empty());
                    }
                }
                Outcome::SystemSuspend { entry, .. } => {
                    assert!(entry_ok(&fake, entry));
                    assert!(cpus.others_off(0));
                }
                _ => {}
            }
        }
    }
}
