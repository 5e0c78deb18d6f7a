//! Memory map of QEMU virt with `secure=on` as the firmware uses it, and
//! the addresses the e2e runner (ci/e2e.sh, machines `virt-gicv3-fw` and
//! `virt-gicv2-fw`) loads things at. They are defined here only: ci/e2e.sh
//! reads XEN_ADDR, DTB_ADDR, DTB_MAX_SIZE, CONFIG_ADDR and
//! WIPE_SCRAMBLED_MAGIC from this file, so each stays one hexadecimal
//! literal on its own `pub const` line (their relations are asserted
//! below).
//!
//! Checked against `qemu-system-aarch64 -machine
//! virt,secure=on,virtualization=on,dumpdtb=...` (QEMU 10.0): flash0 at 0
//! (secure only, 64 MB), secure RAM `secram@e000000` (16 MB), the PL011 at
//! 0x09000000 (Xen's console), the PL031 RTC at 0x09010000, the secure
//! PL061 GPIO at 0x090b0000 (line 0: power off, line 1: reset, as
//! /gpio-poweroff and /gpio-restart say), RAM at 0x40000000.

/// Normal (non-secure) RAM: base and size (`-m 2048`).
pub const RAM_BASE: u64 = 0x4000_0000;
/// Size of normal RAM; must match QEMU's `-m` (2048 MB).
pub const RAM_SIZE: u64 = 2048 << 20;

/// Where the e2e runner loads Xen (`-device loader,force-raw=on`): a 2 MB
/// aligned base plus Xen's text_offset (0 in its Image header; its flags
/// allow any 2 MB aligned base). Not at the RAM base itself: with `-bios`
/// and no `-kernel`, QEMU puts its own DTB there (up to 1 MB).
pub const XEN_ADDR: u64 = 0x4020_0000;
/// Where the e2e runner loads the device tree for Xen (x0 at entry).
pub const DTB_ADDR: u64 = 0x4800_0000;
/// The largest DTB the runner may load at [`DTB_ADDR`] (Xen's own limit).
pub const DTB_MAX_SIZE: u64 = 0x20_0000;
/// The configuration word (`-device loader,addr=...,data=...,data-len=4`),
/// read once at boot, before Xen runs: [`WIPE_SCRAMBLED_MAGIC`] selects
/// scrambled register values for SYSTEM_SUSPEND; anything else (QEMU's RAM
/// starts zeroed) means reset values. In normal RAM because QEMU's loader
/// writes through the non-secure address space only; the word is below the
/// DTB, and Xen may reuse the page once it runs.
pub const CONFIG_ADDR: u64 = 0x47ff_f000;
/// "SCRM": the configuration word that selects [`crate::regs::WipeMode::Scrambled`].
pub const WIPE_SCRAMBLED_MAGIC: u32 = 0x5343_524d;

// What the literals above stand for.
const _: () = {
    assert!(XEN_ADDR == RAM_BASE + (2 << 20));
    assert!(DTB_MAX_SIZE == 2 << 20);
    assert!(CONFIG_ADDR == DTB_ADDR - 0x1000);
    assert!(DTB_ADDR + DTB_MAX_SIZE <= RAM_BASE + RAM_SIZE);
    assert!(u32::from_be_bytes(*b"SCRM") == WIPE_SCRAMBLED_MAGIC);
};

/// GICv2 and GICv3 distributor.
pub const GICD_BASE: u64 = 0x0800_0000;
/// GICv2 CPU interface.
pub const GICC_BASE: u64 = 0x0801_0000;
/// GICv2 virtual interface control (GICH), the banked per-CPU view.
pub const GICH_BASE: u64 = 0x0803_0000;
/// GICv3 redistributors (64 KB RD frame + 64 KB SGI frame per CPU).
pub const GICR_BASE: u64 = 0x080a_0000;
/// Size of QEMU virt's first redistributor region (123 CPUs).
pub const GICR_REGION_SIZE: u64 = 0x00f6_0000;

/// PL011 UART: Xen's console; the firmware prints short lines there,
/// saving and restoring the registers it touches.
pub const UART_BASE: u64 = 0x0900_0000;
/// PL031 real-time clock: its alarm wakes a SYSTEM_SUSPEND.
pub const RTC_BASE: u64 = 0x0901_0000;
/// Secure PL061 GPIO wired by QEMU to power-off and reset.
pub const SECURE_GPIO_BASE: u64 = 0x090b_0000;
/// Secure GPIO line that powers the machine off (QEMU: gpio-pwr "shutdown").
pub const GPIO_LINE_POWEROFF: u32 = 0;
/// Secure GPIO line that resets the machine (QEMU: gpio-pwr "reset").
pub const GPIO_LINE_RESET: u32 = 1;

/// The most CPUs the firmware handles (stacks and PSCI state; link.x
/// reserves FW_MAX_CPUS stacks). MPIDR Aff0 is the CPU index; Aff1-3 must
/// be 0 (QEMU virt puts up to 8 or 16 CPUs in cluster 0).
pub const MAX_CPUS: usize = 8;

/// Bytes of stack per CPU (link.x reserves FW_MAX_CPUS of FW_STACK_SIZE in
/// secure RAM; the boot CPU checks that the two agree).
pub const STACK_SIZE: u64 = 0x4000;

/// SYSTEM_SUSPEND waits at most this long for the RTC alarm, then wakes
/// by itself (so that `echo mem > /sys/power/state` without an alarm
/// still comes back).
pub const WAKE_TIMEOUT_SECS: u64 = 5;

/// How long the boot CPU waits for the other CPUs to reach their holding
/// pen before it enters Xen anyway (those missing stay absent for PSCI).
pub const CHECKIN_TIMEOUT_MS: u64 = 1000;

/// Is `[addr, addr + len)` inside normal RAM? `len` 0 counts as 1 byte.
pub const fn in_ram(addr: u64, len: u64) -> bool {
    let len = if len == 0 { 1 } else { len };
    match addr.checked_add(len) {
        Some(end) => addr >= RAM_BASE && end <= RAM_BASE + RAM_SIZE,
        None => false,
    }
}

// The loads must not collide: Xen's image (1-2 MB, 64 MB allowed) below
// the configuration word, the word below the DTB, the DTB below dom0's
// kernel (0x50000000, ci/e2e.sh).
const _: () = assert!(XEN_ADDR % 0x20_0000 == 0);
const _: () = assert!(XEN_ADDR + 0x0400_0000 <= CONFIG_ADDR);
const _: () = assert!(CONFIG_ADDR + 4 <= DTB_ADDR);
const _: () = assert!(DTB_ADDR + DTB_MAX_SIZE <= 0x5000_0000);
const _: () = assert!(DTB_ADDR % 8 == 0);
const _: () = assert!(in_ram(XEN_ADDR, 0x20_0000) && in_ram(DTB_ADDR, DTB_MAX_SIZE));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ram_bounds() {
        assert!(in_ram(RAM_BASE, 0));
        assert!(in_ram(RAM_BASE + RAM_SIZE - 4, 4));
        assert!(!in_ram(RAM_BASE + RAM_SIZE - 4, 8));
        assert!(!in_ram(RAM_BASE - 4, 4));
        assert!(!in_ram(0, 0));
        assert!(!in_ram(u64::MAX - 1, 8));
        assert!(!in_ram(RAM_BASE + RAM_SIZE, 0));
    }
}
