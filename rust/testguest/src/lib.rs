//! The pure logic of the test guest, kept apart from the bare-metal binary
//! (src/main.rs) so that a plain `cargo test` on the host exercises it: the
//! flattened device tree walk, the bootargs parser and the fuzzer's draws and
//! the answers the PSCI specification allows. No unsafe code, no
//! allocation, no panics on any input.

#![cfg_attr(not(test), no_std)]
#![deny(
    unsafe_op_in_unsafe_fn,
    clippy::undocumented_unsafe_blocks,
    clippy::missing_safety_doc
)]

pub mod bootargs;
pub mod fdt;
pub mod fuzz;
