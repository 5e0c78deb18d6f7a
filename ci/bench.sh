#!/usr/bin/env bash
# `make bench`: the cost of the suspend layer, measured under QEMU -icount
# (shift=0: while a CPU runs, virtual time follows executed instructions, so
# the phases measured here do not depend on the load of the machine running
# QEMU; idle time follows the wall clock, since with sleep=off xenconsoled
# misses the guests' console output; whole-workload figures still vary by
# some 10-25 % between runs, since timing decides how work interleaves).
#
# 1. Stock Xen 4.20 (the same pinned tarball, no patches) and the
#    production build (make xen-prod) run the same dom0 work, in
#    BENCH_PAIRS (3) alternating pairs: boot to ready, a domU
#    create/destroy loop, a hypercall loop. The patches must cost nothing
#    there; the run-to-run spread says how small a cost could be seen.
# 2. On the patched Xen (with test aids): guest SYSTEM_SUSPEND trap to vCPU
#    paused, xl resume to the guest's first instruction, GIC save and GIC
#    restore, in counter ticks; `xl resume` and `xl list` as a user times
#    them (dom0's clock around the process).
# 3. The image size: stock, production, with test aids.
# 4. A whole real host cycle under the test firmware on virt-gicv3-fw and
#    virt-gicv2-fw with 4 pCPUs, 5 cycles each (-icount): every step of the
#    suspend and of the resume as Xen logs it, and Xen's whole path each
#    way (dom0's SYSTEM_SUSPEND to the firmware call, the firmware's
#    return to dom0 runnable), median and spread.
# Output: a table on stdout (also build/bench/results.md) and a timeline
# chart build/bench/timeline.svg.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

OUT=$BUILD/bench
STOCK=$BUILD/xen-stock
MACHINE=${BENCH_MACHINE:-virt-gicv3}
mkdir -p "$OUT"

step "bench: stock Xen 4.20 (no patches), same source and configuration"
bash "$TOP/ci/build-stock.sh"

export QEMU_EXTRA="-icount shift=0"
# Stock against the production build (what a user runs), in alternating
# pairs so that drift of the machine hits both alike; the spread between
# runs of the same image bounds what the comparison can show.
PAIRS=${BENCH_PAIRS:-3}
rm -f "$OUT"/stock-*.log "$OUT"/prod-*.log
for i in $(seq 1 "$PAIRS"); do
	step "bench: pair $i of $PAIRS on $MACHINE (-icount): stock Xen"
	bash "$TOP/ci/e2e.sh" -m "$MACHINE" -s bench --xen "$STOCK/xen/xen"
	cp "$BUILD/logs/$MACHINE-bench.log" "$OUT/stock-$i.log"
	step "bench: pair $i of $PAIRS on $MACHINE (-icount): production Xen (make xen-prod)"
	bash "$TOP/ci/e2e.sh" -m "$MACHINE" -s bench --xen "$BUILD/xen-prod/xen/xen"
	cp "$BUILD/logs/$MACHINE-bench.log" "$OUT/prod-$i.log"
done
step "bench: patched Xen with test aids on $MACHINE (-icount): the phases"
XEN_EXTRA_ARGS=xsr_gic_selftest bash "$TOP/ci/e2e.sh" -m "$MACHINE" -s bench
cp "$BUILD/logs/$MACHINE-bench.log" "$OUT/patched.log"
# The guest's console (its counter at the resume entry) does not get through
# under -icount: the guest's UART writer gives up after a bounded number of
# polls, which take little instruction time. The resume-to-first-instruction
# latency comes from a run without -icount (counter ticks follow wall time).
step "bench: patched Xen on $MACHINE (plain TCG, for the guest's resume counter)"
QEMU_EXTRA="" XEN_EXTRA_ARGS=xsr_gic_selftest bash "$TOP/ci/e2e.sh" -m "$MACHINE" -s bench
cp "$BUILD/logs/$MACHINE-bench.log" "$OUT/patched-tcg.log"

for m in virt-gicv3-fw virt-gicv2-fw; do
	step "bench: real host cycles on $m with 4 pCPUs (-icount)"
	bash "$TOP/ci/e2e.sh" -m "$m+smp4" -s bench-host
	cp "$BUILD/logs/$m+smp4-bench-host.log" "$OUT/host-$m.log"
done

step "bench: results"
python3 - "$OUT" <<'PY'
import re, statistics, sys, pathlib
out = pathlib.Path(sys.argv[1])
def load(name):
    return [l.rstrip('\r') for l in (out / name).read_text(errors='replace').splitlines()]
patched, tcg = load('patched.log'), load('patched-tcg.log')
pairs = sorted(int(p.stem.split('-')[1]) for p in out.glob('stock-*.log'))

def bench(lines):
    d = {}
    for l in lines:
        m = re.match(r'XSR: bench: (\S+) (\S+)$', l)
        if m:
            d[m.group(1)] = float(m.group(2))
    return d
runs = {'stock': [bench(load(f'stock-{i}.log')) for i in pairs],
        'prod': [bench(load(f'prod-{i}.log')) for i in pairs if (out / f'prod-{i}.log').exists()]}
def samples(lines, key):
    return [float(m.group(1)) for l in lines if (m := re.match(rf'XSR: bench: {key} (\S+)$', l))]
xl_resume, xl_list = samples(patched, 'xl-resume-ns'), samples(patched, 'xl-list-ns')
khz = next((int(m.group(1)) for l in patched if (m := re.search(r'Freq: (\d+) KHz', l))), 62500)
us = lambda ticks: ticks * 1000.0 / khz

def med(xs):
    return statistics.median(xs) if xs else None
susp = [int(m.group(1)) for l in patched if (m := re.search(r'PSCI SYSTEM_SUSPEND: suspended, resumes at \S+ \((\d+) ticks\)', l))]
xen_resume = {m.group(1): int(m.group(2)) for l in tcg if (m := re.search(r'resuming at \S+, context (0x[0-9a-f]+) \(tick (\d+)\)', l))}
guest_resume = {}
for l in tcg:
    m = re.search(r'TG: cycle (\d+) resume-tick (0x[0-9a-f]+|\d+)', l)
    if m:
        guest_resume['0x%x' % (0xc0de000000000000 | int(m.group(1)))] = int(m.group(2), 0)
lat = [guest_resume[c] - t for c, t in xen_resume.items() if c in guest_resume and guest_resume[c] >= t]
gic = [(int(m.group(1)), int(m.group(2))) for l in patched if (m := re.search(r'save (\d+) ticks, restore (\d+) ticks', l))]

rows = []
def cmp(label, key, scale, unit):
    a = [r[key] for r in runs['stock'] if key in r]
    b = [r[key] for r in runs['prod'] if key in r]
    if not a or not b:
        rows.append((label, 'n/a', 'n/a', '', ''))
        return
    ma, mb = statistics.median(a), statistics.median(b)
    # Run-to-run spread of each image, relative to its median.
    sp = max((max(a) - min(a)) / ma, (max(b) - min(b)) / mb) * 100 if ma and mb else 0
    fmt = lambda xs, m: f'{m*scale:.2f} {unit} ({min(xs)*scale:.2f}-{max(xs)*scale:.2f})'
    rows.append((label, fmt(a, ma), fmt(b, mb), f'{(mb-ma)/ma*100:+.1f} %' if ma else '', f'{sp:.1f} %'))
cmp('dom0 boot to ready (virtual time)', 'dom0-ready-uptime-s', 1, 's')
cmp('domU create + destroy (mean of 5)', 'domu-create-destroy-ns', 1e-6, 'ms')
cmp('xen_version hypercall (mean of 20000)', 'hypercall-ns', 1, 'ns')

phases = []
def phase(label, xs):
    m = med(xs)
    phases.append((label, len(xs), m, us(m) if m is not None else None))
phase('guest SYSTEM_SUSPEND trap to vCPU paused', susp)
phase('xl resume (arch_domain_resume) to first guest instruction (plain TCG)', lat)
phase('GIC save', [g[0] for g in gic])
phase('GIC restore', [g[1] for g in gic])

md = [f'## Stock Xen 4.20 against the production build (same work, QEMU -icount, {len(pairs)} alternating pairs; median (range))', '',
      '| work | stock | production | difference of medians | run-to-run spread |', '|---|---|---|---|---|']
md += [f'| {a} | {b} | {c} | {d} | {e} |' for a, b, c, d, e in rows]
md += ['', 'A difference smaller than the run-to-run spread is no measured cost: '
       'QEMU decides how the work interleaves, which moves a run by that much.']
md += ['', f'## Suspend/resume phases on the patched Xen (counter at {khz} kHz; medians)', '',
       '| phase | samples | ticks | µs |', '|---|---|---|---|']
for label, n, m, u in phases:
    md.append(f'| {label} | {n} | {m if m is not None else "n/a"} | {"%.1f" % u if u is not None else "n/a"} |')
md += ['', '## `xl resume` as a user times it (dom0 clock around the xl process, QEMU -icount, patched Xen)', '',
       '| command | samples | median | range |', '|---|---|---|---|']
for label, xs in (('xl resume (guest suspended through PSCI)', xl_resume), ('xl list (for scale: starting xl)', xl_list)):
    if xs:
        md.append(f'| {label} | {len(xs)} | {statistics.median(xs) / 1e6:.1f} ms | {min(xs) / 1e6:.1f}-{max(xs) / 1e6:.1f} ms |')
    else:
        md.append(f'| {label} | 0 | n/a | n/a |')
# Real host cycles: Xen logs each step with its duration (us) once the
# console is back; a cycle's lines end with "host suspend: resumed".
host, host_ends = {}, {}
for mach in ('virt-gicv3-fw', 'virt-gicv2-fw'):
    f = out / f'host-{mach}.log'
    if not f.exists():
        continue
    cycles, cur, ends = [], [], []
    for l in load(f.name):
        m = re.search(r'xen-suspend: host (suspend|resume ) (\S+) +(\d+) us', l)
        e = re.search(r'xen-suspend: host suspend: call to firmware (\d+) us, back to hwdom (\d+) us', l)
        if m:
            cur.append((m.group(1).strip(), m.group(2), int(m.group(3))))
        elif 'xen-suspend: host suspend: resumed' in l and cur:
            cycles.append(cur)
            cur = []
        elif e:
            ends.append((int(e.group(1)), int(e.group(2))))
    host[mach] = cycles
    host_ends[mach] = ends
def spread(xs):
    return f'{min(xs)}-{max(xs)}' if xs else 'n/a'
for mach, cycles in host.items():
    if not cycles:
        continue
    md += ['', f'## A real host cycle on {mach} with 4 pCPUs (QEMU -icount, {len(cycles)} cycles; µs, median and range)', '',
           '| direction | step | median | range |', '|---|---|---|---|']
    order = [(d, s) for d, s, _ in cycles[0]]
    for d, s in order:
        xs = [u for c in cycles for dd, ss, u in c if (dd, ss) == (d, s)]
        md.append(f'| {d} | {s} | {statistics.median(xs):.0f} | {spread(xs)} |')
    down = [sum(u for d, s, u in c if d == 'suspend' and s != 'firmware') for c in cycles]
    up = [sum(u for d, s, u in c if d == 'resume') for c in cycles]
    md.append(f'| suspend | all steps before the firmware call | {statistics.median(down):.0f} | {spread(down)} |')
    md.append(f'| resume | all steps after the firmware returns | {statistics.median(up):.0f} | {spread(up)} |')
    # Xen's whole path each way: the hardware domain's SYSTEM_SUSPEND (as
    # Xen handles it) to the firmware call, and the firmware call's return
    # (Xen's resume entry has run) to the hardware domain runnable again,
    # its vCPUs reset to its entry point (the step lines printed included).
    ends = host_ends.get(mach, [])
    for d, label, xs in (('suspend', 'dom0\'s SYSTEM_SUSPEND to the firmware call', [a for a, _ in ends]),
                         ('resume', 'firmware return to dom0 runnable', [b for _, b in ends])):
        m = f'{statistics.median(xs):.0f}' if xs else 'n/a'
        md.append(f'| {d} | **{label}** | {m} | {spread(xs)} |')
text = '\n'.join(md) + '\n'
(out / 'results.md').write_text(text)
print(text)

# Timeline: one host cycle (the first of virt-gicv3-fw) and one guest
# cycle, each step a span at its place in time (µs; the firmware's sleep
# and the guest's sleep are cut out, marked by a gap).
def timeline(rows, title):
    # rows: (label, µs) in order; a None label is a cut.
    width, left = 1000, 250
    spans, t = [], 0.0
    for label, u in rows:
        spans.append((label, t, u))
        t += u
    total = max(t, 1.0)
    scale = (width - left - 120) / total
    bh = 18
    h = 60 + (bh + 8) * len(spans) + 30
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{int(h)}" font-family="sans-serif" font-size="12">',
           '<rect width="100%" height="100%" fill="white"/>',
           f'<text x="10" y="22" font-size="15" font-weight="bold">{title}</text>']
    y = 40
    colors = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#b279a2']
    for i, (label, t0, u) in enumerate(spans):
        x = left + t0 * scale
        w = max(1.5, u * scale)
        svg.append(f'<text x="10" y="{y + 13}">{label}</text>')
        svg.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bh}" fill="{colors[i % len(colors)]}"/>')
        svg.append(f'<text x="{x + w + 4:.1f}" y="{y + 13}">{u:.0f} µs</text>')
        y += bh + 8
    svg.append(f'<line x1="{left}" y1="{y}" x2="{left + total * scale:.1f}" y2="{y}" stroke="black"/>')
    svg.append(f'<text x="{left}" y="{y + 16}">0</text>')
    svg.append(f'<text x="{left + total * scale - 40:.1f}" y="{y + 16}">{total:.0f} µs</text>')
    svg.append('</svg>')
    return svg, int(h)
charts = []
first = host.get('virt-gicv3-fw') or []
if first:
    rows = [(f'{d} {s}', float(u)) for d, s, u in first[0] if s != 'firmware']
    ends = host_ends.get('virt-gicv3-fw') or []
    if ends:
        # Xen's whole path each way, around the steps: dom0's call to the
        # first step (the tasklet is scheduled), the last step to dom0
        # runnable (the step lines printed, dom0's vCPUs reset).
        down = sum(u for d, s, u in first[0] if d == 'suspend' and s != 'firmware')
        up = sum(u for d, s, u in first[0] if d == 'resume')
        rows.insert(0, ("dom0's call to the first step", max(0.0, ends[0][0] - down)))
        rows.append(('last step to dom0 runnable', max(0.0, ends[0][1] - up)))
    charts.append(timeline(rows, 'One real host cycle, virt-gicv3-fw, 4 pCPUs (firmware sleep cut out), µs'))
g = [(l, u) for l, n, m, u in phases if u is not None]
if g:
    charts.append(timeline(g, 'One guest cycle, patched Xen (medians; the guest\'s sleep cut out), µs'))
if charts:
    total_h = sum(h for _, h in charts)
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="{total_h}">']
    y = 0
    for body, h in charts:
        svg.append(f'<g transform="translate(0,{y})">')
        svg += body
        svg.append('</g>')
        y += h
    svg.append('</svg>')
    (out / 'timeline.svg').write_text('\n'.join(svg) + '\n')
    print(f'chart: {out / "timeline.svg"}')
PY

step "bench: what the layer adds to the hypervisor image (bytes)"
# Stock, the production build (make xen-prod: defconfig, no test aids) and
# the suite's build (test aids on), all from the same source and defconfig.
{
	echo
	echo "## Image size against stock Xen 4.20 (xen-syms, bytes)"
	echo
	bash "$TOP/ci/image-size.sh" "stock:$STOCK/xen" "production (make xen-prod):$BUILD/xen-prod/xen" "with test aids (make xen):$BUILD/xen/xen"
} | tee -a "$OUT/results.md"
info "the Rust library's part, per module: make lib-check"
