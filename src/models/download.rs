//! HTTP(S) download of one file: resume, SHA-256 while streaming, atomic rename.
//!
//! The bytes go to `NAME.part` beside the destination; an interrupted transfer is resumed with
//! a `Range` request (in the same run, up to `ATTEMPTS` times, and by the next run), and the file
//! is renamed to its name only when it is complete and its size and checksum are right. Proxies
//! come from ALL_PROXY / HTTPS_PROXY / HTTP_PROXY (and NO_PROXY); redirects are followed here, not
//! by ureq, so the hub's `X-Repo-Commit` and `X-Linked-Etag` headers on the first hop are seen.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use sha2::{Digest, Sha256};

use super::catalogue::{is_sha256, one_line};
use super::ModelsError;

/// Tries per file in one run; each retry resumes where the last one stopped.
pub const ATTEMPTS: usize = 3;
const MAX_REDIRECTS: usize = 10;

/// Timeouts for every request.
#[derive(Clone, Copy, Debug)]
pub struct NetOptions {
    /// Name resolution plus TCP (and TLS) connection.
    pub connect: Duration,
    /// Longest wait for any single read (headers or body): a stalled server fails, a slow
    /// but moving download does not.
    pub read: Duration,
}

impl Default for NetOptions {
    /// 5 s to connect keeps the offline failure quick (the first run must say what it needs in
    /// a few seconds); 30 s per read tolerates a busy mirror.
    fn default() -> NetOptions {
        NetOptions { connect: Duration::from_secs(5), read: Duration::from_secs(30) }
    }
}

/// An HTTP client with Nazir's settings.
pub struct Client {
    agent: ureq::Agent,
    opts: NetOptions,
}

/// What the server said about a file besides its bytes.
#[derive(Clone, Debug, Default)]
pub struct Fetched {
    pub bytes: u64,
    pub sha256: String,
    /// The hub's commit for the requested revision (`X-Repo-Commit`), when sent.
    pub commit: Option<String>,
    /// The SHA-256 the hub announced for an LFS file (`X-Linked-Etag`), when sent.
    pub announced_sha256: Option<String>,
}

/// What the catalogue (or a record) expects of a file.
#[derive(Clone, Debug, Default)]
pub struct Expect {
    pub bytes: Option<u64>,
    pub sha256: Option<String>,
}

impl Client {
    pub fn new(opts: NetOptions) -> Client {
        let config = ureq::Agent::config_builder()
            .timeout_resolve(Some(opts.connect))
            .timeout_connect(Some(opts.connect))
            .timeout_per_read(Some(opts.read))
            .timeout_recv_response(Some(opts.read))
            .http_status_as_error(false)
            .max_redirects(0)
            .user_agent(format!("nazir/{}", env!("CARGO_PKG_VERSION")))
            .proxy(ureq::Proxy::try_from_env())
            .build();
        Client { agent: config.into(), opts }
    }

    /// Downloads `url` to `dest`, through `dest.part` (resumed when present; `dest.part.etag`
    /// keeps the validator for `If-Range`). `progress` gets
    /// (bytes so far, total when known).
    pub fn fetch(
        &self,
        url: &str,
        dest: &Path,
        expect: &Expect,
        progress: &dyn Fn(u64, Option<u64>),
    ) -> Result<Fetched, ModelsError> {
        let part = part_path(dest);
        let etag_file = part.with_file_name(format!("{}.etag", part.file_name().unwrap_or_default().to_string_lossy()));
        if let Some(parent) = part.parent() {
            fs::create_dir_all(parent).map_err(|e| ModelsError::io(parent, e))?;
        }
        let mut fetched = Fetched::default();
        let mut last_cut = String::new();
        let mut complete = false;
        // The hash covers the part file's first `hashed` bytes; a resumed transfer continues it.
        let mut hasher = Sha256::new();
        let mut hashed = 0u64;
        for _attempt in 0..ATTEMPTS {
            let have = fs::metadata(&part).map(|m| m.len()).unwrap_or(0);
            // If-Range with the ETag the part file's bytes came with: if the file changed upstream
            // since (a branch moved on), the server sends it whole instead of a mismatched rest.
            let etag = fs::read_to_string(&etag_file).ok().filter(|_| have > 0);
            let resp = self.get(url, (have > 0).then_some((have, etag)), &mut fetched)?;
            let status = resp.status().as_u16();
            match header(&resp, "etag").filter(|t| !t.starts_with("W/") && matches!(status, 200 | 206)) {
                Some(tag) => fs::write(&etag_file, tag).map_err(|e| ModelsError::io(&etag_file, e))?,
                None => {
                    fs::remove_file(&etag_file).ok();
                }
            }
            let mut start = have;
            match status {
                200 => start = 0,
                206 => {
                    // Only trust a 206 that continues exactly where our part file ends.
                    let from = header(&resp, "content-range").and_then(|r| parse_content_range_start(&r));
                    if from != Some(have) {
                        fs::remove_file(&part).ok();
                        continue;
                    }
                }
                416 if have > 0 => {
                    // Nothing left after `have` bytes: the part file is already whole, or wrong.
                    if expect.bytes.is_none_or(|b| b == have) {
                        complete = true;
                        break;
                    }
                    fs::remove_file(&part).map_err(|e| ModelsError::io(&part, e))?;
                    continue;
                }
                404 | 410 => return Err(ModelsError::NotFound { url: url.to_string() }),
                401 | 403 => {
                    return Err(ModelsError::Http {
                        url: url.to_string(),
                        status,
                        hint: "access denied: the repository may be gated or private (this catalogue entry cannot be fetched anonymously)".into(),
                    })
                }
                _ => {
                    return Err(ModelsError::Http { url: url.to_string(), status, hint: "the server refused the download".into() })
                }
            }
            let length = header(&resp, "content-length").and_then(|v| v.parse::<u64>().ok());
            let total = length.map(|n| n + start).or(expect.bytes);
            if start == 0 {
                (hasher, hashed) = (Sha256::new(), 0);
            } else if hashed != start {
                (hasher, hashed) = hash_prefix(&part)?; // a part file left by an earlier run
            }
            let mut file = open_part(&part, start)?;
            let mut body = resp.into_body().into_reader();
            let copied = copy_counting(&mut body, &mut file, &mut hasher, start, total, progress);
            if let Ok(n) | Err(CopyError::Read(n, _)) = &copied {
                hashed = *n;
            }
            match copied {
                Ok(n) if length.is_none_or(|len| n == start + len) => {
                    file.sync_all().map_err(|e| ModelsError::io(&part, e))?;
                    complete = true;
                    break;
                }
                Ok(n) => last_cut = format!("the connection closed after {n} of {} bytes", total.unwrap_or(0)),
                Err(CopyError::Write(e)) => return Err(ModelsError::io(&part, e)),
                Err(CopyError::Read(_, e)) => last_cut = one_line(&e.to_string()),
            }
        }
        if !complete {
            let have = fs::metadata(&part).map(|m| m.len()).unwrap_or(0);
            return Err(ModelsError::Interrupted { url: url.to_string(), have, reason: last_cut });
        }

        if hashed != fs::metadata(&part).map(|m| m.len()).unwrap_or(0) {
            (hasher, hashed) = hash_prefix(&part)?; // completed by an earlier run (416 above)
        }
        let bytes = hashed;
        fetched.bytes = bytes;
        fetched.sha256 = hex(&hasher.finalize());
        fs::remove_file(&etag_file).ok();
        let wrong = |what: String| {
            fs::remove_file(&part).ok();
            Err(ModelsError::Mismatch { url: url.to_string(), what })
        };
        if let Some(b) = expect.bytes.filter(|&b| b != bytes) {
            return wrong(format!("{bytes} bytes, expected {b}"));
        }
        let expected = expect.sha256.as_deref().or(fetched.announced_sha256.as_deref());
        if let Some(e) = expected.filter(|e| *e != fetched.sha256) {
            return wrong(format!("SHA-256 {}, expected {e}", fetched.sha256));
        }
        fs::rename(&part, dest).map_err(|e| ModelsError::io(dest, e))?;
        Ok(fetched)
    }

    /// A GET that follows up to 10 redirects itself, re-sending `Range`, and notes the hub's
    /// headers from whichever hop carries them.
    fn get(
        &self,
        url: &str,
        from: Option<(u64, Option<String>)>,
        fetched: &mut Fetched,
    ) -> Result<ureq::http::Response<ureq::Body>, ModelsError> {
        let mut current = url.to_string();
        for _ in 0..=MAX_REDIRECTS {
            let mut req = self.agent.get(&current);
            if let Some((n, etag)) = &from {
                req = req.header("Range", format!("bytes={n}-"));
                if let Some(tag) = etag {
                    req = req.header("If-Range", tag.trim());
                }
            }
            let resp = req.call().map_err(|e| self.unreachable(&current, e))?;
            if let Some(c) = header(&resp, "x-repo-commit") {
                fetched.commit.get_or_insert(c);
            }
            if let Some(tag) = header(&resp, "x-linked-etag") {
                let tag = tag.trim_start_matches("W/").trim_matches('"').to_ascii_lowercase();
                if is_sha256(&tag) {
                    fetched.announced_sha256.get_or_insert(tag);
                }
            }
            if resp.status().is_redirection() {
                if let Some(loc) = header(&resp, "location") {
                    let next = join_location(&current, &loc);
                    if current.starts_with("https://") && !next.starts_with("https://") {
                        return Err(ModelsError::Http {
                            url: current,
                            status: resp.status().as_u16(),
                            hint: format!("redirects from HTTPS to {next}: refused"),
                        });
                    }
                    current = next;
                    continue;
                }
            }
            return Ok(resp);
        }
        Err(ModelsError::Http { url: url.to_string(), status: 310, hint: "too many redirects".into() })
    }

    fn unreachable(&self, url: &str, e: ureq::Error) -> ModelsError {
        let reason = match &e {
            ureq::Error::HostNotFound => format!("host {} not found (no network, or no DNS?)", host_of(url)),
            ureq::Error::Timeout(t) => match t {
                ureq::Timeout::Resolve | ureq::Timeout::Connect => {
                    format!("no answer within {}s (no network, or a firewall?)", self.opts.connect.as_secs())
                }
                _ => format!("the server stopped answering for {}s", self.opts.read.as_secs()),
            },
            ureq::Error::Io(io) if io.kind() == io::ErrorKind::ConnectionRefused => "connection refused".to_string(),
            ureq::Error::Io(io) if io.to_string().contains("lookup address") => {
                format!("host {} not found (no network, or no DNS?)", host_of(url))
            }
            other => one_line(&other.to_string()),
        };
        ModelsError::Unreachable { url: url.to_string(), reason }
    }
}

/// "https://h.co:443/a/b" → "h.co:443".
fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split('/').next().unwrap_or(rest)
}

/// `dir/model.bin` → `dir/model.bin.part`.
pub fn part_path(dest: &Path) -> PathBuf {
    let mut name = dest.file_name().unwrap_or_default().to_os_string();
    name.push(".part");
    dest.with_file_name(name)
}

fn header(resp: &ureq::http::Response<ureq::Body>, name: &str) -> Option<String> {
    resp.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
}

/// "bytes 100-199/200" → 100.
fn parse_content_range_start(v: &str) -> Option<u64> {
    v.trim().strip_prefix("bytes")?.trim().split('-').next()?.trim().parse().ok()
}

/// Resolves a `Location` header against the URL that sent it.
fn join_location(base: &str, loc: &str) -> String {
    if loc.contains("://") {
        return loc.to_string();
    }
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[scheme_end..].find('/').map_or(base.len(), |i| scheme_end + i);
    if loc.starts_with('/') {
        format!("{}{loc}", &base[..host_end])
    } else {
        let dir_end = base.rfind('/').filter(|&i| i >= host_end).map_or(host_end, |i| i);
        format!("{}/{loc}", &base[..dir_end])
    }
}

fn open_part(part: &Path, start: u64) -> Result<File, ModelsError> {
    if let Some(parent) = part.parent() {
        fs::create_dir_all(parent).map_err(|e| ModelsError::io(parent, e))?;
    }
    let file = if start == 0 { File::create(part) } else { OpenOptions::new().append(true).open(part) };
    file.map_err(|e| ModelsError::io(part, e))
}

enum CopyError {
    /// The body broke off after the part file reached this length.
    Read(u64, io::Error),
    Write(io::Error),
}

/// Copies the body into the part file and the hash, reporting progress; returns the part
/// file's length afterwards.
fn copy_counting(
    body: &mut dyn Read,
    out: &mut File,
    hasher: &mut Sha256,
    start: u64,
    total: Option<u64>,
    progress: &dyn Fn(u64, Option<u64>),
) -> Result<u64, CopyError> {
    let mut buf = vec![0u8; 256 * 1024];
    let mut done = start;
    progress(done, total);
    loop {
        let n = match body.read(&mut buf) {
            Ok(0) => return Ok(done),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                out.flush().map_err(CopyError::Write)?;
                return Err(CopyError::Read(done, e));
            }
        };
        out.write_all(&buf[..n]).map_err(CopyError::Write)?;
        hasher.update(&buf[..n]);
        done += n as u64;
        progress(done, total);
    }
}

/// Size and SHA-256 of a file, read in 1 MiB blocks.
pub fn hash_file(path: &Path) -> Result<(u64, String), ModelsError> {
    let (hasher, n) = hash_prefix(path)?;
    Ok((n, hex(&hasher.finalize())))
}

/// The hash state after reading all of `path`, and its length.
fn hash_prefix(path: &Path) -> Result<(Sha256, u64), ModelsError> {
    let mut f = File::open(path).map_err(|e| ModelsError::io(path, e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut total = 0u64;
    loop {
        let n = f.read(&mut buf).map_err(|e| ModelsError::io(path, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        total += n as u64;
    }
    Ok((hasher, total))
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_range_and_locations() {
        assert_eq!(parse_content_range_start("bytes 100-199/200"), Some(100));
        assert_eq!(parse_content_range_start("bytes */200"), None);
        assert_eq!(join_location("https://h.co/a/b/c.bin", "https://cdn.x/y"), "https://cdn.x/y");
        assert_eq!(join_location("https://h.co/a/b/c.bin", "/api/z"), "https://h.co/api/z");
        assert_eq!(join_location("https://h.co/a/b/c.bin", "d.bin"), "https://h.co/a/b/d.bin");
        assert_eq!(join_location("http://127.0.0.1:80", "x"), "http://127.0.0.1:80/x");
    }

    #[test]
    fn sha256_of_known_input() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("abc");
        fs::write(&p, b"abc").unwrap();
        let (n, sha) = hash_file(&p).unwrap();
        assert_eq!(n, 3);
        // FIPS 180-2, appendix B.1.
        assert_eq!(sha, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(part_path(&p), dir.path().join("abc.part"));
    }
}
