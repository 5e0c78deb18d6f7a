//! The guest's command line (`cmdline = "..."` in the xl configuration,
//! which Xen puts in `/chosen/bootargs`): whitespace-separated words.
//!
//! - `mode=suspend` (default), `mode=refusals`, `mode=races`,
//!   `mode=irqs`, `mode=wake`, `mode=watchdog` or `mode=fuzz`;
//! - `cycles=N`, 1..=1000, default 10: the suspend cycles of
//!   `mode=suspend`, `mode=irqs` and `mode=wake`, the SYSTEM_SUSPEND calls
//!   made while racing in `mode=races`, the seconds `mode=fuzz` runs;
//!   unused by `mode=refusals`;
//! - `seed=N` (decimal, at most 9 digits): the seed of `mode=fuzz`
//!   (default: drawn from the counter, and printed either way);
//! - `wake=vtimer` (default) or `wake=none`: what `mode=wake` leaves
//!   enabled when it suspends (its virtual timer, armed to fire, or
//!   nothing);
//! - `racing=1`: `mode=wake` while dom0 calls `xl resume` all along (a
//!   resume may then come before the guest's timer).
//!
//! Other words are ignored; a recognised key with a bad value keeps the
//! default and is counted in [`Config::bad_words`].

/// Cycles when `cycles=` is absent or invalid.
pub const DEFAULT_CYCLES: u32 = 10;
/// Largest accepted `cycles=`.
pub const MAX_CYCLES: u32 = 1000;

/// What the guest tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// N cycles of SYSTEM_SUSPEND / `xl resume`, checking the entry state.
    Suspend,
    /// The refusals (DENIED, INVALID_ADDRESS) and the SMC32 form.
    Refusals,
    /// SYSTEM_SUSPEND raced against CPU_ON/CPU_OFF of the other vCPUs.
    Races,
    /// SYSTEM_SUSPEND with an interrupt active and others pending, on two
    /// vCPUs in turn; the interrupts must all work again after the resume.
    Irqs,
    /// SYSTEM_SUSPEND woken by the guest's own interrupt (its virtual
    /// timer), with nobody calling `xl resume`; or, with `wake=none`,
    /// nothing enabled: it must sleep until `xl resume`.
    Wake,
    /// A Xen watchdog (SCHEDOP_watchdog, 5 s) armed across a suspend: the
    /// guest lives after `xl resume`, then stops kicking it and must be
    /// killed by it.
    Watchdog,
    /// Random PSCI calls through HVC and SMC, each answer checked against
    /// the specification, its own suspends resumed by dom0.
    Fuzz,
}

/// What `mode=wake` leaves enabled when it suspends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WakeSource {
    /// The virtual timer, armed to fire a few hundred ms later.
    Vtimer,
    /// Nothing.
    None,
}

impl Mode {
    /// The name used in bootargs and in the output.
    pub const fn name(self) -> &'static str {
        match self {
            Mode::Suspend => "suspend",
            Mode::Refusals => "refusals",
            Mode::Races => "races",
            Mode::Irqs => "irqs",
            Mode::Wake => "wake",
            Mode::Watchdog => "watchdog",
            Mode::Fuzz => "fuzz",
        }
    }
}

/// `probe=`: a diagnostic of the CPU (the emulator) under Xen, not a test
/// of the layer; the AArch32 guest only (README, "32-bit guests under
/// QEMU"). The guest plants a value in SPSR_svc, sets the Z flag and takes
/// a data abort; its handler reports the SPSR it reads, which must be the
/// CPSR at the fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Probe {
    /// No probe: the guest's tests.
    None,
    /// `probe=spsr-injected`: a load from an address with no stage-2
    /// mapping, so Xen takes the fault at EL2 and injects the abort.
    SpsrInjected,
    /// `probe=spsr-own`: a load from an address the guest's own page table
    /// does not map, so the CPU takes the abort at EL1 and Xen sees nothing.
    SpsrOwn,
}

impl Probe {
    /// The name used in bootargs and in the output.
    pub const fn name(self) -> &'static str {
        match self {
            Probe::None => "none",
            Probe::SpsrInjected => "spsr-injected",
            Probe::SpsrOwn => "spsr-own",
        }
    }
}

/// The parsed command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    pub mode: Mode,
    pub cycles: u32,
    pub wake: WakeSource,
    /// `racing=1`: mode=wake with dom0 calling `xl resume` all along, so a
    /// resume may come before the guest's own timer.
    pub racing: bool,
    /// `seed=N`: the seed of mode=fuzz.
    pub seed: Option<u32>,
    /// `probe=`: see [`Probe`].
    pub probe: Probe,
    /// `mode=`, `cycles=`, `wake=`, `racing=`, `seed=` or `probe=` words
    /// whose value was not accepted.
    pub bad_words: u32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            mode: Mode::Suspend,
            cycles: DEFAULT_CYCLES,
            wake: WakeSource::Vtimer,
            racing: false,
            seed: None,
            probe: Probe::None,
            bad_words: 0,
        }
    }
}

/// A decimal number of at most 9 digits, nothing else.
fn decimal(s: &[u8]) -> Option<u32> {
    if s.is_empty() || s.len() > 9 {
        return None;
    }
    s.iter().try_fold(0u32, |acc, &c| {
        let digit = char::from(c).to_digit(10)?;
        acc.checked_mul(10)?.checked_add(digit)
    })
}

/// Parses `args` (the bootargs bytes, without NUL); never fails.
pub fn parse(args: &[u8]) -> Config {
    let mut cfg = Config::default();
    for word in args
        .split(|c| c.is_ascii_whitespace())
        .filter(|w| !w.is_empty())
    {
        if let Some(value) = word.strip_prefix(b"mode=") {
            match value {
                b"suspend" => cfg.mode = Mode::Suspend,
                b"refusals" => cfg.mode = Mode::Refusals,
                b"races" => cfg.mode = Mode::Races,
                b"irqs" => cfg.mode = Mode::Irqs,
                b"wake" => cfg.mode = Mode::Wake,
                b"watchdog" => cfg.mode = Mode::Watchdog,
                b"fuzz" => cfg.mode = Mode::Fuzz,
                _ => cfg.bad_words += 1,
            }
        } else if let Some(value) = word.strip_prefix(b"wake=") {
            match value {
                b"vtimer" => cfg.wake = WakeSource::Vtimer,
                b"none" => cfg.wake = WakeSource::None,
                _ => cfg.bad_words += 1,
            }
        } else if let Some(value) = word.strip_prefix(b"racing=") {
            match value {
                b"1" => cfg.racing = true,
                b"0" => cfg.racing = false,
                _ => cfg.bad_words += 1,
            }
        } else if let Some(value) = word.strip_prefix(b"probe=") {
            match value {
                b"spsr-injected" => cfg.probe = Probe::SpsrInjected,
                b"spsr-own" => cfg.probe = Probe::SpsrOwn,
                _ => cfg.bad_words += 1,
            }
        } else if let Some(value) = word.strip_prefix(b"seed=") {
            match decimal(value) {
                Some(n) => cfg.seed = Some(n),
                None => cfg.bad_words += 1,
            }
        } else if let Some(value) = word.strip_prefix(b"cycles=") {
            match decimal(value) {
                Some(n) if (1..=MAX_CYCLES).contains(&n) => cfg.cycles = n,
                _ => cfg.bad_words += 1,
            }
        }
    }
    cfg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults() {
        assert_eq!(parse(b""), Config::default());
        assert_eq!(parse(b"   \t "), Config::default());
        assert_eq!(Config::default().mode, Mode::Suspend);
        assert_eq!(Config::default().cycles, 10);
    }

    #[test]
    fn modes_and_cycles() {
        let c = parse(b"mode=refusals");
        assert_eq!((c.mode, c.cycles, c.bad_words), (Mode::Refusals, 10, 0));
        let c = parse(b"console=hvc0 mode=suspend  cycles=3\n");
        assert_eq!((c.mode, c.cycles, c.bad_words), (Mode::Suspend, 3, 0));
        assert_eq!(parse(b"cycles=1").cycles, 1);
        assert_eq!(parse(b"cycles=1000").cycles, 1000);
        let c = parse(b"mode=races cycles=200");
        assert_eq!((c.mode, c.cycles, c.bad_words), (Mode::Races, 200, 0));
        let c = parse(b"cycles=7 mode=races");
        assert_eq!((c.mode, c.cycles, c.bad_words), (Mode::Races, 7, 0));
        assert_eq!(parse(b"mode=races").cycles, DEFAULT_CYCLES);
        // The last word wins.
        assert_eq!(parse(b"mode=refusals mode=suspend").mode, Mode::Suspend);
        assert_eq!(parse(b"mode=races mode=refusals").mode, Mode::Refusals);
        let c = parse(b"mode=irqs cycles=10");
        assert_eq!((c.mode, c.cycles, c.bad_words), (Mode::Irqs, 10, 0));
        let c = parse(b"cycles=3 mode=irqs");
        assert_eq!((c.mode, c.cycles, c.bad_words), (Mode::Irqs, 3, 0));
        assert_eq!(parse(b"mode=irqs").cycles, DEFAULT_CYCLES);
        assert_eq!(parse(b"mode=irqs mode=races").mode, Mode::Races);
    }

    #[test]
    fn probes() {
        assert_eq!(parse(b"").probe, Probe::None);
        let c = parse(b"cycles=1 probe=spsr-injected");
        assert_eq!(
            (c.probe, c.cycles, c.bad_words),
            (Probe::SpsrInjected, 1, 0)
        );
        assert_eq!(parse(b"probe=spsr-own").probe, Probe::SpsrOwn);
        let c = parse(b"probe=spsr probe=");
        assert_eq!((c.probe, c.bad_words), (Probe::None, 2));
        assert_eq!(Probe::SpsrInjected.name(), "spsr-injected");
    }

    #[test]
    fn bad_values_keep_the_default() {
        for bad in [
            &b"cycles=0"[..],
            b"cycles=1001",
            b"cycles=",
            b"cycles=-1",
            b"cycles=+5",
            b"cycles=12a",
            b"cycles=99999999999999999999",
            b"mode=",
            b"mode=Suspend",
            b"mode=suspendx",
            b"mode=Races",
            b"mode=race",
            b"mode=racesx",
            b"mode=Irqs",
            b"mode=irq",
            b"mode=irqsx",
            b"mode=interrupts",
        ] {
            let c = parse(bad);
            assert_eq!(
                (c.mode, c.cycles, c.bad_words),
                (Mode::Suspend, 10, 1),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn wake_mode_and_source() {
        let c = parse(b"mode=wake cycles=10");
        assert_eq!(
            (c.mode, c.wake, c.bad_words),
            (Mode::Wake, WakeSource::Vtimer, 0)
        );
        let c = parse(b"mode=wake wake=none cycles=1");
        assert_eq!(
            (c.mode, c.wake, c.cycles),
            (Mode::Wake, WakeSource::None, 1)
        );
        assert!(parse(b"mode=wake racing=1").racing);
        assert_eq!(parse(b"racing=2").bad_words, 1);
        let c = parse(b"mode=wake wake=rtc");
        assert_eq!((c.wake, c.bad_words), (WakeSource::Vtimer, 1));
        assert_eq!(Mode::Wake.name(), "wake");
    }

    #[test]
    fn fuzz_seed() {
        let c = parse(b"mode=fuzz cycles=20 seed=123456789");
        assert_eq!(
            (c.mode, c.cycles, c.seed, c.bad_words),
            (Mode::Fuzz, 20, Some(123_456_789), 0)
        );
        assert_eq!(parse(b"mode=fuzz").seed, None);
        for bad in [&b"seed="[..], b"seed=1234567890", b"seed=0x10", b"seed=-1"] {
            let c = parse(bad);
            assert_eq!((c.seed, c.bad_words), (None, 1), "{bad:?}");
        }
    }

    #[test]
    fn unknown_words_are_ignored() {
        let c = parse(b"modes=refusals xcycles=5 mode cycles \xff\xfe");
        assert_eq!(c, Config::default());
    }

    #[test]
    fn names() {
        assert_eq!(Mode::Suspend.name(), "suspend");
        assert_eq!(Mode::Refusals.name(), "refusals");
        assert_eq!(Mode::Races.name(), "races");
        assert_eq!(Mode::Irqs.name(), "irqs");
        for mode in [
            Mode::Suspend,
            Mode::Refusals,
            Mode::Races,
            Mode::Irqs,
            Mode::Wake,
            Mode::Watchdog,
            Mode::Fuzz,
        ] {
            let args = format!("mode={}", mode.name());
            assert_eq!(parse(args.as_bytes()).mode, mode);
        }
    }
}
