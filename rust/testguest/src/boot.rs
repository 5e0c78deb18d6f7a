//! Everything that runs before Rust, or that Rust cannot express:
//!
//! - the arm64 Image header (the first 64 bytes of the raw image);
//! - the entry points, all entered with the MMU off: boot (`_start`,
//!   x0 = DTB), resume from SYSTEM_SUSPEND ([`resume_entry`], x0 = context
//!   id; vCPU0, or in mode=irqs vCPU0 or vCPU1), and from CPU_ON (x0 =
//!   context id): vCPU1 in mode=refusals ([`secondary_entry`]), vCPU1 as
//!   the racer of mode=races ([`racer_entry`]), vCPU2 in mode=races
//!   ([`vcpu2_entry`]) and vCPU0/vCPU1 in mode=irqs ([`irqs_entry`]);
//! - the per-vCPU stacks (link.x: 64 KB each, vCPU0/1/2), and the
//!   identity page table and the MMU/cache enable every entry path runs
//!   before any Rust code (with the MMU off all memory is Device
//!   memory: Rust's unaligned accesses or exclusives would fault);
//! - the entry record where the resume entry saves its entry state;
//! - the exception vectors: any exception prints its syndrome and powers
//!   the guest off, so a crash never hangs the test; except an IRQ taken
//!   at EL1h in mode=irqs, which the IRQ entry hands to irq.rs and
//!   returns from.
//!
//! Memory map (1 GB level-1 blocks, 39-bit VA = PA):
//! 0-1 GB Device-nGnRnE (the vUART at 0x22000000, the GIC), 1-2 GB Normal
//! write-back inner-shareable (guest RAM at 0x40000000), the rest unmapped.

use core::arch::{asm, global_asm};
use core::mem::{offset_of, size_of};
use core::ptr;
use core::slice;

use testguest::fdt;
use xsr_arch::sysreg::{SCTLR_A, SCTLR_C, SCTLR_E0E, SCTLR_EE, SCTLR_I, SCTLR_M, SCTLR_WXN};

use crate::RawCell;

// Level-1 block descriptor fields.
const BLOCK: u64 = 0b01;
const ATTR_DEVICE: u64 = 0 << 2; // MAIR attr0
const ATTR_NORMAL: u64 = 1 << 2; // MAIR attr1
const SH_INNER: u64 = 0b11 << 8;
const AF: u64 = 1 << 10;
const PXN: u64 = 1 << 53;
const UXN: u64 = 1 << 54;

/// Guest RAM as the page table maps it.
const RAM_START: u64 = 0x4000_0000;
const RAM_END: u64 = 0x8000_0000;

/// A translation table: 512 descriptors, 4K-aligned.
#[repr(C, align(4096))]
struct Table([u64; 512]);

/// The level-1 table every vCPU uses (TTBR0_EL1), never written.
static L1_TABLE: Table = {
    let mut t = [0u64; 512];
    // Output address 0.
    t[0] = BLOCK | ATTR_DEVICE | AF | PXN | UXN;
    t[1] = RAM_START | BLOCK | ATTR_NORMAL | SH_INNER | AF | UXN;
    Table(t)
};

/// MAIR_EL1: attr0 Device-nGnRnE, attr1 Normal write-back RW-allocate.
const MAIR: u64 = 0xff << 8;

/// TCR_EL1: T0SZ 25 (39-bit VA, walks start at level 1), table walks
/// inner/outer write-back cacheable, inner shareable, 4K granule, TTBR1
/// walks disabled (EPD1), 36-bit IPA (IPS 0b001).
const TCR: u64 =
    25 | (0b01 << 8) | (0b01 << 10) | (0b11 << 12) | (25 << 16) | (1 << 23) | (1 << 32);

/// Set by the MMU enable.
const SCTLR_SET: u64 = SCTLR_M | SCTLR_C | SCTLR_I;
/// Cleared by the MMU enable: alignment checks, write-implies-XN, big
/// endian.
const SCTLR_CLEAR: u64 = SCTLR_A | SCTLR_WXN | SCTLR_E0E | SCTLR_EE;
/// The bits a PSCI entry must find clear: MMU, data and instruction caches.
pub const SCTLR_MMU_CACHES: u64 = SCTLR_SET;

/// What the resume entry stores, with the MMU off, before anything else.
/// Alone in its page, so that no cache line of it is shared with other
/// data (see [`poison_record`]).
#[repr(C, align(4096))]
pub struct EntryRecord {
    x0: u64,
    sctlr: u64,
    daif: u64,
    current_el: u64,
    spsel: u64,
    ttbr0: u64,
    ttbr1: u64,
    tcr: u64,
    pc: u64,
    tick: u64,
}

/// The state found at the resume entry, as read back from the record.
#[derive(Clone, Copy)]
pub struct EntryState {
    pub x0: u64,
    pub sctlr: u64,
    pub daif: u64,
    pub current_el: u64,
    pub spsel: u64,
    pub ttbr0: u64,
    pub ttbr1: u64,
    pub tcr: u64,
    /// The address of the resume label (`adr`), i.e. where Xen resumed us.
    pub pc: u64,
    /// CNTPCT_EL0 read by the first instruction after the label (for
    /// `make bench`: Xen logs the counter when it resumes the domain).
    pub tick: u64,
}

/// Written only by the resume entry (MMU off) and by [`poison_record`]
/// (MMU on), read only by [`read_record`] (MMU on), all on the one vCPU
/// that suspends and resumes: vCPU0, or in mode=irqs the vCPU of the
/// cycle, the only one online.
static RECORD: RawCell<EntryRecord> = RawCell::new(EntryRecord {
    x0: 0,
    sctlr: 0,
    daif: 0,
    current_el: 0,
    spsel: 0,
    ttbr0: 0,
    ttbr1: 0,
    tcr: 0,
    pc: 0,
    tick: 0,
});

/// What [`poison_record`] fills the record with: no entry stores it.
const POISON: u64 = 0x5eed_dead_5eed_dead;

global_asm!(
    // The arm64 Linux Image header (Documentation/arch/arm64/booting.rst).
    ".pushsection .text.head, \"ax\"",
    ".global _start",
    "_start:",
    "    b       tg_primary_entry       // code0",
    "    .long   0                      // code1",
    "    .quad   0                      // text_offset",
    "    .quad   __image_size           // image_size, bss included",
    "    .quad   0xa                    // flags: LE, 4K pages, anywhere",
    "    .quad   0                      // res2",
    "    .quad   0                      // res3",
    "    .quad   0                      // res4",
    "    .long   0x644d5241             // magic \"ARM\\x64\"",
    "    .long   0                      // res5",
    ".popsection",
    "",
    ".pushsection .text.tg_entry, \"ax\"",
    // x9 = the running vCPU's stack top, by MPIDR Aff0: 0, 1, anything
    // else (2). Clobbers x9 only.
    ".macro tg_own_stack_top",
    "    mrs     x9, mpidr_el1",
    "    and     x9, x9, #0xff",
    "    cbz     x9, .Lstack0\\@",
    "    cmp     x9, #1",
    "    b.eq    .Lstack1\\@",
    "    adrp    x9, __stack2_top",
    "    add     x9, x9, :lo12:__stack2_top",
    "    b       .Lstack_done\\@",
    ".Lstack0\\@:",
    "    adrp    x9, __stack0_top",
    "    add     x9, x9, :lo12:__stack0_top",
    "    b       .Lstack_done\\@",
    ".Lstack1\\@:",
    "    adrp    x9, __stack1_top",
    "    add     x9, x9, :lo12:__stack1_top",
    ".Lstack_done\\@:",
    ".endm",
    // Every entry path: not in an exception handler (TPIDR_EL1 = 0), our
    // vectors, the given stack, then the identity map with MMU and caches.
    ".macro tg_cpu_vectors",
    "    msr     tpidr_el1, xzr",
    "    adrp    x9, tg_vectors",
    "    add     x9, x9, :lo12:tg_vectors",
    "    msr     vbar_el1, x9",
    "    isb",
    ".endm",
    ".macro tg_cpu_setup stack",
    "    tg_cpu_vectors",
    "    adrp    x9, \\stack",
    "    add     x9, x9, :lo12:\\stack",
    "    mov     sp, x9",
    "    bl      tg_mmu_on",
    ".endm",
    // The same, on the running vCPU's own stack (by MPIDR).
    ".macro tg_cpu_setup_own",
    "    tg_cpu_vectors",
    "    tg_own_stack_top",
    "    mov     sp, x9",
    "    bl      tg_mmu_on",
    ".endm",
    // Boot: x0 = DTB address. MMU off: nothing but registers until the
    // MMU is on; .bss is zeroed with it on, as Linux does, so that no
    // stale cache line can shadow the zeroes.
    ".balign 4",
    "tg_primary_entry:",
    "    mov     x19, x0",
    "    tg_cpu_setup __stack0_top",
    "    adrp    x0, __bss_start",
    "    add     x0, x0, :lo12:__bss_start",
    "    adrp    x1, __bss_end",
    "    add     x1, x1, :lo12:__bss_end",
    "1:  cmp     x0, x1",
    "    b.hs    2f",
    "    str     xzr, [x0], #8",
    "    b       1b",
    // The record is written with the MMU off after a resume: no dirty
    // line of it may stay in the cache to be written back over that.
    "2:  bl      tg_record_civac",
    "    mov     x0, x19",
    "    bl      {boot}",
    "    b       tg_die",
    "",
    // Resume from SYSTEM_SUSPEND: x0 = context id. The very first thing:
    // save the entry state with aligned 64-bit stores (MMU off, Device
    // memory), then the same MMU enable as at boot, on the stack of the
    // vCPU that resumes (vCPU0; vCPU0 or vCPU1 in mode=irqs).
    ".global tg_resume_entry",
    ".balign 4",
    "tg_resume_entry:",
    "    mrs     x11, cntpct_el0",
    "    adrp    x9, {record}",
    "    add     x9, x9, :lo12:{record}",
    "    str     x0, [x9, #{off_x0}]",
    "    mrs     x10, sctlr_el1",
    "    str     x10, [x9, #{off_sctlr}]",
    "    mrs     x10, daif",
    "    str     x10, [x9, #{off_daif}]",
    "    mrs     x10, CurrentEL",
    "    str     x10, [x9, #{off_el}]",
    "    mrs     x10, SPSel",
    "    str     x10, [x9, #{off_spsel}]",
    "    mrs     x10, ttbr0_el1",
    "    str     x10, [x9, #{off_ttbr0}]",
    "    mrs     x10, ttbr1_el1",
    "    str     x10, [x9, #{off_ttbr1}]",
    "    mrs     x10, tcr_el1",
    "    str     x10, [x9, #{off_tcr}]",
    "    adr     x10, tg_resume_entry",
    "    str     x10, [x9, #{off_pc}]",
    "    str     x11, [x9, #{off_tick}]",
    "    dsb     sy",
    "    tg_cpu_setup_own",
    // First cacheable access to the record: drop any line of it the
    // cache may still hold from before the suspend.
    "    bl      tg_record_ivac",
    "    bl      {resume}",
    "    b       tg_die",
    "",
    // vCPU1 from CPU_ON: x0 = context id. Its own stack, the same tables.
    ".global tg_secondary_entry",
    ".balign 4",
    "tg_secondary_entry:",
    "    mov     x19, x0",
    "    tg_cpu_setup __stack1_top",
    "    mov     x0, x19",
    "    bl      {secondary}",
    "    b       tg_die",
    "",
    // vCPU1 as the racer of mode=races: the same, another role.
    ".global tg_racer_entry",
    ".balign 4",
    "tg_racer_entry:",
    "    mov     x19, x0",
    "    tg_cpu_setup __stack1_top",
    "    mov     x0, x19",
    "    bl      {racer}",
    "    b       tg_die",
    "",
    // vCPU2 in mode=races, started over and over by the racer: its own
    // stack, the MMU on (for a cacheable counter), then CPU_OFF from Rust.
    ".global tg_vcpu2_entry",
    ".balign 4",
    "tg_vcpu2_entry:",
    "    tg_cpu_setup __stack2_top",
    "    bl      {vcpu2}",
    "    b       tg_die",
    "",
    // vCPU0 or vCPU1 in mode=irqs, started by the other one for the next
    // cycle: x0 = the cycle. Its own stack, by MPIDR.
    ".global tg_irqs_entry",
    ".balign 4",
    "tg_irqs_entry:",
    "    mov     x19, x0",
    "    tg_cpu_setup_own",
    "    mov     x0, x19",
    "    bl      {irqs_on}",
    "    b       tg_die",
    "",
    // Identity map, MMU and caches on. Clobbers x0, x1 only; no stack.
    // Harmless if the MMU is already on with the same tables.
    "tg_mmu_on:",
    "    mov     x0, #{mair}",
    "    msr     mair_el1, x0",
    "    movz    x0, #{tcr_0}",
    "    movk    x0, #{tcr_1}, lsl #16",
    "    movk    x0, #{tcr_2}, lsl #32",
    "    msr     tcr_el1, x0",
    "    adrp    x0, {table}",
    "    add     x0, x0, :lo12:{table}",
    "    msr     ttbr0_el1, x0",
    "    isb",
    "    tlbi    vmalle1",
    "    dsb     ish",
    "    isb",
    "    mrs     x0, sctlr_el1",
    "    movz    x1, #{clr_0}",
    "    movk    x1, #{clr_1}, lsl #16",
    "    bic     x0, x0, x1",
    "    movz    x1, #{set_0}",
    "    orr     x0, x0, x1",
    "    msr     sctlr_el1, x0",
    "    isb",
    "    ic      iallu",
    "    dsb     ish",
    "    isb",
    "    ret",
    "",
    // Clean and invalidate / invalidate the record's cache lines to the
    // point of coherency. Clobber x0-x3; no stack.
    ".global tg_record_civac",
    "tg_record_civac:",
    "    adrp    x0, {record}",
    "    add     x0, x0, :lo12:{record}",
    "    add     x1, x0, #{record_size}",
    "    mrs     x2, ctr_el0",
    "    ubfx    x2, x2, #16, #4        // DminLine: log2(words)",
    "    mov     x3, #4",
    "    lsl     x3, x3, x2",
    "1:  dc      civac, x0",
    "    add     x0, x0, x3",
    "    cmp     x0, x1",
    "    b.lo    1b",
    "    dsb     sy",
    "    ret",
    "",
    "tg_record_ivac:",
    "    adrp    x0, {record}",
    "    add     x0, x0, :lo12:{record}",
    "    add     x1, x0, #{record_size}",
    "    mrs     x2, ctr_el0",
    "    ubfx    x2, x2, #16, #4",
    "    mov     x3, #4",
    "    lsl     x3, x3, x2",
    "1:  dc      ivac, x0",
    "    add     x0, x0, x3",
    "    cmp     x0, x1",
    "    b.lo    1b",
    "    dsb     sy",
    "    ret",
    ".popsection",
    "",
    // Exception vectors: 16 entries of 0x80 bytes; x0 = entry index. The
    // IRQ from the current EL with SP_EL1 (index 5, offset 0x280) goes to
    // tg_irq_entry, which returns unless no IRQ is expected.
    ".pushsection .text.tg_vectors, \"ax\"",
    ".macro tg_vector idx",
    "    .balign 0x80",
    "    mov     x0, #\\idx",
    "    b       tg_exception_entry",
    ".endm",
    ".balign 0x800",
    "tg_vectors:",
    "    tg_vector 0",
    "    tg_vector 1",
    "    tg_vector 2",
    "    tg_vector 3",
    "    tg_vector 4",
    "    .balign 0x80",
    "    b       tg_irq_entry           // 5: irq-el1h",
    "    tg_vector 6",
    "    tg_vector 7",
    "    tg_vector 8",
    "    tg_vector 9",
    "    tg_vector 10",
    "    tg_vector 11",
    "    tg_vector 12",
    "    tg_vector 13",
    "    tg_vector 14",
    "    tg_vector 15",
    "",
    // IRQ at EL1h: IRQs are masked (PSTATE.I set on the exception entry)
    // and stay masked in the handler, so ELR_EL1/SPSR_EL1 survive it
    // untouched. Saves the registers the AAPCS64 lets the Rust handler
    // clobber (x0-x18), and x29/x30, on the interrupted stack (SP_EL1),
    // calls it, restores them and returns to the interrupted code.
    // TPIDR_EL1 is left alone: the handler is not the fatal exception
    // path, and an exception inside it is reported as any other.
    "tg_irq_entry:",
    "    sub     sp, sp, #{irq_frame}",
    "    stp     x0, x1, [sp, #0]",
    "    stp     x2, x3, [sp, #16]",
    "    stp     x4, x5, [sp, #32]",
    "    stp     x6, x7, [sp, #48]",
    "    stp     x8, x9, [sp, #64]",
    "    stp     x10, x11, [sp, #80]",
    "    stp     x12, x13, [sp, #96]",
    "    stp     x14, x15, [sp, #112]",
    "    stp     x16, x17, [sp, #128]",
    "    stp     x18, x29, [sp, #144]",
    "    str     x30, [sp, #160]",
    "    bl      {irq}",
    "    ldp     x0, x1, [sp, #0]",
    "    ldp     x2, x3, [sp, #16]",
    "    ldp     x4, x5, [sp, #32]",
    "    ldp     x6, x7, [sp, #48]",
    "    ldp     x8, x9, [sp, #64]",
    "    ldp     x10, x11, [sp, #80]",
    "    ldp     x12, x13, [sp, #96]",
    "    ldp     x14, x15, [sp, #112]",
    "    ldp     x16, x17, [sp, #128]",
    "    ldp     x18, x29, [sp, #144]",
    "    ldr     x30, [sp, #160]",
    "    add     sp, sp, #{irq_frame}",
    "    eret",
    "",
    // TPIDR_EL1 != 0: an exception inside the handler; power off at once.
    // Otherwise: the vCPU's own stack top, the MMU on (it may have been
    // off), and Rust.
    "tg_exception_entry:",
    "    mrs     x9, tpidr_el1",
    "    cbnz    x9, tg_die",
    "    mov     x9, #1",
    "    msr     tpidr_el1, x9",
    "    mov     x19, x0",
    "    mrs     x20, esr_el1",
    "    mrs     x21, elr_el1",
    "    mrs     x22, far_el1",
    "    tg_own_stack_top",
    "    mov     sp, x9",
    "    bl      tg_mmu_on",
    "    mov     x0, x19",
    "    mov     x1, x20",
    "    mov     x2, x21",
    "    mov     x3, x22",
    "    bl      {exception}",
    // PSCI SYSTEM_OFF, and if even that returns, sleep forever.
    "tg_die:",
    "    movz    x0, #({system_off} & 0xffff)",
    "    movk    x0, #({system_off} >> 16), lsl #16",
    "    hvc     #0",
    "3:  wfe",
    "    b       3b",
    ".popsection",
    boot = sym rust_boot,
    resume = sym rust_resume,
    secondary = sym rust_secondary,
    racer = sym rust_racer,
    vcpu2 = sym rust_vcpu2,
    irqs_on = sym rust_irqs_on,
    exception = sym rust_exception,
    irq = sym rust_irq,
    irq_frame = const IRQ_FRAME,
    system_off = const xsr_arch::psci::fid::SYSTEM_OFF,
    record = sym RECORD,
    table = sym L1_TABLE,
    record_size = const size_of::<EntryRecord>(),
    off_x0 = const offset_of!(EntryRecord, x0),
    off_sctlr = const offset_of!(EntryRecord, sctlr),
    off_daif = const offset_of!(EntryRecord, daif),
    off_el = const offset_of!(EntryRecord, current_el),
    off_spsel = const offset_of!(EntryRecord, spsel),
    off_ttbr0 = const offset_of!(EntryRecord, ttbr0),
    off_ttbr1 = const offset_of!(EntryRecord, ttbr1),
    off_tcr = const offset_of!(EntryRecord, tcr),
    off_pc = const offset_of!(EntryRecord, pc),
    off_tick = const offset_of!(EntryRecord, tick),
    mair = const MAIR,
    tcr_0 = const TCR & 0xffff,
    tcr_1 = const (TCR >> 16) & 0xffff,
    tcr_2 = const (TCR >> 32) & 0xffff,
    clr_0 = const SCTLR_CLEAR & 0xffff,
    clr_1 = const (SCTLR_CLEAR >> 16) & 0xffff,
    set_0 = const SCTLR_SET,
);

/// The IRQ entry's frame: x0-x18, x29, x30, rounded up to keep SP 16-byte
/// aligned.
const IRQ_FRAME: usize = 176;

// The immediates above must fit the instructions that take them.
const _: () = assert!(TCR >> 48 == 0 && SCTLR_CLEAR >> 32 == 0 && SCTLR_SET >> 16 == 0);
const _: () = assert!(IRQ_FRAME % 16 == 0 && IRQ_FRAME >= 21 * 8);
const _: () = assert!(size_of::<EntryRecord>() == 4096);

extern "C" {
    fn tg_resume_entry();
    fn tg_secondary_entry();
    fn tg_racer_entry();
    fn tg_vcpu2_entry();
    fn tg_irqs_entry();
    fn tg_record_civac();
    static __image_start: u8;
    static __image_end: u8;
}

extern "C" fn rust_boot(dtb: u64) -> ! {
    crate::modes::boot(dtb)
}

extern "C" fn rust_resume() -> ! {
    crate::modes::resume(&read_record())
}

extern "C" fn rust_secondary(context: u64) -> ! {
    crate::modes::secondary(context)
}

extern "C" fn rust_racer(context: u64) -> ! {
    crate::modes::racer(context)
}

extern "C" fn rust_vcpu2() -> ! {
    crate::modes::vcpu2()
}

extern "C" fn rust_irqs_on(context: u64) -> ! {
    crate::modes::irqs_vcpu_on(context)
}

/// From tg_irq_entry, IRQs masked. Returns to the interrupted code once
/// irq.rs has handled the interrupt; outside mode=irqs no IRQ is ever
/// unmasked, and one is as fatal as any other exception.
extern "C" fn rust_irq() {
    if crate::irq::handle() {
        return;
    }
    let (esr, elr, far): (u64, u64, u64);
    // SAFETY: marks this vCPU as in the (fatal) exception handler, as
    // tg_exception_entry does, so that a nested exception powers off at
    // once, and reads the syndrome registers; no memory is touched.
    unsafe {
        asm!(
            "mov {t}, #1",
            "msr tpidr_el1, {t}",
            "mrs {esr}, esr_el1",
            "mrs {elr}, elr_el1",
            "mrs {far}, far_el1",
            t = out(reg) _,
            esr = out(reg) esr,
            elr = out(reg) elr,
            far = out(reg) far,
            options(nomem, nostack),
        )
    };
    rust_exception(5, esr, elr, far)
}

extern "C" fn rust_exception(index: u64, esr: u64, elr: u64, far: u64) -> ! {
    const FROM: [&str; 4] = ["el1t", "el1h", "el0-a64", "el0-a32"];
    const KIND: [&str; 4] = ["sync", "irq", "fiq", "serror"];
    let from = FROM.get((index as usize / 4) % 4).copied().unwrap_or("?");
    let kind = KIND.get(index as usize % 4).copied().unwrap_or("?");
    say!(
        "EXCEPTION {kind}-{from} esr={esr:#x} elr={elr:#x} far={far:#x} vcpu={}",
        mpidr() & 0xff
    );
    crate::modes::abort(format_args!("exception"))
}

/// Physical address of the resume entry (for SYSTEM_SUSPEND).
pub fn resume_entry() -> u64 {
    tg_resume_entry as *const () as usize as u64
}

/// Physical address of the secondary entry (for CPU_ON).
pub fn secondary_entry() -> u64 {
    tg_secondary_entry as *const () as usize as u64
}

/// Physical address of the racer's entry (CPU_ON of vCPU1, mode=races).
pub fn racer_entry() -> u64 {
    tg_racer_entry as *const () as usize as u64
}

/// Physical address of vCPU2's entry (CPU_ON of vCPU2, mode=races).
pub fn vcpu2_entry() -> u64 {
    tg_vcpu2_entry as *const () as usize as u64
}

/// Physical address of the entry of mode=irqs (CPU_ON of vCPU0 or vCPU1,
/// x0 = the cycle it runs).
pub fn irqs_entry() -> u64 {
    tg_irqs_entry as *const () as usize as u64
}

/// Reads the record the resume entry wrote, through the cache (the entry
/// code has invalidated its lines).
fn read_record() -> EntryState {
    let r = RECORD.get();
    // SAFETY: `r` points to the static record; the one vCPU online (see
    // RECORD) is its only user; the fields are aligned u64.
    unsafe {
        EntryState {
            x0: ptr::read_volatile(&raw const (*r).x0),
            sctlr: ptr::read_volatile(&raw const (*r).sctlr),
            daif: ptr::read_volatile(&raw const (*r).daif),
            current_el: ptr::read_volatile(&raw const (*r).current_el),
            spsel: ptr::read_volatile(&raw const (*r).spsel),
            ttbr0: ptr::read_volatile(&raw const (*r).ttbr0),
            ttbr1: ptr::read_volatile(&raw const (*r).ttbr1),
            tcr: ptr::read_volatile(&raw const (*r).tcr),
            pc: ptr::read_volatile(&raw const (*r).pc),
            tick: ptr::read_volatile(&raw const (*r).tick),
        }
    }
}

/// Before a SYSTEM_SUSPEND: fills the record with [`POISON`], so that a
/// field the next entry does not store cannot pass for a stored one, then
/// cleans and invalidates it to memory so that no dirty line of it can
/// later be written back over what the entry stores with the MMU off.
pub fn poison_record() {
    let r = RECORD.get();
    // SAFETY: as in read_record: the static record, the one vCPU online,
    // aligned u64 fields; tg_record_civac only does cache maintenance on
    // the record's page and clobbers caller-saved registers.
    unsafe {
        ptr::write_volatile(&raw mut (*r).x0, POISON);
        ptr::write_volatile(&raw mut (*r).sctlr, POISON);
        ptr::write_volatile(&raw mut (*r).daif, POISON);
        ptr::write_volatile(&raw mut (*r).current_el, POISON);
        ptr::write_volatile(&raw mut (*r).spsel, POISON);
        ptr::write_volatile(&raw mut (*r).ttbr0, POISON);
        ptr::write_volatile(&raw mut (*r).ttbr1, POISON);
        ptr::write_volatile(&raw mut (*r).tcr, POISON);
        ptr::write_volatile(&raw mut (*r).pc, POISON);
        ptr::write_volatile(&raw mut (*r).tick, POISON);
        tg_record_civac();
    }
}

/// The DTB Xen passed in x0, if its address and header look sane: inside
/// the RAM block, not overlapping the image, at most 1 MB.
pub fn dtb_blob(addr: u64) -> Option<&'static [u8]> {
    const MAX_SIZE: usize = 1 << 20;
    let image_start = &raw const __image_start as u64;
    let image_end = &raw const __image_end as u64;
    let usable =
        |end: u64| addr >= RAM_START && end <= RAM_END && (end <= image_start || addr >= image_end);
    if !usable(addr.checked_add(fdt::HEADER_SIZE as u64)?) {
        return None;
    }
    // SAFETY: the header lies in the RAM block, mapped Normal memory, and
    // outside the image, so nothing of the guest writes it.
    let header = unsafe { slice::from_raw_parts(addr as *const u8, fdt::HEADER_SIZE) };
    let size = fdt::total_size(header)?;
    if !(fdt::HEADER_SIZE..=MAX_SIZE).contains(&size) || !usable(addr.checked_add(size as u64)?) {
        return None;
    }
    // SAFETY: as for the header, for the whole blob.
    Some(unsafe { slice::from_raw_parts(addr as *const u8, size) })
}

/// The physical counter (CNTPCT_EL0).
pub fn counter() -> u64 {
    let value: u64;
    // SAFETY: reads a register; the isb orders it after earlier code.
    unsafe { asm!("isb", "mrs {}, cntpct_el0", out(reg) value, options(nomem, nostack)) };
    value
}

/// The counter frequency in Hz (CNTFRQ_EL0), as firmware/Xen set it.
pub fn counter_frequency() -> u64 {
    let value: u64;
    // SAFETY: reads a register.
    unsafe { asm!("mrs {}, cntfrq_el0", out(reg) value, options(nomem, nostack)) };
    value
}

/// MPIDR_EL1 of the running vCPU.
pub fn mpidr() -> u64 {
    let value: u64;
    // SAFETY: reads a register.
    unsafe { asm!("mrs {}, mpidr_el1", out(reg) value, options(nomem, nostack)) };
    value
}

/// Waits for events forever (after SYSTEM_OFF or CPU_OFF failed).
pub fn halt() -> ! {
    loop {
        // SAFETY: wfe only waits.
        unsafe { asm!("wfe", options(nomem, nostack)) };
    }
}
