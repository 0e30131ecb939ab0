//! Headless Chromium driven over the DevTools protocol, for pages whose
//! behaviour lives in their scripts (a fetched HTML text cannot show that a
//! script stops at load, that an image is broken, or that a click works).
//!
//! Chromium speaks the protocol over a pipe (`--remote-debugging-pipe`: it
//! reads commands from fd 3 and writes answers and events to fd 4, each one
//! JSON text ended by a NUL byte), so no debugging port is opened and no
//! websocket client is needed: a shell hands the child's stdin and stdout to
//! Chromium as fds 3 and 4. Every host name except 127.0.0.1 resolves to
//! nothing and background services are off, so the browser talks only to the
//! server under test.
//!
//! Chromium is required, not optional: without it these tests fail and say
//! how to install it (`.ci/run` does).

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long one protocol command may take before the test gives up.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);

pub struct Browser {
    child: Child,
    commands: ChildStdin,
    messages: Receiver<Value>,
    next_id: u64,
    /// The page's session (commands without one go to the browser).
    session: String,
    /// Uncaught exceptions the page threw, as Chromium describes them.
    exceptions: Vec<String>,
    stderr: Arc<Mutex<String>>,
    _profile: tempfile::TempDir,
}

/// The Chromium executable on `PATH`, or a failure that says how to get one.
fn chromium() -> std::path::PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        for name in ["chromium", "chromium-browser"] {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return candidate;
            }
        }
    }
    panic!(
        "headless Chromium is required for this test but `chromium` is not on PATH; install it \
         (Debian: `apt-get install chromium`, as .ci/run does)"
    );
}

impl Browser {
    /// Starts Chromium with one blank page attached to this client.
    pub fn launch() -> Browser {
        let binary = chromium();
        let profile = tempfile::tempdir().unwrap();
        let mut child = Command::new("sh")
            .arg("-c")
            // fd 3 <- our stdin, fd 4 -> our stdout; Chromium's own stdio elsewhere.
            .arg(r#"exec "$@" 3<&0 4>&1 </dev/null >/dev/null"#)
            .arg("sh")
            .arg(binary)
            .args([
                "--headless",
                "--disable-gpu",
                "--no-sandbox",
                "--disable-dev-shm-usage",
                "--remote-debugging-pipe",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-default-apps",
                "--disable-domain-reliability",
                "--disable-extensions",
                "--disable-sync",
                "--disable-client-side-phishing-detection",
                "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication",
                "--metrics-recording-only",
                "--no-proxy-server",
                "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
                "--mute-audio",
                "--window-size=1280,1000",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start chromium");
        let commands = child.stdin.take().unwrap();
        let mut answers = BufReader::new(child.stdout.take().unwrap());
        let (tx, messages) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut message = Vec::new();
            while answers.read_until(0, &mut message).is_ok_and(|n| n > 0) {
                if message.last() == Some(&0) {
                    message.pop();
                }
                if let Ok(value) = serde_json::from_slice::<Value>(&message)
                    && tx.send(value).is_err()
                {
                    break;
                }
                message.clear();
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = stderr.clone();
        let mut chromium_stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = chromium_stderr.read_to_string(&mut text);
            sink.lock().unwrap().push_str(&text);
        });
        let mut browser = Browser {
            child,
            commands,
            messages,
            next_id: 0,
            session: String::new(),
            exceptions: Vec::new(),
            stderr,
            _profile: profile,
        };
        let target = browser.browser_call("Target.createTarget", json!({ "url": "about:blank" }));
        let target_id = target["targetId"].as_str().expect("a target id").to_string();
        let attached = browser.browser_call("Target.attachToTarget", json!({ "targetId": target_id, "flatten": true }));
        browser.session = attached["sessionId"].as_str().expect("a session id").to_string();
        browser.call("Runtime.enable", json!({}));
        browser.call("Page.enable", json!({}));
        browser
    }

    /// Loads `url` in the page and returns once its document and scripts
    /// have loaded (wait for anything later with [`Browser::wait_for`]).
    pub fn open(&mut self, url: &str) {
        let answer = self.call("Page.navigate", json!({ "url": url }));
        assert!(answer.get("errorText").is_none(), "navigating to {url}: {answer}");
        let url_js = serde_json::to_string(url).unwrap();
        self.wait_for(
            &format!("{url} to load"),
            &format!("location.href === {url_js} && document.readyState !== 'loading'"),
        );
    }

    /// Evaluates a JavaScript expression in the page and returns its value
    /// (promises are awaited).
    pub fn eval(&mut self, expression: &str) -> Value {
        self.try_eval(expression).unwrap_or_else(|error| panic!("evaluating `{expression}`: {error}"))
    }

    /// Like [`Browser::eval`], with a throw (or a document going away
    /// mid-navigation) as an error.
    fn try_eval(&mut self, expression: &str) -> Result<Value, String> {
        let answer = self.try_call(
            "Runtime.evaluate",
            json!({ "expression": expression, "returnByValue": true, "awaitPromise": true }),
        )?;
        match answer.get("exceptionDetails") {
            Some(details) => Err(format!("threw {details}")),
            None => Ok(answer["result"]["value"].clone()),
        }
    }

    /// Polls `expression` until it is truthy and returns its value; fails
    /// naming `what`, the last value and the page's uncaught exceptions.
    pub fn wait_for(&mut self, what: &str, expression: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            // Until it holds, a throw counts as "not yet" (the document may
            // still be about:blank, or just replaced).
            let (value, error) = match self.try_eval(expression) {
                Ok(value) => (value, None),
                Err(error) => (Value::Null, Some(error)),
            };
            let truthy = match &value {
                Value::Null => false,
                Value::Bool(b) => *b,
                Value::Number(n) => n.as_f64() != Some(0.0),
                Value::String(s) => !s.is_empty(),
                _ => true,
            };
            if truthy {
                return value;
            }
            if Instant::now() > deadline {
                panic!(
                    "timed out waiting for {what} (`{expression}` is {value}{}); uncaught exceptions in the page: {:?}",
                    error.map(|e| format!(", {e}")).unwrap_or_default(),
                    self.exceptions()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Clicks the middle of the first element matching `selector` with the
    /// mouse (press and release), as a person would.
    pub fn click(&mut self, selector: &str) {
        let selector_js = serde_json::to_string(selector).unwrap();
        let point = self.eval(&format!(
            "(() => {{ const e = document.querySelector({selector_js}); if (!e) return null; \
             e.scrollIntoView({{block: 'center'}}); const r = e.getBoundingClientRect(); \
             return [r.x + r.width / 2, r.y + r.height / 2]; }})()"
        ));
        let (x, y) = match (point[0].as_f64(), point[1].as_f64()) {
            (Some(x), Some(y)) => (x, y),
            _ => panic!("nothing to click: no element matches `{selector}`"),
        };
        self.call("Input.dispatchMouseEvent", json!({ "type": "mouseMoved", "x": x, "y": y }));
        for kind in ["mousePressed", "mouseReleased"] {
            self.call(
                "Input.dispatchMouseEvent",
                json!({ "type": kind, "x": x, "y": y, "button": "left", "buttons": 1, "clickCount": 1 }),
            );
        }
    }

    /// Uncaught exceptions the page has thrown so far.
    pub fn exceptions(&mut self) -> Vec<String> {
        self.drain_events();
        self.exceptions.clone()
    }

    fn call(&mut self, method: &str, params: Value) -> Value {
        self.try_call(method, params).unwrap_or_else(|error| panic!("{error}"))
    }

    fn try_call(&mut self, method: &str, params: Value) -> Result<Value, String> {
        let session = self.session.clone();
        self.send(method, params, Some(&session))
    }

    fn browser_call(&mut self, method: &str, params: Value) -> Value {
        self.send(method, params, None).unwrap_or_else(|error| panic!("{error}"))
    }

    /// Sends one command and waits for its answer, noting events meanwhile.
    /// A protocol error is an `Err`; a browser that is gone fails the test.
    fn send(&mut self, method: &str, params: Value, session: Option<&str>) -> Result<Value, String> {
        self.next_id += 1;
        let id = self.next_id;
        let mut command = json!({ "id": id, "method": method, "params": params });
        if let Some(session) = session {
            command["sessionId"] = json!(session);
        }
        let mut bytes = serde_json::to_vec(&command).unwrap();
        bytes.push(0);
        if let Err(error) = self.commands.write_all(&bytes).and_then(|()| self.commands.flush()) {
            panic!("chromium stopped listening ({error}); its output:\n{}", self.stderr.lock().unwrap());
        }
        let deadline = Instant::now() + COMMAND_TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.messages.recv_timeout(left) {
                Ok(message) if message["id"].as_u64() == Some(id) => {
                    return match message.get("error") {
                        Some(error) => Err(format!("{method} failed: {error}")),
                        None => Ok(message["result"].clone()),
                    };
                }
                Ok(event) => self.note(&event),
                Err(RecvTimeoutError::Timeout) => panic!("{method}: chromium did not answer in time"),
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("chromium exited; its output:\n{}", self.stderr.lock().unwrap())
                }
            }
        }
    }

    fn drain_events(&mut self) {
        while let Ok(event) = self.messages.try_recv() {
            self.note(&event);
        }
    }

    fn note(&mut self, event: &Value) {
        if event["method"] == "Runtime.exceptionThrown" {
            let details = &event["params"]["exceptionDetails"];
            let text = details["exception"]["description"].as_str().or(details["text"].as_str()).unwrap_or("?");
            self.exceptions.push(text.to_string());
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Ask politely so Chromium takes its helper processes with it.
        let mut close = serde_json::to_vec(&json!({ "id": 0, "method": "Browser.close" })).unwrap();
        close.push(0);
        let _ = self.commands.write_all(&close);
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if self.child.try_wait().ok().flatten().is_some() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
