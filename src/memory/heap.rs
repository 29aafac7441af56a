//! Small-block caches for the handler stacks, in front of glibc's malloc.
//!
//! glibc runs here with two arenas and no per-thread caches (`glibc`), so
//! that 500 connection threads cost little memory. The price was paid by
//! every allocation of a request: it takes an arena's lock, and with 50
//! connection threads on two cores a thread holding it is often preempted,
//! so the others sleep on it. An ask made about 25 futex calls and 3.2
//! context switches, a public read about 6 and 1.7 (perf).
//!
//! A request runs on one of `--threads` handler stacks (`http::serve`),
//! held by one thread at a time. Each stack carries a `Heap`: lists of
//! freed blocks by size class. While a thread runs a handler on a stack,
//! its small allocations come from that stack's lists and its frees go back
//! to them, without a lock; outside a handler, and when a list is empty or
//! full, glibc does the work as before. The lists are bounded (`MAX_BYTES`
//! a stack), so sixteen stacks hold at most a few hundred KB.
//!
//! Why it is sound: every block of a size class, cached or not, comes from
//! `malloc` with the class's full size (an allocation is rounded up to its
//! class wherever it is made), so a block is as good as any other of its
//! class and `free` takes it back from any thread. A heap is reached only
//! through the thread-local pointer its stack's holder sets for the length
//! of the handler (`Heap::enter`); the stack's lock orders one holder after
//! the next.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::ptr::null_mut;

/// The size classes, in bytes: multiples of 16 (malloc's alignment) up to
/// 128, then coarser. Larger blocks go straight to glibc.
const CLASSES: [usize; 16] = [
    16, 32, 48, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 448, 512,
];
const MAX_CLASS: usize = 512;
/// malloc's own alignment on 64-bit glibc; a layout asking more is not ours.
const ALIGN: usize = 16;
/// What one heap may hold, all classes together.
const MAX_BYTES: usize = 32 * 1024;

/// The class of a size, for sizes up to `MAX_CLASS`: index into `CLASSES`.
fn class(size: usize) -> Option<usize> {
    match size {
        0 => Some(0),
        1..=128 => Some((size - 1) / 16),
        129..=256 => Some(8 + (size - 129) / 32),
        257..=MAX_CLASS => Some(12 + (size - 257) / 64),
        _ => None,
    }
}

/// The class a layout is served from, if any.
fn class_of(l: &Layout) -> Option<usize> {
    if l.align() <= ALIGN {
        class(l.size())
    } else {
        None
    }
}

/// A freed block, holding the next one of its list.
struct Node {
    next: *mut Node,
}

/// One handler stack's cached blocks.
pub struct Heap {
    heads: [*mut Node; CLASSES.len()],
    bytes: usize,
}

// SAFETY: the blocks are plain malloc'd memory owned by the heap alone; a
// heap is used by one thread at a time (its stack's holder).
unsafe impl Send for Heap {}

thread_local! {
    /// The heap of the handler this thread is running, or null.
    static CURRENT: Cell<*mut Heap> = const { Cell::new(null_mut()) };
}

fn current() -> *mut Heap {
    CURRENT.try_with(Cell::get).unwrap_or(null_mut())
}

impl Heap {
    pub fn new() -> Heap {
        Heap {
            heads: [null_mut(); CLASSES.len()],
            bytes: 0,
        }
    }

    /// Runs `f` with this heap serving the thread's small allocations;
    /// afterwards (also when `f` panics) the thread allocates from glibc again.
    pub fn enter<R>(&mut self, f: impl FnOnce() -> R) -> R {
        struct Leave(*mut Heap);
        impl Drop for Leave {
            fn drop(&mut self) {
                let _ = CURRENT.try_with(|c| c.set(self.0));
            }
        }
        let before = CURRENT.with(|c| c.replace(self as *mut Heap));
        let _leave = Leave(before);
        f()
    }

    /// A cached block of class `c`, if there is one.
    ///
    /// # Safety
    /// The caller has the heap to itself.
    unsafe fn pop(&mut self, c: usize) -> *mut u8 {
        let head = self.heads[c];
        if head.is_null() {
            return null_mut();
        }
        // SAFETY: a node of the list: a block this heap owns
        self.heads[c] = unsafe { (*head).next };
        self.bytes -= CLASSES[c];
        head.cast()
    }

    /// Keeps a block of class `c`; false when the heap is full.
    ///
    /// # Safety
    /// `p` is a block of class `c` nobody else uses; the caller has the heap
    /// to itself.
    unsafe fn push(&mut self, c: usize, p: *mut u8) -> bool {
        if self.bytes + CLASSES[c] > MAX_BYTES {
            return false;
        }
        let node = p.cast::<Node>();
        // SAFETY: the block is at least 16 bytes and 16-aligned, and ours now
        unsafe {
            node.write(Node {
                next: self.heads[c],
            })
        };
        self.heads[c] = node;
        self.bytes += CLASSES[c];
        true
    }

    /// The bytes held in the lists.
    pub fn held(&self) -> usize {
        self.bytes
    }
}

impl Default for Heap {
    fn default() -> Heap {
        Heap::new()
    }
}

impl Drop for Heap {
    fn drop(&mut self) {
        for c in 0..CLASSES.len() {
            loop {
                // SAFETY: dropping: nobody else has the heap
                let p = unsafe { self.pop(c) };
                if p.is_null() {
                    break;
                }
                // SAFETY: a block from malloc
                unsafe { libc::free(p.cast()) };
            }
        }
    }
}

/// The global allocator: small blocks by class, through the current
/// handler's heap when there is one; the rest as `System` does it.
pub struct SlotAlloc;

// SAFETY: every block of a class comes from malloc(CLASSES[c]) and goes
// back to free or to a heap list of the same class; other layouts are
// System's, which is malloc for alignments up to 16.
unsafe impl GlobalAlloc for SlotAlloc {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let Some(c) = class_of(&l) else {
            // SAFETY: passed on as given
            return unsafe { System.alloc(l) };
        };
        let h = current();
        if !h.is_null() {
            // SAFETY: the thread runs the handler that holds this heap
            let p = unsafe { (*h).pop(c) };
            if !p.is_null() {
                return p;
            }
        }
        // SAFETY: plain malloc of the whole class
        unsafe { libc::malloc(CLASSES[c]).cast() }
    }

    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        if class_of(&l).is_none() {
            // SAFETY: passed on as given (calloc for large blocks)
            return unsafe { System.alloc_zeroed(l) };
        }
        // SAFETY: a block of at least `l.size()` bytes, then zeroed
        unsafe {
            let p = self.alloc(l);
            if !p.is_null() {
                p.write_bytes(0, l.size());
            }
            p
        }
    }

    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        let Some(c) = class_of(&l) else {
            // SAFETY: allocated by System with this layout
            return unsafe { System.dealloc(p, l) };
        };
        let h = current();
        // SAFETY: as in `alloc`; the block is of class `c` (its layout's)
        if !h.is_null() && unsafe { (*h).push(c, p) } {
            return;
        }
        // SAFETY: every block of a class is malloc's
        unsafe { libc::free(p.cast()) }
    }

    unsafe fn realloc(&self, p: *mut u8, l: Layout, new_size: usize) -> *mut u8 {
        let old = class_of(&l);
        // SAFETY: a layout of the same alignment, its size checked by the caller
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, l.align()) };
        let new = class_of(&new_layout);
        match (old, new) {
            // the block already has the room
            (Some(a), Some(b)) if a == b => p,
            // neither is a class: glibc's realloc, as System does it
            // SAFETY: allocated by System with layout `l`
            (None, None) => unsafe { System.realloc(p, l, new_size) },
            _ => {
                // SAFETY: a fresh block, then the old one's bytes, then the
                // old block back where it belongs
                unsafe {
                    let q = self.alloc(new_layout);
                    if !q.is_null() {
                        std::ptr::copy_nonoverlapping(p, q, l.size().min(new_size));
                        self.dealloc(p, l);
                    }
                    q
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_size_has_the_smallest_class_that_holds_it() {
        for size in 1..=MAX_CLASS {
            let c = class(size).unwrap();
            assert!(CLASSES[c] >= size, "{size}");
            assert!(c == 0 || CLASSES[c - 1] < size, "{size}");
        }
        assert_eq!(class(MAX_CLASS + 1), None);
    }

    #[test]
    fn a_heap_gives_back_what_it_was_given_and_stays_bounded() {
        let a = SlotAlloc;
        let l = Layout::from_size_align(40, 8).unwrap();
        let mut heap = Heap::new();
        heap.enter(|| unsafe {
            let p = a.alloc(l);
            p.write_bytes(7, 40);
            a.dealloc(p, l);
            // the same class is served from the list
            let q = a.alloc(Layout::from_size_align(48, 16).unwrap());
            assert_eq!(p, q);
            a.dealloc(q, Layout::from_size_align(48, 16).unwrap());
        });
        assert_eq!(heap.held(), 48);
        // outside `enter`, frees go to glibc
        unsafe {
            let p = a.alloc(l);
            a.dealloc(p, l);
        }
        assert_eq!(heap.held(), 48);
        // full: the rest go to glibc
        heap.enter(|| unsafe {
            let blocks: Vec<*mut u8> = (0..2000).map(|_| a.alloc(l)).collect();
            for p in blocks {
                a.dealloc(p, l);
            }
        });
        assert!(heap.held() <= MAX_BYTES);
    }

    #[test]
    fn realloc_keeps_the_bytes_across_classes() {
        let a = SlotAlloc;
        let mut heap = Heap::new();
        heap.enter(|| unsafe {
            let l = Layout::from_size_align(10, 1).unwrap();
            let p = a.alloc(l);
            for i in 0..10 {
                *p.add(i) = i as u8;
            }
            let p = a.realloc(p, l, 14); // same class
            let p = a.realloc(p, Layout::from_size_align(14, 1).unwrap(), 300);
            let p = a.realloc(p, Layout::from_size_align(300, 1).unwrap(), 5000);
            let p = a.realloc(p, Layout::from_size_align(5000, 1).unwrap(), 20);
            for i in 0..10 {
                assert_eq!(*p.add(i), i as u8);
            }
            a.dealloc(p, Layout::from_size_align(20, 1).unwrap());
        });
    }

    #[test]
    fn blocks_cross_threads_and_heaps() {
        use std::sync::{Arc, Mutex};
        let a = SlotAlloc;
        let l = Layout::from_size_align(64, 8).unwrap();
        // blocks made inside one heap, freed outside and inside others
        let made: Vec<usize> = Heap::new().enter(|| {
            (0..500)
                .map(|i| unsafe {
                    let p = a.alloc(l);
                    p.write_bytes(i as u8, 64);
                    p as usize
                })
                .collect()
        });
        let heaps = Arc::new(Mutex::new((0..4).map(|_| Heap::new()).collect::<Vec<_>>()));
        let made = Arc::new(Mutex::new(made));
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let (heaps, made) = (heaps.clone(), made.clone());
                std::thread::spawn(move || {
                    let a = SlotAlloc;
                    loop {
                        let Some(p) = made.lock().unwrap().pop() else {
                            break;
                        };
                        let mut hs = heaps.lock().unwrap();
                        hs[t].enter(|| unsafe {
                            let q = a.alloc(l);
                            q.write_bytes(1, 64);
                            a.dealloc(p as *mut u8, l);
                            a.dealloc(q, l);
                        });
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let hs = heaps.lock().unwrap();
        assert!(hs.iter().all(|h| h.held() <= MAX_BYTES));
    }
}
