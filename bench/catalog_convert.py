#!/usr/bin/env python3
"""Converts make_catalog.py's JSON Lines into catalogue files for the import
benchmark: MARC 21 (ISO 2709, UTF-8) or Lentera's CSV layout.

    python3 ../shared/bench/make_catalog.py --n 1000000 --seed 1 > /tmp/cat1m.jsonl
    python3 bench/catalog_convert.py marc < /tmp/cat1m.jsonl > /tmp/cat1m.mrc
    python3 bench/catalog_convert.py csv  < /tmp/cat1m.jsonl > /tmp/cat1m.csv

Each record gets control number `GEN<id>` (MARC 001 / column nomor_kontrol)
and one copy with barcode `G<id>` on shelf "Rak <ddc hundreds>", the way a
library receiving the programme's books would have them.
Standard library only.
"""

import csv
import json
import sys

FT, RT, SF = b"\x1e", b"\x1d", b"\x1f"


def field(ind, subs):
    out = ind.encode()
    for code, value in subs:
        if value:
            out += SF + code.encode() + value.encode("utf-8")
    return out + FT


def marc(rec):
    fields = []  # (tag, bytes)
    fields.append(("001", ("GEN%d" % rec["id"]).encode() + FT))
    year = str(rec["year"]) if rec.get("year") else None
    lang = rec.get("language") or "und"
    f008 = "260101" + ("s" + year if year else "nuuuu") + "    xx " + " " * 4 + "  " + " " * 4 + " 000 ||" + lang + " d"
    fields.append(("008", f008.encode() + FT))
    if rec.get("isbn13"):
        fields.append(("020", field("  ", [("a", rec["isbn13"])])))
    fields.append(("041", field("  ", [("a", lang)])))
    if rec.get("ddc"):
        fields.append(("082", field("04", [("a", rec["ddc"])])))
    authors = rec.get("authors") or []
    if authors:
        fields.append(("100", field("0 ", [("a", authors[0])])))
    title = rec["title"]
    sub = rec.get("subtitle") or ""
    fields.append(("245", field("10" if authors else "00", [("a", title + (" :" if sub else "")), ("b", sub)])))
    pub = [("b", (rec.get("publisher") or "") + ("," if year else "")), ("c", year or "")]
    fields.append(("264", field(" 1", pub)))
    for s in rec.get("subjects") or []:
        parts = s.split(" -- ")
        fields.append(("650", field(" 4", [("a", parts[0])] + [("x", p) for p in parts[1:]])))
    for a in authors[1:]:
        fields.append(("700", field("0 ", [("a", a)])))
    fields.append(("952", field("  ", [("p", "G%d" % rec["id"]), ("c", "Rak %s" % (rec.get("ddc") or "000")[:1] + "00"), ("e", "Bantuan Perpusnas 2024")])))
    fields.append(("990", field("  ", [("a", rec.get("collection") or "umum")])))
    directory, data = b"", b""
    for tag, body in fields:
        directory += tag.encode() + b"%04d%05d" % (len(body), len(data))
        data += body
    base = 24 + len(directory) + 1
    length = base + len(data) + 1
    leader = b"%05dnam a22%05d i 4500" % (length, base)
    return leader + directory + FT + data + RT


COLUMNS = ["judul", "anak_judul", "pengarang", "penerbit", "tahun", "isbn", "bahasa",
           "ddc", "subjek", "jenis_koleksi", "nomor_kontrol", "barcode", "lokasi", "sumber"]


def main():
    kind = sys.argv[1] if len(sys.argv) > 1 else "marc"
    out = sys.stdout.buffer
    if kind == "marc":
        for line in sys.stdin:
            out.write(marc(json.loads(line)))
    elif kind == "csv":
        import io
        w = csv.writer(io.TextIOWrapper(out, encoding="utf-8", newline=""), lineterminator="\r\n")
        w.writerow(COLUMNS)
        for line in sys.stdin:
            r = json.loads(line)
            w.writerow([
                r["title"], r.get("subtitle") or "", "; ".join(r.get("authors") or []),
                r.get("publisher") or "", r.get("year") or "", r.get("isbn13") or "",
                r.get("language") or "", r.get("ddc") or "", "; ".join(r.get("subjects") or []),
                r.get("collection") or "umum", "GEN%d" % r["id"], "G%d" % r["id"],
                "Rak %s00" % (r.get("ddc") or "0")[:1], "Bantuan Perpusnas 2024",
            ])
    else:
        sys.exit("usage: catalog_convert.py marc|csv < catalog.jsonl")


if __name__ == "__main__":
    main()
