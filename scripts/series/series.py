#!/usr/bin/env python3
"""Move the series between patches/ and the kernel branch in build/.

  series.py export SRC BRANCH OUTDIR NAME VERSION [--signer 'N <e>' --old 'N <e>']
      git format-patch BRANCH (base..BRANCH) into OUTDIR, with the cover
      letter taken from the branch description; rewrite what format-patch
      makes up from the clock (Message-Id) so that the same branch always
      gives the same bytes.  With --signer, replace the identity --old by
      the sender's everywhere (From:, Signed-off-by:, MAINTAINERS lines).
  series.py cover-description FILE
      print the branch description that gives back cover letter FILE.
"""
import email.utils
import os
import re
import subprocess
import sys
import tempfile

PATCH_RE = re.compile(r"^\d{4}-.*\.patch$")


def headers_and_body(text):
    head, _, body = text.partition("\n\n")
    unfolded = re.sub(r"\n[ \t]+", " ", head)
    hdrs = {}
    for line in unfolded.split("\n"):
        key, sep, val = line.partition(": ")
        if sep:
            hdrs.setdefault(key.lower(), val)
    return hdrs, body


def cover_description(path):
    hdrs, body = headers_and_body(open(path, encoding="utf-8").read())
    subject = re.sub(r"^\[[^]]*\]\s*", "", hdrs.get("subject", ""))
    blurb = []
    for line in body.split("\n"):
        # format-patch appends the shortlog ("Name (N):") after the blurb
        if re.match(r"^\S.* \(\d+\):$", line):
            break
        blurb.append(line)
    while blurb and blurb[-1] == "":
        blurb.pop()
    return subject + "\n\n" + "\n".join(blurb) + "\n"


def git(src, *args, env=None):
    return subprocess.run(["git", "-C", src, *args], check=True, env=env,
                          stdout=subprocess.PIPE, text=True).stdout


def export(src, branch, outdir, name, version, signer=None, old=None):
    desc = git(src, "config", "--default", "", f"branch.{branch}.description")
    if not desc.strip():
        sys.exit(f"error: branch {branch} has no description (the cover "
                 f"letter); set it with: git -C {src} branch --edit-description {branch}")
    # The cover letter's From: and Date: are the committer's and "now":
    # pin both to the last patch's author so the output is reproducible.
    an, ae, ad = git(src, "log", "-1", "--format=%an%n%ae%n%ad", "--date=raw",
                     branch).split("\n")[:3]
    env = dict(os.environ, GIT_COMMITTER_NAME=an, GIT_COMMITTER_EMAIL=ae,
               GIT_COMMITTER_DATE=ad)
    prefix = "PATCH" if version == "1" else f"PATCH v{version}"
    with tempfile.TemporaryDirectory() as tmp:
        # --abbrev: git scales its default with the repository's object
        # count, which differs between a fresh and a worked-in repository.
        git(src, "format-patch", "-q", "--zero-commit", "--no-signature", "--abbrev=12",
            "--cover-letter", "--cover-from-description=subject",
            "--thread=shallow", "--base=base", f"--subject-prefix={prefix}",
            "-o", tmp, f"base..{branch}", env=env)
        files = sorted(os.listdir(tmp))
        domain = ae.partition("@")[2] or "localhost"
        # format-patch's Message-Ids embed the current time: replace them
        # by ones derived from the series name, version and patch number.
        ids = {}
        for f in files:
            hdrs, _ = headers_and_body(open(os.path.join(tmp, f)).read())
            ids[hdrs["message-id"]] = f"<{name}-v{version}-{f[:4]}@{domain}>"
        texts = {}
        for f in files:
            text = open(os.path.join(tmp, f), encoding="utf-8").read()
            for old_id, new_id in ids.items():
                text = text.replace(old_id, new_id)
            if signer:
                text = text.replace(old, signer)
            texts[f] = text
    os.makedirs(outdir, exist_ok=True)
    for f in os.listdir(outdir):
        if PATCH_RE.match(f):
            os.unlink(os.path.join(outdir, f))
    for f, text in texts.items():
        with open(os.path.join(outdir, f), "w", encoding="utf-8") as out:
            out.write(text)
    with open(os.path.join(outdir, "series"), "w") as out:
        for f in files:
            if f != "0000-cover-letter.patch":
                out.write(f + "\n")
    print(f"export: {len(files) - 1} patches and the cover letter in {outdir}")


def main(argv):
    if len(argv) >= 2 and argv[0] == "cover-description":
        sys.stdout.write(cover_description(argv[1]))
        return 0
    if len(argv) >= 6 and argv[0] == "export":
        opts = dict(zip(argv[6::2], argv[7::2]))
        if set(opts) - {"--signer", "--old"} or ("--signer" in opts) != ("--old" in opts):
            print(__doc__, file=sys.stderr)
            return 1
        if opts.get("--signer") and not email.utils.parseaddr(opts["--signer"])[1]:
            sys.exit("error: --signer must look like 'Name <email>'")
        export(*argv[1:6], signer=opts.get("--signer"), old=opts.get("--old"))
        return 0
    print(__doc__, file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
