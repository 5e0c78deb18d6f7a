//! Everything that runs before Rust or that Rust cannot express:
//!
//! - the reset vector at address 0, where QEMU starts every CPU at EL3
//!   with the MMU off: EL3 setup (VBAR_EL3, SCTLR_EL3, SCR_EL3, CPTR_EL3,
//!   MDCR_EL3), the CPU's slot from MPIDR (Aff0; anything else parks the
//!   CPU), its stack in secure RAM; the boot CPU (Aff0 = 0) copies .data
//!   and zeroes .bss, the others wait for it ([`FW_BOOT_FLAG`]);
//! - the EL3 exception vectors: an SMC from the non-secure world (lower
//!   EL, AArch64, synchronous) saves x0-x30, ELR_EL3 and SPSR_EL3 in a
//!   [`Frame`] on the CPU's stack, calls Rust and returns from the frame
//!   (Rust may rewrite it: a resume from SYSTEM_SUSPEND); anything else is
//!   reported and stops the CPU;
//! - [`enter_ns`]: the way out to non-secure EL2h, MMU off, D/A/I/F
//!   masked, x0 = the argument, x1-x30 = 0, with the CPU's stack reset;
//! - [`pen_reenter`]: back to the holding pen after CPU_OFF, with the
//!   CPU's stack reset.
//!
//! EL3 settings: SCR_EL3 = NS | RW | HCE (lower ELs AArch64, HVC enabled,
//! SMC enabled, no IRQ/FIQ/SError routed to EL3); CPTR_EL3 = 0 (no FP,
//! trace or CPACR traps); MDCR_EL3.SDD (no secure self-hosted debug);
//! SCTLR_EL3 = RES1 | I | SA (MMU and data cache off, little endian).
//! ACTLR_EL3 stays at its reset value (no lower-EL access to IMPLEMENTATION
//! DEFINED registers; neither Xen nor Linux needs them on QEMU).

use core::arch::global_asm;
use core::mem::{offset_of, size_of};
use core::sync::atomic::AtomicU32;

use xsr_arch::sysreg;
use xsr_firmware::layout::{MAX_CPUS, STACK_SIZE};
use xsr_firmware::regs::SPSR_EL2H_DAIF;

/// SCR_EL3: NS, RES1 bits 5:4, HCE, RW.
pub const SCR_EL3: u64 = 1 | (0b11 << 4) | (1 << 8) | (1 << 10);
/// SCTLR_EL3: RES1 bits 29, 28, 23, 22, 18, 16, 11, 5, 4; SA, I.
pub const SCTLR_EL3: u64 = sysreg::SCTLR_EL2_RES1 | sysreg::SCTLR_SA | sysreg::SCTLR_I;
/// MDCR_EL3: SDD.
pub const MDCR_EL3: u64 = 1 << 16;
/// What the boot CPU writes to [`FW_BOOT_FLAG`] once .data and .bss are
/// ready.
pub const BOOT_READY: u32 = 0x4657_5244;

/// Secondary CPUs wait until the boot CPU stores [`BOOT_READY`] here. In
/// .bss: zero at a cold start (QEMU's RAM starts zeroed) and cleared by
/// SYSTEM_RESET before the reset.
#[no_mangle]
pub static FW_BOOT_FLAG: AtomicU32 = AtomicU32::new(0);

/// The registers of the non-secure caller, saved by the SMC entry.
#[repr(C)]
pub struct Frame {
    pub x: [u64; 31],
    pub elr: u64,
    pub spsr: u64,
    _pad: u64,
}

const _: () = assert!(size_of::<Frame>() % 16 == 0);
const _: () = assert!(offset_of!(Frame, elr) == 248 && offset_of!(Frame, spsr) == 256);
const _: () = assert!(STACK_SIZE < 0x1_0000 && STACK_SIZE % 16 == 0);
const _: () = assert!(MAX_CPUS.is_power_of_two());

global_asm!(
    // fw_stack_top REG, IDX: REG := __stacks_start + (IDX + 1) * STACK_SIZE.
    // Clobbers x10, x11.
    ".macro fw_stack_top reg, idx",
    "    adrp    \\reg, __stacks_start",
    "    add     \\reg, \\reg, :lo12:__stacks_start",
    "    add     x10, \\idx, #1",
    "    mov     x11, #{stack_size}",
    "    madd    \\reg, x10, x11, \\reg",
    ".endm",
    ".pushsection .text.fw_entry, \"ax\"",
    ".global _start",
    "_start:",
    "    msr     daifset, #0xf",
    "    adrp    x9, fw_vectors",
    "    add     x9, x9, :lo12:fw_vectors",
    "    msr     vbar_el3, x9",
    "    ldr     x9, ={sctlr}",
    "    msr     sctlr_el3, x9",
    "    ldr     x9, ={scr}",
    "    msr     scr_el3, x9",
    "    msr     cptr_el3, xzr",
    "    ldr     x9, ={mdcr}",
    "    msr     mdcr_el3, x9",
    "    isb",
    // The slot: MPIDR Aff0 < MAX_CPUS, Aff1-3 zero.
    "    mrs     x19, mpidr_el1",
    "    and     x20, x19, #0xff",
    "    ldr     x9, =0xff00ffff00",
    "    tst     x19, x9",
    "    b.ne    fw_park",
    "    cmp     x20, #{max_cpus}",
    "    b.hs    fw_park",
    "    msr     tpidr_el3, x20",
    "    msr     spsel, #1",
    "    fw_stack_top x9, x20",
    "    mov     sp, x9",
    "    cbnz    x20, 5f",
    // Boot CPU: .data from flash to secure RAM, .bss zeroed.
    "    adrp    x0, __data_load",
    "    add     x0, x0, :lo12:__data_load",
    "    adrp    x1, __data_start",
    "    add     x1, x1, :lo12:__data_start",
    "    adrp    x2, __data_end",
    "    add     x2, x2, :lo12:__data_end",
    "1:  cmp     x1, x2",
    "    b.hs    2f",
    "    ldr     x3, [x0], #8",
    "    str     x3, [x1], #8",
    "    b       1b",
    "2:  adrp    x1, __bss_start",
    "    add     x1, x1, :lo12:__bss_start",
    "    adrp    x2, __bss_end",
    "    add     x2, x2, :lo12:__bss_end",
    "3:  cmp     x1, x2",
    "    b.hs    4f",
    "    str     xzr, [x1], #8",
    "    b       3b",
    "4:  dsb     sy",
    "    mov     x0, x20",
    "    bl      {primary}",
    "    b       fw_park",
    // Other CPUs: wait for the boot CPU, then Rust.
    "5:  adrp    x9, {flag}",
    "    add     x9, x9, :lo12:{flag}",
    "    ldr     w11, ={ready}",
    "6:  ldr     w10, [x9]",
    "    cmp     w10, w11",
    "    b.eq    7f",
    "    wfe",
    "    b       6b",
    "7:  mov     x0, x20",
    "    bl      {secondary}",
    ".global fw_park",
    "fw_park:",
    "    wfi",
    "    b       fw_park",
    "",
    // fw_enter_ns(entry, arg, stack_top): to non-secure EL2h.
    ".global fw_enter_ns",
    "fw_enter_ns:",
    "    msr     elr_el3, x0",
    "    mov     x9, #{spsr_el2h}",
    "    msr     spsr_el3, x9",
    "    mov     sp, x2",
    "    mov     x0, x1",
    "    mov     x1, xzr",
    "    mov     x2, xzr",
    "    mov     x3, xzr",
    "    mov     x4, xzr",
    "    mov     x5, xzr",
    "    mov     x6, xzr",
    "    mov     x7, xzr",
    "    mov     x8, xzr",
    "    mov     x9, xzr",
    "    mov     x10, xzr",
    "    mov     x11, xzr",
    "    mov     x12, xzr",
    "    mov     x13, xzr",
    "    mov     x14, xzr",
    "    mov     x15, xzr",
    "    mov     x16, xzr",
    "    mov     x17, xzr",
    "    mov     x18, xzr",
    "    mov     x19, xzr",
    "    mov     x20, xzr",
    "    mov     x21, xzr",
    "    mov     x22, xzr",
    "    mov     x23, xzr",
    "    mov     x24, xzr",
    "    mov     x25, xzr",
    "    mov     x26, xzr",
    "    mov     x27, xzr",
    "    mov     x28, xzr",
    "    mov     x29, xzr",
    "    mov     x30, xzr",
    "    eret",
    "",
    // fw_pen_reenter(cpu, stack_top): the holding pen on a fresh stack.
    ".global fw_pen_reenter",
    "fw_pen_reenter:",
    "    mov     sp, x1",
    "    bl      {pen}",
    "    b       fw_park",
    ".ltorg",
    ".popsection",
    "",
    ".pushsection .text.fw_vectors, \"ax\"",
    ".macro fw_vector idx",
    "    .balign 0x80",
    "    mov     x0, #\\idx",
    "    b       fw_unexpected",
    ".endm",
    ".balign 0x800",
    ".global fw_vectors",
    "fw_vectors:",
    "    fw_vector 0",
    "    fw_vector 1",
    "    fw_vector 2",
    "    fw_vector 3",
    "    fw_vector 4",
    "    fw_vector 5",
    "    fw_vector 6",
    "    fw_vector 7",
    // Lower EL, AArch64, synchronous: the SMC entry.
    "    .balign 0x80",
    "    b       fw_smc_entry",
    "    fw_vector 9",
    "    fw_vector 10",
    "    fw_vector 11",
    "    fw_vector 12",
    "    fw_vector 13",
    "    fw_vector 14",
    "    fw_vector 15",
    "",
    "fw_smc_entry:",
    "    sub     sp, sp, #{frame_size}",
    "    stp     x0, x1, [sp, #0]",
    "    stp     x2, x3, [sp, #16]",
    "    stp     x4, x5, [sp, #32]",
    "    stp     x6, x7, [sp, #48]",
    "    stp     x8, x9, [sp, #64]",
    "    stp     x10, x11, [sp, #80]",
    "    stp     x12, x13, [sp, #96]",
    "    stp     x14, x15, [sp, #112]",
    "    stp     x16, x17, [sp, #128]",
    "    stp     x18, x19, [sp, #144]",
    "    stp     x20, x21, [sp, #160]",
    "    stp     x22, x23, [sp, #176]",
    "    stp     x24, x25, [sp, #192]",
    "    stp     x26, x27, [sp, #208]",
    "    stp     x28, x29, [sp, #224]",
    "    mrs     x9, elr_el3",
    "    mrs     x10, spsr_el3",
    "    stp     x30, x9, [sp, #240]",
    "    str     x10, [sp, #256]",
    "    mov     x0, sp",
    "    bl      {smc}",
    "    ldr     x10, [sp, #256]",
    "    ldp     x30, x9, [sp, #240]",
    "    msr     elr_el3, x9",
    "    msr     spsr_el3, x10",
    "    ldp     x0, x1, [sp, #0]",
    "    ldp     x2, x3, [sp, #16]",
    "    ldp     x4, x5, [sp, #32]",
    "    ldp     x6, x7, [sp, #48]",
    "    ldp     x8, x9, [sp, #64]",
    "    ldp     x10, x11, [sp, #80]",
    "    ldp     x12, x13, [sp, #96]",
    "    ldp     x14, x15, [sp, #112]",
    "    ldp     x16, x17, [sp, #128]",
    "    ldp     x18, x19, [sp, #144]",
    "    ldp     x20, x21, [sp, #160]",
    "    ldp     x22, x23, [sp, #176]",
    "    ldp     x24, x25, [sp, #192]",
    "    ldp     x26, x27, [sp, #208]",
    "    ldp     x28, x29, [sp, #224]",
    "    add     sp, sp, #{frame_size}",
    "    eret",
    "",
    // Anything else: report (x0 = vector index) on a fresh stack, stop.
    "fw_unexpected:",
    "    mrs     x1, esr_el3",
    "    mrs     x2, elr_el3",
    "    mrs     x3, far_el3",
    "    mrs     x4, spsr_el3",
    "    mrs     x20, tpidr_el3",
    "    and     x20, x20, #{cpu_mask}",
    "    fw_stack_top x9, x20",
    "    mov     sp, x9",
    "    bl      {unexpected}",
    "    b       fw_park",
    ".popsection",
    sctlr = const SCTLR_EL3,
    scr = const SCR_EL3,
    mdcr = const MDCR_EL3,
    max_cpus = const MAX_CPUS,
    cpu_mask = const MAX_CPUS - 1,
    ready = const BOOT_READY,
    spsr_el2h = const SPSR_EL2H_DAIF,
    frame_size = const size_of::<Frame>(),
    stack_size = const STACK_SIZE,
    flag = sym FW_BOOT_FLAG,
    primary = sym crate::fw::primary,
    secondary = sym crate::fw::secondary,
    pen = sym crate::fw::pen,
    smc = sym crate::fw::smc,
    unexpected = sym crate::fw::unexpected,
);

extern "C" {
    fn fw_enter_ns(entry: u64, arg: u64, stack_top: u64) -> !;
    fn fw_pen_reenter(cpu: usize, stack_top: u64) -> !;
    static __stacks_start: u8;
    static __stacks_end: u8;
}

/// The top of `cpu`'s stack.
pub fn stack_top(cpu: usize) -> u64 {
    let base = &raw const __stacks_start as u64;
    base + (cpu.min(MAX_CPUS - 1) as u64 + 1) * STACK_SIZE
}

/// Does link.x reserve the stacks this code computes?
pub fn stacks_consistent() -> bool {
    let start = &raw const __stacks_start as u64;
    let end = &raw const __stacks_end as u64;
    end - start == MAX_CPUS as u64 * STACK_SIZE
}

/// Enters the non-secure world at EL2h: `entry` with x0 = `arg`. This CPU's
/// stack is reset; nothing on it survives.
pub fn enter_ns(cpu: usize, entry: u64, arg: u64) -> ! {
    // SAFETY: fw_enter_ns only loads ELR/SPSR_EL3, resets SP_EL3 to the
    // top of this CPU's own stack and erets; it never returns, so no Rust
    // frame on the abandoned stack is used again.
    unsafe { fw_enter_ns(entry, arg, stack_top(cpu)) }
}

/// Back to the holding pen after CPU_OFF, on a fresh stack.
pub fn pen_reenter(cpu: usize) -> ! {
    // SAFETY: as for enter_ns: the stack is reset to this CPU's own top
    // and fw::pen never returns.
    unsafe { fw_pen_reenter(cpu, stack_top(cpu)) }
}
