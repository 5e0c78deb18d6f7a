//! The tests: the checks common to both modes, `mode=suspend` and
//! `mode=refusals`, the result line and the power-off.
//!
//! Every suspend abandons the Rust stack: after a resume, [`resume`] starts
//! on a fresh stack and finds where it was from the statics below, which
//! live in guest RAM across the suspend. They are atomics only to be
//! shareable statics without `static mut`; only vCPU0 uses them, except
//! the two vCPU1 flags.

use core::fmt::{self, Write};
use core::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};

use testguest::bootargs::{self, Mode};
use testguest::fdt;

use crate::boot::{self, EntryState};
use crate::psci;
use crate::Global;

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
/// Bound on every wait for the other vCPU, in seconds.
const TIMEOUT_SECONDS: u64 = 5;

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
}

static PHASE: AtomicU32 = AtomicU32::new(Phase::None as u32);
static MODE_REFUSALS: AtomicBool = AtomicBool::new(false);
static CYCLES: AtomicU64 = AtomicU64::new(0);
/// mode=suspend: the cycle whose suspend is in flight.
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

/// vCPU0 only: written once by [`fail`], read by [`finish`]/[`abort`].
static FIRST_FAILURE: Global<Message> = Global::new(Message {
    buf: [0; 96],
    len: 0,
});

/// The pattern buffer of mode=suspend: 64 KB in .bss.
const PATTERN_WORDS: usize = 64 * 1024 / 8;
/// vCPU0 only, through raw pointers.
static PATTERN: Global<[u64; PATTERN_WORDS]> = Global::new([0; PATTERN_WORDS]);

/// Records a failure; the first one names the RESULT line.
fn fail(what: fmt::Arguments) {
    if FAILED.load(Ordering::Relaxed) {
        return;
    }
    FAILED.store(true, Ordering::Relaxed);
    // SAFETY: FIRST_FAILURE is used by vCPU0 alone (vCPU1 never fails a
    // check) and no reference to it is alive.
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

/// Prints `TG: system_off`, and powers the domain off.
fn power_off() -> ! {
    say!("system_off");
    let rc = psci::system_off();
    say!("system_off returned {rc}");
    boot::halt()
}

/// Prints the RESULT line and powers off.
fn finish() -> ! {
    RESULT_PRINTED.store(true, Ordering::Relaxed);
    if FAILED.load(Ordering::Relaxed) {
        say!("RESULT FAIL {}", first_failure());
    } else if MODE_REFUSALS.load(Ordering::Relaxed) {
        say!("RESULT PASS");
    } else {
        say!("RESULT PASS cycles={}", CYCLES.load(Ordering::Relaxed));
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
    let args = boot::dtb_blob(dtb).and_then(fdt::chosen_bootargs);
    let cfg = args.map(bootargs::parse).unwrap_or_default();
    MODE_REFUSALS.store(cfg.mode == Mode::Refusals, Ordering::Relaxed);
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
    common_checks();
    match cfg.mode {
        Mode::Suspend => suspend_start(),
        Mode::Refusals => refusals_start(),
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
}

impl fmt::Display for Prefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Prefix::Cycle(k) => write!(f, "cycle {k} check"),
            Prefix::Refusals => f.write_str("refusals check"),
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
    say!("cycle {k} suspend entry={entry:#x} context={context:#x}");
    say!("waiting for xl resume");
    let rc = psci::system_suspend(psci::SYSTEM_SUSPEND_64, entry, context);
    set_phase(Phase::None);
    say!("cycle {k} FAIL system_suspend returned {rc}");
    fail(format_args!("cycle {k} system_suspend returned {rc}"));
    finish()
}

fn resume_cycle(e: &EntryState) -> ! {
    let k = SUSPENDING.load(Ordering::Relaxed);
    let cycles = CYCLES.load(Ordering::Relaxed);
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

/// Polls `done` until it holds or [`TIMEOUT_SECONDS`] have passed.
fn wait_for(mut done: impl FnMut() -> bool) -> bool {
    let freq = match boot::counter_frequency() {
        0 => 62_500_000,
        f => f,
    };
    let limit = freq.saturating_mul(TIMEOUT_SECONDS);
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

fn refusals_start() -> ! {
    VCPU1_UP.store(false, Ordering::Relaxed);
    VCPU1_STOP.store(false, Ordering::Relaxed);
    let rc = psci::cpu_on(VCPU1, boot::secondary_entry(), 0);
    if rc == 0 {
        say!("check cpu-on ok {rc}");
    } else {
        say!("check cpu-on FAIL {rc}");
        fail(format_args!("check cpu-on"));
        finish()
    }
    if !wait_for(|| VCPU1_UP.load(Ordering::Acquire)) {
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
    if wait_for(|| {
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
