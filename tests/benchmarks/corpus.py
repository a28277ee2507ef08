"""A deterministic generator of realistic VoxXML IVR documents, for benchmarks.

The documents look like what teams actually deploy: a greeting, DTMF (and
sometimes speech) menus whose <If> branches test $GATHER against the values that
menu can produce, PIN and account-number entry with read-back, transfers to
E.164 numbers with <Number> and <Dial>, conference bridges, recorded prompts,
redirects and comments, in the languages the Polly Standard voices speak.

Every document is valid unless a mistake is asked for, and clean for the flow
checks too: no verb after a Hangup, every If preceded by its Gather and testing
values that Gather can produce, a branch that gathers again ends the call or
redirects, every conference room started by some caller of the document. A
mistake is one of the slips people really make: a misspelt attribute,
timeout='90', repeatDelay='7s', an E.164 number written with a '+' (MISTAKES maps
each to the code voxxml must report).

"Verbs" are the elements inside <Response>, nested ones included (the <Say>
prompts of a <Gather>, the <Number>s of a <Dial>, the bodies of <If>s). A
document asked for N verbs has exactly N.

Everything is seeded: the same seed gives byte-identical files on every run and
platform, and file i of a corpus does not depend on how many files are asked for.

    >>> import random
    >>> text = generate_ivr(random.Random(1), verbs=40)
    >>> text.count("<Response>")
    1
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

DEFAULT_SEED = 20240611
MIN_VERBS, MAX_VERBS = 10, 300
MISTAKE_RATE = 0.05
MAX_DEPTH = 3  # how deeply menus nest inside <If> branches

# A planted mistake -> the diagnostic code voxxml must report for it.
MISTAKES: dict[str, str] = {
    "misspelt-attribute": "VX005",
    "timeout-90": "VX008",
    "repeat-delay-7s": "VX007",
    "plus-number": "VX009",
}

# Attribute slips people make, by (element, attribute).
MISSPELLINGS: dict[tuple[str, str], tuple[str, ...]] = {
    ("Gather", "numDigits"): ("numdigits", "numDigit", "NumDigits"),
    ("Gather", "timeout"): ("timout", "timeOut"),
    ("Gather", "finishOnKey"): ("finishOnkey", "finishonkey"),
    ("Gather", "repeatDelay"): ("repeatdelay", "repeatDeley"),
    ("Gather", "speechTimeout"): ("speechtimeout",),
    ("Say", "voice"): ("voise", "Voice"),
    ("Say", "language"): ("langauge", "lang"),
    ("Number", "callerId"): ("callerID", "callerid"),
    ("Dial", "callerId"): ("callerID",),
    ("Conference", "startConferenceOnEnter"): ("startConferenceOnEntry",),
    ("Pause", "length"): ("lenght", "duration"),
    ("Play", "loop"): ("loops",),
    ("Redirect", "method"): ("Method",),
}

# ------------------------------------------------------------------ language data

PHRASES: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "greeting": (
            "Thank you for calling {company}.",
            "Welcome to {company}.",
            "Hello, and thank you for calling {company}.",
            "You have reached {company}.",
        ),
        "notice": (
            "Please note that this call may be recorded for quality and training purposes.",
            "Our menu options have recently changed, so please listen carefully.",
            "Our office is open Monday to Friday, from 8 AM to 6 PM.",
            "You can also manage your account online at any time.",
            "Please have your account number ready.",
        ),
        "option": (
            "For {dept}, press {digit}.",
            "To reach {dept}, press {digit}.",
            "If you are calling about {dept}, press {digit}.",
        ),
        "speech_option": ("For {dept}, press {digit} or say {word}.", "To reach {dept}, say {word} or press {digit}."),
        "lang_self": ("For English, press {digit}.",),
        "enter_code": (
            "Please enter your {n} digit {thing}, followed by the pound key.",
            "Enter your {n} digit {thing} now.",
        ),
        "readback": (
            "You entered $GATHER.",
            "You entered $GATHER. One moment please.",
            "Thank you. Checking $GATHER now.",
        ),
        "transfer": ("Connecting you to {dept}. Please wait.", "Please hold while we transfer your call to {dept}."),
        "after_call": ("The call has ended. Goodbye.", "All of our agents are busy. Please call again later."),
        "conference_join": ("You are now joining the conference.", "Please wait while we connect you to the meeting."),
        "conference_end": ("The conference has ended. Thank you.",),
        "invalid": (
            "Sorry, that is not a valid option.",
            "Sorry, I did not understand your choice.",
            "We did not receive a valid choice.",
        ),
        "goodbye": ("Thank you for calling {company}. Goodbye.", "Goodbye.", "We did not receive a choice. Goodbye."),
    },
    "es": {
        "greeting": ("Gracias por llamar a {company}.", "Bienvenido a {company}."),
        "notice": (
            "Esta llamada puede ser grabada para fines de calidad.",
            "Nuestro horario es de lunes a viernes, de 8 a 18 horas.",
        ),
        "option": ("Para {dept}, oprima {digit}.", "Para hablar con {dept}, marque {digit}."),
        "speech_option": ("Para {dept}, oprima {digit} o diga {word}.",),
        "lang_self": ("Para español, oprima {digit}.",),
        "enter_code": ("Por favor, ingrese su {thing} de {n} dígitos, seguido de la tecla numeral.",),
        "readback": ("Usted ingresó $GATHER.",),
        "transfer": ("Le comunicamos con {dept}. Un momento, por favor.",),
        "after_call": ("La llamada ha terminado. Adiós.", "Todos nuestros agentes están ocupados."),
        "conference_join": ("Está entrando a la conferencia.",),
        "conference_end": ("La conferencia ha terminado. Gracias.",),
        "invalid": ("Lo sentimos, esa opción no es válida.",),
        "goodbye": ("Gracias por llamar a {company}. Adiós.", "Adiós."),
    },
    "fr": {
        "greeting": ("Merci d'avoir appelé {company}.", "Bienvenue chez {company}."),
        "notice": (
            "Cet appel peut être enregistré à des fins de qualité.",
            "Nos bureaux sont ouverts du lundi au vendredi, de 8 h à 18 h.",
        ),
        "option": ("Pour {dept}, appuyez sur {digit}.", "Pour joindre {dept}, tapez {digit}."),
        "speech_option": ("Pour {dept}, appuyez sur {digit} ou dites {word}.",),
        "lang_self": ("Pour le français, appuyez sur {digit}.",),
        "enter_code": ("Veuillez saisir votre {thing} à {n} chiffres, suivi de la touche dièse.",),
        "readback": ("Vous avez saisi $GATHER.",),
        "transfer": ("Nous vous mettons en relation avec {dept}. Veuillez patienter.",),
        "after_call": ("L'appel est terminé. Au revoir.", "Tous nos conseillers sont occupés."),
        "conference_join": ("Vous entrez dans la conférence.",),
        "conference_end": ("La conférence est terminée. Merci.",),
        "invalid": ("Désolé, ce choix n'est pas valide.",),
        "goodbye": ("Merci d'avoir appelé {company}. Au revoir.", "Au revoir."),
    },
    "de": {
        "greeting": ("Vielen Dank für Ihren Anruf bei {company}.", "Willkommen bei {company}."),
        "notice": (
            "Dieses Gespräch kann zu Qualitätszwecken aufgezeichnet werden.",
            "Wir sind Montag bis Freitag von 8 bis 18 Uhr für Sie da.",
        ),
        "option": ("Für {dept} drücken Sie bitte die {digit}.",),
        "speech_option": ("Für {dept} drücken Sie die {digit} oder sagen Sie {word}.",),
        "lang_self": ("Für Deutsch drücken Sie bitte die {digit}.",),
        "enter_code": ("Bitte geben Sie Ihre {n}-stellige {thing} ein und drücken Sie die Rautetaste.",),
        "readback": ("Sie haben $GATHER eingegeben.",),
        "transfer": ("Wir verbinden Sie mit {dept}. Bitte warten Sie.",),
        "after_call": ("Das Gespräch ist beendet. Auf Wiederhören.", "Alle Mitarbeiter sind im Gespräch."),
        "conference_join": ("Sie werden jetzt mit der Konferenz verbunden.",),
        "conference_end": ("Die Konferenz ist beendet. Vielen Dank.",),
        "invalid": ("Diese Eingabe ist leider ungültig.",),
        "goodbye": ("Vielen Dank für Ihren Anruf. Auf Wiederhören.",),
    },
    "it": {
        "greeting": ("Grazie per aver chiamato {company}.", "Benvenuti in {company}."),
        "notice": ("La chiamata potrebbe essere registrata per motivi di qualità.",),
        "option": ("Per {dept}, premere {digit}.",),
        "speech_option": ("Per {dept}, premere {digit} oppure dire {word}.",),
        "lang_self": ("Per l'italiano, premere {digit}.",),
        "enter_code": ("Inserire il {thing} di {n} cifre, seguito dal tasto cancelletto.",),
        "readback": ("Ha inserito $GATHER.",),
        "transfer": ("La stiamo mettendo in contatto con {dept}. Attenda, prego.",),
        "after_call": ("La chiamata è terminata. Arrivederci.",),
        "conference_join": ("Sta entrando nella conferenza.",),
        "conference_end": ("La conferenza è terminata. Grazie.",),
        "invalid": ("Spiacenti, la scelta non è valida.",),
        "goodbye": ("Grazie per aver chiamato {company}. Arrivederci.",),
    },
    "pt": {
        "greeting": ("Obrigado por ligar para a {company}.", "Bem-vindo à {company}."),
        "notice": ("Esta ligação pode ser gravada para fins de qualidade.",),
        "option": ("Para {dept}, digite {digit}.",),
        "speech_option": ("Para {dept}, digite {digit} ou diga {word}.",),
        "lang_self": ("Para português, digite {digit}.",),
        "enter_code": ("Digite o seu {thing} de {n} dígitos, seguido da tecla jogo da velha.",),
        "readback": ("Você digitou $GATHER.",),
        "transfer": ("Transferindo para {dept}. Aguarde, por favor.",),
        "after_call": ("A ligação foi encerrada. Até logo.",),
        "conference_join": ("Você está entrando na conferência.",),
        "conference_end": ("A conferência foi encerrada. Obrigado.",),
        "invalid": ("Desculpe, essa opção não é válida.",),
        "goodbye": ("Obrigado por ligar para a {company}. Até logo.",),
    },
    "ja": {
        "greeting": ("{company}にお電話いただきありがとうございます。",),
        "notice": ("この通話は品質向上のため録音されることがあります。",),
        "option": ("{dept}は{digit}を押してください。",),
        "lang_self": ("日本語は{digit}を押してください。",),
        "enter_code": ("{n}桁の{thing}を入力し、最後にシャープを押してください。",),
        "readback": ("入力された番号は $GATHER です。",),
        "transfer": ("{dept}におつなぎします。少々お待ちください。",),
        "after_call": ("通話が終了しました。",),
        "conference_join": ("会議に参加します。",),
        "conference_end": ("会議は終了しました。",),
        "invalid": ("入力が正しくありません。",),
        "goodbye": ("お電話ありがとうございました。",),
    },
}

# (how a department is said in a prompt, the ASCII word speech input yields for it)
DEPARTMENTS: dict[str, tuple[tuple[str, str], ...]] = {
    "en": (
        ("billing", "billing"),
        ("technical support", "support"),
        ("sales", "sales"),
        ("our opening hours", "hours"),
        ("an agent", "agent"),
        ("your account balance", "balance"),
        ("appointments", "appointment"),
        ("order status", "order"),
        ("the pharmacy", "pharmacy"),
        ("claims", "claims"),
        ("returns", "returns"),
    ),
    "es": (
        ("facturación", "factura"),
        ("soporte técnico", "soporte"),
        ("ventas", "ventas"),
        ("un agente", "agente"),
        ("citas", "cita"),
    ),
    "fr": (
        ("la facturation", "facture"),
        ("le support technique", "support"),
        ("le service commercial", "ventes"),
        ("un conseiller", "conseiller"),
    ),
    "de": (
        ("Rechnungen", "rechnung"),
        ("den technischen Support", "support"),
        ("den Vertrieb", "vertrieb"),
        ("Termine", "termin"),
    ),
    "it": (("la fatturazione", "fattura"), ("l'assistenza tecnica", "assistenza"), ("l'ufficio vendite", "vendite")),
    "pt": (
        ("faturamento", "fatura"),
        ("suporte técnico", "suporte"),
        ("vendas", "vendas"),
        ("um atendente", "atendente"),
    ),
    "ja": (("請求について", ""), ("技術サポート", ""), ("営業部", ""), ("ご予約", "")),
}

THINGS: dict[str, tuple[str, ...]] = {
    "en": ("account number", "PIN", "conference ID", "member ID", "order number", "room number"),
    "es": ("número de cuenta", "PIN", "número de pedido"),
    "fr": ("numéro de compte", "code PIN", "numéro de commande"),
    "de": ("Kundennummer", "PIN", "Konferenznummer"),
    "it": ("codice cliente", "PIN", "numero d'ordine"),
    "pt": ("número da conta", "PIN", "número do pedido"),
    "ja": ("お客様番号", "暗証番号"),
}

COMPANIES = (
    "Acme",
    "Northside Dental",
    "Bluebird Insurance",
    "Summit Bank",
    "Harbor Health",
    "Pioneer Energy",
    "Lakeside Clinic",
    "Metro Transit",
    "Orion Telecom",
    "Cedar Pharmacy",
    "Atlas Logistics",
    "Maple Credit Union",
    "Vista Realty",
    "Evergreen Utilities",
    "Redwood Hotels",
    "Quantum Cable",
    "Sunrise Veterinary",
    "Granite Legal",
    "Nova Airlines",
)


@dataclass(frozen=True)
class Locale:
    """A language a business answers in: its Polly voices, phrases and phone numbers."""

    language: str  # the Say language code
    voices: tuple[str, ...]  # Polly Standard voices that speak it
    family: str  # key into PHRASES, DEPARTMENTS, THINGS
    country: str  # E.164 country code of the business's numbers
    national_digits: int
    speech: str | None  # the Gather language for speech input, if the platform offers it
    weight: float


LOCALES = (
    Locale("en-US", ("Joanna", "Matthew", "Salli", "Kendra", "Joey", "Kimberly", "Ivy"), "en", "1", 10, "en-US", 50),
    Locale("en-GB", ("Amy", "Brian", "Emma"), "en", "44", 10, "en-GB", 10),
    Locale("en-AU", ("Nicole", "Russell"), "en", "61", 9, "en-AU", 4),
    Locale("en-IN", ("Aditi", "Raveena"), "en", "91", 10, None, 2),
    Locale("es-US", ("Penelope", "Miguel", "Lupe"), "es", "1", 10, "es-US", 8),
    Locale("es-ES", ("Conchita", "Enrique", "Lucia"), "es", "34", 9, None, 3),
    Locale("es-MX", ("Mia",), "es", "52", 10, None, 2),
    Locale("fr-FR", ("Celine", "Mathieu", "Lea"), "fr", "33", 9, "fr-FR", 5),
    Locale("fr-CA", ("Chantal",), "fr", "1", 10, "fr-CA", 3),
    Locale("de-DE", ("Hans", "Marlene", "Vicki"), "de", "49", 10, "de-DE", 5),
    Locale("it-IT", ("Carla", "Giorgio", "Bianca"), "it", "39", 10, "it-IT", 3),
    Locale("pt-BR", ("Camila", "Ricardo", "Vitoria"), "pt", "55", 11, "pt-BR", 3),
    Locale("ja-JP", ("Mizuki", "Takumi"), "ja", "81", 10, None, 2),
)
SECOND_LANGUAGE = {
    "en-US": "es-US",
    "es-US": "en-US",
    "fr-CA": "en-US",
    "en-GB": "fr-FR",
    "de-DE": "en-GB",
    "it-IT": "en-GB",
}
_BY_LANGUAGE = {locale.language: locale for locale in LOCALES}

# -------------------------------------------------------------------- the tree


@dataclass
class Element:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    text: str | None = None
    children: list[Node] = field(default_factory=list)

    def walk(self) -> Iterator[Element]:
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.walk()


@dataclass
class Comment:
    text: str


Node = Element | Comment


def count_verbs(nodes: list[Node]) -> int:
    """Elements in ``nodes`` and below: the verbs of a <Response>'s children."""
    return sum(sum(1 for _ in node.walk()) for node in nodes if isinstance(node, Element))


def _escape(text: str, quote: str = "") -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace(quote, "&apos;" if quote == "'" else "&quot;") if quote else text


def render(root: Element, quote: str = "'", declaration: bool = False, header: str | None = None) -> str:
    """Serialize the tree, two spaces per level, one element per line."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>'] if declaration else []
    if header:
        lines.append(f"<!-- {header} -->")
    _render_node(root, 0, quote, lines)
    return "\n".join(lines) + "\n"


def _render_node(node: Node, depth: int, quote: str, lines: list[str]) -> None:
    pad = "  " * depth
    if isinstance(node, Comment):
        lines.append(f"{pad}<!-- {node.text} -->")
        return
    attrs = "".join(f" {name}={quote}{_escape(value, quote)}{quote}" for name, value in node.attrs.items())
    if node.children:
        lines.append(f"{pad}<{node.tag}{attrs}>")
        for child in node.children:
            _render_node(child, depth + 1, quote, lines)
        lines.append(f"{pad}</{node.tag}>")
    elif node.text is not None:
        lines.append(f"{pad}<{node.tag}{attrs}>{_escape(node.text)}</{node.tag}>")
    else:
        lines.append(f"{pad}<{node.tag}{attrs}/>")


# ----------------------------------------------------------------- the builder


class _Builder:
    """Builds one IVR. Every block method returns nodes holding exactly the verbs it is given."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.primary = rng.choices(LOCALES, weights=[locale.weight for locale in LOCALES])[0]
        self.locale = self.primary
        second = SECOND_LANGUAGE.get(self.primary.language)
        self.second = _BY_LANGUAGE[second] if second and rng.random() < 0.15 else None
        self.voice = {self.primary.language: rng.choice(self.primary.voices)}
        if self.second:
            self.voice[self.second.language] = rng.choice(self.second.voices)
        self.company = rng.choice(COMPANIES)
        self.host = (
            f"{self.company.lower().replace(' ', '-')}.{rng.choice(('example.com', 'example.net', 'example.org'))}"
        )
        self.say_style = rng.choices(("voice+language", "voice", "plain"), weights=(65, 25, 10))[0]
        self.main_number = self.number()
        self.rooms: list[str] = []  # conference names used so far
        self.blocks: dict[str, tuple[Callable[[int, int], list[Node]], int, int, float]] = {
            # name: (builder, smallest size, typical largest size, weight)
            "menu": (self.menu, 4, 70, 4.0),
            "code": (self.code_entry, 4, 24, 1.5),
            "transfer": (self.transfer, 2, 6, 2.0),
            "conference": (self.conference, 2, 3, 0.8),
            "info": (self.info, 1, 2, 1.5),
        }

    # ------------------------------------------------------------- sequences
    def document(self, verbs: int) -> Element:
        opening = [self.pause()] if self.rng.random() < 0.2 and verbs >= 12 else []
        opening.append(self.say(self.phrase("greeting")))
        closing = [self.say(self.phrase("goodbye")), Element("Hangup")]
        body: list[Node] = []
        budget = verbs - len(opening) - len(closing)
        if self.second and budget >= 12:
            size = min(budget, self.rng.randint(6, 40))
            body += self.language_menu(size)
            budget -= size
        body += self.sequence(budget, depth=0)
        return Element("Response", children=[*opening, *body, *closing])

    def sequence(self, budget: int, depth: int) -> list[Node]:
        nodes: list[Node] = []
        while budget > 0:
            build, size = self.pick_block(budget, depth)
            block = build(size, depth)
            nodes += block
            budget -= size
        return nodes

    def pick_block(self, budget: int, depth: int) -> tuple[Callable[[int, int], list[Node]], int]:
        nested = depth > 0 and budget < 12  # a short branch body rarely holds another menu
        fitting = [
            (build, low, high, weight * (0.3 if nested and name in ("menu", "code") else 1.0))
            for name, (build, low, high, weight) in self.blocks.items()
            if low <= budget and (depth < MAX_DEPTH or name not in ("menu", "code"))
        ]
        build, low, high, _ = self.rng.choices(fitting, weights=[entry[3] for entry in fitting])[0]
        size = int(math.exp(self.rng.uniform(math.log(low), math.log(high))))
        return build, max(low, min(size, budget))

    def branch(self, budget: int, depth: int, dept: str | None = None) -> list[Node]:
        """The body of an <If>: some verbs (often a transfer to ``dept``), often ending the call or handing it on."""
        if dept is not None and budget >= 2 and self.rng.random() < 0.5:
            size = min(budget, self.rng.randint(2, 4))
            return [*self.transfer(size, depth, dept), *self.branch(budget - size, depth)]
        if budget <= 1:
            return self.sequence(budget, depth)
        body = self.sequence(budget - 1, depth)
        # A branch that asked for more input ends the call or hands it on; others often do too.
        asked = any(el.tag == "Gather" for node in body if isinstance(node, Element) for el in node.walk())
        return [*body, self.terminator() if asked or self.rng.random() < 0.6 else self.say(self.phrase("notice"))]

    def split(self, total: int, parts: int) -> list[int]:
        """``total`` as ``parts`` numbers of at least 0, at random."""
        cuts = sorted(self.rng.randint(0, total) for _ in range(parts - 1))
        return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]

    # ---------------------------------------------------------------- blocks
    def menu(self, size: int, depth: int) -> list[Node]:
        """A one-digit menu and an <If> per option; speech too when the language allows it."""
        rng = self.rng
        speech = bool(self.locale.speech) and self.locale.family != "ja" and rng.random() < 0.3
        recorded = rng.random() < 0.15  # one recorded <Play> prompt instead of a <Say> per option
        departments = DEPARTMENTS[self.locale.family]

        def fixed(k: int) -> int:
            return 1 + (1 if recorded else k) + 2 * k

        most = max(k for k in range(1, min(9, len(departments)) + 1) if fixed(k) <= size)
        options = rng.randint(min(2, most), min(most, 5) if rng.random() < 0.8 else most)
        spare = size - fixed(options)
        fallback = 1 if spare and rng.random() < 0.7 else 0
        digits = [str(i) for i in range(1, options + 1)]
        if options >= 3 and rng.random() < 0.25:
            digits[-1] = "0"  # the operator
        chosen = rng.sample(departments, options)
        if recorded:
            prompts: list[Node] = [self.play(f"menu-{rng.randint(1, 40)}")]
        else:
            prompts = [self.option_prompt(dept, digit, speech) for dept, digit in zip(chosen, digits, strict=True)]
        gather = self.gather(prompts, digits=1, speech=speech)
        nodes: list[Node] = (
            [Comment(rng.choice(("Main menu", "Menu", f"{chosen[0][0]} menu")))] if rng.random() < 0.3 else []
        )
        nodes.append(gather)
        for (dept, word), digit, extra in zip(chosen, digits, self.split(spare - fallback, options), strict=True):
            value = f"{digit}|{word}" if speech else digit
            nodes.append(self.if_gather(value, self.branch(1 + extra, depth + 1, dept)))
        if fallback:
            nodes.append(self.say(self.phrase("invalid")))
        return nodes

    def language_menu(self, size: int) -> list[Node]:
        """'For English press 1, para español oprima 2': the second language's branch is spoken in it."""
        assert self.second is not None
        second = self.second
        prompts = [
            self.say(self.phrase("lang_self", digit="1")),
            self.with_locale(second, lambda: self.say(self.phrase("lang_self", digit="2"))),
        ]
        gather = self.gather(prompts, digits=1, speech=False)
        body = self.with_locale(second, lambda: self.branch(size - 4, depth=1))
        return [Comment("Language selection"), gather, self.if_gather("2", body)]

    def code_entry(self, size: int, depth: int) -> list[Node]:
        """A PIN / account number / room number, read back, then an <If> per accepted code."""
        rng = self.rng
        digits = rng.choice((4, 4, 4, 5, 6, 8))
        thing = rng.choice(THINGS[self.locale.family])
        prompt = self.say(self.phrase("enter_code", n=str(digits), thing=thing))
        gather = self.gather([prompt], digits=digits, speech=False, finish="#")
        nodes: list[Node] = [gather]
        budget = size - 2
        if budget >= 3 and rng.random() < 0.35:
            nodes.append(self.say(self.phrase("readback"), separate_numbers=True))
            budget -= 1
        if rng.random() < 0.2:  # reject anything but the one code, then carry on
            reject = rng.randint(1, min(3, budget - 1))
            body = [*self.sequence(reject - 1, depth + 1), self.terminator()]
            nodes.append(self.if_gather(self.digits(digits), body, test="NOTEQUAL"))
            return nodes + self.sequence(budget - 1 - reject, depth)
        ifs = rng.randint(1, max(1, min(3, budget // 2)))
        fallback = 1 if budget - 2 * ifs >= 1 and rng.random() < 0.7 else 0
        alternatives = [1 if rng.random() < 0.85 else 2 for _ in range(ifs)]
        codes: set[str] = set()
        while len(codes) < sum(alternatives):
            codes.add(self.digits(digits))
        values, ordered = [], sorted(codes)
        for count in alternatives:
            values.append("|".join(ordered[:count]))
            ordered = ordered[count:]
        for value, extra in zip(values, self.split(budget - 2 * ifs - fallback, ifs), strict=True):
            nodes.append(self.if_gather(value, self.branch(1 + extra, depth + 1)))
        if fallback:
            nodes.append(self.say(self.phrase("invalid")))
        return nodes

    def transfer(self, size: int, depth: int, dept: str | None = None) -> list[Node]:
        dept = dept or self.rng.choice(DEPARTMENTS[self.locale.family])[0]
        say = self.say(self.phrase("transfer", dept=dept))
        if size == 2:
            return [say, self.number_element()]
        if size == 3 and self.rng.random() < 0.5:
            return [say, self.number_element(), self.say(self.phrase("after_call"))]
        if size == 3 and self.rng.random() < 0.3:
            return [say, self.pause(), self.number_element()]
        return [say, self.dial(size - 2)]

    def conference(self, size: int, depth: int) -> list[Node]:
        nodes: list[Node] = [self.say(self.phrase("conference_join")), self.conference_element()]
        if size == 3:
            nodes.append(self.say(self.phrase("conference_end")))
        return nodes

    def info(self, size: int, depth: int) -> list[Node]:
        """An announcement, spoken or recorded, sometimes after a pause."""
        nodes: list[Node] = [self.pause()] if size == 2 else []
        nodes.append(self.say(self.phrase("notice")) if self.rng.random() < 0.7 else self.play("announcement"))
        return nodes

    # --------------------------------------------------------------- verbs
    def say(self, text: str, separate_numbers: bool = False) -> Element:
        attrs: dict[str, str] = {}
        voice = self.voice[self.locale.language]
        style = "voice+language" if self.locale is not self.primary else self.say_style
        if style != "plain" or voice != "Joanna":
            attrs["voice"] = voice
        if style == "voice+language":
            attrs["language"] = self.locale.language
        if self.rng.random() < 0.08:
            attrs["loop"] = "1"
        elif self.rng.random() < 0.05:
            attrs["loop"], attrs["repeatDelay"] = "2", str(self.rng.randint(1, 3))
        if separate_numbers:
            attrs["separateNumbers"] = "true"
        return Element("Say", attrs, text)

    def play(self, name: str) -> Element:
        attrs = {"loop": str(self.rng.choice((1, 1, 2)))} if self.rng.random() < 0.2 else {}
        extension = self.rng.choice(("mp3", "mp3", "wav"))
        return Element("Play", attrs, f"https://{self.host}/audio/{self.locale.language.lower()}/{name}.{extension}")

    def pause(self) -> Element:
        return Element("Pause", {"length": str(self.rng.choice((1, 1, 2, 3, 5)))})

    def terminator(self) -> Element:
        if self.rng.random() < 0.75:
            return Element("Hangup")
        attrs = {"method": self.rng.choice(("GET", "POST"))} if self.rng.random() < 0.4 else {}
        return Element(
            "Redirect",
            attrs,
            f"https://{self.host}/voice/{self.rng.choice(('next', 'queue', 'voicemail', 'survey', 'main'))}.xml",
        )

    def gather(self, prompts: Sequence[Node], digits: int, speech: bool, finish: str | None = None) -> Element:
        rng = self.rng
        attrs = {"input": "dtmf speech" if speech else "dtmf", "numDigits": str(digits)}
        if finish is not None or rng.random() < 0.2:
            attrs["finishOnKey"] = finish if finish is not None else rng.choice(("#", "", "*"))
        attrs["timeout"] = str(rng.choice((5, 8, 10, 15, 20, 30, 60)))
        if speech:
            attrs["speechTimeout"] = str(rng.randint(2, 5))
            attrs["language"] = self.locale.speech or "en-US"
        attrs["loop"] = str(rng.randint(1, 3))
        attrs["repeatDelay"] = str(rng.choice((0, 1, 2, 3, 5)))
        if rng.random() < 0.1:
            attrs["statusCallback"] = f"https://{self.host}/voice/gather"
            attrs["statusCallbackEvent"] = rng.choice(("fullResult", "partialResult fullResult"))
        return Element("Gather", attrs, children=list(prompts))

    def option_prompt(self, dept: tuple[str, str], digit: str, speech: bool) -> Element:
        key = "speech_option" if speech else "option"
        return self.say(self.phrase(key, dept=dept[0], digit=digit, word=dept[1]))

    def if_gather(self, value: str, body: list[Node], test: str = "EQUAL") -> Element:
        return Element("If", {"variable": "$GATHER", "test": test, "value": value}, children=body)

    def number_element(self) -> Element:
        attrs = self.callback_attrs("answered complete", "queued ringing answered complete noConnect")
        if self.rng.random() < 0.15:
            attrs = {"callerId": self.main_number, **attrs}
        return Element("Number", attrs, self.number())

    def dial(self, numbers: int) -> Element:
        attrs = {"callerId": self.main_number} if self.rng.random() < 0.4 else {}
        attrs |= self.callback_attrs("answered complete noConnect", "ringing answered complete")
        return Element("Dial", attrs, children=[Element("Number", {}, self.number()) for _ in range(numbers)])

    def conference_element(self) -> Element:
        """A room of this document: its first participant starts it, later ones may wait for a host."""
        rng = self.rng
        if self.rooms and rng.random() < 0.4:
            name, host = rng.choice(self.rooms), rng.random() < 0.3
        else:
            name, host = (
                rng.choice(("room", "bridge", "team", "sales", "support")) + self.digits(rng.choice((4, 6))),
                True,
            )
            self.rooms.append(name)
        attrs = {"startConferenceOnEnter": "true" if host else "false"} if not host or rng.random() < 0.7 else {}
        if rng.random() < 0.4:
            attrs["endConferenceOnExit"] = "true" if host else "false"
        attrs["muted"] = rng.choice(("false", "false", "true"))
        attrs["beep"] = rng.choice(("true", "false", "onEnter", "onExit"))
        if rng.random() < 0.3:
            attrs["participantLabel"] = rng.choice(("host", "guest", "agent", "caller")) + str(rng.randint(1, 99))
        attrs |= self.callback_attrs("start end join leave", "join leave mute unmute")
        return Element("Conference", attrs, name)

    def callback_attrs(self, *events: str) -> dict[str, str]:
        if self.rng.random() >= 0.2:
            return {}
        attrs = {
            "statusCallback": f"https://{self.host}/voice/callbacks",
            "statusCallbackEvent": self.rng.choice(events),
        }
        if self.rng.random() < 0.3:
            attrs["statusCallbackMethod"] = self.rng.choice(("GET", "POST"))
        return attrs

    # --------------------------------------------------------------- values
    def phrase(self, key: str, **slots: str) -> str:
        return self.rng.choice(PHRASES[self.locale.family][key]).format(company=self.company, **slots)

    def digits(self, n: int) -> str:
        return "".join(self.rng.choice("0123456789") for _ in range(n))

    def number(self) -> str:
        """An E.164 number, digits only: mostly the business's country, sometimes abroad."""
        locale = self.locale if self.rng.random() < 0.9 else self.rng.choice(LOCALES)
        return locale.country + str(self.rng.randint(2, 9)) + self.digits(locale.national_digits - 1)

    def with_locale(self, locale: Locale, build: Callable[[], T]) -> T:
        saved, self.locale = self.locale, locale
        try:
            return build()
        finally:
            self.locale = saved


# ---------------------------------------------------------------- mistakes


def plant_mistake(root: Element, kind: str, rng: random.Random) -> str:
    """Make one realistic mistake of ``kind`` in the tree; returns the kind actually planted.

    A kind that needs an element the document lacks (a <Gather>, a <Number>) falls
    back to a misspelt attribute, which every document can have.
    """
    elements = list(root.walk())
    gathers = [el for el in elements if el.tag == "Gather"]
    numbers = [el for el in elements if el.tag == "Number"]
    if kind == "timeout-90" and gathers:
        rng.choice(gathers).attrs["timeout"] = "90"
    elif kind == "repeat-delay-7s" and gathers:
        rng.choice(gathers).attrs["repeatDelay"] = "7s"
    elif kind == "plus-number" and numbers:
        number = rng.choice(numbers)
        number.text = "+" + (number.text or "")
    else:
        _misspell(elements, rng)
        return "misspelt-attribute"
    return kind


def _misspell(elements: list[Element], rng: random.Random) -> None:
    """Misspell one attribute; a lone slip, so never a voice whose loss would also make the language wrong."""
    candidates = [
        (el, name)
        for el in elements
        for name in el.attrs
        if (el.tag, name) in MISSPELLINGS and not (name == "voice" and el.attrs.get("language", "en-US") != "en-US")
    ]
    if not candidates:
        say = next(el for el in elements if el.tag == "Say")
        say.attrs["loops"] = "1"
        return
    element, name = rng.choice(candidates)
    wrong = rng.choice(MISSPELLINGS[(element.tag, name)])
    element.attrs = {(wrong if key == name else key): value for key, value in element.attrs.items()}


# ------------------------------------------------------------------- public API


@dataclass(frozen=True)
class GeneratedIvr:
    text: str
    verbs: int
    mistake: str | None  # a key of MISTAKES, or None for a valid document

    @property
    def expected_code(self) -> str | None:
        return MISTAKES[self.mistake] if self.mistake else None


@dataclass(frozen=True)
class CorpusFile:
    path: Path
    verbs: int
    size: int  # bytes
    mistake: str | None

    @property
    def expected_code(self) -> str | None:
        return MISTAKES[self.mistake] if self.mistake else None


def build_ivr(rng: random.Random, verbs: int, mistake: str | None = None) -> GeneratedIvr:
    """One IVR with exactly ``verbs`` verbs (at least 3), with the ``mistake`` planted if given."""
    if verbs < 3:
        raise ValueError("an IVR needs at least 3 verbs: a greeting, a goodbye and a hangup")
    builder = _Builder(rng)
    root = builder.document(verbs)
    if mistake is not None:
        mistake = plant_mistake(root, mistake, rng)
    header = f"{builder.company}: {builder.primary.language} IVR" if rng.random() < 0.6 else None
    text = render(root, quote="'" if rng.random() < 0.8 else '"', declaration=rng.random() < 0.3, header=header)
    counted = count_verbs(root.children)
    assert counted == verbs, (counted, verbs)
    return GeneratedIvr(text, verbs, mistake)


def generate_ivr(rng: random.Random, verbs: int, mistake: str | None = None) -> str:
    """The text of one IVR with exactly ``verbs`` verbs; see build_ivr."""
    return build_ivr(rng, verbs, mistake).text


def file_rng(seed: int, index: int) -> random.Random:
    """The generator of file ``index``: independent of every other file and of the corpus size."""
    return random.Random(f"voxxml-corpus:{seed}:{index}")


def corpus_ivr(seed: int, index: int, mistake_rate: float = MISTAKE_RATE) -> GeneratedIvr:
    """File ``index`` of the corpus: 10 to 300 verbs, log-uniform (most IVRs are small)."""
    rng = file_rng(seed, index)
    verbs = round(math.exp(rng.uniform(math.log(MIN_VERBS), math.log(MAX_VERBS))))
    mistake = rng.choice(sorted(MISTAKES)) if rng.random() < mistake_rate else None
    return build_ivr(rng, verbs, mistake)


def write_corpus(
    out_dir: Path | str, files: int = 2000, seed: int = DEFAULT_SEED, mistake_rate: float = MISTAKE_RATE
) -> list[CorpusFile]:
    """Write ``files`` IVRs to ``out_dir`` as ivr-NNNN.voxxml, replacing any *.voxxml already there."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob("*.voxxml"):
        stale.unlink()
    written = []
    for index in range(files):
        ivr = corpus_ivr(seed, index, mistake_rate)
        path = out / f"ivr-{index:04d}.voxxml"
        data = ivr.text.encode("utf-8")
        path.write_bytes(data)
        written.append(CorpusFile(path, ivr.verbs, len(data), ivr.mistake))
    return written


def generate_corpus(out_dir: Path | str, files: int = 2000, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write the corpus (see write_corpus) and return the paths."""
    return [entry.path for entry in write_corpus(out_dir, files, seed)]


def write_long_ivr(out_dir: Path | str, verbs: int, seed: int = DEFAULT_SEED) -> CorpusFile:
    """One valid IVR of ``verbs`` verbs (e.g. 100,000), made by the same generator."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    ivr = build_ivr(random.Random(f"voxxml-long:{seed}:{verbs}"), verbs)
    path = out / f"ivr-{verbs}-verbs.voxxml"
    data = ivr.text.encode("utf-8")
    path.write_bytes(data)
    return CorpusFile(path, verbs, len(data), None)
