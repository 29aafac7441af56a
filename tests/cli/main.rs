//! The owner CLI (SPEC §9): each test starts the real server on 127.0.0.1:0
//! with a fresh database and runs the real `restume` binary as a client of it,
//! with its own `XDG_CONFIG_HOME`.

mod auth;
#[path = "../common/mod.rs"]
mod common;
mod helpers;
mod https;
mod owner;
mod public;
mod refresh;
mod sections;
mod terminal;
