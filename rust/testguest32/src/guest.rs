//! The AArch32 guest: entry code (zImage header, boot, resume and CPU_ON
//! entries, vectors, the MMU), its output, its PSCI calls and the test.
//!
//! Memory map, short-descriptor 1 MB sections, VA = PA: 0-1 GB Device (the
//! vUART at 0x22000000), 1-2 GB Normal write-back shareable (guest RAM at
//! 0x40000000), the rest unmapped. Every entry runs with the MMU off until
//! `tg32_mmu_on`; the page table is built once, at boot, with it off.

use core::arch::{asm, global_asm};
use core::fmt;
use core::ptr;
use core::sync::atomic::{AtomicU32, Ordering};

use testguest::bootargs::{Config, Probe};
use testguest32::{check, plan, Conduit, Entry, Record, SCTLR_RESET};
use xsr_arch::mmio::Mmio;
use xsr_arch::primecell::{Pl011, Pl011Writer};
use xsr_arch::psci::{fid, ret};

global_asm!(
    ".arch armv7-a",
    ".arch_extension sec",
    ".arch_extension virt",
    ".syntax unified",
    // The arm32 zImage header: Xen's loader looks for the magic at 0x24
    // and, with 0 at 0x28, enters at the first byte (RAM base + 0x8000).
    ".pushsection .text.head, \"ax\"",
    ".arm",
    ".global _start",
    "_start:",
    "    b       tg32_boot",
    "    .rept   8",
    "    nop",
    "    .endr",
    "    .word   0x016f2818             @ magic",
    "    .word   0                      @ start: where the loader put us",
    "    .word   __image_file_size      @ end: the file's size (start is 0)",
    ".popsection",
    "",
    ".pushsection .text.tg32_entry, \"ax\"",
    ".arm",
    // Boot, vCPU0: SVC mode, MMU off, r2 = DTB. The boot CPSR and SCTLR
    // are read before anything changes them.
    ".balign 4",
    "tg32_boot:",
    "    mrs     r4, cpsr",
    "    mrc     p15, 0, r5, c1, c0, 0",
    "    mov     r6, r2",
    "    cpsid   aif",
    "    bl      tg32_vectors_on",
    // The page table: 0-1 GB Device (section, B, XN, AP=0b11), 1-2 GB
    // Normal write-back write-allocate shareable (TEX=001 C B, S, AP=0b11).
    "    movw    r0, #:lower16:__page_table",
    "    movt    r0, #:upper16:__page_table",
    "    mov     r1, #0",
    "1:  cmp     r1, #1024",
    "    bhs     2f",
    "    movw    r3, #0x0c16",
    "    orr     r2, r3, r1, lsl #20",
    "    b       4f",
    "2:  cmp     r1, #2048",
    "    bhs     3f",
    "    movw    r3, #0x1c0e",
    "    movt    r3, #0x0001",
    "    orr     r2, r3, r1, lsl #20",
    "    b       4f",
    "3:  mov     r2, #0",
    "4:  str     r2, [r0, r1, lsl #2]",
    "    add     r1, r1, #1",
    "    cmp     r1, #4096",
    "    blo     1b",
    "    dsb",
    "    movw    r0, #:lower16:__stack0_top",
    "    movt    r0, #:upper16:__stack0_top",
    "    mov     sp, r0",
    "    bl      tg32_mmu_on",
    // .bss is zeroed with the MMU on, so that no stale line shadows it.
    "    movw    r0, #:lower16:__bss_start",
    "    movt    r0, #:upper16:__bss_start",
    "    movw    r1, #:lower16:__bss_end",
    "    movt    r1, #:upper16:__bss_end",
    "    mov     r2, #0",
    "5:  cmp     r0, r1",
    "    strlo   r2, [r0], #4",
    "    blo     5b",
    "    mov     r0, r6",
    "    mov     r1, r4",
    "    mov     r2, r5",
    "    bl      tg32_main",
    "    b       .",
    "",
    // VBAR = our vectors. Clobbers r0.
    "tg32_vectors_on:",
    "    movw    r0, #:lower16:tg32_vectors",
    "    movt    r0, #:upper16:tg32_vectors",
    "    mcr     p15, 0, r0, c12, c0, 0",
    "    isb",
    "    bx      lr",
    "",
    // The MMU and caches on with the boot page table, alignment checks
    // off. Table walks are non-cacheable (TTBR0 RGN/IRGN 0): the table was
    // written with the MMU off. Clobbers r0, r1.
    "tg32_mmu_on:",
    "    movw    r0, #:lower16:__page_table",
    "    movt    r0, #:upper16:__page_table",
    "    mcr     p15, 0, r0, c2, c0, 0      @ TTBR0",
    "    mov     r1, #0",
    "    mcr     p15, 0, r1, c2, c0, 2      @ TTBCR: short descriptors, TTBR0 only",
    "    movw    r1, #0x5555",
    "    movt    r1, #0x5555",
    "    mcr     p15, 0, r1, c3, c0, 0      @ DACR: client of every domain",
    "    mov     r1, #0",
    "    mcr     p15, 0, r1, c8, c7, 0      @ TLBIALL",
    "    mcr     p15, 0, r1, c7, c5, 0      @ ICIALLU",
    "    dsb",
    "    isb",
    "    mrc     p15, 0, r1, c1, c0, 0",
    "    orr     r1, r1, #0x5              @ M, C",
    "    orr     r1, r1, #0x1000           @ I",
    "    bic     r1, r1, #0x2              @ A",
    "    mcr     p15, 0, r1, c1, c0, 0",
    "    isb",
    "    bx      lr",
    "",
    // Resume from SYSTEM_SUSPEND at an A32 entry (bit 0 clear): r0 =
    // context id, MMU off. The first instruction reads the PC (its own
    // address + 8), then CPSR and SCTLR, before anything changes them.
    ".balign 4",
    ".global tg32_resume_a32",
    "tg32_resume_a32:",
    "    mov     r1, pc",
    "    mrs     r2, cpsr",
    "    mrc     p15, 0, r3, c1, c0, 0",
    "    mov     r4, #0x41                 @ 'A'",
    "    b       tg32_resume_common",
    "",
    // The same at a T32 entry (given with bit 0 set): in Thumb state the PC
    // reads as the address + 4, the proof of the state (MRS reads CPSR.T
    // as 0); in ARM state these bytes would not even be this code.
    ".thumb",
    ".balign 4",
    ".global tg32_resume_t32",
    "tg32_resume_t32:",
    "    mov     r1, pc",
    "    mrs     r2, cpsr",
    "    mrc     p15, 0, r3, c1, c0, 0",
    "    movs    r4, #0x54                 @ 'T'",
    "    movw    r5, #:lower16:tg32_resume_common",
    "    movt    r5, #:upper16:tg32_resume_common",
    "    bx      r5",
    ".arm",
    "",
    // Both entries: record r0-r4, MPIDR.Aff0, TTBR0 and TTBCR in the entry
    // record (MMU off: straight to memory), then SVC mode with everything masked, our
    // vectors, vCPU0's stack, the MMU; the record's lines are invalidated
    // (a copy cached before the suspend would shadow what was just
    // written) and Rust takes over.
    ".balign 4",
    "tg32_resume_common:",
    "    movw    r5, #:lower16:__entry_record",
    "    movt    r5, #:upper16:__entry_record",
    "    mrc     p15, 0, r6, c0, c0, 5",
    "    and     r6, r6, #0xff",
    "    str     r0, [r5, #0]",
    "    str     r1, [r5, #4]",
    "    str     r2, [r5, #8]",
    "    str     r3, [r5, #12]",
    "    str     r4, [r5, #16]",
    "    str     r6, [r5, #20]",
    "    mrc     p15, 0, r6, c2, c0, 0      @ TTBR0",
    "    str     r6, [r5, #24]",
    "    mrc     p15, 0, r6, c2, c0, 2      @ TTBCR",
    "    str     r6, [r5, #28]",
    "    dsb",
    "    cpsid   aif, #0x13",
    "    bl      tg32_vectors_on",
    "    movw    r0, #:lower16:__stack0_top",
    "    movt    r0, #:upper16:__stack0_top",
    "    mov     sp, r0",
    "    bl      tg32_mmu_on",
    "    mcr     p15, 0, r5, c7, c6, 1      @ DCIMVAC",
    "    add     r5, r5, #32",
    "    mcr     p15, 0, r5, c7, c6, 1",
    "    dsb",
    "    isb",
    "    bl      tg32_resumed",
    "    b       .",
    "",
    // vCPU1, started by CPU_ON at this A32 entry: r0 = context id.
    ".balign 4",
    ".global tg32_secondary_entry",
    "tg32_secondary_entry:",
    "    mov     r4, r0",
    "    cpsid   aif, #0x13",
    "    bl      tg32_vectors_on",
    "    movw    r0, #:lower16:__stack1_top",
    "    movt    r0, #:upper16:__stack1_top",
    "    mov     sp, r0",
    "    bl      tg32_mmu_on",
    "    mov     r0, r4",
    "    bl      tg32_secondary",
    "    b       .",
    "",
    // tg32_dirty_call(fid, entry, context_id, &Dirty) -> r0: makes a PSCI
    // call from the dirty state Dirty describes: SCTLR with `sctlr_set`
    // set and `sctlr_clear` cleared, TTBCR = `ttbcr`, CPSR.M = `mode` with
    // A, I and F clear, through HVC (`smc` = 0) or SMC. If the call
    // returns, SCTLR, TTBCR and CPSR are restored and its result returned. Modes other than FIQ
    // only: r4-r11 are not banked in them.
    ".balign 4",
    ".global tg32_dirty_call",
    "tg32_dirty_call:",
    "    push    {{r4-r11, lr}}",
    "    ldr     r4, [r3, #0]",
    "    ldr     r5, [r3, #4]",
    "    ldr     r6, [r3, #8]",
    "    ldr     r7, [r3, #12]",
    "    ldr     r12, [r3, #16]",
    "    mrc     p15, 0, r11, c2, c0, 2",
    "    mcr     p15, 0, r12, c2, c0, 2",
    "    isb",
    "    mrc     p15, 0, r8, c1, c0, 0",
    "    orr     r9, r8, r4",
    "    bic     r9, r9, r5",
    "    mrs     r10, cpsr",
    "    mcr     p15, 0, r9, c1, c0, 0",
    "    isb",
    "    msr     cpsr_cx, r6",
    "    isb",
    "    cmp     r7, #0",
    "    bne     1f",
    "    hvc     #0",
    "    b       2f",
    "1:  smc     #0",
    "2:  msr     cpsr_cx, r10",
    "    isb",
    "    mcr     p15, 0, r8, c1, c0, 0",
    "    mcr     p15, 0, r11, c2, c0, 2",
    "    isb",
    "    pop     {{r4-r11, pc}}",
    "",
    // Exceptions: any one is a failure. The stub names it (r0), the
    // common code collects SPSR, LR and the fault registers, switches to
    // SVC mode, masked, on the exception stack, turns the MMU on (it may
    // have been off) and reports (tg32_exception powers the guest off).
    ".balign 32",
    "tg32_vectors:",
    "    b       .                         @ reset: never taken",
    "    b       90f",
    "    b       91f",
    "    b       92f",
    "    b       93f",
    "    b       94f",
    "    b       95f",
    "    b       96f",
    "90: mov     r0, #1",
    "    b       99f",
    "91: mov     r0, #2",
    "    b       99f",
    "92: mov     r0, #3",
    "    b       99f",
    "93: mov     r0, #4",
    "    b       99f",
    "94: mov     r0, #5",
    "    b       99f",
    "95: mov     r0, #6",
    "    b       99f",
    "96: mov     r0, #7",
    "99: mrs     r1, spsr",
    "    mov     r2, lr",
    "    mrc     p15, 0, r3, c5, c0, 0      @ DFSR",
    "    mrc     p15, 0, r4, c6, c0, 0      @ DFAR",
    "    mrc     p15, 0, r5, c5, c0, 1      @ IFSR",
    "    cpsid   aif, #0x13",
    "    movw    r6, #:lower16:__stack_exc_top",
    "    movt    r6, #:upper16:__stack_exc_top",
    "    mov     sp, r6",
    "    mov     r6, r0",
    "    mov     r7, r1",
    "    bl      tg32_mmu_on",
    "    mov     r0, r6",
    "    mov     r1, r7",
    "    push    {{r4, r5}}",
    "    bl      tg32_exception",
    "    b       .",
    ".popsection",
);

/// The SBSA vUART of `vuart = "sbsa_uart"` (GUEST_PL011_BASE).
const UART_BASE: usize = 0x2200_0000;
/// How many times to poll UARTFR before writing anyway.
const TXFF_POLLS: u32 = 1_000_000;

/// Guest RAM as the page table maps it.
const RAM: core::ops::Range<usize> = 0x4000_0000..0x8000_0000;

/// Prints `TG: <args>\r\n`. Only vCPU0 prints (vCPU1 only to report a
/// failure).
fn line(args: fmt::Arguments) {
    // SAFETY: the UART's 4 KB MMIO page at UART_BASE, mapped Device by the
    // page table (Strongly-ordered with the MMU off), holds device
    // registers only, which only this function accesses; two vCPUs at once
    // only interleave bytes.
    if let Some(uart) = unsafe { Mmio::<Pl011>::at(UART_BASE) } {
        let polls = TXFF_POLLS;
        Pl011Writer { uart, polls }.line("TG: ", args);
    }
}

macro_rules! say {
    ($($arg:tt)*) => {
        line(format_args!($($arg)*))
    };
}

/// One SMCCC call with `$insn` (after `$ext`, the extension that has it):
/// r0 = function id in and result out, r1-r3 arguments, clobbered.
macro_rules! smccc {
    ($ext:literal, $insn:literal, $r0:ident, $a1:ident, $a2:ident, $a3:ident) => {
        asm!(
            $ext,
            $insn,
            inout("r0") $r0,
            inout("r1") $a1 => _,
            inout("r2") $a2 => _,
            inout("r3") $a3 => _,
            options(nostack),
        )
    };
}

/// A PSCI call: function id and up to three arguments, the answer in r0.
fn psci(conduit: Conduit, id: u32, a1: u32, a2: u32, a3: u32) -> i32 {
    let mut r0 = id;
    match conduit {
        // SAFETY: a PSCI call through HVC #0 to Xen, which changes no
        // memory of ours and may clobber r0-r3 (declared); a successful
        // CPU_OFF, SYSTEM_OFF or SYSTEM_SUSPEND does not return here.
        Conduit::Hvc => unsafe { smccc!(".arch_extension virt", "hvc #0", r0, a1, a2, a3) },
        // SAFETY: the same through SMC #0, which Xen traps and answers as
        // HVC #0.
        Conduit::Smc => unsafe { smccc!(".arch_extension sec", "smc #0", r0, a1, a2, a3) },
    }
    r0 as i32
}

/// The dirty state of a suspend call, as tg32_dirty_call reads it.
#[repr(C)]
struct Dirty {
    sctlr_set: u32,
    sctlr_clear: u32,
    mode: u32,
    smc: u32,
    ttbcr: u32,
}

extern "C" {
    fn tg32_dirty_call(id: u32, entry: u32, context_id: u32, dirty: *const Dirty) -> i32;
    fn tg32_resume_a32();
    fn tg32_resume_t32();
    fn tg32_secondary_entry();
    static mut __entry_record: [u32; 8];
}

/// The address of an entry's code, bit 0 clear (whatever the assembler
/// made of a Thumb label).
fn code_addr(entry: Entry) -> u32 {
    let f: unsafe extern "C" fn() = match entry {
        Entry::A32 => tg32_resume_a32,
        Entry::T32 => tg32_resume_t32,
    };
    (f as *const () as usize as u32) & !1
}

/// The counter frequency (CNTFRQ) and the virtual count (CNTVCT).
fn counter() -> (u32, u64) {
    let freq: u32;
    let lo: u32;
    let hi: u32;
    // SAFETY: reads CNTFRQ and CNTVCT, which EL1 may read; no memory.
    unsafe {
        asm!(
            "mrc p15, 0, {f}, c14, c0, 0",
            "isb",
            "mrrc p15, 1, {lo}, {hi}, c14",
            f = out(reg) freq,
            lo = out(reg) lo,
            hi = out(reg) hi,
            options(nomem, nostack),
        )
    };
    (freq, (u64::from(hi) << 32) | u64::from(lo))
}

/// Waits until `done()` or `ms` milliseconds have passed; whether it did.
fn wait_for(ms: u32, mut done: impl FnMut() -> bool) -> bool {
    let (freq, t0) = counter();
    let limit = u64::from(freq) * u64::from(ms) / 1000;
    loop {
        if done() {
            return true;
        }
        if counter().1.wrapping_sub(t0) > limit {
            return done();
        }
        core::hint::spin_loop();
    }
}

/// vCPU1's report: the r0 it started with, and that it is up (1).
static SECONDARY_CTX: AtomicU32 = AtomicU32::new(0);
static SECONDARY_UP: AtomicU32 = AtomicU32::new(0);
/// Set by vCPU0: vCPU1 must power itself off.
static SECONDARY_OFF: AtomicU32 = AtomicU32::new(0);

/// The cycles asked for, and the cycle in progress (0: none yet).
static CYCLES: AtomicU32 = AtomicU32::new(0);
static CYCLE: AtomicU32 = AtomicU32::new(0);

/// 64 KB written before each suspend and read back after it.
const PATTERN_WORDS: usize = 16 * 1024;
static PATTERN: [AtomicU32; PATTERN_WORDS] = [const { AtomicU32::new(0) }; PATTERN_WORDS];

fn pattern_word(cycle: u32, i: usize) -> u32 {
    (i as u32).wrapping_mul(0x0101_0101) ^ cycle.wrapping_mul(0x7f4a_7c15) ^ 0x5a5a_0000
}

/// What the record holds until an entry writes it.
const POISON: u32 = 0xdead_5eed;

/// Fills the entry record with POISON and cleans it to memory, so that
/// the entry (MMU off) writes over known values and no dirty line of it
/// is left to be written back over what the entry stored.
fn poison_record() {
    let rec = &raw mut __entry_record;
    for i in 0..8 {
        // SAFETY: the record is 8 words of the guest's own RAM (link.x),
        // written only here and by the resume entry, which cannot run
        // now (vCPU0 is the only vCPU that suspends, and it is here).
        unsafe { ptr::write_volatile((rec as *mut u32).add(i), POISON) };
    }
    let base = rec as usize;
    for line in [base, base + 32] {
        // SAFETY: DCCIMVAC (clean and invalidate a data cache line by VA)
        // of the record's own lines: only moves its data to memory.
        unsafe {
            asm!("mcr p15, 0, {}, c7, c14, 1", in(reg) line, options(nostack));
        }
    }
    // SAFETY: a barrier; no memory access of its own.
    unsafe { asm!("dsb", options(nostack)) };
}

fn read_record() -> Record {
    let rec = &raw const __entry_record;
    // SAFETY: as in poison_record: the record is ours, and the entry that
    // wrote it is done (it called us).
    let w = |i: usize| unsafe { ptr::read_volatile((rec as *const u32).add(i)) };
    Record {
        r0: w(0),
        pc: w(1),
        cpsr: w(2),
        sctlr: w(3),
        tag: w(4),
        vcpu: w(5),
        ttbr0: w(6),
        ttbcr: w(7),
    }
}

/// Prints the first failure, then powers the guest off.
fn fail(args: fmt::Arguments) -> ! {
    say!("RESULT FAIL {}", args);
    system_off()
}

fn system_off() -> ! {
    say!("system_off");
    psci(Conduit::Hvc, fid::SYSTEM_OFF, 0, 0, 0);
    loop {
        // SAFETY: waits for an interrupt; no memory access.
        unsafe { asm!("wfi", options(nomem, nostack)) };
    }
}

/// `name` passes when `got == want`.
fn expect(name: &str, got: i32, want: i32) {
    if got != want {
        fail(format_args!("{name}: {got} (want {want})"));
    }
    say!("check {name} ok {got}");
}

/// vCPU0 at boot (called by tg32_boot with the MMU on).
#[no_mangle]
extern "C" fn tg32_main(dtb: u32, boot_cpsr: u32, boot_sctlr: u32) -> ! {
    say!("up aarch32 boot cpsr={boot_cpsr:#010x} sctlr={boot_sctlr:#010x}");
    if boot_sctlr != SCTLR_RESET {
        fail(format_args!(
            "boot sctlr {boot_sctlr:#010x} (want {SCTLR_RESET:#010x})"
        ));
    }
    let want_cpsr = testguest32::ENTRY_CPSR;
    if boot_cpsr & !(testguest32::CPSR_FLAGS | testguest32::CPSR_EXEC) != want_cpsr {
        fail(format_args!(
            "boot cpsr {boot_cpsr:#010x} (want {want_cpsr:#x})"
        ));
    }
    let cfg = config_from(dtb);
    if cfg.probe != Probe::None {
        spsr_probe(cfg.probe);
    }
    let cycles = cfg.cycles;
    CYCLES.store(cycles, Ordering::Relaxed);

    expect(
        "psci-version",
        psci(Conduit::Hvc, fid::PSCI_VERSION, 0, 0, 0),
        0x1_0001,
    );
    let s32 = fid::SYSTEM_SUSPEND_32;
    let s64 = fid::SYSTEM_SUSPEND_64;
    expect(
        "features-system-suspend-32",
        psci(Conduit::Hvc, fid::PSCI_FEATURES, s32, 0, 0),
        0,
    );
    expect(
        "features-system-suspend-64",
        psci(Conduit::Hvc, fid::PSCI_FEATURES, s64, 0, 0),
        ret::NOT_SUPPORTED,
    );
    // An SMC64 id from AArch32: unknown to the caller's convention.
    let a32 = code_addr(Entry::A32);
    expect(
        "system-suspend-64-refused",
        psci(Conduit::Hvc, s64, a32, 1, 0),
        ret::NOT_SUPPORTED,
    );
    refusals(a32);
    next_cycle(1)
}

fn config_from(dtb: u32) -> Config {
    let base = dtb as usize;
    if !RAM.contains(&base) || !RAM.contains(&(base + 64)) {
        say!(
            "no device tree at {dtb:#x}: cycles={}",
            testguest::bootargs::DEFAULT_CYCLES
        );
        return Config::default();
    }
    // SAFETY: 64 bytes of guest RAM (checked above), mapped Normal; the
    // device tree's header if the loader put one there.
    let header = unsafe { core::slice::from_raw_parts(base as *const u8, 64) };
    let size = testguest::fdt::total_size(header)
        .filter(|&s| s >= 64 && RAM.contains(&(base + s - 1)))
        .unwrap_or(64);
    // SAFETY: `size` bytes of guest RAM (checked above), the device tree,
    // which nothing writes.
    let blob = unsafe { core::slice::from_raw_parts(base as *const u8, size) };
    let cfg = testguest::bootargs::parse(testguest::fdt::chosen_bootargs(blob).unwrap_or(b""));
    if cfg.bad_words != 0 {
        fail(format_args!("bootargs: {} bad word(s)", cfg.bad_words));
    }
    cfg
}

/// The SPSR probe's planted SPSR_svc: System mode with N set, a value no
/// exception entry from this code would give.
const PROBE_PLANTED_SPSR: u32 = 0x8000_001f;
/// An address with no stage-2 mapping in Xen's guest memory map (below
/// the GIC at 0x03000000): Device in the guest's page table.
const PROBE_NO_STAGE2: u32 = 0x0200_0000;
/// An address the guest's page table does not map (it maps 0-2 GB).
const PROBE_NO_STAGE1: u32 = 0xc000_0000;
/// The probe under way (a `Probe` as a number, 0 for none), for the
/// exception handler.
static PROBE: AtomicU32 = AtomicU32::new(0);
/// CPSR just before the probe's faulting load.
static PROBE_CPSR: AtomicU32 = AtomicU32::new(0);

/// `probe=`: plant PROBE_PLANTED_SPSR in SPSR_svc, set Z, load from an
/// address that faults; the data abort handler (tg32_exception) reports
/// the SPSR it reads against the CPSR at the fault and powers off.
fn spsr_probe(probe: Probe) -> ! {
    let addr = match probe {
        Probe::SpsrOwn => PROBE_NO_STAGE1,
        _ => PROBE_NO_STAGE2,
    };
    say!(
        "probe {}: SPSR_svc = {PROBE_PLANTED_SPSR:#010x}, Z set, load from {addr:#010x}",
        probe.name()
    );
    PROBE.store(probe as u32, Ordering::SeqCst);
    // SAFETY: writes SPSR_svc (this is SVC mode; nothing here returns from
    // an exception with it), sets the flags, stores CPSR into PROBE_CPSR
    // (a static AtomicU32, word aligned) and loads from `addr`, which
    // faults: the data abort vector reports and powers off, so the asm
    // never completes. No Rust-visible memory but PROBE_CPSR is written.
    unsafe {
        asm!(
            "msr     spsr_fsxc, {planted}",
            "movs    {tmp}, #0",
            "mrs     {tmp}, cpsr",
            "str     {tmp}, [{cpsr_out}]",
            "ldr     {tmp}, [{addr}]",
            planted = in(reg) PROBE_PLANTED_SPSR,
            cpsr_out = in(reg) PROBE_CPSR.as_ptr(),
            addr = in(reg) addr,
            tmp = out(reg) _,
        );
    }
    fail(format_args!(
        "probe {}: the load did not fault",
        probe.name()
    ))
}

/// DENIED while vCPU1 is online, INVALID_ADDRESS for entries outside RAM.
fn refusals(a32: u32) {
    let t32 = Entry::T32.argument(code_addr(Entry::T32));
    let ctx = 0x5ec0_0001;
    let entry = tg32_secondary_entry as *const () as usize as u32;
    expect(
        "cpu-on-vcpu1",
        psci(Conduit::Hvc, fid::CPU_ON_32, 1, entry, ctx),
        0,
    );
    if !wait_for(5000, || SECONDARY_UP.load(Ordering::Acquire) != 0) {
        fail(format_args!("vCPU1 did not come up in 5 s"));
    }
    let got = SECONDARY_CTX.load(Ordering::Relaxed);
    if got != ctx {
        fail(format_args!("vCPU1's r0 {got:#x} (want {ctx:#x})"));
    }
    say!("check vcpu1-context-id ok {got:#x}");
    let s32 = fid::SYSTEM_SUSPEND_32;
    expect(
        "denied-hvc-a32",
        psci(Conduit::Hvc, s32, a32, 1, 0),
        ret::DENIED,
    );
    expect(
        "denied-smc-t32",
        psci(Conduit::Smc, s32, t32, 2, 0),
        ret::DENIED,
    );
    SECONDARY_OFF.store(1, Ordering::Release);
    let off = wait_for(5000, || {
        psci(Conduit::Hvc, fid::AFFINITY_INFO_32, 1, 0, 0) == 1 // OFF
    });
    if !off {
        fail(format_args!(
            "vCPU1 not OFF 5 s after it was told to power off"
        ));
    }
    say!("check vcpu1-off ok");
    expect(
        "invalid-address-a32",
        psci(Conduit::Hvc, s32, 0x1000, 3, 0),
        ret::INVALID_ADDRESS,
    );
    expect(
        "invalid-address-t32",
        psci(Conduit::Smc, s32, 0x1001, 4, 0),
        ret::INVALID_ADDRESS,
    );
}

/// Cycle `k`: the memory pattern, the record poisoned, the suspend from
/// the plan's dirty state. Returns only if the call does, as a failure.
fn next_cycle(k: u32) -> ! {
    let cycles = CYCLES.load(Ordering::Relaxed);
    if k > cycles {
        say!("RESULT PASS aarch32 cycles={cycles}");
        system_off();
    }
    CYCLE.store(k, Ordering::Relaxed);
    let p = plan(k);
    for (i, w) in PATTERN.iter().enumerate() {
        w.store(pattern_word(k, i), Ordering::Relaxed);
    }
    poison_record();
    let entry = p.entry.argument(code_addr(p.entry));
    say!(
        "cycle {k}: suspending entry={} {entry:#x} conduit={} mode={:#x} ttbcr={:#x} context={:#010x}",
        p.entry.name(),
        p.conduit.name(),
        p.mode,
        p.ttbcr,
        p.context_id
    );
    let dirty = Dirty {
        sctlr_set: p.sctlr_set,
        sctlr_clear: p.sctlr_clear,
        mode: p.mode,
        smc: u32::from(p.conduit == Conduit::Smc),
        ttbcr: p.ttbcr,
    };
    // SAFETY: tg32_dirty_call makes the PSCI call from the described state
    // and, if the call returns, restores SCTLR and CPSR before returning
    // (the MMU stays on throughout); it reads `dirty` only.
    let r = unsafe { tg32_dirty_call(fid::SYSTEM_SUSPEND_32, entry, p.context_id, &dirty) };
    fail(format_args!("cycle {k}: SYSTEM_SUSPEND returned {r}"))
}

/// vCPU0 after a resume entry (MMU on again, the record written).
#[no_mangle]
extern "C" fn tg32_resumed() -> ! {
    let k = CYCLE.load(Ordering::Relaxed);
    let rec = read_record();
    if k == 0 {
        fail(format_args!("resumed before any suspend: {rec:x?}"));
    }
    let p = plan(k);
    if let Err(m) = check(&p, code_addr(p.entry), &rec) {
        let (got, want) = m.values();
        fail(format_args!(
            "cycle {k} check {}: {got:#010x} (want {want:#010x}) {rec:x?}",
            m.check()
        ));
    }
    if let Some(i) =
        (0..PATTERN_WORDS).find(|&i| PATTERN[i].load(Ordering::Relaxed) != pattern_word(k, i))
    {
        fail(format_args!("cycle {k} check memory: word {i} changed"));
    }
    say!(
        "cycle {k} resumed ok entry={} conduit={} r0={:#010x} pc={:#010x} cpsr={:#010x} sctlr={:#010x} ttbr0={:#x} ttbcr={:#x}",
        p.entry.name(),
        p.conduit.name(),
        rec.r0,
        rec.pc,
        rec.cpsr,
        rec.sctlr,
        rec.ttbr0,
        rec.ttbcr
    );
    next_cycle(k + 1)
}

/// vCPU1 after CPU_ON: reports, waits to be told, powers itself off.
#[no_mangle]
extern "C" fn tg32_secondary(context_id: u32) -> ! {
    SECONDARY_CTX.store(context_id, Ordering::Relaxed);
    SECONDARY_UP.store(1, Ordering::Release);
    while SECONDARY_OFF.load(Ordering::Acquire) == 0 {
        core::hint::spin_loop();
    }
    let r = psci(Conduit::Hvc, fid::CPU_OFF, 0, 0, 0);
    // CPU_OFF does not return unless refused: say so, once.
    say!("RESULT FAIL vCPU1: CPU_OFF returned {r}");
    loop {
        // SAFETY: waits for an interrupt; no memory access.
        unsafe { asm!("wfi", options(nomem, nostack)) };
    }
}

/// Any exception (see the vectors): report and power off.
#[no_mangle]
extern "C" fn tg32_exception(kind: u32, spsr: u32, lr: u32, dfsr: u32, dfar: u32, ifsr: u32) -> ! {
    let probe = PROBE.load(Ordering::SeqCst);
    if kind == 4 && probe != 0 {
        let name = if probe == Probe::SpsrOwn as u32 {
            Probe::SpsrOwn.name()
        } else {
            Probe::SpsrInjected.name()
        };
        let cpsr = PROBE_CPSR.load(Ordering::SeqCst);
        let verdict = if spsr == cpsr {
            "the CPSR at the fault, as it must be"
        } else if spsr == PROBE_PLANTED_SPSR {
            "STALE: the planted SPSR_svc, not SPSR_abt"
        } else {
            "WRONG: neither the CPSR at the fault nor the planted value"
        };
        say!(
            "probe {name}: data abort at {dfar:#010x} (DFSR {dfsr:#x}): the handler reads SPSR {spsr:#010x}, the CPSR at the fault was {cpsr:#010x}: {verdict}"
        );
        system_off()
    }
    let name = match kind {
        1 => "undefined instruction",
        2 => "svc",
        3 => "prefetch abort",
        4 => "data abort",
        5 => "hyp trap",
        6 => "irq",
        _ => "fiq",
    };
    fail(format_args!(
        "exception: {name} spsr={spsr:#010x} lr={lr:#010x} dfsr={dfsr:#x} dfar={dfar:#010x} ifsr={ifsr:#x} cycle={}",
        CYCLE.load(Ordering::Relaxed)
    ))
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    fail(format_args!("panic: {info}"))
}
