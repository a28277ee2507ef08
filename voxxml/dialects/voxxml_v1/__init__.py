"""VoxXML v1, the XML language of the Voxtelesys voice platform: vocabulary (grammar/voxxml-v1/), value
types, reader, writer and formatter, and the ``Dialect`` object that names them (registered as ``voxxml-v1``
in ``voxxml.dialects``). Its modules are imported only when the dialect uses them."""

from .. import Dialect

DATA_FOLDER = "voxxml-v1"  # its vocabulary, lark grammars and voice list: grammar/voxxml-v1/

DIALECT = Dialect(
    name="voxxml-v1",
    summary="VoxXML v1 (Voxtelesys)",
    data_folder=DATA_FOLDER,
    extensions=(".voxxml",),
    xml_roots=("response",),  # any letter case: <response> is linted (and gets VX002), not skipped
    code_prefix="VX",
    grammar=f"{__name__}.grammar:grammar",
    reader=f"{__name__}.reader:Reader",
    writer=f"{__name__}.writer:to_xml",
    formatter=f"{__name__}.formatter:format_source",
    template=f"{__name__}.values:Template",
)
