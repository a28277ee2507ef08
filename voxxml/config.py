"""Configuration: ``[tool.voxxml]`` in pyproject.toml, or voxxml.toml.

The nearest configuration file to a linted path wins (voxxml.toml before
pyproject.toml in the same folder; a pyproject.toml without [tool.voxxml] is
passed over). An unknown key or code is an error that names the file and the key.

    [tool.voxxml]
    select = ["VX0", "VX1"]          # codes or code prefixes; default: all
    ignore = ["VX010"]
    severity = { VX103 = "error" }
    per-file-ignores = { "legacy/*.voxxml" = ["VX102"] }
    fail-on = "warning"               # error (default) or warning
    context = "call"                  # call (default), conference or participant
    exclude = ["examples/broken/*"]   # skipped when walking directories
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

from .catalog import Severity, rules
from .diagnostics import Diagnostic
from .grammar import grammar

KEYS = ("select", "ignore", "severity", "per-file-ignores", "fail-on", "context", "exclude")
_PREFIX = re.compile(r"[A-Z]{2}[0-9]{0,3}")


class ConfigError(Exception):
    """A configuration file is invalid; the message names the file and the key."""


@dataclass(frozen=True)
class Settings:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, Severity] = field(default_factory=dict)
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    fail_on: Severity = Severity.ERROR
    context: str = "call"
    exclude: tuple[str, ...] = ()
    root: Path | None = None  # the folder of the configuration file; globs are relative to it
    source: Path | None = None

    def relative(self, path: Path) -> str:
        resolved = path.resolve()
        if self.root is not None and resolved.is_relative_to(self.root):
            return resolved.relative_to(self.root).as_posix()
        return path.as_posix()

    def excluded(self, path: Path) -> bool:
        relative = self.relative(path)
        return any(fnmatch(relative, pattern) or fnmatch(path.name, pattern) for pattern in self.exclude)

    def enabled(self, code: str, path: Path | None) -> bool:
        if self.select and not code.startswith(self.select):
            return False
        if code.startswith(self.ignore) if self.ignore else False:
            return False
        if path is not None and self.per_file_ignores:
            relative = self.relative(path)
            for pattern, codes in self.per_file_ignores.items():
                if fnmatch(relative, pattern) and code.startswith(codes):
                    return False
        return True

    def apply(self, diagnostics: list[Diagnostic], path: Path | None) -> list[Diagnostic]:
        """Keep the enabled diagnostics, with their configured severity."""
        kept = []
        for diagnostic in diagnostics:
            if not self.enabled(diagnostic.code, path):
                continue
            wanted = self.severity.get(diagnostic.code)
            kept.append(diagnostic if wanted is None or wanted == diagnostic.severity else diagnostic._replace(severity=wanted))
        return kept


def _codes(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where} must be a list of codes, e.g. [\"VX010\"]")
    known = rules()
    for item in value:
        if not _PREFIX.fullmatch(item) or not any(code.startswith(item) for code in known):
            raise ConfigError(f"{where}: unknown code '{item}'; known codes: {', '.join(known)}")
    return tuple(value)


def _choice(value: Any, choices: tuple[str, ...], where: str) -> str:
    if value not in choices:
        raise ConfigError(f"{where} = {value!r} is not valid; expected one of: {', '.join(choices)}")
    return value


def parse(table: dict[str, Any], source: Path, section: str) -> Settings:
    """Validate one configuration table."""
    where = f"{source}: {section}"
    unknown = sorted(set(table) - set(KEYS))
    if unknown:
        raise ConfigError(f"{where}: unknown key '{unknown[0]}'; valid keys: {', '.join(KEYS)}")
    severities = table.get("severity", {})
    if not isinstance(severities, dict):
        raise ConfigError(f"{where}.severity must be a table of code = \"error\" | \"warning\"")
    checked_severity = {}
    for code, level in severities.items():
        if code not in rules():
            raise ConfigError(f"{where}.severity: unknown code '{code}'; known codes: {', '.join(rules())}")
        checked_severity[code] = Severity(_choice(level, tuple(s.value for s in Severity), f"{where}.severity.{code}"))
    per_file = table.get("per-file-ignores", {})
    if not isinstance(per_file, dict):
        raise ConfigError(f"{where}.per-file-ignores must be a table of \"glob\" = [codes]")
    exclude = table.get("exclude", [])
    if not isinstance(exclude, list) or not all(isinstance(item, str) for item in exclude):
        raise ConfigError(f"{where}.exclude must be a list of glob patterns")
    return Settings(
        select=_codes(table.get("select", []), f"{where}.select"),
        ignore=_codes(table.get("ignore", []), f"{where}.ignore"),
        severity=checked_severity,
        per_file_ignores={glob: _codes(codes, f"{where}.per-file-ignores.\"{glob}\"") for glob, codes in per_file.items()},
        fail_on=Severity(_choice(table.get("fail-on", "error"), tuple(s.value for s in Severity), f"{where}.fail-on")),
        context=_choice(table.get("context", "call"), grammar().contexts, f"{where}.context"),
        exclude=tuple(exclude),
        root=source.parent.resolve(),
        source=source,
    )


def load(path: Path) -> Settings | None:
    """Settings from one file, or None for a pyproject.toml without [tool.voxxml]."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot be read: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("voxxml")
        return None if table is None else parse(table, path, "[tool.voxxml]")
    return parse(data, path, "voxxml.toml")


class Resolver:
    """Finds (and caches) the settings that apply to each path: the nearest configuration."""

    def __init__(self, overrides: dict[str, Any] | None = None) -> None:
        self.overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
        self._by_folder: dict[Path, Settings] = {}

    def for_path(self, path: Path) -> Settings:
        folder = (path if path.is_dir() else path.parent).resolve()
        return self._for_folder(folder)

    def _for_folder(self, folder: Path) -> Settings:
        if folder in self._by_folder:
            return self._by_folder[folder]
        settings = None
        for name in ("voxxml.toml", "pyproject.toml"):
            candidate = folder / name
            if candidate.is_file():
                settings = load(candidate)
                if settings is not None:
                    break
        if settings is None:
            if folder.parent == folder:
                settings = replace(Settings(), **self.overrides)
            else:
                settings = self._for_folder(folder.parent)  # overrides already applied there
        else:
            settings = replace(settings, **self.overrides)
        self._by_folder[folder] = settings
        return settings
