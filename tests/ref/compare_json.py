#!/usr/bin/python3
"""compare_json.py REF.json GOT.json [RTOL]: every key path in REF must exist in GOT
with an equal value: numbers to RTOL relative (default 1e-9; integers exactly),
strings ("inf", "nan", names) exactly, lists element by element. Keys only in
GOT are ignored. Prints each mismatch; exit 1 if any."""
import json
import sys


def walk(ref, got, path, rtol, bad):
    if isinstance(ref, dict):
        if not isinstance(got, dict):
            bad.append(f"{path}: expected an object, got {got!r}")
            return
        for k, v in ref.items():
            if k not in got:
                bad.append(f"{path}.{k}: missing")
            else:
                walk(v, got[k], f"{path}.{k}", rtol, bad)
    elif isinstance(ref, list):
        if not isinstance(got, list) or len(got) != len(ref):
            bad.append(f"{path}: expected a list of {len(ref)}, got {got!r:.200}")
            return
        for i, (r, g) in enumerate(zip(ref, got)):
            walk(r, g, f"{path}[{i}]", rtol, bad)
    elif isinstance(ref, bool) or isinstance(ref, str):
        if ref != got:
            bad.append(f"{path}: expected {ref!r}, got {got!r}")
    elif isinstance(ref, int):
        if not isinstance(got, (int, float)) or got != ref:
            bad.append(f"{path}: expected {ref}, got {got!r}")
    elif isinstance(ref, float):
        if not isinstance(got, (int, float)) or isinstance(got, bool):
            bad.append(f"{path}: expected {ref!r}, got {got!r}")
        elif abs(got - ref) > rtol * max(abs(ref), 1e-300):
            bad.append(f"{path}: expected {ref!r}, got {got!r} (rel {abs(got - ref) / max(abs(ref), 1e-300):.3g})")


def main():
    ref = json.load(open(sys.argv[1]))
    got = json.load(open(sys.argv[2]))
    rtol = float(sys.argv[3]) if len(sys.argv) > 3 else 1e-9
    bad = []
    walk(ref, got, "$", rtol, bad)
    for b in bad:
        print("MISMATCH " + b)
    print(f"compare {sys.argv[2]}: {len(bad)} mismatches")
    sys.exit(1 if bad else 0)


main()
