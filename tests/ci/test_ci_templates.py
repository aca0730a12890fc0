#!/usr/bin/env python3
"""Runs every `rtksync` command line of the CI templates in examples/ci/ against an emulator.

Each template is parsed with a strict YAML loader (PyYAML's safe loader on libyaml, duplicate
keys refused). Then, per CI system, the pipeline is played in order on a fresh emulator and a
fresh copy of examples/ (rtksync.yaml and meetings/) as the repository:

  pull request (validate, plan) -> merge (apply) -> schedule (drift check)

Every `rtksync ...` command in a `run:` block (GitHub Actions) or `script:` list (GitLab CI) is
cut out of its shell line (at ; && || | and the keywords if/then/else) and run with bash in the
repository, with the environment the CI system would give it: the workflow's, job's and step's
`env:` (GitHub) or the `variables:` (GitLab), with secrets and CI variables replaced by test
values (tokens by the emulator's), plus CLOUDFLARE_API_BASE_URL pointing at the emulator. The
shell around those lines (apt-get, curl, git, jq) and other actions are not run, and `if:`
conditions are not evaluated: every rtksync line runs once, in file order. GitHub's
upload-artifact and download-artifact steps are played (files are copied by artifact name), so
the plan the PR job saves is the one the apply job finds; GitLab's artifact download goes
through its API with curl, so there the test copies the plan job's --out file to where the
apply job reads it.

What must hold:
- every `run:` block and `script:` item parses as a bash script (bash -n), and every
  actions/github-script script as JavaScript (node --check, where node is installed);
- each line exits 0, or 2 when it has --detailed-exitcode;
- each system has validate, a markdown plan with --detailed-exitcode and --out, an apply of the
  saved plan, a plan-and-apply fallback, and a drift check with --refresh=full;
- the PR plan reports changes (exit 2) and writes a markdown plan; applying the saved plan
  converges (a fresh plan afterwards exits 0) and leaves the state file the template commits;
- the drift check exits 0, then 2 after a meeting is changed by hand on the server;
- the test values of secrets appear in no output and no file written.

The lines use only options that exist in today's rtksync: a line the binary rejects fails.
Run: test_ci_templates.py --rtksync BIN --emulator BIN --examples DIR --work DIR
"""

import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.request

import yaml

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from strict_yaml import strict  # noqa: E402

ACCOUNT = "023e105f4ecef8ad9ca31a8372d0c353"
APP = "my-app"
TOKEN = "ci-template-test-token"

# Per CI system, its template files in the order a change goes through them.
SYSTEMS = {
    "github": ["github/rtksync-plan.yml", "github/rtksync-apply.yml", "github/rtksync-drift.yml"],
    "gitlab": ["gitlab/.gitlab-ci.yml"],
}
GITLAB_STAGE_KEYWORDS = {"stages", "workflow", "default", "variables", "include", "image",
                         "services", "cache", "before_script", "after_script"}


@strict
class StrictLoader(yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):
    """libyaml's safe loader; a duplicate key is an error (GitHub and GitLab refuse them)."""


def load_template(path):
    with open(path, encoding="utf-8") as f:
        doc = yaml.load(f, Loader=StrictLoader)  # noqa: S506 (a safe loader)
    if not isinstance(doc, dict):
        raise ValueError("%s: not a mapping" % path)
    if True in doc:  # YAML 1.1 reads the key `on` as true
        doc["on"] = doc.pop(True)
    return doc


# ---- the shell: cutting rtksync commands out of lines ---------------------------------------

KEYWORDS = {"if", "then", "else", "elif", "do", "while", "until", "!", "{", "time"}


def logical_lines(script):
    """Joins backslash continuations; drops comment lines."""
    out, pending = [], ""
    for raw in script.split("\n"):
        stripped = raw.rstrip()
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        line = (pending + raw).strip()
        pending = ""
        if line and not line.startswith("#"):
            out.append(line)
    return out


def segments(line):
    """Splits a shell line at ; && || | outside quotes, and cuts a trailing # comment."""
    parts, current, quote, i = [], "", None, 0
    while i < len(line):
        c = line[i]
        if quote:
            current += c
            if c == quote:
                quote = None
            elif c == "\\" and quote == '"' and i + 1 < len(line):
                current += line[i + 1]
                i += 1
        elif c in "'\"":
            quote = c
            current += c
        elif c == "#" and (not current or current[-1] in " \t"):
            break
        elif line.startswith(("&&", "||"), i):
            parts.append(current)
            current = ""
            i += 1
        elif c in ";|":
            parts.append(current)
            current = ""
        else:
            current += c
        i += 1
    parts.append(current)
    return [p.strip() for p in parts if p.strip()]


def shell_syntax_problem(script):
    """bash -n: the block parses as a shell script (nothing runs)."""
    proc = subprocess.run(["bash", "-n"], input=script, capture_output=True, text=True,
                          check=False)
    return proc.stderr.strip() if proc.returncode != 0 else None


def javascript_syntax_problem(script, work):
    """node --check on an actions/github-script script (wrapped as its async body), when node
    is installed; None when it parses or node is absent."""
    node = shutil.which("node")
    if node is None:
        return None
    path = os.path.join(work, "github-script.js")
    with open(path, "w", encoding="utf-8") as f:
        f.write("(async function () {\n" + script + "\n});\n")
    proc = subprocess.run([node, "--check", path], capture_output=True, text=True, check=False)
    return proc.stderr.strip() if proc.returncode != 0 else None


def rtksync_commands(script):
    commands = []
    for line in logical_lines(script):
        for segment in segments(line):
            words = segment.split()
            while words and words[0] in KEYWORDS:
                words = words[1:]
            if words and words[0] == "rtksync":
                commands.append(" ".join(words))
    return commands


# ---- values a CI system would provide ---------------------------------------------------------

def secret_value(name):
    """A test value for a secret or CI variable; API tokens get the emulator's."""
    return TOKEN if name.endswith("API_TOKEN") else "test-value-%s-7f3a" % name.lower()


def github_expr(value, ci):
    def one(match):
        expr = match.group(1).strip()
        for prefix in ("secrets.", "vars."):
            if expr.startswith(prefix):
                return secret_value(expr[len(prefix):])
        if expr == "github.token":
            return "test-github-token"
        return ci.get(expr, "")
    return re.sub(r"\$\{\{(.*?)\}\}", one, str(value))


def gitlab_expand(value, env):
    return re.sub(r"\$\{?(\w+)\}?", lambda m: env.get(m.group(1), secret_value(m.group(1))),
                  str(value))


# ---- the run ---------------------------------------------------------------------------------

class Emulator:
    def __init__(self, binary, work):
        args = [binary, "--port", "0", "--token", TOKEN, "--app", ACCOUNT + "/" + APP]
        record_dir = os.environ.get("RTKSYNC_CONTRACT_RECORD_DIR")
        if record_dir:  # the contract check reads these (tests/contract)
            os.makedirs(record_dir, exist_ok=True)
            args += ["--record", os.path.join(record_dir, "ci-templates-%d-%s.jsonl"
                                              % (os.getpid(), os.path.basename(work)))]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline().strip()
        if not line.startswith("listening on "):
            self.proc.kill()
            raise RuntimeError("emulator did not start: %r" % line)
        self.root = line[len("listening on "):]
        self.base_url = self.root + "/client/v4"

    def patch_meeting(self, meeting_id, body):
        url = "%s/accounts/%s/realtime/kit/%s/meetings/%s" % (self.base_url, ACCOUNT, APP,
                                                            meeting_id)
        request = urllib.request.Request(url, data=json.dumps(body).encode(), method="PATCH",
                                         headers={"Authorization": "Bearer " + TOKEN,
                                                  "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (127.0.0.1)
            return json.load(response)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)


class Run:
    """One CI system's pipeline played against one emulator and one repository."""

    def __init__(self, system, args):
        self.system = system
        self.work = os.path.join(args.work, system)
        shutil.rmtree(self.work, ignore_errors=True)
        self.repo = os.path.join(self.work, "repo")
        os.makedirs(self.repo)
        shutil.copy(os.path.join(args.examples, "rtksync.yaml"), self.repo)
        shutil.copytree(os.path.join(args.examples, "meetings"),
                        os.path.join(self.repo, "meetings"))
        bindir = os.path.join(self.work, "bin")
        os.makedirs(bindir)
        os.symlink(os.path.abspath(args.rtksync), os.path.join(bindir, "rtksync"))
        self.emulator = Emulator(args.emulator, self.work)
        self.base_env = {
            "PATH": bindir + os.pathsep + os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": self.work, "LANG": "C.UTF-8", "CI": "true",
            "CLOUDFLARE_API_BASE_URL": self.emulator.base_url,
        }
        self.results = []  # (job, command, exit code)
        self.artifacts = {}  # GitHub artifact name -> [(path, content)]
        self.saved_plans = []  # the --out files of plans, in order
        self.outputs = []  # everything printed, for the secret check
        self.failures = []

    def run_line(self, job, command, env, expect=None):
        if "${{" in command:
            self.failures.append("%s: %s: an rtksync line must take values from the "
                                 "environment, not ${{ }} expressions" % (job, command))
            return None
        words = command.split()
        if words[1] == "apply":
            self.provide_plan_file(job, words)
        full_env = dict(self.base_env)
        full_env.update(env)
        proc = subprocess.run(["bash", "-o", "pipefail", "-c", command], cwd=self.repo,
                              env=full_env, capture_output=True, text=True, timeout=240,
                              check=False)
        code = proc.returncode
        self.outputs += [proc.stdout, proc.stderr]
        allowed = {0, 2} if "--detailed-exitcode" in words else {0}
        ok = code in allowed and (expect is None or code == expect)
        print("%-4s %-8s %-9s exit %d  %s" % ("ok" if ok else "FAIL", self.system, job, code,
                                              command))
        if not ok:
            self.failures.append("%s %s: `%s` exited %d (expected %s)\nstdout:\n%s\nstderr:\n%s"
                                 % (self.system, job, command, code,
                                    expect if expect is not None else sorted(allowed),
                                    proc.stdout[-3000:], proc.stderr[-3000:]))
        if words[1] == "plan" and "--out" in words:
            self.saved_plans.append(words[words.index("--out") + 1])
        self.results.append((job, words, code))
        return code

    def provide_plan_file(self, job, words):
        """GitLab fetches the reviewed plan with curl from its API: stand in for it."""
        positional = [w for i, w in enumerate(words[2:], 2)
                      if not w.startswith("-") and not words[i - 1] in ("--lock-timeout",
                                                                          "--tokens-out", "-c")]
        if self.system != "gitlab" or not positional or not self.saved_plans:
            return
        target = os.path.join(self.repo, positional[0])
        if not os.path.exists(target):
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copy(os.path.join(self.repo, self.saved_plans[-1]), target)

    # GitHub's artifact actions, played.
    def upload_artifact(self, job, step):
        with_ = step.get("with", {})
        files = []
        for pattern in str(with_.get("path", "")).split("\n"):
            for path in glob.glob(os.path.join(self.repo, pattern.strip()), recursive=True):
                if os.path.isfile(path):
                    files.append(os.path.relpath(path, self.repo))
                for root, _, names in os.walk(path):  # a directory: everything under it
                    files += [os.path.relpath(os.path.join(root, n), self.repo) for n in names]
        if not files:
            self.failures.append("%s: upload-artifact %s found no files at %r"
                                 % (job, with_.get("name"), with_.get("path")))
        self.artifacts[with_.get("name")] = [(f, open(os.path.join(self.repo, f), "rb").read())
                                             for f in files]

    def download_artifact(self, job, step):
        with_ = step.get("with", {})
        name = with_.get("name")
        if name not in self.artifacts:
            self.failures.append("%s: download-artifact %r: no artifact of that name was "
                                 "uploaded by an earlier workflow" % (job, name))
            return
        dest = os.path.join(self.repo, str(with_.get("path", ".")))
        for rel, content in self.artifacts[name]:
            os.makedirs(dest, exist_ok=True)
            with open(os.path.join(dest, os.path.basename(rel)), "wb") as f:
                f.write(content)


def github_jobs(run, path, doc):
    """Yields (job name, [(command, env)]) for a workflow, playing artifact steps."""
    ci = {"github.sha": "0" * 40, "github.run_id": "1"}
    files = {k: os.path.join(run.work, k) for k in ("output", "summary", "env")}
    for f in files.values():
        open(f, "w").close()
    ci_env = {"GITHUB_OUTPUT": files["output"], "GITHUB_STEP_SUMMARY": files["summary"],
              "GITHUB_ENV": files["env"], "GITHUB_SHA": "0" * 40,
              "GITHUB_WORKSPACE": run.repo, "GITHUB_ACTIONS": "true"}
    if "jobs" not in doc or "on" not in doc:
        run.failures.append("%s: a workflow needs `on:` and `jobs:`" % path)
        return
    workflow_env = {k: github_expr(v, ci) for k, v in (doc.get("env") or {}).items()}
    for job_name, job in doc["jobs"].items():
        job_env = {k: github_expr(v, ci) for k, v in (job.get("env") or {}).items()}
        for step in job.get("steps", []):
            uses = str(step.get("uses", ""))
            if uses.startswith("actions/upload-artifact@"):
                run.upload_artifact(job_name, step)
            elif uses.startswith("actions/download-artifact@"):
                run.download_artifact(job_name, step)
            elif uses.startswith("actions/github-script@"):
                problem = javascript_syntax_problem(str(step.get("with", {}).get("script", "")),
                                                    run.work)
                if problem:
                    run.failures.append("%s: job %s, step %r: %s" % (path, job_name,
                                                                     step.get("name"), problem))
            if "run" not in step:
                continue
            env = dict(ci_env)
            env.update(workflow_env)
            env.update(job_env)
            env.update({k: github_expr(v, ci) for k, v in (step.get("env") or {}).items()})
            problem = shell_syntax_problem(str(step["run"]))
            if problem:
                run.failures.append("%s: job %s, step %r: %s" % (path, job_name,
                                                                 step.get("name"), problem))
            for command in rtksync_commands(str(step["run"])):
                yield job_name, command, env


def gitlab_jobs(run, path, doc, meeting_env_refs):
    predefined = {"CI_PROJECT_ID": "1", "CI_COMMIT_SHA": "0" * 40, "CI_DEFAULT_BRANCH": "main",
                  "CI_COMMIT_BRANCH": "main", "CI_API_V4_URL": "http://127.0.0.1:9/api/v4",
                  "CI_MERGE_REQUEST_IID": "1", "CI_PROJECT_DIR": run.repo}
    # Project CI/CD variables reach every job as environment variables.
    project = {name: secret_value(name) for name in meeting_env_refs}
    global_vars = {k: gitlab_expand(v, predefined) for k, v in (doc.get("variables") or {}).items()}
    stages = doc.get("stages") or ["build", "test", "deploy"]
    jobs = [(name, job) for name, job in doc.items()
            if name not in GITLAB_STAGE_KEYWORDS and not name.startswith(".")
            and isinstance(job, dict)]
    for job_name, job in jobs:
        if job.get("stage", "test") not in stages:
            run.failures.append("%s: job %s has stage %r, not in stages %s"
                                % (path, job_name, job.get("stage"), stages))
    jobs.sort(key=lambda nj: stages.index(nj[1].get("stage", "test"))
              if nj[1].get("stage", "test") in stages else len(stages))
    default = doc.get("default") or {}
    jobs.insert(0, ("default", {"script": default.get("before_script", [])}))
    for job_name, job in jobs:
        env = dict(predefined)
        env.update(project)
        env.update(global_vars)
        env.update({k: gitlab_expand(v, env) for k, v in (job.get("variables") or {}).items()})
        for item in job.get("script", []):
            problem = shell_syntax_problem(str(item))
            if problem:
                run.failures.append("%s: job %s: %s" % (path, job_name, problem))
            for command in rtksync_commands(str(item)):
                yield job_name, command, env


def play(system, templates, args):
    run = Run(system, args)
    meeting_env_refs = set()
    for path in glob.glob(os.path.join(args.examples, "meetings", "**", "*.y*ml"),
                          recursive=True):
        meeting_env_refs |= set(re.findall(r"\$\{env:(\w+)\}", open(path).read()))
    try:
        lines = []
        for rel in templates:
            path = os.path.join(args.examples, "ci", rel)
            doc = load_template(path)
            jobs = (github_jobs(run, path, doc) if system == "github"
                    else gitlab_jobs(run, path, doc, meeting_env_refs))
            for job, command, env in jobs:
                lines.append((job, command))
                words = command.split()
                drift = words[1] == "plan" and "--refresh=full" in words
                code = run.run_line(job, command, env, expect=0 if drift else None)
                if words[1] == "plan" and "--out" in words and code is not None and code != 2:
                    run.failures.append("%s %s: the PR plan on a fresh app should report "
                                        "changes (exit 2), got %d" % (system, job, code))
                if drift:
                    # A change made by hand on the server: the same line must now see it.
                    state = json.load(open(os.path.join(run.repo, ".rtksync", "state.json")))
                    meeting_id = state["meetings"]["weekly-standup"]["id"]
                    run.emulator.patch_meeting(meeting_id, {"title": "Changed by hand"})
                    run.run_line(job + "+edit", command, env, expect=2)
                    run.emulator.patch_meeting(meeting_id, {"title": "Weekly Standup"})
        check_coverage(run, lines)
        check_outcome(run)
    finally:
        run.emulator.stop()
    return run


def check_coverage(run, lines):
    """The template does what the issue asks of it."""
    def has(pred):
        return any(pred(c.split()) for _, c in lines)
    wanted = {
        "validate": lambda w: w[1] == "validate",
        "plan --format markdown --detailed-exitcode --out FILE":
            lambda w: w[1] == "plan" and "--detailed-exitcode" in w and "--out" in w
            and "markdown" in w,
        "apply SAVED_PLAN": lambda w: w[1] == "apply" and "--auto-approve" not in w,
        "apply --auto-approve": lambda w: w[1] == "apply" and "--auto-approve" in w,
        "plan --refresh=full --detailed-exitcode":
            lambda w: w[1] == "plan" and "--refresh=full" in w and "--detailed-exitcode" in w,
    }
    for what, pred in wanted.items():
        if not has(pred):
            run.failures.append("%s: no `rtksync %s` line" % (run.system, what))


def check_outcome(run):
    state_path = os.path.join(run.repo, ".rtksync", "state.json")
    if not os.path.exists(state_path):
        run.failures.append("%s: no state file after the apply job" % run.system)
        return
    meetings = json.load(open(state_path))["meetings"]
    if len(meetings) != 4:
        run.failures.append("%s: the state binds %d meetings, expected 4" % (run.system,
                                                                             len(meetings)))
    # The plan in the PR was the one applied: the saved-plan line succeeded...
    applied_saved = [code for _, w, code in run.results
                     if w[1] == "apply" and "--auto-approve" not in w]
    if applied_saved and applied_saved[0] != 0:
        run.failures.append("%s: the reviewed plan was not applied" % run.system)
    # ...and the world converged.
    env = dict(run.base_env)
    env["CLOUDFLARE_API_TOKEN"] = TOKEN
    env.update({n: secret_value(n) for n in ("REC_ACCESS_KEY", "REC_SECRET")})
    again = subprocess.run(["rtksync", "plan", "--detailed-exitcode"], cwd=run.repo, env=env,
                           capture_output=True, text=True, check=False)
    if again.returncode != 0:
        run.failures.append("%s: a plan after the pipeline is not empty (exit %d):\n%s%s"
                            % (run.system, again.returncode, again.stdout, again.stderr))
    markdown = [os.path.join(run.repo, "plan.md")]
    for path in markdown:
        text = open(path, encoding="utf-8").read() if os.path.exists(path) else ""
        if "rtksync plan" not in text or "create" not in text:
            run.failures.append("%s: %s is not the markdown plan: %r" % (run.system, path,
                                                                         text[:200]))
    # Secrets never show: not in any output, not in any file the pipeline wrote.
    secrets = [secret_value(n) for n in ("REC_ACCESS_KEY", "REC_SECRET")]
    written = []
    for root, _, files in os.walk(run.repo):
        for name in files:
            with open(os.path.join(root, name), "rb") as f:
                written.append(f.read().decode("utf-8", "replace"))
    for secret in secrets:
        if any(secret in text for text in run.outputs + written):
            run.failures.append("%s: the secret test value %s leaked" % (run.system, secret))


def main():
    parser = argparse.ArgumentParser()
    for name in ("rtksync", "emulator", "examples", "work"):
        parser.add_argument("--" + name, required=True)
    args = parser.parse_args()
    failures = []
    ci_dir = os.path.join(args.examples, "ci")
    present = sorted(os.path.relpath(p, ci_dir) for p in
                     glob.glob(os.path.join(ci_dir, "**", "*.yml"), recursive=True)
                     + glob.glob(os.path.join(ci_dir, "**", ".*.yml"), recursive=True))
    described = sorted(t for templates in SYSTEMS.values() for t in templates)
    if present != described:
        failures.append("examples/ci/ holds %s; this test plays %s: add new templates to "
                        "SYSTEMS" % (present, described))
    for system, templates in SYSTEMS.items():
        try:
            run = play(system, templates, args)
        except (yaml.YAMLError, ValueError, OSError, KeyError, RuntimeError) as e:
            failures.append("%s: %s: %s" % (system, type(e).__name__, e))
            continue
        failures += run.failures
    for f in failures:
        print("FAIL: " + f, file=sys.stderr)
    if not failures:
        shutil.rmtree(args.work, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
