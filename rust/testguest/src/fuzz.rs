//! `mode=fuzz`: random PSCI calls, and what the PSCI specification (Arm DEN
//! 0022, version 1.1) allows each one to answer. Pure logic, tested on the
//! host; the guest (modes.rs) makes the calls through HVC and SMC.
//!
//! What is drawn:
//! - a function id around the PSCI range (0x8400_0000..=0x8400_003F and
//!   0xC400_0000..=0xC400_003F: PSCI's own 32 ids and the next standard
//!   service ids) with three random arguments, except the calls that end
//!   the guest or its vCPU0 (SYSTEM_OFF, SYSTEM_RESET, SYSTEM_RESET2,
//!   CPU_OFF) and CPU_SUSPEND (which waits for an interrupt the guest has
//!   not set up): its answer must be one the specification lists for it,
//!   and NOT_SUPPORTED for an id PSCI_FEATURES calls unknown;
//! - CPU_ON of vCPU0 itself, of vCPU1 (whose entry powers it off at once)
//!   or of a vCPU that does not exist, at a good entry or a bad one;
//! - SYSTEM_SUSPEND (SMC32 or SMC64) at the guest's resume entry or a bad
//!   one, with a random context id: it may only return an error allowed
//!   for that case, or suspend and resume at that entry with that id.
//!
//! Seeded: the same seed draws the same calls.

/// xorshift64*: small, fast and good enough to draw test cases.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed` (0 is replaced: xorshift never leaves 0).
    pub const fn new(seed: u64) -> Rng {
        Rng(if seed == 0 {
            0x9E37_79B9_7F4A_7C15
        } else {
            seed
        })
    }

    /// Its state, to be kept across a suspend and given back to `new`.
    pub const fn state(self) -> u64 {
        self.0
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (0 for n = 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next_u64() % n
        }
    }
}

/// The PSCI return codes.
pub use xsr_arch::psci::ret as code;

/// How a call is made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Conduit {
    Hvc,
    Smc,
}

/// An entry point given to CPU_ON or SYSTEM_SUSPEND.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entry {
    /// The guest's own entry for that call.
    Good,
    /// 0: not guest RAM.
    Zero,
    /// The good entry with bit 0 set: not a valid AArch64 entry.
    Odd,
    /// A random address beyond any guest RAM: bit 48 set for an SMC64
    /// call, at or above 2 GB for an SMC32 one (whose addresses are 32
    /// bits; the guest's RAM is below 2 GB).
    Outside(u64),
}

impl Entry {
    /// The address for a call of the SMC64 (`smc64`) or SMC32 convention:
    /// `good` for [`Entry::Good`].
    pub fn address(self, good: u64, smc64: bool) -> u64 {
        match self {
            Entry::Good => good,
            Entry::Zero => 0,
            Entry::Odd => good | 1,
            Entry::Outside(a) if smc64 => a | (1 << 48),
            Entry::Outside(a) => (a & 0xffff_ffff) | 0x8000_0000,
        }
    }

    fn draw(rng: &mut Rng) -> Entry {
        match rng.below(8) {
            0..=3 => Entry::Good,
            4 => Entry::Zero,
            5 => Entry::Odd,
            _ => Entry::Outside(rng.next_u64()),
        }
    }
}

/// Whose CPU_ON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// vCPU0, the caller: on already.
    Caller,
    /// vCPU1 (its entry powers it off at once).
    Other,
    /// An MPIDR no vCPU of the guest has.
    Absent(u64),
}

impl Target {
    /// The MPIDR affinity value passed (`other`: vCPU1's).
    pub fn mpidr(self, other: u64) -> u64 {
        match self {
            Target::Caller => 0,
            Target::Other => other,
            // Aff1 set: the guest's vCPUs are 0 and 1 at Aff0.
            Target::Absent(a) => (a & 0xff_00ff_ff00) | 0x100,
        }
    }
}

/// One drawn call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Call {
    /// A function id with random arguments (no side effect allowed that
    /// the guest would notice).
    Plain { fid: u32, args: [u64; 3] },
    /// CPU_ON (SMC32 or SMC64 id).
    CpuOn {
        fid: u32,
        target: Target,
        entry: Entry,
        context: u64,
    },
    /// SYSTEM_SUSPEND (SMC32 or SMC64 id).
    SystemSuspend {
        fid: u32,
        entry: Entry,
        context: u64,
    },
}

/// PSCI function numbers, and the bases of the SMC32 and SMC64 ids.
pub use xsr_arch::psci::{num as fnum, SMC32_BASE as SMC32, SMC64_BASE as SMC64};

/// The number of ids drawn from in each convention.
pub const IDS: u32 = 0x40;

/// Calls the fuzzer never makes with random arguments.
fn excluded(n: u32) -> bool {
    matches!(
        n,
        fnum::CPU_SUSPEND
            | fnum::CPU_OFF
            | fnum::CPU_ON
            | fnum::SYSTEM_OFF
            | fnum::SYSTEM_RESET
            | fnum::SYSTEM_SUSPEND
            | fnum::SYSTEM_RESET2
    )
}

/// Draws the next call.
pub fn draw(rng: &mut Rng) -> Call {
    let base = if rng.below(2) == 0 { SMC32 } else { SMC64 };
    match rng.below(10) {
        0 | 1 => Call::CpuOn {
            fid: base | fnum::CPU_ON,
            target: match rng.below(4) {
                0 => Target::Caller,
                1 => Target::Absent(rng.next_u64()),
                _ => Target::Other,
            },
            entry: Entry::draw(rng),
            context: rng.next_u64(),
        },
        2 => Call::SystemSuspend {
            fid: base | fnum::SYSTEM_SUSPEND,
            entry: Entry::draw(rng),
            context: rng.next_u64(),
        },
        _ => {
            let mut n = rng.below(u64::from(IDS)) as u32;
            if excluded(n) {
                n = fnum::FEATURES;
            }
            let mut args = [rng.next_u64(), rng.next_u64(), rng.next_u64()];
            // PSCI_FEATURES is worth asking about real ids too.
            if n == fnum::FEATURES && rng.below(2) == 0 {
                let m = rng.below(u64::from(IDS)) as u32;
                args[0] = u64::from(if rng.below(2) == 0 { SMC32 } else { SMC64 } | m);
            }
            Call::Plain {
                fid: base | n,
                args,
            }
        }
    }
}

/// What PSCI_FEATURES said of each id (index: `n` for SMC32, `IDS + n`
/// for SMC64): implemented or not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Features {
    known: u128,
}

impl Features {
    /// Built from PSCI_FEATURES' answer for each id.
    pub fn from_answers(mut answer: impl FnMut(u32) -> i32) -> Features {
        let mut known = 0u128;
        for i in 0..2 * IDS {
            let fid = if i < IDS {
                SMC32 | i
            } else {
                SMC64 | (i - IDS)
            };
            if answer(fid) != code::NOT_SUPPORTED {
                known |= 1 << i;
            }
        }
        Features { known }
    }

    /// PSCI_FEATURES reported `fid` implemented.
    pub fn implemented(&self, fid: u32) -> bool {
        let n = fid & 0xff;
        let i = if fid & 0x4000_0000 != 0 { IDS + n } else { n };
        fid & 0xBFFF_FF00 == SMC32 && n < IDS && self.known & (1u128 << i) != 0
    }
}

/// What the caller knew of vCPU1 when it made a SYSTEM_SUSPEND.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Others {
    /// AFFINITY_INFO said vCPU1 is off (and only the caller turns it on).
    Off,
    /// It may be on.
    MaybeOn,
}

/// Whether `answer` (x0, read as int32 where the call returns a code) is
/// allowed for `call`. A SYSTEM_SUSPEND that suspends does not answer:
/// `suspended_ok` says whether suspending was allowed.
pub fn allowed(call: &Call, features: &Features, others: Others, answer: u64) -> bool {
    let rc = answer as u32 as i32;
    use code::*;
    match *call {
        Call::Plain { fid, .. } => {
            if !features.implemented(fid) {
                return rc == NOT_SUPPORTED;
            }
            let smc64 = fid & 0x4000_0000 != 0;
            match fid & 0xff {
                fnum::VERSION if !smc64 => rc > 0,
                fnum::AFFINITY_INFO => {
                    matches!(rc, 0..=2 | INVALID_PARAMETERS | DISABLED)
                }
                fnum::MIGRATE => matches!(
                    rc,
                    SUCCESS
                        | NOT_SUPPORTED
                        | INVALID_PARAMETERS
                        | DENIED
                        | INTERNAL_FAILURE
                        | NOT_PRESENT
                ),
                fnum::MIGRATE_INFO_TYPE if !smc64 => matches!(rc, 0..=2 | NOT_SUPPORTED),
                // Undefined unless MIGRATE_INFO_TYPE is 0 or 1: anything.
                fnum::MIGRATE_INFO_UP_CPU => true,
                fnum::FEATURES if !smc64 => rc >= 0 || rc == NOT_SUPPORTED,
                // An implemented optional function (CPU_FREEZE and on):
                // its own codes, all negative, or SUCCESS.
                _ => rc <= 0,
            }
        }
        Call::CpuOn { target, entry, .. } => {
            let bad_entry = entry != Entry::Good;
            match target {
                Target::Caller => rc == ALREADY_ON || (bad_entry && rc == INVALID_ADDRESS),
                Target::Absent(_) => {
                    rc == INVALID_PARAMETERS || (bad_entry && rc == INVALID_ADDRESS)
                }
                Target::Other if bad_entry => {
                    rc == INVALID_ADDRESS || rc == ALREADY_ON || rc == ON_PENDING
                }
                Target::Other => matches!(rc, SUCCESS | ALREADY_ON | ON_PENDING),
            }
        }
        Call::SystemSuspend { entry, .. } => {
            let bad_entry = entry != Entry::Good;
            match others {
                Others::Off => bad_entry && rc == INVALID_ADDRESS,
                Others::MaybeOn => rc == DENIED || (bad_entry && rc == INVALID_ADDRESS),
            }
        }
    }
}

/// Whether a SYSTEM_SUSPEND may suspend (rather than return) at all: only
/// at the good entry.
pub fn may_suspend(call: &Call) -> bool {
    matches!(
        call,
        Call::SystemSuspend {
            entry: Entry::Good,
            ..
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn xen_features() -> Features {
        // What Xen 4.20 implements (SMC32 and, where they exist, SMC64).
        Features::from_answers(|fid| {
            let n = fid & 0xff;
            let smc64 = fid & 0x4000_0000 != 0;
            let ok = match n {
                0 | 2 | 6 | 8 | 9 | 0xA => !smc64,
                1 | 3 | 4 | 0xE => true,
                _ => false,
            };
            if ok {
                0
            } else {
                -1
            }
        })
    }

    #[test]
    fn the_same_seed_draws_the_same_calls() {
        let (mut a, mut b) = (Rng::new(42), Rng::new(42));
        for _ in 0..1000 {
            assert_eq!(draw(&mut a), draw(&mut b));
        }
        let mut c = Rng::new(Rng::new(42).state());
        assert_eq!(draw(&mut c), draw(&mut Rng::new(42)));
        assert_ne!(Rng::new(0).next_u64(), 0);
    }

    #[test]
    fn the_draws_cover_every_kind_and_never_an_excluded_call() {
        let mut rng = Rng::new(7);
        let (mut plain, mut on, mut suspend, mut good_suspend, mut smc64) = (0, 0, 0, 0, 0);
        for _ in 0..20_000 {
            match draw(&mut rng) {
                Call::Plain { fid, .. } => {
                    plain += 1;
                    assert!(!excluded(fid & 0xff), "{fid:#x}");
                    assert!(fid & 0xff < IDS);
                    smc64 += (fid & 0x4000_0000 != 0) as u32;
                }
                Call::CpuOn { fid, .. } => {
                    on += 1;
                    assert_eq!(fid & 0xff, fnum::CPU_ON);
                }
                c @ Call::SystemSuspend { fid, .. } => {
                    suspend += 1;
                    good_suspend += may_suspend(&c) as u32;
                    assert_eq!(fid & 0xff, fnum::SYSTEM_SUSPEND);
                }
            }
        }
        assert!(
            plain > 10_000 && on > 2_000 && suspend > 1_000,
            "{plain} {on} {suspend}"
        );
        assert!(good_suspend > 500 && good_suspend < suspend);
        assert!(smc64 > 4_000);
    }

    #[test]
    fn unknown_ids_must_be_not_supported() {
        let f = xen_features();
        let call = Call::Plain {
            fid: SMC32 | 0x20,
            args: [0; 3],
        };
        assert!(allowed(&call, &f, Others::MaybeOn, (-1i64) as u64));
        assert!(!allowed(&call, &f, Others::MaybeOn, 0));
        // PSCI_VERSION has no SMC64 form.
        let v64 = Call::Plain {
            fid: SMC64,
            args: [0; 3],
        };
        assert!(!allowed(&v64, &f, Others::MaybeOn, 0x1_0001));
        let v = Call::Plain {
            fid: SMC32,
            args: [0; 3],
        };
        assert!(allowed(&v, &f, Others::MaybeOn, 0x1_0001));
        assert!(!allowed(&v, &f, Others::MaybeOn, (-1i64) as u64));
        assert!(f.implemented(SMC64 | fnum::SYSTEM_SUSPEND));
        assert!(!f.implemented(SMC64 | fnum::VERSION));
        assert!(!f.implemented(0x8500_0000));
    }

    #[test]
    fn suspend_and_cpu_on_answers_follow_the_specification() {
        let f = xen_features();
        let s = |entry| Call::SystemSuspend {
            fid: SMC64 | fnum::SYSTEM_SUSPEND,
            entry,
            context: 0,
        };
        let c = code::DENIED as i64 as u64;
        let ia = code::INVALID_ADDRESS as i64 as u64;
        // With vCPU1 off a good suspend must not return at all.
        assert!(!allowed(&s(Entry::Good), &f, Others::Off, c));
        assert!(allowed(&s(Entry::Good), &f, Others::MaybeOn, c));
        assert!(allowed(&s(Entry::Zero), &f, Others::Off, ia));
        assert!(!allowed(&s(Entry::Zero), &f, Others::Off, 0));
        assert!(may_suspend(&s(Entry::Good)) && !may_suspend(&s(Entry::Odd)));
        let on = |target, entry| Call::CpuOn {
            fid: SMC64 | fnum::CPU_ON,
            target,
            entry,
            context: 0,
        };
        let rc = |r: i32| r as i64 as u64;
        assert!(allowed(
            &on(Target::Caller, Entry::Good),
            &f,
            Others::Off,
            rc(code::ALREADY_ON)
        ));
        assert!(!allowed(
            &on(Target::Caller, Entry::Good),
            &f,
            Others::Off,
            0
        ));
        assert!(allowed(&on(Target::Other, Entry::Good), &f, Others::Off, 0));
        assert!(!allowed(
            &on(Target::Other, Entry::Zero),
            &f,
            Others::Off,
            0
        ));
        assert!(allowed(
            &on(Target::Absent(5), Entry::Good),
            &f,
            Others::Off,
            rc(code::INVALID_PARAMETERS)
        ));
        assert_eq!(Target::Absent(u64::MAX).mpidr(1) & 0xff00, 0xff00);
        assert_ne!(Target::Absent(0).mpidr(1), 0);
        assert_ne!(Target::Absent(0).mpidr(1), 1);
        assert_eq!(Entry::Outside(0).address(0x4000_0000, true), 1 << 48);
        assert_eq!(
            Entry::Outside(u64::MAX).address(0x4000_0000, false),
            0xffff_ffff
        );
        assert_eq!(Entry::Outside(0).address(0x4000_0000, false), 0x8000_0000);
        assert_eq!(Entry::Odd.address(0x4000_0000, false), 0x4000_0001);
    }
}
