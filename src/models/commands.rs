//! `align models list|pull|info|verify|remove` and `align config show`: thin printing layers
//! over the catalogue, the store and the downloader.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use super::catalogue::{human_bytes, Entry};
use super::download::hash_file;
use super::{dir_size, Options, Overrides, Record, PARTIAL_DIR, RECORD_FILE};
use crate::cli::{ConfigArgs, ConfigCommand, InfoArgs, ModelsArgs, ModelsCommand};
use crate::translate::{Ct2Translator, ModelDir};
use crate::Error;

/// `align models …`
pub fn models(args: &ModelsArgs) -> Result<(), Error> {
    let quiet = matches!(&args.command, ModelsCommand::Pull(p) if p.quiet);
    let mirror = match &args.command {
        ModelsCommand::Pull(p) => p.mirror.clone(),
        _ => None,
    };
    let opts = Options::resolve(&Overrides { models_dir: args.models_dir.clone(), mirror, quiet })?;
    match &args.command {
        ModelsCommand::List => list(&opts),
        ModelsCommand::Pull(p) => pull(&opts, &p.name, p.revision.as_deref(), p.force),
        ModelsCommand::Info { target } => info(&opts, target),
        ModelsCommand::Verify { target } => verify(&opts, target),
        ModelsCommand::Remove { name } => remove(&opts, name),
    }
}

fn list(opts: &Options) -> Result<(), Error> {
    println!("models directory: {} ({})", opts.models_dir.display(), opts.models_dir_from);
    let mut installed: Vec<PathBuf> = fs::read_dir(&opts.models_dir)
        .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    installed.retain(|p| p.is_dir() && !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')));
    installed.sort();
    println!("\ninstalled:");
    if installed.is_empty() {
        println!("  (none)");
    }
    for dir in &installed {
        let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let origin = match (Record::read(dir), opts.catalogue.get(&name)) {
            (Some(r), _) => format!("downloaded {} from {}", r.downloaded.get(..10).unwrap_or(""), r.source),
            (None, Some(_)) => "catalogue name, copied in by hand".to_string(),
            (None, None) => "copied in by hand".to_string(),
        };
        println!("  {name:<20} {:>9}  {}  ({origin})", human_bytes(dir_size(dir)), dir.display());
    }
    let partial = opts.models_dir.join(PARTIAL_DIR);
    if let Ok(rd) = fs::read_dir(&partial) {
        for e in rd.filter_map(Result::ok) {
            let name = e.file_name().to_string_lossy().into_owned();
            println!(
                "  {name:<20} {:>9}  partial download: `align models pull {name}` resumes it, `align models remove {name}` deletes it",
                human_bytes(dir_size(&e.path()))
            );
        }
    }
    println!("\ncatalogue ({}; * = default for a first run):", opts.catalogue.origin);
    for e in &opts.catalogue.models {
        let mark = if opts.catalogue.default.as_deref() == Some(e.name.as_str()) { "*" } else { " " };
        let status = if opts.is_installed(&e.name) { "installed" } else { "" };
        println!("  {mark} {:<18} {:<10} {:>9}  {:<40} {status}", e.name, e.family, e.size_text(), e.licence_text());
        println!("      {}", e.languages);
    }
    Ok(())
}

fn entry<'a>(opts: &'a Options, name: &str) -> Result<&'a Entry, Error> {
    opts.catalogue.get(name).ok_or_else(|| {
        super::ModelsError::Unknown {
            name: name.to_string(),
            origin: opts.catalogue.origin.clone(),
            known: opts.catalogue.models.iter().map(|e| e.name.as_str()).collect::<Vec<_>>().join(", "),
        }
        .into()
    })
}

fn pull(opts: &Options, name: &str, revision: Option<&str>, force: bool) -> Result<(), Error> {
    let e = entry(opts, name)?;
    if revision.is_some() && e.hub.is_none() {
        return Err(crate::config::ConfigError::Usage(format!(
            "--revision applies to hub models; {name} is downloaded from a URL"
        ))
        .into());
    }
    if opts.is_installed(name) && !force {
        println!("{name} is already installed in {} (--force downloads it again)", opts.installed_dir(name).display());
        return Ok(());
    }
    let dir = opts.install(e, revision, force)?;
    println!("{}", dir.display());
    Ok(())
}

/// The directory `target` names: a path, or an installed model's name.
fn target_dir(opts: &Options, target: &str) -> Result<PathBuf, Error> {
    let path = Path::new(target);
    if path.is_dir() {
        return Ok(path.to_path_buf());
    }
    if opts.installed_dir(target).is_dir() && !target.contains(['/', '\\']) {
        return Ok(opts.installed_dir(target));
    }
    if opts.catalogue.get(target).is_some() {
        return Err(super::ModelsError::NotInstalled {
            name: target.to_string(),
            dir: opts.models_dir.display().to_string(),
        }
        .into());
    }
    Err(entry(opts, target).err().unwrap_or_else(|| {
        super::ModelsError::NotInstalled { name: target.to_string(), dir: opts.models_dir.display().to_string() }.into()
    }))
}

fn info(opts: &Options, target: &str) -> Result<(), Error> {
    if let Some(e) = opts.catalogue.get(target).filter(|_| !Path::new(target).is_dir()) {
        println!("name:         {}", e.name);
        println!("family:       {}", e.family);
        println!("languages:    {}", e.languages);
        match (&e.hub, &e.url) {
            (Some(hub), _) => println!("source:       {}/{hub} (revision {})", opts.endpoint, e.revision),
            (None, Some(_)) => println!("source:       {}", opts.file_url(e, &e.revision, &e.files[0].path)),
            _ => {}
        }
        println!("download:     {}", e.size_text());
        println!("licence:      {}", e.licence_text());
        println!("quality:      {}", e.quality);
        println!("notes:        {}", e.notes);
        for f in &e.files {
            let size = match (f.bytes, f.approx_bytes) {
                (Some(b), _) => format!("{b} bytes"),
                (None, Some(a)) => format!("~{}", human_bytes(a)),
                _ => "size unknown".into(),
            };
            println!("file:         {:<28} {size:<16} sha256 {}", f.path, f.sha256);
        }
        if !opts.is_installed(&e.name) {
            println!("installed:    no (`align models pull {}`)", e.name);
            return Ok(());
        }
        println!("installed:    {}\n", opts.installed_dir(&e.name).display());
    }
    let dir = target_dir(opts, target)?;
    if let Some(r) = Record::read(&dir) {
        println!(
            "downloaded:   {} from {}{}",
            r.downloaded,
            r.source,
            r.commit.map(|c| format!(" (commit {c})")).unwrap_or_default()
        );
    }
    crate::commands::info(&InfoArgs { model: dir, load: false })
}

/// One verification line; `ok == false` makes the command fail.
struct Check {
    ok: bool,
    what: String,
}

fn verify(opts: &Options, target: &str) -> Result<(), Error> {
    let dir = target_dir(opts, target)?;
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut checks: Vec<Check> = Vec::new();
    let record = Record::read(&dir);
    let catalogued = opts.catalogue.get(&name).filter(|e| e.archive.is_none());

    // Required files and checksums: the catalogue's list (hub models), then the download record.
    if let Some(e) = catalogued {
        for f in &e.files {
            let path = dir.join(&f.path);
            if !path.is_file() {
                checks.push(Check { ok: false, what: format!("{} is missing (the catalogue lists it)", f.path) });
                continue;
            }
            let (bytes, sha) = hash_file(&path)?;
            let check = match (f.bytes, f.known_sha256()) {
                (Some(b), _) if b != bytes => {
                    Check { ok: false, what: format!("{}: {bytes} bytes, the catalogue says {b}", f.path) }
                }
                (_, Some(s)) if s != sha => {
                    Check { ok: false, what: format!("{}: SHA-256 {sha}, the catalogue says {s}", f.path) }
                }
                (_, Some(_)) => Check { ok: true, what: format!("{}: SHA-256 matches the catalogue", f.path) },
                _ => Check {
                    ok: true,
                    what: format!("{}: present ({}; no checksum in the catalogue)", f.path, human_bytes(bytes)),
                },
            };
            checks.push(check);
        }
    }
    match &record {
        Some(r) => {
            let archive = r.files.iter().any(|f| f.checked == "unpacked");
            for f in r.files.iter().filter(|f| !archive || f.checked == "unpacked") {
                let path = dir.join(&f.path);
                if !path.is_file() {
                    checks.push(Check {
                        ok: false,
                        what: format!("{} is missing (it was downloaded on {})", f.path, r.downloaded),
                    });
                    continue;
                }
                let (bytes, sha) = hash_file(&path)?;
                checks.push(if sha == f.sha256 && bytes == f.bytes {
                    Check { ok: true, what: format!("{}: SHA-256 matches the download record", f.path) }
                } else {
                    Check {
                        ok: false,
                        what: format!(
                            "{}: changed since it was downloaded (SHA-256 {sha}, recorded {})",
                            f.path, f.sha256
                        ),
                    }
                });
            }
        }
        None => {
            checks.push(Check { ok: true, what: format!("no download record ({RECORD_FILE}): checksums not compared") })
        }
    }

    // The model itself: family detection, then CTranslate2 loading it.
    match ModelDir::detect(&dir) {
        Ok(model) => {
            checks.push(Check {
                ok: true,
                what: format!("family: {} ({} vocabulary entries)", model.family.name(), model.vocab_size),
            });
            let started = Instant::now();
            // The pair the model declares, else (multilingual models) one of its languages,
            // as `align info --load` does.
            let (from, to) = match (&model.pair, model.language_tokens.first()) {
                (Some((s, t)), _) => (s.clone(), t.clone()),
                (None, Some(tok)) => (tok.clone(), tok.clone()),
                (None, None) => ("ar".to_string(), "en".to_string()),
            };
            match Ct2Translator::load(model, &from, &to, Default::default()) {
                Ok(_) => checks.push(Check {
                    ok: true,
                    what: format!("CTranslate2 loads it ({:.2}s)", started.elapsed().as_secs_f64()),
                }),
                Err(e) => checks.push(Check { ok: false, what: e.to_string() }),
            }
        }
        Err(e) => checks.push(Check { ok: false, what: e.to_string() }),
    }

    println!("verifying {}", dir.display());
    for c in &checks {
        println!("  {} {}", if c.ok { "ok  " } else { "FAIL" }, c.what);
    }
    let problems: Vec<&str> = checks.iter().filter(|c| !c.ok).map(|c| c.what.as_str()).collect();
    if problems.is_empty() {
        println!("{}: ok", dir.display());
        Ok(())
    } else {
        Err(super::ModelsError::Verify { dir: dir.display().to_string(), problems: problems.join("; ") }.into())
    }
}

fn remove(opts: &Options, name: &str) -> Result<(), Error> {
    let not_removable =
        || super::ModelsError::NotRemovable { what: name.to_string(), dir: opts.models_dir.display().to_string() };
    // Only a plain name inside the models directory: never a path the user typed by mistake.
    if name.is_empty() || name.starts_with('.') || name.contains(['/', '\\']) {
        return Err(not_removable().into());
    }
    let dir = opts.installed_dir(name);
    let partial = opts.models_dir.join(PARTIAL_DIR).join(name);
    let mut freed = 0;
    let mut removed = Vec::new();
    for d in [&dir, &partial] {
        if fs::symlink_metadata(d).is_ok_and(|m| m.is_dir()) {
            freed += dir_size(d);
            fs::remove_dir_all(d).map_err(|e| super::ModelsError::io(d, e))?;
            removed.push(d.display().to_string());
        }
    }
    if removed.is_empty() {
        return Err(not_removable().into());
    }
    println!("removed {} ({} freed)", removed.join(" and "), human_bytes(freed));
    Ok(())
}

/// `align config show`: every setting in force and where it came from.
pub fn config(args: &ConfigArgs) -> Result<(), Error> {
    match &args.command {
        ConfigCommand::Show { example: true } => {
            print!("{}", super::settings::EXAMPLE);
            Ok(())
        }
        ConfigCommand::Show { example: false } => {
            let opts = Options::resolve(&Overrides::default())?;
            let file = match &opts.config_path {
                Some(p) if p.is_file() => format!("{} (read)", p.display()),
                Some(p) => {
                    format!("{} (not present; `align config show --example` prints one to start from)", p.display())
                }
                None => "none (no config directory on this platform; set NAZIR_CONFIG)".to_string(),
            };
            let model = match (std::env::var("NAZIR_MODEL").ok().filter(|v| !v.is_empty()), &opts.settings.model) {
                (Some(m), _) => format!("{m} (NAZIR_MODEL)"),
                (None, Some(m)) => format!("{m} (config file)"),
                (None, None) => match opts.catalogue.default_for("ar", "en") {
                    Some(e) => format!(
                        "none: a run without --model uses the catalogue default for ar→en, {} ({})",
                        e.name,
                        if opts.is_installed(&e.name) { "installed" } else { "downloaded on first use" }
                    ),
                    None => "none".to_string(),
                },
            };
            println!("config file:    {file}");
            println!("model:          {model}");
            println!("models dir:     {} ({})", opts.models_dir.display(), opts.models_dir_from);
            println!("hub endpoint:   {} ({})", opts.endpoint, opts.endpoint_from);
            println!(
                "URL mirror:     {}",
                opts.mirror.as_deref().unwrap_or("none (URL models come from their own address)")
            );
            println!("catalogue:      {} ({} models)", opts.catalogue.origin, opts.catalogue.models.len());
            println!("auto download:  {} ({})", if opts.auto_download { "yes" } else { "no" }, opts.auto_download_from);
            println!("timeouts:       connect {}s, read {}s", opts.net.connect.as_secs(), opts.net.read.as_secs());
            println!("proxy:          {}", proxy_text());
            Ok(())
        }
    }
}

/// The proxy variables in force, with any user:password hidden.
fn proxy_text() -> String {
    let vars =
        ["ALL_PROXY", "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY", "all_proxy", "https_proxy", "http_proxy", "no_proxy"];
    let set: Vec<String> = vars
        .iter()
        .filter_map(|v| {
            std::env::var(v).ok().filter(|x| !x.is_empty()).map(|x| format!("{v}={}", hide_credentials(&x)))
        })
        .collect();
    if set.is_empty() {
        "none (ALL_PROXY, HTTPS_PROXY, HTTP_PROXY and NO_PROXY are read)".to_string()
    } else {
        set.join(" ")
    }
}

fn hide_credentials(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}***@{}", &url[..s + 3], &url[at + 1..]),
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxy_credentials_are_hidden() {
        assert_eq!(hide_credentials("http://user:pw@proxy:3128"), "http://***@proxy:3128");
        assert_eq!(hide_credentials("http://proxy:3128"), "http://proxy:3128");
    }
}
