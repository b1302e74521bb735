//! Integration tests: one binary, so CTranslate2 is linked once.

mod common;
mod http;

mod bad_input;
mod formats;
mod families;
mod models;
mod pipeline;
mod shared_model;
