"""VoXML, the dialect Voxtelesys's current docs, SDK and demo IVR write (docs/dialects/voxml.md): its
vocabulary (grammar/voxml/), value types, expressions, templates, reader, writer and formatter, and the
``Dialect`` object that names them (registered as ``voxml`` in ``voxxml.dialects``). Its modules are
imported only when the dialect uses them."""

from .. import Dialect

DATA_FOLDER = "voxml"

DIALECT = Dialect(
    name="voxml",
    summary="VoXML (Voxtelesys's current dialect)",
    data_folder=DATA_FOLDER,
    extensions=(".voxml",),
    xml_roots=(),  # a .xml file's root is <Response> in both dialects: detection (dialects.detect) decides
    code_prefix="VM",
    grammar=f"{__name__}.grammar:grammar",
    reader=f"{__name__}.reader:Reader",
    writer=f"{__name__}.writer:to_xml",
    formatter=f"{__name__}.formatter:format_source",
    template=f"{__name__}.template:VoxmlTemplate",
)
