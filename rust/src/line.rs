//! One console line, built from pieces without `core::fmt`.
//!
//! Xen's console takes bytes; the layer's messages are text and integers.
//! `core::fmt` would do, but it links about 5 KB of generic machinery
//! (padding, Display/Debug tables, UTF-8 validation) into the hypervisor for
//! some thirty messages. A [`Line`] is a stack buffer that the [`msg!`]
//! macro fills piece by piece: strings, decimal and hexadecimal integers,
//! padded columns. No heap; text that does not fit is cut at a character
//! boundary and marked [`Line::truncated`]; nothing here can fail or panic.
//!
//! [`msg!`]: crate::msg

/// The longest line the layer prints; the rest of a longer one is cut.
pub const LINE_MAX: usize = 256;

/// A console line under construction (at most [`LINE_MAX`] bytes, always
/// whole UTF-8 characters).
pub struct Line {
    buf: [u8; LINE_MAX],
    len: usize,
    truncated: bool,
}

impl Line {
    /// An empty line.
    pub const fn new() -> Self {
        Self {
            buf: [0; LINE_MAX],
            len: 0,
            truncated: false,
        }
    }

    /// The bytes written so far.
    pub fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or_default()
    }

    /// Its length in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing was written.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether some text was dropped because the line was full.
    pub fn truncated(&self) -> bool {
        self.truncated
    }

    /// Append `s`, or as much of it as fits without splitting a character.
    #[inline(never)]
    pub fn push_str(&mut self, s: &str) {
        let room = LINE_MAX - self.len;
        let mut take = s.len().min(room);
        while !s.is_char_boundary(take) {
            take -= 1;
        }
        if take < s.len() {
            self.truncated = true;
        }
        if let (Some(dst), Some(src)) = (
            self.buf.get_mut(self.len..self.len + take),
            s.as_bytes().get(..take),
        ) {
            dst.copy_from_slice(src);
            self.len += take;
        }
    }

    /// Append one ASCII byte if it fits.
    fn push_ascii(&mut self, b: u8) {
        match self.buf.get_mut(self.len) {
            Some(slot) if b.is_ascii() => {
                *slot = b;
                self.len += 1;
            }
            _ => self.truncated = true,
        }
    }

    /// Append `v` in decimal.
    #[inline(never)]
    pub fn push_dec(&mut self, v: u64) {
        self.push_digits(v, 10);
    }

    /// Append `v` in decimal with a leading '-' when negative.
    #[inline(never)]
    pub fn push_signed(&mut self, v: i64) {
        if v < 0 {
            self.push_ascii(b'-');
        }
        self.push_dec(v.unsigned_abs());
    }

    /// Append `v` in hexadecimal with a "0x" prefix (Rust's `{:#x}`).
    #[inline(never)]
    pub fn push_hex(&mut self, v: u64) {
        self.push_str("0x");
        self.push_digits(v, 16);
    }

    /// Append spaces until the line is `width` bytes past `start`.
    fn pad_from(&mut self, start: usize, width: usize) {
        while self.len < start.saturating_add(width) && self.len < LINE_MAX {
            self.push_ascii(b' ');
        }
    }

    #[inline(never)]
    fn push_digits(&mut self, mut v: u64, base: u64) {
        // u64::MAX has 20 decimal digits.
        let mut digits = [0u8; 20];
        let mut n = 0;
        loop {
            let d = (v % base) as u8;
            if let Some(slot) = digits.get_mut(n) {
                *slot = if d < 10 { b'0' + d } else { b'a' + d - 10 };
            }
            n += 1;
            v /= base;
            if v == 0 || n == digits.len() {
                break;
            }
        }
        for &d in digits.get(..n).unwrap_or_default().iter().rev() {
            self.push_ascii(d);
        }
    }
}

impl Default for Line {
    fn default() -> Self {
        Self::new()
    }
}

/// Something [`msg!`](crate::msg) can put on a line.
pub trait Piece {
    /// Append this piece to `line`.
    fn put(&self, line: &mut Line);
}

impl Piece for str {
    fn put(&self, line: &mut Line) {
        line.push_str(self);
    }
}

impl<T: Piece + ?Sized> Piece for &T {
    fn put(&self, line: &mut Line) {
        (**self).put(line);
    }
}

macro_rules! unsigned_pieces {
    ($($t:ty),*) => {$(
        impl Piece for $t {
            fn put(&self, line: &mut Line) {
                line.push_dec(u64::from(*self));
            }
        }
    )*};
}
unsigned_pieces!(u8, u16, u32, u64);

impl Piece for usize {
    fn put(&self, line: &mut Line) {
        // usize is 64 bits on every target the layer builds for.
        line.push_dec(*self as u64);
    }
}

impl Piece for i32 {
    fn put(&self, line: &mut Line) {
        line.push_signed(i64::from(*self));
    }
}

impl Piece for i64 {
    fn put(&self, line: &mut Line) {
        line.push_signed(*self);
    }
}

/// An integer in hexadecimal with a "0x" prefix.
#[derive(Clone, Copy)]
pub struct Hex(pub u64);

impl Piece for Hex {
    fn put(&self, line: &mut Line) {
        line.push_hex(self.0);
    }
}

/// A piece left-aligned in a column of at least `width` bytes.
pub struct Left<P>(pub P, pub usize);

impl<P: Piece> Piece for Left<P> {
    fn put(&self, line: &mut Line) {
        let start = line.len();
        self.0.put(line);
        line.pad_from(start, self.1);
    }
}

/// An unsigned integer right-aligned in a column of at least `width` bytes.
pub struct Right(pub u64, pub usize);

impl Piece for Right {
    fn put(&self, line: &mut Line) {
        let mut digits = 1;
        let mut rest = self.0 / 10;
        while rest != 0 {
            digits += 1;
            rest /= 10;
        }
        let start = line.len();
        line.pad_from(start, self.1.saturating_sub(digits));
        line.push_dec(self.0);
    }
}

/// Build a [`Line`] from pieces: `msg!("d", id, "v", vcpu, ": resumed")`;
/// `msg!(@append &mut line; pieces...)` appends to an existing one.
#[macro_export]
macro_rules! msg {
    (@append $line:expr; $($piece:expr),* $(,)?) => {{
        let line: &mut $crate::line::Line = $line;
        $( $crate::line::Piece::put(&$piece, &mut *line); )*
    }};
    ($($piece:expr),* $(,)?) => {{
        let mut line = $crate::line::Line::new();
        $( $crate::line::Piece::put(&$piece, &mut line); )*
        line
    }};
}

#[cfg(test)]
impl Line {
    /// The line as a `String` (tests).
    pub fn text(&self) -> String {
        String::from_utf8(self.as_bytes().to_vec()).expect("a line is UTF-8")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn joins_text_and_numbers() {
        let l = msg!(
            "d",
            1u16,
            "v",
            0u32,
            ": at ",
            Hex(0x4008_0000),
            " (",
            -22i32,
            ")"
        );
        assert_eq!(l.text(), "d1v0: at 0x40080000 (-22)");
        assert!(!l.truncated());
    }

    #[test]
    fn integers_at_their_limits() {
        let l = msg!(
            0u64,
            " ",
            u64::MAX,
            " ",
            i64::MIN,
            " ",
            Hex(0),
            " ",
            Hex(u64::MAX)
        );
        assert_eq!(
            l.text(),
            "0 18446744073709551615 -9223372036854775808 0x0 0xffffffffffffffff"
        );
    }

    #[test]
    fn columns_pad_like_rust_format() {
        let l = msg!(
            "[",
            Left("gic", 6),
            "][",
            Right(42, 5),
            "][",
            Right(123456, 3),
            "]"
        );
        assert_eq!(
            l.text(),
            format!("[{:<6}][{:>5}][{:>3}]", "gic", 42, 123456)
        );
    }

    #[test]
    fn cuts_at_capacity_and_reports_it() {
        let long = "x".repeat(LINE_MAX + 10);
        let mut l = msg!(long.as_str());
        assert_eq!(l.len(), LINE_MAX);
        assert!(l.truncated());
        l.push_dec(7);
        assert_eq!(l.len(), LINE_MAX);
    }

    #[test]
    fn never_splits_a_character() {
        let pad = "y".repeat(LINE_MAX - 1);
        let l = msg!(pad.as_str(), "é");
        assert_eq!(l.len(), LINE_MAX - 1);
        assert!(l.truncated());
        assert!(l.text().ends_with('y'));
    }

    proptest! {
        #[test]
        fn numbers_read_as_rust_prints_them(u in any::<u64>(), i in any::<i64>(), w in 0usize..30) {
            let l = msg!(u, " ", i, " ", Hex(u), " ", Right(u, w), "|", Left("s", w), "|");
            prop_assert_eq!(l.text(), format!("{u} {i} {u:#x} {u:>w$}|{:<w$}|", "s"));
        }
    }
}
