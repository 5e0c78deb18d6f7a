//! Output: the SBSA UART that Xen emulates for `vuart = "sbsa_uart"` (a
//! PL011 subset). One line per [`say!`], `TG: ` in front, `\r\n` after.
//!
//! Needs the MMU on (the UART page is mapped Device-nGnRnE by the boot page
//! table); all accesses are aligned, volatile and 32-bit.

use core::fmt;
use core::sync::atomic::{AtomicBool, Ordering};

use xsr_arch::mmio::Mmio;
use xsr_arch::primecell::{Pl011, Pl011Writer};

include!(concat!(env!("OUT_DIR"), "/config.rs"));

/// How many times to poll UARTFR before writing anyway (dropping the byte
/// if the FIFO is really still full) rather than hanging the test.
const TXFF_POLLS: u32 = 10_000_000;

/// The UART.
fn uart() -> Option<Pl011Writer> {
    // SAFETY: the UART's 4 KB MMIO page at UART_BASE, mapped
    // Device-nGnRnE by the boot page table, holds device registers only,
    // which only this module accesses; two vCPUs at once (the exception
    // report may bypass LINE_LOCK) only interleave bytes.
    let uart = unsafe { Mmio::<Pl011>::at(UART_BASE) }?;
    Some(Pl011Writer {
        uart,
        polls: TXFF_POLLS,
    })
}

/// Held while a line is printed, so that two vCPUs never interleave their
/// characters. Only used with the MMU on (exclusives need Normal memory).
static LINE_LOCK: AtomicBool = AtomicBool::new(false);
/// How long to wait for the lock before printing anyway: a vCPU that faults
/// while printing must not silence the exception report.
const LOCK_SPINS: u32 = 50_000_000;

/// Prints `TG: <args>\r\n`, whole.
pub fn line(args: fmt::Arguments) {
    let mut locked = false;
    for _ in 0..LOCK_SPINS {
        if LINE_LOCK
            .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
        {
            locked = true;
            break;
        }
        core::hint::spin_loop();
    }
    if let Some(mut uart) = uart() {
        uart.line("TG: ", args);
    }
    if locked {
        LINE_LOCK.store(false, Ordering::Release);
    }
}

/// `say!("fmt", args...)` prints one `TG: ` line.
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::uart::line(format_args!($($arg)*))
    };
}
