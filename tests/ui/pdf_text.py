"""The text of a PDF that Qt's PDF writer made, read without a PDF library (the tests' own check).

Qt writes each font as a Type0 font with a ToUnicode map and shows glyphs as
`<hex> Tj`; the text is the glyphs of every page's content stream, in order,
mapped back to characters through the font in use (`/Fn size Tf`). A glyph
the font cannot map — a character drawn as a box — comes out as U+FFFD.
"""

from __future__ import annotations

import re
import zlib

_OBJ = re.compile(rb"(\d+) 0 obj(.*?)endobj", re.S)


def _objects(data: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    """Object number → (dictionary text, stream decoded or None)."""
    out = {}
    for m in _OBJ.finditer(data):
        body = m.group(2)
        head, sep, rest = body.partition(b"stream")
        stream = None
        if sep:
            raw = rest.lstrip(b"\r\n").rsplit(b"endstream", 1)[0]
            stream = zlib.decompressobj().decompress(raw) if b"FlateDecode" in head else raw
        out[int(m.group(1))] = (head, stream)
    return out


def _cmap(stream: bytes) -> dict[int, str]:
    table: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", stream, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            table[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", stream, re.S):
        # <lo> <hi> <first>   or   <lo> <hi> [<one> <two> …]
        for lo, hi, dst, listed in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(?:<([0-9A-Fa-f]+)>|\[([^\]]*)\])", block):
            codes = range(int(lo, 16), int(hi, 16) + 1)
            if listed:
                for code, each in zip(codes, re.findall(rb"<([0-9A-Fa-f]+)>", listed)):
                    table[code] = bytes.fromhex(each.decode()).decode("utf-16-be")
            else:
                for i, code in enumerate(codes):
                    table[code] = chr(int(dst, 16) + i)
    return table


def pdf_text(data: bytes) -> str:
    objects = _objects(data)
    fonts: dict[int, dict[int, str]] = {}
    for number, (head, _stream) in objects.items():
        m = re.search(rb"/ToUnicode (\d+) 0 R", head)
        if b"/Type /Font" in head and m:
            fonts[number] = _cmap(objects[int(m.group(1))][1] or b"")
    text = []
    for head, _stream in objects.values():
        if not re.search(rb"/Type /Page\b", head):
            continue
        resources = objects[int(re.search(rb"/Resources (\d+) 0 R", head).group(1))][0]
        names = {n.decode(): int(o) for n, o in re.findall(rb"/(F\d+) (\d+) 0 R", resources)}
        content = objects[int(re.search(rb"/Contents (\d+) 0 R", head).group(1))][1] or b""
        font: dict[int, str] = {}
        for tf, glyphs in re.findall(rb"/(F\d+) [\d.]+ Tf|<([0-9A-Fa-f]+)> Tj", content):
            if tf:
                font = fonts.get(names.get(tf.decode(), -1), {})
            else:
                for i in range(0, len(glyphs), 4):
                    text.append(font.get(int(glyphs[i:i + 4], 16), "\ufffd"))
    return "".join(text)
