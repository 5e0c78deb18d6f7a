#!/usr/bin/env python3
"""What the layer's functions and constants cost, by feature.

    ci/size-features.py TREE BASE_TREE

Every named symbol of TREE/xen-syms in .text or .rodata that BASE_TREE's
xen-syms (the same patched source without the layer: make xen-plain) does
not have, C or Rust, is put in the first feature whose pattern matches its
demangled name, and the sizes are summed. Not counted here: the library's
unnamed strings and outlined sequences, the strings of the C, the growth of
functions both trees have, alignment, and Xen's symbol table (ci/image-size.sh
counts those in the totals). Prints a Markdown table; "upstream C" says
whether upstream's C (4.22's guest suspend, the v8 host series) has the
feature at all.
"""
import re
import subprocess
import sys

CROSS = 'aarch64-linux-gnu-'

# (feature, in upstream's C, pattern on the demangled symbol name)
FEATURES = [
    ('guest suspend: vPSCI SYSTEM_SUSPEND, PSCI_FEATURES, the CPU_ON check, '
     'arch_domain_resume, entry point checked against guest RAM', 'yes',
     r'xsr_vpsci|arch_domain_resume|vpsci::entry_point|vcpu_set_context|'
     r'vcpu_set_x0|is_guest_ram|other_vcpus_offline|sctlr_guest_init|'
     r'helper_domain_id|helper_vcpu_id|helper_vcpu_domain|is_64bit_domain|'
     r'resume_slot|shutdown_code|XenDomain::id'),
    ('the vCPU\'s GIC interface reset on resume', 'no', r'vgic_vcpu_powerdown'),
    ('a suspended guest woken by its interrupts', 'no',
     r'vgic_wake|vgic_pending|wake_tasklet|wake_event_pending|request_wake|'
     r'domain_resume_woken|domain_suspended|helper_watchdogs'),
    ('running domUs frozen and thawed across a host suspend', 'no (DENIED)',
     r'freeze|thaw|first_awake|wake_requested_domain|helper_domain_resume$'),
    ('GIC save and restore (GICv2, GICv3)', 'yes',
     r'gic::|xsr_gic|gicv3_resume|^gic_suspend|^gic_resume|rdist_base|'
     r'gicv[23]_init'),
    ('console UARTs (PL011, Cadence)', 'no (SCIF only)',
     r'pl011|cadence|cuart|console_'),
    ('timer', 'yes', r'time_suspend|time_resume|xsr_time'),
    ('host suspend: sequence, policy, firmware, CPUs, IOMMU, messages', 'yes',
     r'host|hyp_|cpu_ctx|cpus_o|firmware|fw_psci|psci_version|iommu|'
     r'hardware_domain|errata|suspend_test|dry_run|hostpm|hostmsg|'
     r'boot_mapping|irq_save|irq_restore|smp_processor|resume_entry|'
     r'Log>::line|xsr_boot|xsr_init|ENABLED|hwdom_suspending'),
]


def symbols(path):
    """name -> (address, size) of the defined symbols of an ELF file."""
    out = subprocess.run([CROSS + 'nm', '-S', '-C', '--defined-only', path],
                         capture_output=True, text=True, check=True).stdout
    syms = {}
    for line in out.splitlines():
        parts = line.split(None, 3)
        if len(parts) == 4:
            syms[parts[3]] = (int(parts[0], 16), int(parts[1], 16))
    return syms


def sections(path, names):
    """(start, size) of the named sections of an ELF file."""
    out = subprocess.run([CROSS + 'readelf', '-SW', path],
                         capture_output=True, text=True, check=True).stdout
    found = {}
    for m in re.finditer(r'\]\s+(\S+)\s+\S+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)', out):
        if m.group(1) in names:
            found[m.group(1)] = (int(m.group(2), 16), int(m.group(3), 16))
    missing = set(names) - set(found)
    if missing:
        sys.exit(f'ERROR: {path} has no section {", ".join(sorted(missing))}')
    return list(found.values())


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[2].strip())
    tree, base = (f'{t}/xen-syms' for t in sys.argv[1:])
    new, old = symbols(tree), symbols(base)
    kept = sections(tree, ['.text', '.rodata'])
    totals = {f: 0 for f, _, _ in FEATURES}
    other = []
    for name, (addr, size) in new.items():
        if name in old or not any(s <= addr < s + z for s, z in kept):
            continue
        for feature, _, pattern in FEATURES:
            if re.search(pattern, name):
                totals[feature] += size
                break
        else:
            other.append((size, name))
    print('| feature | bytes | upstream C |')
    print('|---|---|---|')
    for feature, upstream, _ in FEATURES:
        print(f'| {feature} | {totals[feature]} | {upstream} |')
    other.sort(reverse=True)
    print(f'| other ({", ".join(n for _, n in other[:4]) or "none"}) '
          f'| {sum(s for s, _ in other)} | |')
    print(f'| named total | {sum(totals.values()) + sum(s for s, _ in other)} | |')


main()
