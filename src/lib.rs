//! RESTume: a résumé served as a REST API from one binary and one SQLite file.
//! `main.rs` reads the command line; `startup` serves; `routes` maps every URL
//! to its handler.

pub mod accounts;
pub mod admin_cli;
pub mod app;
pub mod ask;
pub mod audit;
pub mod auth;
pub mod background;
pub mod backup;
pub mod cli;
pub mod config;
pub mod counters;
pub mod db;
pub mod domain;
pub mod error;
pub mod grants;
pub mod http;
pub mod limits;
pub mod log;
pub mod malloc;
pub mod mcp;
pub mod openapi;
pub mod plans;
pub mod quota;
pub mod resume;
pub mod routes;
pub mod server;
pub mod startup;
pub mod time;
pub mod validate;
pub mod web;
