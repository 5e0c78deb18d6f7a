//! One console line, formatted by Xen's own printk.
//!
//! `core::fmt` would link about 5 KB of generic machinery into the
//! hypervisor (padding, Display/Debug tables, UTF-8 validation), and a
//! formatter of our own duplicates the one Xen already has. A [`Msg`] is a
//! printf format and its arguments, handed to Xen's `printk` in one call.
//!
//! The [`msg!`] macro writes the format: each piece of a message names how
//! it prints (`hex(v)`, `signed(v)`, `str(s)`, ...), and the macro puts the
//! matching conversion into the format next to an [`Arg`] built by the
//! matching typed constructor. At compile time [`format`] then reads every
//! conversion of the format and checks it against the kind of its argument,
//! in order: a `%s` never gets an integer (printk would read memory at that
//! address), no conversion reads an argument that was not passed, and a `%`
//! typed in a message's text stops the build. The tests read a message with
//! a small printf of their own ([`Msg::text`]), which checks the same.
//!
//! [`msg!`]: crate::msg

use core::ffi::CStr;

/// The most arguments a message takes (Xen's printk gets them all, the
/// unused ones as 0, which a format ignores).
pub const MAX_ARGS: usize = 8;

/// One argument of a message: 64 bits, as the AArch64 procedure call
/// standard passes an `unsigned long`, a `long` or a pointer to a variadic
/// function.
#[derive(Clone, Copy, Debug)]
pub struct Arg {
    bits: u64,
    #[cfg(test)]
    kind: Kind,
}

/// What an argument is (tests: the printf of [`Msg::text`] checks it).
#[cfg(test)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Unsigned,
    Signed,
    Str(&'static CStr),
}

/// An unsigned integer that widens to `u64` without loss.
pub trait Unsigned: Copy {
    /// The value as a `u64`.
    fn widen(self) -> u64;
}

macro_rules! unsigned {
    ($($t:ty),*) => {$(
        impl Unsigned for $t {
            fn widen(self) -> u64 {
                u64::from(self)
            }
        }
    )*};
}
unsigned!(u8, u16, u32, u64);

impl Unsigned for usize {
    fn widen(self) -> u64 {
        // usize is 64 bits on every target the layer builds for.
        self as u64
    }
}

impl Arg {
    /// For `%lu` and `%lx`.
    pub fn unsigned(v: impl Unsigned) -> Self {
        Self {
            bits: v.widen(),
            #[cfg(test)]
            kind: Kind::Unsigned,
        }
    }

    /// For `%ld`.
    pub fn signed(v: impl Into<i64>) -> Self {
        Self {
            bits: v.into() as u64,
            #[cfg(test)]
            kind: Kind::Signed,
        }
    }

    /// For `%s`: a NUL-terminated string that lives as long as Xen.
    pub fn str(s: &'static CStr) -> Self {
        Self {
            bits: s.as_ptr() as u64,
            #[cfg(test)]
            kind: Kind::Str(s),
        }
    }

    /// What printk receives.
    pub fn bits(self) -> u64 {
        self.bits
    }
}

/// A message: a format as Xen's printk takes it and one argument per
/// conversion. The format starts with `%s%s%s`, for the two log-level
/// prefixes Xen's console reads and the level's tag (see
/// [`Level::tag`](crate::layer::Level::tag) and `xen::XenConsole`), and
/// ends with a newline; only [`msg!`](crate::msg) makes one.
#[derive(Clone, Copy, Debug)]
pub struct Msg<'a> {
    fmt: &'static CStr,
    args: &'a [Arg],
}

impl<'a> Msg<'a> {
    /// A message from a format and its arguments (what
    /// [`msg!`](crate::msg) expands to).
    ///
    /// # Safety
    ///
    /// Xen's printk reads `args` as `fmt` says: `fmt` must start with
    /// `%s%s%s` and have, after those, exactly one conversion per argument,
    /// of the argument's kind (`%s` for [`Arg::str`], `%lu`/`%lx` for
    /// [`Arg::unsigned`], `%ld` for [`Arg::signed`]), and at most
    /// [`MAX_ARGS`] arguments. [`format`] checks exactly this at compile
    /// time for the formats `msg!` builds.
    #[doc(hidden)]
    pub const unsafe fn new(fmt: &'static CStr, args: &'a [Arg]) -> Self {
        Self { fmt, args }
    }

    /// The format, with its `%s%s%s` prefixes and its newline.
    pub fn format(&self) -> &'static CStr {
        self.fmt
    }

    /// The arguments as printk receives them: [`MAX_ARGS`] of them, 0
    /// past the last one.
    pub fn args(&self) -> [u64; MAX_ARGS] {
        let mut all = [0; MAX_ARGS];
        for (to, from) in all.iter_mut().zip(self.args) {
            *to = from.bits;
        }
        all
    }
}

/// The format [`msg!`](crate::msg) assembled, `text` with two NULs at its
/// end, checked at compile time against `kinds`, one letter per argument as
/// the macro's typed constructors made them (`s` string, `u` unsigned, `d`
/// signed), after `sss` for the three prefixes. The macro evaluates it in a
/// `const` block, so a failed check stops the build and nothing of this
/// function is linked. Rust evaluates that block when it generates the code
/// of the function holding the message (for a generic function, of each
/// instance; `cargo check` generates none): every message the target build
/// links into Xen, and every one the host tests print, is checked. Every `%` must start one of the conversions `msg!`
/// writes, `%[-][width]s`, `%[-][width]lu`, `%[-][width]lx` or
/// `%[-][width]ld` (a `%` typed in a message's text, or a width that is not
/// a number, fails), the conversions must read the arguments' kinds in
/// order, one each, and there may be at most [`MAX_ARGS`] arguments and no
/// NUL inside: what [`Msg::new`] requires.
///
/// The second NUL is not part of the C string. It keeps the bytes from
/// looking like a C string to LLVM, which would otherwise pool every
/// format into one mergeable `.rodata.str1.1` section: then Xen's build
/// could no longer free the formats only boot code uses (patch 0031 moves
/// a constant's own section), and 1.3 kB of boot-only text would stay.
#[doc(hidden)]
pub const fn format(text: &'static str, kinds: &'static str) -> &'static CStr {
    let (b, k) = (text.as_bytes(), kinds.as_bytes());
    assert!(
        k.len() <= MAX_ARGS + 3,
        "too many arguments for one message"
    );
    let mut i = 0;
    let mut n = 0;
    while i < b.len() {
        if b[i] != b'%' {
            i += 1;
            continue;
        }
        i += 1;
        if i < b.len() && b[i] == b'-' {
            i += 1;
        }
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let kind = if i < b.len() && b[i] == b's' {
            i += 1;
            b's'
        } else if i + 1 < b.len() && b[i] == b'l' && (b[i + 1] == b'u' || b[i + 1] == b'x') {
            i += 2;
            b'u'
        } else if i + 1 < b.len() && b[i] == b'l' && b[i + 1] == b'd' {
            i += 2;
            b'd'
        } else {
            panic!("a '%' in a message's text, or a conversion msg! does not write");
        };
        assert!(
            n < k.len() && k[n] == kind,
            "a conversion does not read its argument's kind"
        );
        n += 1;
    }
    assert!(
        n == k.len(),
        "a message has an argument without a conversion"
    );
    assert!(
        b.len() >= 2 && b[b.len() - 1] == 0,
        "a format ends with two NULs"
    );
    match CStr::from_bytes_with_nul(b.split_at(b.len() - 1).0) {
        Ok(s) => s,
        Err(_) => panic!("a message must not contain NUL"),
    }
}

/// Build a [`Msg`] from pieces: `msg!("d", id, "v", vcpu, ": at ",
/// hex(entry))`. A piece is one of
/// - a literal (a string or a number), or a macro that gives one
///   (`env!(...)`): text;
/// - `hex(v)`: an unsigned integer as `0x` and hexadecimal digits;
/// - `signed(v)`: a signed integer in decimal;
/// - `errno(e)`: an [`Errno`](crate::errno::Errno) as `errno -16`, the
///   value C sees;
/// - `str(s)`: a `&'static CStr`;
/// - `left(s, W)`: a `&'static CStr` left-aligned in a column of at least
///   `W` (a literal) bytes;
/// - `right(v, W)`: an unsigned integer right-aligned in a column of at
///   least `W` bytes;
/// - any other expression: an unsigned integer in decimal.
///
/// The arguments are borrowed: use the message in the statement that makes
/// it (`log.line(level, &msg!(...))`).
#[macro_export]
macro_rules! msg {
    ($($piece:tt)*) => {
        $crate::__msg!([] [] [] $($piece)*)
    };
}

/// The pieces of [`msg!`], one at a time: the format so far, the kinds of
/// the arguments so far, the arguments so far, the rest.
#[doc(hidden)]
#[macro_export]
macro_rules! __msg {
    ([$($f:expr),*] [$($k:expr),*] [$($a:expr),*] $(,)?) => {
        // SAFETY: format() has checked, at compile time, that the format
        // has one conversion of each argument's kind, in order, after its
        // three prefixes, and at most MAX_ARGS arguments: Msg::new's
        // contract. The kinds are those of the constructors below.
        unsafe {
            $crate::line::Msg::new(
                const { $crate::line::format(concat!("%s%s%s", $($f,)* "\n\0\0"), concat!("sss", $($k),*)) },
                &[$($a),*],
            )
        }
    };
    ([$($f:expr),*] [$($k:expr),*] [$($a:expr),*] $l:literal $(, $($rest:tt)*)?) => {
        $crate::__msg!([$($f,)* $l] [$($k),*] [$($a),*] $($($rest)*)?)
    };
    ([$($f:expr),*] [$($k:expr),*] [$($a:expr),*] hex($e:expr) $(, $($rest:tt)*)?) => {
        $crate::__msg!(
            [$($f,)* "0x%lx"] [$($k,)* "u"] [$($a,)* $crate::line::Arg::unsigned($e)]
            $($($rest)*)?
        )
    };
    ([$($f:expr),*] [$($k:expr),*] [$($a:expr),*] signed($e:expr) $(, $($rest:tt)*)?) => {
        $crate::__msg!(
            [$($f,)* "%ld"] [$($k,)* "d"] [$($a,)* $crate::line::Arg::signed($e)]
            $($($rest)*)?
        )
    };
    ([$($f:expr),*] [$($k:expr),*] [$($a:expr),*] errno($e:expr) $(, $($rest:tt)*)?) => {
        $crate::__msg!(
            [$($f,)* "errno %ld"]
            [$($k,)* "d"]
            [$($a,)* $crate::line::Arg::signed($crate::errno::Errno::code($e))]
            $($($rest)*)?
        )
    };
    ([$($f:expr),*] [$($k:expr),*] [$($a:expr),*] str($e:expr) $(, $($rest:tt)*)?) => {
        $crate::__msg!(
            [$($f,)* "%s"] [$($k,)* "s"] [$($a,)* $crate::line::Arg::str($e)]
            $($($rest)*)?
        )
    };
    ([$($f:expr),*] [$($k:expr),*] [$($a:expr),*] left($e:expr, $w:literal) $(, $($rest:tt)*)?) => {
        $crate::__msg!(
            [$($f,)* concat!("%-", $w, "s")]
            [$($k,)* "s"]
            [$($a,)* $crate::line::Arg::str($e)]
            $($($rest)*)?
        )
    };
    ([$($f:expr),*] [$($k:expr),*] [$($a:expr),*] right($e:expr, $w:literal) $(, $($rest:tt)*)?) => {
        $crate::__msg!(
            [$($f,)* concat!("%", $w, "lu")]
            [$($k,)* "u"]
            [$($a,)* $crate::line::Arg::unsigned($e)]
            $($($rest)*)?
        )
    };
    ([$($f:expr),*] [$($k:expr),*] [$($a:expr),*] $m:ident!($($t:tt)*) $(, $($rest:tt)*)?) => {
        $crate::__msg!([$($f,)* $m!($($t)*)] [$($k),*] [$($a),*] $($($rest)*)?)
    };
    ([$($f:expr),*] [$($k:expr),*] [$($a:expr),*] $e:expr $(, $($rest:tt)*)?) => {
        $crate::__msg!(
            [$($f,)* "%lu"] [$($k,)* "u"] [$($a,)* $crate::line::Arg::unsigned($e)]
            $($($rest)*)?
        )
    };
}

#[cfg(test)]
impl Msg<'_> {
    /// The line as Xen's printk would print it, without the level
    /// prefixes, the tag and the newline (tests; `Level::line` gives the
    /// whole line). Reads the conversions `msg!`
    /// writes, as Xen's vsnprintf reads them, and panics on any other or
    /// on an argument of the wrong kind.
    pub fn text(&self) -> String {
        let fmt = self.fmt.to_str().expect("a format is UTF-8");
        let fmt = fmt
            .strip_prefix("%s%s%s")
            .and_then(|f| f.strip_suffix('\n'))
            .expect("a format has its level prefixes and its newline");
        let mut out = String::new();
        let mut args = self.args.iter();
        let mut chars = fmt.chars().peekable();
        while let Some(c) = chars.next() {
            if c != '%' {
                out.push(c);
                continue;
            }
            let left = chars.next_if_eq(&'-').is_some();
            let mut width = 0;
            while let Some(d) = chars.peek().and_then(|c| c.to_digit(10)) {
                width = width * 10 + d as usize;
                chars.next();
            }
            let long = chars.next_if_eq(&'l').is_some();
            let conv = chars.next().expect("a conversion");
            let arg = args.next().expect("an argument for each conversion");
            let s = match (conv, long, arg.kind) {
                ('u', true, Kind::Unsigned) => arg.bits.to_string(),
                ('x', true, Kind::Unsigned) => format!("{:x}", arg.bits),
                ('d', true, Kind::Signed) => (arg.bits as i64).to_string(),
                ('s', false, Kind::Str(s)) => s.to_str().expect("UTF-8").to_string(),
                other => panic!("%{conv} does not read {other:?}"),
            };
            if left {
                out.push_str(&format!("{s:<width$}"));
            } else {
                out.push_str(&format!("{s:>width$}"));
            }
        }
        assert!(args.next().is_none(), "an argument without a conversion");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::errno::Errno;
    use proptest::prelude::*;

    /// What a message prints, its format and its number of arguments (a
    /// message borrows its arguments for the statement that makes it).
    fn read(m: &Msg<'_>) -> (String, &'static CStr, usize) {
        (m.text(), m.format(), m.args.len())
    }

    #[test]
    fn joins_text_and_numbers() {
        let (d, v) = (1u16, 0u32);
        let (text, fmt, _) = read(&msg!(
            "d",
            d,
            "v",
            v,
            ": at ",
            hex(0x4008_0000u64),
            " (",
            signed(-22i32),
            ", ",
            errno(Errno::EBUSY),
            ")"
        ));
        assert_eq!(text, "d1v0: at 0x40080000 (-22, errno -16)");
        assert_eq!(
            fmt, c"%s%s%sd%luv%lu: at 0x%lx (%ld, errno %ld)\n",
            "the format Xen's printk gets"
        );
    }

    #[test]
    fn integers_at_their_limits() {
        let (text, fmt, _) = read(&msg!(
            0u64,
            " ",
            u64::MAX,
            " ",
            signed(i64::MIN),
            " ",
            hex(0u64),
            " ",
            hex(u64::MAX)
        ));
        let _ = fmt;
        assert_eq!(
            text,
            "0 18446744073709551615 -9223372036854775808 0x0 0xffffffffffffffff"
        );
    }

    #[test]
    fn columns_pad_like_rust_format() {
        let (text, fmt, _) = read(&msg!(
            "[",
            left(c"gic", 6),
            "][",
            right(42u64, 5),
            "][",
            right(123456u64, 3),
            "]"
        ));
        assert_eq!(text, format!("[{:<6}][{:>5}][{:>3}]", "gic", 42, 123456));
        assert_eq!(fmt, c"%s%s%s[%-6s][%5lu][%3lu]\n");
    }

    #[test]
    fn text_from_macros_goes_into_the_format() {
        let (text, fmt, args) = read(&msg!("v", env!("CARGO_PKG_VERSION"), " ", str(c"x")));
        assert_eq!(text, format!("v{} x", env!("CARGO_PKG_VERSION")));
        assert_eq!(
            fmt.to_bytes(),
            format!("%s%s%sv{} %s\n", env!("CARGO_PKG_VERSION")).as_bytes()
        );
        assert_eq!(args, 1);
    }

    #[test]
    fn the_arguments_past_the_last_read_as_zero() {
        let (a, b) = (7u8, 9u32);
        assert_eq!(msg!("a", a, "b", b).args(), [7, 9, 0, 0, 0, 0, 0, 0]);
        // A literal number is text, not an argument.
        assert_eq!(msg!("a", 7, "b", 9u32).args(), [0; MAX_ARGS]);
        assert_eq!(Arg::str(c"s").bits(), c"s".as_ptr() as u64);
    }

    #[test]
    #[should_panic(expected = "does not read")]
    fn the_test_printf_refuses_an_argument_of_the_wrong_kind() {
        // Only a hand-made message can do this: msg! cannot (format()
        // refuses it at compile time).
        let args = [Arg::unsigned(1u8)];
        // SAFETY: breaks Msg::new's contract on purpose; only the test
        // printf reads this message, never Xen's printk.
        unsafe { Msg::new(c"%s%s%s%s\n", &args) }.text();
    }

    proptest! {
        #[test]
        fn numbers_read_as_rust_prints_them(u in any::<u64>(), i in any::<i64>()) {
            let (text, _, _) = read(&msg!(u, " ", signed(i), " ", hex(u), " ", right(u, 24), "|", left(c"s", 7), "|"));
            prop_assert_eq!(text, format!("{u} {i} {u:#x} {u:>24}|{:<7}|", "s"));
        }
    }
}
