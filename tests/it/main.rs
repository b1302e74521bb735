//! Integration tests: one binary, so CTranslate2 is linked once.

mod common;

mod bad_input;
mod bitext;
mod pipeline;
mod shared_model;
