#!/usr/bin/env python3
"""Turn a folder of TimeML files into annals JSONL (one article a line) for benchmarks.

Usage: scripts/timeml_to_jsonl.py DIR > corpus.jsonl

Each output line is {"id", "date", "text"}: the TEXT element with its tags removed and the
document creation time as the date. Standard library only.
"""
import json
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    for path in sorted(Path(sys.argv[1]).rglob("*.tml")):
        try:
            root = ET.parse(path).getroot()
        except ET.ParseError as e:
            print(f"warning: {path}: {e}", file=sys.stderr)
            continue
        text_el = root.find(".//TEXT")
        if text_el is None:
            continue
        text = "".join(text_el.itertext()).strip()
        date = None
        for timex in root.iter("TIMEX3"):
            if timex.get("functionInDocument") == "CREATION_TIME":
                m = re.match(r"\d{4}-\d{2}-\d{2}", timex.get("value", ""))
                date = m.group(0) if m else None
                break
        record = {"id": path.stem, "text": text}
        if date:
            record["date"] = date
        print(json.dumps(record))
    return 0


if __name__ == "__main__":
    sys.exit(main())
