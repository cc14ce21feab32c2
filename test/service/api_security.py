#!/usr/bin/env python3
"""dojo serve's API refuses what it must, against a running server on loopback: missing, wrong and
revoked tokens; tenant A on tenant B's jobs, logs, metrics, checkpoints and data sets (answered as
"does not exist", byte for byte); path traversal in every name; oversized bodies; malformed JSON
and TOML; configurations that name paths or commands; quotas. Each refusal is the right status and
a one-line JSON reason, and nothing of the other tenant changes. Slurm is replaced by stand-in
sbatch/scontrol/scancel/sacct programs on PATH (the end-to-end test uses the real one).
Usage: api_security.py DOJO SOURCE_DIR WORK_DIR"""
import json
import os
import shutil
import stat
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_lib import Server, add_tenant, fail  # noqa: E402

dojo, source_dir, work = sys.argv[1:4]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
state = os.path.join(work, "state")
fake = os.path.join(work, "fake-slurm")
os.makedirs(fake)
centre = os.path.join(work, "centre")
os.makedirs(centre)
open(os.path.join(centre, "fashion-mnist.h5"), "wb").write(b"stand-in")

# Stand-in Slurm: sbatch hands out ids and records its arguments; scontrol reports every job
# RUNNING; scancel records the ids it was given.
def script(name, body):
    path = os.path.join(fake, name)
    open(path, "w").write("#!/bin/bash\nset -eu\nd=" + fake + "\n" + body)
    os.chmod(path, stat.S_IRWXU)

script("sbatch", 'for a in "$@"; do [ "$a" != --ntasks=3 ] || { echo "sbatch: error: Batch job '
       'submission failed: Requested node configuration is not available" >&2; exit 1; }; done\n'
       'n=$(($(cat $d/next 2>/dev/null || echo 100) + 1)); echo $n > $d/next\n'
       'printf "%s\\n" "$@" > $d/args-$n\nfor a in "$@"; do case $a in --job-name=*) '
       'echo "$n ${a#--job-name=}" >> $d/jobs;; esac; done\necho $n\n')
script("scontrol", 'touch $d/jobs\nwhile read -r id name; do echo "JobId=$id JobName=$name '
       'JobState=RUNNING Reason=None Restarts=0 ExitCode=0:0"; done < $d/jobs\n')
script("scancel", 'echo "$@" >> $d/scancelled\n')
script("sacct", 'exit 1\n')
env = dict(os.environ, PATH=fake + ":" + os.environ["PATH"])

token_a = add_tenant(dojo, state, "alice", "--max-running", "2", "--max-ntasks", "4",
                     "--max-minutes", "30")
token_b = add_tenant(dojo, state, "bob")
token_c = add_tenant(dojo, state, "carol")
server = Server(dojo, state, ["--centre-data", centre, "--upload-max-mb", "1",
                              "--poll-seconds", "0.5"], env).start()
checks = 0


def expect(what, status, body, want_status, want_text=None):
    global checks
    checks += 1
    if status != want_status:
        fail(f"{what}: status {status}, expected {want_status}: {body}")
    if want_status >= 400:
        if not isinstance(body, dict) or set(body) != {"error"} or not isinstance(body["error"], str):
            fail(f"{what}: the refusal is not {{\"error\": ...}}: {body!r}")
        if "\n" in body["error"] or not body["error"]:
            fail(f"{what}: the reason is not one line: {body['error']!r}")
        if want_text and want_text not in body["error"]:
            fail(f"{what}: the reason {body['error']!r} does not say {want_text!r}")


def job_request(name, **extra):
    request = {"name": name, "config": "model = \"mlp\"\nhidden = [16]\nsteps = 5\n",
               "dataset": "centre:fashion-mnist", "ntasks": 2, "time_minutes": 5}
    request.update(extra)
    return request


try:
    s, body = server.request("GET", "/api/openapi.json")
    expect("the OpenAPI document", s, body, 200)
    if body.get("openapi", "").split(".")[0] != "3" or "/api/jobs" not in body["paths"]:
        fail("the OpenAPI document is not OpenAPI 3 with /api/jobs")

    # Tokens.
    for what, token, headers in [("no token", None, {}), ("wrong token", "0" * 64, {}),
                                 ("empty token", "", {}),
                                 ("Basic scheme", None, {"Authorization": "Basic " + token_a})]:
        s, body = server.request("GET", "/api/jobs", token, headers=headers)
        expect(what, s, body, 401)
    subprocess.run([dojo, "serve", "--state", state, "tenant", "revoke", "carol"], check=True,
                   capture_output=True)
    s, body = server.request("GET", "/api/jobs", token_c)
    expect("revoked token", s, body, 401, "revoked")
    s, body = server.request("GET", "/api/whoami", token_a)
    expect("whoami", s, body, 200)
    if body["tenant"] != "alice":
        fail(f"whoami answered {body}")

    # One job each.
    s, a1 = server.request("POST", "/api/jobs", token_a, job_request("a1"))
    expect("alice submits a1", s, a1, 201)
    s, b1 = server.request("POST", "/api/jobs", token_b, job_request("b1"))
    expect("bob submits b1", s, b1, 201)
    args = open(os.path.join(fake, f"args-{b1['slurm_job_id']}")).read().split("\n")
    if not any(a.startswith("--export=") and f"/tenants/bob/jobs/b1/run" in a for a in args):
        fail(f"bob's job does not write under bob's directory: {args}")
    # A checkpoint and a log in each job's directory, as a run would leave them.
    files = {}
    for tenant, job in [("alice", "a1"), ("bob", "b1")]:
        d = os.path.join(state, "tenants", tenant, "jobs", job)
        os.makedirs(os.path.join(d, "run", "checkpoints"), exist_ok=True)
        files[job] = os.urandom(1000)
        open(os.path.join(d, "run", "checkpoints", "step-00000005.h5"), "wb").write(files[job])
        open(os.path.join(d, "run", "checkpoints", "latest"), "w").write("step-00000005.h5\n")
        open(os.path.join(d, "slurm.out"), "w").write(f"log of {job}\n")
        open(os.path.join(d, "run", "metrics.jsonl"), "w").write('{"step": 1, "loss": 2.5}\n')
    s, body = server.request("GET", "/api/jobs/b1/checkpoints/step-00000005.h5", token_b)
    expect("bob downloads his checkpoint", s, body, 200)
    if body != files["b1"]:
        fail("bob's checkpoint download differs from the file")
    s, body = server.request("GET", "/api/jobs/b1/logs?offset=4", token_b)
    expect("bob reads his log from an offset", s, body, 200)
    if body["text"] != "of b1\n":
        fail(f"log from offset 4: {body}")

    # Alice on bob's things: exactly as on things that do not exist.
    _, missing = server.request("GET", "/api/jobs/nosuchjob", token_a)
    for method, path in [("GET", "/api/jobs/b1"), ("POST", "/api/jobs/b1/cancel"),
                         ("GET", "/api/jobs/b1/logs"), ("GET", "/api/jobs/b1/metrics"),
                         ("GET", "/api/jobs/b1/checkpoints"),
                         ("GET", "/api/jobs/b1/checkpoints/step-00000005.h5"),
                         ("GET", "/api/jobs/b1/model")]:
        s, body = server.request(method, path, token_a)
        expect(f"alice: {method} {path}", s, body, 404)
        s2, body2 = server.request(method, path.replace("b1", "nosuchjob"), token_a)
        if (s, body) != (s2, body2):
            fail(f"{method} {path}: bob's job answers {s} {body}, a missing one {s2} {body2}")
    s, body = server.request("GET", "/api/jobs", token_a)
    if [j["name"] for j in body["jobs"]] != ["a1"]:
        fail(f"alice's list shows {body}")

    # Path traversal in every name a request carries (httplib decodes %2F and %2e first).
    for path in ["/api/jobs/..", "/api/jobs/../jobs/a1", "/api/jobs/%2e%2e", "/api/jobs/a1%2f..",
                 "/api/jobs/..%2fbob%2fjobs%2fb1", "/api/jobs/%2e%2e%2f%2e%2e%2fbob/logs",
                 "/api/jobs/a1/checkpoints/..%2f..%2f..%2f..%2fservice.db",
                 "/api/jobs/a1/checkpoints/%2e%2e", "/api/jobs/a1/checkpoints/latest",
                 "/api/jobs/a1%00/logs", "/api/jobs/a1/checkpoints/step-1.h5%00.txt",
                 "/api/jobs/..%2f..%2fbob%2fjobs%2fb1/checkpoints/step-00000005.h5"]:
        s, body = server.request("GET", path, token_a)
        if s == 200:
            fail(f"alice: GET {path} answered 200: {body!r:.200}")
        if isinstance(body, dict):
            expect(f"alice: GET {path}", s, body, s)
        elif s not in (400, 404):
            fail(f"alice: GET {path} answered {s}")
        checks += 1
    for name in ["..", "../b1", "a/b", "a b", "a,DOJO_BIN=/bin/sh", "-rf", "a" * 65, "é"]:
        s, body = server.request("POST", "/api/jobs", token_a, job_request(name))
        expect(f"job name {name!r}", s, body, 400)
    for dataset in ["../../bob/datasets/x", "centre:../../etc/passwd", "/etc/passwd",
                    "centre:fashion-mnist/..", "mine"]:
        s, body = server.request("POST", "/api/jobs", token_a, job_request("x1", dataset=dataset))
        expect(f"data set {dataset!r}", s, body, 404, "no such data set")
    for name in ["..", "a%2fb", "%2e%2e%2fx"]:
        s, body = server.request("PUT", f"/api/datasets/{name}", token_a, raw=b"x")
        if s not in (400, 404):
            fail(f"upload as {name!r} answered {s}")
        expect(f"upload as {name!r}", s, body, s)

    # Bodies: too large, malformed JSON, wrong shapes, malformed TOML, paths and commands.
    s, body = server.request("POST", "/api/jobs", token_a, raw=b"{" + b" " * (2 << 20) + b"}",
                             headers={"Content-Type": "application/json"})
    expect("a 2 MiB job request", s, body, 413)
    s, body = server.request("PUT", "/api/datasets/big", token_a, raw=os.urandom(3 << 20))
    expect("a 3 MiB upload over a 1 MiB limit", s, body, 413)
    for what, raw in [("malformed JSON", b"{\"name\": "), ("a JSON array", b"[1, 2]"),
                      ("not JSON", b"name=x"), ("empty body", b"")]:
        s, body = server.request("POST", "/api/jobs", token_a, raw=raw,
                                 headers={"Content-Type": "application/json"})
        expect(what, s, body, 400)
    for what, request in [("no config", {"name": "x2", "dataset": "centre:fashion-mnist"}),
                          ("an unknown field", dict(job_request("x2"), script="#!/bin/sh")),
                          ("a string ntasks", job_request("x2", ntasks="2")),
                          ("negative ntasks", job_request("x2", ntasks=-1))]:
        s, body = server.request("POST", "/api/jobs", token_a, request)
        expect(what, s, body, 400)
    s, body = server.request("POST", "/api/jobs", token_a, job_request("x3", config="lr = = 1\n["))
    expect("malformed TOML", s, body, 400, "not valid TOML")
    for config in ['out = "/tmp/elsewhere"', 'out = "../../bob/jobs/b1/run"',
                   'data = "/srv/other.h5"', 'trace = "/etc/cron.d/x"',
                   'resume = "../../bob/jobs/b1/run/checkpoints/step-00000005.h5"',
                   'device = "/tmp/evil.so"', 'command = "rm -rf /"',
                   'model = "$(touch /tmp/owned)"', 'schedule = "1f1b; sh"', '[train]\nout = "/"']:
        s, body = server.request("POST", "/api/jobs", token_a, job_request("x4", config=config))
        expect(f"config {config!r}", s, body, 422)

    # Values dojo itself refuses: `dojo train --dry-run` checks them before sbatch sees the job.
    for config in ['lr = -1', 'model = "resnet"', 'hidden = [0]']:
        s, body = server.request("POST", "/api/jobs", token_a, job_request("x5", config=config))
        expect(f"config {config!r}", s, body, 422, "dojo train refuses")

    # sbatch refuses a job: its own error is the reason, and the job is recorded as failed.
    s, body = server.request("POST", "/api/jobs", token_a, job_request("refused", ntasks=3))
    if s != 502 or "Requested node configuration is not available" not in body.get("error", ""):
        fail(f"a job sbatch refuses answered {s} {body}")
    s, body = server.request("GET", "/api/jobs/refused", token_a)
    if body["state"] != "failed" or "sbatch refused the job: sbatch: error" not in body["reason"]:
        fail(f"a job sbatch refused reads {body}")
    checks += 2

    # Quotas: alice may run 2 jobs at once, 4 tasks, 1 node, 30 minutes.
    s, body = server.request("POST", "/api/jobs", token_a, job_request("a2"))
    expect("alice's second job", s, body, 201)
    s, body = server.request("POST", "/api/jobs", token_a, job_request("a3"))
    expect("alice's third job at once", s, body, 429, "quota")
    for what, request in [("99 tasks", job_request("a4", ntasks=99)),
                          ("2 nodes", job_request("a4", nodes=2)),
                          ("999 minutes", job_request("a4", time_minutes=999))]:
        s, body = server.request("POST", "/api/jobs", token_a, request)
        expect(what, s, body, 403, "quota")

    # Idempotency: the same request again is the same job; another request by that name is not.
    s, again = server.request("POST", "/api/jobs", token_a, job_request("a1"))
    expect("a retried submission", s, again, 200)
    if again["slurm_job_id"] != a1["slurm_job_id"]:
        fail("a retried submission made a second Slurm job")
    s, body = server.request("POST", "/api/jobs", token_a, job_request("a1", ntasks=4))
    expect("a different request under a taken name", s, body, 409)

    # Uploads: garbage is refused, a real dojo data set is kept and is alice's alone.
    s, body = server.request("PUT", "/api/datasets/junk", token_a, raw=b"not hdf5" * 100)
    expect("a junk upload", s, body, 422, "not a dojo data set")
    text = os.path.join(work, "text.txt")
    open(text, "w").write("the quick brown fox jumps over the lazy dog\n" * 400)
    h5 = os.path.join(work, "text.h5")
    env_mpi = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    subprocess.run([dojo, "data", "prepare", "text", "--in", text, "--out", h5], check=True,
                   capture_output=True, env=env_mpi)
    s, body = server.request("PUT", "/api/datasets/mytext", token_a, raw=open(h5, "rb").read())
    expect("a valid upload", s, body, 201)
    s, body = server.request("GET", "/api/datasets", token_b)
    if any(d["name"] == "mytext" for d in body["datasets"]):
        fail("bob sees alice's data set")
    s, body = server.request("POST", "/api/jobs", token_b, job_request("b2", dataset="mytext"))
    expect("bob names alice's data set", s, body, 404, "no such data set")

    # Nothing of bob's changed, and alice's cancel reaches only her job.
    s, body = server.request("POST", "/api/jobs/a1/cancel", token_a)
    expect("alice cancels a1", s, body, 202)
    if body["state"] != "stopping":
        fail(f"a cancelled running job is {body['state']}, not stopping")
    cancelled = open(os.path.join(fake, "scancelled")).read().split()
    if cancelled != [str(a1["slurm_job_id"])]:
        fail(f"scancel was called for {cancelled}, expected only {a1['slurm_job_id']}")
    s, body = server.request("GET", "/api/jobs/b1", token_b)
    if body["state"] != "running" or body["cancel_requested"]:
        fail(f"bob's job changed: {body}")
    s, body = server.request("GET", "/api/jobs/b1/checkpoints/step-00000005.h5", token_b)
    if body != files["b1"]:
        fail("bob's checkpoint changed")
    if os.listdir(os.path.join(state, "tenants", "bob", "jobs")) != ["b1"]:
        fail("something appeared in bob's directory")

    # A restart keeps everything.
    server.stop()
    server.start()
    s, body = server.request("GET", "/api/jobs", token_a)
    states = {j["name"]: (j["state"], j["slurm_job_id"]) for j in body["jobs"]}
    if states.get("a1", ("", 0))[0] != "stopping" or states["a2"][1] is None:
        fail(f"after a restart alice's jobs are {states}")
    s, body = server.request("GET", "/api/jobs/b1/logs", token_b)
    expect("bob after a restart", s, body, 200)
    print(f"PASS: {checks} checks of tokens, tenant isolation, traversal, bodies, configs, quotas")
finally:
    server.stop()
