#!/usr/bin/env python3
"""Checks the CI recipes of docs/ci.md, and runs their commands against a local bis-mock.

usage: ci_recipes.py SOURCE_DIR BUILD_DIR

docs/ci.md marks each recipe with `<!-- ci-recipe: KIND PATH -->` before its yaml block (KIND:
profile, github, gitlab). For each CI recipe the test
- checks its structure: triggers, permissions, that every variable the profile reads is set
  (secrets from the secret store), that the reporting steps run after a failed gate and publish
  the files the gate writes, that no script splices `${{ }}` expressions;
- runs it as the CI would, in a scratch workspace holding the profile, with a bis-mock (started
  with an admin token) standing in for staging: the install step is replaced by BUILD_DIR/apps
  on PATH (it clones and builds: CI runs this tree's build instead), `curl` is a stub that
  records the merge-request note, and the `uses:` steps are checked against the files they read;
- twice: against a conformant mock (the gate exits 0) and against one with a MUST defect (the
  gate exits 1, and the reports, the artifact and the comment are still produced).
The private key and the admin token must appear in no report. Exits 1 naming every problem.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

import yaml

from bis_mock import Mock

SOURCE, BUILD = sys.argv[1], sys.argv[2]
ADMIN_TOKEN = "ci-admin-token-5f3e"
DEFECT = "accept-empty-email"  # breaks a MUST requirement (BIS-EMAIL-*): the gate must fail
COMMENT_LIMIT = 65536  # GitHub's limit on a comment's body, in characters
problems = []


def problem(text):
    problems.append(text)
    print("FAIL: " + text)


def recipes():
    """{kind: (path, yaml text)} from docs/ci.md."""
    text = open(os.path.join(SOURCE, "docs", "ci.md"), encoding="utf-8").read()
    found = {}
    for m in re.finditer(r"<!-- ci-recipe: (\w+) (\S+) -->\n```yaml\n(.*?)```", text, re.S):
        kind, path, body = m.groups()
        if kind in found:
            problem(f"docs/ci.md: two '{kind}' recipes")
        found[kind] = (path, body)
    for kind in ("profile", "github", "gitlab"):
        if kind not in found:
            problem(f"docs/ci.md: no '{kind}' recipe (<!-- ci-recipe: {kind} PATH --> then a yaml block)")
    return found


def profile_variables(profile):
    """{NAME: secret?} of every {env: NAME} the profile reads."""
    out = {}

    def walk(node):
        if isinstance(node, dict):
            if "env" in node and isinstance(node["env"], str):
                out[node["env"]] = node.get("secret", True)
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(profile)
    return out


def gate_outputs(command):
    """{format: path} of the --report options of a bis-conform command line."""
    return dict(re.findall(r"--report\s+(\w+):(\S+)", command))


def check_gate_command(where, command, profile_path):
    if "bis-conform run" not in command:
        problem(f"{where}: the gate does not run `bis-conform run`")
    if f"--target {profile_path}" not in command:
        problem(f"{where}: the gate does not use the profile {profile_path}")
    outputs = gate_outputs(command)
    for fmt in ("junit", "html", "markdown"):
        if fmt not in outputs:
            problem(f"{where}: the gate writes no {fmt} report")
    return outputs


class Workspace:
    """A scratch checkout of the reader's repository: the profile, and stubs on PATH."""

    def __init__(self, profile_path, profile_text, mock):
        self.dir = tempfile.mkdtemp(prefix="bis-ci-")
        path = os.path.join(self.dir, profile_path)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(profile_text)
        self.stubs = os.path.join(self.dir, ".stubs")
        os.makedirs(self.stubs)
        self.curl_log = os.path.join(self.dir, ".curl-calls")
        # The merge-request note: record the call and the body file it would send.
        with open(os.path.join(self.stubs, "curl"), "w") as f:
            f.write('#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done >> "' + self.curl_log +
                    '"\necho ---- >> "' + self.curl_log + '"\n')
        os.chmod(os.path.join(self.stubs, "curl"), 0o755)
        fixtures = mock.admin_json("/__admin/fixtures", ADMIN_TOKEN)
        primary = next(a for a in fixtures["accounts"]
                       if a.get("flow", {}).get("enabled") and a.get("integration") != "none")
        self.secrets = {"BIS_PRIVATE_KEY": primary["private_key"], "BIS_ADMIN_TOKEN": ADMIN_TOKEN}
        self.values = {
            "BIS_STAGING_URL": mock.url,
            "BIS_CONTROL_URL": mock.url + "/__admin",
            "BIS_PUBLIC_KEY": primary["key"],
            **self.secrets,
        }

    def env(self, extra):
        env = dict(os.environ)
        env.update(extra)
        env["PATH"] = os.pathsep.join([self.stubs, os.path.join(BUILD, "apps"), env["PATH"]])
        env["HOME"] = self.dir
        return env

    def sh(self, where, script, env):
        r = subprocess.run(["bash", "-e", "-c", script], cwd=self.dir, env=self.env(env),
                           capture_output=True, text=True, timeout=600)
        print(f"  {where}: exit {r.returncode}")
        return r

    def file(self, path):
        return os.path.join(self.dir, path)

    def check_reports(self, where, outputs):
        for fmt, path in outputs.items():
            if not os.path.isfile(self.file(path)):
                problem(f"{where}: the {fmt} report {path} was not written")
                continue
            text = open(self.file(path), encoding="utf-8", errors="replace").read()
            for name, secret in self.secrets.items():
                if secret in text:
                    problem(f"{where}: {path} shows the secret {name}")
        junit = outputs.get("junit")
        if junit and os.path.isfile(self.file(junit)):
            root = ET.parse(self.file(junit)).getroot()
            if root.tag != "testsuites" or not root.findall("testsuite"):
                problem(f"{where}: {junit} is not a JUnit report with test suites")
        summary = outputs.get("markdown")
        if summary and os.path.isfile(self.file(summary)):
            size = len(open(self.file(summary), encoding="utf-8").read())
            if size >= COMMENT_LIMIT:
                problem(f"{where}: {summary} has {size} characters, over a comment's {COMMENT_LIMIT}")

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def expression_value(value, ws):
    """The value a CI gives `${{ secrets.X }}` / `${{ vars.X }}`; literals as written."""
    m = re.fullmatch(r"\$\{\{\s*(secrets|vars)\.(\w+)\s*\}\}", str(value))
    if not m:
        return str(value)
    return ws.values.get(m.group(2), "")


# --- GitHub Actions ------------------------------------------------------------------------

def check_github(workflow, variables, profile_path):
    where = "github"
    on = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    if not isinstance(on, dict) or "pull_request" not in on or "tags" not in (on.get("push") or {}):
        problem(f"{where}: must run on pull requests and on release tags")
    permissions = workflow.get("permissions", {})
    for scope in ("pull-requests", "checks"):
        if permissions.get(scope) != "write":
            problem(f"{where}: permissions.{scope} must be write (comment, JUnit check run)")
    jobs = workflow.get("jobs", {})
    if len(jobs) != 1:
        problem(f"{where}: expected one job, found {len(jobs)}")
        return None
    job = next(iter(jobs.values()))
    env = job.get("env", {})
    for name, secret in variables.items():
        value = str(env.get(name, ""))
        if name not in env:
            problem(f"{where}: the profile reads {name} but the job does not set it")
        elif secret and not value.startswith("${{ secrets."):
            problem(f"{where}: {name} is a secret but does not come from secrets.*")
    steps = job.get("steps", [])
    gate = next((s for s in steps if "bis-conform run" in s.get("run", "")), None)
    if gate is None:
        problem(f"{where}: no step runs the gate")
        return None
    outputs = check_gate_command(where, gate["run"], profile_path)
    for s in steps:
        if "${{" in s.get("run", ""):
            problem(f"{where}: step '{s.get('name')}' splices an expression into its script")
    after = steps[steps.index(gate) + 1:]
    published = {}
    for s in after:
        if "uses" not in s:
            continue
        if "cancelled()" not in str(s.get("if", "")) and "always()" not in str(s.get("if", "")):
            problem(f"{where}: step '{s.get('name')}' does not run after a failed gate")
        inputs = s.get("with", {})
        for key in ("report_paths", "path"):
            if key in inputs:
                published[s["uses"].split("@")[0]] = inputs[key]
    expected = {"mikepenz/action-junit-report": outputs.get("junit"),
                "actions/upload-artifact": outputs.get("html"),
                "marocchino/sticky-pull-request-comment": outputs.get("markdown")}
    for action, path in expected.items():
        if published.get(action) != path:
            problem(f"{where}: {action} must publish {path} (the gate's report), has {published.get(action)}")
    return job, steps, gate, outputs


def run_github(parsed, ws, expect_exit):
    job, steps, gate, outputs = parsed
    where = f"github (expect exit {expect_exit})"
    env = {k: expression_value(v, ws) for k, v in job.get("env", {}).items()}
    env["GITHUB_PATH"] = ws.file(".github-path")
    gate_exit = None
    for s in steps:
        if "run" not in s:
            continue
        if s.get("name") == "Install bis-conformance":
            print("  skipped: the install step (clones and builds; this tree's build is on PATH)")
            continue
        r = ws.sh(s.get("name", "step"), s["run"], env)
        if s is gate:
            gate_exit = r.returncode
            if r.returncode != expect_exit:
                problem(f"{where}: the gate exited {r.returncode}\n{r.stdout[-2000:]}{r.stderr[-2000:]}")
            break
    ws.check_reports(where, outputs)


# --- GitLab CI ---------------------------------------------------------------------------

INSTALL_LINE = re.compile(r"apt-get|git clone|scripts/build\.sh")


def check_gitlab(config, variables, profile_path):
    where = "gitlab"
    job = config.get("conformance")
    if not isinstance(job, dict):
        problem(f"{where}: no job 'conformance'")
        return None
    rules = " ".join(str(r.get("if", "")) for r in job.get("rules", []))
    if "merge_request_event" not in rules or "CI_COMMIT_TAG" not in rules:
        problem(f"{where}: must run on merge requests and on tags")
    script = "\n".join(job.get("script", []))
    outputs = check_gate_command(where, script, profile_path)
    for name in variables:
        if name in job.get("variables", {}):
            problem(f"{where}: {name} is written in the file; it belongs in the CI/CD variables")
    artifacts = job.get("artifacts", {})
    if artifacts.get("when") != "always":
        problem(f"{where}: artifacts must be kept when the gate fails (when: always)")
    if artifacts.get("reports", {}).get("junit") != outputs.get("junit"):
        problem(f"{where}: artifacts.reports.junit must be the gate's {outputs.get('junit')}")
    if outputs.get("html") not in artifacts.get("paths", []):
        problem(f"{where}: artifacts.paths must keep the HTML report {outputs.get('html')}")
    after = "\n".join(job.get("after_script", []))
    if outputs.get("markdown", "?") not in after:
        problem(f"{where}: after_script does not post the summary {outputs.get('markdown')}")
    return job, outputs


def run_gitlab(parsed, ws, expect_exit):
    job, outputs = parsed
    where = f"gitlab (expect exit {expect_exit})"
    env = {k: str(v) for k, v in job.get("variables", {}).items()}
    env.update(ws.values)  # the project's CI/CD variables
    before = []
    for line in job.get("before_script", []):
        if INSTALL_LINE.search(line):
            print(f"  skipped: {line.splitlines()[0][:70]} (installing; this tree's build is on PATH)")
        else:
            before.append(line)
    # GitLab runs before_script and script in one shell, after_script in another.
    r = ws.sh("before_script + script", "\n".join(before + job.get("script", [])), env)
    if r.returncode != expect_exit:
        problem(f"{where}: the gate exited {r.returncode}\n{r.stdout[-2000:]}{r.stderr[-2000:]}")
    mr = {"CI_MERGE_REQUEST_IID": "7", "CI_PROJECT_ID": "42",
          "CI_API_V4_URL": "https://gitlab.invalid/api/v4", "BIS_NOTE_TOKEN": "note-token"}
    r = ws.sh("after_script", "\n".join(job.get("after_script", [])), {**env, **mr})
    if r.returncode != 0:
        problem(f"{where}: after_script failed: {r.stderr[-1000:]}")
    calls = open(ws.curl_log).read() if os.path.exists(ws.curl_log) else ""
    if "https://gitlab.invalid/api/v4/projects/42/merge_requests/7/notes" not in calls:
        problem(f"{where}: after_script did not post the note to the merge request")
    if f"body@{outputs.get('markdown')}" not in calls:
        problem(f"{where}: the note's body is not the summary file")
    ws.check_reports(where, outputs)


def main():
    found = recipes()
    if problems:
        sys.exit(1)
    profile_path, profile_text = found["profile"]
    variables = profile_variables(yaml.safe_load(profile_text))
    github = check_github(yaml.safe_load(found["github"][1]), variables, profile_path)
    gitlab = check_gitlab(yaml.safe_load(found["gitlab"][1]), variables, profile_path)
    for defect, expect_exit in ((None, 0), (DEFECT, 1)):
        for name, parsed, run in (("github", github, run_github), ("gitlab", gitlab, run_gitlab)):
            if parsed is None:
                continue
            args = ["--admin-token", ADMIN_TOKEN] + (["--defect", defect] if defect else [])
            print(f"{name}: staging is bis-mock {' '.join(args)}")
            mock = Mock(BUILD, args)
            ws = Workspace(profile_path, profile_text, mock)
            try:
                run(parsed, ws, expect_exit)
            finally:
                ws.close()
                mock.stop()
    if problems:
        print(f"{len(problems)} problem(s)")
        sys.exit(1)
    print("docs/ci.md: the profile, the GitHub Actions and the GitLab CI recipes pass")


if __name__ == "__main__":
    main()
