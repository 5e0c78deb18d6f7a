//! A tiny, bounds-checked reader of a flattened device tree: just enough to
//! find the `bootargs` property of `/chosen` and the version of the virtual
//! GIC Xen gives a domU.
//!
//! The blob is big-endian. Header (all u32): magic 0xd00dfeed, totalsize,
//! off_dt_struct, off_dt_strings, off_mem_rsvmap, version,
//! last_comp_version, boot_cpuid_phys, size_dt_strings (v3+),
//! size_dt_struct (v17+). The structure block is a stream of 4-byte aligned
//! tokens. Every read is checked: a malformed blob yields `None`, never a
//! panic or an out-of-bounds access.

/// Header magic.
pub const FDT_MAGIC: u32 = 0xd00d_feed;
/// Size of the header up to and including size_dt_struct.
pub const HEADER_SIZE: usize = 40;

const FDT_BEGIN_NODE: u32 = 1;
const FDT_END_NODE: u32 = 2;
const FDT_PROP: u32 = 3;
const FDT_NOP: u32 = 4;
const FDT_END: u32 = 9;

/// The big-endian u32 at `off` in `b`, if it is all inside.
fn be32(b: &[u8], off: usize) -> Option<u32> {
    let bytes = b.get(off..off.checked_add(4)?)?;
    Some(u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
}

/// `x` rounded up to a multiple of 4.
fn align4(x: usize) -> Option<usize> {
    Some(x.checked_add(3)? & !3)
}

/// The NUL-terminated string at `off` in `b` (without the NUL), if the NUL
/// is inside `b`.
fn cstr(b: &[u8], off: usize) -> Option<&[u8]> {
    let rest = b.get(off..)?;
    let len = rest.iter().position(|&c| c == 0)?;
    Some(&rest[..len])
}

/// The `totalsize` field of a blob starting with `header` (at least the
/// first 8 bytes), if the magic is right.
pub fn total_size(header: &[u8]) -> Option<usize> {
    if be32(header, 0)? != FDT_MAGIC {
        return None;
    }
    usize::try_from(be32(header, 4)?).ok()
}

/// The region `[off, off + size)` of `blob`, or up to its end when the
/// header is too old to record `size`.
fn block(blob: &[u8], off: u32, size: Option<u32>) -> Option<&[u8]> {
    let start = usize::try_from(off).ok()?;
    let end = match size {
        Some(size) => start.checked_add(usize::try_from(size).ok()?)?,
        None => blob.len(),
    };
    blob.get(start..end)
}

/// The value of the property `prop` of the node `/name` (a child of the
/// root, matched by its full name, unit address included), as stored: for
/// a string, with its NUL terminator.
pub fn root_child_property<'a>(blob: &'a [u8], name: &[u8], prop: &[u8]) -> Option<&'a [u8]> {
    let total = total_size(blob)?;
    let blob = blob.get(..total)?;
    if blob.len() < HEADER_SIZE {
        return None;
    }
    let version = be32(blob, 20)?;
    let strings_size = if version >= 3 {
        Some(be32(blob, 32)?)
    } else {
        None
    };
    let struct_size = if version >= 17 {
        Some(be32(blob, 36)?)
    } else {
        None
    };
    let structure = block(blob, be32(blob, 8)?, struct_size)?;
    let strings = block(blob, be32(blob, 12)?, strings_size)?;

    // Depth 1 is the root node, depth 2 its children.
    let mut depth = 0usize;
    let mut in_node = false;
    let mut pos = 0usize;
    // Every token moves `pos` forward by at least 4 bytes: the walk ends.
    loop {
        let token = be32(structure, pos)?;
        pos += 4;
        match token {
            FDT_BEGIN_NODE => {
                let node = cstr(structure, pos)?;
                pos = align4(pos.checked_add(node.len() + 1)?)?;
                depth = depth.checked_add(1)?;
                in_node = depth == 2 && node == name;
            }
            FDT_END_NODE => {
                if in_node {
                    // Leaving the node: the property is not there.
                    return None;
                }
                depth = depth.checked_sub(1)?;
            }
            FDT_PROP => {
                let len = usize::try_from(be32(structure, pos)?).ok()?;
                let name_off = usize::try_from(be32(structure, pos + 4)?).ok()?;
                let start = pos.checked_add(8)?;
                let end = start.checked_add(len)?;
                let value = structure.get(start..end)?;
                pos = align4(end)?;
                if in_node && cstr(strings, name_off)? == prop {
                    return Some(value);
                }
            }
            FDT_NOP => {}
            // FDT_END or an unknown token: stop.
            FDT_END => return None,
            _ => return None,
        }
    }
}

/// The `bootargs` property of `/chosen` without its NUL terminator(s), if
/// the blob is well formed and has one.
pub fn chosen_bootargs(blob: &[u8]) -> Option<&[u8]> {
    let mut value = root_child_property(blob, b"chosen", b"bootargs")?;
    while let [rest @ .., 0] = value {
        value = rest;
    }
    Some(value)
}

/// Whether the string list `list` (a property value: NUL-terminated
/// strings one after the other, as in `compatible`) holds `item`.
pub fn string_list_contains(list: &[u8], item: &[u8]) -> bool {
    let list = match list {
        [rest @ .., 0] => rest,
        // Not NUL-terminated: not a string list.
        _ => return false,
    };
    list.split(|&c| c == 0).any(|s| s == item)
}

/// The node of the virtual GIC in a domU's device tree: libxl names it
/// after its distributor, at GUEST_GICD_BASE (0x03001000) for both GICv2
/// and GICv3 (xen/include/public/arch-arm.h).
pub const GUEST_GIC_NODE: &[u8] = b"interrupt-controller@3001000";

/// The version of the virtual GIC (2 or 3) by the `compatible` of
/// [`GUEST_GIC_NODE`]: "arm,gic-v3" for GICv3, "arm,cortex-a15-gic" (what
/// libxl writes) or "arm,gic-400" for GICv2. `None` if the blob has no
/// such node or its `compatible` names neither.
pub fn guest_gic_version(blob: &[u8]) -> Option<u32> {
    let compatible = root_child_property(blob, GUEST_GIC_NODE, b"compatible")?;
    if string_list_contains(compatible, b"arm,gic-v3") {
        Some(3)
    } else if string_list_contains(compatible, b"arm,cortex-a15-gic")
        || string_list_contains(compatible, b"arm,gic-400")
    {
        Some(2)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal FDT writer for the tests.
    struct Builder {
        structure: Vec<u8>,
        strings: Vec<u8>,
    }

    impl Builder {
        fn new() -> Self {
            Builder {
                structure: Vec::new(),
                strings: Vec::new(),
            }
        }
        fn token(&mut self, t: u32) -> &mut Self {
            self.structure.extend_from_slice(&t.to_be_bytes());
            self
        }
        fn pad(&mut self) {
            while self.structure.len() % 4 != 0 {
                self.structure.push(0);
            }
        }
        fn begin(&mut self, name: &str) -> &mut Self {
            self.token(FDT_BEGIN_NODE);
            self.structure.extend_from_slice(name.as_bytes());
            self.structure.push(0);
            self.pad();
            self
        }
        fn end(&mut self) -> &mut Self {
            self.token(FDT_END_NODE)
        }
        fn prop(&mut self, name: &str, value: &[u8]) -> &mut Self {
            let off = self.strings.len() as u32;
            self.strings.extend_from_slice(name.as_bytes());
            self.strings.push(0);
            self.token(FDT_PROP);
            self.token(value.len() as u32);
            self.token(off);
            self.structure.extend_from_slice(value);
            self.pad();
            self
        }
        fn finish(&mut self) -> Vec<u8> {
            self.token(FDT_END);
            let rsvmap_off = HEADER_SIZE;
            let struct_off = rsvmap_off + 16;
            let strings_off = struct_off + self.structure.len();
            let total = strings_off + self.strings.len();
            let mut b = Vec::new();
            for v in [
                FDT_MAGIC,
                total as u32,
                struct_off as u32,
                strings_off as u32,
                rsvmap_off as u32,
                17,
                16,
                0,
                self.strings.len() as u32,
                self.structure.len() as u32,
            ] {
                b.extend_from_slice(&v.to_be_bytes());
            }
            b.extend_from_slice(&[0; 16]);
            b.extend_from_slice(&self.structure);
            b.extend_from_slice(&self.strings);
            b
        }
    }

    fn typical() -> Vec<u8> {
        Builder::new()
            .begin("")
            .prop("#address-cells", &2u32.to_be_bytes())
            .begin("cpus")
            .prop("bootargs", b"wrong\0")
            .end()
            .token(FDT_NOP)
            .begin("chosen")
            .prop("stdout-path", b"/pl011@22000000\0")
            .prop("bootargs", b"mode=refusals cycles=3\0")
            .end()
            .end()
            .finish()
    }

    #[test]
    fn finds_chosen_bootargs() {
        assert_eq!(
            chosen_bootargs(&typical()),
            Some(&b"mode=refusals cycles=3"[..])
        );
    }

    #[test]
    fn ignores_bootargs_elsewhere() {
        let b = Builder::new()
            .begin("")
            .begin("soc")
            .begin("chosen")
            .prop("bootargs", b"deep\0")
            .end()
            .end()
            .begin("chosen@0")
            .prop("bootargs", b"unit\0")
            .end()
            .prop("bootargs", b"root\0")
            .end()
            .finish();
        assert_eq!(chosen_bootargs(&b), None);
    }

    #[test]
    fn chosen_without_bootargs() {
        let b = Builder::new()
            .begin("")
            .begin("chosen")
            .prop("stdout-path", b"x\0")
            .end()
            .begin("other")
            .prop("bootargs", b"no\0")
            .end()
            .end()
            .finish();
        assert_eq!(chosen_bootargs(&b), None);
    }

    #[test]
    fn empty_bootargs() {
        let b = Builder::new()
            .begin("")
            .begin("chosen")
            .prop("bootargs", b"\0")
            .end()
            .end()
            .finish();
        assert_eq!(chosen_bootargs(&b), Some(&b""[..]));
    }

    #[test]
    fn bad_magic() {
        let mut b = typical();
        b[0] ^= 1;
        assert_eq!(chosen_bootargs(&b), None);
        assert_eq!(chosen_bootargs(&[]), None);
    }

    #[test]
    fn every_truncation_is_safe() {
        let b = typical();
        for len in 0..b.len() {
            // totalsize still claims the whole blob: the slice is shorter.
            assert_eq!(chosen_bootargs(&b[..len]), None, "len {len}");
        }
    }

    #[test]
    fn every_corruption_is_safe() {
        let b = typical();
        for i in 0..b.len() {
            for v in [0u8, 1, 2, 3, 4, 9, 0x7f, 0x80, 0xff] {
                let mut c = b.clone();
                c[i] = v;
                // Any answer will do, as long as there is no panic.
                let _ = chosen_bootargs(&c);
            }
        }
    }

    #[test]
    fn huge_sizes_are_refused() {
        let mut b = typical();
        // size_dt_struct = u32::MAX.
        b[36..40].copy_from_slice(&u32::MAX.to_be_bytes());
        assert_eq!(chosen_bootargs(&b), None);
        let mut b = typical();
        // A property length of u32::MAX (the first PROP after the root).
        let first_prop = 40 + 16 + 8 + 4;
        assert_eq!(be32(&b, first_prop - 4), Some(FDT_PROP));
        b[first_prop..first_prop + 4].copy_from_slice(&u32::MAX.to_be_bytes());
        assert_eq!(chosen_bootargs(&b), None);
    }

    /// A domU tree as libxl writes it, with the GIC node's `compatible`.
    fn with_gic(compatible: &[u8]) -> Vec<u8> {
        Builder::new()
            .begin("")
            .begin("chosen")
            .prop("bootargs", b"mode=irqs\0")
            .end()
            .begin("interrupt-controller@3001000")
            .prop("compatible", compatible)
            .prop("#interrupt-cells", &3u32.to_be_bytes())
            .end()
            .end()
            .finish()
    }

    #[test]
    fn gic_versions() {
        let v2 = with_gic(b"arm,cortex-a15-gic\0arm,cortex-a9-gic\0");
        assert_eq!(guest_gic_version(&v2), Some(2));
        assert_eq!(guest_gic_version(&with_gic(b"arm,gic-400\0")), Some(2));
        assert_eq!(guest_gic_version(&with_gic(b"arm,gic-v3\0")), Some(3));
        assert_eq!(guest_gic_version(&with_gic(b"arm,gic-v2m\0")), None);
        // A prefix or a missing terminator is no match.
        assert_eq!(guest_gic_version(&with_gic(b"arm,gic-v3x\0")), None);
        assert_eq!(guest_gic_version(&with_gic(b"arm,gic-v3")), None);
        assert_eq!(guest_gic_version(&with_gic(b"")), None);
        // No GIC node, or one elsewhere in the tree.
        assert_eq!(guest_gic_version(&typical()), None);
        let nested = Builder::new()
            .begin("")
            .begin("soc")
            .begin("interrupt-controller@3001000")
            .prop("compatible", b"arm,gic-v3\0")
            .end()
            .end()
            .end()
            .finish();
        assert_eq!(guest_gic_version(&nested), None);
        // The bootargs are still found next to the GIC node.
        assert_eq!(chosen_bootargs(&v2), Some(&b"mode=irqs"[..]));
    }

    #[test]
    fn string_lists() {
        assert!(string_list_contains(b"a\0bc\0", b"a"));
        assert!(string_list_contains(b"a\0bc\0", b"bc"));
        assert!(!string_list_contains(b"a\0bc\0", b"b"));
        assert!(!string_list_contains(b"a\0bc", b"bc"));
        assert!(!string_list_contains(b"", b""));
        assert!(string_list_contains(b"\0", b""));
    }

    #[test]
    fn total_size_reads_the_header() {
        let b = typical();
        assert_eq!(total_size(&b), Some(b.len()));
        assert_eq!(total_size(&b[..7]), None);
    }
}
