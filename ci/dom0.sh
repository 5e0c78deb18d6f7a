#!/usr/bin/env bash
# Build dom0 for QEMU: Debian trixie's arm64 kernel (its vmlinuz is a raw arm64
# Image) and an initramfs holding busybox, the Xen 4.20 toolstack
# (xenconsoled and the libraries from Debian; xl and xenstored built from the
# patched tree by ci/toolstack.sh) with only the libraries they need, and the
# test guests with their xl configs:
# the bare-metal Rust test guest (ci/testguest.sh) and a Linux domU (the
# same kernel, a busybox initramfs running ci/domu/init). With
# XSR_GUEST32=1 also the 32-bit Linux domU (trixie's armhf armmp-lpae
# kernel, a zImage, with an armhf busybox initramfs running the same init)
# for the guest-suspend-linux32 scenario (not part of make test: README),
# in a second archive only that scenario loads: Linux unpacks
# concatenated cpio archives in turn, so initrd32.cpio.gz is
# initrd.cpio.gz followed by it, and no other scenario carries its 7 MB.
# Output: build/dom0/Image, build/dom0/initrd.cpio.gz (and
# build/dom0/initrd32.cpio.gz). Idempotent.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

OUT=$BUILD/dom0
ROOT=$OUT/rootfs-extract
INITRD_DIR=$OUT/initrd
mkdir -p "$OUT"

# unpack_trixie ARCH DIR PACKAGES LOG: Debian trixie's PACKAGES (comma
# separated) for ARCH unpacked into DIR (once: DIR/.done).
unpack_trixie() {
	[ ! -f "$2/.done" ] || return 0
	MIRROR=$(debian_mirror) || die "no Debian mirror in the machine's apt configuration"
	info "mmdebstrap --variant=extract (trixie $1: $3; $MIRROR)"
	rm -rf "$2"
	mmdebstrap --quiet --variant=extract --architectures="$1" --include="$3" \
		trixie "$2" "deb $MIRROR trixie main" >"$4" 2>&1 ||
		{ tail -n 30 "$4" >&2; die "mmdebstrap of trixie $1 failed (log: $4)"; }
	touch "$2/.done"
}

step "dom0: Debian trixie arm64 kernel and Xen 4.20 toolstack"
unpack_trixie arm64 "$ROOT" linux-image-arm64,xen-utils-4.20,xenstore-utils,busybox-static,libc6,libgcc-s1 \
	"$OUT/mmdebstrap.log"

# The 32-bit domU (XSR_GUEST32=1): trixie's armhf LPAE kernel (CONFIG_XEN=y,
# PSCI, SUSPEND; built ARM, not Thumb-2) and busybox, unpacked the same way.
ROOT32=$OUT/rootfs-armhf
kver32=""
if [ "${XSR_GUEST32:-0}" = 1 ]; then
	unpack_trixie armhf "$ROOT32" linux-image-armmp-lpae,busybox-static "$OUT/mmdebstrap-armhf.log"
	kver32=$(find "$ROOT32/boot" -name 'vmlinuz-*-armmp-lpae' -printf '%f\n' | sed 's/^vmlinuz-//' | sort -V | tail -n 1)
	[ -n "$kver32" ] || die "no armmp-lpae kernel in the trixie armhf packages"
	grep -qx 'CONFIG_XEN=y' "$ROOT32/boot/config-$kver32" || die "the armhf kernel $kver32 lacks CONFIG_XEN"
	info "32-bit domU kernel $kver32 (zImage)"
fi

# extract mode makes no merged-usr links: modules are under usr/lib
kver=$(find "$ROOT/usr/lib/modules" -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -V | tail -n 1)
[ -n "$kver" ] || die "no kernel modules found in the trixie linux-image package"
moddir=$ROOT/usr/lib/modules/$kver
info "kernel $kver"
cp "$ROOT/boot/vmlinuz-$kver" "$OUT/Image.new"
mv "$OUT/Image.new" "$OUT/Image"
# The ZCU102 board's device tree, for QEMU's xlnx-zcu102 (ci/e2e.sh).
zdtb=$(find "$ROOT/usr/lib/linux-image-$kver" -name zynqmp-zcu102-rev1.0.dtb | head -n 1)
[ -n "$zdtb" ] || die "the trixie kernel package has no xilinx/zynqmp-zcu102-rev1.0.dtb"
cp "$zdtb" "$OUT/zynqmp-zcu102-rev1.0.dtb"

# Kernel modules and their dependencies, decompressed (busybox insmod reads
# plain .ko). extract mode runs no depmod: dependencies come from each module's
# .modinfo "depends=" entry. add_module NAME DIR LIST copies NAME and what it
# needs into DIR/lib/modules and appends them to DIR/LIST in load order.
declare -A modseen=()
add_module() {
	local name=${1//_/-} dir=$2 list=$3 path base dep
	[ -n "${modseen[$dir:$name]:-}" ] && return 0
	modseen[$dir:$name]=1
	path=$(find "$moddir/kernel" \( -name "$name.ko.xz" -o -name "${name//-/_}.ko.xz" \) | head -n 1)
	if [ -z "$path" ]; then
		grep -qE "/(${name}|${name//-/_})\.ko" "$moddir/modules.builtin" ||
			die "kernel module $name is neither built in nor shipped"
		return 0
	fi
	base=$(basename "$path" .xz)
	mkdir -p "$dir/lib/modules"
	xz -dc "$path" >"$dir/lib/modules/$base"
	for dep in $("${CROSS_COMPILE}objcopy" -O binary --only-section=.modinfo "$dir/lib/modules/$base" /dev/stdout |
		tr '\0' '\n' | sed -n 's/^depends=//p' | tr ',' ' '); do
		add_module "$dep" "$dir" "$list"
	done
	echo "$base" >>"$dir$list"
}

# xl from the patched tree, the test guest images (arm64 and arm32), the
# Linux domU initramfs.
bash "$TOP/ci/toolstack.sh"
bash "$TOP/ci/testguest.sh" >/dev/null
GUESTS=$BUILD/guests
mkdir -p "$GUESTS"
# Xen's public headers as <xen/...>, as the tools see them.
mkdir -p "$OUT/xen-include"
ln -sfn "$BUILD/xen/xen/include/public" "$OUT/xen-include/xen"
domu_stamp=$(content_hash "$kver" "$TOP/ci/domu" "$TOP/ci/dom0.sh")
# domu_initrd DIR ROOTFS: a Linux domU's initramfs tree in DIR: ROOTFS's
# busybox with its applets, ci/domu/init, an empty module list.
domu_initrd() {
	local d=$1 bb=$2/usr/bin/busybox a
	rm -rf "$d"
	mkdir -p "$d"/{bin,sbin,proc,sys,dev,tmp,etc}
	[ -f "$bb" ] || bb=$2/bin/busybox
	cp "$bb" "$d/bin/busybox"
	for a in sh mount echo cat grep sed cut seq sleep poweroff sync uname awk date \
		insmod dd md5sum head ip ping; do
		ln -sf busybox "$d/bin/$a"
	done
	ln -sf ../bin/busybox "$d/sbin/poweroff"
	: >"$d/etc/xsr-modules"
	install -m 0755 "$TOP/ci/domu/init" "$d/init"
}
# pack_initrd DIR OUT: DIR as a gzipped cpio archive OUT.
pack_initrd() {
	(cd "$1" && find . | LC_ALL=C sort | cpio --quiet -o -H newc --owner=0:0 | gzip -9 -n) >"$2"
}
if [ "$(cat "$GUESTS/linux-initrd.stamp" 2>/dev/null)" != "$domu_stamp" ]; then
	step "guests: Linux domU initramfs"
	d=$GUESTS/linux-initrd
	domu_initrd "$d" "$ROOT"
	# PV disk and network frontends, loaded by ci/domu/init with pv=1.
	for m in xen-blkfront xen-netfront; do
		add_module "$m" "$d" /etc/xsr-modules
	done
	# The time agent (ci/domu/xsr-domtime.c), static: the domU has busybox only.
	"${CROSS_COMPILE}gcc" -O2 -static -Wall -Wextra -Werror -I "$OUT/xen-include" \
		-o "$d/bin/xsr-domtime" "$TOP/ci/domu/xsr-domtime.c" ||
		die "building ci/domu/xsr-domtime.c failed"
	pack_initrd "$d" "$GUESTS/linux-initrd.cpio.gz"
	echo "$domu_stamp" >"$GUESTS/linux-initrd.stamp"
	info "Linux domU initramfs $(du -h "$GUESTS/linux-initrd.cpio.gz" | cut -f1)"
fi

if [ -n "$kver32" ] && [ "$(cat "$GUESTS/linux32-initrd.stamp" 2>/dev/null)" != "$domu_stamp $kver32" ]; then
	step "guests: 32-bit Linux domU initramfs (armhf busybox)"
	domu_initrd "$GUESTS/linux32-initrd" "$ROOT32"
	pack_initrd "$GUESTS/linux32-initrd" "$GUESTS/linux32-initrd.cpio.gz"
	cp "$ROOT32/boot/vmlinuz-$kver32" "$GUESTS/zImage-armhf"
	echo "$domu_stamp $kver32" >"$GUESTS/linux32-initrd.stamp"
	info "32-bit Linux domU initramfs $(du -h "$GUESTS/linux32-initrd.cpio.gz" | cut -f1), zImage $(du -h "$GUESTS/zImage-armhf" | cut -f1)"
fi

stamp=$(content_hash "$kver" "$kver32" "$TOP/ci/dom0.sh" "$TOP/ci/dom0" "$TOP/ci/bench" "$BUILD/xl/xl" "$BUILD/xl/xenstored" \
	"$BUILD/testguest/testguest.img" "$BUILD/testguest/testguest32.img" "$GUESTS/linux-initrd.cpio.gz" \
	${kver32:+"$GUESTS/linux32-initrd.cpio.gz"} "$OUT/extra")
if [ -f "$OUT/initrd.cpio.gz" ] && { [ -z "$kver32" ] || [ -f "$OUT/initrd32.cpio.gz" ]; } &&
	[ "$(cat "$OUT/initrd.stamp" 2>/dev/null)" = "$stamp" ]; then
	info "initramfs up to date"
	exit 0
fi

step "dom0: initramfs"
rm -rf "$INITRD_DIR"
mkdir -p "$INITRD_DIR"/{bin,sbin,usr/bin,usr/sbin,lib,etc/xsr,proc,sys,dev,run,tmp,var/lib/xen,root}
R=$INITRD_DIR
bb=$ROOT/usr/bin/busybox
[ -f "$bb" ] || bb=$ROOT/bin/busybox
cp "$bb" "$R/bin/busybox"
# busybox is an arm64 binary (it cannot be run here to list its applets).
for a in sh mount umount mkdir cat echo ls sleep insmod poweroff reboot sync setsid \
	grep sed awk head tail date dmesg ps kill uname free cut tr wc seq test true false \
	rm cp mv ln chmod xargs env printf expr timeout hexdump od dd stat \
	install basename dirname find sort uniq losetup ip ping md5sum; do
	ln -sf busybox "$R/bin/$a"
done
ln -sf ../bin/busybox "$R/sbin/poweroff"
ln -sf ../bin/busybox "$R/sbin/insmod"

xenbin=$ROOT/usr/lib/xen-4.20/bin
want_bins=()
for b in xl xenstored xenconsoled xen-init-dom0 xenstore-write xenstore-read xenstore-ls xenstore-rm xenhypfs; do
	src=""
	for d in "$xenbin" "$ROOT/usr/sbin" "$ROOT/usr/bin"; do
		if [ -f "$d/$b" ] && [[ $(file -b "$d/$b") == *ELF* ]]; then src=$d/$b; break; fi
	done
	[ -n "$src" ] || die "no ELF binary $b in the trixie packages"
	cp "$src" "$R/usr/sbin/$b"
	want_bins+=("$R/usr/sbin/$b")
done
# xl and xenstored built from the patched tree replace Debian's (same
# libraries).
cp "$BUILD/xl/xl" "$R/usr/sbin/xl"
cp "$BUILD/xl/xenstored" "$R/usr/sbin/xenstored"
# The benchmark's clock and hypercall-loop helper (static).
"${CROSS_COMPILE}gcc" -O2 -static -D__XEN_TOOLS__ -I "$OUT/xen-include" \
	-o "$R/usr/sbin/xsr-bench" "$TOP/ci/bench/xsr-bench.c" ||
	die "building ci/bench/xsr-bench.c failed"
# dom0's half of the domU time agent: push its time of day, measure a domU's.
cp "$GUESTS/linux-initrd/bin/xsr-domtime" "$R/usr/sbin/xsr-domtime"
# Anything a user puts in build/dom0/extra goes in as well (their own guests).
if [ -d "$OUT/extra" ]; then cp -a "$OUT/extra/." "$R/"; fi

# Copy the DT_NEEDED closure of every ELF file, plus libgcc_s (glibc dlopens it).
libdirs=("$ROOT/usr/lib/aarch64-linux-gnu" "$ROOT/lib/aarch64-linux-gnu" "$ROOT/usr/lib/xen-4.20/lib" "$ROOT/usr/lib")
mkdir -p "$R/usr/lib/aarch64-linux-gnu" "$R/lib"
find_lib() {
	local d
	for d in "${libdirs[@]}"; do
		[ -e "$d/$1" ] && { echo "$d/$1"; return 0; }
	done
	return 1
}
queue=("${want_bins[@]}")
declare -A seen=()
extra_libs=(libgcc_s.so.1)
while [ ${#queue[@]} -gt 0 ]; do
	f=${queue[0]}
	queue=("${queue[@]:1}")
	for n in $("${CROSS_COMPILE}readelf" -d "$f" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p') "${extra_libs[@]}"; do
		[ -n "${seen[$n]:-}" ] && continue
		seen[$n]=1
		p=$(find_lib "$n") || die "library $n (needed by $(basename "$f")) not found in the trixie packages"
		cp -L "$p" "$R/usr/lib/aarch64-linux-gnu/$n"
		queue+=("$R/usr/lib/aarch64-linux-gnu/$n")
	done
	extra_libs=()
done
ln -sf ../usr/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1 "$R/lib/ld-linux-aarch64.so.1"

: >"$R/etc/xsr-modules"
: >"$R/etc/xsr-modules-pv"
for m in xen-evtchn xen-privcmd xenfs xen-gntdev xen-gntalloc; do
	add_module "$m" "$R" /etc/xsr-modules
done
# The backends of the PV disk and network scenarios (loaded by them, not at
# boot: ci/dom0/scenario-guest-pv-devices).
for m in loop xen-blkback xen-netback; do
	add_module "$m" "$R" /etc/xsr-modules-pv
done

install -m 0755 "$TOP/ci/dom0/init" "$R/init"
install -m 0644 "$TOP/ci/dom0/lib.sh" "$R/etc/xsr/lib.sh"
for s in "$TOP"/ci/dom0/scenario-*; do
	[ -e "$s" ] && install -m 0755 "$s" "$R/etc/xsr/"
done
install -m 0755 "$TOP/ci/dom0/hotplug-block" "$TOP/ci/dom0/hotplug-vif" "$R/etc/xsr/"
mkdir -p "$R/etc/xsr/guests"
cp "$TOP"/ci/dom0/guests/*.cfg "$R/etc/xsr/guests/"
# The partial device tree of the domU that gets the PL031 RTC.
dtc -q -I dts -O dtb -o "$R/etc/xsr/guests/pl031-passthrough.dtb" "$TOP/ci/domu/pl031-passthrough.dts" ||
	die "dtc could not compile ci/domu/pl031-passthrough.dts"
cp "$BUILD/testguest/testguest.img" "$BUILD/testguest/testguest32.img" "$GUESTS/linux-initrd.cpio.gz" "$R/etc/xsr/guests/"
ln -f "$OUT/Image" "$R/etc/xsr/guests/Image" 2>/dev/null || cp "$OUT/Image" "$R/etc/xsr/guests/Image"
mkdir -p "$R/etc/xen"
: >"$R/etc/xen/xl.conf"
# What of dom0 follows Debian trixie (not pinned): recorded in the image and
# printed by dom0 at boot (ci/dom0/init).
# The version at the top of a package's Debian changelog (the kernel's is
# changelog.gz, from its signed source package).
pkg_version() {
	local c
	for c in "$ROOT/usr/share/doc/$1/changelog.Debian.gz" "$ROOT/usr/share/doc/$1/changelog.gz"; do
		[ -f "$c" ] || continue
		zcat "$c" | head -n 1 | sed -n 's/^[^ ]* (\([^)]*\)).*/\1/p'
		return 0
	done
	echo unknown
}
{
	echo "toolstack xen-utils-4.20 $(pkg_version xen-utils-4.20)"
	echo "kernel linux-image-$kver $(pkg_version "linux-image-$kver")"
	[ -z "$kver32" ] || echo "32-bit domU kernel linux-image-$kver32 $(ROOT=$ROOT32 pkg_version "linux-image-$kver32")"
} >"$R/etc/xsr/versions"
sed 's/^/    trixie: /' "$R/etc/xsr/versions"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$R/etc/passwd"
printf 'root:x:0:\n' >"$R/etc/group"

(cd "$R" && find . | LC_ALL=C sort | cpio --quiet -o -H newc --owner=0:0 | gzip -6 -n) >"$OUT/initrd.cpio.gz.new"
mv "$OUT/initrd.cpio.gz.new" "$OUT/initrd.cpio.gz"
# initrd32: the same, then a second archive with the 32-bit Linux domU.
rm -f "$OUT/initrd32.cpio.gz"
if [ -n "$kver32" ]; then
	R32=$OUT/initrd-guest32
	rm -rf "$R32"
	mkdir -p "$R32/etc/xsr/guests"
	cp "$GUESTS/zImage-armhf" "$GUESTS/linux32-initrd.cpio.gz" "$R32/etc/xsr/guests/"
	{
		cat "$OUT/initrd.cpio.gz"
		(cd "$R32" && find . | LC_ALL=C sort | cpio --quiet -o -H newc --owner=0:0 | gzip -1 -n)
	} >"$OUT/initrd32.cpio.gz.new"
	mv "$OUT/initrd32.cpio.gz.new" "$OUT/initrd32.cpio.gz"
fi
echo "$stamp" >"$OUT/initrd.stamp"
info "initramfs $(du -h "$OUT/initrd.cpio.gz" | cut -f1)${kver32:+ ($(du -h "$OUT/initrd32.cpio.gz" | cut -f1) with the 32-bit Linux domU)}, kernel Image $(du -h "$OUT/Image" | cut -f1)"
