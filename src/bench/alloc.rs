//! A global allocator wrapper that counts live and peak heap bytes, and allocations, for
//! memory figures.
//!
//! Contract: wraps any `GlobalAlloc` without changing its behaviour; `live()` is the bytes
//! allocated and not yet freed, `peak()` the most that were ever live since `reset_peak`,
//! and `allocations()` how many times memory was asked for (a `realloc` counts: it is a
//! trip to the allocator, and a growing `Vec` is one of the costs being counted).
//! Only binaries install it (`#[global_allocator]`); the library never does.

use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

pub struct Counting<A> {
    pub inner: A,
    live: AtomicU64,
    peak: AtomicU64,
    allocations: AtomicU64,
}

impl<A> Counting<A> {
    pub const fn new(inner: A) -> Self {
        Counting { inner, live: AtomicU64::new(0), peak: AtomicU64::new(0), allocations: AtomicU64::new(0) }
    }

    pub fn live(&self) -> u64 {
        self.live.load(Relaxed)
    }

    pub fn peak(&self) -> u64 {
        self.peak.load(Relaxed)
    }

    pub fn allocations(&self) -> u64 {
        self.allocations.load(Relaxed)
    }

    pub fn reset_peak(&self) {
        self.peak.store(self.live(), Relaxed);
    }

    fn grew(&self, n: usize) {
        self.allocations.fetch_add(1, Relaxed);
        let now = self.live.fetch_add(n as u64, Relaxed) + n as u64;
        self.peak.fetch_max(now, Relaxed);
    }
}

// SAFETY: every call is forwarded unchanged to `inner`; the counters only observe sizes.
unsafe impl<A: GlobalAlloc> GlobalAlloc for Counting<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = self.inner.alloc(layout);
        if !p.is_null() {
            self.grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = self.inner.alloc_zeroed(layout);
        if !p.is_null() {
            self.grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        self.inner.dealloc(ptr, layout);
        self.live.fetch_sub(layout.size() as u64, Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = self.inner.realloc(ptr, layout, new_size);
        if !p.is_null() {
            self.live.fetch_sub(layout.size() as u64, Relaxed);
            self.grew(new_size);
        }
        p
    }
}
