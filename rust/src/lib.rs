//! Suspend-to-RAM for Xen on arm64: the Rust layer linked into Xen.
//!
//! The crate is built two ways:
//! - for `aarch64-unknown-none-softfloat` as a `no_std` static library by
//!   Xen's own make (see `xen-patches/`); the Xen-facing code lives in
//!   [`xen`] and the exported C interface in `ffi` (target builds only);
//! - for the host by `cargo test`, where the logic runs against fakes and no
//!   Xen tree is needed.
//!
//! The logic modules never touch Xen directly: they are written against small
//! traits (a console, later a domain, a register block, a PSCI conduit) that
//! the target build implements on top of Xen and the tests implement with
//! fakes.
#![cfg_attr(not(test), no_std)]
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks, clippy::missing_safety_doc)]
#![deny(missing_docs)]

pub mod abi;
pub mod errno;
pub mod gic;
pub mod gicpm;
#[cfg(any(test, feature = "test-aids"))]
pub mod gicstate;
pub mod global;
pub mod guestmsg;
pub mod hostmsg;
pub mod hostpm;
pub mod layer;
pub mod line;
pub mod psci;
pub mod timer;
pub mod uart;
pub mod vclock;
pub mod vpsci;

#[cfg(target_os = "none")]
pub mod ffi;
#[cfg(target_os = "none")]
mod xen;
