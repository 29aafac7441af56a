//! The SQLite file and everything that keeps it: the pool and its settings
//! (`db`), the single writer thread (`writer`), storage faults (`health`),
//! backups and restores (`backup`), buffered counters and the background
//! tasks that flush them.

pub mod background;
pub mod backup;
pub mod counters;
pub mod db;
pub mod health;
pub mod writer;
