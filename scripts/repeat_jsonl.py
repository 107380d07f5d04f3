#!/usr/bin/env python3
"""Repeat a JSONL corpus N times as distinct articles, for ingest and merge benchmarks.

Usage: scripts/repeat_jsonl.py N < corpus.jsonl > repeated.jsonl

Copy k of each article gets the record id `<id>-c<k>` and a last paragraph `Copy k.`, so that
its document id (a hash of date and text) differs while its events stay those of the original:
the copies are reports of the same happenings from different articles. Standard library only.
"""
import json
import sys


def main() -> int:
    if len(sys.argv) != 2 or not sys.argv[1].isdigit():
        print(__doc__.strip(), file=sys.stderr)
        return 2
    lines = [json.loads(line) for line in sys.stdin if line.strip()]
    for k in range(int(sys.argv[1])):
        for record in lines:
            copy = dict(record)
            copy["id"] = f"{record.get('id', '')}-c{k}"
            copy["text"] = str(record.get("text", "")).rstrip() + f"\n\nCopy {k}.\n"
            sys.stdout.write(json.dumps(copy) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
