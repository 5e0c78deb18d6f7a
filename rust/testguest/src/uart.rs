//! Output: the SBSA UART that Xen emulates for `vuart = "sbsa_uart"` (a
//! PL011 subset). One line per [`say!`], `TG: ` in front, `\r\n` after.
//!
//! Needs the MMU on (the UART page is mapped Device-nGnRnE by the boot page
//! table); all accesses are aligned, volatile and 32-bit.

use core::fmt::{self, Write};
use core::ptr;
use core::sync::atomic::{AtomicBool, Ordering};

include!(concat!(env!("OUT_DIR"), "/config.rs"));

/// Data register.
const UARTDR: usize = 0x00;
/// Flag register.
const UARTFR: usize = 0x18;
/// UARTFR: transmit FIFO full.
const FR_TXFF: u32 = 1 << 5;
/// How many times to poll UARTFR before writing anyway (dropping the byte
/// if the FIFO is really still full) rather than hanging the test.
const TXFF_POLLS: u32 = 10_000_000;

/// The UART, as a [`fmt::Write`] sink.
pub struct Uart;

impl Uart {
    fn put(byte: u8) {
        let fr = (UART_BASE + UARTFR) as *const u32;
        let dr = (UART_BASE + UARTDR) as *mut u32;
        for _ in 0..TXFF_POLLS {
            // SAFETY: UARTFR is a 4-byte aligned register of the UART's MMIO
            // page, mapped Device-nGnRnE by the boot page table; reading it
            // has no side effect.
            if unsafe { ptr::read_volatile(fr) } & FR_TXFF == 0 {
                break;
            }
            core::hint::spin_loop();
        }
        // SAFETY: UARTDR is a 4-byte aligned register of the same page;
        // writing it transmits the byte and touches no memory.
        unsafe { ptr::write_volatile(dr, u32::from(byte)) };
    }
}

impl Write for Uart {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        s.bytes().for_each(Uart::put);
        Ok(())
    }
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
    let mut uart = Uart;
    // Uart::write_str never fails.
    let _ = uart.write_str("TG: ");
    let _ = uart.write_fmt(args);
    let _ = uart.write_str("\r\n");
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
