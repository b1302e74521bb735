//! Integration tests: one binary, so CTranslate2 is linked once.

mod common;

mod bad_input;
mod families;
mod formats;
mod pipeline;
mod shared_model;
