//! Tells the linker where the prebuilt CTranslate2 library is (feature `prebuilt`).
//!
//! ct2rs' `system` mode only asks for `-lctranslate2`; `scripts/setup` puts the library (or links
//! to the one `NAZIR_CT2_LIB_DIR` names) in `.ctranslate2/lib`, and `.cargo/config.toml` points
//! ct2rs there. This script checks it is there, with a clear message if not, and records the
//! directory as an rpath so `align` runs without LD_LIBRARY_PATH. `$ORIGIN` and `$ORIGIN/../lib`
//! come first so that an installed copy can carry the library beside the binary.
use std::env;
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if env::var_os("CARGO_FEATURE_PREBUILT").is_none() {
        return;
    }
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let dir = manifest.join(".ctranslate2/lib");
    println!("cargo:rerun-if-changed={}", dir.display());
    if !dir.join("libctranslate2.so").exists() {
        panic!(
            "\n\nThe prebuilt CTranslate2 library is missing from {}.\n\
             Run `scripts/setup` once: it fetches it (or links the one in NAZIR_CT2_LIB_DIR).\n\
             Or build CTranslate2 from source: `--no-default-features --features bundled`.\n\n",
            dir.display()
        );
    }
    println!("cargo:rustc-link-search=native={}", dir.display());
    println!("cargo:rustc-link-arg=-Wl,-rpath,$ORIGIN:$ORIGIN/../lib:{}", dir.display());
}
