//! The firmware's Rust entry points (called from boot.rs): the boot CPU's
//! setup and the jump to Xen, the holding pen of the other CPUs, the SMC
//! handler and the report of an unexpected exception.

use core::ptr;
use core::sync::atomic::{AtomicU32, Ordering};

use xsr_firmware::layout::{self, CONFIG_ADDR, DTB_ADDR, XEN_ADDR};
use xsr_firmware::psci::{self, Cpus, Outcome};
use xsr_firmware::regs::{self, WipeMode, SPSR_EL2H_DAIF};
use xsr_firmware::spin::SpinLock;
use xsr_firmware::suspend;

use crate::board::{self, Board};
use crate::boot::{self, Frame, BOOT_READY, FW_BOOT_FLAG};
use crate::cpu;
use crate::gic;

/// The PSCI state of every CPU.
static CPUS: SpinLock<Cpus> = SpinLock::new(Cpus::new());

/// The configuration word read at boot (see layout::CONFIG_ADDR).
static CONFIG: AtomicU32 = AtomicU32::new(0);

fn wipe_mode() -> WipeMode {
    WipeMode::from_config(CONFIG.load(Ordering::Relaxed))
}

/// Reads a 32-bit word of normal RAM that QEMU's loader wrote before any
/// CPU ran (nothing else uses it until Xen runs).
fn read_ram_u32(addr: u64) -> u32 {
    if !layout::in_ram(addr, 4) || addr % 4 != 0 {
        return 0;
    }
    // SAFETY: an aligned word of normal RAM, outside every Rust object
    // (the firmware's data lives in secure RAM); read before the
    // non-secure world runs.
    unsafe { ptr::read_volatile(addr as usize as *const u32) }
}

/// The non-secure EL2/EL1 state the firmware hands over at a cold start
/// or CPU_ON: reset values, MMU and caches off, ICC_SRE_EL2 for a GICv3.
fn prepare_ns_entry() {
    cpu::write_el2_el1(&regs::el2_el1_values(WipeMode::Reset, cpu::ids()));
    gic::hand_over();
}

/// SYSTEM_RESET: a reset must find the secondaries waiting again.
pub fn forget_boot() {
    FW_BOOT_FLAG.store(0, Ordering::Relaxed);
    cpu::dsb();
}

/// The boot CPU (MPIDR Aff0 = 0), from boot.rs with .data and .bss ready.
pub extern "C" fn primary(cpu: usize) -> ! {
    if !boot::stacks_consistent() {
        say!("FW: link.x and layout.rs disagree on the stacks; halting");
        cpu::halt();
    }
    CONFIG.store(read_ram_u32(CONFIG_ADDR), Ordering::Relaxed);
    let freq = cpu::counter_freq();
    if freq == 0 {
        say!("FW: warning: CNTFRQ_EL0 is 0 (QEMU sets 62.5 MHz); timeouts assume that");
    }
    gic::init_global();
    if !gic::init_cpu() {
        say!("FW: CPU{cpu}: its GIC redistributor was not found or did not wake");
    }
    let expected = gic::cpu_count();
    CPUS.lock().boot(cpu);
    FW_BOOT_FLAG.store(BOOT_READY, Ordering::Release);
    cpu::sev();

    // Wait for the other CPUs to reach their pens, so that Xen's CPU_ON
    // finds them.
    let limit = match freq {
        0 => suspend::FALLBACK_FREQ,
        f => f,
    } / 1000
        * layout::CHECKIN_TIMEOUT_MS;
    let start = cpu::counter();
    let mut present = CPUS.lock().present();
    while present < expected && cpu::counter().wrapping_sub(start) < limit {
        cpu::udelay(100);
        present = CPUS.lock().present();
    }
    let (gic, lines) = gic::describe();
    say!(
        "FW: xsr test firmware: PSCI 1.1, {}, {} interrupt lines, {} of {} CPUs, CNTFRQ {} Hz, SYSTEM_SUSPEND wipe: {}, wake: RTC alarm or {} s",
        gic.name(),
        lines,
        present,
        expected,
        freq,
        wipe_mode().name(),
        layout::WAKE_TIMEOUT_SECS
    );

    // Is there an arm64 Image where Xen should be, and a DTB?
    let magic = read_ram_u32(XEN_ADDR + 0x38);
    if magic != 0x644d_5241 {
        say!("FW: no arm64 Image at {XEN_ADDR:#x} (magic {magic:#x}): load Xen there with -device loader,force-raw=on; halting");
        cpu::halt();
    }
    let fdt = read_ram_u32(DTB_ADDR);
    if fdt != 0xedfe_0dd0 {
        say!("FW: warning: no device tree at {DTB_ADDR:#x} (magic {fdt:#x})");
    }
    say!("FW: entering Xen at {XEN_ADDR:#x} (EL2h), device tree at {DTB_ADDR:#x}");
    prepare_ns_entry();
    boot::enter_ns(cpu, XEN_ADDR, DTB_ADDR)
}

/// Any other CPU, once the boot CPU is ready: its own secure setup, then
/// the holding pen.
pub extern "C" fn secondary(cpu: usize) -> ! {
    gic::init_cpu();
    CPUS.lock().check_in(cpu);
    pen(cpu)
}

/// The holding pen: wait for CPU_ON (wfe), then this CPU's setup and
/// the non-secure entry point.
pub extern "C" fn pen(cpu: usize) -> ! {
    loop {
        // The guard is a temporary of this statement: the lock is free
        // again below.
        let job = CPUS.lock().pen_poll(cpu);
        if let Some((entry, context)) = job {
            gic::init_cpu();
            prepare_ns_entry();
            CPUS.lock().mark_on(cpu);
            boot::enter_ns(cpu, entry, context);
        }
        cpu::wfe();
    }
}

/// An SMC from the non-secure world (boot.rs saved the caller's registers
/// in `frame`; the values left there are restored on return).
pub extern "C" fn smc(frame: &mut Frame) {
    let esr = cpu::mrs!("esr_el3");
    if (esr >> 26) & 0x3f != 0x17 {
        // Not an SMC from AArch64 (EC 0x17): nothing else is routed here.
        unexpected(8, esr, frame.elr, cpu::mrs!("far_el3"), frame.spsr);
    }
    let me = cpu::this_cpu();
    let regs = [frame.x[0], frame.x[1], frame.x[2], frame.x[3]];
    let outcome = {
        let mut cpus = CPUS.lock();
        psci::dispatch(&mut cpus, &mut Board, me, regs)
    };
    match outcome {
        Outcome::Return(v) => frame.x[0] = v as i64 as u64,
        Outcome::Standby => {
            cpu::wfi();
            frame.x[0] = 0;
        }
        Outcome::CpuOff => {
            gic::cpu_off();
            CPUS.lock().off_done(me);
            boot::pen_reenter(me)
        }
        Outcome::SystemOff => board::system_off(),
        Outcome::SystemReset => board::system_reset(),
        Outcome::SystemSuspend { entry, context } => {
            let resume = suspend::system_suspend(&mut board::Suspend, wipe_mode(), entry, context);
            frame.x = [0; 31];
            frame.x[0] = resume.context;
            frame.elr = resume.entry;
            frame.spsr = SPSR_EL2H_DAIF;
        }
    }
}

/// An exception the firmware does not expect: say what and where, stop.
pub extern "C" fn unexpected(index: u64, esr: u64, elr: u64, far: u64, spsr: u64) -> ! {
    const FROM: [&str; 4] = [
        "EL3 (SP_EL0)",
        "EL3",
        "lower EL (AArch64)",
        "lower EL (AArch32)",
    ];
    const KIND: [&str; 4] = ["synchronous", "IRQ", "FIQ", "SError"];
    let from = FROM.get((index as usize / 4) % 4).copied().unwrap_or("?");
    let kind = KIND.get(index as usize % 4).copied().unwrap_or("?");
    crate::console::fatal(format_args!(
        "FW: unexpected {kind} exception from {from} on CPU{}: ESR_EL3 {esr:#x} ELR_EL3 {elr:#x} FAR_EL3 {far:#x} SPSR_EL3 {spsr:#x}; halting",
        cpu::this_cpu()
    ));
    cpu::halt()
}
