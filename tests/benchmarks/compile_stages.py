"""The stages of ``voxxml compile`` over a folder's files, in one process, for instruction counts (callgrind).

    PYTHONHASHSEED=0 valgrind --tool=callgrind --callgrind-out-file=/dev/null \\
        "$(python -c 'import sys; print(sys.executable)')" tests/benchmarks/compile_stages.py STAGE DIR

Each stage does what the one before does, and more; the difference of two stages' counts is one
part's work (issue 14's sixth round divided compile's time this way: docs/compile.md):

0. the imports and reading the files (the set-up every other stage subtracts);
1. reading, checking and finalizing every file (``pipeline.checked``: the lint's work);
2. every compiled file's span dicts (``element_span_dicts``: the span outline);
3. ``compile_document`` with the span tables of stage 2 (so 3 - 2 is the compiler's own work);
4. the plans rendered as the command writes them (orjson);
5. the second finalize (``pipeline.finalize`` of the checks' findings with the compiler's, as ``run`` does);
6. each compiled file's report as the command prints it to a file or a pipe (``reporters.text.plain_report``);
7. the plans written under ``--out`` (``ManyRun.write``: the system calls' user-space share).

A whole ``voxxml compile -j 1 --target enablex DIR -o OUT`` minus stage 7 is what the command adds around
these: its own imports, discovery, the configuration, ``Outcome``, printing the reports, the summary.

The first 300 files of DIR (sorted), read as v1 unless ``--dialect`` names another. Run one whole
``voxxml`` command in a new checkout first: this script ends with ``os._exit`` (no teardown to count),
which also skips saving the dataclass recipe cache, so without one saved every stage counts its making.
"""

from __future__ import annotations

import argparse
import gc
import os
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stage", type=int, choices=range(8))
    parser.add_argument("folder", type=Path)
    parser.add_argument("--dialect", default="voxxml-v1")
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--out", type=Path, default=Path("/tmp/compile-stages-plans"), help="where stage 7 writes the plans")
    args = parser.parse_args()
    gc.disable()  # as the command runs: no cycles are made

    from voxxml.config import Settings
    from voxxml.core.source import SourceMap
    from voxxml.pipeline import checked, finalize
    from voxxml.targets import get_target

    files = sorted(str(path) for path in args.folder.iterdir() if path.is_file())[: args.files]
    data = [Path(name).read_bytes() for name in files]
    settings, target = Settings(), get_target("enablex")
    if args.stage >= 1:
        results = [checked(text, name, settings, args.dialect) for text, name in zip(data, files)]
        compiled = [(result, name, found) for (result, found), name in zip(results, files) if result.document is not None and not result.error_count]
    if args.stage >= 2:
        made = {id(result.source): result.source.element_span_dicts() for result, _, _ in compiled}
    if args.stage >= 3:
        SourceMap.element_span_dicts = lambda self: made[id(self)]  # type: ignore[method-assign]  # the compiler's own work only
        from voxxml.core.diagnostics import placing

        plans = []
        for result, name, _ in compiled:
            with placing(name):  # as ``pipeline.run`` compiles: its findings made in their file
                plans.append(target.compile(result.document, name))
    if args.stage >= 4:
        rendered = [target.render_bytes(compilation.plan, "json") for compilation in plans]
    if args.stage >= 5:
        codes = frozenset(target.codes)
        for (result, name, found), compilation in zip(compiled, plans):
            result.diagnostics = finalize(found + compilation.diagnostics, result.source, settings, name, codes)
    if args.stage >= 6:
        from voxxml.cli.compiling import _QUIET
        from voxxml.reporters.text import plain_report

        reports = [plain_report(result, _QUIET) for result, _, _ in compiled]
    if args.stage >= 7:
        from voxxml.cli.compiling import ManyRun

        many = ManyRun("enablex", None, "json", None, {})
        for (_, name, _), plan in zip(compiled, rendered):
            many.write(args.out / (Path(name).stem + ".json"), plan)
    os._exit(0)


if __name__ == "__main__":
    main()
