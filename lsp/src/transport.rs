//! JSON-RPC over stdio with `Content-Length` framing, tolerant of bad input.
//!
//! `lsp-server`'s own stdio transport stops reading at the first malformed message; an editor
//! that sends one bad payload should get an error answer and a server that goes on, so the
//! reader is ours: a payload that is not JSON gets a `ParseError` response (id `null`), a JSON
//! value that is not a message gets `InvalidRequest` (with its id when it has one), an
//! oversized payload is skipped, and only the end of input stops the reader.

use std::io::{self, BufRead, Read, Write};
use std::thread;

use crossbeam_channel::{unbounded, Receiver, Sender};
use lsp_server::Message;

/// Largest payload read (a policy or manifest of this size is far past any real one).
pub(crate) const MAX_PAYLOAD: usize = 64 * 1024 * 1024;

/// What the reader hands the main loop.
#[derive(Debug)]
pub(crate) enum Incoming {
    Message(Message),
    /// The input ended (the client went away).
    Closed,
}

/// What the writer sends.
#[derive(Debug)]
pub(crate) enum Outgoing {
    Message(Message),
    /// A JSON value that is not a `Message` (an error response with a `null` id).
    Raw(serde_json::Value),
    /// Stop writing (everything sent before has been written).
    Stop,
}

/// The channels of a stdio connection and the threads behind them.
pub(crate) struct Transport {
    pub(crate) receiver: Receiver<Incoming>,
    pub(crate) sender: Sender<Outgoing>,
    writer: thread::JoinHandle<()>,
}

impl Transport {
    pub(crate) fn stdio() -> Transport {
        let (out_tx, out_rx) = unbounded::<Outgoing>();
        let (in_tx, in_rx) = unbounded::<Incoming>();
        let writer = thread::spawn(move || {
            let stdout = io::stdout();
            let mut stdout = stdout.lock();
            for out in out_rx {
                if matches!(out, Outgoing::Stop) || write(&mut stdout, out).is_err() {
                    break;
                }
            }
        });
        let errors = out_tx.clone();
        // The reader blocks on stdin; it is not joined (it ends with the process).
        thread::spawn(move || {
            let stdin = io::stdin();
            let mut stdin = stdin.lock();
            read_loop(&mut stdin, &in_tx, &errors);
        });
        Transport {
            receiver: in_rx,
            sender: out_tx,
            writer,
        }
    }

    /// Waits until everything sent so far has been written, then stops the writer.
    pub(crate) fn finish(self) {
        let _ = self.sender.send(Outgoing::Stop);
        let _ = self.writer.join();
    }
}

fn write(w: &mut impl Write, out: Outgoing) -> io::Result<()> {
    match out {
        Outgoing::Stop => Ok(()),
        Outgoing::Message(m) => m.write(w),
        Outgoing::Raw(v) => {
            let text = v.to_string();
            write!(w, "Content-Length: {}\r\n\r\n{text}", text.len())?;
            w.flush()
        }
    }
}

/// Reads messages until the end of input.
pub(crate) fn read_loop(
    r: &mut impl BufRead,
    messages: &Sender<Incoming>,
    errors: &Sender<Outgoing>,
) {
    loop {
        match read_one(r) {
            Frame::Eof => break,
            Frame::Payload(bytes) => {
                if let Some(m) = decode(&bytes, errors) {
                    if messages.send(Incoming::Message(m)).is_err() {
                        return;
                    }
                }
            }
            Frame::Bad(reason) => {
                let _ = errors.send(Outgoing::Raw(error(None, -32700, &reason)));
            }
        }
    }
    let _ = messages.send(Incoming::Closed);
}

enum Frame {
    Payload(Vec<u8>),
    Bad(String),
    Eof,
}

/// One framed payload: headers up to a blank line, then `Content-Length` bytes.
fn read_one(r: &mut impl BufRead) -> Frame {
    let mut length: Option<usize> = None;
    let mut bad_header = None;
    let mut saw_header = false;
    loop {
        let mut line = Vec::new();
        match r.read_until(b'\n', &mut line) {
            Ok(0) => return Frame::Eof,
            Ok(_) => {}
            Err(_) => return Frame::Eof,
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if !saw_header {
                continue; // stray blank line between messages
            }
            break;
        }
        saw_header = true;
        match text.split_once(':') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("content-length") => {
                match value.trim().parse::<usize>() {
                    Ok(n) => length = Some(n),
                    Err(_) => bad_header = Some(format!("bad Content-Length `{}`", value.trim())),
                }
            }
            Some(_) => {} // Content-Type and others
            None => bad_header = Some(format!("malformed header `{text}`")),
        }
    }
    let Some(length) = length else {
        return Frame::Bad(bad_header.unwrap_or_else(|| "no Content-Length header".to_string()));
    };
    if length > MAX_PAYLOAD {
        // Skip it without holding it in memory.
        let skipped = io::copy(&mut r.take(length as u64), &mut io::sink());
        if skipped.is_err() {
            return Frame::Eof;
        }
        return Frame::Bad(format!(
            "message of {length} bytes is over the {MAX_PAYLOAD} byte limit"
        ));
    }
    let mut buf = vec![0; length];
    if r.read_exact(&mut buf).is_err() {
        return Frame::Eof;
    }
    Frame::Payload(buf)
}

/// A payload as a message, or an error response sent for it.
fn decode(bytes: &[u8], errors: &Sender<Outgoing>) -> Option<Message> {
    let value: serde_json::Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) => {
            let _ = errors.send(Outgoing::Raw(error(
                None,
                -32700,
                &format!("invalid JSON: {e}"),
            )));
            return None;
        }
    };
    let id = value.get("id").cloned();
    let is_call = value.get("method").is_some();
    let is_response =
        !is_call && id.is_some() && (value.get("result").is_some() || value.get("error").is_some());
    // Decoded by shape: `Message` is untagged, and anything with an `id` would pass for a
    // response.
    let decoded = if is_call && id.is_some() {
        serde_json::from_value::<lsp_server::Request>(value).map(Message::Request)
    } else if is_call {
        serde_json::from_value::<lsp_server::Notification>(value).map(Message::Notification)
    } else if is_response {
        serde_json::from_value::<lsp_server::Response>(value).map(Message::Response)
    } else {
        Err(serde::de::Error::custom("no `method`, `result` or `error`"))
    };
    match decoded {
        Ok(m) => Some(m),
        Err(e) => {
            let _ = errors.send(Outgoing::Raw(error(
                id,
                -32600,
                &format!("not a JSON-RPC request, response or notification: {e}"),
            )));
            None
        }
    }
}

/// A JSON-RPC error response.
fn error(id: Option<serde_json::Value>, code: i64, message: &str) -> serde_json::Value {
    serde_json::json!({
        "jsonrpc": "2.0",
        "id": id.unwrap_or(serde_json::Value::Null),
        "error": { "code": code, "message": message },
    })
}
