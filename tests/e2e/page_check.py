#!/usr/bin/env python3
"""Loads an HTML file in headless Chromium and reports what a reader's browser would see.

Usage: page_check.py --chromium PATH --page FILE --out DIR [--timeout SECONDS]

Chromium runs with --headless=new --no-sandbox --disable-gpu and is driven through the
DevTools protocol over --remote-debugging-pipe (file descriptors 3 and 4, NUL-separated JSON
messages), so only the standard library is needed. The page is loaded twice: at a desktop
size (1280 x 2000) and at a phone size (390 x 844, mobile emulation). For each load it
records:
- every network request (Network.requestWillBeSent);
- every console message, log entry and uncaught exception;
- the document's scrollWidth against its clientWidth;
- SVG text that falls outside its SVG's viewBox (clipped), and how many SVG texts had a
  measurable width (none has one when no font could be found);
- line breaks inside the text of <code> elements that are not after / _ = or before a dot.
It writes DIR/<view>.png (the full page) and DIR/<view>.html (the DOM after load) and prints
one JSON object on stdout:

  {"browser": "...", "url": "file:///...", "views": [{"name": "desktop", "width": 1280,
   "requests": [...], "console": [...], "scroll_width": N, "client_width": N,
   "svg_text_measured": N, "svg_text_unmeasured": N, "clipped_text": [...],
   "mid_word_breaks": [...], "screenshot": PATH, "dom": PATH}, ...]}

Exit status 0 when the page loaded (whatever it holds), 1 when Chromium could not be driven.
"""

import argparse
import base64
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time

VIEWS = [
    {"name": "desktop", "width": 1280, "height": 2000, "mobile": False},
    {"name": "phone", "width": 390, "height": 844, "mobile": True},
]

# Runs in the page after load; returns the layout facts as one JSON-able object.
PAGE_FACTS = r"""
(() => {
  const root = document.documentElement;
  const clipped = [];
  let measured = 0;
  let unmeasured = 0;  // text with no width: no font to draw it, the clip check sees nothing
  for (const svg of document.querySelectorAll('svg')) {
    const box = svg.viewBox && svg.viewBox.baseVal;
    if (!box || box.width === 0) continue;
    for (const text of svg.querySelectorAll('text')) {
      const b = text.getBBox();
      if (text.textContent.trim() !== '') b.width > 0 ? ++measured : ++unmeasured;
      const slack = 0.5;
      if (b.x < box.x - slack || b.y < box.y - slack ||
          b.x + b.width > box.x + box.width + slack ||
          b.y + b.height > box.y + box.height + slack) {
        clipped.push({chart: svg.getAttribute('aria-label') || '', text: text.textContent,
                      x: b.x, width: b.width, view_width: box.width});
      }
    }
  }
  // A wrap inside a <code> is fine after / _ = and before a dot; anywhere else it cuts a word.
  const breaks = [];
  for (const code of document.querySelectorAll('code')) {
    const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
    let previous = null;
    let previousTop = null;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (let i = 0; i < node.data.length; ++i) {
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const rects = range.getClientRects();
        if (rects.length === 0) continue;
        const top = rects[0].top;
        const ch = node.data[i];
        if (previousTop !== null && top > previousTop + 1 &&
            !'/_='.includes(previous) && ch !== '.') {
          breaks.push({text: code.textContent, before: previous, after: ch});
        }
        previous = ch;
        previousTop = top;
      }
    }
  }
  return {scroll_width: root.scrollWidth, client_width: root.clientWidth,
          svg_text_measured: measured, svg_text_unmeasured: unmeasured,
          clipped_text: clipped, mid_word_breaks: breaks};
})()
"""


class Browser:
    """One Chromium process and its DevTools pipe."""

    def __init__(self, chromium, profile, log, deadline):
        to_browser_read, self._to_browser = os.pipe()
        self._from_browser, from_browser_write = os.pipe()

        def place_pipes():
            # fd 3: commands in, fd 4: replies out. dup first: a pipe may already sit on 3 or 4.
            commands, replies = os.dup(to_browser_read), os.dup(from_browser_write)
            os.dup2(commands, 3)
            os.dup2(replies, 4)

        self.process = subprocess.Popen(
            [chromium, "--headless=new", "--no-sandbox", "--disable-gpu",
             "--remote-debugging-pipe", "--user-data-dir=" + profile, "--no-first-run",
             "--no-default-browser-check", "--disable-extensions", "--hide-scrollbars",
             "--mute-audio", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log, close_fds=False,
            preexec_fn=place_pipes)
        os.close(to_browser_read)
        os.close(from_browser_write)
        self._buffer = b""
        self._next_id = 0
        self._deadline = deadline
        self.events = []

    def _read_message(self):
        while b"\0" not in self._buffer:
            left = self._deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("Chromium did not answer in time")
            ready, _, _ = select.select([self._from_browser], [], [], left)
            if not ready:
                continue
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                raise ConnectionError("Chromium closed the DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def wait_for(self, predicate):
        """Reads messages until one satisfies `predicate`; keeps the others as events."""
        while True:
            message = self._read_message()
            if predicate(message):
                return message
            self.events.append(message)

    def send(self, method, params=None, session=None):
        self._next_id += 1
        command = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            command["sessionId"] = session
        os.write(self._to_browser, json.dumps(command).encode() + b"\0")
        wanted = self._next_id
        reply = self.wait_for(lambda m: m.get("id") == wanted)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def close(self):
        try:
            self.send("Browser.close")
            self.process.wait(timeout=10)
        except Exception:  # the browser is gone or stuck; make sure it is gone
            self.process.kill()
            self.process.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)


def console_entries(events):
    entries = []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled":
            args = params.get("args", [])
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in args)
            entries.append({"source": "console", "level": params.get("type"), "text": text})
        elif method == "Log.entryAdded":
            entry = params.get("entry", {})
            entries.append({"source": entry.get("source"), "level": entry.get("level"),
                            "text": entry.get("text")})
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            text = details.get("exception", {}).get("description", details.get("text"))
            entries.append({"source": "exception", "level": "error", "text": text})
    return entries


def check_view(browser, session, url, view, out_dir):
    browser.events.clear()
    browser.send("Emulation.setDeviceMetricsOverride",
                 {"width": view["width"], "height": view["height"], "deviceScaleFactor": 1,
                  "mobile": view["mobile"]}, session)
    browser.send("Page.navigate", {"url": url}, session)
    browser.wait_for(lambda m: m.get("method") == "Page.loadEventFired")
    facts = browser.send("Runtime.evaluate", {"expression": PAGE_FACTS, "returnByValue": True},
                         session)["result"]["value"]
    dom = browser.send("Runtime.evaluate",
                       {"expression": "document.documentElement.outerHTML",
                        "returnByValue": True}, session)["result"]["value"]
    dom_path = os.path.join(out_dir, view["name"] + ".html")
    with open(dom_path, "w", encoding="utf-8") as f:
        f.write("<!DOCTYPE html>\n" + dom + "\n")
    size = browser.send("Page.getLayoutMetrics", {}, session)["cssContentSize"]
    shot = browser.send("Page.captureScreenshot",
                        {"format": "png", "captureBeyondViewport": True,
                         "clip": {"x": 0, "y": 0, "width": size["width"],
                                  "height": size["height"], "scale": 1}}, session)
    shot_path = os.path.join(out_dir, view["name"] + ".png")
    with open(shot_path, "wb") as f:
        f.write(base64.b64decode(shot["data"]))
    requests = [e["params"]["request"]["url"] for e in browser.events
                if e.get("method") == "Network.requestWillBeSent"]
    result = dict(view)
    result.update(facts)
    result.update({"requests": requests, "console": console_entries(browser.events),
                   "screenshot": shot_path, "dom": dom_path})
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chromium", required=True)
    parser.add_argument("--page", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--timeout", type=float, default=90)
    args = parser.parse_args()

    os.makedirs(args.out, exist_ok=True)
    url = "file://" + os.path.abspath(args.page)
    profile = tempfile.mkdtemp(prefix="chromium-profile-", dir=args.out)
    deadline = time.monotonic() + args.timeout
    with open(os.path.join(args.out, "chromium.log"), "wb") as log:
        browser = Browser(args.chromium, profile, log, deadline)
        try:
            version = browser.send("Browser.getVersion")
            target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
            session = browser.send("Target.attachToTarget",
                                   {"targetId": target, "flatten": True})["sessionId"]
            for domain in ("Page", "Network", "Runtime", "Log"):
                browser.send(domain + ".enable", {}, session)
            views = [check_view(browser, session, url, view, args.out) for view in VIEWS]
        except (OSError, RuntimeError, TimeoutError, ConnectionError, KeyError) as error:
            print(f"page_check: {error} (see {args.out}/chromium.log)", file=sys.stderr)
            return 1
        finally:
            browser.close()
            shutil.rmtree(profile, ignore_errors=True)
    json.dump({"browser": version.get("product"), "url": url, "views": views}, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
