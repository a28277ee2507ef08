"""TwiML, Twilio's voice markup, and its clones as profiles: Telnyx's TeXML and SignalWire's cXML
(docs/dialects/twiml.md). One reader, writer and formatter serve the three; each reads with its own
vocabulary, the base (grammar/twiml/vocabulary.toml) merged with the profile
(grammar/twiml/profiles/<name>.toml) by the loader. Registered as ``twiml``, ``texml`` and ``cxml`` in
``voxxml.dialects``; its modules are imported only when a dialect uses them."""

from .. import Dialect

DATA_FOLDER = "twiml"


def _dialect(name: str, summary: str, extensions: tuple[str, ...], suffix: str = "") -> Dialect:
    """``suffix`` names the profile's own reader, writer and formatter (``TexmlReader``, ``to_texml``...)."""
    module = __name__
    return Dialect(
        name=name,
        summary=summary,
        data_folder=DATA_FOLDER if name == "twiml" else f"{DATA_FOLDER}:{name}",  # the loader's key: folder[:profile]
        extensions=extensions,
        xml_roots=(),  # a .xml file's root is <Response> in every dialect: detection (dialects.detect) decides
        code_prefix="TW",
        grammar=f"{module}.grammar:grammar",
        reader=f"{module}.reader:{suffix.capitalize()}Reader",
        writer=f"{module}.writer:to_{suffix or 'xml'}",
        formatter=f"{module}.formatter:format_{suffix or 'source'}",
    )


DIALECT = _dialect("twiml", "TwiML (Twilio)", (".twiml",))
TEXML = _dialect("texml", "TeXML (Telnyx's TwiML profile)", (".texml",), "texml")
CXML = _dialect("cxml", "cXML (SignalWire's TwiML profile)", (".cxml",), "cxml")
