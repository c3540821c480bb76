//! The HTML report in a real browser: headless Chromium loads the page from disk with the
//! network off, and the diagram and charts must render (inline SVG, every zone's name in the
//! diagram, no script error). A screenshot is left in `target/tmp/report-browser/` for a person
//! to look at.
//!
//! Without Chromium (`chromium` or `chromium-browser` on PATH, or `PALISADE_CHROMIUM`) the tests
//! say so and pass, unless `PALISADE_REQUIRE_CHROMIUM=1` (set by `.ci/run`), where they fail.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code stops at the first broken expectation"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PALISADE_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser"].iter().find_map(|name| {
        std::env::split_paths(&path)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    })
}

fn browser_or_skip(test: &str) -> Option<PathBuf> {
    let found = chromium();
    if found.is_none() {
        assert!(
            std::env::var("PALISADE_REQUIRE_CHROMIUM").as_deref() != Ok("1"),
            "PALISADE_REQUIRE_CHROMIUM=1 but no chromium found: install the Debian package `chromium`"
        );
        eprintln!("{test}: skipped: no chromium on PATH (apt-get install chromium)");
    }
    found
}

fn out_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-browser");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write_report(input: &str, file: &Path) {
    let o = Command::new(env!("CARGO_BIN_EXE_palisade"))
        .args(["report", "--date", "2026-01-15", "--html"])
        .arg(file)
        .arg(input)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Runs headless Chromium on `page` with networking off (no background services, and every
/// host name resolving nowhere through a dead proxy), killing it after two minutes.
fn run_chromium(browser: &Path, profile: &Path, page: &Path, extra: &[String]) -> String {
    let url = format!("file://{}", page.display());
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--no-first-run",
            "--no-default-browser-check",
            "--proxy-server=127.0.0.1:9",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--virtual-time-budget=5000",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut s).unwrap();
        s
    });
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "chromium exited with {status}");
            break;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish in 120 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    reader.join().unwrap()
}

fn body_tag(dom: &str) -> &str {
    let start = dom.find("<body").expect("a body");
    let end = start + dom[start..].find('>').unwrap();
    &dom[start..=end]
}

/// The DOM of the diagram: from its container to the end of its first SVG.
fn diagram(dom: &str) -> &str {
    let start = dom.find("id=\"diagram\"").expect("the diagram container");
    let end = start + dom[start..].find("</svg>").expect("an SVG in the diagram");
    &dom[start..end]
}

#[test]
fn plant_report_renders_offline() {
    let Some(browser) = browser_or_skip("plant_report_renders_offline") else {
        return;
    };
    let out = out_dir();
    let page = out.join("plant-report.html");
    write_report("examples/plant", &page);
    let profile = tempfile::tempdir().unwrap();
    let dom = run_chromium(&browser, profile.path(), &page, &["--dump-dom".to_string()]);
    let body = body_tag(&dom);
    assert!(
        body.contains("data-rendered=\"ok\""),
        "not rendered: {body}"
    );
    assert!(!body.contains("data-errors"), "script errors: {body}");
    let zones = [
        "internet",
        "enterprise",
        "dmz",
        "supervisory",
        "control",
        "remote-station",
    ];
    let d = diagram(&dom);
    for z in zones {
        assert!(
            d.contains(&format!(">{z}<")),
            "zone `{z}` drawn in the diagram"
        );
    }
    for label in [
        "enterprise-to-dmz",
        "scada-to-control",
        "enforced by ot-boundary",
        "undeclared tcp/502",
        "no conduit · it-dmz",
    ] {
        assert!(d.contains(label), "diagram shows `{label}`");
    }
    assert!(d.contains("Level 3.5 · Industrial DMZ"), "Purdue bands");
    // One chart per zone, each an inline SVG with the FR axis drawn.
    let charts = dom.matches("class=\"chart zone-chart\"").count();
    assert_eq!(charts, zones.len());
    assert!(
        dom.matches("<svg").count() > zones.len(),
        "diagram + one SVG per zone"
    );
    assert!(dom.matches(">FR7<").count() >= zones.len(), "FR axes drawn");

    let shot = out.join("plant-report.png");
    let _ = std::fs::remove_file(&shot);
    run_chromium(
        &browser,
        profile.path(),
        &page,
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1400,2400".to_string(),
        ],
    );
    let png = std::fs::read(&shot).expect("screenshot written");
    assert!(
        png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 50_000,
        "a real image"
    );
    eprintln!("screenshot: {}", shot.display());
}

#[test]
fn hostile_names_stay_text_in_the_browser() {
    let Some(browser) = browser_or_skip("hostile_names_stay_text_in_the_browser") else {
        return;
    };
    let out = out_dir();
    let page = out.join("fixture-report.html");
    write_report("tests/fixtures/report", &page);
    let profile = tempfile::tempdir().unwrap();
    let dom = run_chromium(&browser, profile.path(), &page, &["--dump-dom".to_string()]);
    let body = body_tag(&dom);
    assert!(
        body.contains("data-rendered=\"ok\""),
        "not rendered: {body}"
    );
    assert!(!body.contains("data-errors"), "script errors: {body}");
    assert!(
        !dom.contains("<img src=\"x\""),
        "markup in a zone name became an element"
    );
    assert!(dom.contains("lab&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"));
    assert!(diagram(&dom).contains(">cell<"));
}
