#!/usr/bin/env python3
"""Generate auth/saslprep_tables.go: the Unicode 3.2 data that SASLprep needs.

RFC 4013 (SASLprep) is a profile of RFC 3454 (stringprep), which is pinned to
Unicode 3.2. Python's standard library ships exactly that database as
unicodedata.ucd_3_2_0, and its stringprep module implements the RFC 3454
tables from it, so this generator needs nothing but python3 (any 3.x) and no
network. Its output is committed; building torque never runs it.

Run from the auth directory:  go generate   (or: python3 internal/gen/saslprep_tables.py)

It writes:
  saslprep_tables.go      the stringprep range tables (B.1, C.1.2, C.*, A.1,
                          D.1, D.2);
  nfkc_tables.go          the NFKC data: canonical combining classes and
                          primary composites;
  nfkd_tables.go          full compatibility decompositions;
                          the big tables packed (varint deltas in a string,
                          about a third of their size as Go arrays), which
                          saslprep_packed.go unpacks on first use.
  testdata/nfkc.txt       reference NFKC results computed by Python for every
                          code point whose NFKC form differs from itself, plus
                          sequences that exercise reordering and composition.
"""
import os
import stringprep
import sys
import unicodedata

ucd = unicodedata.ucd_3_2_0
MAXCP = 0x110000
HANGUL = range(0xAC00, 0xD7A4)
SURROGATES = range(0xD800, 0xE000)

here = os.path.dirname(os.path.abspath(__file__))
authdir = os.path.normpath(os.path.join(here, "..", ".."))


def ranges(pred):
    """Collapse the code points where pred holds into [lo, hi] pairs."""
    out, start = [], None
    for cp in range(MAXCP + 1):
        ok = cp < MAXCP and pred(cp)
        if ok and start is None:
            start = cp
        elif not ok and start is not None:
            out.append((start, cp - 1))
            start = None
    return out


def tagged_ranges(classify):
    """Like ranges, for a classifier returning a tag (or None); adjacent
    code points with the same tag merge."""
    out, start, tag = [], None, None
    for cp in range(MAXCP + 1):
        t = classify(cp) if cp < MAXCP else None
        if t != tag:
            if tag is not None:
                out.append((start, cp - 1, tag))
            start, tag = cp, t
    return out


PROHIBITED = [  # RFC 4013 section 2.3, then 2.5 (A.1); first match names the table
    ("C.1.2", stringprep.in_table_c12),
    ("C.2.1", stringprep.in_table_c21),
    ("C.2.2", stringprep.in_table_c22),
    ("C.3", stringprep.in_table_c3),
    ("C.4", stringprep.in_table_c4),
    ("C.5", stringprep.in_table_c5),
    ("C.6", stringprep.in_table_c6),
    ("C.7", stringprep.in_table_c7),
    ("C.8", stringprep.in_table_c8),
    ("C.9", stringprep.in_table_c9),
    ("A.1", stringprep.in_table_a1),
]
TAGS = [name for name, _ in PROHIBITED]


def prohibited(cp):
    c = chr(cp)
    for name, fn in PROHIBITED:
        if fn(c):
            return name
    return None


def go_rune(cp):
    if cp < 0x10000:
        return "0x%04X" % cp
    return "0x%05X" % cp


def go_string_lit(s):
    out = []
    for ch in s:
        cp = ord(ch)
        if 0x20 <= cp < 0x7F and ch not in '"\\':
            out.append(ch)
        elif cp < 0x10000:
            out.append("\\u%04X" % cp)
        else:
            out.append("\\U%08X" % cp)
    return "".join(out)


def uvarint(n):
    """n as a Go binary.Uvarint."""
    assert n >= 0
    out = bytearray()
    while n >= 0x80:
        out.append(n & 0x7F | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def emit_packed(w, name, data):
    """A string constant holding data, 32 bytes a line."""
    w("const %s = \"\" +\n" % name)
    lines = []
    for i in range(0, len(data), 32):
        lines.append('\t"' + "".join("\\x%02x" % b for b in data[i:i + 32]) + '"')
    w(" +\n".join(lines) + "\n\n")


def pack_ranges(rs):
    """Ranges (lo, hi[, tag]) as uvarint(lo - end of the previous range),
    uvarint(hi - lo)[, tag byte]: see unpackRanges in saslprep_packed.go."""
    out, end = bytearray(), 0
    for r in rs:
        lo, hi = r[0], r[1]
        out += uvarint(lo - end) + uvarint(hi - lo)
        if len(r) > 2:
            out.append(r[2])
        end = hi + 1
    return bytes(out)


def emit_list(w, items, per_line):
    for i in range(0, len(items), per_line):
        w("\t" + " ".join(x + "," for x in items[i:i + per_line]) + "\n")


def main():
    files = {name: [] for name in ("saslprep_tables.go", "nfkc_tables.go", "nfkd_tables.go")}
    for out in files.values():
        emit_header(out.append)
    emit_stringprep(files["saslprep_tables.go"].append)
    emit_nfkc(files["nfkc_tables.go"].append, files["nfkd_tables.go"].append)
    for name, out in files.items():
        with open(os.path.join(authdir, name), "w") as f:
            f.write("".join(out).rstrip("\n") + "\n")
    write_testdata()


def emit_header(w):
    w("// Code generated by internal/gen/saslprep_tables.py from Python's\n")
    w("// unicodedata.ucd_3_2_0 and stringprep modules (Unicode 3.2, RFC 3454). DO NOT EDIT.\n\n")
    w("package auth\n\n")


def emit_stringprep(w):
    """The RFC 3454 tables SASLprep uses."""
    # Mapping tables.
    w("// tableB1 is RFC 3454 table B.1: code points mapped to nothing.\n")
    w("var tableB1 = [...]runeRange{\n")
    emit_list(w, ["{%s, %s}" % (go_rune(a), go_rune(b))
                  for a, b in ranges(lambda cp: stringprep.in_table_b1(chr(cp)))], 4)
    w("}\n\n")
    w("// tableC12 is RFC 3454 table C.1.2: non-ASCII space characters, which\n")
    w("// SASLprep maps to U+0020.\n")
    w("var tableC12 = [...]runeRange{\n")
    emit_list(w, ["{%s, %s}" % (go_rune(a), go_rune(b))
                  for a, b in ranges(lambda cp: stringprep.in_table_c12(chr(cp)))], 4)
    w("}\n\n")

    # Prohibited output and unassigned code points.
    w("// Tags of prohibitedTable entries: the RFC 3454 table each range is from.\n")
    w("const (\n")
    for i, name in enumerate(TAGS):
        w("\ttag%s%s\n" % (name.replace(".", ""), " uint8 = iota" if i == 0 else ""))
    w(")\n\n")
    w("// tagNames names the tags above.\n")
    w("var tagNames = [...]string{%s}\n\n" % ", ".join('"%s"' % t for t in TAGS))
    w("// prohibitedPacked is the union of the tables SASLprep prohibits (C.1.2,\n")
    w("// C.2.1, C.2.2, C.3-C.9) and A.1 (unassigned in Unicode 3.2), tagged\n")
    w("// ranges packed as saslprep_packed.go reads them.\n")
    emit_packed(w, "prohibitedPacked", pack_ranges([(a, b, TAGS.index(t)) for a, b, t in tagged_ranges(prohibited)]))

    # Bidi.
    for name, fn, doc in [("tableD1", stringprep.in_table_d1, "D.1: characters with bidi property R or AL"),
                          ("tableD2", stringprep.in_table_d2, "D.2: characters with bidi property L")]:
        w("// %sPacked is RFC 3454 table %s (packed ranges).\n" % (name, doc))
        emit_packed(w, name + "Packed", pack_ranges(ranges(lambda cp: fn(chr(cp)))))


def emit_nfkc(w, wd):
    """Unicode 3.2 NFKC data: combining classes and composites to w, the
    decompositions to wd."""
    # NFKC: combining classes.
    w("// cccPacked gives the canonical combining class of every code point whose\n")
    w("// class is not zero (packed tagged ranges).\n")
    emit_packed(w, "cccPacked", pack_ranges(tagged_ranges(lambda cp: ucd.combining(chr(cp)) or None)))

    # NFKC: full compatibility decompositions (Hangul is algorithmic).
    keys, ends, data, nbytes = [], [], [], 0
    for cp in range(MAXCP):
        if cp in HANGUL or cp in SURROGATES:
            continue
        c = chr(cp)
        d = ucd.normalize("NFKD", c)
        if d != c:
            keys.append(cp)
            data.append(d)
            nbytes += len(d.encode("utf-8"))
            ends.append(nbytes)
    assert nbytes < 1 << 16
    wd("// nfkdPacked lists, sorted, the code points with a compatibility or canonical\n")
    wd("// decomposition (Hangul syllables excepted: those decompose by arithmetic):\n")
    wd("// for each, uvarint(code point - previous one) and the byte length of its\n")
    wd("// full decomposition, the next bytes of nfkdData (already in canonical order).\n")
    packed, prev, start = bytearray(), 0, 0
    for k, e in zip(keys, ends):
        assert e - start < 256
        packed += uvarint(k - prev)
        packed.append(e - start)
        prev, start = k, e
    emit_packed(wd, "nfkdPacked", bytes(packed))
    wd("const nfkdData = \"\" +\n")
    line = ""
    lines = []
    for d in data:
        lit = go_string_lit(d)
        if len(line) + len(lit) > 88:
            lines.append(line)
            line = ""
        line += lit
    lines.append(line)
    wd(" +\n".join('\t"%s"' % l for l in lines) + "\n\n")

    # NFKC: primary composites (canonical pairs that are not excluded).
    pairs = []
    for cp in range(MAXCP):
        if cp in HANGUL or cp in SURROGATES:
            continue
        dec = ucd.decomposition(chr(cp))
        if not dec or dec.startswith("<"):
            continue
        parts = [int(x, 16) for x in dec.split()]
        if len(parts) == 2 and ucd.normalize("NFC", chr(cp)) == chr(cp):
            pairs.append((parts[0], parts[1], cp))
    pairs.sort()
    w("// composePacked lists the primary composites, sorted by (first, second):\n")
    w("// uvarint(first - previous first), uvarint(second), uvarint(composite).\n")
    packed, prev = bytearray(), 0
    for a, b, c in pairs:
        packed += uvarint(a - prev) + uvarint(b) + uvarint(c)
        prev = a
    data = bytes(packed)
    w("const composePacked = \"\" +\n")
    lines = []
    for i in range(0, len(data), 32):
        lines.append('\t"' + "".join("\\x%02x" % x for x in data[i:i + 32]) + '"')
    w(" +\n".join(lines) + "\n")


def write_testdata():
    lines = ["# Reference NFKC (Unicode 3.2) from Python's unicodedata.ucd_3_2_0.",
             "# Generated by internal/gen/saslprep_tables.py. Format: input hex ; NFKC hex",
             "# (code points separated by spaces). Every code point whose NFKC differs",
             "# from itself, then sequences exercising reordering and composition."]

    def hexs(s):
        return " ".join("%04X" % ord(c) for c in s)

    for cp in range(MAXCP):
        if cp in SURROGATES:
            continue
        c = chr(cp)
        n = ucd.normalize("NFKC", c)
        if n != c:
            lines.append("%s;%s" % (hexs(c), hexs(n)))
    seqs = [
        "A\u0301", "e\u0301\u0323", "e\u0323\u0301", "\u1100\u1161", "\u1100\u1161\u11A8",
        "\uAC00\u11A8", "\u1100\u1161\u0301\u11A8", "o\u0308\u0304", "a\u0328\u0301\u0328",
        "\u0041\u030A\u0301", "\u212B\u0301", "\uFB01\u0301", "\u00C5\u0327",
        "\u0915\u093C", "\u05D0\u05B7\u05BC", "\u0627\u0653", "\u1E9B\u0323",
        "\u0061\u0302\u0323\u0301", "\u0063\u0327\u0301", "\u3131\u314F", "\u0391\u0313\u0301\u0345",
        "\u3300\u30A6\u3099", "\u0F71\u0F72\u0F74", "\U0001D15E\U0001D165",
    ]
    for s in seqs:
        lines.append("%s;%s" % (hexs(s), hexs(ucd.normalize("NFKC", s))))
    with open(os.path.join(authdir, "testdata", "nfkc.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
