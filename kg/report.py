"""The data-quality report: what came in, what was merged, what was set aside, and what needs a look."""

from __future__ import annotations

import json
from dataclasses import asdict

from .resolve.model import Resolution


def report_data(res: Resolution) -> dict:
    sources = [{
        "id": s.id, "file": s.filename, "format": s.format, "trust": s.trust, "records": s.records,
        "set_aside": s.set_aside, "absorbed": s.absorbed, "problems": s.issues,
    } for s in res.sources.values()]
    return {
        "counts": res.counts(),
        "sources": sources,
        "identifier_conflicts": [asdict(c) for c in res.conflicts],
        "candidates": [asdict(c) for c in res.candidates],
        "incomplete_author_lists": [
            {"work": w.path, "title": w.title, "authors_known": len(w.authors),
             "sources": sorted(w.sources)} for w in res.works if not w.authors_complete],
        "disagreements": [{
            "entity": d.entity, "field": d.field, "chosen": d.chosen, "minor": d.minor,
            "values": [{"value": v.value, "records": v.records} for v in d.values],
        } for d in res.disagreements],
        "unmatched_records": [{"work": w.path, "record": w.records[0], "title": w.title}
                              for w in res.unmatched],
        "curation": res.curation_applied,
    }


def render_report(res: Resolution, *, as_json: bool = False) -> str:
    data = report_data(res)
    if as_json:
        return json.dumps(data, indent=2, ensure_ascii=False, default=str)
    lines = ["# kg data-quality report", ""]
    c = data["counts"]
    lines.append(f"In: {c['records']} records from {c['sources']} sources "
                 f"({c['set_aside']} set aside). Out: {c['works']} works with {c['versions']} versions, "
                 f"{c['persons']} people, {c['series']} venue series, {c['editions']} editions; "
                 f"{c['records_merged']} records merged into others.")
    lines += ["", "## Sources"]
    for s in data["sources"]:
        lines.append(f"- {s['id']} ({s['file']}, {s['format']}, trust {s['trust']}): "
                     f"{s['records']} records, {s['set_aside']} set aside")
        lines += [f"    {p}" for p in s["problems"]]
    lines += ["", f"## Identifier conflicts ({len(data['identifier_conflicts'])})"]
    for conf in data["identifier_conflicts"]:
        lines.append(f"- {conf['scheme']} {conf['value']} claimed by {', '.join(conf['works'])}; "
                     f"owner: {conf['owner'] or 'undecided'}")
        lines += [f"    evidence: {e}" for e in conf["evidence"]]
    lines += ["", f"## Likely the same, not merged ({len(data['candidates'])})"]
    for cand in data["candidates"]:
        lines.append(f"- {cand['a']} ~ {cand['b']} (score {cand['score']})")
        lines += [f"    {r}" for r in cand["reasons"]]
    lines += ["", f"## Incomplete author lists ({len(data['incomplete_author_lists'])})"]
    for w in data["incomplete_author_lists"]:
        lines.append(f"- {w['work']}: {w['authors_known']} authors known ({', '.join(w['sources'])})")
    major = [d for d in data["disagreements"] if not d["minor"]]
    lines += ["", f"## Fields where sources disagree ({len(major)}, plus "
                  f"{len(data['disagreements']) - len(major)} differing only in case or wording)"]
    for d in major:
        lines.append(f"- {d['entity']} {d['field']}: shown {str(d['chosen'])[:80]!r}")
        for v in d["values"]:
            lines.append(f"    {str(v['value'])[:80]!r} <- {', '.join(v['records'])}")
    lines += ["", f"## Records that matched nothing else ({len(data['unmatched_records'])})"]
    lines += [f"- {u['record']}: {u['title']}" for u in data["unmatched_records"]]
    if data["curation"]:
        lines += ["", "## Curation applied"] + [f"- {x}" for x in data["curation"]]
    return "\n".join(lines)
