"""Snapshot what voxxml prints, to prove that a refactoring changed no behaviour.

A snapshot is a folder of the outputs a user sees, made through the command line only
(so it survives any change to the package's insides):

- ``lint.json``: ``voxxml lint --output-format json`` over the examples and over a
  generated corpus (the benchmark's generator, fixed seed);
- ``plans/NAME.json``: ``voxxml compile --target enablex`` of every document that
  compiles (and the exit status and standard error of those that do not);
- ``traces/NAME.json``: ``voxxml simulate --format json`` of every such document
  under a few fixed caller scripts.

VoXML documents are in all three: the examples (``.voxml``), the benchmark's corpus converted to
VoXML as ``bench_voxml.py`` does (clean), and a copy of each with seeded edits that the VoXML flow
rules report (misspelt and unset variables, constant conditions, unchanging Dos, ``${do.n}`` outside
a Do, unread Sets), so that a change to the flow walk or a VX11x rule shows in ``lint.json``.

    python tests/benchmarks/snapshot.py take /tmp/before          # on the old commit
    python tests/benchmarks/snapshot.py take /tmp/after           # on the new one
    python tests/benchmarks/snapshot.py compare /tmp/before /tmp/after

``compare`` lists every file that differs and exits 1 if any does.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import random
import re
import shutil
import tempfile
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import DEFAULT_SEED, generate_corpus  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SHARED_CORPUS = ROOT.parent / "shared" / "corpus"
# Caller scripts every runnable document is simulated under: silence, a menu walk, dial outcomes.
SCRIPTS: dict[str, list[str]] = {
    "silent": [],
    "keys": ["--input", "1", "--input", "2", "--input", "1234#", "--dial", "answered:30"],
    "speech": ["--input", "speech:sales", "--input", "none", "--dial", "busy", "--dial", "no-answer"],
    "hangup": ["--input", "3", "--hangup-after", "4"],
}


def voxxml(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "voxxml", *args], capture_output=True, text=True, cwd=ROOT)


def documents(corpus_dir: Path) -> list[Path]:
    found = sorted(p for p in EXAMPLES.rglob("*") if p.suffix in (".voxxml", ".xml", ".voxml"))
    found += sorted(corpus_dir.glob("*.voxxml"))
    voxml = SHARED_CORPUS / "voxml"
    if voxml.is_dir():
        found += sorted(p for p in voxml.rglob("*") if p.is_file() and p.suffix in (".xml", ".voxxml", ".voxml"))
    return found


# Lines the VoXML edits insert between two elements; each makes one or more VX11x rules speak.
VOXML_INSERTS = (
    '<Set output="gather.digits">1</Set>',
    '<Set output="gather.digits"></Set>',
    '<Set output="gather">x</Set>',
    '<Unset output="gather"/>',
    '<Set output="note">${gather.digits}</Set>',
    '<Set output="flag">on</Set>',
    '<Say>You chose ${gather.digits} on pass ${do.n}</Say>',
    '<Say>Flag ${flag} and ${note}</Say>',
    '<If expression=\'${gather.digits}=="1" &amp;&amp; ${gather.digits}=="2"\'><Say>never</Say></If>',
    '<If expression=\'${flag}=="on" || ${gather.speech}!=""\'><Set output="flag">off</Set></If>',
    '<Do expression=\'${flag}==""\' maxLoops="3"><Say>again</Say></Do>',
    '<Do expression=\'${flag}!="on"\' maxLoops="2"><Set output="flag">on</Set><Unset output="note"/></Do>',
    '<Gather input="dtmf" numDigits="1" output="choice"><Say>Press a key</Say></Gather>',
    '<If expression=\'${choice.digits}=="12" || ${choice.digits}=="#"\'><Hangup/></If>',
    '<Dial output="call">15556668888</Dial>',
    '<If expression=\'${call.status}=="answered"\'><Hangup/></If>',
)


def voxml_edits(text: str, rng: random.Random) -> str:
    """A few seeded edits of a clean VoXML document: inserted lines (never inside a Gather), a
    misspelt reference, a Gather without its output, a smaller maxLoops."""
    lines = text.split("\n")
    for _ in range(rng.randint(1, 4)):
        kind = rng.random()
        if kind < 0.6:
            inside_gather, places = False, []
            for index, line in enumerate(lines):
                stripped = line.strip()
                if stripped.startswith("<Gather") and not stripped.endswith("/>"):
                    inside_gather = "</Gather>" not in stripped
                elif stripped.startswith("</Gather>"):
                    inside_gather = False
                    continue
                if not inside_gather and stripped.startswith("<") and index > 0 and not stripped.startswith("</Response"):
                    places.append(index)
            if places:
                lines.insert(rng.choice(places), "  " + rng.choice(VOXML_INSERTS))
            continue
        joined = "\n".join(lines)
        if kind < 0.75:
            spots = [m.start() for m in re.finditer(r"\$\{gather\.", joined)]
            if spots:
                at = rng.choice(spots)
                joined = joined[:at] + "${gahter." + joined[at + len("${gather."):]
        elif kind < 0.9:
            spots = [m.start() for m in re.finditer(r' output="gather"', joined)]
            if spots:
                at = rng.choice(spots)
                joined = joined[:at] + joined[at + len(' output="gather"'):]
        else:
            joined = joined.replace('maxLoops="3"', 'maxLoops="1"', 1)
        lines = joined.split("\n")
    return "\n".join(lines)


def voxml_corpus(corpus_dir: Path, files: int) -> list[Path]:
    """bench_voxml's corpus (converted by this checkout's package, in a child process) and an
    edited copy of each file."""
    clean = corpus_dir / "voxml"
    code = (
        "import sys; sys.path.insert(0, 'tests/benchmarks'); from pathlib import Path; "
        "from bench_voxml import write_corpus; from corpus import DEFAULT_SEED; "
        "write_corpus(Path(sys.argv[1]), int(sys.argv[2]), DEFAULT_SEED)"
    )
    subprocess.run([sys.executable, "-c", code, str(clean), str(files)], check=True, cwd=ROOT)
    edited = corpus_dir / "voxml-edited"
    edited.mkdir()
    paths = sorted(clean.glob("*.voxml"))
    for index, path in enumerate(paths):
        rng = random.Random(f"{DEFAULT_SEED}-{index}")
        (edited / path.name).write_text(voxml_edits(path.read_text(encoding="utf-8"), rng), encoding="utf-8")
    return paths + sorted(edited.glob("*.voxml"))


def name_of(path: Path) -> str:
    for base in (ROOT, ROOT.parent):
        try:
            return str(path.relative_to(base)).replace("/", "__")
        except ValueError:
            continue
    return path.name


def take(out: Path, files: int, runs: int) -> None:
    if out.exists():
        shutil.rmtree(out)
    (out / "plans").mkdir(parents=True)
    (out / "traces").mkdir()
    corpus_dir = Path(tempfile.mkdtemp(prefix="voxxml-snapshot-"))
    generate_corpus(corpus_dir, files=files, seed=DEFAULT_SEED)
    paths = documents(corpus_dir)
    voxml_paths = voxml_corpus(corpus_dir, files)

    def neutral(text: str) -> str:
        """Paths as placeholders, so that snapshots taken in two checkouts compare."""
        return text.replace(str(corpus_dir), "<corpus>").replace(str(ROOT.parent), "<top>")

    lint = voxxml("lint", "--output-format", "json", "--exit-zero", *map(str, paths + voxml_paths))
    (out / "lint.json").write_text(neutral(lint.stdout) + neutral(lint.stderr), encoding="utf-8")
    half = len(voxml_paths) // 2  # the clean and the edited VoXML files: a quarter of the runs each
    if runs >= 0:
        chosen = paths[:runs] + voxml_paths[: runs // 4] + voxml_paths[half : half + runs // 4]
    else:
        chosen = paths + voxml_paths
    for path in chosen:
        if path.is_relative_to(corpus_dir):
            name = "__".join(("corpus",) + path.relative_to(corpus_dir).parts)
        else:
            name = name_of(path)
        plan = voxxml("compile", "--target", "enablex", str(path))
        (out / "plans" / f"{name}.json").write_text(
            json.dumps({"exit": plan.returncode, "stdout": neutral(plan.stdout), "stderr": neutral(plan.stderr)}, indent=1),
            encoding="utf-8",
        )
        traces = {}
        for label, script in SCRIPTS.items():
            run = voxxml("simulate", "--format", "json", *script, str(path))
            traces[label] = {"exit": run.returncode, "stdout": neutral(run.stdout), "stderr": neutral(run.stderr)}
        (out / "traces" / f"{name}.json").write_text(json.dumps(traces, indent=1), encoding="utf-8")
    shutil.rmtree(corpus_dir)


def compare(before: Path, after: Path) -> int:
    differing: list[str] = []

    def walk(cmp: filecmp.dircmp, prefix: str) -> None:
        differing.extend(f"{prefix}{n} (only before)" for n in cmp.left_only)
        differing.extend(f"{prefix}{n} (only after)" for n in cmp.right_only)
        _, mismatch, errors = filecmp.cmpfiles(cmp.left, cmp.right, cmp.common_files, shallow=False)
        differing.extend(f"{prefix}{n}" for n in mismatch + errors)
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(before, after), "")
    for line in differing:
        print(f"differs: {line}")
    total = sum(1 for p in before.rglob("*") if p.is_file())
    print(f"{len(differing)} of {total} snapshot files differ")
    return 1 if differing else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    taking = sub.add_parser("take", help="write a snapshot folder")
    taking.add_argument("out", type=Path)
    taking.add_argument("--files", type=int, default=300, help="generated corpus files to lint [300]")
    taking.add_argument("--runs", type=int, default=120, help="documents to compile and simulate, -1 for all [120]")
    comparing = sub.add_parser("compare", help="compare two snapshot folders")
    comparing.add_argument("before", type=Path)
    comparing.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "take":
        take(args.out, args.files, args.runs)
        return 0
    return compare(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())
