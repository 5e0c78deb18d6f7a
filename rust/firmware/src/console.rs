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

use crate::mmio::Mmio;

const DR: u64 = 0x00;
const FR: u64 = 0x18;
const CR: u64 = 0x30;
const IMSC: u64 = 0x38;
const RIS: u64 = 0x3c;
const ICR: u64 = 0x44;
const FR_BUSY: u32 = 1 << 3;
const FR_TXFF: u32 = 1 << 5;
const CR_UARTEN: u32 = 1 << 0;
const CR_TXE: u32 = 1 << 8;
const INT_TX: u32 = 1 << 5;

/// Polls of FR before a character (or the final drain) is given up.
const SPIN_LIMIT: u32 = 1_000_000;

// SAFETY: the PL011's 4 KB register block of QEMU virt.
const UART: Mmio = unsafe { Mmio::new(UART_BASE, 0x1000) };

static LOCK: SpinLock<()> = SpinLock::new(());

struct Tx;

impl Tx {
    fn put(&mut self, b: u8) {
        let mut n = 0;
        while UART.read(FR) & FR_TXFF != 0 && n < SPIN_LIMIT {
            n += 1;
        }
        UART.write(DR, b as u32);
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
    let cr = UART.read(CR);
    let imsc = UART.read(IMSC);
    let tx_pending = UART.read(RIS) & INT_TX != 0;
    UART.write(IMSC, 0);
    UART.write(CR, cr | CR_UARTEN | CR_TXE);
    let _ = Tx.write_fmt(args);
    let _ = Tx.write_str("\n");
    let mut n = 0;
    while UART.read(FR) & FR_BUSY != 0 && n < SPIN_LIMIT {
        n += 1;
    }
    if !tx_pending {
        UART.write(ICR, INT_TX);
    }
    UART.write(IMSC, imsc);
    UART.write(CR, cr);
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
