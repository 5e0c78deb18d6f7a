//! A global value for host-wide state (the GIC mappings and contexts), with
//! try-lock access: a second user at the same time is told "busy" instead of
//! waiting, so it can never deadlock (for instance a self-test started while
//! a suspend is in progress). Rust-private: nothing here is shared with C.

use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicBool, Ordering};

/// A value reached only through [`Global::with`].
pub struct Global<T> {
    busy: AtomicBool,
    value: UnsafeCell<T>,
}

// SAFETY: the value is only reached through `with`, which gives at most one
// `&mut T` at a time (the `busy` flag, taken with Acquire and released with
// Release, orders the accesses between CPUs); T: Send because that
// reference may be taken on any CPU.
unsafe impl<T: Send> Sync for Global<T> {}

impl<T> Global<T> {
    /// A global holding `value`.
    pub const fn new(value: T) -> Self {
        Self {
            busy: AtomicBool::new(false),
            value: UnsafeCell::new(value),
        }
    }

    /// Run `f` on the value, unless someone else is using it (then `None`).
    pub fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> Option<R> {
        if self.busy.swap(true, Ordering::Acquire) {
            return None;
        }
        // SAFETY: `busy` was false and is now ours: no other reference to
        // the value exists until we store false again below.
        let r = f(unsafe { &mut *self.value.get() });
        self.busy.store(false, Ordering::Release);
        Some(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gives_the_value_and_refuses_a_second_user() {
        let g = Global::new(1u32);
        assert_eq!(
            g.with(|v| {
                *v += 1;
                // Nested use while the value is held: refused, not deadlocked.
                g.with(|_| ()).is_none()
            }),
            Some(true)
        );
        assert_eq!(g.with(|v| *v), Some(2));
    }
}
