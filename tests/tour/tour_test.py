#!/usr/bin/env python3
"""The README's 60-second tour, run headless and compared with the README.

Between <!-- tour --> and <!-- /tour --> the README has files (a ```yaml block right after a
line naming it: `rtksync.yaml`, `meetings/team.yaml`) and ```console blocks of `$ command`
lines, each followed by its standard output. This script writes the files into a temporary
directory, starts rtksync-emulator on a free port, runs every command there (`rtksync` is the
binary under test, first on PATH), and fails on the first output that differs from the README's.

  tour_test.py RTKSYNC EMULATOR README [--update]   (--update rewrites the README's outputs)
"""
import os
import re
import subprocess
import sys
import tempfile

BLOCK = re.compile(r"^```(\w+)\n(.*?)^```\n", re.S | re.M)
FILE_NAME = re.compile(r"`([\w./-]+\.ya?ml)`:?\s*$")


def tour_section(readme):
    start = readme.index("<!-- tour -->")
    end = readme.index("<!-- /tour -->")
    return start, end


def steps(section):
    """Yields ("file", name, text) and ("console", commands_with_outputs, span)."""
    for m in BLOCK.finditer(section):
        kind, body = m.group(1), m.group(2)
        if kind == "yaml":
            before = section[: m.start()].rstrip().splitlines()[-1]
            name = FILE_NAME.search(before)
            if not name:
                raise SystemExit("a yaml block in the tour lacks a file name line: " + before)
            yield ("file", name.group(1), body)
        elif kind == "console":
            runs, current = [], None
            for line in body.splitlines(keepends=True):
                if line.startswith("$ "):
                    current = [line[2:].rstrip("\n"), ""]
                    runs.append(current)
                elif current is not None:
                    current[1] += line
            yield ("console", runs, (m.start(2), m.end(2)))


def start_emulator(emulator):
    proc = subprocess.Popen([emulator, "--port", "0", "--seed", "7"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline()
    port = re.search(r"127\.0\.0\.1:(\d+)", line)
    if not port:
        proc.kill()
        raise SystemExit("the emulator did not start: " + line)
    return proc, port.group(1)


def run(command, cwd, env):
    done = subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)
    return done.stdout


def main():
    rtksync, emulator, readme_path = sys.argv[1:4]
    update = "--update" in sys.argv[4:]
    with open(readme_path, encoding="utf-8") as f:
        readme = f.read()
    start, end = tour_section(readme)
    section = readme[start:end]
    proc, port = start_emulator(emulator)
    failures = []
    new_section = section
    try:
        with tempfile.TemporaryDirectory() as work:
            env = dict(os.environ, CLOUDFLARE_API_BASE_URL=f"http://127.0.0.1:{port}/client/v4",
                       CLOUDFLARE_API_TOKEN="dev-token", NO_COLOR="1",
                       PATH=os.path.dirname(os.path.abspath(rtksync)) + os.pathsep +
                       os.environ.get("PATH", ""))
            env.pop("GITHUB_STEP_SUMMARY", None)
            replacements = []
            for step in steps(section):
                if step[0] == "file":
                    path = os.path.join(work, step[1])
                    os.makedirs(os.path.dirname(path), exist_ok=True)
                    with open(path, "w", encoding="utf-8") as out:
                        out.write(step[2])
                    continue
                runs, span = step[1], step[2]
                body = ""
                for command, expected in runs:
                    actual = run(command, work, env)
                    body += "$ " + command + "\n" + actual
                    if actual != expected:
                        failures.append(f"$ {command}\n--- README\n{expected}--- actual\n{actual}")
                replacements.append((span, body))
            for (a, b), body in reversed(replacements):
                new_section = new_section[:a] + body + new_section[b:]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    if update:
        with open(readme_path, "w", encoding="utf-8") as f:
            f.write(readme[:start] + new_section + readme[end:])
        print("README tour outputs updated")
        return 0
    for f in failures:
        print(f, file=sys.stderr)
    if failures:
        print(f"{len(failures)} tour output(s) differ from the README; rerun with --update after "
              "checking the change is intended", file=sys.stderr)
        return 1
    print("the README tour matches")
    return 0


if __name__ == "__main__":
    sys.exit(main())
