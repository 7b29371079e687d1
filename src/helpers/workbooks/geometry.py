"""Map frames shared by the workbooks: municipalities and regions on the pinned boundaries,
placed in the 2026 division.

The pinned boundaries are the 2020 division (``municipality_boundaries_2020``,
``region_boundaries_2020``). A municipality that merged later *with a documented successor*
(Honkajoki 099 into Kankaanpää 214 on 1.1.2021) is dissolved into its successor, so the map
shows the 2026 municipality. Frames are GeoDataFrames in EPSG:3067 with ``code`` and
``name_fi`` (and ``name_sv``) columns.
"""

from __future__ import annotations

from .. import regions

MUNI_GEOMETRY = "municipality_boundaries_2020"
REGION_GEOMETRY = "region_boundaries_2020"


def successors() -> dict[str, str]:
    """Historical municipality code -> its documented 2026 successor."""
    return {a.code: a.successor_code for a in regions.areas(include_historical=True)
            if a.kind == "municipality" and a.historical and a.successor_code}


def municipalities(snap, region_code: str | None = None):
    """The 2026 municipalities (of ``region_code``, or all) on the pinned boundaries."""
    geo = snap.load(MUNI_GEOMETRY)
    succ = successors()
    geo = geo.assign(code=geo["kunta"].astype(str).map(lambda c: succ.get(c, c)))
    members = {m.code: m for m in regions.municipalities(region_code)}
    geo = geo[geo["code"].isin(set(members))]
    out = geo.dissolve(by="code", as_index=False)[["code", "geometry"]]
    missing = sorted(set(members) - set(out["code"]))
    if missing:
        raise ValueError(f"no pinned boundary for municipalities {missing}")
    out["name_fi"] = out["code"].map(lambda c: members[c].name_fi)
    out["name_sv"] = out["code"].map(lambda c: members[c].name_sv)
    out["label"] = out["code"].map(lambda c: members[c].reader_name())  # what the map writes
    return out.sort_values("code").reset_index(drop=True)


def regions_frame(snap):
    """The 19 regions on the pinned boundaries (2020 polygons)."""
    geo = snap.load(REGION_GEOMETRY)
    out = geo.rename(columns={"maakunta": "code", "nimi": "name_fi"})
    names = {r.code: r for r in regions.regions()}
    out = out[["code", "name_fi", "geometry"]].copy()
    out["name_sv"] = out["code"].map(lambda c: names[c].name_sv if c in names else None)
    out["label"] = [names[c].reader_name() if c in names else n for c, n in zip(out["code"], out["name_fi"])]
    return out.sort_values("code").reset_index(drop=True)
