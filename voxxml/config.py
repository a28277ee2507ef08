"""Configuration: ``[tool.voxxml]`` in pyproject.toml, or voxxml.toml.

The nearest configuration file to a linted path wins (voxxml.toml before
pyproject.toml in the same folder; a pyproject.toml without [tool.voxxml] is
passed over); ``--config FILE`` names one file for every path, ``--isolated`` none,
and ``--config 'KEY = VALUE'`` settings win over every file's. An unknown key or
code is an error that names the file once, and the key.

    [tool.voxxml]
    select = ["VX0", "VX1"]          # codes or code prefixes; default: all
    ignore = ["VX010"]
    severity = { VX103 = "error" }
    per-file-ignores = { "legacy/*.voxxml" = ["VX102"] }
    fail-on = "warning"               # error (default) or warning
    context = "call"                  # call (default), conference or participant
    exclude = ["examples/broken/*"]   # skipped when walking directories (and named
                                      # files with --force-exclude)
    extend-select = ["VX112"]         # added to select
    dialect = "voxml"                 # the dialect every file is read with, or per glob:
                                      # dialect = { "legacy/*.xml" = "voxxml-v1", "*.xml" = "voxml" }
                                      # (the first glob that matches wins); default: by suffix
                                      # (.voxxml, .voxml), a .xml file's dialect detected from it

    [tool.voxxml.format]              # [format] in voxxml.toml
    quote-style = "double"            # double (default), single or preserve

Rule selection works like ruff's: the configuration, then the command line
(``--select`` starts over, ``--extend-select`` adds, ``--ignore`` removes); within
one of them the most specific prefix decides, and at equal length ignore wins.
A mistyped key, value or code gets a did-you-mean.
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Iterable

from .core.catalog import Severity, rules
from .core.diagnostics import Diagnostic, get_code
from .core.paths import parent, resolved
from .core.records import dataclass, field
from .dialects.voxxml_v1.grammar import grammar

if TYPE_CHECKING:
    from pathlib import Path

# Finding the configuration works on strings (``core/paths.py``): pathlib is imported once a file is found,
# for its globs (``Settings.relative``) and its folder (``Settings.root``).

KEYS = ("select", "extend-select", "ignore", "severity", "per-file-ignores", "fail-on", "context", "exclude", "format", "dialect")
FORMAT_KEYS = ("quote-style",)
QUOTE_STYLES = ("double", "single", "preserve")  # voxxml.dialects.voxxml_v1.formatter.QUOTE_STYLES (not imported: lxml is heavy)
_PREFIX = r"[A-Z]{2}[0-9]{0,3}"  # compiled (by re's cache) only when a configuration names codes


class ConfigError(Exception):
    """A configuration file is invalid; the message names the file and the key."""


@dataclass(frozen=True)
class Selection:
    """One layer of rule selection (the configuration's, or the command line's)."""

    select: tuple[str, ...] | None = None  # None: keep what the layers before enabled
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()

    def decide(self, code: str, enabled: bool) -> bool:
        """Whether ``code`` is enabled after this layer, given whether it was before."""
        if self.select is not None:
            enabled = False
        best = -1
        for prefixes, on in ((self.select or (), True), (self.extend_select, True), (self.ignore, False)):
            for prefix in prefixes:
                if code.startswith(prefix) and (len(prefix) > best or (len(prefix) == best and not on)):
                    best, enabled = len(prefix), on
        return enabled


@dataclass(frozen=True)
class Settings:
    """What applies to one file: rule selection, severities, per-file ignores, context, exclusions, dialect, format."""

    select: tuple[str, ...] = ()  # empty: every code
    ignore: tuple[str, ...] = ()
    severity: dict[str, Severity] = field(default_factory=dict)
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    fail_on: Severity = Severity.ERROR
    context: str = "call"
    exclude: tuple[str, ...] = ()
    root: Path | None = None  # the folder of the configuration file; globs are relative to it
    source: Path | None = None
    extend_select: tuple[str, ...] = ()
    command_line: Selection | None = None  # --select, --extend-select, --ignore
    quote_style: str = "double"  # voxxml format: double, single or preserve
    dialect: str | None = None  # the dialect of every file (``dialect = "voxml"``), or None
    dialect_globs: tuple[tuple[str, str], ...] = ()  # (glob, dialect), the first match wins over ``dialect``
    _decided: dict[str, bool] = field(default_factory=dict, init=False, repr=False, compare=False)
    _as_is: set[str] = field(default_factory=set, init=False, repr=False, compare=False)  # codes ``apply`` keeps unchanged in every file

    def selected(self, code: str) -> bool:
        """The rule selection's verdict on ``code`` (cached: called once per diagnostic)."""
        verdict = self._decided.get(code)
        if verdict is None:
            layers = [Selection(self.select or None, self.extend_select, self.ignore)]
            if self.command_line is not None:
                layers.append(self.command_line)
            verdict = True
            for layer in layers:
                verdict = layer.decide(code, verdict)
            self._decided[code] = verdict
        return verdict

    def relative(self, path: Path) -> str:
        resolved = path.resolve()
        if self.root is not None and resolved.is_relative_to(self.root):
            return resolved.relative_to(self.root).as_posix()
        return path.as_posix()

    def dialect_for(self, path: Path | str | None) -> str | None:
        """The dialect the configuration names for ``path`` (None: not configured)."""
        if path is not None and self.dialect_globs:
            from fnmatch import fnmatch
            from pathlib import Path

            path = Path(path)
            relative = self.relative(path)
            for pattern, name in self.dialect_globs:
                if fnmatch(relative, pattern) or fnmatch(path.name, pattern):
                    return name
        return self.dialect

    def excluded(self, path: Path | str) -> bool:
        if not self.exclude:  # most configurations: no path to resolve (nor a Path to make) for every file
            return False
        from fnmatch import fnmatch
        from pathlib import Path

        path = Path(path)
        relative = self.relative(path)
        return any(fnmatch(relative, pattern) or fnmatch(path.name, pattern) for pattern in self.exclude)

    def enabled(self, code: str, path: Path | None) -> bool:
        if not self.selected(code):
            return False
        if path is not None and self.per_file_ignores:
            from fnmatch import fnmatch

            relative = self.relative(path)
            for pattern, codes in self.per_file_ignores.items():
                if fnmatch(relative, pattern) and code.startswith(codes):
                    return False
        return True

    def apply(self, diagnostics: list[Diagnostic], path: Path | str | None) -> list[Diagnostic]:
        """Keep the enabled diagnostics, with their configured severity. Each code is judged once per call
        (a file has many findings of few codes), and ``path`` made a Path only when per-file-ignores need it.
        When every code is kept as it is (the default settings), the list is copied in C: a compile
        finalizes thousands of findings per file. Without per-file-ignores a verdict holds for every file, so
        the codes kept as they are are remembered (``_as_is``): a later file of only those is copied without a
        verdict (a compile's second finalize, and every file after the first). ``tests/test_finalize_fast_paths.py``
        and ``tests/test_compile_report_speed.py`` hold this to the loop."""
        if not diagnostics:
            return []
        codes = set(map(get_code, diagnostics))
        if codes <= self._as_is:  # every code judged before (a compile's second finalize, every file after the first)
            return list(diagnostics)
        if isinstance(path, str):
            if self.per_file_ignores:
                from pathlib import Path

                path = Path(path)
            else:
                path = None  # without per-file-ignores no rule reads the path
        verdicts = {code: self.enabled(code, path) for code in codes}
        severity = self.severity
        if not self.per_file_ignores:  # then a verdict holds for every file: remember the codes kept as they are
            self._as_is.update(code for code, on in verdicts.items() if on and code not in severity)
        if all(verdicts.values()) and severity.keys().isdisjoint(verdicts):
            return list(diagnostics)
        kept = []
        for diagnostic in diagnostics:
            if not verdicts[diagnostic.code]:
                continue
            wanted = severity.get(diagnostic.code)
            kept.append(diagnostic if wanted is None or wanted == diagnostic.severity else diagnostic._replace(severity=wanted))
        return kept


def did_you_mean(value: object, choices: Iterable[str]) -> str:
    """``; did you mean 'X'?`` for a near miss (case-insensitive first), else nothing."""
    if not isinstance(value, str):
        return ""
    from difflib import get_close_matches  # only for a mistake

    choices = list(choices)
    folded = {choice.casefold(): choice for choice in choices}
    match = folded.get(value.casefold()) or next(iter(get_close_matches(value, choices, n=1, cutoff=0.6)), None)
    return f"; did you mean '{match}'?" if match and match != value else ""


def check_codes(value: Any, where: str) -> tuple[str, ...]:
    """A list of known codes or code prefixes (``VX1``, ``VX102``); ``where`` names the setting."""
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where} must be a list of codes, e.g. [\"VX010\"]")
    if not value:
        return ()
    known = rules()
    for item in value:
        if not re.fullmatch(_PREFIX, item) or not any(code.startswith(item) for code in known):
            hint = did_you_mean(item, known) or f"; known codes: {', '.join(known)}"
            raise ConfigError(f"{where}: unknown code '{item}'{hint}")
    return tuple(value)


def _choice(value: Any, choices: tuple[str, ...], where: str) -> str:
    if value not in choices:
        raise ConfigError(f"{where} = {value!r} is not valid{did_you_mean(value, choices)}; expected one of: {', '.join(choices)}")
    return value


def parse(table: dict[str, Any], source: Path | str, section: str = "") -> Settings:
    """Validate one configuration table; errors name ``source`` once, then the key
    (prefixed with ``section``, e.g. ``tool.voxxml.``, for pyproject.toml)."""
    from pathlib import Path

    source = Path(source)

    def where(key: str) -> str:
        return f"{source}: {section}{key}"

    unknown = sorted(set(table) - set(KEYS))
    if unknown:
        key = unknown[0]
        hint = did_you_mean(key, KEYS) or did_you_mean(key.replace("_", "-"), KEYS)
        raise ConfigError(f"{source}: unknown key '{section}{key}'{hint}; valid keys: {', '.join(KEYS)}")
    severities = table.get("severity", {})
    if not isinstance(severities, dict):
        raise ConfigError(f"{where('severity')} must be a table of code = \"error\" | \"warning\"")
    checked_severity = {}
    for code, level in severities.items():
        if code not in rules():
            hint = did_you_mean(code, rules()) or f"; known codes: {', '.join(rules())}"
            raise ConfigError(f"{where('severity')}: unknown code '{code}'{hint}")
        checked_severity[code] = Severity(_choice(level, tuple(s.value for s in Severity), where(f"severity.{code}")))
    per_file = table.get("per-file-ignores", {})
    if not isinstance(per_file, dict):
        raise ConfigError(f"{where('per-file-ignores')} must be a table of \"glob\" = [codes]")
    exclude = table.get("exclude", [])
    if not isinstance(exclude, list) or not all(isinstance(item, str) for item in exclude):
        raise ConfigError(f"{where('exclude')} must be a list of glob patterns")
    formatting = table.get("format", {})
    if not isinstance(formatting, dict):
        raise ConfigError(f"{where('format')} must be a table, e.g. [{section}format] with quote-style = \"double\"")
    unknown = sorted(set(formatting) - set(FORMAT_KEYS))
    if unknown:
        hint = did_you_mean(unknown[0], FORMAT_KEYS) or did_you_mean(unknown[0].replace("_", "-"), FORMAT_KEYS)
        raise ConfigError(f"{source}: unknown key '{section}format.{unknown[0]}'{hint}; valid keys: {', '.join(FORMAT_KEYS)}")
    dialect, dialect_globs = _dialects(table.get("dialect"), where("dialect"))
    return Settings(
        dialect=dialect,
        dialect_globs=dialect_globs,
        select=check_codes(table.get("select", []), where("select")),
        extend_select=check_codes(table.get("extend-select", []), where("extend-select")),
        ignore=check_codes(table.get("ignore", []), where("ignore")),
        severity=checked_severity,
        per_file_ignores={glob: check_codes(codes, where(f'per-file-ignores."{glob}"')) for glob, codes in per_file.items()},
        fail_on=Severity(_choice(table.get("fail-on", "error"), tuple(s.value for s in Severity), where("fail-on"))),
        context=_choice(table.get("context", "call"), grammar().contexts, where("context")),
        exclude=tuple(exclude),
        quote_style=_choice(formatting.get("quote-style", "double"), QUOTE_STYLES, where("format.quote-style")),
        root=source.parent.resolve(),
        source=source,
    )


def _dialects(value: Any, where: str) -> tuple[str | None, tuple[tuple[str, str], ...]]:
    """``dialect = "name"`` or ``dialect = { "glob" = "name" }``, checked against the registered dialects."""
    from .dialects import dialects as registered  # names only: imports no dialect

    if value is None:
        return None, ()
    if isinstance(value, str):
        return _choice(value, registered(), where), ()
    if isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
        return None, tuple((glob, _choice(name, registered(), f'{where}."{glob}"')) for glob, name in value.items())
    raise ConfigError(f'{where} must be a dialect name, e.g. "voxml", or a table of "glob" = "name"')


def merged(table: dict[str, Any], inline: dict[str, Any]) -> dict[str, Any]:
    """``table`` with the command line's ``--config KEY=VALUE`` settings on top ([format] merged)."""
    if not inline:
        return table
    result = {**table, **inline}
    if isinstance(table.get("format"), dict) and isinstance(inline.get("format"), dict):
        result["format"] = {**table["format"], **inline["format"]}
    return result


_ALTSEP = os.altsep  # Windows: "/" separates too
INLINE_SOURCE = "--config"  # names settings given as --config KEY=VALUE in messages (``parse`` makes it a Path)


def inline_table(pairs: Iterable[str]) -> dict[str, Any]:
    """The ``--config 'KEY = VALUE'`` pairs as one validated table (TOML syntax, as ruff takes them)."""
    table: dict[str, Any] = {}
    for pair in pairs:
        import tomllib  # only when there are pairs: most runs have none

        try:
            table = merged(table, tomllib.loads(pair))
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"--config {pair!r}: not a TOML KEY = VALUE pair: {error}") from None
    if table:
        parse(table, INLINE_SOURCE)  # errors name --config, not a file
    return table


def load(path: Path, required: bool = False, inline: dict[str, Any] | None = None) -> Settings | None:
    """Settings from one file, or None for a pyproject.toml without [tool.voxxml]
    (an empty configuration when ``required``: a file named with --config).
    ``inline``: --config KEY=VALUE settings, which win over the file's."""
    import tomllib  # imported when a configuration file is found, not on every run

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else error
        raise ConfigError(f"{path}: cannot be read: {reason}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        table = tool.get("voxxml") if isinstance(tool, dict) else None
        if table is None:
            return parse(merged({}, inline or {}), path) if required else None
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: tool.voxxml must be a table")
        return parse(merged(table, inline or {}), path, "tool.voxxml.")
    return parse(merged(data, inline or {}), path)


class Resolver:
    """Finds (and caches) the settings that apply to each path: the nearest configuration.

    ``config``: one file for every path instead (``--config``); ``isolated``: no
    configuration file at all (``--isolated``). ``inline``: settings given as
    ``--config KEY=VALUE`` (a table, see inline_table), which win over every file's.
    ``overrides`` are Settings fields set from the command line (None values are ignored).
    """

    def __init__(
        self,
        overrides: dict[str, Any] | None = None,
        config: Path | None = None,
        isolated: bool = False,
        inline: dict[str, Any] | None = None,
    ) -> None:
        self.overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
        self.inline = inline or {}
        self._by_folder: dict[str, Settings] = {}  # resolved folder -> its settings
        self._by_name: dict[str, Settings] = {}  # a folder as the caller named it (as pathlib writes it) -> its settings
        self._by_file_folder: dict[str, Settings] = {}  # ``for_file``'s: a file's folder as written -> its settings
        self._fixed: Settings | None = None
        if isolated:
            self._fixed = replace(self._default(), **self.overrides)
        elif config is not None:
            settings = load(config, required=True, inline=self.inline)
            assert settings is not None
            self._fixed = replace(settings, **self.overrides)

    def for_path(self, path: Path | str) -> Settings:
        if self._fixed is not None:
            return self._fixed
        text = os.fspath(path)
        return self._for_named(text if os.path.isdir(text) else parent(text))

    def for_file(self, path: Path | str) -> Settings:
        """``for_path`` for a path the caller knows is a file (discovery's, a Path or its string): no stat of it."""
        if self._fixed is not None:
            return self._fixed
        text = os.fspath(path)
        cut = text.rfind(os.sep) if _ALTSEP is None else max(text.rfind(os.sep), text.rfind(_ALTSEP))
        folder = text[: cut + 1]  # the folder as written, up to its separator: a key, not a path
        settings = self._by_file_folder.get(folder)
        if settings is None:
            settings = self._by_file_folder[folder] = self._for_named(parent(text))
        return settings

    def _for_named(self, folder: str) -> Settings:
        # Resolved once per folder as named: resolving every file's path (a stat per part) cost
        # more than the lint of a small file.
        settings = self._by_name.get(folder)
        if settings is None:
            settings = self._by_name[folder] = self._for_folder(resolved(folder))
        return settings

    def _for_folder(self, folder: str) -> Settings:
        """``folder``: a resolved folder, as ``str(Path.resolve())`` writes it."""
        if folder in self._by_folder:
            return self._by_folder[folder]
        settings = None
        for name in ("voxxml.toml", "pyproject.toml"):
            candidate = os.path.join(folder, name)
            if os.path.isfile(candidate):
                from pathlib import Path

                settings = load(Path(candidate), inline=self.inline)
                if settings is not None:
                    break
        if settings is None:
            up = os.path.dirname(folder)
            if up == folder:
                settings = replace(self._default(), **self.overrides)
            else:
                settings = self._for_folder(up)  # overrides already applied there
        else:
            settings = replace(settings, **self.overrides)
        self._by_folder[folder] = settings
        return settings

    def _default(self) -> Settings:
        """No configuration file: the defaults, with the --config KEY=VALUE settings."""
        return parse(self.inline, INLINE_SOURCE) if self.inline else Settings()
