//! Integration tests: each starts the real server on 127.0.0.1:0 with a fresh
//! database file and speaks HTTP to it.

mod account;
mod admin;
mod app;
mod ask;
mod ask_form;
mod ask_fresh;
mod auth;
mod backup;
mod cache;
#[path = "../common/mod.rs"]
mod common;
mod errors;
mod fresh;
mod helpers;
mod http;
mod jsonschema;
mod keys;
mod lifecycle;
mod limits;
mod mcp;
mod openapi;
mod page;
mod plans;
mod profile;
mod public;
mod replication;
mod resume;
mod sections;
mod storage;
mod writes;
