"""TwiML (and its TeXML and cXML profiles) → VoxXML v1 or VoXML: what a TwiML document says differently
from the hub's other readers, rewritten before the target's own rules run (docs/convert.md, "From TwiML";
MAPPING.md §2-§4). One table per target; each transform is small and either rewrites or reports.

- **Action URLs.** A TwiML Gather with input, and a Dial, Record or Pay when it ends, post their result to
  ``action`` and the page returned replaces the rest of the document; without ``action`` a Gather and a
  Record request the same document again. VoXML has the same actions (kept as they are), but an absent
  one means "go on with the next verb" there: the default action (the same document) is CV120. v1 has no
  action at all: a Gather or Dial ``action`` becomes a Redirect after it, which fetches the page without
  the input or the outcome, and for a Gather also when there was no input, where TwiML goes on: always
  CV120 (even with ``actionOnEmptyResult`` the page does not get the input). A Gather without ``action``
  (the same document again) is CV120 and written without a Redirect: the document's URL is not known.
- **Numbers.** Twilio dials unformatted US numbers (``415-123-4567``): written as E.164 (``14151234567``;
  ``+14151234567`` for VoXML). v1 writes E.164 without ``+`` (``convert.v1`` strips it for every source).
- **Voices.** TwiML's built-in ``man``, ``woman``, ``alice`` (``man`` is TwiML's default) are not Polly
  voices: written as the standard Polly voice of the same gender for the Say's language (CV107). A Polly
  voice speaks its own language (TwiML's ``language`` only chooses the built-in voices' locale): a Say
  without a written ``language`` is given no language in v1 (the voice's) and the voice's in VoXML.
- **Gather defaults.** TwiML's unlimited ``numDigits`` is the hub's ``None`` (what VoXML reads), so each
  target's rules write its own form (v1: CV102, 30 digits; VoXML: its default). TwiML's timeout (5) and
  the other values map as they are; the target's writer writes them where its defaults differ.
- **Status callbacks** (v1): a Number's events ``initiated ringing answered completed`` are v1's
  ``queued ringing answered complete noConnect`` (TwiML's ``completed`` also covers the calls v1 calls
  ``noConnect``; ``initiated`` is v1's ``queued`` only approximately, CV121). With no ``statusCallback``
  the events mean nothing and are left out. A Conference's ``mute`` event carries the muted flag, so it is
  v1's ``mute unmute``; ``hold``, ``modify``, ``speaker``, ``announcement`` have no v1 form (CV121).
- **Callbacks** (v1): a Number in a v1 Dial reports to the Dial's statusCallback (its own have no effect);
  TwiML's are per Number: the first Number's move to the Dial, and a Number whose own differ is CV102.
- **Dial > Conference** (v1): v1's Conference is a verb of its own (join, then go on), which is what a TwiML
  Dial holding one Conference does without an action (the Dial's own settings are CV102).
- **Recording settings** of a Dial that does not record (TwiML's default trim is trim-silence) mean
  nothing: set back to the hub's defaults, not reported.
- **Pause** longer than 60 s (v1's maximum): several Pauses.
- **SSML** markup in a Say and ``<Parameter>`` children of Hangup and Reject have no form in either target:
  CV102, the words are kept.

Everything else is the generic pass's: elements the target lacks (Record, Client, Sip, Connect, Start...)
are CV101, settings it lacks CV102, values its types cannot hold (a relative URL for v1, a room name with
spaces, an attribute the target requires and TwiML does not) CV121.
"""

from __future__ import annotations

from typing import Any

from ..dialects.voxxml_v1.voices import standard_voices, voices
from ..hub.nodes import Conference, Dial, Gather, Hangup, Node, Number, Pause, Play, Record, Redirect, Reject, Say, settings
from .transforms import Context, Rules, reset, source_attribute, source_default, written

BUILTIN_GENDERS = {"man": "Male", "woman": "Female", "alice": "Female"}  # twiml.md §2 Say; the vocabulary's ``genders``
PREFERRED_VOICES = ("Joanna", "Matthew")  # the usual en-US pair: chosen first where they fit
V1_MAX_PAUSE = 60
CALL_LIMIT = 14_400  # seconds: four hours, the longest a call lasts (Twilio's and the hub Dial's timeLimit default)
_FORMATTING = str.maketrans("", "", "-. ()")

# TwiML Number statusCallbackEvent -> v1's (MAPPING.md §2 Number): None marks an approximation.
V1_CALL_EVENTS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "initiated": (("queued",), "TwiML's initiated (the call is being placed) is written as v1's queued (the call is queued)"),
    "ringing": (("ringing",), None),
    "answered": (("answered",), None),
    "completed": (("complete", "noConnect"), None),  # TwiML's completed covers the calls v1 calls noConnect
}
# TwiML Conference statusCallbackEvent -> v1's: None for an event v1 has no form of.
V1_CONFERENCE_EVENTS: dict[str, tuple[str, ...] | None] = {
    "start": ("start",), "end": ("end",), "join": ("join",), "leave": ("leave",), "mute": ("mute", "unmute"),
    "hold": None, "modify": None, "speaker": None, "announcement": None,
}


# ------------------------------------------------------------------------------ numbers


def e164(number: str, plus: bool) -> str | None:
    """A number Twilio dials, as E.164 (with ``+`` when ``plus``); None when it is not a phone number.
    Formatting characters mean an unformatted US number when ten digits remain (twiml.md: "unformatted US
    numbers accepted"); plain digits are kept as they are."""
    text = number.strip()
    has_plus = text.startswith("+")
    digits = text[1:] if has_plus else text
    bare = digits.translate(_FORMATTING)
    if not bare.isascii() or not bare.isdigit() or not 1 <= len(bare) <= 15:
        return None
    if not has_plus and bare != digits and len(bare) == 10:
        bare = "1" + bare
    return ("+" if plus and (has_plus or bare != digits) else "") + bare


def _numbers(node: Any, plus: bool, fields: tuple[str, ...]) -> Any:
    changes = {}
    for name in fields:
        value = getattr(node, name)
        written_number = e164(value, plus) if value is not None else None
        if written_number is not None and written_number != value:
            changes[name] = written_number
    return reset(node, **changes) if changes else node


def _number_v1(node: Number, context: Context) -> list[Node]:
    number = _numbers(node, False, ("number", "caller_id"))
    return [reset(number, status_callback_event=_call_events(node, context))]


def _number_voxml(node: Number, context: Context) -> list[Node]:
    return [_numbers(node, True, ("number", "caller_id"))]


def _call_events(node: Number, context: Context) -> tuple[str, ...]:
    if node.status_callback is None:
        return ()  # no callback: the events are sent nowhere in either dialect
    events: list[str] = []
    for event in node.status_callback_event:
        mapped, approximation = V1_CALL_EVENTS.get(event, ((), f"TwiML's {event} has no v1 form"))
        if approximation is not None:
            context.report(
                "CV121", node, f"Number statusCallbackEvent '{event}': {approximation}",
                "v1's events are queued, ringing, answered, complete, noConnect", source_attribute(node, "status_callback_event"),
            )
        events.extend(e for e in mapped if e not in events)
    return tuple(events)


# A Dial's recording settings: they mean nothing while it does not record (TwiML's default trim is
# trim-silence, the hub's and VoXML's do-not-trim; neither is heard unless the call is recorded).
RECORDING = ("trim", "recording_track", "recording_status_callback", "recording_status_callback_method", "recording_status_callback_event")


def _not_recording(node: Dial) -> Dial:
    if node.record != "do-not-record":
        return node
    hub = dict(settings(Dial))
    return reset(node, **{name: hub[name] for name in RECORDING if getattr(node, name) != hub[name]})


def _dial_voxml(node: Dial, context: Context) -> list[Node]:
    return [_numbers(_not_recording(node), True, ("caller_id",))]


def _dial_v1(node: Dial, context: Context) -> list[Node]:
    dial = _numbers(_not_recording(node), False, ("caller_id",))
    if len(dial.numbers) == 1 and isinstance(dial.numbers[0], Conference):
        for name, _ in _written_settings(dial):
            context.report(
                "CV102", dial,
                f"Dial {source_attribute(dial, name) or name}={getattr(dial, name)!r} has no v1 form: v1's Conference is a verb of "
                "its own, not a Dial noun; it is left out",
                "v1 joins the conference and goes on with the next verb, as a TwiML Dial without settings does", source_attribute(dial, name),
            )
        return [_conference(dial.numbers[0], context)]
    dial = _callbacks_on_the_dial(dial, context)
    if dial.action is None:
        return [dial]
    redirect = _redirect_to(dial, dial.action, context, "when the dialled call ends, TwiML posts its outcome (DialCallStatus) to")
    return [_without_action(dial, context)] + ([redirect] if redirect is not None else [])


CALLBACKS = ("status_callback", "status_callback_method", "status_callback_event")


def _callbacks_on_the_dial(dial: Dial, context: Context) -> Dial:
    """v1's Numbers in a Dial use the Dial's callback settings (their own have no effect, VX106); TwiML's are
    per Number. The first Number's move to the Dial; a Number whose own differ from them (none at all
    included: it would get the Dial's) is CV102."""
    numbers = [number for number in dial.numbers if isinstance(number, Number)]
    first = next((number for number in numbers if number.status_callback is not None), None)
    if first is None:
        return dial
    chosen = tuple(getattr(first, name) for name in CALLBACKS)
    for number in numbers:
        if tuple(getattr(number, name) for name in CALLBACKS) != chosen:
            context.report(
                "CV102", number,
                f"this Number's callback settings differ from the first's ({first.status_callback!r}); a v1 Number in a Dial uses the "
                "Dial's, which are written as the first Number's, so this Number's calls report there",
                "give every Number of the Dial the same statusCallback settings", source_attribute(number, "status_callback"),
            )
    plain = {name: default for name, default in settings(Number) if name in CALLBACKS}
    moved = [reset(number, **plain) if isinstance(number, Number) else number for number in dial.numbers]
    return reset(dial, numbers=moved, **dict(zip(CALLBACKS, chosen)))


def _written_settings(node: Node) -> list[tuple[str, Any]]:
    return [(name, default) for name, default in settings(type(node)) if written(node, name) and getattr(node, name) != source_default(node, name)]


def _conference(node: Conference, context: Context) -> Conference:
    """A Dial's Conference as v1's Conference verb: its events in v1's terms."""
    if node.status_callback is None:
        return reset(node, status_callback_event=())
    events: list[str] = []
    for event in node.status_callback_event or ():
        mapped = V1_CONFERENCE_EVENTS.get(event)
        if mapped is None:
            context.report(
                "CV121", node, f"Conference statusCallbackEvent '{event}' has no v1 form; it is left out",
                "v1's conference events are start, end, join, leave, dtmf, mute, unmute, muteAll, unmuteAll",
                source_attribute(node, "status_callback_event"),
            )
            continue
        events.extend(e for e in mapped if e not in events)
    return reset(node, status_callback_event=tuple(events))


# ------------------------------------------------------------------------------- actions


def _without_action(node: Any, context: Context) -> Any:
    return reset(node, action=None, method="POST", **({"action_on_empty_result": False} if isinstance(node, Gather) else {}))


def _redirect_to(node: Node, url: str, context: Context, what: str) -> Node | None:
    """v1's nearest to an action: a Redirect after the node (a relative URL resolves against the document's
    URL in both dialects). None when there is no action: TwiML's default, the same document, whose URL is
    not known here. Reported with the caller's wording plus why it is not the same."""
    method = getattr(node, "method", "POST")
    attribute = source_attribute(node, "action")
    if not url:
        context.report(
            "CV120", node,
            f"{_tag(node)} has no action, so TwiML requests this same document again (the call starts over); v1 has no actions "
            "and the document's own URL is not known here: the call goes on with the next verb",
            "write the action URL in the source to have it written as a Redirect", attribute,
        )
        return None
    tail = ""
    if isinstance(node, Gather) and not node.action_on_empty_result:
        tail = "; TwiML goes on with the next verb when there is no input, the Redirect fetches it either way"
    context.report(
        "CV120", node,
        f"{_tag(node)} action={url!r}: {what} it; v1 has no actions, so it is written as a Redirect after the "
        f"{_tag(node)}, which fetches it without the result{tail}",
        "have the page at the action URL read what it needs another way, or accept the approximation with --allow-approximate", attribute,
    )
    redirect = Redirect(url=url, method=method)
    redirect.source, redirect.index = node.source, node.index
    return redirect


def _tag(node: Node) -> str:
    return node.TAG


def _unlimited(node: Gather) -> Gather:
    """TwiML's "unlimited" numDigits (``dialects.twiml.grammar.UNLIMITED_DIGITS``) is the hub's None."""
    return reset(node, num_digits=None) if node.num_digits is not None and node.num_digits >= 4096 else node


def _gather_v1(node: Gather, context: Context) -> list[Node]:
    gather = _unlimited(node)
    if gather.action is None:
        return [gather]
    redirect = _redirect_to(gather, gather.action, context, "on input TwiML posts the digits or speech to")
    return [_without_action(gather, context)] + ([redirect] if redirect is not None else [])


def _gather_voxml(node: Gather, context: Context) -> list[Node]:
    return [_default_action(_unlimited(node), context)]


def _default_action(node: Any, context: Context) -> Any:
    """VoXML: the actions are the same, but without one VoXML goes on where TwiML requests the same document."""
    if node.action != "":
        return node
    context.report(
        "CV120", node,
        f"{_tag(node)} has no action, so TwiML requests this same document again (the call starts over); VoXML's {_tag(node)} "
        "without an action goes on with the next verb, and the document's own URL is not known here",
        "write the action URL in the source", None,
    )
    return reset(node, action=None)


def _record_voxml(node: Record, context: Context) -> list[Node]:
    return [_default_action(node, context)]


# -------------------------------------------------------------------------------- speech


def builtin_voice(name: str, language: str | None) -> tuple[str, str]:
    """The standard Polly voice nearest a TwiML built-in voice (same gender and language where one exists)
    and how it differs."""
    gender = BUILTIN_GENDERS[name]
    language = language or "en-US"
    speaking = [v for v in standard_voices().values() if language in v.languages]
    same = [v.id for v in speaking if v.gender == gender]
    pool = same or [v.id for v in speaking] or ["Joanna"]
    chosen = min(pool, key=lambda voice: (voice not in PREFERRED_VOICES, voice))
    if same:
        how = f"{gender.lower()}, {language}"
    else:
        how = f"no {gender.lower()} standard voice speaks {language}" if speaking else f"no standard voice speaks {language}"
    return chosen, how


def _say_v1(node: Say, context: Context) -> list[Node]:
    return _say(node, context, qualified=False)


def _say_voxml(node: Say, context: Context) -> list[Node]:
    return _say(node, context, qualified=True)


def _say(node: Say, context: Context, qualified: bool) -> list[Node]:
    """``qualified``: the target names voices with their provider and gives a Say its language (VoXML);
    v1 names the voice alone, and a Say without a language speaks the voice's."""
    changes: dict[str, Any] = {}
    voice, language = node.voice, node.language
    if voice in BUILTIN_GENDERS:
        chosen, how = builtin_voice(voice, language)
        where = "TwiML's default voice" if not written(node, "voice") else "a TwiML built-in voice"
        target = f"Polly.{chosen}" if qualified else chosen
        context.report(
            "CV107", node,
            f"voice '{voice}' ({where}) is not a {context.target.summary} voice; written as '{target}' ({how})",
            "choose a Polly voice in the source", source_attribute(node, "voice") if written(node, "voice") else None,
        )
        changes["voice"] = f"Polly.{chosen}"
        known = voices().get(chosen)
        changes["language"] = known.language if qualified and known is not None else None
    elif not written(node, "language") and voice.startswith("Polly."):
        # A Polly voice speaks its own language; TwiML's language (default en-US) is not what the caller hears.
        known = voices().get(voice[6:].split("-", 1)[0])
        changes["language"] = known.language if qualified and known is not None else None
    extras = dict(node.extras)
    if "ssml" in extras:
        kinds = sorted({part.kind for part in extras.pop("ssml") if isinstance(part, Node)})
        context.report(
            "CV102", node,
            f"the SSML markup in this Say ({', '.join(f'<{kind}>' for kind in kinds)}) has no {context.target.summary} form; "
            "the words are spoken without it",
            "write the words as they should be spoken", None,
        )
    said = reset(node, **changes) if changes else node
    if extras != dict(node.extras):
        said = reset(said, extras=extras)
    return [said]


def _parameters(node: Hangup | Reject, context: Context) -> list[Node]:
    """Hangup's and Reject's <Parameter> children (passed to the status callback) ride in extras."""
    extras = dict(node.extras)
    children = extras.pop("children", None)
    if not children:
        return [node]
    names = ", ".join(repr(getattr(child, "name", "")) for child in children)
    context.report(
        "CV102", node,
        f"the <Parameter> children of this {node.TAG} ({names}) have no {context.target.summary} form; they are left out",
        "pass the values to the status callback another way", None,
    )
    return [reset(node, extras=extras)]


def _play_v1(node: Play, context: Context) -> list[Node]:
    """A Play that only sends DTMF (no URL) has nothing to play in v1, which has no digits."""
    if node.digits is not None and not node.url:
        context.report(
            "CV101", node,
            f"this Play only sends the DTMF digits '{node.digits}'; v1's Play has no digits and needs an audio URL: it is left out",
            "send the digits another way", source_attribute(node, "digits"),
        )
        return []
    return [node]


def _pause_v1(node: Pause, context: Context) -> list[Node]:
    """v1's Pause is at most 60 s: a longer one is several, up to a call's longest life (TwiML's Pause has
    no maximum: a longer one is written as CALL_LIMIT seconds, CV121, never as millions of Pauses)."""
    if node.length <= V1_MAX_PAUSE:
        return [node]
    length = node.length
    if length > CALL_LIMIT:
        context.report(
            "CV121", node,
            f"Pause length='{length}' is longer than a call can last ({CALL_LIMIT} s, four hours); it is written as {CALL_LIMIT} s",
            "end the call with <Hangup/> instead", source_attribute(node, "length"),
        )
        length = CALL_LIMIT
    whole, rest = divmod(length, V1_MAX_PAUSE)
    return [reset(node, length=V1_MAX_PAUSE) for _ in range(whole)] + ([reset(node, length=rest)] if rest else [])


_BOTH = {Hangup: _parameters, Reject: _parameters}

RULES: dict[str, Rules] = {
    "voxxml-v1": Rules(
        dialect="voxxml-v1",
        transforms={**_BOTH, Number: _number_v1, Dial: _dial_v1, Gather: _gather_v1, Say: _say_v1, Play: _play_v1, Pause: _pause_v1},
    ),
    "voxml": Rules(
        dialect="voxml",
        transforms={**_BOTH, Number: _number_voxml, Dial: _dial_voxml, Gather: _gather_voxml, Say: _say_voxml, Record: _record_voxml},
    ),
}

__all__ = ["BUILTIN_GENDERS", "RULES", "V1_CALL_EVENTS", "V1_CONFERENCE_EVENTS", "builtin_voice", "e164"]
