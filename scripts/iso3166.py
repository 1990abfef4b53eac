#!/usr/bin/env python3
"""Writes src/study/iso3166.tsv, the ISO 3166-1 country table, from Debian's iso-codes package
(apt-get install iso-codes gettext): codes and English names from its JSON, Russian names from
its Russian translation. iso-codes is LGPL-2.1-or-later; see src/study/iso3166.LICENSE.

Columns: alpha_2, alpha_3, name (English, the short common name where iso-codes has one),
other English names (official, formal; '|' between them), Russian name, other Russian names.
"""
import json
import subprocess
import sys

JSON = "/usr/share/iso-codes/json/iso_3166-1.json"
MO = "/usr/share/locale/ru/LC_MESSAGES/iso_3166-1.mo"


def translations():
    po = subprocess.run(["msgunfmt", MO], check=True, capture_output=True, text=True).stdout
    out, msgid, key = {}, None, None
    for line in po.splitlines():
        if line.startswith("msgid "):
            key, msgid = "id", json.loads(line[6:])
        elif line.startswith("msgstr "):
            key = "str"
            out[msgid] = json.loads(line[7:])
        elif line.startswith('"'):
            part = json.loads(line)
            if key == "id":
                msgid += part
            else:
                out[msgid] += part
    return out


def main():
    ru = translations()
    rows = []
    for c in json.load(open(JSON, encoding="utf-8"))["3166-1"]:
        names = [c.get("common_name"), c["name"], c.get("official_name")]
        names = [n for i, n in enumerate(names) if n and n not in names[:i]]
        ru_names = [ru.get(n) for n in names]
        ru_names = [n for i, n in enumerate(ru_names) if n and n not in ru_names[:i]]
        rows.append(
            "\t".join(
                [
                    c["alpha_2"],
                    c["alpha_3"],
                    names[0],
                    "|".join(names[1:]),
                    ru_names[0] if ru_names else names[0],
                    "|".join(ru_names[1:]),
                ]
            )
        )
    sys.stdout.write(
        "# ISO 3166-1 from Debian iso-codes (LGPL-2.1-or-later), by scripts/iso3166.py; do not edit\n"
    )
    sys.stdout.write("\n".join(sorted(rows)) + "\n")


main()
