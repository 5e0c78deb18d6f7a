//! [`GuestDomain`] over Xen's `struct domain`, through the C helpers of
//! `xen/arch/arm/rust/helpers.c`.

use core::ptr::NonNull;

use super::sys;
use crate::abi::ResumeSlot;
use crate::errno::Errno;
use crate::vpsci::{GuestDomain, VcpuEntry};

/// A live Xen domain, borrowed for the length of one call from Xen.
pub struct XenDomain(NonNull<sys::domain>);

impl XenDomain {
    /// Wrap `d`; `None` for a null pointer.
    ///
    /// # Safety
    ///
    /// `d` must be null or point to a live domain that stays alive while
    /// the value is used, and the caller must be in one of the contexts
    /// that may touch the domain's resume slot: the domain's only online
    /// vCPU trapped in SYSTEM_SUSPEND, `arch_domain_resume` (domain paused,
    /// shutdown_lock held), the wake tasklet (domain paused, domctl lock
    /// held, as `xl resume` holds it), or, for the hardware domain, the
    /// host suspend tasklet before it resumes the domain (the domain and
    /// its toolstack are shut down for suspend: nobody else resumes it). A
    /// resume first pauses the domain, which waits for a trapped vCPU to
    /// leave Xen, and resumes are serialised by the domctl lock, so these
    /// never overlap.
    pub unsafe fn new(d: *mut sys::domain) -> Option<Self> {
        NonNull::new(d).map(Self)
    }

    /// The domain of vCPU `v` and the vCPU's id.
    ///
    /// # Safety
    ///
    /// `v` must be null or a live vCPU, and the rest as for [`Self::new`].
    pub unsafe fn of_vcpu(v: *mut sys::vcpu) -> Option<(Self, u32)> {
        if v.is_null() {
            return None;
        }
        // SAFETY: v is a live vCPU (this function's contract); the helper
        // only reads v->domain.
        let d = unsafe { sys::xsr_helper_vcpu_domain(v) };
        // SAFETY: as above; the helper only reads v->vcpu_id.
        let id = unsafe { sys::xsr_helper_vcpu_id(v) };
        // SAFETY: a live vCPU's domain is live; the contract carries over.
        unsafe { Self::new(d) }.map(|dom| (dom, id))
    }

    fn ptr(&self) -> *mut sys::domain {
        self.0.as_ptr()
    }

    /// The domain id, for messages.
    pub fn id(&self) -> u32 {
        // SAFETY: the domain is live (see new()); the helper reads d->domain_id.
        u32::from(unsafe { sys::xsr_helper_domain_id(self.ptr()) })
    }
}

impl GuestDomain for XenDomain {
    fn is_hardware_domain(&self) -> bool {
        // SAFETY: live domain (see new()); read-only helper.
        unsafe { sys::xsr_helper_is_hardware_domain(self.ptr()) }
    }

    fn is_64bit(&self) -> bool {
        // SAFETY: live domain (see new()); read-only helper.
        unsafe { sys::xsr_helper_is_64bit_domain(self.ptr()) }
    }

    fn is_guest_ram(&self, gpa: u64) -> bool {
        // SAFETY: live domain (see new()); the helper takes and drops a
        // page reference and accepts any address.
        unsafe { sys::xsr_helper_is_guest_ram(self.ptr(), gpa) }
    }

    fn other_vcpus_offline(&self, caller: u32) -> bool {
        // SAFETY: live domain (see new()); the helper takes the domain lock,
        // which neither context of new() holds.
        unsafe { sys::xsr_helper_other_vcpus_offline(self.ptr(), caller) }
    }

    fn shutdown_for_suspend(&mut self) -> bool {
        // SAFETY: live domain (see new()). domain_shutdown takes the
        // shutdown_lock, which the SYSTEM_SUSPEND trap does not hold.
        unsafe { sys::domain_shutdown(self.ptr(), sys::SHUTDOWN_suspend as u8) };
        // SAFETY: live domain (see new()); the helper reads
        // d->shutdown_code.
        unsafe { sys::xsr_helper_shutdown_code(self.ptr()) == sys::SHUTDOWN_suspend }
    }

    fn slot(&mut self) -> &mut ResumeSlot {
        // SAFETY: the helper returns &d->arch.xsr_resume, valid and aligned
        // for the domain's life. It is only ever accessed from the two
        // contexts of new(), which never overlap, so this is the only
        // reference for as long as it lives (it borrows self mutably).
        unsafe { &mut *sys::xsr_helper_resume_slot(self.ptr()) }
    }

    fn sctlr_reset_value(&self) -> u64 {
        // SAFETY: returns a constant.
        unsafe { sys::xsr_helper_sctlr_guest_init() }
    }

    fn load_vcpu_entry(&mut self, vcpu: u32, entry: &VcpuEntry) -> Result<(), Errno> {
        // SAFETY: vcpu_guest_context is a plain C structure of integers and
        // unions of integers: all zeroes is a valid value (and the reset
        // value of every register not set below, TTBR0/1 and TCR included).
        let mut ctxt: sys::vcpu_guest_context = unsafe { core::mem::zeroed() };
        ctxt.flags = sys::VGCF_online;
        ctxt.sctlr = entry.sctlr;
        ctxt.ttbr0 = 0;
        ctxt.ttbr1 = 0;
        ctxt.ttbcr = 0;
        ctxt.user_regs.cpsr = u64::from(entry.cpsr);
        ctxt.user_regs.__bindgen_anon_32.pc64 = entry.pc;
        if entry.is_64bit {
            ctxt.user_regs.__bindgen_anon_1.x0 = entry.x0;
        } else {
            // r0 is the low half of x0 for an AArch32 guest.
            ctxt.user_regs.__bindgen_anon_1.x0 = entry.x0 & 0xffff_ffff;
        }
        // SAFETY: live domain (see new()), paused by domain_resume; the
        // helper checks vcpu and takes the domain lock (lock order:
        // shutdown_lock, then domain_lock); ctxt lives across the call.
        Errno::check(unsafe { sys::xsr_helper_vcpu_set_context(self.ptr(), vcpu, &mut ctxt) })
    }

    fn reset_vcpu_interrupts(&mut self, vcpu: u32) -> u32 {
        // SAFETY: live domain (see new()), paused by domain_resume, so the
        // vCPU is not running; the helper checks vcpu and takes the vCPU's
        // vGIC lock (irqsave), which nothing in this context holds.
        unsafe { sys::xsr_helper_vgic_vcpu_powerdown(self.ptr(), vcpu) }
    }

    fn wake_event_pending(&self, vcpu: u32) -> Option<u32> {
        // SAFETY: live domain (see new()); the helper checks vcpu and reads
        // the vCPU's vGIC state under its lock (irqsave), which none of
        // the contexts of new() holds.
        let intid = unsafe { sys::xsr_helper_wake_event_pending(self.ptr(), vcpu) };
        u32::try_from(intid).ok()
    }

    fn request_wake(&mut self) {
        // SAFETY: live domain (see new()); the helper sets a flag of the
        // domain atomically and schedules a tasklet, from any context.
        unsafe { sys::xsr_helper_request_wake(self.ptr()) }
    }

    fn is_suspended(&self) -> bool {
        // SAFETY: live domain (see new()); read-only helper.
        unsafe { sys::xsr_helper_domain_suspended(self.ptr()) }
    }

    fn resume_domain(&mut self) {
        // SAFETY: live domain; only called by vpsci::wake() from the wake
        // tasklet (see new()), which holds the domctl lock as
        // XEN_DOMCTL_resumedomain does and nothing else; domain_resume()
        // takes the locks it needs and calls arch_domain_resume(), which
        // reaches this domain's slot in its own context.
        unsafe { sys::xsr_helper_domain_resume_woken(self.ptr()) }
    }

    fn set_watchdogs(&mut self, run: bool) {
        // SAFETY: live domain (see new()); the helper takes the domain's
        // watchdog lock, which none of the contexts of new() holds.
        unsafe { sys::xsr_helper_watchdogs(self.ptr(), run) }
    }
}
