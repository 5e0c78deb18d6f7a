//! The C interface between Xen and this library: its version and the types
//! Xen embeds.
//!
//! This file is read by cbindgen (with `ffi.rs`) to write
//! `include/xen_suspend.h`. Bump the version whenever an exported function
//! or type changes: Xen passes the value it was compiled against to
//! `xsr_init`, and a mismatch disables the layer instead of calling through a
//! stale prototype.

/// Version of the interface described by `include/xen_suspend.h`.
pub const XSR_ABI_VERSION: u32 = 8;

/// Where a domain resumes after a PSCI SYSTEM_SUSPEND (C name
/// `struct xsr_resume_slot`, embedded in Xen's `struct arch_domain`).
///
/// Built and validated when the domain suspends, applied and disarmed by
/// `arch_domain_resume`. It lives in the domain itself, so neither
/// suspending nor resuming allocates, and it goes away with the domain.
/// Xen zero-fills a new domain, which is the unarmed state.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ResumeSlot {
    /// Guest physical address the vCPU resumes at (bit 0 already cleared
    /// for a Thumb entry).
    pub entry: u64,
    /// Value of x0 (r0 for a 32-bit guest) on resume.
    pub context_id: u64,
    /// PSTATE/CPSR on resume: EL1h (SVC) with D, A, I and F masked.
    pub cpsr: u32,
    /// The vCPU that called SYSTEM_SUSPEND; the one that resumes.
    pub vcpu_id: u32,
    /// Whether the rest is valid and waits for a resume.
    pub armed: bool,
}

/// Saved state of one console UART (C: `struct xsr_uart_context`),
/// embedded in the C driver's private structure. All-zero bytes (also
/// `UartContext::new` and `Default`) are the empty context.
///
/// Slots of `regs`:
///
/// | slot | PL011   | Cadence |
/// |------|---------|---------|
/// | 0    | IBRD    | CR      |
/// | 1    | FBRD    | MR      |
/// | 2    | LCR_H   | IMR     |
/// | 3    | CR      | BAUDGEN |
/// | 4    | IFLS    | RXTOUT  |
/// | 5    | IMSC    | RXWM    |
/// | 6    | (0)     | MODEMCR |
/// | 7    | (0)     | BAUDDIV |
///
/// An SBSA generic UART only saves IMSC; its other slots stay 0.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UartContext {
    /// The saved register values (see the table above).
    pub regs: [u32; 8],
    /// Whether `regs` holds a save that has not been restored yet.
    pub saved: bool,
}
