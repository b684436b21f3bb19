#!/usr/bin/env python3
"""Drives the main pages of a running release build with wrk and reports, for each page,
requests per second, p50 and p99 latency, timeouts, and the server's CPU time per request
(the process's user + system time over the run divided by the requests it answered).

    scripts/bench-pages.py [--bin target/release/maillage] [--firms 20000] [--connections 32]
                           [--seconds 10] [--record BENCHMARKS.md]

It generates the demo data into a scratch directory (or reuses `--data DIR`), starts the
server on a free port, and varies what it asks within each page (territories, queries,
organisations, list pages), so a cache of one address cannot answer for the page. Requests
carry `Accept-Encoding: br, gzip`, as browsers send it. Needs wrk (Debian: `apt-get install
wrk`).
"""

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date

QUERIES = [
    "usinage titane",
    "soudure inox",
    "chaudronnerie aéronautique",
    "injection plastique automobile",
    "décolletage",
    "traitement de surface",
    "fonderie aluminium",
    "impression 3D métal",
    "câblage électronique",
    "machining aerospace",
    "emballage carton",
    "mécanique de précision",
]

TICKS = os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # Fields 14 and 15 of the whole line: utime and stime, in clock ticks.
    return (int(fields[11]) + int(fields[12])) / TICKS


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def get_json(base, path):
    with urllib.request.urlopen(base + path, timeout=30) as r:
        return json.load(r)


def wait_ready(base, proc, seconds=120):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            sys.exit(f"the server stopped (exit {proc.returncode}); see its log")
        try:
            urllib.request.urlopen(base + "/api/v1/territories", timeout=2).read()
            return
        except OSError:
            time.sleep(0.5)
    sys.exit("the server did not answer within two minutes")


def lua_for(paths):
    quoted = ",\n  ".join(json.dumps(p) for p in paths)
    return f"""
paths = {{
  {quoted}
}}
i = 0
wrk.headers["Accept-Encoding"] = "br, gzip"
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
"""


def ms(text):
    """wrk's latency ("812.00us", "3.21ms", "1.02s") in milliseconds."""
    m = re.match(r"([\d.]+)(us|ms|s)", text)
    if not m:
        return float("nan")
    value, unit = float(m.group(1)), m.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def run_wrk(base, paths, connections, seconds, workdir):
    script = os.path.join(workdir, "paths.lua")
    with open(script, "w") as f:
        f.write(lua_for(paths))
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "2s", "--latency",
         "-s", script, base],
        capture_output=True, text=True, check=True,
    ).stdout
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    # The latency distribution's lines, not the "+/- Stdev" percentages above them.
    p50 = ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    timeouts = re.search(r"timeout (\d+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "requests": requests,
        "rps": rps,
        "p50": p50,
        "p99": p99,
        "timeouts": int(timeouts.group(1)) if timeouts else 0,
        "errors": int(non2xx.group(1)) if non2xx else 0,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", default="target/release/maillage")
    ap.add_argument("--site-root", default="target/site")
    ap.add_argument("--firms", type=int, default=20000)
    ap.add_argument("--data", help="reuse this data directory (made if missing)")
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--record", help="append the results to this Markdown file")
    args = ap.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk")
    workdir = tempfile.mkdtemp(prefix="maillage-bench-pages-")
    data = args.data or os.path.join(workdir, "data")
    print(f"==> demo data: {args.firms} firms in {data}", flush=True)
    subprocess.run([args.bin, "--data-dir", data, "demo", "--firms", str(args.firms),
                    "--seed", "1", "--if-empty"], check=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(os.path.join(workdir, "server.log"), "w")
    env = dict(os.environ, RUST_LOG="warn")
    proc = subprocess.Popen([args.bin, "--data-dir", data, "--site-root", args.site_root,
                             "--addr", f"127.0.0.1:{port}"], stdout=log, stderr=log, env=env)
    try:
        print(f"==> server on {base} (pid {proc.pid}); waiting for it", flush=True)
        wait_ready(base, proc)
        # Let the first indexing of the demo data finish before measuring.
        time.sleep(5)
        idle = rss_mib(proc.pid)
        territories = [t["id"] for t in get_json(base, "/api/v1/territories")[:40]]
        orgs = get_json(base, "/api/v1/organisations?kind=firm&per_page=100")["items"]
        org_ids = [o["id"] for o in orgs]
        pages = [
            ("/", ["/", "/?x=1", "/?x=2"]),
            ("/territoires", ["/territoires", "/territoires?q=vallee", "/territoires?region=84"]),
            ("/territoires/{id}", [f"/territoires/{t}" for t in territories]),
            ("/recherche?q=...", ["/recherche?q=" + urllib.request.quote(q) for q in QUERIES]),
            ("/simplification", ["/simplification", "/simplification?page=2",
                                 "/simplification?theme=land"]),
            ("/annonces", ["/annonces", "/annonces?kind=supplier", "/annonces?q=usinage"]),
            ("/organisations/{id}", [f"/organisations/{i}" for i in org_ids]),
        ]
        rows = []
        for name, paths in pages:
            before_cpu = cpu_seconds(proc.pid)
            r = run_wrk(base, paths, args.connections, args.seconds, workdir)
            cpu = cpu_seconds(proc.pid) - before_cpu
            r["cpu_ms"] = 1000 * cpu / max(r["requests"], 1)
            r["name"] = name
            rows.append(r)
            print(f"{name:22} {r['rps']:8.0f} req/s  p50 {r['p50']:7.1f} ms  p99 {r['p99']:7.1f} ms"
                  f"  CPU {r['cpu_ms']:6.2f} ms/req  timeouts {r['timeouts']}  non-2xx {r['errors']}",
                  flush=True)
        after = rss_mib(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    table = [
        f"### Pages, {args.firms} firms, {args.connections} connections, {args.seconds} s each, "
        f"{date.today().isoformat()}",
        "",
        f"`scripts/bench-pages.py --firms {args.firms} --connections {args.connections} "
        f"--seconds {args.seconds}`; RSS {idle:.0f} MiB idle, {after:.0f} MiB after the runs.",
        "",
        "| page | req/s | p50 ms | p99 ms | server CPU ms/request | timeouts | non-2xx |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        table.append(f"| `{r['name']}` | {r['rps']:.0f} | {r['p50']:.1f} | {r['p99']:.1f} | "
                     f"{r['cpu_ms']:.2f} | {r['timeouts']} | {r['errors']} |")
    text = "\n".join(table) + "\n"
    print()
    print(text)
    if args.record:
        with open(args.record, "a") as f:
            f.write("\n" + text)
        print(f"recorded in {args.record}")
    if not args.data:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
