#!/usr/bin/env bash
# Build `xl` and `xenstored` from the patched Xen tree (build/xen/tools),
# against Debian trixie's arm64 Xen 4.20 libraries, for the dom0 image. xl
# gains `resume` on Arm (xen-patches/0003, 0007); xenstored reports the
# shutdowns of a domain the hypervisor resumed by itself (0021). The
# libraries and the rest of the toolstack stay Debian's build of the same
# source.
#
# Headers: the patched tree's tools/include first, then trixie's libxen-dev,
# libyajl-dev and uuid-dev (extracted, not installed). Libraries: the arm64
# shared objects of build/dom0/rootfs-extract. C library: the cross
# toolchain's (bookworm glibc 2.36), which trixie's glibc runs.
# Output: build/xl/xl, build/xl/xenstored. Idempotent.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

OUT=$BUILD/xl
TREE=$BUILD/xen
ROOT=$BUILD/dom0/rootfs-extract
[ -d "$TREE/tools/xl" ] || die "no patched Xen tree: run ci/fetch-xen.sh first"
[ -f "$ROOT/.done" ] || die "no trixie arm64 root: run ci/dom0.sh first"

stamp=$(content_hash "$TREE/tools/xl" "$TREE/tools/xenstored" "$TREE/tools/include" "$TOP/ci/toolstack.sh")
if [ -f "$OUT/xl" ] && [ -f "$OUT/xenstored" ] && [ "$(cat "$OUT/xl.stamp" 2>/dev/null)" = "$stamp" ]; then
	info "xl and xenstored from the patched tree are up to date"
	exit 0
fi

step "dom0: xl and xenstored from the patched tree"
if [ ! -f "$OUT/sysroot/.done" ]; then
	MIRROR=$(debian_mirror) || die "no Debian mirror in the machine's apt configuration"
	private_apt trixie-arm64 arm64 \
		"deb [arch=arm64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $MIRROR trixie main"
	rm -rf "$OUT/debs" "$OUT/sysroot"
	mkdir -p "$OUT/debs" "$OUT/sysroot"
	(cd "$OUT/debs" && apt-get "${APT_OPTS[@]}" download -q libxen-dev libyajl-dev uuid-dev \
		>"$OUT/download.log" 2>&1) || { cat "$OUT/download.log" >&2; die "downloading libxen-dev (arm64) failed"; }
	for d in "$OUT"/debs/*.deb; do dpkg-deb -x "$d" "$OUT/sysroot"; done
	touch "$OUT/sysroot/.done"
fi

rm -rf "${OUT:?}/obj" "${OUT:?}/inc" "${OUT:?}/lib" "${OUT:?}/build.log"
mkdir -p "$OUT/obj" "$OUT/inc" "$OUT/lib"
# What configure would put in tools/config.h, with Debian's paths.
cat >"$OUT/inc/config.h" <<'H'
#define HAVE_YAJL_YAJL_VERSION_H 1
#define XEN_CONFIG_DIR "/etc/xen"
#define XEN_LOCK_DIR "/var/lock"
#define XENFIRMWAREDIR "/usr/lib/xen-4.20/boot"
#define XEN_LOG_DIR "/var/log/xen"
#define XEN_DUMP_DIR "/var/lib/xen/dump"
#define XEN_SCRIPT_DIR "/etc/xen/scripts"
H
cflags=(-O2 -std=gnu99 -D__XEN_TOOLS__ -Wall -Wno-format-zero-length
	-include "$OUT/inc/config.h" -I "$TREE/tools/include" -I "$OUT/sysroot/usr/include")
n=0
for src in "$TREE"/tools/xl/*.c; do
	obj=$(basename "$src" .c)
	[ "$obj" = xl_psr ] && continue # x86 only
	"${CROSS_COMPILE}gcc" "${cflags[@]}" -c "$src" -o "$OUT/obj/$obj.o" 2>>"$OUT/build.log" ||
		{ tail -n 20 "$OUT/build.log" >&2; die "compiling $(basename "$src") failed"; }
	n=$((n + 1))
done
libdir=$ROOT/usr/lib/aarch64-linux-gnu
for l in xenlight xlutil xentoollog xenstore yajl; do
	so=$(find "$libdir" -maxdepth 1 -name "lib$l.so.*" | sort | head -n 1)
	[ -n "$so" ] || die "lib$l.so.* missing from the trixie arm64 root"
	ln -sf "$so" "$OUT/lib/lib$l.so"
done
# The libraries' own dependencies are resolved at run time in dom0.
"${CROSS_COMPILE}gcc" -o "$OUT/xl.new" "$OUT"/obj/*.o -L"$OUT/lib" \
	-lxlutil -lxenlight -lxentoollog -lxenstore -lyajl -Wl,--allow-shlib-undefined 2>>"$OUT/build.log" ||
	{ tail -n 20 "$OUT/build.log" >&2; die "linking xl failed"; }
mv "$OUT/xl.new" "$OUT/xl"
info "built xl from $n files of the patched tree ($(stat -c %s "$OUT/xl") bytes)"

# xenstored: the Linux daemon's objects (tools/xenstored/Makefile.common).
cat >"$OUT/inc/xenstored-config.h" <<'H'
#define XEN_RUN_STORED "/var/run/xenstored"
#define XEN_LIB_DIR "/var/lib/xen"
#define INCLUDE_ENDIAN_H <endian.h>
H
rm -rf "$OUT/xs-obj"
mkdir -p "$OUT/xs-obj"
xscflags=(-O2 -std=gnu99 -D__XEN_TOOLS__ -Wall -include "$OUT/inc/xenstored-config.h"
	-I "$TREE/tools/include" -I "$OUT/sysroot/usr/include")
n=0
for obj in core watch domain transaction control lu talloc utils hashtable posix lu_daemon; do
	"${CROSS_COMPILE}gcc" "${xscflags[@]}" -c "$TREE/tools/xenstored/$obj.c" -o "$OUT/xs-obj/$obj.o" \
		2>>"$OUT/build.log" || { tail -n 20 "$OUT/build.log" >&2; die "compiling xenstored's $obj.c failed"; }
	n=$((n + 1))
done
for l in xenevtchn xengnttab xenctrl; do
	so=$(find "$libdir" -maxdepth 1 -name "lib$l.so.*" | sort | head -n 1)
	[ -n "$so" ] || die "lib$l.so.* missing from the trixie arm64 root"
	ln -sf "$so" "$OUT/lib/lib$l.so"
done
"${CROSS_COMPILE}gcc" -o "$OUT/xenstored.new" "$OUT"/xs-obj/*.o -L"$OUT/lib" \
	-lxenevtchn -lxengnttab -lxenctrl -lrt -Wl,--allow-shlib-undefined 2>>"$OUT/build.log" ||
	{ tail -n 20 "$OUT/build.log" >&2; die "linking xenstored failed"; }
mv "$OUT/xenstored.new" "$OUT/xenstored"
echo "$stamp" >"$OUT/xl.stamp"
info "built xenstored from $n files of the patched tree ($(stat -c %s "$OUT/xenstored") bytes)"
