#!/usr/bin/env python3
"""dojo serve end to end on the local Slurm cluster (slurm/local-cluster start):
 1. two tenants each submit a small MLP job through the API, watch it to completion, download the
    final model and check it with `dojo checkpoint inspect`;
 2. a job cancelled through the API goes stopping -> cancelled with a checkpoint that verifies;
 3. a job preempted with `scancel --signal=USR1` is seen requeued, then completed;
 4. the service is stopped while a job runs and started again after the job ended: the job is
    there, completed, with its final model.
Skipped (77) without a cluster, except under CI=true. Usage: end_to_end.py DOJO SOURCE_DIR WORK"""
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_lib import Server, add_tenant, fail  # noqa: E402

dojo, source_dir, work = sys.argv[1:4]
os.environ.setdefault("SLURM_CONF", os.environ.get("DOJO_SLURM_DIR", "/tmp/dojo-slurm") +
                      "/etc/slurm.conf")


def cluster_answers():
    try:
        return all(subprocess.run(c, capture_output=True, timeout=10).returncode == 0
                   for c in (["scontrol", "ping"], ["sinfo", "-h"]))
    except (OSError, subprocess.TimeoutExpired):
        return False


if not cluster_answers():
    if os.environ.get("CI") == "true":
        fail("no Slurm cluster answers; CI must start one with slurm/local-cluster start")
    print("SKIP: no Slurm cluster answers; start one with slurm/local-cluster start")
    sys.exit(77)

shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
state = os.path.join(work, "state")
centre = os.path.join(work, "centre")
os.makedirs(centre)
mpi_env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
shared = os.path.join(os.path.dirname(work), "fashion-mnist.h5")
if not os.path.exists(shared):
    subprocess.run([dojo, "data", "prepare", "fashion-mnist", "--out", shared + ".tmp"],
                   check=True, capture_output=True, env=mpi_env)
    os.replace(shared + ".tmp", shared)
os.symlink(shared, os.path.join(centre, "fashion-mnist.h5"))

token = {t: add_tenant(dojo, state, t, "--max-running", "2", "--max-ntasks", "2")
         for t in ("alice", "bob")}
server_args = ["--centre-data", centre, "--poll-seconds", "0.5"]
slurm_ids = []


def config(steps):
    return (f'model = "mlp"\nhidden = [32]\nglobal-batch = 64\nsteps = {steps}\n'
            'eval-batches = 2\nlog-interval = 5\nseed = 3\n')


def submit(server, tenant, name, steps):
    s, job = server.request("POST", "/api/jobs", token[tenant],
                            {"name": name, "config": config(steps),
                             "dataset": "centre:fashion-mnist", "ntasks": 2, "time_minutes": 5})
    if s != 201:
        fail(f"{tenant} submitting {name}: {s} {job}")
    slurm_ids.append(job["slurm_job_id"])
    return job


def job(server, tenant, name):
    s, body = server.request("GET", f"/api/jobs/{name}", token[tenant])
    if s != 200:
        fail(f"GET {name}: {s} {body}")
    return body


def show_log(server, tenant, name):
    s, body = server.request("GET", f"/api/jobs/{name}/logs", token[tenant])
    print(f"--- log of {tenant}/{name}:\n{body.get('text', body)}---")


def watch(server, tenant, name, until, seconds, seen=None):
    """Polls the job until `until(job)`; records every state seen; fails on a wrong end."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        j = job(server, tenant, name)
        if seen is not None and (not seen or seen[-1] != j["state"]):
            seen.append(j["state"])
        if until(j):
            return j
        if j["state"] in ("completed", "failed", "cancelled"):
            show_log(server, tenant, name)
            fail(f"{tenant}/{name} ended {j['state']} ({j['reason']}) before the expected point")
        time.sleep(0.3)
    show_log(server, tenant, name)
    fail(f"{tenant}/{name}: not within {seconds} s: {job(server, tenant, name)}")


def inspect_download(server, tenant, path, into):
    s, data = server.request("GET", path, token[tenant])
    if s != 200 or not isinstance(data, bytes):
        fail(f"{tenant}: GET {path}: {s} {data!r:.200}")
    open(into, "wb").write(data)
    out = subprocess.run([dojo, "checkpoint", "inspect", into], capture_output=True, text=True,
                         env=mpi_env)
    if out.returncode != 0:
        fail(f"dojo checkpoint inspect {into} ({path}) failed: {out.stdout}{out.stderr}")
    return out.stdout


try:
    # 2 and 3: jobs that hold after step 20 until a signal (the trainer's test hook), so neither
    # the cancel nor the preemption can come after the end. The service passes its environment on.
    held = Server(dojo, state, server_args, dict(os.environ, DOJO_TEST_HOLD_AFTER_STEP="20"))
    held.start()
    submit(held, "alice", "cancelme", 200)
    pre = submit(held, "bob", "preemptme", 200)
    at_step_20 = lambda j: (j["progress"]["step"] or 0) >= 20
    watch(held, "alice", "cancelme", at_step_20, 120)
    s, body = held.request("POST", "/api/jobs/cancelme/cancel", token["alice"])
    if s != 202 or body["state"] != "stopping":
        fail(f"cancel answered {s} {body}")
    watch(held, "bob", "preemptme", at_step_20, 120)
    subprocess.run(["scancel", "--signal=USR1", str(pre["slurm_job_id"])], check=True)
    end = watch(held, "alice", "cancelme", lambda j: j["state"] == "cancelled", 120)
    s, cps = held.request("GET", "/api/jobs/cancelme/checkpoints", token["alice"])
    if s != 200 or not cps["latest"]:
        fail(f"a cancelled job has no checkpoint: {cps}")
    inspect_download(held, "alice", f"/api/jobs/cancelme/checkpoints/{cps['latest']}",
                     os.path.join(work, "cancelled.h5"))
    print(f"cancelled through the API at step {end['progress']['step']}: {cps['latest']} verifies")
    seen = []
    end = watch(held, "bob", "preemptme", lambda j: j["state"] == "completed", 180, seen)
    if "requeued" not in seen or end["restarts"] < 1:
        fail(f"the preempted job went {seen} with {end['restarts']} restarts; expected requeued")
    print(f"preempted job went {' -> '.join(seen)}, restarts {end['restarts']}")
    held.stop()

    # 1: two tenants, two small jobs, watched to completion, final models verified.
    server = Server(dojo, state, server_args).start()
    submit(server, "alice", "small", 40)
    submit(server, "bob", "small", 40)
    for tenant in ("alice", "bob"):
        end = watch(server, tenant, "small", lambda j: j["state"] == "completed", 180)
        if end["progress"]["step"] != 40 or not isinstance(end["progress"]["loss"], float):
            fail(f"{tenant}/small completed with progress {end['progress']}")
        s, metrics = server.request("GET", "/api/jobs/small/metrics", token[tenant])
        if not any(r.get("step") == 40 and "loss" in r for r in metrics["records"]):
            fail(f"{tenant}/small metrics lack step 40")
        info = inspect_download(server, tenant, "/api/jobs/small/model",
                                os.path.join(work, f"{tenant}-final.h5"))
        print(f"{tenant}/small completed, loss {end['progress']['loss']:.4f}; final model "
              f"verifies ({info.strip().splitlines()[0] if info.strip() else ''})")

    # 4: the service stops while a job runs and comes back after the job ended.
    restart_steps = 5000  # some seconds of training: it is still running when the service stops
    submit(server, "bob", "restart", restart_steps)
    slurm_id = watch(server, "bob", "restart", lambda j: j["state"] == "running", 120)[
        "slurm_job_id"]
    server.stop()
    deadline = time.time() + 180
    while time.time() < deadline:
        out = subprocess.run(["scontrol", "show", "job", "-o", str(slurm_id)],
                             capture_output=True, text=True).stdout
        if "JobState=COMPLETED" in out or "JobState=FAILED" in out or not out:
            break
        time.sleep(1)
    server.start()
    end = job(server, "bob", "restart")
    if end["state"] != "completed" or end["progress"]["step"] != restart_steps:
        fail(f"after a restart the job is {end['state']} at step {end['progress']['step']}")
    inspect_download(server, "bob", "/api/jobs/restart/model", os.path.join(work, "restart.h5"))
    print("the job that ended while the service was down is completed after its restart")
    print("PASS: service end to end on Slurm")
finally:
    for s in (locals().get("held"), locals().get("server")):
        if s:
            s.stop()
    for jid in slurm_ids:
        subprocess.run(["scancel", "--quiet", str(jid)], capture_output=True)
