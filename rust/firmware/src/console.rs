//! Short firmware lines on the PL011 at 0x09000000, which is Xen's console.
//! Every line saves the UART registers it changes (control, interrupt
//! mask) and restores them afterwards, and clears the transmit interrupt
//! it caused, so that Xen's driver finds the UART as it left it. The
//! firmware prints at boot (before Xen), around a SYSTEM_SUSPEND, and on
//! fatal errors; never on the CPU_ON/CPU_OFF paths, where Xen may be
//! printing on another CPU.

use core::fmt::{self, Write};

use xsr_firmware::layout::UART_BASE;
use xsr_firmware::spin::SpinLock;

use xsr_arch::primecell::{pl011, Pl011};

use xsr_arch::mmio::Mmio;

use pl011::{CR, CR_TXE, CR_UARTEN, DR, FR, FR_BUSY, FR_TXFF, ICR, IMSC, INT_TX, RIS};

/// Polls of FR before a character (or the final drain) is given up.
const SPIN_LIMIT: u32 = 1_000_000;

// SAFETY: the PL011's 4 KB register block of QEMU virt.
const UART: Mmio<Pl011> = unsafe { Mmio::fixed(UART_BASE as usize) };

static LOCK: SpinLock<()> = SpinLock::new(());

struct Tx;

impl Tx {
    fn put(&mut self, b: u8) {
        let mut n = 0;
        while UART.read32(FR) & FR_TXFF != 0 && n < SPIN_LIMIT {
            n += 1;
        }
        UART.write32(DR, b as u32);
    }
}

impl Write for Tx {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for b in s.bytes() {
            if b == b'\n' {
                self.put(b'\r');
            }
            self.put(b);
        }
        Ok(())
    }
}

fn emit(args: fmt::Arguments) {
    let cr = UART.read32(CR);
    let imsc = UART.read32(IMSC);
    let tx_pending = UART.read32(RIS) & INT_TX != 0;
    UART.write32(IMSC, 0);
    UART.write32(CR, cr | CR_UARTEN | CR_TXE);
    let _ = Tx.write_fmt(args);
    let _ = Tx.write_str("\n");
    let mut n = 0;
    while UART.read32(FR) & FR_BUSY != 0 && n < SPIN_LIMIT {
        n += 1;
    }
    if !tx_pending {
        UART.write32(ICR, INT_TX);
    }
    UART.write32(IMSC, imsc);
    UART.write32(CR, cr);
}

/// Prints one line (a newline is added).
pub fn print(args: fmt::Arguments) {
    let _guard = LOCK.lock();
    emit(args);
}

/// Prints one line even if the console lock is held (by this CPU, which
/// faulted while printing, or by a dead one): for fatal errors only.
pub fn fatal(args: fmt::Arguments) {
    let guard = LOCK.try_lock();
    emit(args);
    drop(guard);
}

/// `say!("...", ...)`: one firmware line on the console.
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::console::print(format_args!($($arg)*))
    };
}
