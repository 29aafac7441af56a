//! Credentials: passwords, JWTs, API keys, and who is calling.

pub mod accounts;
pub mod audit;
pub mod caller;
pub mod jwt;
pub mod keys;
pub mod password;
pub mod reset;

pub use caller::{Caller, Via};
