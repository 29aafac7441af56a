use ascii::AsciiString;

use std::io::Error as IoError;
use std::io::Result as IoResult;
use std::io::{BufReader, ErrorKind, Read, Write};

use std::net::SocketAddr;
use std::str::FromStr;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::{HTTPVersion, Method};
use crate::util::LazyBufWriter;
use crate::util::{Deadline, RefinedTcpStream};
use crate::util::{SequentialReader, SequentialReaderBuilder, SequentialWriterBuilder};
use crate::{Header, Request, Response, StatusCode};

/// A ClientConnection is an object that will store a socket to a client
/// and return Request objects.
pub struct ClientConnection {
    // address of the client
    remote_addr: IoResult<Option<SocketAddr>>,

    // sequence of Readers to the stream, so that the data is not read in
    //  the wrong order
    #[allow(dead_code)]
    source: SequentialReaderBuilder<BufReader<RefinedTcpStream>>,

    // sequence of Writers to the stream, to avoid writing response #2 before
    //  response #1
    sink: SequentialWriterBuilder<LazyBufWriter<RefinedTcpStream>>,

    // Reader to read the next header from
    // RESTume patch: and the body: every request is read whole here, so
    // this is the connection's only reader.
    next_header_source: SequentialReader<BufReader<RefinedTcpStream>>,

    // set to true if we know that the previous request is the last one
    no_more_requests: bool,

    // true if the connection goes through SSL
    secure: bool,

    // RESTume patch: see `REQUEST_TIME`.
    deadline: Deadline,

    // RESTume patch: the client may still be sending what was not read (a
    // body too large to read, or whatever followed a refused request).
    unread: bool,

    // RESTume patch: signalled once the answer to the request last read is
    // out (see `Answer`).
    answer: Option<Receiver<()>>,
}

/// RESTume patch: the writer a request is answered through. The answer is
/// collected in memory; dropped (complete), it is written to the socket at
/// once, by the worker, with a send timeout of `connection::WORKER_WRITE`
/// (a few ms). Whatever did not fit in the socket's buffers by then is
/// handed to the slow writer (`slow`), one thread that writes all such rests
/// as their clients read, so the worker never waits on a client, not even
/// one that reads its answers slowly or not at all. The original had the
/// worker write with a 30 s timeout a write: a client that pipelined
/// requests for large answers and read none held every worker (one blocked
/// in the write, the others waiting for their turn behind it).
///
/// `done` is signalled once the whole answer is out. The connection's thread
/// waits for it before it queues the next request or writes anything
/// itself, so a connection has one request at a time in the server and
/// answers never interleave; a client that waits for each answer before its
/// next request finds it signalled already: no wait on that path.
struct Answer {
    buf: Vec<u8>,
    out: Out,
    done: Sender<()>,
}

type Out = Arc<Mutex<LazyBufWriter<RefinedTcpStream>>>;

impl Write for Answer {
    fn write(&mut self, data: &[u8]) -> IoResult<usize> {
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> IoResult<()> {
        Ok(())
    }
}

impl Drop for Answer {
    fn drop(&mut self) {
        let buf = std::mem::take(&mut self.buf);
        let sent = match self.out.lock() {
            Ok(mut out) => slow::write_some(out.get_mut(), &buf),
            Err(_) => buf.len(),
        };
        if sent == buf.len() {
            let _ = self.done.send(());
        } else if slow::park(self.out.clone(), buf, sent, self.done.clone()).is_err() {
            // past the bound: this client reads too slowly to be kept
            if let Ok(mut out) = self.out.lock() {
                out.get_mut().shutdown_both();
            }
            let _ = self.done.send(());
        }
    }
}

/// RESTume patch: the slow writer (see `Answer`). The rests it holds are
/// bounded, 64 MiB in all (a connection has at most one, but there may be a
/// thousand connections): past the bound a rest is refused, and its
/// connection closed. Each write waits at most `WORKER_WRITE` on a full
/// socket; a client that takes nothing for `IO_TIMEOUT` is cut off.
mod slow {
    use std::io::{ErrorKind, Write};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::mpsc::{channel, Sender};
    use std::sync::{Mutex, OnceLock};
    use std::time::Instant;

    use super::Out;
    use crate::util::RefinedTcpStream;

    const MAX: usize = 64 * 1024 * 1024;
    static BYTES: AtomicUsize = AtomicUsize::new(0);

    /// Counts `n` more bytes in, unless that passes the bound.
    pub fn take(n: usize) -> bool {
        BYTES
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |b| {
                b.checked_add(n).filter(|t| *t <= MAX)
            })
            .is_ok()
    }

    pub fn give_back(n: usize) {
        BYTES.fetch_sub(n, Ordering::Relaxed);
    }

    /// Writes what the socket takes within about `WORKER_WRITE` (the send
    /// timeout; one total, as a client that reads a little at a time would
    /// renew a timeout per write); how much. A client that is gone counts as
    /// having taken everything.
    pub fn write_some(socket: &mut RefinedTcpStream, buf: &[u8]) -> usize {
        let until = Instant::now() + crate::connection::WORKER_WRITE;
        let mut sent = 0;
        while sent < buf.len() {
            if sent > 0 && Instant::now() >= until {
                break;
            }
            match socket.write(&buf[sent..]) {
                Ok(0) => return buf.len(),
                Ok(n) => sent += n,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => break,
                Err(_) => return buf.len(),
            }
        }
        sent
    }

    struct Rest {
        out: Out,
        buf: Vec<u8>,
        sent: usize,
        done: Sender<()>,
        moved: Instant,
        // counted in `BYTES`
        taken: usize,
    }

    /// Hands `buf[sent..]` to the slow writer; `Err` past the bound.
    pub fn park(out: Out, buf: Vec<u8>, sent: usize, done: Sender<()>) -> Result<(), ()> {
        let taken = buf.len() - sent;
        if !take(taken) {
            return Err(());
        }
        static TO: OnceLock<Mutex<Sender<Rest>>> = OnceLock::new();
        let to = TO.get_or_init(|| Mutex::new(start()));
        let rest = Rest { out, buf, sent, done, moved: Instant::now(), taken };
        to.lock().unwrap().send(rest).map_err(|_| ())
    }

    fn start() -> Sender<Rest> {
        let (to, from) = channel::<Rest>();
        std::thread::spawn(move || {
            let mut rests: Vec<Rest> = Vec::new();
            loop {
                if rests.is_empty() {
                    match from.recv() {
                        Ok(rest) => rests.push(rest),
                        Err(_) => return,
                    }
                }
                while let Ok(rest) = from.try_recv() {
                    rests.push(rest);
                }
                rests.retain_mut(|rest| {
                    let shared = rest.out.clone();
                    let mut out = match shared.lock() {
                        Ok(out) => out,
                        Err(_) => return finish(rest),
                    };
                    let socket = out.get_mut();
                    let n = write_some(socket, &rest.buf[rest.sent..]);
                    if n > 0 {
                        rest.sent += n;
                        rest.moved = Instant::now();
                    } else if rest.moved.elapsed() > crate::connection::IO_TIMEOUT {
                        socket.shutdown_both();
                        rest.sent = rest.buf.len();
                    }
                    drop(out);
                    rest.sent < rest.buf.len() || finish(rest)
                });
            }
        });
        to
    }

    /// Signals a rest written (or given up on); `false`, to drop it.
    fn finish(rest: &mut Rest) -> bool {
        give_back(rest.taken);
        let _ = rest.done.send(());
        false
    }
}

/// RESTume patch: the longest request or header line read; a longer one
/// ends the connection instead of growing a buffer without bound.
const MAX_LINE: usize = 16 * 1024;

/// RESTume patch: the header block (the header lines with their CRLFs) is at
/// most this long and has at most `MAX_HEADERS` lines, else 431. The original
/// bounded neither: 4 096 lines of 16 KiB were read and kept.
const MAX_HEADER_BYTES: usize = 64 * 1024;
const MAX_HEADERS: usize = 100;

/// RESTume patch: the longest chunk-size line of a chunked body (the size and
/// any chunk extensions).
const MAX_CHUNK_LINE: usize = 1024;

/// RESTume patch: a request (line, headers and body) must be in within this
/// of its first byte, else 408. The whole request is read on the
/// connection's thread before it is queued for a worker, so a slow client
/// holds only its own thread, never a worker; and the deadline is one total,
/// not a timeout renewed by every byte it trickles.
const REQUEST_TIME: Duration = Duration::from_secs(10);

/// RESTume patch: the largest body read before the request is queued (the
/// application's limit). A longer `Content-Length` is not read: the request
/// goes on with an empty body and its `Content-Length` (to be refused by its
/// size) and the connection ends after the answer. A chunked body is read up
/// to one byte past this, so the application sees it is too large; the
/// connection ends if anything was left of it.
pub const MAX_BODY: usize = 1024 * 1024;

/// RESTume patch: see `ClientConnection::linger`.
const LINGER: Duration = Duration::from_secs(2);

/// Error that can happen when reading a request.
#[derive(Debug)]
enum ReadError {
    /// RESTume patch: the connection ended, failed or stayed idle past the
    /// idle timeout before a next request began: it is closed quietly.
    Closed,
    WrongRequestLine,
    WrongHeader(HTTPVersion),
    /// RESTume patch: framing that could make two parties split requests
    /// differently (RFC 9112 §6.1, §6.3), or a malformed chunked body.
    BadFraming(HTTPVersion),
    /// RESTume patch: past `MAX_HEADER_BYTES` or `MAX_HEADERS`.
    HeadersTooLarge(HTTPVersion),
    /// the client sent an unrecognized `Expect` header
    ExpectationFailed(HTTPVersion),
    /// RESTume patch: past `REQUEST_TIME`.
    TimedOut,
    ReadIoError,
    /// RESTume patch: a version past 1.1 (505).
    VersionNotSupported,
}

/// RESTume patch: why a line could not be read.
enum LineError {
    TooLong,
    Io(IoError),
}

/// RESTume patch: how the body of a request is delimited.
#[derive(Debug, PartialEq)]
enum Framing {
    Empty,
    Length(u64),
    Chunked,
}

impl From<IoError> for ReadError {
    fn from(e: IoError) -> ReadError {
        match e.kind() {
            ErrorKind::TimedOut => ReadError::TimedOut,
            _ => ReadError::ReadIoError,
        }
    }
}

impl ClientConnection {
    /// Creates a new `ClientConnection` that takes ownership of the `TcpStream`.
    pub fn new(
        write_socket: RefinedTcpStream,
        mut read_socket: RefinedTcpStream,
    ) -> ClientConnection {
        let remote_addr = read_socket.peer_addr();
        let secure = read_socket.secure();
        let deadline = read_socket.deadline();

        let mut source = SequentialReaderBuilder::new(BufReader::with_capacity(1024, read_socket));
        let first_header = source.next().unwrap();

        ClientConnection {
            source,
            // RESTume patch: 8 KiB (was 1 KiB), so a whole résumé answer
            // leaves in one write instead of several; and allocated only
            // while a response is written (see util/lazy_writer.rs).
            sink: SequentialWriterBuilder::new(LazyBufWriter::with_capacity(8 * 1024, write_socket)),
            remote_addr,
            next_header_source: first_header,
            no_more_requests: false,
            secure,
            deadline,
            unread: false,
            answer: None,
        }
    }

    /// true if the connection is HTTPS
    pub fn secure(&self) -> bool {
        self.secure
    }

    /// Reads the next line from self.next_header_source, of at most `max`
    /// bytes (RESTume patch), starting with `first` if given.
    ///
    /// Reads until `CRLF` is reached. The next read will start
    ///  at the first byte of the new line.
    fn read_next_line(&mut self, first: Option<u8>, max: usize) -> Result<AsciiString, LineError> {
        let mut buf = Vec::new();
        let mut pending = first;

        loop {
            let byte = match pending.take() {
                Some(b) => b,
                None => match self.next_header_source.by_ref().bytes().next() {
                    Some(b) => b.map_err(LineError::Io)?,
                    None => {
                        let eof = IoError::new(ErrorKind::ConnectionAborted, "Unexpected EOF");
                        return Err(LineError::Io(eof));
                    }
                },
            };

            if byte == b'\n' && buf.last() == Some(&b'\r') {
                buf.pop(); // removing the '\r'
                let not_ascii = |_| IoError::new(ErrorKind::InvalidInput, "Header is not in ASCII");
                return AsciiString::from_ascii(buf).map_err(not_ascii).map_err(LineError::Io);
            }

            // the CR of the CRLF may come on top
            if buf.len() > max {
                return Err(LineError::TooLong);
            }

            buf.push(byte);
        }
    }

    /// Reads a request from the stream.
    /// Blocks until the header has been read.
    /// RESTume patch: and the body, all within `REQUEST_TIME`.
    fn read(&mut self) -> Result<Request, ReadError> {
        // between requests, a read waits for the idle timeout; the request's
        // deadline starts with its first byte
        self.deadline.set(None);
        let mut first = [0u8];
        match self.next_header_source.read(&mut first) {
            Ok(1) => {}
            _ => return Err(ReadError::Closed),
        }
        self.deadline.set(Some(Instant::now() + REQUEST_TIME));

        let (method, path, version, headers) = {
            // reading the request line
            let (method, path, version) = {
                let line = match self.read_next_line(Some(first[0]), MAX_LINE) {
                    Ok(line) => line,
                    Err(LineError::Io(e)) => return Err(e.into()),
                    // RESTume patch: as before, the connection just ends
                    Err(LineError::TooLong) => return Err(ReadError::Closed),
                };

                parse_request_line(
                    line.as_str().trim(), // TODO: remove this conversion
                )?
            };
            if version > (1, 1) {
                return Err(ReadError::VersionNotSupported);
            }

            // getting all headers
            let headers = {
                let mut headers = Vec::new();
                let mut header_bytes = 0;
                loop {
                    let room = MAX_HEADER_BYTES.saturating_sub(header_bytes);
                    let line = match self.read_next_line(None, room.min(MAX_LINE)) {
                        Ok(line) => line,
                        Err(LineError::Io(e)) => return Err(e.into()),
                        Err(LineError::TooLong) => return Err(ReadError::HeadersTooLarge(version)),
                    };

                    if line.is_empty() {
                        break;
                    };
                    header_bytes += line.len() + 2;
                    if headers.len() == MAX_HEADERS || header_bytes > MAX_HEADER_BYTES {
                        return Err(ReadError::HeadersTooLarge(version));
                    }
                    // RESTume patch: an obsolete line folding (or a header
                    // before the first one) would be read as a header of
                    // its own (RFC 9112 §5.2: reject it)
                    if line.as_bytes().first().map_or(false, |b| *b == b' ' || *b == b'\t') {
                        return Err(ReadError::WrongHeader(version));
                    }
                    headers.push(match FromStr::from_str(line.as_str().trim()) {
                        // TODO: remove this conversion
                        Ok(h) => h,
                        _ => return Err(ReadError::WrongHeader(version)),
                    });
                }

                headers
            };

            (method, path, version, headers)
        };

        // RESTume patch: the body, read here (see `REQUEST_TIME`)
        let framing = match framing(&headers) {
            Ok(framing) => framing,
            Err(()) => return Err(ReadError::BadFraming(version)),
        };
        let headers = with_one_content_length(headers, &framing);

        // true if the client sent a `Expect: 100-continue` header
        let expects_continue = match headers
            .iter()
            .find(|h: &&Header| h.field.equiv("Expect"))
            .map(|h| h.value.as_str())
        {
            None => false,
            Some(v) if v.eq_ignore_ascii_case("100-continue") => true,
            _ => return Err(ReadError::ExpectationFailed(version)),
        };

        let body = match framing {
            Framing::Empty => Vec::new(),
            Framing::Length(n) if n > MAX_BODY as u64 => {
                self.no_more_requests = true;
                self.unread = true;
                Vec::new()
            }
            Framing::Length(n) => {
                if expects_continue {
                    self.send_continue(&version);
                }
                self.read_body(n as usize)?
            }
            Framing::Chunked => {
                if expects_continue {
                    self.send_continue(&version);
                }
                let (body, whole) = match self.read_chunked() {
                    Ok(read) => read,
                    Err(e) if e.kind() == ErrorKind::InvalidData => {
                        return Err(ReadError::BadFraming(version))
                    }
                    Err(e) => return Err(e.into()),
                };
                if !whole {
                    self.no_more_requests = true;
                    self.unread = true;
                }
                body
            }
        };

        // building the writer for the request
        // RESTume patch: see `Answer`; the previous answer is out first
        self.write_answer();
        let (done, answer) = channel();
        self.answer = Some(answer);
        let writer = Answer { buf: Vec::new(), out: self.sink.shared(), done };

        Ok(crate::request::new_request(
            self.secure,
            method,
            path,
            version,
            headers,
            *self.remote_addr.as_ref().unwrap(),
            body,
            writer,
        ))
    }

    /// RESTume patch: the `100 Continue` a client that sent
    /// `Expect: 100-continue` waits for before it sends the body.
    fn send_continue(&mut self, version: &HTTPVersion) {
        self.write_answer();
        let mut msg = Vec::new();
        Response::new_empty(StatusCode(100))
            .raw_print(&mut msg, version.clone(), &[], true, None)
            .ok();
        self.write_slowly(&msg).ok();
    }

    /// RESTume patch: waits until the answer to the request last read is
    /// out (see `Answer`).
    fn write_answer(&mut self) {
        if let Some(answer) = self.answer.take() {
            // an error: the answer was dropped unsent, nothing to wait for
            let _ = answer.recv();
        }
    }

    /// RESTume patch: writes from the connection's thread, which may wait
    /// on its client: with the usual 30 s send timeout (not the workers').
    fn write_slowly(&mut self, bytes: &[u8]) -> IoResult<()> {
        let out = self.sink.shared();
        let mut out = out.lock().unwrap();
        let socket = out.get_mut();
        socket.set_write_timeout(crate::connection::IO_TIMEOUT)?;
        let written = socket.write_all(bytes).and_then(|_| socket.flush());
        socket.set_write_timeout(crate::connection::WORKER_WRITE)?;
        written
    }

    /// RESTume patch: exactly `len` bytes of body.
    fn read_body(&mut self, len: usize) -> IoResult<Vec<u8>> {
        // grown as the bytes come, not reserved by what the client announces
        let mut body = Vec::with_capacity(len.min(16 * 1024));
        self.read_more(&mut body, len)?;
        Ok(body)
    }

    /// RESTume patch: appends exactly `len` more bytes to `body`.
    fn read_more(&mut self, body: &mut Vec<u8>, len: usize) -> IoResult<()> {
        let want = body.len() + len;
        self.next_header_source.by_ref().take(len as u64).read_to_end(body)?;
        if body.len() < want {
            let info = "Connection has been closed before we received enough data";
            return Err(IoError::new(ErrorKind::ConnectionAborted, info));
        }
        Ok(())
    }

    /// RESTume patch: a chunked body (RFC 9112 §7.1) decoded, up to
    /// `MAX_BODY + 1` bytes; with whether it was read to its end (trailer
    /// fields are read and dropped). Malformed chunks are `InvalidData`.
    fn read_chunked(&mut self) -> IoResult<(Vec<u8>, bool)> {
        let malformed = || IoError::new(ErrorKind::InvalidData, "malformed chunked body");
        let line = |conn: &mut Self, max| match conn.read_next_line(None, max) {
            Ok(line) => Ok(line),
            Err(LineError::TooLong) => Err(malformed()),
            Err(LineError::Io(e)) if e.kind() == ErrorKind::InvalidInput => Err(malformed()),
            Err(LineError::Io(e)) => Err(e),
        };
        let mut body = Vec::new();
        loop {
            let size_line = line(self, MAX_CHUNK_LINE)?;
            let size = chunk_size(size_line.as_str()).ok_or_else(malformed)?;
            if size == 0 {
                let mut trailer_bytes = 0;
                loop {
                    let trailer = line(self, MAX_LINE)?;
                    if trailer.is_empty() {
                        return Ok((body, true));
                    }
                    trailer_bytes += trailer.len() + 2;
                    if trailer_bytes > MAX_HEADER_BYTES {
                        return Err(malformed());
                    }
                }
            }
            let room = MAX_BODY + 1 - body.len();
            if size > room as u64 {
                self.read_more(&mut body, room)?;
                return Ok((body, false));
            }
            self.read_more(&mut body, size as usize)?;
            let mut crlf = [0u8; 2];
            self.next_header_source.read_exact(&mut crlf)?;
            if &crlf != b"\r\n" {
                return Err(malformed());
            }
            if body.len() > MAX_BODY {
                return Ok((body, false));
            }
        }
    }

    /// RESTume patch: answers a request that cannot be taken (the
    /// connection then ends).
    fn refuse(&mut self, status: u16, version: HTTPVersion, detail: &str) {
        self.write_answer();
        let mut answer = Vec::new();
        let response = crate::problem::response(status, detail);
        response.raw_print(&mut answer, version, &[], false, None).ok();
        self.write_slowly(&answer).ok();
        self.unread = true;
        self.linger();
    }

    /// RESTume patch: closing a socket with unread input makes the kernel
    /// reset the connection, and a reset can destroy the answer before the
    /// client has read it. So once the last answer is out, the sending side
    /// is shut (the client sees the end) and what the client still sends is
    /// read and dropped, for at most `LINGER` and `MAX_BODY` bytes.
    fn linger(&mut self) {
        if !self.unread {
            return;
        }
        self.unread = false;
        if let Some(socket) = self.next_header_source.get_mut() {
            socket.get_mut().shutdown_write();
        }
        self.deadline.set(Some(Instant::now() + LINGER));
        // on the heap: a page-sized array in this frame (inlined into
        // `next`) would be probed, so made resident, on every connection's
        // stack: 4 MB at 500 connections
        let mut buf = vec![0u8; 8192];
        let mut dropped = 0;
        while dropped < MAX_BODY {
            match self.next_header_source.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => dropped += n,
            }
        }
    }
}

/// RESTume patch: the body's framing (RFC 9112 §6.1, §6.3), or `Err` when it
/// is ambiguous: a `Content-Length` that is not all digits or that differs
/// between its values (two headers, or `5, 6`), `Transfer-Encoding` with a
/// `Content-Length`, or a `Transfer-Encoding` other than exactly `chunked`.
/// The original read the first `Content-Length` if it parsed (else none) and
/// any `Transfer-Encoding` as chunked, so such a request's body could be
/// taken for a next request; a proxy in front could read it another way.
fn framing(headers: &[Header]) -> Result<Framing, ()> {
    let mut length: Option<u64> = None;
    let mut chunked = false;
    for h in headers {
        if h.field.equiv("Content-Length") {
            for value in h.value.as_str().split(',') {
                let value = value.trim_matches(|c| c == ' ' || c == '\t');
                if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(());
                }
                // too many digits: longer than any body read
                let n = value.parse::<u64>().unwrap_or(u64::MAX);
                if length.map_or(false, |l| l != n) {
                    return Err(());
                }
                length = Some(n);
            }
        } else if h.field.equiv("Transfer-Encoding") {
            if chunked || !h.value.as_str().eq_ignore_ascii_case("chunked") {
                return Err(());
            }
            chunked = true;
        }
    }
    match (length, chunked) {
        (Some(_), true) => Err(()),
        (None, true) => Ok(Framing::Chunked),
        (None, false) | (Some(0), false) => Ok(Framing::Empty),
        (Some(n), false) => Ok(Framing::Length(n)),
    }
}

/// RESTume patch: repeated identical `Content-Length` values become one
/// plain header, so the application reads the length the body was framed by.
fn with_one_content_length(mut headers: Vec<Header>, framing: &Framing) -> Vec<Header> {
    let n = match framing {
        Framing::Length(n) => *n,
        _ => return headers,
    };
    let mut seen = false;
    headers.retain_mut(|h| {
        if !h.field.equiv("Content-Length") {
            return true;
        }
        if seen {
            return false;
        }
        seen = true;
        h.value = AsciiString::from_ascii(n.to_string()).unwrap();
        true
    });
    headers
}

/// RESTume patch: the size of a chunk from its size line (hex digits, then
/// any `;extensions`).
fn chunk_size(line: &str) -> Option<u64> {
    let size = line.split(';').next()?.trim_end_matches(|c| c == ' ' || c == '\t');
    if size.is_empty() || size.len() > 15 || !size.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u64::from_str_radix(size, 16).ok()
}

impl Iterator for ClientConnection {
    type Item = Request;

    /// Blocks until the next Request is available.
    /// Returns None when no new Requests will come from the client.
    fn next(&mut self) -> Option<Request> {
        // the client sent a "connection: close" header in this previous request
        //  or is using HTTP 1.0, meaning that no new request will come
        if self.no_more_requests {
            // RESTume patch: the last answer is out before the connection ends
            self.write_answer();
            self.linger();
            return None;
        }

        loop {
            // RESTume patch: each refusal is a problem document (`problem.rs`)
            let rq = match self.read() {
                Err(ReadError::Closed) => {
                    self.write_answer();
                    return None;
                }

                Err(ReadError::WrongRequestLine) => {
                    self.refuse(400, HTTPVersion(1, 1), "The request line could not be read.");
                    return None; // we don't know where the next request would start,
                                 // se we have to close
                }

                Err(ReadError::WrongHeader(ver)) => {
                    self.refuse(400, ver, "A header line could not be read.");
                    return None; // we don't know where the next request would start,
                                 // se we have to close
                }

                Err(ReadError::BadFraming(ver)) => {
                    let detail = "The body's length is ambiguous: send one Content-Length, or Transfer-Encoding: chunked alone.";
                    self.refuse(400, ver, detail);
                    return None;
                }

                Err(ReadError::HeadersTooLarge(ver)) => {
                    let detail = "The request's headers are larger than 64 KiB or more than 100 lines.";
                    self.refuse(431, ver, detail);
                    return None;
                }

                Err(ReadError::TimedOut) => {
                    // request timeout
                    let detail = "The request did not arrive in full within 10 seconds.";
                    self.refuse(408, HTTPVersion(1, 1), detail);
                    return None; // closing the connection
                }

                Err(ReadError::ExpectationFailed(ver)) => {
                    self.refuse(417, ver, "Only Expect: 100-continue is understood.");
                    return None; // TODO: should be recoverable, but needs handling in case of body
                }

                Err(ReadError::ReadIoError) => {
                    self.write_answer();
                    return None;
                }

                Err(ReadError::VersionNotSupported) => {
                    // RESTume patch: a problem document, and the connection ends
                    self.refuse(505, HTTPVersion(1, 1), "Use HTTP/1.1 or HTTP/1.0.");
                    return None;
                }

                Ok(rq) => rq,
            };

            // checking HTTP version
            // RESTume patch: in `read`, before a request (and its answer)
            // exists

            // updating the status of the connection
            let connection_header = rq
                .headers()
                .iter()
                .find(|h| h.field.equiv("Connection"))
                .map(|h| h.value.as_str());

            let lowercase = connection_header.map(|h| h.to_ascii_lowercase());

            match lowercase {
                Some(ref val) if val.contains("close") => self.no_more_requests = true,
                Some(ref val) if val.contains("upgrade") => self.no_more_requests = true,
                Some(ref val)
                    if !val.contains("keep-alive") && *rq.http_version() == HTTPVersion(1, 0) =>
                {
                    self.no_more_requests = true
                }
                None if *rq.http_version() == HTTPVersion(1, 0) => self.no_more_requests = true,
                _ => (),
            };

            // returning the request
            return Some(rq);
        }
    }
}

/// Parses a "HTTP/1.1" string.
fn parse_http_version(version: &str) -> Result<HTTPVersion, ReadError> {
    let (major, minor) = match version {
        "HTTP/0.9" => (0, 9),
        "HTTP/1.0" => (1, 0),
        "HTTP/1.1" => (1, 1),
        "HTTP/2.0" => (2, 0),
        "HTTP/3.0" => (3, 0),
        _ => return Err(ReadError::WrongRequestLine),
    };

    Ok(HTTPVersion(major, minor))
}

/// Parses the request line of the request.
/// eg. GET / HTTP/1.1
fn parse_request_line(line: &str) -> Result<(Method, String, HTTPVersion), ReadError> {
    let mut parts = line.split(' ');

    let method = parts.next().and_then(|w| w.parse().ok());
    let path = parts.next().map(ToOwned::to_owned);
    let version = parts.next().and_then(|w| parse_http_version(w).ok());

    method
        .and_then(|method| Some((method, path?, version?)))
        .ok_or(ReadError::WrongRequestLine)
}

#[cfg(test)]
mod test {
    #[test]
    fn test_parse_request_line() {
        let (method, path, ver) = super::parse_request_line("GET /hello HTTP/1.1").unwrap();

        assert!(method == crate::Method::Get);
        assert!(path == "/hello");
        assert!(ver == crate::common::HTTPVersion(1, 1));

        assert!(super::parse_request_line("GET /hello").is_err());
        assert!(super::parse_request_line("qsd qsd qsd").is_err());
    }

    // RESTume patch
    #[test]
    fn test_framing() {
        use super::{framing, Framing};
        let h = |lines: &[&str]| -> Vec<crate::Header> {
            lines.iter().map(|l| l.parse().unwrap()).collect()
        };
        assert_eq!(framing(&h(&[])), Ok(Framing::Empty));
        assert_eq!(framing(&h(&["Content-Length: 0"])), Ok(Framing::Empty));
        assert_eq!(framing(&h(&["Content-Length: 12"])), Ok(Framing::Length(12)));
        assert_eq!(framing(&h(&["content-length: 5", "Content-Length: 5"])), Ok(Framing::Length(5)));
        assert_eq!(framing(&h(&["Content-Length: 5, 5"])), Ok(Framing::Length(5)));
        assert_eq!(framing(&h(&["Content-Length: 99999999999999999999999"])), Ok(Framing::Length(u64::MAX)));
        assert_eq!(framing(&h(&["Transfer-Encoding: chunked"])), Ok(Framing::Chunked));
        assert_eq!(framing(&h(&["Transfer-Encoding: Chunked"])), Ok(Framing::Chunked));
        for bad in [
            &["Content-Length: 1x"][..],
            &["Content-Length: +5"],
            &["Content-Length: -1"],
            &["Content-Length: "],
            &["Content-Length: 5, 6"],
            &["Content-Length: 5", "Content-Length: 6"],
            &["Content-Length: 5", "Transfer-Encoding: chunked"],
            &["Transfer-Encoding: chunked", "Content-Length: 0"],
            &["Transfer-Encoding: gzip, chunked"],
            &["Transfer-Encoding: identity"],
            &["Transfer-Encoding: chunked", "Transfer-Encoding: chunked"],
        ] {
            assert_eq!(framing(&h(bad)), Err(()), "{:?}", bad);
        }
    }

    // RESTume patch
    #[test]
    fn test_parked_bytes_are_bounded() {
        use super::slow as parked;
        assert!(parked::take(40 * 1024 * 1024));
        assert!(!parked::take(30 * 1024 * 1024));
        assert!(parked::take(20 * 1024 * 1024));
        parked::give_back(60 * 1024 * 1024);
        assert!(parked::take(64 * 1024 * 1024));
        parked::give_back(64 * 1024 * 1024);
    }

    // RESTume patch: an answer far larger than the socket's buffers, to a
    // client that reads it slowly: the worker's write stops early, the slow
    // writer writes the rest, and the client gets every byte, in order.
    #[test]
    fn test_slow_writer_finishes_an_answer() {
        use std::io::{Read, Write};
        use std::net::{TcpListener, TcpStream};
        use std::sync::{Arc, Mutex};
        use std::time::{Duration, Instant};

        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server, _) = listener.accept().unwrap();
        server.set_write_timeout(Some(crate::connection::WORKER_WRITE)).unwrap();
        let (_read, write) = crate::util::RefinedTcpStream::new(crate::connection::Connection::from(server));
        let out = Arc::new(Mutex::new(crate::util::LazyBufWriter::with_capacity(8, write)));
        let answer: Vec<u8> = (0..16 * 1024 * 1024).map(|i| (i % 251) as u8).collect();
        let (done, signalled) = std::sync::mpsc::channel();

        let reader = std::thread::spawn(move || {
            let mut got = Vec::new();
            let mut buf = [0u8; 16 * 1024];
            while got.len() < 16 * 1024 * 1024 {
                std::thread::sleep(Duration::from_millis(1));
                let n = client.read(&mut buf).unwrap();
                assert!(n > 0);
                got.extend_from_slice(&buf[..n]);
            }
            got
        });
        let started = Instant::now();
        let mut writer = super::Answer { buf: Vec::new(), out, done };
        writer.write_all(&answer).unwrap();
        drop(writer);
        // the worker's share of the time is its send timeout, not the
        // client's pace
        assert!(started.elapsed() < Duration::from_millis(500), "{:?}", started.elapsed());
        signalled.recv_timeout(Duration::from_secs(60)).unwrap();
        assert!(reader.join().unwrap() == answer);
    }

    // RESTume patch
    #[test]
    fn test_chunk_size() {
        use super::chunk_size;
        assert_eq!(chunk_size("1a"), Some(26));
        assert_eq!(chunk_size("0"), Some(0));
        assert_eq!(chunk_size("FF;name=value"), Some(255));
        assert_eq!(chunk_size("10 ;x"), Some(16));
        for bad in ["", "+5", "0x10", "g", " 5", "ffffffffffffffff1", ";x"] {
            assert_eq!(chunk_size(bad), None, "{:?}", bad);
        }
    }
}
