//! Memory: glibc's allocator set up for a thread per connection (`glibc`),
//! and the small-block caches of the handler stacks in front of it (`heap`),
//! the binary's global allocator.

pub mod glibc;
pub mod heap;

pub use glibc::tune;
pub use heap::SlotAlloc;
