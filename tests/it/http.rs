//! A small HTTP/1.1 file server for the download tests, listening on 127.0.0.1 only.
//!
//! Serves byte strings at fixed paths, honours `Range: bytes=N-`, answers 404 for anything else,
//! sends a strong ETag and honours `If-Range` (a changed file is sent whole), and can cut a
//! response short (the connection closes mid-body) a given number of times, or
//! never answer at all, so resume and timeout paths run against a real socket. One connection
//! at a time, `Connection: close`; the server stops when dropped.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct Request {
    pub path: String,
    pub range: Option<String>,
    pub if_range: Option<String>,
}

#[derive(Default)]
struct State {
    files: HashMap<String, Vec<u8>>,
    headers: HashMap<String, Vec<(String, String)>>,
    /// path → (responses still to cut, bytes of body sent before cutting)
    cuts: HashMap<String, (usize, usize)>,
    /// Accept connections but never answer (for timeout tests).
    stall: bool,
    log: Vec<Request>,
}

pub struct Server {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    pub fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(State::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let (st, sp) = (state.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            let mut held = Vec::new(); // stalled connections stay open until the server stops
            for conn in listener.incoming() {
                if sp.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = conn else { continue };
                if st.lock().unwrap().stall {
                    held.push(stream);
                    continue;
                }
                let _ = handle(stream, &st);
            }
        });
        Server { addr, state, stop, thread: Some(thread) }
    }

    /// "http://127.0.0.1:PORT"
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn add(&self, path: &str, bytes: Vec<u8>) {
        self.state.lock().unwrap().files.insert(path.to_string(), bytes);
    }

    /// An extra response header for `path` (e.g. the hub's X-Linked-Etag).
    pub fn header(&self, path: &str, name: &str, value: &str) {
        self.state.lock().unwrap().headers.entry(path.to_string()).or_default().push((name.into(), value.into()));
    }

    /// The next `times` responses for `path` close the connection after `after` body bytes.
    pub fn cut(&self, path: &str, after: usize, times: usize) {
        self.state.lock().unwrap().cuts.insert(path.to_string(), (times, after));
    }

    pub fn stall(&self) {
        self.state.lock().unwrap().stall = true;
    }

    pub fn requests(&self) -> Vec<Request> {
        self.state.lock().unwrap().log.clone()
    }

    pub fn requests_for(&self, path: &str) -> Vec<Request> {
        self.requests().into_iter().filter(|r| r.path == path).collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1)); // wakes accept()
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn handle(stream: TcpStream, state: &Mutex<State>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    stream.set_write_timeout(Some(Duration::from_secs(5)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let mut range = None;
    let mut if_range = None;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 || h == "\r\n" || h == "\n" {
            break;
        }
        if let Some((name, value)) = h.split_once(':') {
            if name.eq_ignore_ascii_case("range") {
                range = Some(value.trim().to_string());
            } else if name.eq_ignore_ascii_case("if-range") {
                if_range = Some(value.trim().to_string());
            }
        }
    }
    let mut st = state.lock().unwrap();
    st.log.push(Request { path: path.clone(), range: range.clone(), if_range: if_range.clone() });
    let extra: String =
        st.headers.get(&path).map_or(String::new(), |hs| hs.iter().map(|(n, v)| format!("{n}: {v}\r\n")).collect());
    let mut out = stream;
    let Some(body) = st.files.get(&path).cloned() else {
        drop(st);
        let msg = b"not found";
        write!(out, "HTTP/1.1 404 Not Found\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", msg.len())?;
        out.write_all(msg)?;
        return out.shutdown(Shutdown::Both);
    };
    let etag = etag_of(&body);
    // RFC 9110 §13.1.5: a Range with a stale If-Range validator gets the whole file.
    let range = range.filter(|_| if_range.as_deref().is_none_or(|t| t == etag));
    let start = range
        .as_deref()
        .and_then(|r| r.strip_prefix("bytes="))
        .and_then(|r| r.trim_end_matches('-').parse::<usize>().ok());
    let cut = match st.cuts.get_mut(&path) {
        Some((times, after)) if *times > 0 => {
            *times -= 1;
            Some(*after)
        }
        _ => None,
    };
    drop(st);
    let len = body.len();
    let (status, from) = match start {
        Some(n) if n >= len => {
            write!(out, "HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */{len}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")?;
            return out.shutdown(Shutdown::Both);
        }
        Some(n) => (format!("206 Partial Content\r\nContent-Range: bytes {n}-{}/{len}", len - 1), n),
        None => ("200 OK".to_string(), 0),
    };
    write!(
        out,
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nETag: {etag}\r\n{extra}Connection: close\r\n\r\n",
        len - from
    )?;
    let end = cut.map_or(len, |c| (from + c).min(len));
    out.write_all(&body[from..end])?;
    out.flush()?;
    out.shutdown(Shutdown::Both)
}

/// A strong validator that changes with the content (FNV-1a).
fn etag_of(body: &[u8]) -> String {
    let h = body.iter().fold(0xcbf29ce484222325u64, |h, &b| (h ^ b as u64).wrapping_mul(0x100000001b3));
    format!("\"{h:016x}\"")
}
