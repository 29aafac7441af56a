//! RESTume: a résumé served as a REST API from one binary and one SQLite file.
//! `main.rs` reads the command line; `http::startup` serves; `routes` maps every URL
//! to its handler.

pub mod app;
pub mod ask;
pub mod auth;
pub mod cli;
pub mod client;
pub mod config;
pub mod domain;
pub mod error;
pub mod http;
pub mod malloc;
pub mod mcp;
pub mod openapi;
pub mod policy;
pub mod resume;
pub mod routes;
pub mod store;
pub mod time;
pub mod validate;
pub mod web;
