"""The ``data_overview`` workbook: what the pinned snapshot holds, and where Varsinais-Suomi
and its municipalities lie."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .. import display, keyfigures, plotting, provenance, regions
from ..i18n import N_, _
from . import areas
from .geometry import MUNI_GEOMETRY, REGION_GEOMETRY

CLASSIFICATION = "area_classification_2026"
FOCUS_REGION = "MK02"

HEADLINE = (
    # i18n: a key figure: how many data files (resources) the pinned snapshot holds
    keyfigures.Spec("resources", N_("Pinned resources")),
    keyfigures.Spec("regions", N_("Regions (2026)")),
    keyfigures.Spec("municipalities_2026", N_("Municipalities (2026)")),
    keyfigures.Spec("varsinais_suomi_municipalities", N_("Municipalities of Southwest Finland")),
    keyfigures.Spec("snapshot_version", N_("Snapshot version")),
)


@dataclass
class DataOverview:
    resources: pd.DataFrame
    region_map: object
    focus_municipalities: object
    figures: dict = field(default_factory=dict)
    headline: tuple = HEADLINE
    snapshot: object = None


def compute(params, snapshot) -> DataOverview:
    resources = snapshot.resources()
    known = {(a.kind, a.code): a for a in regions.areas(include_historical=True)}

    def labelled(frame, code_col: str, kind: str):  # the names the map writes, in the run's language
        codes = frame[code_col].astype(str)
        return frame.assign(code=codes, label=[known[(kind, c)].reader_name() if (kind, c) in known else n
                                               for c, n in zip(codes, frame["nimi"])])

    region_map = labelled(snapshot.load(REGION_GEOMETRY), "maakunta", "region")
    munis = snapshot.load(MUNI_GEOMETRY)
    focus = regions.resolve(FOCUS_REGION)
    vs = labelled(munis[munis["maakunta_2026"] == focus.code], "kunta", "municipality")
    snapshot.record(CLASSIFICATION)
    figures = {
        "snapshot_version": snapshot.manifest.get("version"),
        "resources": len(resources),
        "regions": len(regions.regions()),
        "municipalities_2026": len(regions.municipalities()),
        "varsinais_suomi_municipalities": len(vs),
    }
    return DataOverview(resources, region_map, vs, figures, snapshot=snapshot)


def _topic(path: str) -> str:
    folder = path.split("/")[0] if "/" in path else ""
    return _(_TOPICS.get(folder, _TOPICS[""]))


_TOPICS = {"": N_("areas, population, clusters"), "exclusion": N_("exclusion indicators"),
           "keyfigures": N_("municipal key figures"), "paavo": N_("Paavo (postal areas, jobs by industry)"),
           "population": N_("population series"), "cluster": N_("cluster employment"), "climate": N_("climate")}


def resources_table(res: DataOverview):
    r = res.resources
    # the manifest's texts in the report's language where locale/manifest.yaml has them, else
    # as published, marked as English
    text = provenance.manifest_markdown
    shown = pd.DataFrame({_("Topic"): [_topic(p) for p in r["path"]],
                          _("Resource"): r["title"].map(text, na_action="ignore"),
                          _("Publisher"): r["publisher"].map(text, na_action="ignore"),
                          _("Period"): r["reference_period"].map(text, na_action="ignore"),
                          _("Licence"): [provenance.licence_markdown(n, lic, res.snapshot) if lic else None
                                         for n, lic in zip(r["name"], r["licence"])],
                          _("Quality"): r["quality"],
                          _("Suitability"): r["suitability"]}).sort_values(_("Topic"), kind="stable")
    return display.table(shown, name="resources", title=_("Resources of the pinned snapshot"),
                         intro=_("{n} resources. Quality and suitability are rated GREEN / AMBER / RED as in the "
                                 "project's data log.").format(n=len(r)),
                         data=r[["name", "title", "publisher", "table_id", "reference_period", "licence",
                                 "quality", "suitability", "path", "hash"]])


def locator_map(res: DataOverview):
    vs = regions.resolve(FOCUS_REGION)
    return plotting.locator_map(
        res.region_map, res.focus_municipalities,
        # i18n: a map title naming the region in Finnish and (in brackets) in Swedish, as the map does on purpose
        title=_("{region} ({region_sv}) and its {n} municipalities").format(
            region=vs.name_fi, region_sv=vs.name_sv, n=len(res.focus_municipalities)),
        source=provenance.source_caption([REGION_GEOMETRY, MUNI_GEOMETRY, CLASSIFICATION], res.snapshot),
        # i18n: legend entries of a locator map: all regions (left map), the region's municipalities (right map)
        context_label=_("Finland's regions (2020 boundaries)"),
        detail_label=_("Municipalities of {region}").format(region=areas.reader_name(vs)),
        highlight=vs.code, always_label=["853"])  # Turku
