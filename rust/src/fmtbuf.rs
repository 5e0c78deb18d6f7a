//! A fixed-size text buffer implementing [`core::fmt::Write`].
//!
//! Messages are formatted into a stack buffer and handed to Xen's console in
//! one call: no heap, and a line is never interleaved with another CPU's.
//! Text that does not fit is cut at a character boundary and marked with
//! [`FmtBuf::truncated`]; writing never fails and never panics.

use core::fmt;

/// A stack buffer of `N` bytes that collects formatted text.
pub struct FmtBuf<const N: usize> {
    buf: [u8; N],
    len: usize,
    truncated: bool,
}

impl<const N: usize> FmtBuf<N> {
    /// An empty buffer.
    pub const fn new() -> Self {
        Self {
            buf: [0; N],
            len: 0,
            truncated: false,
        }
    }

    /// The text written so far (always valid UTF-8).
    pub fn as_str(&self) -> &str {
        let bytes = self.buf.get(..self.len).unwrap_or_default();
        // Only whole UTF-8 sequences are ever copied in (see write_str), so
        // this cannot fail; fall back to "" rather than panic regardless.
        core::str::from_utf8(bytes).unwrap_or_default()
    }

    /// The bytes written so far.
    pub fn as_bytes(&self) -> &[u8] {
        self.as_str().as_bytes()
    }

    /// Whether some text was dropped because the buffer was full.
    pub fn truncated(&self) -> bool {
        self.truncated
    }
}

impl<const N: usize> Default for FmtBuf<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> fmt::Write for FmtBuf<N> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let room = N - self.len;
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
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::fmt::Write;

    #[test]
    fn collects_formatted_text() {
        let mut b = FmtBuf::<64>::new();
        let (major, minor, word) = (0, 1, "ok");
        write!(b, "v{major}.{minor} {word}").unwrap();
        assert_eq!(b.as_str(), "v0.1 ok");
        assert!(!b.truncated());
    }

    #[test]
    fn cuts_at_capacity_and_reports_it() {
        let mut b = FmtBuf::<8>::new();
        write!(b, "0123456789").unwrap();
        assert_eq!(b.as_str(), "01234567");
        assert!(b.truncated());
        // Further writes change nothing and do not fail.
        b.write_str("x").unwrap();
        assert_eq!(b.as_str(), "01234567");
    }

    #[test]
    fn never_splits_a_character() {
        let mut b = FmtBuf::<5>::new();
        b.write_str("abcé").unwrap(); // 'é' is 2 bytes: 5 fit exactly
        assert_eq!(b.as_str(), "abcé");
        let mut b = FmtBuf::<4>::new();
        b.write_str("abcé").unwrap(); // only 1 byte left: 'é' is dropped whole
        assert_eq!(b.as_str(), "abc");
        assert!(b.truncated());
    }

    #[test]
    fn zero_capacity_is_harmless() {
        let mut b = FmtBuf::<0>::new();
        b.write_str("abc").unwrap();
        assert_eq!(b.as_str(), "");
        assert!(b.truncated());
    }
}
