//! Integration tests: one binary, so CTranslate2 is linked once.

mod common;

mod bad_input;
mod pipeline;
mod segmentation;
mod shared_model;
