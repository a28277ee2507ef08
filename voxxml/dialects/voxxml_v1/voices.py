"""Amazon Polly voices (grammar/voxxml-v1/polly-voices.json): which voice speaks which language."""

from __future__ import annotations

from ...core.records import dataclass
from functools import cache

from ...core.resources import grammar_text
from . import DATA_FOLDER


@dataclass(frozen=True)
class Voice:
    """One Amazon Polly voice: the languages it speaks, and whether it has Standard and Neural engines."""

    id: str
    name: str
    language: str
    additional_languages: tuple[str, ...]
    gender: str
    standard: bool
    neural: bool

    @property
    def languages(self) -> tuple[str, ...]:
        return (self.language, *self.additional_languages)


@cache
def voices() -> dict[str, Voice]:
    import json  # the voice table is read when a voice is checked

    data = json.loads(grammar_text(DATA_FOLDER, "polly-voices.json"))
    return {
        entry["id"]: Voice(
            id=entry["id"],
            name=entry["name"],
            language=entry["language"],
            additional_languages=tuple(entry["additional_languages"]),
            gender=entry["gender"],
            standard=entry["standard"],
            neural=entry["neural"],
        )
        for entry in data["voices"]
    }


@cache
def standard_voices() -> dict[str, Voice]:
    return {voice_id: voice for voice_id, voice in voices().items() if voice.standard}


@cache
def standard_languages() -> tuple[str, ...]:
    return tuple(sorted({lang for voice in standard_voices().values() for lang in voice.languages}))


@cache
def standard_voices_for(language: str) -> tuple[str, ...]:
    return tuple(sorted(v.id for v in standard_voices().values() if language in v.languages))


@cache
def folded_standard() -> dict[str, str]:
    """Standard voice IDs by their folded ID and folded name ('celine', from 'Céline')."""
    standard = standard_voices()
    return {fold(v.name): v.id for v in standard.values()} | {fold(v): v for v in standard}


def fold(name: str) -> str:
    """Case- and accent-insensitive key: 'Céline' and 'celine' fold alike."""
    import unicodedata  # only for a voice the table does not name as written

    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
