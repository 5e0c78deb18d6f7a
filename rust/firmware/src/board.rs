//! The board: the PL031 RTC, power-off and reset through the secure PL061
//! GPIO, and the implementations of the portable traits
//! ([`Platform`] for the PSCI decisions, [`SuspendOps`] for the suspend).

use xsr_firmware::layout::{self, RTC_BASE, SECURE_GPIO_BASE};
use xsr_firmware::psci::Platform;
use xsr_firmware::regs::{self, WipeMode};
use xsr_firmware::suspend::{Rtc, SuspendOps, WakeReason};

use xsr_arch::primecell::{pl031, pl061, Pl031, Pl061};

use crate::cpu;
use crate::gic;
use xsr_arch::mmio::Mmio;

// SAFETY: the PL031's 4 KB register block of QEMU virt.
const RTC: Mmio<Pl031> = unsafe { Mmio::fixed(RTC_BASE as usize) };
// SAFETY: the secure PL061's 4 KB register block (secure only).
const GPIO: Mmio<Pl061> = unsafe { Mmio::fixed(SECURE_GPIO_BASE as usize) };

/// The PSCI decisions' view of the hardware.
pub struct Board;

impl Platform for Board {
    fn wake_pen(&mut self, _cpu: usize) {
        cpu::sev();
    }
}

/// Drives secure GPIO `line` high (QEMU's gpio-pwr acts on the rising
/// edge), then waits a second for QEMU to act.
fn gpio_pulse(line: u32) {
    let bit = 1u32 << line;
    // GPIODATA is addressed through a mask: the register of the line's
    // bit changes only that line.
    let Some(data) = pl061::DATA.get(bit as usize) else {
        return;
    };
    GPIO.write32(data, 0);
    GPIO.write32(pl061::DIR, GPIO.read32(pl061::DIR) | bit);
    GPIO.write32(data, bit);
    cpu::udelay(1_000_000);
}

/// PSCI SYSTEM_OFF. If QEMU does not power off, say so and stop.
pub fn system_off() -> ! {
    gpio_pulse(layout::GPIO_LINE_POWEROFF);
    say!("FW: SYSTEM_OFF: the secure GPIO did not power the machine off; halting");
    cpu::halt()
}

/// PSCI SYSTEM_RESET. If QEMU does not reset, say so and stop.
pub fn system_reset() -> ! {
    crate::fw::forget_boot();
    gpio_pulse(layout::GPIO_LINE_RESET);
    say!("FW: SYSTEM_RESET: the secure GPIO did not reset the machine; halting");
    cpu::halt()
}

/// The hardware side of a SYSTEM_SUSPEND on the calling CPU.
pub struct Suspend;

impl SuspendOps for Suspend {
    fn wipe_gic(&mut self) {
        gic::wipe();
    }

    fn wipe_cpu(&mut self, mode: WipeMode) {
        cpu::write_el2_el1(&regs::el2_el1_values(mode, cpu::ids()));
    }

    fn announce_wiped(&mut self, mode: WipeMode) {
        say!(
            "FW: SYSTEM_SUSPEND: state wiped ({}), waiting for RTC alarm or timeout ({} s)",
            mode.name(),
            layout::WAKE_TIMEOUT_SECS
        );
    }

    fn rtc(&mut self) -> Rtc {
        Rtc {
            dr: RTC.read32(pl031::DR),
            mr: RTC.read32(pl031::MR),
            imsc: RTC.read32(pl031::IMSC),
            ris: RTC.read32(pl031::RIS),
        }
    }

    fn counter(&mut self) -> u64 {
        cpu::counter()
    }

    fn counter_freq(&mut self) -> u64 {
        cpu::counter_freq()
    }

    fn relax(&mut self) {
        cpu::udelay(1000);
    }

    fn secure_setup(&mut self) {
        gic::init_global();
        if !gic::init_cpu() {
            say!("FW: SYSTEM_SUSPEND: the redistributor did not wake");
        }
        gic::hand_over();
    }

    fn announce_wake(&mut self, reason: WakeReason, ticks: u64, entry: u64) {
        let ms = match cpu::counter_freq() / 1000 {
            0 => 0,
            per_ms => ticks / per_ms,
        };
        say!(
            "FW: SYSTEM_SUSPEND: woken by {} after {} ms, resuming at {:#x}",
            reason.name(),
            ms,
            entry
        );
    }
}
