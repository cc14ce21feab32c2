#!/usr/bin/env python3
"""The web page of dojo serve in a real headless browser (Debian's Chromium, driven over the
DevTools protocol): a token entered in the page lists the tenant's jobs; the selected job's loss
curve grows as its metrics.jsonl grows; its log tail shows; the cancel button cancels it (the
stand-in scancel is called for that job only, and the page shows it stopping). A screenshot is
kept as BUILD/test/service/browser/page.png. Slurm is replaced by stand-in commands as in
api_security.py. Skipped (77) when chromium is not installed.
Usage: browser.py DOJO SOURCE_DIR WORK_DIR"""
import base64
import json
import os
import shutil
import socket
import stat
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_lib import Server, add_tenant, fail  # noqa: E402

dojo, source_dir, work = sys.argv[1:4]
chromium = shutil.which("chromium")
if not chromium:
    print("SKIP: no chromium (apt-get install chromium)")
    sys.exit(77)
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
state, fake, centre = (os.path.join(work, d) for d in ("state", "fake-slurm", "centre"))
os.makedirs(fake)
os.makedirs(centre)
open(os.path.join(centre, "fashion-mnist.h5"), "wb").write(b"stand-in")


def script(name, body):
    path = os.path.join(fake, name)
    open(path, "w").write("#!/bin/bash\nset -eu\nd=" + fake + "\n" + body)
    os.chmod(path, stat.S_IRWXU)


script("sbatch", 'n=$(($(cat $d/next 2>/dev/null || echo 200) + 1)); echo $n > $d/next\n'
       'for a in "$@"; do case $a in --job-name=*) echo "$n ${a#--job-name=}" >> $d/jobs;; '
       'esac; done\necho $n\n')
script("scontrol", 'touch $d/jobs\nwhile read -r id name; do echo "JobId=$id JobName=$name '
       'JobState=RUNNING Reason=None Restarts=0 ExitCode=0:0"; done < $d/jobs\n')
script("scancel", 'echo "$@" >> $d/scancelled\n')
script("sacct", 'exit 1\n')
env = dict(os.environ, PATH=fake + ":" + os.environ["PATH"])
token = add_tenant(dojo, state, "alice")
server = Server(dojo, state, ["--centre-data", centre, "--poll-seconds", "0.5"], env).start()


class DevTools:
    """Just enough of a WebSocket client (RFC 6455) for the DevTools protocol."""

    def __init__(self, url):
        host_port, path = url[len("ws://"):].split("/", 1)
        host, port = host_port.split(":")
        self.sock = socket.create_connection((host, int(port)), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET /{path} HTTP/1.1\r\nHost: {host_port}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                           "Sec-WebSocket-Version: 13\r\n\r\n").encode())
        reply = b""
        while b"\r\n\r\n" not in reply:
            reply += self.sock.recv(4096)
        if b" 101 " not in reply.split(b"\r\n")[0]:
            fail(f"DevTools refused the WebSocket: {reply[:200]!r}")
        self.buffer = reply.split(b"\r\n\r\n", 1)[1]
        self.next_id = 0

    def _read(self, n):
        while len(self.buffer) < n:
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                fail("DevTools closed the connection")
            self.buffer += chunk
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def _frame(self):
        b0, b1 = self._read(2)
        n = b1 & 127
        if n == 126:
            n = struct.unpack(">H", self._read(2))[0]
        elif n == 127:
            n = struct.unpack(">Q", self._read(8))[0]
        return b0 & 15, b0 & 128, self._read(n)

    def call(self, method, **params):
        self.next_id += 1
        payload = json.dumps({"id": self.next_id, "method": method, "params": params}).encode()
        mask = os.urandom(4)
        n = len(payload)
        head = bytes([0x81]) + (bytes([0x80 | n]) if n < 126 else
                                bytes([0x80 | 126]) + struct.pack(">H", n) if n < 65536 else
                                bytes([0x80 | 127]) + struct.pack(">Q", n))
        self.sock.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))
        while True:
            message = b""
            while True:
                opcode, fin, data = self._frame()
                message += data
                if fin:
                    break
            reply = json.loads(message)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    fail(f"DevTools {method}: {reply['error']}")
                return reply["result"]

    def eval(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True,
                           awaitPromise=True)
        if "exceptionDetails" in result:
            fail(f"page script {expression!r} threw: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression, what, seconds=20):
        deadline = time.time() + seconds
        while time.time() < deadline:
            value = self.eval(expression)
            if value:
                return value
            time.sleep(0.2)
        fail(f"the page did not {what} within {seconds} s")


def request(path, body=None):
    s, b = server.request("POST" if body else "GET", path, token, body)
    if s >= 300:
        fail(f"{path}: {s} {b}")
    return b


profile = tempfile.mkdtemp(prefix="dojo-chromium-")
browser = None
try:
    jobs = {}
    for name in ("first", "second"):
        jobs[name] = request("/api/jobs", {"name": name, "dataset": "centre:fashion-mnist",
                                           "config": "steps = 100\n", "ntasks": 1,
                                           "time_minutes": 5})
    run = os.path.join(state, "tenants", "alice", "jobs", "first")
    os.makedirs(os.path.join(run, "run"), exist_ok=True)
    metrics = os.path.join(run, "run", "metrics.jsonl")

    def add_steps(first, last):
        with open(metrics, "a") as f:
            for step in range(first, last + 1):
                f.write(json.dumps({"step": step, "loss": 2.5 / step, "samples_per_s": 1000.0})
                        + "\n")

    add_steps(1, 3)
    open(os.path.join(run, "slurm.out"), "w").write("dojo job 201 run 1: hello from the log\n")

    browser = subprocess.Popen(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--disable-dev-shm-usage", f"--user-data-dir={profile}",
         "--remote-debugging-port=0", "--window-size=1100,1000", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 30
    port = None
    while time.time() < deadline and port is None:
        line = browser.stderr.readline()
        if not line and browser.poll() is not None:
            fail("chromium exited before it listened")
        if "DevTools listening on ws://" in line:
            port = int(line.split("ws://")[1].split("/")[0].split(":")[1])
    if port is None:
        fail("chromium did not start its DevTools listener within 30 s")
    targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list"))
    page = next(t for t in targets if t["type"] == "page")
    tab = DevTools(page["webSocketDebuggerUrl"])
    tab.call("Page.enable")
    tab.call("Page.navigate", url=f"http://127.0.0.1:{server.port}/")
    tab.wait_for("document.readyState === 'complete' && !!document.getElementById('token')",
                 "load")

    # The token, typed into the page: the tenant's two jobs are listed.
    tab.eval(f"document.getElementById('token').value = {json.dumps(token)};"
             "document.getElementById('connect').click(); true")
    tab.wait_for("document.getElementById('who').textContent === 'tenant alice'",
                 "show the tenant")
    names = tab.wait_for("(() => { const r = [...document.querySelectorAll('#jobs tbody tr')]"
                         ".map(r => r.dataset.job); return r.length === 2 ? r : null; })()",
                         "list two jobs")
    if sorted(names) != ["first", "second"]:
        fail(f"the page lists {names}")

    # The curve has the three steps, then grows to six as the metrics do.
    tab.eval("document.querySelector('#jobs tbody tr[data-job=first]').click(); true")
    tab.wait_for("document.getElementById('curve').dataset.points === '3'", "draw 3 points")
    add_steps(4, 6)
    tab.wait_for("document.getElementById('curve').dataset.points === '6'",
                 "update the curve to 6 points")
    points = tab.eval("document.getElementById('curve-line').getAttribute('points')")
    if len(points.split()) != 6:
        fail(f"the polyline has {points!r}")
    tab.wait_for("document.getElementById('log').textContent.includes('hello from the log')",
                 "show the log tail")

    # Cancel: the stand-in scancel gets the first job's id only; the page shows it stopping.
    tab.eval("document.getElementById('cancel').click(); true")
    tab.wait_for("[...document.querySelectorAll('#jobs tbody tr[data-job=first] td')]"
                 ".some(td => td.textContent === 'stopping')", "show the job stopping")
    cancelled = open(os.path.join(fake, "scancelled")).read().split()
    if cancelled != [str(jobs["first"]["slurm_job_id"])]:
        fail(f"scancel got {cancelled}, expected {jobs['first']['slurm_job_id']} only")
    shot = tab.call("Page.captureScreenshot", format="png")
    png = os.path.join(work, "page.png")
    open(png, "wb").write(base64.b64decode(shot["data"]))
    print(f"PASS: the page listed 2 jobs, drew 3 then 6 points, showed the log, cancelled; "
          f"screenshot {png}")
finally:
    if browser:
        browser.terminate()
        try:
            browser.wait(timeout=10)
        except subprocess.TimeoutExpired:
            browser.kill()
    server.stop()
    shutil.rmtree(profile, ignore_errors=True)
