//! The tests: the checks common to all modes, `mode=suspend`,
//! `mode=refusals`, `mode=races` and `mode=irqs`, the result line and the
//! power-off.
//!
//! Every suspend abandons the Rust stack: after a resume, [`resume`] starts
//! on a fresh stack and finds where it was from the statics below, which
//! live in guest RAM across the suspend. They are atomics only to be
//! shareable statics without `static mut`; only vCPU0 uses them, except
//! the vCPU1 flags and the statics of mode=races that the racer (vCPU1) and
//! vCPU2 write, each with a single writer. In mode=irqs vCPU0 and vCPU1
//! take turns, one online at a time: the one that hands over writes
//! everything before its CPU_ON of the other, which reads nothing before
//! AFFINITY_INFO says the first one is off; so the statics (the failure
//! record included) still have one user at a time.

use core::fmt::{self, Write};
use core::sync::atomic::{fence, AtomicBool, AtomicU32, AtomicU64, Ordering};

use testguest::bootargs::{self, Mode, WakeSource};
use testguest::fdt;
use testguest::fuzz;

use crate::boot::{self, EntryState};
use crate::irq;
use crate::psci;
use crate::RawCell;

/// x0 passed to the resume entry in cycle k: `CONTEXT_TAG | k`.
const CONTEXT_TAG: u64 = 0xC0DE_0000_0000_0000;
/// Refusals: what the SMC32 SYSTEM_SUSPEND passes, garbage in the upper
/// halves; Xen must ignore it.
const SMC32_ENTRY_GARBAGE: u64 = 0xDEAD_BEEF_0000_0000;
const SMC32_CONTEXT: u64 = 0x5A5A_0001;
const SMC32_CONTEXT_GARBAGE: u64 = 0xFFFF_FFFF_0000_0000;
/// Refusals: entry points outside the domain's RAM.
const OUTSIDE_RAM: u64 = 0x8000_0000;
const WAY_OUTSIDE: u64 = 0x1_0000_0000_0000;
/// MPIDR affinity of vCPU1 (Aff0 = 1).
const VCPU1: u64 = 1;
/// MPIDR affinity of vCPU2 (Aff0 = 2).
const VCPU2: u64 = 2;
/// Bound on every wait of vCPU0 for the other vCPUs, in seconds. Generous:
/// under emulation the domain's vCPUs share two pCPUs with dom0's, and a
/// vCPU can wait seconds for one (a passing run never waits this long).
const TIMEOUT_SECONDS: u64 = 60;
/// Races: x0 passed to the resume entry by the racing call k:
/// `RACES_CONTEXT_TAG | k` (none of them may suspend).
const RACES_CONTEXT_TAG: u64 = 0xACE0_0000;
/// Races: x0 passed to the resume entry by the final suspend.
const RACES_CONTEXT: u64 = 0x5A5A_0002;
/// Races: spins between two racing SYSTEM_SUSPEND calls of vCPU0.
const RACES_PAUSE_SPINS: u32 = 4000;
/// Races: bound on each wait of the racer for vCPU2 to be off, in
/// seconds; two of them fit in [`TIMEOUT_SECONDS`]. vCPU2 needs a pCPU to
/// run its CPU_OFF, and with two vCPUs of the domain spinning and dom0
/// running on two emulated pCPUs it once waited more than 2 s.
const RACER_TIMEOUT_SECONDS: u64 = 25;

/// PSTATE.{D,A,I,F} all set, as DAIF reads.
const DAIF_ALL_MASKED: u64 = 0x3c0;
/// CurrentEL of EL1.
const CURRENT_EL1: u64 = 1 << 2;

/// Why the next arrival at the resume entry happens.
#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
enum Phase {
    /// No suspend in flight: a resume now is unexpected.
    None = 0,
    /// mode=suspend, cycle [`SUSPENDING`].
    Cycle = 1,
    /// mode=refusals, the call that must be DENIED.
    Denied = 2,
    /// mode=refusals, a call that must fail with INVALID_ADDRESS.
    Refused = 3,
    /// mode=refusals, the SMC32 suspend that must succeed.
    Smc32 = 4,
    /// mode=races, the calls made while the racer runs: all DENIED.
    RacesDenied = 5,
    /// mode=races, the final suspend that must succeed.
    RacesFinal = 6,
    /// mode=irqs, cycle [`SUSPENDING`].
    Irqs = 7,
    /// mode=wake, the call made with a wake event pending: it must return.
    WakePending = 8,
    /// mode=wake, cycle [`SUSPENDING`], woken by its virtual timer.
    Wake = 9,
    /// mode=wake wake=none: the suspend only `xl resume` may end.
    WakeNone = 10,
    /// mode=watchdog: the suspend with the watchdog armed.
    Watchdog = 11,
    /// mode=fuzz: a drawn SYSTEM_SUSPEND at the resume entry.
    Fuzz = 12,
}

static PHASE: AtomicU32 = AtomicU32::new(Phase::None as u32);
/// The mode, as [`mode_code`] numbers it.
static MODE: AtomicU32 = AtomicU32::new(0);
static CYCLES: AtomicU64 = AtomicU64::new(0);
/// mode=suspend and mode=irqs: the cycle whose suspend is in flight.
static SUSPENDING: AtomicU64 = AtomicU64::new(0);
/// mode=suspend: completed cycles.
static CYCLE: AtomicU64 = AtomicU64::new(0);
/// mode=suspend: checksum of the pattern buffer as filled.
static CHECKSUM: AtomicU64 = AtomicU64::new(0);
/// A check failed; the first one is in FIRST_FAILURE.
static FAILED: AtomicBool = AtomicBool::new(false);
/// The RESULT line is out: print no other one.
static RESULT_PRINTED: AtomicBool = AtomicBool::new(false);
/// vCPU1 is up / must power itself off.
static VCPU1_UP: AtomicBool = AtomicBool::new(false);
static VCPU1_STOP: AtomicBool = AtomicBool::new(false);

/// mode=races: the racer (vCPU1) runs / must stop; written by the racer /
/// by vCPU0 only.
static RACER_UP: AtomicBool = AtomicBool::new(false);
static RACER_STOP: AtomicBool = AtomicBool::new(false);
/// mode=races: the racing phase lasts at least this long (seconds).
const RACE_SECONDS: u64 = 10;

/// mode=races, written by the racer only: completed CPU_ON/CPU_OFF cycles
/// of vCPU2, and CPU_ON calls answered ALREADY_ON.
static RACER_CYCLES: AtomicU64 = AtomicU64::new(0);
static RACER_ALREADY_ON: AtomicU64 = AtomicU64::new(0);
/// mode=races, written by the racer only, before it powers itself off:
/// its first failure ([`RacerFailure`]; kind 0: none).
static RACER_FAILURE_KIND: AtomicU32 = AtomicU32::new(0);
static RACER_FAILURE_VALUE: AtomicU64 = AtomicU64::new(0);
static RACER_FAILURE_AT: AtomicU64 = AtomicU64::new(0);
/// mode=races, written by vCPU2 only (one incarnation at a time): how many
/// times it started, and what its CPU_OFF returned if it ever did
/// ([`VCPU2_OFF_RETURNED`] | the code as u32; 0: never).
static VCPU2_ENTRIES: AtomicU64 = AtomicU64::new(0);
static VCPU2_OFF_RC: AtomicU64 = AtomicU64::new(0);
const VCPU2_OFF_RETURNED: u64 = 1 << 32;

/// A short message kept for the RESULT line (truncated if too long).
struct Message {
    buf: [u8; 96],
    len: usize,
}

impl Message {
    fn as_str(&self) -> &str {
        let bytes = self.buf.get(..self.len).unwrap_or(&[]);
        core::str::from_utf8(bytes).unwrap_or("(unprintable)")
    }
}

impl Write for Message {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for &b in s.as_bytes() {
            // ASCII only, so that truncation never splits a character.
            let b = if b.is_ascii() { b } else { b'?' };
            if let Some(slot) = self.buf.get_mut(self.len) {
                *slot = b;
                self.len += 1;
            }
        }
        Ok(())
    }
}

/// One vCPU at a time (vCPU0, or in mode=irqs the one online): written
/// once by [`fail`], read by [`finish`]/[`abort`].
static FIRST_FAILURE: RawCell<Message> = RawCell::new(Message {
    buf: [0; 96],
    len: 0,
});

/// The pattern buffer of mode=suspend: 64 KB in .bss.
const PATTERN_WORDS: usize = 64 * 1024 / 8;
/// vCPU0 only, through raw pointers.
static PATTERN: RawCell<[u64; PATTERN_WORDS]> = RawCell::new([0; PATTERN_WORDS]);

/// Records a failure; the first one names the RESULT line. vCPU0 only,
/// or in mode=irqs the one vCPU online.
fn fail(what: fmt::Arguments) {
    if FAILED.load(Ordering::Relaxed) {
        return;
    }
    FAILED.store(true, Ordering::Relaxed);
    // SAFETY: FIRST_FAILURE is used by one vCPU at a time: vCPU0 (vCPU1
    // and vCPU2 of the other modes never call fail(): the racer reports
    // through atomics), or in mode=irqs the one online, which the
    // CPU_ON/AFFINITY_INFO hand-over orders after the previous one; no
    // reference to it is alive.
    let msg = unsafe { &mut *FIRST_FAILURE.get() };
    msg.len = 0;
    let _ = msg.write_fmt(what);
}

fn first_failure() -> &'static str {
    // SAFETY: as in fail(); the message is no longer written once set.
    let msg = unsafe { &*FIRST_FAILURE.get() };
    msg.as_str()
}

fn set_phase(phase: Phase) {
    PHASE.store(phase as u32, Ordering::Relaxed);
}

const fn mode_code(mode: Mode) -> u32 {
    match mode {
        Mode::Suspend => 0,
        Mode::Refusals => 1,
        Mode::Races => 2,
        Mode::Irqs => 3,
        Mode::Wake => 4,
        Mode::Watchdog => 5,
        Mode::Fuzz => 6,
    }
}

fn mode() -> Mode {
    match MODE.load(Ordering::Relaxed) {
        1 => Mode::Refusals,
        2 => Mode::Races,
        3 => Mode::Irqs,
        4 => Mode::Wake,
        5 => Mode::Watchdog,
        6 => Mode::Fuzz,
        _ => Mode::Suspend,
    }
}

/// Prints `TG: system_off`, and powers the domain off.
fn power_off() -> ! {
    say!("system_off");
    let rc = psci::system_off();
    say!("system_off returned {rc}");
    boot::halt()
}

/// Prints the RESULT line and powers off. From any vCPU, as long as it is
/// the only one that runs (see [`fail`]).
fn finish() -> ! {
    RESULT_PRINTED.store(true, Ordering::Relaxed);
    let cycles = CYCLES.load(Ordering::Relaxed);
    if FAILED.load(Ordering::Relaxed) {
        say!("RESULT FAIL {}", first_failure());
    } else {
        match mode() {
            Mode::Suspend => say!("RESULT PASS cycles={cycles}"),
            Mode::Refusals => say!("RESULT PASS"),
            Mode::Races => say!("RESULT PASS races={cycles}"),
            Mode::Irqs => say!("RESULT PASS irqs cycles={cycles}"),
            Mode::Wake if WAKE_NONE.load(Ordering::Relaxed) => say!("RESULT PASS wake=none"),
            Mode::Wake => say!("RESULT PASS wake cycles={cycles}"),
            Mode::Watchdog => say!("RESULT PASS watchdog"),
            Mode::Fuzz => say!(
                "RESULT PASS fuzz calls={} suspends={} seed={}",
                FUZZ_CALLS.load(Ordering::Relaxed),
                FUZZ_SUSPENDS.load(Ordering::Relaxed),
                FUZZ_SEED.load(Ordering::Relaxed)
            ),
        }
    }
    power_off()
}

/// The end after a panic or an exception: a RESULT FAIL line unless one
/// is already out, then power off.
pub fn abort(why: fmt::Arguments) -> ! {
    if RESULT_PRINTED.swap(true, Ordering::Relaxed) {
        say!("FAIL after the result: {why}");
    } else {
        say!("RESULT FAIL {why}");
    }
    power_off()
}

/// Boot of vCPU0, MMU on, `dtb` from x0.
pub fn boot(dtb: u64) -> ! {
    let blob = boot::dtb_blob(dtb);
    let args = blob.and_then(fdt::chosen_bootargs);
    let cfg = args.map(bootargs::parse).unwrap_or_default();
    MODE.store(mode_code(cfg.mode), Ordering::Relaxed);
    CYCLES.store(u64::from(cfg.cycles), Ordering::Relaxed);
    say!(
        "boot mode={} cycles={} dtb={dtb:#x}",
        cfg.mode.name(),
        cfg.cycles
    );
    if args.is_none() {
        say!("note: no /chosen/bootargs found, defaults used");
    }
    if cfg.bad_words != 0 {
        say!(
            "note: {} bootargs word(s) with a bad value ignored",
            cfg.bad_words
        );
    }
    if cfg.probe != bootargs::Probe::None {
        fail(format_args!(
            "probe={} is for the AArch32 guest (testguest32)",
            cfg.probe.name()
        ));
    }
    common_checks();
    match cfg.mode {
        Mode::Suspend => suspend_start(),
        Mode::Refusals => refusals_start(),
        Mode::Races => races_start(),
        Mode::Irqs => irqs_start(blob),
        Mode::Wake => {
            WAKE_RACING.store(cfg.racing, Ordering::Relaxed);
            wake_start(blob, cfg.wake)
        }
        Mode::Watchdog => watchdog_start(),
        Mode::Fuzz => fuzz_start(cfg.seed),
    }
}

/// PSCI 1.1 with SYSTEM_SUSPEND in both conventions.
fn common_checks() {
    let version = psci::version();
    if version == 0x1_0001 {
        say!("check psci-version ok {version:#x}");
    } else {
        say!("check psci-version FAIL {version:#x}");
        fail(format_args!("check psci-version"));
    }
    for (name, fid) in [
        ("features-system-suspend-32", psci::SYSTEM_SUSPEND_32),
        ("features-system-suspend-64", psci::SYSTEM_SUSPEND_64),
    ] {
        let rc = psci::features(fid);
        if rc == 0 {
            say!("check {name} ok {rc}");
        } else {
            say!("check {name} FAIL {rc}");
            fail(format_args!("check {name}"));
        }
    }
}

/// Where a check line belongs.
#[derive(Clone, Copy)]
enum Prefix {
    /// `cycle k check`
    Cycle(u64),
    /// `refusals check`
    Refusals,
    /// `races check`
    Races,
}

impl fmt::Display for Prefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Prefix::Cycle(k) => write!(f, "cycle {k} check"),
            Prefix::Refusals => f.write_str("refusals check"),
            Prefix::Races => f.write_str("races check"),
        }
    }
}

/// A series of checks, one line each.
struct Checks {
    prefix: Prefix,
    all_ok: bool,
}

impl Checks {
    fn new(prefix: Prefix) -> Self {
        Checks {
            prefix,
            all_ok: true,
        }
    }

    fn ok(&self, name: &str, value: u64) {
        say!("{} {name} ok {value:#x}", self.prefix);
    }

    fn failed(&mut self, name: &str, value: fmt::Arguments, expected: fmt::Arguments) {
        say!("{} {name} FAIL {value} expected {expected}", self.prefix);
        self.all_ok = false;
        fail(format_args!("{} {name}", self.prefix));
    }

    fn eq(&mut self, name: &str, value: u64, expected: u64) {
        if value == expected {
            self.ok(name, value);
        } else {
            self.failed(
                name,
                format_args!("{value:#x}"),
                format_args!("{expected:#x}"),
            );
        }
    }

    /// `value` must have the bits of `mask` clear.
    fn clear(&mut self, name: &str, value: u64, mask: u64) {
        if value & mask == 0 {
            self.ok(name, value);
        } else {
            let expected = value & !mask;
            self.failed(
                name,
                format_args!("{value:#x}"),
                format_args!("{expected:#x}"),
            );
        }
    }

    /// The PSCI entry state: the state of a vCPU coming out of reset, at
    /// the entry point, with the context id in x0.
    fn entry_state(&mut self, e: &EntryState, context: u64) {
        self.eq("pc", e.pc, boot::resume_entry());
        self.eq("x0", e.x0, context);
        self.clear("sctlr", e.sctlr, boot::SCTLR_MMU_CACHES);
        self.eq("daif", e.daif, DAIF_ALL_MASKED);
        self.eq("el", e.current_el, CURRENT_EL1);
        self.eq("spsel", e.spsel, 1);
        self.eq("ttbr0", e.ttbr0, 0);
        self.eq("ttbr1", e.ttbr1, 0);
        self.eq("tcr", e.tcr, 0);
    }
}

/// Arrival at the resume entry, MMU back on, `e` as the entry found it.
pub fn resume(e: &EntryState) -> ! {
    let phase = PHASE.swap(Phase::None as u32, Ordering::Relaxed);
    match phase {
        p if p == Phase::Cycle as u32 => resume_cycle(e),
        p if p == Phase::Smc32 as u32 => resume_smc32(e),
        p if p == Phase::Denied as u32 => {
            say!("check denied-other-vcpu-online FAIL suspended and resumed");
            fail(format_args!("check denied-other-vcpu-online"));
            refusals_stop_vcpu1()
        }
        p if p == Phase::RacesDenied as u32 => {
            say!("races FAIL suspended while vCPU1 was online");
            fail(format_args!(
                "races suspended while vCPU1 was online, x0={:#x}",
                e.x0
            ));
            // Let the racer report before the RESULT line, if it can.
            RACER_STOP.store(true, Ordering::Release);
            let _ = races_others_off();
            finish()
        }
        p if p == Phase::RacesFinal as u32 => resume_races(e),
        p if p == Phase::Irqs as u32 => resume_irqs(e),
        p if p == Phase::Wake as u32 => resume_wake(e),
        p if p == Phase::WakeNone as u32 => resume_wake_none(e),
        p if p == Phase::Watchdog as u32 => resume_watchdog(e),
        p if p == Phase::Fuzz as u32 => resume_fuzz(e),
        p if p == Phase::WakePending as u32 => {
            say!("check pending-at-call FAIL suspended with a wake event pending");
            fail(format_args!("check pending-at-call"));
            finish()
        }
        _ => {
            say!(
                "resume FAIL unexpected (phase {phase}) pc={:#x} x0={:#x}",
                e.pc,
                e.x0
            );
            fail(format_args!("unexpected resume"));
            finish()
        }
    }
}

// ---------------------------------------------------------------- suspend

/// The pattern word at `addr`: an xorshift of the address.
fn pattern_word(addr: u64) -> u64 {
    let mut x = addr ^ 0x9E37_79B9_7F4A_7C15;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    x
}

fn fill_pattern() {
    let base = PATTERN.get().cast::<u64>();
    for i in 0..PATTERN_WORDS {
        let p = base.wrapping_add(i);
        // SAFETY: i < PATTERN_WORDS: p is inside the static buffer, which
        // only vCPU0 uses, through raw pointers.
        unsafe { p.write_volatile(pattern_word(p as u64)) };
    }
}

/// An order-dependent checksum of the pattern buffer, read from memory.
fn pattern_checksum() -> u64 {
    let base = PATTERN.get().cast::<u64>();
    let mut sum = 0u64;
    for i in 0..PATTERN_WORDS {
        // SAFETY: as in fill_pattern.
        let w = unsafe { base.wrapping_add(i).read_volatile() };
        sum = (sum.rotate_left(5) ^ w).wrapping_mul(0x0000_0100_0000_01B3);
    }
    sum
}

fn suspend_start() -> ! {
    fill_pattern();
    CHECKSUM.store(pattern_checksum(), Ordering::Relaxed);
    CYCLE.store(0, Ordering::Relaxed);
    suspend_cycle(1)
}

fn suspend_cycle(k: u64) -> ! {
    let entry = boot::resume_entry();
    let context = CONTEXT_TAG | k;
    SUSPENDING.store(k, Ordering::Relaxed);
    set_phase(Phase::Cycle);
    boot::poison_record();
    say!("cycle {k} suspend entry={entry:#x} context={context:#x} (ttbr1, daif, spsel dirty)");
    say!("waiting for xl resume");
    let rc = psci::system_suspend_dirty(psci::SYSTEM_SUSPEND_64, entry, context);
    suspend_returned(k, rc)
}

/// A cycle's SYSTEM_SUSPEND returned (`rc`) instead of suspending.
fn suspend_returned(k: u64, rc: i32) -> ! {
    set_phase(Phase::None);
    say!("cycle {k} FAIL system_suspend returned {rc}");
    fail(format_args!("cycle {k} system_suspend returned {rc}"));
    finish()
}

/// The pattern buffer read back unchanged since the start.
fn check_memory(c: &mut Checks) {
    let sum = pattern_checksum();
    let expected_sum = CHECKSUM.load(Ordering::Relaxed);
    if sum == expected_sum {
        c.ok("memory", sum);
    } else {
        c.failed(
            "memory",
            format_args!("{sum:#x}"),
            format_args!("{expected_sum:#x}"),
        );
    }
}

fn resume_cycle(e: &EntryState) -> ! {
    let k = SUSPENDING.load(Ordering::Relaxed);
    let cycles = CYCLES.load(Ordering::Relaxed);
    say!("cycle {k} resume-tick {:#x}", e.tick);
    let mut c = Checks::new(Prefix::Cycle(k));
    c.entry_state(e, CONTEXT_TAG | k);
    let sum = pattern_checksum();
    let expected_sum = CHECKSUM.load(Ordering::Relaxed);
    let count = CYCLE.load(Ordering::Relaxed);
    let expected_count = k.wrapping_sub(1);
    if sum != expected_sum {
        c.failed(
            "memory",
            format_args!("{sum:#x}"),
            format_args!("{expected_sum:#x}"),
        );
    } else if count != expected_count {
        c.failed(
            "memory",
            format_args!("cycle-counter={count:#x}"),
            format_args!("cycle-counter={expected_count:#x}"),
        );
    } else {
        c.ok("memory", sum);
    }
    CYCLE.store(k, Ordering::Relaxed);
    if c.all_ok {
        say!("cycle {k} resumed ok");
    } else {
        say!("cycle {k} resumed FAIL");
    }
    if (1..cycles).contains(&k) {
        suspend_cycle(k + 1)
    } else {
        finish()
    }
}

// --------------------------------------------------------------- refusals

/// Polls `done` until it holds or `seconds` have passed (any vCPU).
fn wait_for(seconds: u64, done: impl FnMut() -> bool) -> bool {
    wait_for_ms(seconds.saturating_mul(1000), done)
}

/// Polls `done` until it holds or `ms` milliseconds have passed (any
/// vCPU).
fn wait_for_ms(ms: u64, mut done: impl FnMut() -> bool) -> bool {
    let freq = match boot::counter_frequency() {
        0 => 62_500_000,
        f => f,
    };
    let limit = freq.saturating_mul(ms) / 1000;
    let start = boot::counter();
    // The iteration bound only matters if the counter does not count.
    for _ in 0..u32::MAX {
        if done() {
            return true;
        }
        if boot::counter().wrapping_sub(start) > limit {
            return done();
        }
        core::hint::spin_loop();
    }
    false
}

/// A refusal check: SYSTEM_SUSPEND (SMC64) at `entry` must return `want`.
fn refusal(name: &str, phase: Phase, entry: u64, want: i32) {
    set_phase(phase);
    let rc = psci::system_suspend(psci::SYSTEM_SUSPEND_64, entry, 0);
    set_phase(Phase::None);
    if rc == want {
        say!("check {name} ok {rc}");
    } else {
        say!("check {name} FAIL {rc}");
        fail(format_args!("check {name}"));
    }
}

/// A refusal check of CPU_ON (SMC64) of vCPU1 at `entry`: it must return
/// `want`, and vCPU1 must still be off.
fn cpu_on_refusal(name: &str, entry: u64, want: i32) {
    let rc = psci::cpu_on(VCPU1, entry, 0);
    let state = psci::affinity_info(VCPU1, 0);
    if rc == want && state == psci::AFFINITY_OFF {
        say!("check {name} ok {rc}");
    } else {
        say!("check {name} FAIL {rc} (vCPU1 affinity_info {state})");
        fail(format_args!("check {name}"));
    }
}

fn refusals_start() -> ! {
    VCPU1_UP.store(false, Ordering::Relaxed);
    VCPU1_STOP.store(false, Ordering::Relaxed);
    // CPU_ON gets the entry point check of SYSTEM_SUSPEND.
    let entry = boot::secondary_entry();
    cpu_on_refusal("cpu-on-invalid-address-zero", 0, psci::INVALID_ADDRESS);
    cpu_on_refusal(
        "cpu-on-invalid-address-bit0",
        entry | 1,
        psci::INVALID_ADDRESS,
    );
    cpu_on_refusal(
        "cpu-on-invalid-address-outside-ram",
        OUTSIDE_RAM,
        psci::INVALID_ADDRESS,
    );
    let rc = psci::cpu_on(VCPU1, entry, 0);
    if rc == 0 {
        say!("check cpu-on ok {rc}");
    } else {
        say!("check cpu-on FAIL {rc}");
        fail(format_args!("check cpu-on"));
        finish()
    }
    if !wait_for(TIMEOUT_SECONDS, || VCPU1_UP.load(Ordering::Acquire)) {
        say!("check vcpu1-up FAIL timeout");
        fail(format_args!("check vcpu1-up"));
        finish()
    }
    // A valid entry point, but vCPU1 is online.
    boot::poison_record();
    refusal(
        "denied-other-vcpu-online",
        Phase::Denied,
        boot::resume_entry(),
        psci::DENIED,
    );
    refusals_stop_vcpu1()
}

fn refusals_stop_vcpu1() -> ! {
    VCPU1_STOP.store(true, Ordering::Release);
    let mut last = 0;
    if wait_for(TIMEOUT_SECONDS, || {
        last = psci::affinity_info(VCPU1, 0);
        last == psci::AFFINITY_OFF
    }) {
        say!("check vcpu1-off ok");
    } else {
        say!("check vcpu1-off FAIL {last}");
        fail(format_args!("check vcpu1-off"));
        finish()
    }
    let entry = boot::resume_entry();
    refusal(
        "invalid-address-bit0",
        Phase::Refused,
        entry | 1,
        psci::INVALID_ADDRESS,
    );
    refusal(
        "invalid-address-outside-ram",
        Phase::Refused,
        OUTSIDE_RAM,
        psci::INVALID_ADDRESS,
    );
    refusal(
        "invalid-address-high",
        Phase::Refused,
        WAY_OUTSIDE,
        psci::INVALID_ADDRESS,
    );

    // SMC32, with garbage in the upper halves of x1 and x2: must suspend.
    set_phase(Phase::Smc32);
    boot::poison_record();
    say!("waiting for xl resume");
    let rc = psci::system_suspend(
        psci::SYSTEM_SUSPEND_32,
        SMC32_ENTRY_GARBAGE | entry,
        SMC32_CONTEXT_GARBAGE | SMC32_CONTEXT,
    );
    set_phase(Phase::None);
    say!("check smc32-upper-bits-ignored FAIL system_suspend returned {rc}");
    fail(format_args!("check smc32-upper-bits-ignored"));
    finish()
}

fn resume_smc32(e: &EntryState) -> ! {
    let entry = boot::resume_entry();
    if e.pc == entry && e.x0 == SMC32_CONTEXT {
        say!("check smc32-upper-bits-ignored ok {:#x}", e.x0);
    } else if e.pc != entry {
        say!("check smc32-upper-bits-ignored FAIL pc={:#x}", e.pc);
        fail(format_args!("check smc32-upper-bits-ignored"));
    } else {
        say!("check smc32-upper-bits-ignored FAIL {:#x}", e.x0);
        fail(format_args!("check smc32-upper-bits-ignored"));
    }
    Checks::new(Prefix::Refusals).entry_state(e, SMC32_CONTEXT);
    finish()
}

/// vCPU1, from CPU_ON, MMU on: says it is up, waits to be told to stop,
/// powers itself off.
pub fn secondary(_context: u64) -> ! {
    say!("vcpu1 up");
    VCPU1_UP.store(true, Ordering::Release);
    while !VCPU1_STOP.load(Ordering::Acquire) {
        core::hint::spin_loop();
    }
    let rc = psci::cpu_off();
    say!("vcpu1 FAIL cpu_off returned {rc}");
    boot::halt()
}

// ------------------------------------------------------------------ races

/// What went wrong on the racer's side, as it stores it for vCPU0.
#[derive(Clone, Copy)]
enum RacerFailure {
    /// CPU_ON of vCPU2 returned neither SUCCESS nor ALREADY_ON.
    CpuOn { rc: i32, at: u64 },
    /// AFFINITY_INFO of vCPU2 returned neither ON, OFF nor ON_PENDING.
    AffinityInfo { rc: i32, at: u64 },
    /// vCPU2 was not off within [`RACER_TIMEOUT_SECONDS`].
    StillOn { last: i32, at: u64 },
    /// vCPU2's CPU_OFF returned.
    Vcpu2CpuOff { rc: i32 },
    /// vCPU2 started a different number of times than CPU_ON succeeded.
    Entries { entries: u64, cycles: u64 },
}

/// A PSCI code as the value of [`RACER_FAILURE_VALUE`], and back.
fn code_value(rc: i32) -> u64 {
    u64::from(rc as u32)
}

fn value_code(value: u64) -> i32 {
    value as u32 as i32
}

impl RacerFailure {
    /// The racer only, once: publishes the failure (kind last, released).
    fn publish(self) {
        let (kind, value, at) = match self {
            RacerFailure::CpuOn { rc, at } => (1, code_value(rc), at),
            RacerFailure::AffinityInfo { rc, at } => (2, code_value(rc), at),
            RacerFailure::StillOn { last, at } => (3, code_value(last), at),
            RacerFailure::Vcpu2CpuOff { rc } => (4, code_value(rc), 0),
            RacerFailure::Entries { entries, cycles } => (5, entries, cycles),
        };
        RACER_FAILURE_VALUE.store(value, Ordering::Relaxed);
        RACER_FAILURE_AT.store(at, Ordering::Relaxed);
        RACER_FAILURE_KIND.store(kind, Ordering::Release);
    }

    /// vCPU0, once the racer is off: what it published, if anything.
    fn published() -> Option<Self> {
        let kind = RACER_FAILURE_KIND.load(Ordering::Acquire);
        let value = RACER_FAILURE_VALUE.load(Ordering::Relaxed);
        let at = RACER_FAILURE_AT.load(Ordering::Relaxed);
        let rc = value_code(value);
        match kind {
            0 => None,
            1 => Some(RacerFailure::CpuOn { rc, at }),
            2 => Some(RacerFailure::AffinityInfo { rc, at }),
            3 => Some(RacerFailure::StillOn { last: rc, at }),
            4 => Some(RacerFailure::Vcpu2CpuOff { rc }),
            _ => Some(RacerFailure::Entries {
                entries: value,
                cycles: at,
            }),
        }
    }
}

impl fmt::Display for RacerFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            RacerFailure::CpuOn { rc, at } => {
                write!(f, "cpu_on of vCPU2 returned {rc} at cycle {at}")
            }
            RacerFailure::AffinityInfo { rc, at } => {
                write!(f, "affinity_info of vCPU2 returned {rc} at cycle {at}")
            }
            RacerFailure::StillOn { last, at } => {
                write!(f, "vCPU2 not off (affinity_info {last}) at cycle {at}")
            }
            RacerFailure::Vcpu2CpuOff { rc } => write!(f, "vCPU2 cpu_off returned {rc}"),
            RacerFailure::Entries { entries, cycles } => {
                write!(f, "vCPU2 started {entries} times for {cycles} cycles")
            }
        }
    }
}

/// The racer: waits (bounded) until AFFINITY_INFO says vCPU2 is off;
/// `at` names the cycle in a failure.
fn racer_wait_vcpu2_off(at: u64) -> Result<(), RacerFailure> {
    let mut last = 0;
    let mut error = None;
    let done = wait_for(RACER_TIMEOUT_SECONDS, || {
        last = psci::affinity_info(VCPU2, 0);
        match last {
            psci::AFFINITY_OFF => true,
            psci::AFFINITY_ON | psci::AFFINITY_ON_PENDING => false,
            rc => {
                error = Some(RacerFailure::AffinityInfo { rc, at });
                true
            }
        }
    });
    match error {
        Some(e) => Err(e),
        None if done => Ok(()),
        None => Err(RacerFailure::StillOn { last, at }),
    }
}

/// The racer's loop: CPU_ON of vCPU2 (which powers itself off at once),
/// then waits for it to be off, until vCPU0 says stop. Returns the first
/// failure, if any; the counters are in the statics.
fn racer_loop() -> Option<RacerFailure> {
    let entry = boot::vcpu2_entry();
    let mut cycles: u64 = 0;
    let mut already_on: u64 = 0;
    while !RACER_STOP.load(Ordering::Acquire) {
        let at = cycles.wrapping_add(1);
        match psci::cpu_on(VCPU2, entry, at) {
            psci::SUCCESS => {
                if let Err(e) = racer_wait_vcpu2_off(at) {
                    return Some(e);
                }
                cycles = at;
                RACER_CYCLES.store(cycles, Ordering::Relaxed);
            }
            psci::ALREADY_ON => {
                // vCPU2 still on: let it go off, then try again.
                already_on = already_on.wrapping_add(1);
                RACER_ALREADY_ON.store(already_on, Ordering::Relaxed);
                if let Err(e) = racer_wait_vcpu2_off(at) {
                    return Some(e);
                }
            }
            rc => return Some(RacerFailure::CpuOn { rc, at }),
        }
    }
    // Stopped: vCPU2 must be (and stay) off, and must have started exactly
    // once per successful CPU_ON.
    if let Err(e) = racer_wait_vcpu2_off(cycles) {
        return Some(e);
    }
    // Order the reads below after vCPU2's CPU_OFF that AFFINITY_INFO saw.
    fence(Ordering::Acquire);
    let entries = VCPU2_ENTRIES.load(Ordering::Acquire);
    if entries != cycles {
        return Some(RacerFailure::Entries { entries, cycles });
    }
    None
}

/// vCPU1 in mode=races, from CPU_ON, MMU on: races CPU_ON/CPU_OFF of vCPU2
/// against vCPU0's SYSTEM_SUSPEND calls until told to stop, reports, and
/// powers itself off. Stays online until vCPU0 says stop, even after a
/// failure, so that vCPU0's calls keep meeting an online vCPU1.
pub fn racer(_context: u64) -> ! {
    RACER_UP.store(true, Ordering::Release);
    let mut failure = racer_loop();
    // vCPU2's CPU_OFF returning is the real story behind a vCPU2 that
    // stays on.
    let off_rc = VCPU2_OFF_RC.load(Ordering::Acquire);
    if off_rc & VCPU2_OFF_RETURNED != 0 {
        failure = Some(RacerFailure::Vcpu2CpuOff {
            rc: value_code(off_rc),
        });
    }
    if let Some(f) = failure {
        f.publish();
    }
    while !RACER_STOP.load(Ordering::Acquire) {
        core::hint::spin_loop();
    }
    if let Some(f) = failure {
        say!("races racer FAIL {f}");
    }
    say!(
        "races racer done: {} on/off cycles, {} already-on",
        RACER_CYCLES.load(Ordering::Relaxed),
        RACER_ALREADY_ON.load(Ordering::Relaxed)
    );
    let rc = psci::cpu_off();
    say!("races racer FAIL cpu_off returned {rc}");
    boot::halt()
}

/// vCPU2 in mode=races, from CPU_ON, MMU on: counts its start and powers
/// itself off at once. Silent: it never touches the UART.
pub fn vcpu2() -> ! {
    // One incarnation at a time (the racer waits for it to be off before
    // the next CPU_ON): a plain load and store are enough.
    let entries = VCPU2_ENTRIES.load(Ordering::Relaxed);
    VCPU2_ENTRIES.store(entries.wrapping_add(1), Ordering::Release);
    // The count is visible before Xen can report this vCPU off.
    fence(Ordering::SeqCst);
    let rc = psci::cpu_off();
    VCPU2_OFF_RC.store(VCPU2_OFF_RETURNED | code_value(rc), Ordering::Release);
    boot::halt()
}

/// A short pause between two racing calls.
fn races_pause() {
    for _ in 0..RACES_PAUSE_SPINS {
        core::hint::spin_loop();
    }
}

/// vCPU0: waits (bounded) until AFFINITY_INFO says vCPU1 and vCPU2 are
/// off; on a timeout, what it last said for each.
fn races_others_off() -> Result<(), (i32, i32)> {
    let (mut vcpu1, mut vcpu2) = (0, 0);
    let off = wait_for(TIMEOUT_SECONDS, || {
        vcpu1 = psci::affinity_info(VCPU1, 0);
        vcpu2 = psci::affinity_info(VCPU2, 0);
        vcpu1 == psci::AFFINITY_OFF && vcpu2 == psci::AFFINITY_OFF
    });
    if off {
        Ok(())
    } else {
        Err((vcpu1, vcpu2))
    }
}

fn races_start() -> ! {
    let rounds = CYCLES.load(Ordering::Relaxed);
    RACER_UP.store(false, Ordering::Relaxed);
    RACER_STOP.store(false, Ordering::Relaxed);
    let rc = psci::cpu_on(VCPU1, boot::racer_entry(), 0);
    if rc == psci::SUCCESS {
        say!("check cpu-on ok {rc}");
    } else {
        say!("check cpu-on FAIL {rc}");
        fail(format_args!("check cpu-on"));
        finish()
    }
    if !wait_for(TIMEOUT_SECONDS, || RACER_UP.load(Ordering::Acquire)) {
        say!("races check racer-up FAIL timeout");
        fail(format_args!("races check racer-up"));
        finish()
    }

    // vCPU1 is online from its CPU_ON on, whatever vCPU2 does: every call
    // must be DENIED. A suspend here shows up at the resume entry.
    let entry = boot::resume_entry();
    boot::poison_record();
    set_phase(Phase::RacesDenied);
    // At least `rounds` calls, and for at least RACE_SECONDS, so that the
    // toolstack's `xl resume` calls (a few per second) overlap the race.
    let race_end =
        boot::counter().wrapping_add(boot::counter_frequency().saturating_mul(RACE_SECONDS));
    let mut denied: u64 = 0;
    let mut calls: u64 = 0;
    let mut failed = false;
    while calls < rounds || boot::counter() < race_end {
        calls = calls.wrapping_add(1);
        let rc = psci::system_suspend(psci::SYSTEM_SUSPEND_64, entry, RACES_CONTEXT_TAG | calls);
        if rc != psci::DENIED {
            set_phase(Phase::None);
            say!("races FAIL system_suspend returned {rc} at call {calls}");
            fail(format_args!(
                "races system_suspend returned {rc} at call {calls}"
            ));
            failed = true;
            break;
        }
        denied = calls;
        races_pause();
    }
    set_phase(Phase::None);
    if !failed && denied >= rounds {
        say!("races check denied-while-racing ok {denied}/{calls}");
    } else {
        say!("races check denied-while-racing FAIL {denied}/{calls}");
        fail(format_args!("races check denied-while-racing"));
    }

    RACER_STOP.store(true, Ordering::Release);
    match races_others_off() {
        Ok(()) => say!("races check others-off ok"),
        Err((vcpu1, vcpu2)) => {
            say!("races check others-off FAIL vcpu1={vcpu1} vcpu2={vcpu2}");
            fail(format_args!("races check others-off"));
            finish()
        }
    }
    // The racer is off: what it published is complete.
    if let Some(f) = RacerFailure::published() {
        fail(format_args!("races racer {f}"));
    }

    // Everyone else is off: this one must suspend.
    set_phase(Phase::RacesFinal);
    boot::poison_record();
    say!("waiting for xl resume");
    let rc = psci::system_suspend(psci::SYSTEM_SUSPEND_64, entry, RACES_CONTEXT);
    set_phase(Phase::None);
    say!("races check suspend FAIL system_suspend returned {rc}");
    fail(format_args!("races final system_suspend returned {rc}"));
    finish()
}

fn resume_races(e: &EntryState) -> ! {
    Checks::new(Prefix::Races).entry_state(e, RACES_CONTEXT);
    finish()
}

// ------------------------------------------------------------------- irqs

/// mode=irqs: the bound on each wait for an interrupt, in milliseconds of
/// counter time.
const IRQ_WAIT_MS: u64 = 1000;
/// mode=irqs: how long Xen is given to take the virtual timer's interrupt
/// once the timer condition is met (it masks the timer as it injects PPI
/// 27), in milliseconds.
const VTIMER_TAKE_MS: u64 = 100;
/// MPIDR_EL1's affinity fields: Aff3 [39:32], Aff2..Aff0 [23:0].
const MPIDR_AFFINITY: u64 = 0xff_00ff_ffff;

/// mode=irqs: the MPIDR affinity of the vCPU whose suspend is in flight.
static IRQS_SUSPENDER: AtomicU64 = AtomicU64::new(0);
/// mode=irqs: whether the checks of the cycle in flight all passed before
/// its suspend.
static IRQS_BEFORE_OK: AtomicBool = AtomicBool::new(true);

/// mode=irqs: the vCPU (MPIDR Aff0) of cycle k: vCPU0, vCPU1, vCPU0...
fn irqs_vcpu(k: u64) -> u64 {
    k.wrapping_sub(1) % 2
}

/// The running vCPU's MPIDR Aff0.
fn this_vcpu() -> u64 {
    boot::mpidr() & 0xff
}

/// The bit of INTID `intid` (below 32) in a mask of delivered INTIDs.
const fn irq_bit(intid: u32) -> u32 {
    1 << intid
}

/// What a check saw delivered, for its FAIL line.
struct Delivered {
    mask: u32,
    count: u32,
    other: Option<u32>,
    timeout: bool,
}

impl fmt::Display for Delivered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "delivered={:#x} count={}", self.mask, self.count)?;
        if let Some(intid) = self.other {
            write!(f, " other-intid={intid}")?;
        }
        if self.timeout {
            f.write_str(" timeout")?;
        }
        Ok(())
    }
}

/// vCPU0 at boot: the GIC version from the device tree, then cycle 1.
fn irqs_start(blob: Option<&[u8]>) -> ! {
    gic_from_dtb(blob);
    irqs_cycle(1)
}

/// vCPU0 at boot, before any other vCPU runs and any IRQ is unmasked: the
/// GIC version from the device tree, set for the IRQ code (or check gic
/// fails and the guest ends).
fn gic_from_dtb(blob: Option<&[u8]>) {
    let version = blob
        .and_then(fdt::guest_gic_version)
        .and_then(irq::Version::from_number);
    let Some(version) = version else {
        say!("check gic FAIL no /interrupt-controller@3001000 with a GICv2 or GICv3 compatible");
        fail(format_args!("check gic"));
        finish()
    };
    irq::set_version(version);
    say!("gic v{}", version.number());
}

/// vCPU0 or vCPU1 in mode=irqs, from the other one's CPU_ON, MMU on, IRQs
/// masked: `context` is the cycle to run. Waits (bounded) until
/// AFFINITY_INFO says the previous vCPU is off, then runs the cycle.
pub fn irqs_vcpu_on(context: u64) -> ! {
    let k = context;
    let vcpu = this_vcpu();
    let prev = irqs_vcpu(k.wrapping_sub(1));
    let mut last = 0;
    let off = wait_for(TIMEOUT_SECONDS, || {
        last = psci::affinity_info(prev, 0);
        last == psci::AFFINITY_OFF
    });
    // The previous vCPU wrote everything before its CPU_ON of this one.
    fence(Ordering::SeqCst);
    if !off {
        Checks::new(Prefix::Cycle(k)).failed(
            "previous-vcpu-off",
            format_args!("affinity_info(vcpu {prev})={last}"),
            format_args!("{}", psci::AFFINITY_OFF),
        );
        finish()
    }
    let cycles = CYCLES.load(Ordering::Relaxed);
    if !(2..=cycles).contains(&k) || vcpu != irqs_vcpu(k) {
        say!("cycle {k} FAIL vcpu {vcpu} started for cycle {k} of {cycles}");
        fail(format_args!("vcpu {vcpu} started for cycle {k}"));
        finish()
    }
    say!("cycle {k} vcpu {vcpu} up, vcpu {prev} off");
    irqs_cycle(k)
}

/// Cycle k, steps 1 to 4, on vCPU (k-1)%2 with IRQs masked: the GIC set
/// up, PPI 30 taken and left active, PPI 27 and SGI 1 made pending, then
/// SYSTEM_SUSPEND.
fn irqs_cycle(k: u64) -> ! {
    let vcpu = this_vcpu();
    let mut c = Checks::new(Prefix::Cycle(k));

    // 1. Quiet timers; the distributor (first cycle only), this vCPU's
    // SGI 1 / PPI 27 / PPI 30 and its CPU interface.
    irq::ptimer_disable();
    irq::vtimer_disable();
    if let Err(what) = irq::init(k == 1) {
        say!("cycle {k} check gic-init FAIL {what}");
        fail(format_args!("cycle {k} check gic-init"));
        finish()
    }

    // 2. PPI 30 taken, acknowledged, never EOI'd: active, and at the same
    // priority as the other two, which it now blocks.
    let _ = irq::take_delivered();
    let _ = irq::take_left_active();
    irq::leave_next_ptimer_active(true);
    irq::ptimer_fire_now();
    irq::unmask();
    let taken = wait_for_ms(IRQ_WAIT_MS, irq::left_active);
    irq::mask();
    irq::leave_next_ptimer_active(false);
    let (mask, count, other) = irq::take_delivered();
    if taken {
        c.ok("ptimer-active", u64::from(mask));
    } else {
        irq::ptimer_disable();
        c.failed(
            "ptimer-active",
            format_args!(
                "{}",
                Delivered {
                    mask,
                    count,
                    other,
                    timeout: true
                }
            ),
            format_args!("PPI {} left active", irq::PPI_PTIMER),
        );
    }

    // 3. IRQs masked: PPI 27 and SGI 1 pending. The virtual timer fires
    // asynchronously: wait for its condition, then for Xen to take it.
    irq::vtimer_fire_now();
    let mut ctl = 0;
    let fired = wait_for_ms(IRQ_WAIT_MS, || {
        ctl = irq::vtimer_ctl();
        ctl & irq::CTL_ISTATUS != 0
    });
    if fired {
        let _ = wait_for_ms(VTIMER_TAKE_MS, || {
            ctl = irq::vtimer_ctl();
            ctl & irq::CTL_IMASK != 0
        });
        c.ok("vtimer-pending", ctl);
    } else {
        c.failed(
            "vtimer-pending",
            format_args!("cntv_ctl={ctl:#x} timeout"),
            format_args!("ISTATUS"),
        );
    }
    // Trapped and made pending by Xen before the write returns.
    irq::send_sgi_self(irq::SGI);
    // Both pending, and disabled: an enabled pending interrupt is a wake
    // event, and SYSTEM_SUSPEND would return at once (or the domain would
    // wake at once). Disabled, they stay pending across the suspend.
    irq::set_enabled(irq_bit(irq::SGI) | irq_bit(irq::PPI_VTIMER), false);

    // 4. SYSTEM_SUSPEND with all that in flight.
    let entry = boot::resume_entry();
    let context = CONTEXT_TAG | k;
    SUSPENDING.store(k, Ordering::Relaxed);
    IRQS_SUSPENDER.store(boot::mpidr() & MPIDR_AFFINITY, Ordering::Relaxed);
    IRQS_BEFORE_OK.store(c.all_ok, Ordering::Relaxed);
    set_phase(Phase::Irqs);
    boot::poison_record();
    say!("cycle {k} vcpu {vcpu} suspend entry={entry:#x} context={context:#x}");
    say!("waiting for xl resume");
    let rc = psci::system_suspend(psci::SYSTEM_SUSPEND_64, entry, context);
    suspend_returned(k, rc)
}

/// Check `name` of mode=irqs: `raise` (with IRQs unmasked, or unmasking
/// them), then within [`IRQ_WAIT_MS`] the INTIDs of `want`, each exactly
/// once, and nothing else must be delivered to this vCPU since the last
/// check. Whatever arrives after a check counts against the next one.
fn irq_check(c: &mut Checks, name: &str, want: u32, raise: impl FnOnce()) {
    raise();
    let arrived = wait_for_ms(IRQ_WAIT_MS, || irq::delivered() & want == want);
    let (mask, count, other) = irq::take_delivered();
    if arrived && mask == want && count == want.count_ones() && other.is_none() {
        c.ok(name, u64::from(mask));
    } else {
        c.failed(
            name,
            format_args!(
                "{}",
                Delivered {
                    mask,
                    count,
                    other,
                    timeout: !arrived
                }
            ),
            format_args!("{want:#x} count={}", want.count_ones()),
        );
    }
}

/// Step 5: back at the resume entry after `xl resume`, IRQs masked: the
/// entry state, the same vCPU, then its CPU interface set up again as
/// after a core powerdown (the distributor and redistributor are left as
/// they were), and the interrupts: those pending at the suspend delivered
/// as they are, then each of the three raised again.
fn resume_irqs(e: &EntryState) -> ! {
    let k = SUSPENDING.load(Ordering::Relaxed);
    let vcpu = this_vcpu();
    say!("cycle {k} vcpu {vcpu} resume-tick {:#x}", e.tick);
    let mut c = Checks::new(Prefix::Cycle(k));
    c.all_ok = IRQS_BEFORE_OK.load(Ordering::Relaxed);
    c.entry_state(e, CONTEXT_TAG | k);
    c.eq(
        "mpidr",
        boot::mpidr() & MPIDR_AFFINITY,
        IRQS_SUSPENDER.load(Ordering::Relaxed),
    );

    irq::init_cpu_interface();
    let _ = irq::take_delivered();
    let _ = irq::take_left_active();
    // Pending interrupts survive a suspend; the active one was deactivated
    // (a powered-down core EOIs nothing), so they are no longer blocked.
    let pending = irq_bit(irq::SGI) | irq_bit(irq::PPI_VTIMER);
    irq_check(&mut c, "pending-survived", pending, || {
        irq::set_enabled(pending, true);
        irq::unmask();
    });
    irq_check(
        &mut c,
        "ptimer-again",
        irq_bit(irq::PPI_PTIMER),
        irq::ptimer_fire_now,
    );
    irq_check(
        &mut c,
        "vtimer-again",
        irq_bit(irq::PPI_VTIMER),
        irq::vtimer_fire_now,
    );
    irq_check(&mut c, "sgi-again", irq_bit(irq::SGI), || {
        irq::send_sgi_self(irq::SGI)
    });
    irq::mask();
    // A timer a failed check left armed must not fire into the next cycle.
    irq::ptimer_disable();
    irq::vtimer_disable();

    if c.all_ok {
        say!("cycle {k} resumed ok");
    } else {
        say!("cycle {k} resumed FAIL");
    }
    irqs_next(k)
}

/// After cycle k: the RESULT line after the last one; otherwise CPU_ON of
/// the other vCPU for cycle k+1, and CPU_OFF of this one.
fn irqs_next(k: u64) -> ! {
    if k >= CYCLES.load(Ordering::Relaxed) {
        finish()
    }
    let next = k + 1;
    let target = irqs_vcpu(next);
    // Everything this vCPU wrote is visible before the other one starts.
    fence(Ordering::SeqCst);
    let rc = psci::cpu_on(target, boot::irqs_entry(), next);
    if rc != psci::SUCCESS {
        Checks::new(Prefix::Cycle(next)).failed(
            "cpu-on",
            format_args!("{rc}"),
            format_args!("{}", psci::SUCCESS),
        );
        finish()
    }
    let rc = psci::cpu_off();
    // Still here: both vCPUs run. The other one finds this one on and
    // reports it (previous-vcpu-off); this one keeps out of its way.
    say!("cycle {k} vcpu {} FAIL cpu_off returned {rc}", this_vcpu());
    boot::halt()
}

// ------------------------------------------------------------------- wake

/// mode=wake: how far ahead the virtual timer is armed before a suspend.
const WAKE_AFTER_MS: u64 = 300;
/// mode=wake: how long it runs after each wake before the next suspend.
const WAKE_RUN_MS: u64 = 1000;
/// mode=wake: the suspend of wake=none (ended by `xl resume`).
const WAKE_NONE_CONTEXT: u64 = 0x5a5a_0003;

/// mode=wake: wake=none.
static WAKE_NONE: AtomicBool = AtomicBool::new(false);
/// mode=wake: racing=1 (dom0 calls `xl resume` all along).
static WAKE_RACING: AtomicBool = AtomicBool::new(false);
/// mode=wake: the virtual counter value the timer of the cycle in flight
/// fires at.
static WAKE_AT: AtomicU64 = AtomicU64::new(0);

/// vCPU0 at boot in mode=wake: the GIC set up with only the virtual
/// timer's PPI enabled (or nothing, wake=none), a check that a wake event
/// pending at the call makes SYSTEM_SUSPEND return at once, then the
/// cycles.
fn wake_start(blob: Option<&[u8]>, source: WakeSource) -> ! {
    gic_from_dtb(blob);
    irq::ptimer_disable();
    irq::vtimer_disable();
    if let Err(what) = irq::init(true) {
        say!("check gic-init FAIL {what}");
        fail(format_args!("check gic-init"));
        finish()
    }
    // The guest's wake sources: the virtual timer, or nothing at all.
    irq::set_enabled(irq_bit(irq::SGI) | irq_bit(irq::PPI_PTIMER), false);
    if source == WakeSource::None {
        WAKE_NONE.store(true, Ordering::Relaxed);
        irq::set_enabled(irq_bit(irq::PPI_VTIMER), false);
        wake_none_suspend();
    }
    fill_pattern();
    CHECKSUM.store(pattern_checksum(), Ordering::Relaxed);
    wake_pending_at_call();
    wake_cycle(1)
}

/// A wake event pending at the call (the virtual timer fired, IRQs
/// masked): SYSTEM_SUSPEND returns SUCCESS at once, without suspending;
/// the interrupt is then taken.
fn wake_pending_at_call() {
    let mut c = Checks::new(Prefix::Refusals);
    irq::mask();
    let _ = irq::take_delivered();
    irq::vtimer_fire_now();
    let mut ctl = 0;
    let fired = wait_for_ms(IRQ_WAIT_MS, || {
        ctl = irq::vtimer_ctl();
        ctl & irq::CTL_IMASK != 0
    });
    if !fired {
        c.failed(
            "pending-at-call",
            format_args!("cntv_ctl={ctl:#x} timeout"),
            format_args!("the timer taken by Xen"),
        );
        finish()
    }
    set_phase(Phase::WakePending);
    boot::poison_record();
    let rc = psci::system_suspend(psci::SYSTEM_SUSPEND_64, boot::resume_entry(), 0);
    set_phase(Phase::None);
    if rc == psci::SUCCESS {
        say!("check pending-at-call ok {rc} (returned at once)");
    } else {
        say!("check pending-at-call FAIL returned {rc}");
        fail(format_args!("check pending-at-call"));
    }
    irq_check(
        &mut c,
        "pending-at-call-delivered",
        irq_bit(irq::PPI_VTIMER),
        irq::unmask,
    );
    irq::mask();
}

/// Cycle k: the virtual timer armed [`WAKE_AFTER_MS`] ahead, IRQs masked,
/// SYSTEM_SUSPEND. Nobody calls `xl resume`: the timer's interrupt wakes
/// the domain.
fn wake_cycle(k: u64) -> ! {
    irq::mask();
    let _ = irq::take_delivered();
    let entry = boot::resume_entry();
    let context = CONTEXT_TAG | k;
    SUSPENDING.store(k, Ordering::Relaxed);
    set_phase(Phase::Wake);
    boot::poison_record();
    say!("cycle {k} suspend entry={entry:#x} context={context:#x}, wake-up by the virtual timer in {WAKE_AFTER_MS} ms");
    WAKE_AT.store(irq::vtimer_fire_in(WAKE_AFTER_MS), Ordering::Relaxed);
    let rc = psci::system_suspend(psci::SYSTEM_SUSPEND_64, entry, context);
    suspend_returned(k, rc)
}

/// Back at the resume entry, woken (IRQs masked): the entry state and
/// memory as after `xl resume`, the time it slept, then the CPU interface
/// set up again and the wake-up interrupt delivered.
fn resume_wake(e: &EntryState) -> ! {
    let k = SUSPENDING.load(Ordering::Relaxed);
    let now = irq::now();
    say!("cycle {k} resume-tick {:#x}", e.tick);
    let mut c = Checks::new(Prefix::Cycle(k));
    c.entry_state(e, CONTEXT_TAG | k);
    check_memory(&mut c);
    // Not before its timer: it slept until its own interrupt (unless dom0
    // races it with xl resume, which may come first).
    let at = WAKE_AT.load(Ordering::Relaxed);
    if WAKE_RACING.load(Ordering::Relaxed) {
        say!(
            "cycle {k} resumed {} its timer",
            if now >= at { "after" } else { "before" }
        );
    } else if now >= at {
        c.ok("woken-after-timer", now.wrapping_sub(at));
    } else {
        c.failed(
            "woken-after-timer",
            format_args!("{:#x} ticks early", at.wrapping_sub(now)),
            format_args!("on or after the timer"),
        );
    }
    irq::init_cpu_interface();
    irq_check(
        &mut c,
        "woken-by-vtimer",
        irq_bit(irq::PPI_VTIMER),
        irq::unmask,
    );
    irq::mask();
    irq::vtimer_disable();
    if c.all_ok {
        say!("cycle {k} woken ok");
    } else {
        say!("cycle {k} woken FAIL");
    }
    // Running for a while, so that dom0's `xl list` sees it run again.
    say!("cycle {k} running for {WAKE_RUN_MS} ms");
    let _ = wait_for_ms(WAKE_RUN_MS, || false);
    if k < CYCLES.load(Ordering::Relaxed) {
        wake_cycle(k + 1)
    }
    finish()
}

/// wake=none: nothing enabled, one SYSTEM_SUSPEND that only `xl resume`
/// may end (dom0 checks the domain stays suspended meanwhile).
fn wake_none_suspend() -> ! {
    irq::mask();
    say!("suspend with nothing enabled; waiting for xl resume");
    suspend_once("wake-none", Phase::WakeNone, WAKE_NONE_CONTEXT)
}

/// One SYSTEM_SUSPEND (SMC64) at the resume entry, in `phase`, with x0 =
/// `context` on resume; if it returns, check `name` fails.
fn suspend_once(name: &str, phase: Phase, context: u64) -> ! {
    set_phase(phase);
    boot::poison_record();
    let rc = psci::system_suspend(psci::SYSTEM_SUSPEND_64, boot::resume_entry(), context);
    set_phase(Phase::None);
    say!("check {name} FAIL system_suspend returned {rc}");
    fail(format_args!("check {name}"));
    finish()
}

fn resume_wake_none(e: &EntryState) -> ! {
    Checks::new(Prefix::Refusals).entry_state(e, WAKE_NONE_CONTEXT);
    say!("resumed by xl resume");
    finish()
}

// --------------------------------------------------------------- watchdog

/// mode=watchdog: the watchdog's timeout, seconds.
const WATCHDOG_SECONDS: u32 = 5;
/// mode=watchdog: how long the guest shows it is alive after the resume
/// before it stops kicking (less than the timeout: it kicks as it goes).
const WATCHDOG_ALIVE_SECONDS: u64 = 3;
/// mode=watchdog: the suspend's context id.
const WATCHDOG_CONTEXT: u64 = 0x5a5a_0004;
/// mode=watchdog: the armed watchdog's id.
static WATCHDOG_ID: AtomicU32 = AtomicU32::new(0);

/// Arms a watchdog and suspends with it armed; dom0 resumes it after more
/// than the timeout.
fn watchdog_start() -> ! {
    let id = crate::xen::sched_watchdog(0, WATCHDOG_SECONDS);
    if !(1..=2).contains(&id) {
        say!("check watchdog-arm FAIL {id}");
        fail(format_args!("check watchdog-arm"));
        finish()
    }
    WATCHDOG_ID.store(id as u32, Ordering::Relaxed);
    say!("watchdog {id} armed, {WATCHDOG_SECONDS} s; suspending; waiting for xl resume");
    suspend_once("watchdog-suspend", Phase::Watchdog, WATCHDOG_CONTEXT)
}

/// Resumed (by `xl resume`, after more than the timeout): alive for
/// [`WATCHDOG_ALIVE_SECONDS`] without kicking, then it stops kicking for
/// good and waits for the watchdog, which must kill it.
fn resume_watchdog(e: &EntryState) -> ! {
    let mut c = Checks::new(Prefix::Refusals);
    c.entry_state(e, WATCHDOG_CONTEXT);
    say!("watchdog: resumed and alive; not kicking it any more");
    let _ = wait_for(WATCHDOG_ALIVE_SECONDS, || false);
    say!("watchdog: alive {WATCHDOG_ALIVE_SECONDS} s after the resume, waiting for the watchdog");
    if c.all_ok {
        // Printed before the end, which is the watchdog's to bring.
        say!("RESULT PASS watchdog (the watchdog ends this guest)");
    }
    // Nothing more: the watchdog fires 5 s after the resume.
    let _ = wait_for(60, || false);
    say!("watchdog FAIL still alive 60 s after the resume");
    fail(format_args!("watchdog did not fire"));
    finish()
}

// ------------------------------------------------------------------- fuzz

/// mode=fuzz, vCPU0 only (the only vCPU that prints or suspends; its
/// memory survives its suspends): the seed, the generator's state, the
/// deadline (counter), what PSCI_FEATURES said, the counts, and the
/// context id of the suspend in flight.
static FUZZ_SEED: AtomicU64 = AtomicU64::new(0);
static FUZZ_RNG: AtomicU64 = AtomicU64::new(0);
static FUZZ_DEADLINE: AtomicU64 = AtomicU64::new(0);
static FUZZ_FEATURES: RawCell<Option<fuzz::Features>> = RawCell::new(None);
static FUZZ_CALLS: AtomicU64 = AtomicU64::new(0);
static FUZZ_SMC: AtomicU64 = AtomicU64::new(0);
static FUZZ_SUSPENDS: AtomicU64 = AtomicU64::new(0);
static FUZZ_CPU_ON: AtomicU64 = AtomicU64::new(0);
static FUZZ_CONTEXT: AtomicU64 = AtomicU64::new(0);

fn fuzz_start(seed: Option<u32>) -> ! {
    // At most 9 decimal digits, so that `seed=` replays it.
    let seed = seed.map_or(boot::counter() % 1_000_000_000, u64::from);
    let seconds = CYCLES.load(Ordering::Relaxed);
    FUZZ_SEED.store(seed, Ordering::Relaxed);
    FUZZ_RNG.store(fuzz::Rng::new(seed).state(), Ordering::Relaxed);
    say!("fuzz seed={seed} seconds={seconds} (replay with cmdline \"mode=fuzz cycles={seconds} seed={seed}\")");
    let features = fuzz::Features::from_answers(psci::features);
    // SAFETY: vCPU0 only, before any other vCPU runs; no reference to it
    // is alive.
    unsafe { *FUZZ_FEATURES.get() = Some(features) };
    VCPU2_ENTRIES.store(0, Ordering::Relaxed);
    let freq = match boot::counter_frequency() {
        0 => 62_500_000,
        f => f,
    };
    FUZZ_DEADLINE.store(
        boot::counter().saturating_add(seconds.saturating_mul(freq)),
        Ordering::Relaxed,
    );
    fuzz_loop()
}

/// One call through `conduit`.
fn fuzz_call(conduit: fuzz::Conduit, fid: u32, a: [u64; 3]) -> u64 {
    let smc = conduit == fuzz::Conduit::Smc;
    if smc {
        FUZZ_SMC.fetch_add(1, Ordering::Relaxed);
    }
    psci::call_via(smc, fid, a[0], a[1], a[2])
}

fn fuzz_loop() -> ! {
    // SAFETY: vCPU0 only; written once by fuzz_start.
    let features = unsafe { *FUZZ_FEATURES.get() };
    let Some(features) = features else {
        fail(format_args!("fuzz without PSCI_FEATURES answers"));
        finish()
    };
    let mut rng = fuzz::Rng::new(FUZZ_RNG.load(Ordering::Relaxed));
    let deadline = FUZZ_DEADLINE.load(Ordering::Relaxed);
    while boot::counter() < deadline && !FAILED.load(Ordering::Relaxed) {
        let call = fuzz::draw(&mut rng);
        let conduit = if rng.below(2) == 0 {
            fuzz::Conduit::Hvc
        } else {
            fuzz::Conduit::Smc
        };
        FUZZ_RNG.store(rng.state(), Ordering::Relaxed);
        let n = FUZZ_CALLS.fetch_add(1, Ordering::Relaxed) + 1;
        let mut others = fuzz::Others::MaybeOn;
        let (fid, args) = match call {
            fuzz::Call::Plain { fid, args } => (fid, args),
            fuzz::Call::CpuOn {
                fid,
                target,
                entry,
                context,
            } => {
                let smc64 = fid & 0x4000_0000 != 0;
                let a = entry.address(boot::vcpu2_entry(), smc64);
                (fid, [target.mpidr(VCPU1), a, context])
            }
            fuzz::Call::SystemSuspend {
                fid,
                entry,
                context,
            } => {
                let smc64 = fid & 0x4000_0000 != 0;
                if psci::affinity_info(VCPU1, 0) == psci::AFFINITY_OFF {
                    others = fuzz::Others::Off;
                }
                if fuzz::may_suspend(&call) {
                    let id = if smc64 {
                        context
                    } else {
                        context & 0xffff_ffff
                    };
                    FUZZ_CONTEXT.store(id, Ordering::Relaxed);
                    set_phase(Phase::Fuzz);
                    boot::poison_record();
                }
                let a = entry.address(boot::resume_entry(), smc64);
                (fid, [a, context, 0])
            }
        };
        let x0 = fuzz_call(conduit, fid, args);
        set_phase(Phase::None);
        if !fuzz::allowed(&call, &features, others, x0) {
            say!(
                "fuzz FAIL call {n}: {conduit:?} fid={fid:#x} x1={:#x} x2={:#x} x3={:#x} answered {x0:#x} ({}), vcpu1 {others:?}",
                args[0],
                args[1],
                args[2],
                x0 as u32 as i32
            );
            fail(format_args!(
                "fuzz call {n} fid={fid:#x} answered {}",
                x0 as u32 as i32
            ));
            break;
        }
        if matches!(call, fuzz::Call::CpuOn { .. }) && x0 as u32 as i32 == psci::SUCCESS {
            FUZZ_CPU_ON.fetch_add(1, Ordering::Relaxed);
        }
        if n % 2000 == 0 {
            say!(
                "fuzz: {n} calls ({} through SMC), {} suspends, {} CPU_ON of vCPU1",
                FUZZ_SMC.load(Ordering::Relaxed),
                FUZZ_SUSPENDS.load(Ordering::Relaxed),
                FUZZ_CPU_ON.load(Ordering::Relaxed)
            );
        }
    }
    fuzz_end()
}

/// vCPU1 off, started exactly as often as CPU_ON succeeded, and it never
/// came back from its CPU_OFF.
fn fuzz_end() -> ! {
    let mut last = 0;
    if !wait_for(TIMEOUT_SECONDS, || {
        last = psci::affinity_info(VCPU1, 0);
        last == psci::AFFINITY_OFF
    }) {
        say!("fuzz FAIL vcpu1 still on ({last}) at the end");
        fail(format_args!("fuzz vcpu1 still on"));
    }
    let (entries, ons) = (
        VCPU2_ENTRIES.load(Ordering::Acquire),
        FUZZ_CPU_ON.load(Ordering::Relaxed),
    );
    if entries != ons {
        say!("fuzz FAIL vcpu1 started {entries} times, CPU_ON succeeded {ons} times");
        fail(format_args!("fuzz vcpu1 entries"));
    }
    let off_rc = VCPU2_OFF_RC.load(Ordering::Acquire);
    if off_rc & VCPU2_OFF_RETURNED != 0 {
        say!("fuzz FAIL vcpu1's CPU_OFF returned {}", value_code(off_rc));
        fail(format_args!("fuzz vcpu1 cpu_off returned"));
    }
    say!(
        "fuzz done: {} calls ({} through SMC), {} suspends, {ons} CPU_ON of vCPU1, seed={}",
        FUZZ_CALLS.load(Ordering::Relaxed),
        FUZZ_SMC.load(Ordering::Relaxed),
        FUZZ_SUSPENDS.load(Ordering::Relaxed),
        FUZZ_SEED.load(Ordering::Relaxed)
    );
    finish()
}

/// A drawn SYSTEM_SUSPEND suspended; dom0 resumed the guest.
fn resume_fuzz(e: &EntryState) -> ! {
    let k = FUZZ_SUSPENDS.fetch_add(1, Ordering::Relaxed) + 1;
    let mut c = Checks::new(Prefix::Cycle(k));
    c.entry_state(e, FUZZ_CONTEXT.load(Ordering::Relaxed));
    if c.all_ok {
        say!("fuzz suspend {k} resumed ok");
    }
    fuzz_loop()
}
