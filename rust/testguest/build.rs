//! Build script of the test guest: the linker script (bare-metal target only)
//! and the build-time configuration in `$OUT_DIR/config.rs`.
//!
//! Two environment variables exist for a smoke run on plain QEMU (no Xen);
//! the image built for Xen must use neither:
//! - `TESTGUEST_UART_BASE`: MMIO base of the PL011/SBSA UART (default
//!   0x22000000, Xen's `vuart = "sbsa_uart"`; QEMU virt has 0x09000000);
//! - `TESTGUEST_LINK_BASE`: link address (default 0x40000000, where Xen loads
//!   the image; QEMU `-kernel` loads it at 0x40200000).

use std::env;
use std::fs;
use std::path::PathBuf;

/// Xen's SBSA vUART for `vuart = "sbsa_uart"` (GUEST_PL011_BASE).
const DEFAULT_UART_BASE: u64 = 0x2200_0000;

fn env_u64(name: &str) -> Option<u64> {
    println!("cargo:rerun-if-env-changed={name}");
    let text = env::var(name).ok()?;
    let text = text.trim();
    let value = match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => text.parse(),
    };
    match value {
        Ok(v) => Some(v),
        Err(e) => panic!("{name}={text}: not a number: {e}"),
    }
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=link.x");

    // The UART must sit in the first GB, which the boot page table maps as
    // Device memory.
    let uart = env_u64("TESTGUEST_UART_BASE").unwrap_or(DEFAULT_UART_BASE);
    assert!(
        uart < 0x4000_0000 && uart % 0x1000 == 0,
        "TESTGUEST_UART_BASE={uart:#x}: must be 4K-aligned and below 0x40000000"
    );
    let out = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR"));
    fs::write(
        out.join("config.rs"),
        format!("/// MMIO base of the UART (build-time configuration).\npub const UART_BASE: usize = {uart:#x};\n"),
    )
    .expect("write config.rs");

    if env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("none") {
        let dir = env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR");
        println!("cargo:rustc-link-search={dir}");
        println!("cargo:rustc-link-arg-bins=-Tlink.x");
        if let Some(base) = env_u64("TESTGUEST_LINK_BASE") {
            // The boot page table maps 0x40000000..0x80000000 as RAM.
            assert!(
                (0x4000_0000..0x8000_0000).contains(&base) && base % 0x20_0000 == 0,
                "TESTGUEST_LINK_BASE={base:#x}: must be 2M-aligned in 0x40000000..0x80000000"
            );
            println!("cargo:rustc-link-arg-bins=--defsym=tg_link_base_override={base:#x}");
        }
    }
}
