"""Shared by dojo serve's tests: start and stop `dojo serve` on a free loopback port, add tenants,
and make requests that return (status, parsed JSON or bytes)."""
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def add_tenant(dojo, state, name, *quota):
    out = subprocess.run([dojo, "serve", "--state", state, "tenant", "add", name, *quota],
                         capture_output=True, text=True, check=True)
    token = out.stdout.strip()
    if len(token) != 64:
        fail(f"tenant add printed {out.stdout!r}")
    return token


class Server:
    def __init__(self, dojo, state, args=(), env=None):
        self.dojo, self.state, self.args, self.env = dojo, state, list(args), env
        self.port = free_port()
        self.proc = None
        self.log_path = os.path.join(state, "..", os.path.basename(state) + "-server.log")

    def start(self):
        log = open(self.log_path, "a")
        self.proc = subprocess.Popen(
            [self.dojo, "serve", "--state", self.state, "--port", str(self.port), *self.args],
            stdout=log, stderr=subprocess.STDOUT, env=self.env)
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.proc.poll() is not None:
                fail("dojo serve exited: " + open(self.log_path).read())
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.1)
        fail("dojo serve did not listen within 20 s")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                fail("dojo serve did not stop on SIGTERM within 20 s")
        self.proc = None

    def request(self, method, path, token=None, body=None, raw=None, headers=None):
        """(status, JSON body or raw bytes) of one request; `body` is sent as JSON."""
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data,
                                     method=method)
        if token is not None:
            req.add_header("Authorization", "Bearer " + token)
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        if body is not None:
            req.add_header("Content-Type", "application/json")
        elif raw is not None and "Content-Type" not in (headers or {}):
            req.add_header("Content-Type", "application/octet-stream")
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                status, payload, ctype = r.status, r.read(), r.headers.get("Content-Type", "")
        except urllib.error.HTTPError as e:
            status, payload, ctype = e.code, e.read(), e.headers.get("Content-Type", "")
        if ctype.startswith("application/json"):
            return status, json.loads(payload)
        return status, payload
