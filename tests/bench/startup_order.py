#!/usr/bin/env python3
"""Writes guard/startup_order.txt: the functions a hook call runs, then the data
it touches, for lld's --symbol-ordering-file (guard/CMakeLists.txt), which places
them together.

A hook call is a fresh process that touches code all over a 15 MB static binary,
and every first touch of a page is a fault. Placed together, the same calls
touch fewer pages (a trivial call: 147 -> 107 faults, about a tenth of its time).
Data the same way: the zero-initialized and written data a call touches was
spread over 12 of .bss's 15 pages, each a fault of its own (anonymous memory has
no fault-around); valgrind's lackey lists what a call reads and writes there.

Usage: startup_order.py BUILD/dbguard OUT.txt   (make startup-order)
Runs the hook under valgrind's callgrind for a set of events that take the
hook's common paths, and lists every function called. valgrind's CPU has no
AVX-512, so runtime-dispatched variants (Hyperscan's fat runtime, glibc's string
functions) are listed under every variant's name. A stale list costs only
speed: functions missing from it are placed after the listed ones.
"""
import bisect
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile


def bash(command):
    return {"tool_name": "Bash", "tool_input": {"command": command, "description": "run"}}


EVENTS = [
    bash("ls"),
    bash("git status && npm test"),
    bash("cat access.log | grep -v healthz | awk '{print $1}' | sort | uniq -c | sort -rn | head -20 | tee top.txt"),
    bash("docker compose down -v"),
    bash("docker volume rm pgdata"),
    bash('psql -h localhost -U app -c "DELETE FROM users"'),
    bash('psql "$DATABASE_URL" -c "select count(*) from users"'),
    bash('psql postgres://app@prod-db.internal/app -c "select 1"'),
    bash("sudo bash -c 'rm -rf /var/lib/postgresql/data'"),
    bash("cat <<'EOF' | psql\nDROP TABLE users;\nEOF"),
    {"tool_name": "mcp__postgres__query", "tool_input": {"sql": "DROP TABLE users"}},
    {"tool_name": "Read", "tool_input": {"file_path": "/etc/hosts"}},
]
RAW = ["{not json", ""]

# Hyperscan's fat runtime prefixes, and glibc's string-function variants
# (__memcpy_avx_unaligned_erms, __strlen_evex, ...).
HS_VARIANTS = ["core2_", "corei7_", "avx2_", "avx512_", "avx512vbmi_"]
GLIBC_VARIANT = re.compile(r"_(avx|avx2|evex|avx512)(?=_|$)")
GLIBC_VARIANTS = ["avx", "avx2", "evex", "avx512"]
# Run by every process before main, unseen by callgrind (crtbegin.o's).
START_UP = ["frame_dummy", "register_tm_clones", "deregister_tm_clones", "__do_global_dtors_aux"]


def functions(binary, event, env):
    with tempfile.NamedTemporaryFile(suffix=".callgrind") as out:
        subprocess.run(["valgrind", "--tool=callgrind", "--demangle=no", "--callgrind-out-file=" + out.name,
                        binary, "hook"], input=event.encode(), env=env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=False)
        names, ids = set(), {}
        for line in open(out.name, encoding="utf-8", errors="replace"):
            m = re.match(r"c?fn=\((\d+)\)(?: (.*))?$", line.rstrip("\n"))
            if not m:
                continue
            if m.group(2):
                ids[m.group(1)] = m.group(2)
            name = re.sub(r"'\d+$", "", ids.get(m.group(1), ""))
            if name and not name.startswith("(") and not name.startswith("0x"):
                names.add(name)
        return names


# nm's letters for data: .bss, .data (and .data.rel.ro), .rodata.
DATA_TYPES = set("bBdDrR")


def data_symbols(binary):
    """(address, size, name) of the binary's data symbols, by address."""
    out = []
    nm = subprocess.run(["nm", "-S", "--defined-only", binary], capture_output=True, text=True, check=True).stdout
    for line in nm.splitlines():
        f = line.split()
        if len(f) == 4 and f[2] in DATA_TYPES and int(f[1], 16) > 0:
            out.append((int(f[0], 16), int(f[1], 16), f[3]))
    return sorted(out)


def data_touched(binary, symbols, event, env):
    """The data symbols a hook call reads or writes (lackey's trace of every access)."""
    starts = [s[0] for s in symbols]
    lo, hi = symbols[0][0], symbols[-1][0] + symbols[-1][1]
    names = set()
    with tempfile.NamedTemporaryFile(suffix=".lackey") as out:
        subprocess.run(["valgrind", "--tool=lackey", "--trace-mem=yes", "--log-file=" + out.name, binary, "hook"],
                       input=event.encode(), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=False)
        for line in open(out.name, encoding="utf-8", errors="replace"):
            # " L 0401a2c8,8", " S …", " M …" (instruction fetches start with "I")
            if len(line) < 4 or line[0] != " " or line[1] not in "LSM":
                continue
            addr = int(line[3:line.index(",")], 16)
            if not lo <= addr < hi:
                continue
            i = bisect.bisect_right(starts, addr) - 1
            if i >= 0 and addr < symbols[i][0] + symbols[i][1]:
                names.add(symbols[i][2])
    return names


def with_variants(names):
    out = set(names)
    for n in names:
        for p in HS_VARIANTS:
            if n.startswith(p):
                out.update(q + n[len(p):] for q in HS_VARIANTS)
        if n.startswith("__") and GLIBC_VARIANT.search(n):
            out.update(GLIBC_VARIANT.sub("_" + w, n, count=1) for w in GLIBC_VARIANTS)
    return out


def grouped(per_event, expand=lambda names: names):
    """The placement order. lld lays the symbols out in the file's order, and a
    call faults once per page it touches (per 64 KB window of code: the kernel
    maps file pages around a fault): what every call touches comes first, then
    what an everyday allowed command adds (EVENTS[0], the common case), then the
    rest, the most shared first. Within a group, by name (variants of one
    function together). `expand` adds the names dispatched variants go by."""
    every = expand(set.intersection(*per_event))
    everyday = expand(per_event[0]) - every
    count = {}
    for names in per_event:
        for n in expand(names):
            count[n] = count.get(n, 0) + 1
    rest = sorted((n for n in count if n not in every and n not in everyday), key=lambda n: (-count[n], n))
    return sorted(every) + sorted(everyday) + rest


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: startup_order.py BUILD/dbguard OUT.txt")
    binary, out_path = sys.argv[1], sys.argv[2]
    if not shutil.which("valgrind"):
        sys.exit("startup_order.py: needs valgrind (apt-get install valgrind)")
    with tempfile.TemporaryDirectory() as home:
        # XDG_* unset, as on most machines: the paths are then found from HOME.
        env = dict(os.environ, HOME=home, DBGUARD_TIME_BUDGET_MS="5000")
        for name in ("DBGUARD_AUDIT_LOG", "XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
            env.pop(name, None)
        symbols = data_symbols(binary)
        inputs = [json.dumps(dict(e, hook_event_name="PreToolUse", cwd=home, session_id="s", tool_use_id="t"))
                  for e in EVENTS] + RAW
        per_event = [functions(binary, i, env) for i in inputs]
        data_per_event = [data_touched(binary, symbols, i, env) for i in inputs]
    names = set().union(*per_event)
    if len(names) < 100:
        sys.exit("startup_order.py: callgrind saw only %d functions; is %s a dbguard binary?" % (len(names), binary))
    data = set().union(*data_per_event)
    if len(data) < 50:
        sys.exit("startup_order.py: lackey saw only %d data symbols touched in %s" % (len(data), binary))
    # Data after code: the names are distinct, and lld places each in its own section.
    with open(out_path, "w") as f:
        f.write("\n".join(START_UP + grouped(per_event, with_variants) + grouped(data_per_event)) + "\n")
    print("startup_order.py: %d functions, %d data symbols -> %s" % (len(names), len(data), out_path))


if __name__ == "__main__":
    main()
