//! The guest side of suspend-to-RAM: vPSCI SYSTEM_SUSPEND, its
//! PSCI_FEATURES answer, and what `xl resume` does to the domain
//! (`arch_domain_resume`).
//!
//! A guest suspends itself with SYSTEM_SUSPEND(entry point, context id) once
//! its other vCPUs are off. Xen then shuts the domain down with reason
//! "suspend" (`xl list` shows `---ss-`) and keeps it in memory. When the
//! toolstack resumes the domain, the calling vCPU starts again at the entry
//! point with x0 = context id, in the state the PSCI specification gives
//! for a core coming out of a powerdown: EL1h with D, A, I, F masked, MMU
//! and caches off (SCTLR_EL1 at its reset value), TTBR0/TTBR1/TCR zero.
//!
//! Everything is decided and validated when the guest suspends, and stored
//! in the domain's [`ResumeSlot`]; resuming only applies it and cannot fail.

use crate::abi::ResumeSlot;
use crate::errno::Errno;
use crate::psci::{self, psr, Conv, PsciError};

/// What the vPSCI code needs from a domain. Xen implements it over
/// `struct domain` (see `xen::domain`); the tests implement it with a fake.
pub trait GuestDomain {
    /// Whether this is the hardware (control) domain.
    fn is_hardware_domain(&self) -> bool;
    /// Whether the domain runs in AArch64 state.
    fn is_64bit(&self) -> bool;
    /// Whether guest physical address `gpa` is RAM of the domain.
    fn is_guest_ram(&self, gpa: u64) -> bool;
    /// Whether every vCPU but `caller` is offline, checked under the same
    /// lock vPSCI CPU_ON takes to bring a vCPU online.
    fn other_vcpus_offline(&self, caller: u32) -> bool;
    /// Shut the domain down with reason "suspend". Returns whether it is
    /// now shutting down *for suspend*: if it was already shutting down for
    /// another reason, that reason stands and nothing may be armed.
    fn shutdown_for_suspend(&mut self) -> bool;
    /// The domain's resume slot.
    fn slot(&mut self) -> &mut ResumeSlot;
    /// SCTLR_EL1 of a vCPU out of reset (MMU and caches off).
    fn sctlr_reset_value(&self) -> u64;
    /// Load `entry` into vCPU `vcpu`, which is not running. A negative errno
    /// on failure.
    fn load_vcpu_entry(&mut self, vcpu: u32, entry: &VcpuEntry) -> Result<(), Errno>;
    /// Give vCPU `vcpu`, which is not running, the interrupt state of a
    /// core leaving powerdown: its virtual GIC CPU interface at reset (no
    /// list register in use, no active priority, priority mask and group
    /// enables at their reset values) and every interrupt active for it
    /// deactivated; pending interrupts stay pending. Returns how many were
    /// deactivated.
    fn reset_vcpu_interrupts(&mut self, vcpu: u32) -> u32;
    /// An interrupt enabled in the domain's vGIC and pending for vCPU
    /// `vcpu` (a wake event, what would wake a core in powerdown): its
    /// INTID, if there is one.
    fn wake_event_pending(&self, vcpu: u32) -> Option<u32>;
    /// Have [`wake`] consider this domain soon, from a context where
    /// resuming it is allowed (Xen: the wake tasklet).
    fn request_wake(&mut self);
    /// Whether the domain is shut down (or shutting down) for suspend and
    /// not dying.
    fn is_suspended(&self) -> bool;
    /// Resume the domain as `xl resume` does: Xen's `domain_resume()`,
    /// which calls [`resume`] (`arch_domain_resume`).
    fn resume_domain(&mut self);
    /// Stop (`run` false) or restart with their full timeouts (`run` true)
    /// the domain's watchdogs.
    fn set_watchdogs(&mut self, run: bool);
}

/// The host side of a SYSTEM_SUSPEND by the hardware domain: its suspend
/// is the host's. Xen implements it in `xen::host`; a domU never reaches it.
pub trait HostGate {
    /// Whether the hardware domain is offered SYSTEM_SUSPEND (the policy
    /// of `hostpm::decide`, settled at boot).
    fn offered(&self) -> bool;
    /// Whether every other domain is suspended (a host suspend is refused
    /// while one is not; `Err` names one, for the log).
    fn others_suspended(&self) -> Result<(), u16>;
    /// Claim the host suspend: the hardware domain's coming shutdown for
    /// suspend then starts it instead of halting Xen. False when one is
    /// already under way.
    fn begin(&mut self) -> bool;
    /// Give the claim back: the hardware domain did not shut down.
    fn cancel(&mut self);
    /// Run the host suspend (on pCPU0, later); the hardware domain is
    /// shutting down for suspend and its resume slot is armed.
    fn start(&mut self);
}

/// The register state a vCPU resumes with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VcpuEntry {
    /// Program counter: the guest's entry point.
    pub pc: u64,
    /// x0 (r0 for a 32-bit guest): the guest's context id.
    pub x0: u64,
    /// PSTATE/CPSR.
    pub cpsr: u32,
    /// SCTLR_EL1 (reset value).
    pub sctlr: u64,
    /// Whether the guest is AArch64 (x0) or AArch32 (r0).
    pub is_64bit: bool,
}

/// PSCI_FEATURES(fid) for one of the SYSTEM_SUSPEND ids: 0 (supported, no
/// feature flags) where a call could succeed, NOT_SUPPORTED where it never
/// can: for the hardware domain when the host cannot suspend (its suspend
/// is the host's, see [`HostGate::offered`]) and for the SMC64 id asked by
/// an AArch32 guest, which cannot issue it.
pub fn features(dom: &impl GuestDomain, host: &impl HostGate, fid: u32) -> i32 {
    match psci::system_suspend_conv(fid) {
        None => PsciError::NotSupported.code(),
        Some(_) if dom.is_hardware_domain() && !host.offered() => PsciError::NotSupported.code(),
        Some(Conv::Smc64) if !dom.is_64bit() => PsciError::NotSupported.code(),
        Some(_) => psci::SUCCESS,
    }
}

/// SYSTEM_SUSPEND called by vCPU `caller` of `dom` with function id `fid`
/// and argument registers `x1` (entry point) and `x2` (context id), as the
/// guest wrote them. Returns the PSCI code for x0. On success the domain is
/// shutting down for suspend and its resume slot is armed, and for the
/// hardware domain the host suspend has been started (`host`); on any error
/// nothing has changed.
pub fn system_suspend(
    dom: &mut impl GuestDomain,
    host: &mut impl HostGate,
    caller: u32,
    fid: u32,
    x1: u64,
    x2: u64,
) -> i32 {
    psci::to_code(try_system_suspend(dom, host, caller, fid, x1, x2))
}

fn try_system_suspend(
    dom: &mut impl GuestDomain,
    host: &mut impl HostGate,
    caller: u32,
    fid: u32,
    x1: u64,
    x2: u64,
) -> Result<(), PsciError> {
    let conv = psci::system_suspend_conv(fid).ok_or(PsciError::NotSupported)?;
    let hwdom = dom.is_hardware_domain();
    if hwdom && !host.offered() {
        return Err(PsciError::NotSupported);
    }
    let is_64bit = dom.is_64bit();
    if conv == Conv::Smc64 && !is_64bit {
        return Err(PsciError::NotSupported);
    }
    let (pc, cpsr) = entry_point(dom, conv.arg(x1))?;
    let context_id = if is_64bit {
        conv.arg(x2)
    } else {
        conv.arg(x2) & 0xffff_ffff
    };
    if !dom.other_vcpus_offline(caller) {
        return Err(PsciError::Denied);
    }
    // A wake event already pending: as TF-A does, the powerdown is
    // abandoned and the call returns SUCCESS at once, nothing changed (the
    // PSCI specification lets a powerdown request return as from standby
    // when a wake-up event is pending). The hardware domain's suspend is
    // the host's, which its own sequence decides.
    if !hwdom && dom.wake_event_pending(caller).is_some() {
        return Ok(());
    }
    if hwdom {
        // The host suspends only when every other domain already is
        // (checked again once they are frozen), and one at a time.
        if host.others_suspended().is_err() || !host.begin() {
            return Err(PsciError::Denied);
        }
    }
    if !dom.shutdown_for_suspend() {
        // Already shutting down for another reason (poweroff, crash...):
        // that wins, nothing is armed.
        if hwdom {
            host.cancel();
        }
        return Err(PsciError::Denied);
    }
    // The calling vCPU has not left the trap yet, and a resume first
    // pauses the domain, which waits for it: the slot is in place before
    // anyone can read it.
    *dom.slot() = ResumeSlot {
        entry: pc,
        context_id,
        cpsr,
        vcpu_id: caller,
        armed: true,
    };
    // Its watchdogs cannot be kicked now: they wait, armed.
    dom.set_watchdogs(false);
    if hwdom {
        host.start();
    } else if dom.wake_event_pending(caller).is_some() {
        // An interrupt that became pending since the check above, before
        // the slot was armed, found nothing to wake: wake now.
        dom.request_wake();
    }
    Ok(())
}

/// Validates the entry point a guest gives to SYSTEM_SUSPEND or CPU_ON and
/// decodes it: the address execution starts at and the PSTATE/CPSR it
/// starts with. Bit 0 is Thumb for an AArch32 guest and an invalid
/// (misaligned) address for an AArch64 one; as KVM and TF-A do, an entry
/// point outside the guest's RAM is refused now (INVALID_ADDRESS) rather
/// than faulting the vCPU when it starts.
fn entry_point(dom: &impl GuestDomain, entry: u64) -> Result<(u64, u32), PsciError> {
    let (pc, cpsr) = if dom.is_64bit() {
        if entry & 1 != 0 {
            return Err(PsciError::InvalidAddress);
        }
        (entry, psr::ENTRY64)
    } else if entry & 1 != 0 {
        (entry & !1, psr::ENTRY32 | psr::THUMB)
    } else {
        (entry, psr::ENTRY32)
    };
    if !dom.is_guest_ram(pc) {
        return Err(PsciError::InvalidAddress);
    }
    Ok((pc, cpsr))
}

/// The entry point check of vPSCI CPU_ON, whose other arguments and
/// effects stay Xen's: 0 when `entry` (as the calling convention gives it)
/// is one the domain's vCPUs can start at, INVALID_ADDRESS otherwise (see
/// [`entry_point`]). Changes nothing.
pub fn cpu_on_entry(dom: &impl GuestDomain, entry: u64) -> i32 {
    psci::to_code(entry_point(dom, entry).map(|_| ()))
}

/// What [`resume`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resumed {
    /// Nothing was armed (the domain suspended some other way, or was not
    /// suspended): the domain continues where it stopped.
    NotArmed,
    /// vCPU `vcpu` restarts at `entry` with x0 = `context_id`, its
    /// interrupt state reset as by a powerdown (`deactivated` interrupts
    /// were active for it).
    AtEntry {
        /// The vCPU.
        vcpu: u32,
        /// Its entry point.
        entry: u64,
        /// Its x0.
        context_id: u64,
        /// Interrupts that were active and have been deactivated.
        deactivated: u32,
    },
    /// Loading the entry state failed with this errno (cannot happen for
    /// a state validated at suspend time; reported, never fatal). The slot
    /// is disarmed all the same.
    Failed {
        /// The vCPU.
        vcpu: u32,
        /// The error.
        errno: Errno,
    },
}

/// `arch_domain_resume`: called with the domain paused. Applies and
/// disarms the resume slot, if armed. Never fails, never allocates.
///
/// The interrupt contract of a resume: the vCPU's GIC CPU interface is that
/// of a core leaving powerdown (a guest initialises it again, and never
/// deactivates what was active when it suspended, so whatever was active is
/// deactivated: left active, it would mask its priority forever). The
/// distributor and redistributor keep their configuration and every
/// pending interrupt, including those that became pending while the domain
/// was suspended, as firmware that preserves the GIC across a system
/// suspend does.
pub fn resume(dom: &mut impl GuestDomain) -> Resumed {
    let slot = core::mem::take(dom.slot());
    if !slot.armed {
        return Resumed::NotArmed;
    }
    let entry = VcpuEntry {
        pc: slot.entry,
        x0: slot.context_id,
        cpsr: slot.cpsr,
        sctlr: dom.sctlr_reset_value(),
        is_64bit: dom.is_64bit(),
    };
    let resumed = match dom.load_vcpu_entry(slot.vcpu_id, &entry) {
        Ok(()) => Resumed::AtEntry {
            vcpu: slot.vcpu_id,
            entry: slot.entry,
            context_id: slot.context_id,
            deactivated: dom.reset_vcpu_interrupts(slot.vcpu_id),
        },
        Err(errno) => Resumed::Failed {
            vcpu: slot.vcpu_id,
            errno,
        },
    };
    // Running again, either way: its watchdogs start over, in full.
    dom.set_watchdogs(true);
    resumed
}

/// What [`wake`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wake {
    /// The domain was suspended through PSCI and a wake event was pending:
    /// it was resumed (as by `xl resume`), vCPU `vcpu` at its entry point.
    Resumed {
        /// The vCPU that called SYSTEM_SUSPEND.
        vcpu: u32,
    },
    /// Not (or no longer) suspended through PSCI: already resumed by `xl
    /// resume` or an earlier wake, suspended some other way, dying.
    NotSuspended,
    /// Suspended, but no enabled interrupt is pending for its vCPU (the
    /// interrupt that asked was disabled, or the request is stale).
    NoWakeEvent,
    /// The hardware domain: its resume belongs to the host suspend.
    HardwareDomain,
}

/// A suspended domain wakes on its own interrupts: called (Xen: by the
/// wake tasklet, under the domctl lock, with the domain paused) for a
/// domain for which an enabled interrupt became pending while its resume
/// slot was armed. Resumes it exactly as `xl resume` does if it is still
/// suspended through PSCI and a wake event is still pending for the vCPU
/// that suspended; otherwise changes nothing. A guest that leaves no
/// interrupt enabled is never woken here: it sleeps until `xl resume`.
pub fn wake(dom: &mut impl GuestDomain) -> Wake {
    if dom.is_hardware_domain() {
        return Wake::HardwareDomain;
    }
    let slot = *dom.slot();
    if !slot.armed || !dom.is_suspended() {
        return Wake::NotSuspended;
    }
    if dom.wake_event_pending(slot.vcpu_id).is_none() {
        return Wake::NoWakeEvent;
    }
    dom.resume_domain();
    Wake::Resumed { vcpu: slot.vcpu_id }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::psci::{SYSTEM_SUSPEND_32 as S32, SYSTEM_SUSPEND_64 as S64};

    const RAM: core::ops::Range<u64> = 0x4000_0000..0x4100_0000;
    const SCTLR_RESET: u64 = 0x00c5_0078;

    /// A domain in memory, recording what the code under test did to it.
    #[derive(Debug)]
    struct FakeDomain {
        hwdom: bool,
        is_64bit: bool,
        online: Vec<bool>,
        /// Another shutdown reason got there first.
        shutting_down_otherwise: bool,
        shutdown_calls: u32,
        suspended: bool,
        slot: ResumeSlot,
        loaded: Vec<(u32, VcpuEntry)>,
        load_fails: Option<Errno>,
        /// The vCPUs whose interrupt state was reset, in order.
        irq_resets: Vec<u32>,
        /// Interrupts active for the suspended vCPU.
        active_irqs: u32,
        /// vCPUs with an enabled interrupt pending.
        wake_pending: Vec<u32>,
        /// Wake requests made.
        wake_requests: u32,
        /// The domain is being destroyed.
        dying: bool,
        /// Watchdog state changes, in order (false: paused).
        watchdogs: Vec<bool>,
        /// An interrupt becomes pending for the caller while it shuts
        /// down (between the check and the arming of the slot).
        pending_during_shutdown: bool,
    }

    impl FakeDomain {
        fn new() -> Self {
            Self {
                hwdom: false,
                is_64bit: true,
                online: vec![true],
                shutting_down_otherwise: false,
                shutdown_calls: 0,
                suspended: false,
                slot: ResumeSlot::default(),
                loaded: Vec::new(),
                load_fails: None,
                irq_resets: Vec::new(),
                active_irqs: 0,
                wake_pending: Vec::new(),
                wake_requests: 0,
                dying: false,
                watchdogs: Vec::new(),
                pending_during_shutdown: false,
            }
        }
        fn with_vcpus(mut self, online: &[bool]) -> Self {
            self.online = online.to_vec();
            self
        }
        fn untouched(&self) -> bool {
            self.shutdown_calls == 0
                && !self.suspended
                && self.slot == ResumeSlot::default()
                && self.watchdogs.is_empty()
                && self.wake_requests == 0
        }
    }

    impl GuestDomain for FakeDomain {
        fn is_hardware_domain(&self) -> bool {
            self.hwdom
        }
        fn is_64bit(&self) -> bool {
            self.is_64bit
        }
        fn is_guest_ram(&self, gpa: u64) -> bool {
            RAM.contains(&gpa)
        }
        fn other_vcpus_offline(&self, caller: u32) -> bool {
            self.online
                .iter()
                .enumerate()
                .all(|(i, &on)| i as u32 == caller || !on)
        }
        fn shutdown_for_suspend(&mut self) -> bool {
            self.shutdown_calls += 1;
            if self.pending_during_shutdown {
                self.wake_pending.push(0);
            }
            if self.shutting_down_otherwise {
                return false;
            }
            self.suspended = true;
            true
        }
        fn slot(&mut self) -> &mut ResumeSlot {
            &mut self.slot
        }
        fn sctlr_reset_value(&self) -> u64 {
            SCTLR_RESET
        }
        fn load_vcpu_entry(&mut self, vcpu: u32, entry: &VcpuEntry) -> Result<(), Errno> {
            if let Some(e) = self.load_fails {
                return Err(e);
            }
            self.loaded.push((vcpu, *entry));
            Ok(())
        }
        fn reset_vcpu_interrupts(&mut self, vcpu: u32) -> u32 {
            // Only after the entry state is loaded.
            assert_eq!(self.loaded.last().map(|l| l.0), Some(vcpu));
            self.irq_resets.push(vcpu);
            core::mem::take(&mut self.active_irqs)
        }
        fn wake_event_pending(&self, vcpu: u32) -> Option<u32> {
            // The virtual timer's PPI, say.
            self.wake_pending.contains(&vcpu).then_some(27)
        }
        fn request_wake(&mut self) {
            self.wake_requests += 1;
        }
        fn is_suspended(&self) -> bool {
            self.suspended && !self.dying
        }
        fn resume_domain(&mut self) {
            // Xen's domain_resume(): arch_domain_resume, then running.
            resume(self);
            self.suspended = false;
        }
        fn set_watchdogs(&mut self, run: bool) {
            self.watchdogs.push(run);
        }
    }

    #[test]
    fn features_for_a_64bit_guest() {
        let d = FakeDomain::new();
        assert_eq!(features(&d, &NoHostSuspend, S32), 0);
        assert_eq!(features(&d, &NoHostSuspend, S64), 0);
        assert_eq!(features(&d, &NoHostSuspend, psci::PSCI_FEATURES), -1);
    }

    #[test]
    fn features_never_advertise_what_is_refused() {
        let mut hw = FakeDomain::new();
        hw.hwdom = true;
        assert_eq!(features(&hw, &NoHostSuspend, S32), -1);
        assert_eq!(features(&hw, &NoHostSuspend, S64), -1);
        let mut d32 = FakeDomain::new();
        d32.is_64bit = false;
        assert_eq!(features(&d32, &NoHostSuspend, S32), 0);
        assert_eq!(features(&d32, &NoHostSuspend, S64), -1);
    }

    #[test]
    fn suspend_arms_the_slot_and_shuts_down_for_suspend() {
        let mut d = FakeDomain::new();
        assert_eq!(
            system_suspend(
                &mut d,
                &mut NoHostSuspend,
                0,
                S64,
                0x4000_1000,
                0x1234_5678_9abc_def0
            ),
            0
        );
        assert!(d.suspended);
        assert_eq!(
            d.slot,
            ResumeSlot {
                entry: 0x4000_1000,
                context_id: 0x1234_5678_9abc_def0,
                cpsr: psr::ENTRY64,
                vcpu_id: 0,
                armed: true
            }
        );
    }

    #[test]
    fn smc32_ignores_garbage_in_the_upper_halves() {
        let mut d = FakeDomain::new();
        let rc = system_suspend(
            &mut d,
            &mut NoHostSuspend,
            0,
            S32,
            0xdead_beef_4000_2000,
            0xffff_ffff_c0ff_ee01,
        );
        assert_eq!(rc, 0);
        assert_eq!(d.slot.entry, 0x4000_2000);
        assert_eq!(d.slot.context_id, 0xc0ff_ee01);
    }

    #[test]
    fn smc64_keeps_the_upper_halves() {
        // The same garbage with SMC64 is an address outside RAM.
        let mut d = FakeDomain::new();
        assert_eq!(
            system_suspend(&mut d, &mut NoHostSuspend, 0, S64, 0xdead_beef_4000_2000, 0),
            -9
        );
        assert!(d.untouched());
    }

    #[test]
    fn bit0_is_invalid_for_64bit_and_thumb_for_32bit() {
        let mut d = FakeDomain::new();
        assert_eq!(
            system_suspend(&mut d, &mut NoHostSuspend, 0, S64, 0x4000_1001, 0),
            -9
        );
        assert!(d.untouched());

        let mut d32 = FakeDomain::new();
        d32.is_64bit = false;
        assert_eq!(
            system_suspend(
                &mut d32,
                &mut NoHostSuspend,
                0,
                S32,
                0x4000_1001,
                0xffff_ffff_0000_0007
            ),
            0
        );
        assert_eq!(d32.slot.entry, 0x4000_1000);
        assert_eq!(d32.slot.cpsr, psr::ENTRY32 | psr::THUMB);
        assert_eq!(d32.slot.context_id, 7);

        let mut d32 = FakeDomain::new();
        d32.is_64bit = false;
        assert_eq!(
            system_suspend(&mut d32, &mut NoHostSuspend, 0, S32, 0x4000_1000, 0),
            0
        );
        assert_eq!(d32.slot.cpsr, psr::ENTRY32);
    }

    #[test]
    fn a_32bit_guest_cannot_use_smc64() {
        let mut d32 = FakeDomain::new();
        d32.is_64bit = false;
        assert_eq!(
            system_suspend(&mut d32, &mut NoHostSuspend, 0, S64, 0x4000_1000, 0),
            -1
        );
        assert!(d32.untouched());
    }

    #[test]
    fn entry_outside_ram_is_invalid_address() {
        for entry in [0, RAM.start - 4, RAM.end, 0x0900_0000, u64::MAX - 1] {
            let mut d = FakeDomain::new();
            assert_eq!(
                system_suspend(&mut d, &mut NoHostSuspend, 0, S64, entry, 0),
                -9,
                "{entry:#x}"
            );
            assert!(d.untouched());
        }
    }

    #[test]
    fn another_vcpu_online_is_denied_whoever_calls() {
        let mut d = FakeDomain::new().with_vcpus(&[true, true]);
        assert_eq!(
            system_suspend(&mut d, &mut NoHostSuspend, 0, S64, 0x4000_1000, 0),
            -3
        );
        assert!(d.untouched());
        let mut d = FakeDomain::new().with_vcpus(&[true, true]);
        assert_eq!(
            system_suspend(&mut d, &mut NoHostSuspend, 1, S64, 0x4000_1000, 0),
            -3
        );
        assert!(d.untouched());
        // Any vCPU may be the caller once the others are off.
        let mut d = FakeDomain::new().with_vcpus(&[false, true, false]);
        assert_eq!(
            system_suspend(&mut d, &mut NoHostSuspend, 1, S64, 0x4000_1000, 0),
            0
        );
        assert_eq!(d.slot.vcpu_id, 1);
    }

    #[test]
    fn hardware_domain_is_not_supported_and_untouched() {
        let mut d = FakeDomain::new();
        d.hwdom = true;
        assert_eq!(
            system_suspend(&mut d, &mut NoHostSuspend, 0, S64, 0x4000_1000, 0),
            -1
        );
        assert_eq!(
            system_suspend(&mut d, &mut NoHostSuspend, 0, S32, 0x4000_1000, 0),
            -1
        );
        assert!(d.untouched());
    }

    /// A host that never offers a suspend (the domU tests).
    struct NoHostSuspend;

    impl HostGate for NoHostSuspend {
        fn offered(&self) -> bool {
            false
        }
        fn others_suspended(&self) -> Result<(), u16> {
            Ok(())
        }
        fn begin(&mut self) -> bool {
            false
        }
        fn cancel(&mut self) {}
        fn start(&mut self) {}
    }

    /// The host side, recording the calls.
    #[derive(Default)]
    struct FakeHost {
        offered: bool,
        running_domu: Option<u16>,
        busy: bool,
        calls: Vec<&'static str>,
    }

    impl HostGate for FakeHost {
        fn offered(&self) -> bool {
            self.offered
        }
        fn others_suspended(&self) -> Result<(), u16> {
            self.running_domu.map_or(Ok(()), Err)
        }
        fn begin(&mut self) -> bool {
            self.calls.push("begin");
            !core::mem::replace(&mut self.busy, true)
        }
        fn cancel(&mut self) {
            self.calls.push("cancel");
            self.busy = false;
        }
        fn start(&mut self) {
            self.calls.push("start");
        }
    }

    fn hwdom() -> FakeDomain {
        let mut d = FakeDomain::new();
        d.hwdom = true;
        d
    }

    #[test]
    fn the_hardware_domain_is_offered_suspend_only_when_the_host_can() {
        let host = FakeHost {
            offered: true,
            ..Default::default()
        };
        assert_eq!(features(&hwdom(), &host, S64), 0);
        assert_eq!(features(&hwdom(), &host, S32), 0);
        assert_eq!(features(&hwdom(), &FakeHost::default(), S64), -1);
        // A domU's answer does not depend on the host.
        assert_eq!(features(&FakeDomain::new(), &FakeHost::default(), S64), 0);
    }

    #[test]
    fn the_hardware_domain_suspends_the_host_when_every_other_domain_is_suspended() {
        let mut d = hwdom();
        let mut host = FakeHost {
            offered: true,
            ..Default::default()
        };
        assert_eq!(system_suspend(&mut d, &mut host, 0, S64, 0x4000_1000, 7), 0);
        assert!(d.suspended && d.slot.armed);
        assert_eq!((d.slot.entry, d.slot.context_id), (0x4000_1000, 7));
        // Claimed before the shutdown (so that Xen does not halt), started
        // after the slot is armed.
        assert_eq!(host.calls, ["begin", "start"]);
    }

    #[test]
    fn the_host_suspend_is_denied_while_a_domain_runs_and_nothing_changes() {
        let mut d = hwdom();
        let mut host = FakeHost {
            offered: true,
            running_domu: Some(1),
            ..Default::default()
        };
        assert_eq!(
            system_suspend(&mut d, &mut host, 0, S64, 0x4000_1000, 0),
            -3
        );
        assert!(d.untouched());
        assert!(host.calls.is_empty() && !host.busy);
    }

    #[test]
    fn one_host_suspend_at_a_time() {
        let mut d = hwdom();
        let mut host = FakeHost {
            offered: true,
            busy: true,
            ..Default::default()
        };
        assert_eq!(
            system_suspend(&mut d, &mut host, 0, S64, 0x4000_1000, 0),
            -3
        );
        assert!(d.untouched());
        assert_eq!(host.calls, ["begin"]);
    }

    #[test]
    fn a_hardware_domain_shutting_down_otherwise_gives_the_claim_back() {
        let mut d = hwdom();
        d.shutting_down_otherwise = true;
        let mut host = FakeHost {
            offered: true,
            ..Default::default()
        };
        assert_eq!(
            system_suspend(&mut d, &mut host, 0, S64, 0x4000_1000, 0),
            -3
        );
        assert!(!d.slot.armed);
        assert_eq!(host.calls, ["begin", "cancel"]);
        assert!(!host.busy);
    }

    #[test]
    fn the_hardware_domain_gets_the_same_argument_checks() {
        let mut host = FakeHost {
            offered: true,
            ..Default::default()
        };
        let mut d = hwdom();
        assert_eq!(
            system_suspend(&mut d, &mut host, 0, S64, 0x4000_1001, 0),
            -9
        );
        assert_eq!(
            system_suspend(&mut d, &mut host, 0, S64, 0x8000_0000, 0),
            -9
        );
        let mut d = hwdom().with_vcpus(&[true, true]);
        assert_eq!(
            system_suspend(&mut d, &mut host, 0, S64, 0x4000_1000, 0),
            -3
        );
        assert!(d.untouched());
        assert!(host.calls.is_empty());
    }

    #[test]
    fn cpu_on_entry_gets_the_same_check_as_system_suspend() {
        let d = FakeDomain::new();
        assert_eq!(cpu_on_entry(&d, 0x4000_1000), 0);
        for bad in [
            0,
            0x4000_1001,
            RAM.start - 4,
            RAM.end,
            0x0900_0000,
            u64::MAX - 1,
        ] {
            assert_eq!(cpu_on_entry(&d, bad), -9, "{bad:#x}");
        }
        let mut d32 = FakeDomain::new();
        d32.is_64bit = false;
        // Thumb: bit 0 is the instruction set, not part of the address.
        assert_eq!(cpu_on_entry(&d32, 0x4000_1001), 0);
        assert_eq!(cpu_on_entry(&d32, 0x4000_1000), 0);
        assert_eq!(cpu_on_entry(&d32, 1), -9);
        assert_eq!(cpu_on_entry(&d32, 0x8000_0001), -9);
        // Nothing happens to the domain.
        assert!(d.untouched() && d32.untouched());
    }

    /// A domU suspended from vCPU `vcpu` (the others off).
    fn suspended_domu(vcpu: u32) -> FakeDomain {
        let mut online = vec![false; 2];
        online[vcpu as usize] = true;
        let mut d = FakeDomain::new().with_vcpus(&online);
        assert_eq!(
            system_suspend(&mut d, &mut NoHostSuspend, vcpu, S64, 0x4000_1000, 5),
            0
        );
        assert!(d.suspended && d.slot.armed);
        d
    }

    #[test]
    fn an_enabled_pending_interrupt_wakes_the_domain_as_xl_resume_does() {
        for vcpu in [0, 1] {
            let mut d = suspended_domu(vcpu);
            d.wake_pending.push(vcpu);
            d.active_irqs = 1;
            assert_eq!(wake(&mut d), Wake::Resumed { vcpu });
            // Exactly what xl resume does: entry state, interrupts reset,
            // slot disarmed, running again.
            assert_eq!(d.loaded.len(), 1);
            assert_eq!(d.loaded[0].0, vcpu);
            assert_eq!((d.loaded[0].1.pc, d.loaded[0].1.x0), (0x4000_1000, 5));
            assert_eq!(d.irq_resets, vec![vcpu]);
            assert!(!d.slot.armed && !d.suspended);
            // A later xl resume, or a second wake, is a harmless no-op.
            assert_eq!(resume(&mut d), Resumed::NotArmed);
            assert_eq!(wake(&mut d), Wake::NotSuspended);
            assert_eq!(d.loaded.len(), 1);
        }
    }

    #[test]
    fn nothing_enabled_and_pending_means_no_wake() {
        // The guest left nothing enabled (or the request is stale), or
        // what is pending is for another vCPU: it sleeps until xl resume.
        let mut d = suspended_domu(0);
        assert_eq!(wake(&mut d), Wake::NoWakeEvent);
        d.wake_pending.push(1);
        assert_eq!(wake(&mut d), Wake::NoWakeEvent);
        assert!(d.suspended && d.slot.armed && d.loaded.is_empty());
        assert!(matches!(resume(&mut d), Resumed::AtEntry { vcpu: 0, .. }));
    }

    #[test]
    fn a_wake_after_xl_resume_changes_nothing() {
        let mut d = suspended_domu(0);
        assert!(matches!(resume(&mut d), Resumed::AtEntry { .. }));
        d.suspended = false;
        d.wake_pending.push(0);
        assert_eq!(wake(&mut d), Wake::NotSuspended);
        assert_eq!(d.loaded.len(), 1);
    }

    #[test]
    fn a_dying_domain_is_not_woken() {
        let mut d = suspended_domu(0);
        d.dying = true;
        d.wake_pending.push(0);
        assert_eq!(wake(&mut d), Wake::NotSuspended);
        assert!(d.loaded.is_empty());
    }

    #[test]
    fn a_domain_suspended_another_way_is_not_woken() {
        // SCHEDOP_shutdown(suspend): shut down for suspend, nothing armed.
        let mut d = FakeDomain::new();
        d.suspended = true;
        d.wake_pending.push(0);
        assert_eq!(wake(&mut d), Wake::NotSuspended);
        assert!(d.loaded.is_empty());
    }

    #[test]
    fn the_hardware_domain_is_never_woken_here() {
        let mut d = hwdom();
        let mut host = FakeHost {
            offered: true,
            ..Default::default()
        };
        assert_eq!(system_suspend(&mut d, &mut host, 0, S64, 0x4000_1000, 0), 0);
        d.wake_pending.push(0);
        assert_eq!(wake(&mut d), Wake::HardwareDomain);
        assert!(d.slot.armed && d.loaded.is_empty());
    }

    #[test]
    fn a_wake_event_pending_at_the_call_returns_at_once_and_changes_nothing() {
        let mut d = FakeDomain::new();
        d.wake_pending.push(0);
        assert_eq!(
            system_suspend(&mut d, &mut NoHostSuspend, 0, S64, 0x4000_1000, 0),
            0
        );
        assert!(d.untouched());
        // Refusals come first: a bad entry is still INVALID_ADDRESS.
        assert_eq!(
            system_suspend(&mut d, &mut NoHostSuspend, 0, S64, 0x4000_1001, 0),
            -9
        );
    }

    #[test]
    fn an_interrupt_pending_before_the_slot_is_armed_is_not_lost() {
        let mut d = FakeDomain::new();
        d.pending_during_shutdown = true;
        assert_eq!(
            system_suspend(&mut d, &mut NoHostSuspend, 0, S64, 0x4000_1000, 0),
            0
        );
        assert!(d.suspended && d.slot.armed);
        assert_eq!(d.wake_requests, 1);
        assert_eq!(wake(&mut d), Wake::Resumed { vcpu: 0 });
    }

    #[test]
    fn watchdogs_wait_while_suspended_and_restart_in_full_by_either_wake() {
        let mut d = suspended_domu(0);
        assert_eq!(d.watchdogs, vec![false]);
        d.wake_pending.push(0);
        assert_eq!(wake(&mut d), Wake::Resumed { vcpu: 0 });
        assert_eq!(d.watchdogs, vec![false, true]);
        let mut d = suspended_domu(1);
        assert!(matches!(resume(&mut d), Resumed::AtEntry { .. }));
        assert_eq!(d.watchdogs, vec![false, true]);
        // A refused call leaves them alone.
        let mut d = FakeDomain::new().with_vcpus(&[true, true]);
        assert_eq!(
            system_suspend(&mut d, &mut NoHostSuspend, 0, S64, 0x4000_1000, 0),
            -3
        );
        assert!(d.watchdogs.is_empty());
    }

    #[test]
    fn unknown_function_is_not_supported() {
        let mut d = FakeDomain::new();
        assert_eq!(
            system_suspend(&mut d, &mut NoHostSuspend, 0, 0x8400_0001, 0x4000_1000, 0),
            -1
        );
        assert!(d.untouched());
    }

    #[test]
    fn a_concurrent_shutdown_wins_and_nothing_is_armed() {
        let mut d = FakeDomain::new();
        d.shutting_down_otherwise = true;
        assert_eq!(
            system_suspend(&mut d, &mut NoHostSuspend, 0, S64, 0x4000_1000, 0),
            -3
        );
        assert_eq!(d.shutdown_calls, 1);
        assert!(!d.slot.armed);
        assert_eq!(resume(&mut d), Resumed::NotArmed);
        assert!(d.loaded.is_empty());
    }

    #[test]
    fn resume_applies_the_armed_slot_once() {
        let mut d = FakeDomain::new().with_vcpus(&[false, true]);
        assert_eq!(
            system_suspend(&mut d, &mut NoHostSuspend, 1, S64, 0x4000_3000, 42),
            0
        );
        d.active_irqs = 2;
        assert_eq!(
            resume(&mut d),
            Resumed::AtEntry {
                vcpu: 1,
                entry: 0x4000_3000,
                context_id: 42,
                deactivated: 2
            }
        );
        // The resuming vCPU's interrupt state is reset, once.
        assert_eq!(d.irq_resets, vec![1]);
        assert_eq!(
            d.loaded,
            vec![(
                1,
                VcpuEntry {
                    pc: 0x4000_3000,
                    x0: 42,
                    cpsr: psr::ENTRY64,
                    sctlr: SCTLR_RESET,
                    is_64bit: true
                }
            )]
        );
        // Released: a second resume (xl resume of a running domain) does nothing.
        assert_eq!(d.slot, ResumeSlot::default());
        assert_eq!(resume(&mut d), Resumed::NotArmed);
        assert_eq!(d.loaded.len(), 1);
        assert_eq!(d.irq_resets, vec![1]);
    }

    #[test]
    fn resume_without_suspend_is_a_no_op() {
        let mut d = FakeDomain::new();
        assert_eq!(resume(&mut d), Resumed::NotArmed);
        assert!(d.loaded.is_empty());
        // Its interrupts are none of the resume's business.
        assert!(d.irq_resets.is_empty());
    }

    #[test]
    fn a_failed_load_is_reported_and_disarms() {
        let mut d = FakeDomain::new();
        assert_eq!(
            system_suspend(&mut d, &mut NoHostSuspend, 0, S64, 0x4000_1000, 0),
            0
        );
        d.load_fails = Some(Errno::EINVAL);
        assert_eq!(
            resume(&mut d),
            Resumed::Failed {
                vcpu: 0,
                errno: Errno::EINVAL
            }
        );
        assert!(!d.slot.armed);
        // It continues after its call: its interrupt state is kept.
        assert!(d.irq_resets.is_empty());
    }

    #[test]
    fn repeated_cycles_use_the_latest_context() {
        let mut d = FakeDomain::new();
        for cycle in 0..10u64 {
            let entry = 0x4000_0000 + cycle * 0x100;
            assert_eq!(
                system_suspend(&mut d, &mut NoHostSuspend, 0, S64, entry, cycle),
                0
            );
            assert_eq!(
                resume(&mut d),
                Resumed::AtEntry {
                    vcpu: 0,
                    entry,
                    context_id: cycle,
                    deactivated: 0
                }
            );
        }
        assert_eq!(d.loaded.len(), 10);
    }

    mod properties {
        //! Arbitrary register values and domain states against the
        //! decision code: only the specification's return codes, and a
        //! refused call changes nothing.
        use super::*;
        use proptest::prelude::*;

        fn fid() -> impl Strategy<Value = u32> {
            prop_oneof![
                Just(S32),
                Just(S64),
                Just(psci::PSCI_FEATURES),
                any::<u32>(),
                (0u32..32).prop_map(|n| 0x8400_0000 | n),
                (0u32..32).prop_map(|n| 0xC400_0000 | n),
            ]
        }

        fn reg() -> impl Strategy<Value = u64> {
            prop_oneof![
                any::<u64>(),
                RAM.prop_map(|a| a),
                RAM.prop_map(|a| a | 0xdead_beef_0000_0000),
                RAM.prop_map(|a| a | 1),
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 20_000, ..ProptestConfig::default() })]

            #[test]
            fn suspend_returns_only_spec_codes_and_refusals_change_nothing(
                fid in fid(),
                x1 in reg(),
                x2 in reg(),
                hwdom in any::<bool>(),
                is_64bit in any::<bool>(),
                online in proptest::collection::vec(any::<bool>(), 1..5),
                caller_pick in any::<usize>(),
                other_reason in any::<bool>(),
            ) {
                let caller = caller_pick % online.len();
                let mut d = FakeDomain::new().with_vcpus(&online);
                d.online[caller] = true;
                d.hwdom = hwdom;
                d.is_64bit = is_64bit;
                d.shutting_down_otherwise = other_reason;

                let rc = system_suspend(&mut d, &mut NoHostSuspend, caller as u32, fid, x1, x2);
                prop_assert!([0, -1, -3, -9].contains(&rc), "rc {}", rc);
                if rc == 0 {
                    let s = d.slot;
                    prop_assert!(s.armed && d.suspended);
                    prop_assert_eq!(s.vcpu_id, caller as u32);
                    prop_assert!(RAM.contains(&s.entry));
                    prop_assert!(!hwdom);
                    prop_assert!(fid == S32 || (fid == S64 && is_64bit));
                    if is_64bit {
                        prop_assert_eq!(s.cpsr, psr::ENTRY64);
                        prop_assert_eq!(s.entry & 1, 0);
                    }
                    if fid == S32 || !is_64bit {
                        prop_assert!(s.entry <= 0xffff_ffff && s.context_id <= 0xffff_ffff);
                    }
                    // Resuming applies exactly what was armed, once.
                    prop_assert_eq!(
                        resume(&mut d),
                        Resumed::AtEntry { vcpu: caller as u32, entry: s.entry, context_id: s.context_id, deactivated: 0 }
                    );
                    prop_assert_eq!(resume(&mut d), Resumed::NotArmed);
                } else {
                    prop_assert!(!d.slot.armed);
                    prop_assert!(!d.suspended);
                    prop_assert_eq!(resume(&mut d), Resumed::NotArmed);
                }
            }

            #[test]
            fn features_answers_zero_or_not_supported_consistently(
                fid in fid(),
                hwdom in any::<bool>(),
                is_64bit in any::<bool>(),
            ) {
                let mut d = FakeDomain::new();
                d.hwdom = hwdom;
                d.is_64bit = is_64bit;
                let f = features(&d, &NoHostSuspend, fid);
                prop_assert!(f == 0 || f == -1);
                // Advertised means a well-formed call can succeed.
                let rc = system_suspend(&mut d, &mut NoHostSuspend, 0, fid, RAM.start, 0);
                prop_assert_eq!(f == 0, rc == 0);
            }
        }
    }
}
