//! The client side of LSP's stdio framing, shared by the protocol tests and the latency
//! bench: start the server, write `Content-Length`-framed messages, read them back on a
//! thread into a channel.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};

use serde_json::Value;

/// Starts `palisade-lsp` (its stderr discarded); returns the process, its input, and the
/// messages it writes, parsed, in order.
pub(crate) fn spawn_server() -> (Child, ChildStdin, Receiver<Value>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_palisade-lsp"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start palisade-lsp");
    let stdin = child.stdin.take().expect("stdin");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        let mut r = BufReader::new(stdout);
        loop {
            let mut len = None;
            loop {
                let mut line = String::new();
                if r.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                let line = line.trim();
                if line.is_empty() {
                    break;
                }
                if let Some(v) = line.strip_prefix("Content-Length:") {
                    len = v.trim().parse::<usize>().ok();
                }
            }
            let mut buf = vec![0; len.expect("a Content-Length header")];
            if r.read_exact(&mut buf).is_err() {
                return;
            }
            let message = serde_json::from_slice(&buf).expect("the server wrote JSON");
            if tx.send(message).is_err() {
                return;
            }
        }
    });
    (child, stdin, rx)
}

/// Writes one framed message.
pub(crate) fn write_message(stdin: &mut ChildStdin, body: &str) {
    write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write to the server");
    stdin.flush().expect("flush");
}
