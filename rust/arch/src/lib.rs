//! What the Arm architecture defines and all three programs of this project
//! speak: the suspend layer linked into Xen, the EL3 test firmware and the
//! bare-metal test guest. Each PSCI function id, return code, GIC register
//! and shared system register bit is defined here once.
//!
//! no_std, no dependencies, no formatting machinery: the suspend layer links
//! it into the hypervisor. The one piece of hardware access here is
//! [`mmio::Mmio`], which reaches only registers declared in [`reg`]'s
//! types.

#![no_std]
#![deny(
    missing_docs,
    unsafe_op_in_unsafe_fn,
    clippy::undocumented_unsafe_blocks,
    clippy::missing_safety_doc
)]

pub mod gic;
pub mod mmio;
pub mod primecell;
pub mod psci;
pub mod reg;
pub mod sysreg;
