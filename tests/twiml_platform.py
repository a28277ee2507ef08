"""A scripted TwiML platform: what Twilio does with the TwiML a voice URL returns, for the tests.

    platform = TwimlPlatform(httpx.Client(), loop_cap=3)
    trace = platform.call("http://127.0.0.1:PORT/twiml/ivr/start", CallerScript(...))

It requests the URL (a form-encoded POST with CallSid, From, To, CallStatus, as Twilio does), reads
the answer with lxml (not with voxxml's reader: the platform must not share the code it tests) and
executes Say, Play, Pause, Gather, Dial, Redirect, Hangup and Reject as twiml.md §0-§2 describes
them: a Gather that gets input requests its ``action`` (by default the document's own URL) with
``Digits`` or ``SpeechResult`` and the answer replaces the rest; without input it falls through (or
requests the action with ``actionOnEmptyResult``); a Dial with ``action`` posts ``DialCallStatus``;
a Redirect requests its URL; relative URLs resolve against the document's URL. With an auth token
every request carries X-Twilio-Signature.

The caller is a ``CallerScript`` (runtime/caller.py): its inputs, dial outcomes and hang-up point,
and whether fetching a document elsewhere fails. The trace is in ``voxxml simulate``'s event format.
A URL on the served origin is the converted call's own link: followed, and not an event (the caller
hears nothing of it). Any other URL (the source's own Redirects and actions) is an event, as in the
simulator, and the call leaves (or, with ``redirect_fails``, goes on with the next verb).

What "until hang-up" means is the simulator's loop cap, so that the traces compare: a loop='0' plays
``loop_cap`` times, then the call is hung up (``capped``); a longer loop stops the trace there.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
from lxml import etree

from voxxml.dialects.voxxml_v1.voices import voices
from voxxml.runtime.caller import Caller, CallerScript, accept_input
from voxxml.runtime.trace import Event, continues

BUILTIN_GENDERS = {"man": "male", "woman": "female", "alice": "female"}  # twiml.md §2 Say
MAX_REQUESTS = 500  # per call: a converted call that never ends is an error, not a hang


class PlatformError(AssertionError):
    """The served TwiML broke the platform's expectations (a bad status, not TwiML, a loop of requests)."""


class _Ended(Exception):
    pass


def signature(token: str, url: str, params: dict[str, str]) -> str:
    payload = url + "".join(k + v for k, v in sorted(params.items()))
    return base64.b64encode(hmac.new(token.encode(), payload.encode(), hashlib.sha1).digest()).decode()


def voice_of(voice: str, language: str | None) -> tuple[str, str]:
    """(gender, language) of a TwiML voice: a built-in one, or Polly.NAME[-Engine] from the catalogue."""
    if voice in BUILTIN_GENDERS:
        return BUILTIN_GENDERS[voice], language or "en-US"
    found = voices().get(voice.split(".", 1)[-1].split("-", 1)[0]) if voice.startswith("Polly.") else None
    if found is None:
        return "female", language or "en-US"
    return found.gender.lower(), language or found.language


class TwimlPlatform:
    _sids = itertools.count(1)

    def __init__(self, client: httpx.Client, loop_cap: int = 10, auth_token: str | None = None) -> None:
        self.client = client
        self.loop_cap = loop_cap
        self.auth_token = auth_token
        self.requests: list[tuple[str, str, dict[str, str], int]] = []  # (method, url, form, status)

    # ------------------------------------------------------------------------------- a call
    def call(self, url: str, script: CallerScript) -> list[Event]:
        self.origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
        self.caller = Caller(script)
        self.script = script
        self.trace: list[Event] = []
        self.units = 0
        self.ran = False
        self.sid = f"CA{next(self._sids):032x}"
        self.count = 0
        try:
            target: tuple[str, str, dict[str, str]] | None = (url, "POST", {})
            while target is not None:
                document_url, root = self._request(*target)
                target = self._execute(root, document_url)
        except _Ended:
            pass
        return self.trace

    def _request(self, url: str, method: str, params: dict[str, str]) -> tuple[str, Any]:
        self.count += 1
        if self.count > MAX_REQUESTS:
            raise PlatformError(f"more than {MAX_REQUESTS} requests in one call")
        form = {"CallSid": self.sid, "AccountSid": "AC" + "0" * 32, "From": "+15550009999", "To": "+15550001234", "CallStatus": "in-progress", "Direction": "inbound", **params}
        headers = {}
        if method == "GET":
            full = str(httpx.URL(url).copy_merge_params(form))
            if self.auth_token:
                headers["X-Twilio-Signature"] = signature(self.auth_token, full, {})
            response = self.client.get(full, headers=headers)
        else:
            if self.auth_token:
                headers["X-Twilio-Signature"] = signature(self.auth_token, url, form)
            response = self.client.post(url, data=form, headers=headers)
        self.requests.append((method, url, params, response.status_code))
        if response.status_code != 200:
            raise PlatformError(f"{method} {url} {params}: HTTP {response.status_code}: {response.text[:300]}")
        try:
            root = etree.fromstring(response.content, etree.XMLParser(resolve_entities=False, no_network=True))
        except etree.XMLSyntaxError as error:
            raise PlatformError(f"{url}: not XML: {error}") from None
        if root.tag != "Response":
            raise PlatformError(f"{url}: the root is <{root.tag}>, not <Response>")
        return url, root

    # ---------------------------------------------------------------------------- events
    def emit(self, event: Event) -> None:
        """As the simulator: a new thing to hear counts against the caller's patience (hangup_after)."""
        limit = self.script.hangup_after
        previous = self.trace[-1] if self.trace else None
        if limit is not None and not continues(previous, event):
            if self.units >= limit:
                self.trace.append({"event": "caller-hangup"})
                raise _Ended
            self.units += 1
        self.trace.append(event)
        if event["event"] in ("hangup", "reject"):
            raise _Ended

    def repeated(self, loop: int, event: Event, endless_ok: bool = False) -> None:
        times = loop if 0 < loop <= self.loop_cap else self.loop_cap
        for _ in range(times):
            self.emit(dict(event))
        if loop == 0 and not endless_ok:
            self.emit({"event": "capped", "after": times})
            self.emit({"event": "hangup"})
        elif loop > times:
            self.emit({"event": "capped", "after": self.loop_cap, "of": loop})
            raise _Ended

    def leave(self, url: str, method: str, event: Event, params: dict[str, str]) -> tuple[str, str, dict[str, str]] | None:
        """A request for the next document: followed on the served origin; elsewhere an event, and the
        call leaves unless the script says that fetch fails (then the next verb runs)."""
        if url.startswith(self.origin + "/"):
            return url, method, params
        self.emit(event)
        if not self.script.redirect_fails:
            raise _Ended
        return None

    # --------------------------------------------------------------------------- verbs
    def _execute(self, root: Any, base: str) -> tuple[str, str, dict[str, str]] | None:
        for verb in root:
            if not isinstance(verb.tag, str):
                continue  # a comment
            first = not self.ran
            # a Redirect on the served origin is the converted call's own link, not a verb of the call (it
            # answers nothing: a Reject after it still rejects); any other verb has run
            self.ran = self.ran or not (verb.tag == "Redirect" and urljoin(base, (verb.text or "").strip()).startswith(self.origin + "/"))
            method = (verb.get("method") or "POST").upper()
            tag = verb.tag
            if tag == "Say":
                self.repeated(int(verb.get("loop", "1")), self._say(verb))
            elif tag == "Play":
                self.repeated(int(verb.get("loop", "1")), {"event": "play", "url": urljoin(base, (verb.text or "").strip())})
            elif tag == "Pause":
                self.emit({"event": "pause", "seconds": int(verb.get("length", "1"))})
            elif tag == "Hangup":
                self.emit({"event": "hangup"})
            elif tag == "Reject":
                if first:
                    self.emit({"event": "reject", "reason": verb.get("reason")} if verb.get("reason") else {"event": "reject"})
            elif tag == "Redirect":
                url = urljoin(base, (verb.text or "").strip())
                target = self.leave(url, method, {"event": "redirect", "url": url, "method": method}, {})
                if target is not None:
                    return target
            elif tag == "Gather":
                target = self._gather(verb, base, method)
                if target is not None:
                    return target
            elif tag == "Dial":
                target = self._dial(verb, base, method)
                if target is not None:
                    return target
            else:
                raise PlatformError(f"the platform does not run <{tag}>")
        self.emit({"event": "hangup"})  # the end of the document ends the call
        return None

    def _say(self, verb: Any) -> Event:
        gender, language = voice_of(verb.get("voice", "man"), verb.get("language"))
        text = "".join(verb.itertext())
        return {"event": "say", "text": text, "voice": verb.get("voice", "man"), "gender": gender, "language": language, "separate_numbers": False}

    def _gather(self, verb: Any, base: str, method: str) -> tuple[str, str, dict[str, str]] | None:
        for prompt in verb:
            if not isinstance(prompt.tag, str):
                continue
            if prompt.tag == "Pause":
                self.emit({"event": "pause", "seconds": int(prompt.get("length", "1"))})
            elif prompt.tag == "Say":
                self.repeated(int(prompt.get("loop", "1")), self._say(prompt), endless_ok=True)
            elif prompt.tag == "Play":
                self.repeated(int(prompt.get("loop", "1")), {"event": "play", "url": urljoin(base, (prompt.text or "").strip())}, endless_ok=True)
        given = self.caller.next_input()
        modes = tuple((verb.get("input") or "dtmf").split())
        num_digits = int(verb.get("numDigits", "1000000"))
        value = accept_input(given, modes, num_digits, verb.get("finishOnKey", "#"))
        self.emit({"event": "gather", "input": value})
        if not value and verb.get("actionOnEmptyResult") != "true":
            return None  # falls through
        params = {"SpeechResult": value, "Confidence": "0.9"} if given.kind == "speech" and value else {"Digits": value}
        url = urljoin(base, verb.get("action") or base)
        return self.leave(url, method, {"event": "fetch", "url": url, "method": method, "element": "Gather"}, params)

    def _dial(self, verb: Any, base: str, method: str) -> tuple[str, str, dict[str, str]] | None:
        numbers = [(n.text or "").strip() for n in verb if isinstance(n.tag, str) and n.tag == "Number"]
        if not numbers and (verb.text or "").strip():
            numbers = [(verb.text or "").strip()]
        status = "failed"
        if numbers:
            outcome = self.caller.next_dial()
            event: Event = {"event": "dial", "numbers": numbers, "outcome": outcome.outcome}
            if outcome.outcome == "answered":
                event["seconds"] = outcome.seconds
            self.emit(event)
            status = "completed" if outcome.outcome == "answered" else outcome.outcome
        action = verb.get("action")
        if action is None:
            return None
        url = urljoin(base, action)
        return self.leave(url, method, {"event": "fetch", "url": url, "method": method, "element": "Dial"}, {"DialCallStatus": status})


__all__ = ["PlatformError", "TwimlPlatform", "signature", "voice_of"]
