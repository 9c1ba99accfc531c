#!/usr/bin/env python3
"""Writes the committed seed corpus (tests/fuzz/corpus/<target>/) from the
labelled command corpus and the pattern packs. Re-run after large corpus changes;
the seeds are committed so `make test` needs no Python."""
import glob, hashlib, json, os, tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

def write(target, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    name = hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)

commands = []
for path in sorted(glob.glob(os.path.join(ROOT, "tests", "corpus", "*.toml"))):
    cases = tomllib.load(open(path, "rb")).get("case", [])
    commands += [c["command"] for c in cases[::6] if "command" in c]  # every sixth case of each file (Bash ones)

def event(tool, tool_input):
    return json.dumps({"session_id": "fuzz", "cwd": "/tmp", "hook_event_name": "PreToolUse",
                       "tool_name": tool, "tool_input": tool_input})

for c in commands:
    write("shell_parser", c)
    write("hook_input", event("Bash", {"command": c}))
for extra in ["((((((((", "$($($($(", "echo `echo \\`echo x\\``", "cat <<EOF\n$(dropdb x)\nEOF\n",
              "a | b | c | d | e", "f() { f | f & }; f", "case $x in a) ;; esac", "bash -c \"bash -c 'psql -c \\\"DROP TABLE t\\\"'\"",
              "echo $'\\x00\\xff'", "x=(a b c); ${x[@]:-$(rm -rf /)}"]:
    write("shell_parser", extra)
for raw in ["", "{}", "[]", "null", '{"tool_name":"Bash"}', '{"tool_name":"Bash","tool_input":{"command":1}}',
            '{"tool_name":"Bash","tool_input":{"command":"ls"', '{"tool_name":"Bash","tool_input":{"command":"ls\\u0000rm"}}',
            event("mcp__postgres__query", {"sql": "DROP TABLE users"}),
            event("mcp__db__execute", {"query": "DELETE FROM t", "statements": "TRUNCATE x"}),
            event("Write", {"file_path": "/tmp/x", "content": "DROP TABLE x"})]:
    write("hook_input", raw)

for s in ["SELECT 1", "DROP TABLE users", "DELETE FROM t", "UPDATE t SET a = 1 WHERE 1 = 1",
          "ALTER TABLE t DROP COLUMN c", "TRUNCATE a, b CASCADE", "DROP OWNED BY app",
          "WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d",
          "DO $$ BEGIN EXECUTE 'DROP TABLE x'; DELETE FROM y; END $$",
          "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN TRUNCATE t; END $$",
          "SELECT 'DROP TABLE x' -- DROP TABLE y", "/* DROP TABLE z */ SELECT 2",
          "BEGIN; DROP SCHEMA s CASCADE; COMMIT;", "DROP TABLE IF EXISTS \"weird\"\"name\"",
          "this is not sql; DROP DATABASE prod", "INSERT INTO t VALUES (1, 'a'), (2, 'b')"]:
    write("sql", s)

for path in sorted(glob.glob(os.path.join(ROOT, "patterns", "*.toml"))):
    data = open(path, "rb").read()
    if len(data) <= 16384:
        write("pack_loader", data)
write("pack_loader", b'[pack]\nid = "x"\n[[rule]]\nid = "x.y"\ndescription = "d"\nseverity = "deny"\npatterns = ["^rm{args}"]\n')
# Audit log tails: records as the hook writes them, a head line, and the ways a
# file ends (torn line, no final newline, a forged or nested seq).
record = '{"alg":"sha256","command":"ls","decision":"allow","hash":"%s","prev":"%s","seq":%d,"tool":"Bash"}'
lines = [record % ("a" * 64, "0" * 64, 1), record % ("b" * 64, "a" * 64, 2)]
for tail in ["\n".join(lines) + "\n", "\n".join(lines), "\n".join(lines) + "\n" + lines[1][:40],
             '{"seq":7,"hash":"h","mac":"m"}\n', '{"seq":-1,"hash":"x"}\n{"seq":1.0,"hash":"y"}\n',
             '{"tool_input":{"seq":9,"hash":"inner"},"seq":3,"hash":"outer"}\n',
             '{"seq":7,"seq":"8","hash":"a"}\n{"hash":"\\ud83d\\ude00","seq":18446744073709551615}\n']:
    write("audit_tail", tail)
print("seeds written")
