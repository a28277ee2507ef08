"""VoxXML v1, the XML language of the Voxtelesys voice platform: vocabulary (grammar/voxxml-v1/), value
types, reader, writer and formatter."""

DATA_FOLDER = "voxxml-v1"  # its vocabulary, lark grammars and voice list: grammar/voxxml-v1/
