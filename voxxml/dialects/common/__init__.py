"""What every XML dialect shares: the vocabulary loader (``vocabulary.py``), the dialect-neutral value
types (``values.py``), the lark value languages (``languages.py``), and the one generic reader and
writer walk (``reader.py``, ``writer.py``) driven by a vocabulary. A dialect supplies only what differs:
its type kinds, its condition attributes, its codes and its wording (the hooks on ``reader.Reader``)."""
