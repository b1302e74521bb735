//! Integration tests: one binary, so CTranslate2 is linked once.

mod common;
mod http;

mod bad_input;
mod bitext;
mod corpus;
mod families;
mod formats;
mod models;
mod pipeline;
mod properties;
mod segmentation;
mod shared_model;
