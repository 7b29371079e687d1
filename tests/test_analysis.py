"""Tests for helpers.analysis.

Every expected value is computed by hand in a comment next to the assertion. Small
tables named ``hand_*`` are HAND-MADE test data (not real figures); values quoted from
the reference data say where they come from.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from helpers import analysis as A

# Real population figures, Statistics Finland (CC BY 4.0), 31.12.2019 and 31.12.2023,
# as copied in the project's reference data (population_varsinais-suomi_municipalities.csv).
TURKU_2019, TURKU_2023 = 192_962, 201_863
VARSINAIS_SUOMI_2019, VARSINAIS_SUOMI_2023 = 479_341, 490_786


# ----------------------------------------------------------------------------- share / rate


def test_share_scalar_hand_computed():
    # 100 * 1 / 4 = 25
    assert A.share(1, 4) == 25.0
    # Turku of Varsinais-Suomi 2023: 100 * 201 863 / 490 786 = 41.130554 (490 786 * 0.4113 = 201 860.3; 2.7 / 490 786 = 0.0000055)
    assert A.share(TURKU_2023, VARSINAIS_SUOMI_2023) == pytest.approx(41.130554, abs=1e-6)


def test_share_nan_in_nan_out_and_zero_whole_is_nan_not_zero():
    assert math.isnan(A.share(float("nan"), 10))
    assert math.isnan(A.share(3, float("nan")))
    assert math.isnan(A.share(None, 10))
    assert math.isnan(A.share(5, 0))
    assert math.isnan(A.share(0, 0))
    # 0 of a known positive whole is a true 0
    assert A.share(0, 7) == 0.0


def test_share_series_elementwise():
    part = pd.Series([1.0, 2.0, np.nan, 3.0], index=list("abcd"))
    whole = pd.Series([4.0, 0.0, 5.0, 12.0], index=list("abcd"))
    out = A.share(part, whole)
    # a: 100*1/4 = 25; b: /0 -> NaN; c: NaN -> NaN; d: 100*3/12 = 25
    assert out.index.tolist() == list("abcd")
    assert out["a"] == 25.0 and out["d"] == 25.0
    assert out[["b", "c"]].isna().all()
    assert not np.isinf(out).any()


def test_share_series_with_different_labels_is_refused():
    with pytest.raises(ValueError, match="same index labels.*only in part: \\['x'\\]"):
        A.share(pd.Series([1.0], index=["x"]), pd.Series([2.0], index=["y"]))


def test_share_rejects_text():
    with pytest.raises(TypeError, match="part must hold numbers"):
        A.share(pd.Series(["1", "2"]), pd.Series([1.0, 2.0]))
    with pytest.raises(TypeError, match="whole must be a number"):
        A.share(1, "10")


def test_rate_per_thousand_and_bad_per():
    # 5 / 2 000 * 1 000 = 2.5 per thousand
    assert A.rate(5, 2000, per=1000) == 2.5
    with pytest.raises(ValueError, match="per must be a positive"):
        A.rate(1, 2, per=0)


# ----------------------------------------------------------------------------- growth / cagr


def test_growth_hand_computed_and_real_turku():
    # 100 * (110 - 100) / 100 = 10
    assert A.growth(100, 110) == pytest.approx(10.0)
    # Turku 2019 -> 2023: 100 * (201 863 - 192 962) / 192 962 = 100 * 8 901 / 192 962 = 4.61282...
    assert A.growth(TURKU_2019, TURKU_2023) == pytest.approx(4.612825, abs=1e-6)


def test_growth_nan_propagation_and_undefined_start():
    assert math.isnan(A.growth(np.nan, 5))
    assert math.isnan(A.growth(5, np.nan))
    assert math.isnan(A.growth(0, 5))  # from zero: undefined, not infinity
    assert math.isnan(A.growth(-5, 5))  # from a negative start: not a meaningful percentage
    out = A.growth(np.array([50.0, 0.0, 20.0]), np.array([25.0, 3.0, np.nan]))
    # 100 * (25 - 50) / 50 = -50; start 0 -> NaN; NaN end -> NaN
    assert out[0] == -50.0 and np.isnan(out[1]) and np.isnan(out[2])


def test_cagr_hand_computed():
    # 100 -> 121 in 2 years: (121/100) ** (1/2) = 1.1 -> 10 % a year
    assert A.cagr(100, 121, 2) == pytest.approx(10.0)
    # to zero: (0/100) ** 0.5 - 1 = -1 -> -100 %
    assert A.cagr(100, 0, 3) == pytest.approx(-100.0)
    # Turku 2019 -> 2023 (4 years): (201 863 / 192 962) ** 0.25 = 1.046128 ** 0.25 = 1.011338 -> 1.1338 %
    assert A.cagr(TURKU_2019, TURKU_2023, 4) == pytest.approx(1.1338, abs=1e-4)


@pytest.mark.parametrize("years", [0, -1, float("nan"), float("inf"), "4", None])
def test_cagr_rejects_non_positive_years(years):
    with pytest.raises(ValueError, match="years must be a positive finite number"):
        A.cagr(100, 121, years)


def test_cagr_nan_and_undefined():
    assert math.isnan(A.cagr(np.nan, 121, 2))
    assert math.isnan(A.cagr(100, np.nan, 2))
    assert math.isnan(A.cagr(0, 121, 2))
    assert math.isnan(A.cagr(100, -1, 2))
    s = A.cagr(pd.Series([100.0, np.nan]), pd.Series([121.0, 5.0]), 2)
    assert s.iloc[0] == pytest.approx(10.0) and np.isnan(s.iloc[1])


# ----------------------------------------------------------------------------- location quotient


def hand_lq_table() -> pd.DataFrame:
    """HAND-MADE: two areas, two industries, a total row ("T"), reference area "N"."""
    return pd.DataFrame(
        {
            "area": ["A", "A", "A", "B", "B", "B", "N", "N", "N"],
            "ind": ["x", "y", "T"] * 3,
            "jobs": [10, 30, 40, np.nan, 20, 60, 100, 300, 1000],
        }
    )


def test_location_quotient_hand_computed():
    out = A.location_quotient(
        hand_lq_table(), industry="ind", area="area", value="jobs",
        reference_area="N", total_industry="T",
    ).set_index(["area", "industry"])
    # A,x: (10/40) / (100/1000) = 0.25 / 0.1 = 2.5
    assert out.loc[("A", "x"), "lq"] == pytest.approx(2.5)
    # A,y: (30/40) / (300/1000) = 0.75 / 0.3 = 2.5
    assert out.loc[("A", "y"), "lq"] == pytest.approx(2.5)
    # B,y: (20/60) / (300/1000) = 0.3333 / 0.3 = 1.1111
    assert out.loc[("B", "y"), "lq"] == pytest.approx(10 / 9)
    # the ingredients are kept
    assert out.loc[("B", "y"), ["e_ir", "e_r", "e_iN", "e_N"]].tolist() == [20, 60, 300, 1000]
    # the reference area and the total row are not returned
    assert set(out.index.get_level_values(0)) == {"A", "B"}
    assert "T" not in out.index.get_level_values(1)


def test_location_quotient_suppressed_cell_is_nan_not_zero():
    out = A.location_quotient(
        hand_lq_table(), industry="ind", area="area", value="jobs",
        reference_area="N", total_industry="T",
    ).set_index(["area", "industry"])
    # B,x is suppressed -> NaN for that cell only (as 0 it would read as LQ 0)
    assert math.isnan(out.loc[("B", "x"), "lq"])
    assert not math.isnan(out.loc[("B", "y"), "lq"])


def test_location_quotient_without_total_row_sums_industries_and_is_strict():
    df = hand_lq_table()
    df = df[df["ind"] != "T"]
    out = A.location_quotient(
        df, industry="ind", area="area", value="jobs", reference_area="N"
    ).set_index(["area", "industry"])
    # A: e_r = 10 + 30 = 40, N: e_N = 100 + 300 = 400; A,x: (10/40)/(100/400) = 1.0
    assert out.loc[("A", "x"), "lq"] == pytest.approx(1.0)
    # B has a suppressed cell, so its sum (its e_r) is unknown: every LQ of B is NaN
    assert out.loc["B", "lq"].isna().all()


def test_location_quotient_zero_denominator_is_nan():
    df = pd.DataFrame(
        {"area": ["A", "A", "N", "N"], "ind": ["x", "T", "x", "T"], "jobs": [0, 0, 0, 10]}
    )
    out = A.location_quotient(
        df, industry="ind", area="area", value="jobs", reference_area="N", total_industry="T"
    )
    # e_r = 0 and e_iN = 0 -> division by zero -> NaN, never 0 or inf
    assert out["lq"].isna().all()


def test_location_quotient_errors_name_the_bad_argument():
    df = hand_lq_table()
    with pytest.raises(ValueError, match="reference_area='SSS' is not among the areas"):
        A.location_quotient(df, industry="ind", area="area", value="jobs", reference_area="SSS")
    with pytest.raises(ValueError, match="value='job' is not a column.*did you mean \\['jobs'\\]"):
        A.location_quotient(df, industry="ind", area="area", value="job", reference_area="N")
    with pytest.raises(ValueError, match="total_industry='TOTAL' is not among the industries"):
        A.location_quotient(df, industry="ind", area="area", value="jobs", reference_area="N",
                            total_industry="TOTAL")
    with pytest.raises(ValueError, match="more than one row per"):
        A.location_quotient(pd.concat([df, df]), industry="ind", area="area", value="jobs",
                            reference_area="N")
    with pytest.raises(ValueError, match="must not be negative"):
        A.location_quotient(df.assign(jobs=-df["jobs"]), industry="ind", area="area",
                            value="jobs", reference_area="N")


# ----------------------------------------------------------------------------- shift-share


def hand_shift_share_table() -> pd.DataFrame:
    """HAND-MADE: the LQ table in 2019 and changed values in 2023."""
    d0 = hand_lq_table().assign(year=2019)
    d1 = hand_lq_table().assign(year=2023, jobs=[20, 30, 50, 5, 25, 70, 150, 300, 1200])
    return pd.concat([d0, d1], ignore_index=True)


def test_shift_share_hand_computed():
    out = A.shift_share(
        hand_shift_share_table(), industry="ind", area="area", value="jobs", period="year",
        start=2019, end=2023, reference_area="N", total_industry="T",
    ).set_index(["area", "industry"])
    row = out.loc[("A", "x")]
    # g_N = 1200/1000 - 1 = 0.2 ; g_iN (x) = 150/100 - 1 = 0.5
    # national growth = 10 * 0.2 = 2 ; industry mix = 10 * (0.5 - 0.2) = 3
    # change = 20 - 10 = 10 ; regional shift = 10 - 2 - 3 = 5 (= 10 * (1.0 - 0.5))
    assert row["g_N"] == pytest.approx(0.2)
    assert row["g_iN"] == pytest.approx(0.5)
    assert row[["change", "national_growth", "industry_mix", "regional_shift"]].tolist() == \
        pytest.approx([10, 2, 3, 5])
    row = out.loc[("B", "y")]
    # g_iN (y) = 300/300 - 1 = 0 ; NS = 20 * 0.2 = 4 ; IM = 20 * (0 - 0.2) = -4
    # change = 25 - 20 = 5 ; RS = 5 - 4 + 4 = 5
    assert row[["change", "national_growth", "industry_mix", "regional_shift"]].tolist() == \
        pytest.approx([5, 4, -4, 5])


def test_shift_share_components_sum_to_change():
    rng = np.random.default_rng(20260101)
    areas, inds = ["A", "B", "C", "N"], ["x", "y", "z"]
    rows = []
    for year in (2010, 2020):
        for a in areas:
            vals = rng.integers(0, 5000, size=len(inds)).astype(float)
            for i, v in zip(inds, vals):
                rows.append({"year": year, "area": a, "ind": i, "jobs": v})
            rows.append({"year": year, "area": a, "ind": "T", "jobs": vals.sum() + 1000})
    df = pd.DataFrame(rows)  # HAND-MADE random table, only the identity is tested
    out = A.shift_share(df, industry="ind", area="area", value="jobs", period="year",
                        start=2010, end=2020, reference_area="N", total_industry="T")
    total = out["national_growth"] + out["industry_mix"] + out["regional_shift"]
    np.testing.assert_allclose(total, out["change"], rtol=0, atol=1e-9)
    assert len(out) == 9  # 3 areas x 3 industries, no reference rows


def test_shift_share_suppressed_cell_gives_nan_components():
    out = A.shift_share(
        hand_shift_share_table(), industry="ind", area="area", value="jobs", period="year",
        start=2019, end=2023, reference_area="N", total_industry="T",
    ).set_index(["area", "industry"])
    # B,x is suppressed in 2019: its change and all three components are unknown
    assert out.loc[("B", "x"), ["change", "national_growth", "industry_mix", "regional_shift"]].isna().all()


def test_shift_share_zero_start_keeps_identity():
    df = hand_shift_share_table()
    df.loc[(df.year == 2019) & (df.area == "A") & (df.ind == "x"), "jobs"] = 0
    out = A.shift_share(df, industry="ind", area="area", value="jobs", period="year",
                        start=2019, end=2023, reference_area="N", total_industry="T")
    row = out.set_index(["area", "industry"]).loc[("A", "x")]
    # start 0: NS = IM = 0, the whole change 20 - 0 = 20 is regional shift; g_ir undefined
    assert row[["national_growth", "industry_mix", "regional_shift"]].tolist() == [0, 0, 20]
    assert math.isnan(row["g_ir"])


def test_shift_share_errors():
    df = hand_shift_share_table()
    kw = dict(industry="ind", area="area", value="jobs", period="year", reference_area="N")
    with pytest.raises(ValueError, match="start='2019' is not among the values of 'year'"):
        A.shift_share(df, start="2019", end=2023, **kw)
    with pytest.raises(ValueError, match="must be different periods"):
        A.shift_share(df, start=2019, end=2019, **kw)
    short = df[~((df.year == 2023) & (df.area == "A") & (df.ind == "y"))]
    with pytest.raises(ValueError, match="exist in only one of the periods"):
        A.shift_share(short, start=2019, end=2023, **kw)


# ----------------------------------------------------------------------------- composite index


def hand_indicators() -> pd.DataFrame:
    """HAND-MADE indicator table, one row per area."""
    return pd.DataFrame(
        {"good": [1.0, 2.0, 3.0, np.nan], "bad": [10.0, 20.0, 30.0, 40.0]},
        index=pd.Index(["A", "B", "C", "D"], name="area"),
    )


def test_composite_index_zscore_hand_computed():
    res = A.composite_index(hand_indicators(), ["good", "bad"], {"good": 1, "bad": -1})
    # good over A..C: mean 2, population sd sqrt(((1)^2+0+(1)^2)/3) = sqrt(2/3) = 0.816497
    #   z(A) = -1/0.816497 = -1.224745, z(B) = 0, z(C) = +1.224745
    # bad over A..D: mean 25, sd sqrt((225+25+25+225)/4) = sqrt(125) = 11.18034
    #   z(A) = -15/11.18034 = -1.341641 -> reversed +1.341641; B: -5/11.18 = -0.447214 -> +0.447214
    # index(A) = (-1.224745 + 1.341641) / 2 = 0.058448
    # index(B) = (0 + 0.447214) / 2 = 0.223607
    # index(C) = (1.224745 - 0.447214) / 2 = 0.388766
    assert res.index["A"] == pytest.approx(0.058448, abs=1e-6)
    assert res.index["B"] == pytest.approx(0.223607, abs=1e-6)
    assert res.index["C"] == pytest.approx(0.388766, abs=1e-6)
    # D lacks 'good' and min_coverage defaults to all indicators -> no value
    assert math.isnan(res.index["D"])
    assert res.n_used.to_dict() == {"A": 2, "B": 2, "C": 2, "D": 1}
    assert "z-scores" in res.method and "sign reversed): bad" in res.method
    assert "An area missing any indicator gets no index value." in res.method


def test_composite_index_minmax_weights_and_coverage():
    res = A.composite_index(
        hand_indicators(), ["good", "bad"], {"good": "higher", "bad": "lower"},
        method="minmax", weights={"good": 3, "bad": 1}, min_coverage=0.5,
    )
    # good: (x-1)/(3-1): A 0, B 0.5, C 1 ; bad: 1 - (x-10)/30: A 1, B 2/3, C 1/3, D 0
    # index(A) = (3*0 + 1*1)/4 = 0.25 ; index(B) = (3*0.5 + 2/3)/4 = 0.541667
    # index(D): only 'bad' (1 of 2 >= 0.5 coverage) -> 0 / 1 = 0
    assert res.index["A"] == pytest.approx(0.25)
    assert res.index["B"] == pytest.approx((1.5 + 2 / 3) / 4)
    assert res.index["D"] == pytest.approx(0.0)
    assert res.n_used["D"] == 1
    assert "min-max" in res.method and "weights good 3, bad 1" in res.method
    assert "at least 1 of the 2 indicators" in res.method
    frame = res.to_frame()
    assert list(frame.columns) == ["index", "n_indicators", "good", "bad"]


def test_composite_index_errors():
    df = hand_indicators()
    with pytest.raises(ValueError, match="direction must give exactly one entry.*missing: \\['bad'\\]"):
        A.composite_index(df, ["good", "bad"], {"good": 1})
    with pytest.raises(ValueError, match="direction\\['bad'\\] must be \\+1"):
        A.composite_index(df, ["good", "bad"], {"good": 1, "bad": 2})
    with pytest.raises(ValueError, match="method must be 'zscore' or 'minmax'; got 'rank'"):
        A.composite_index(df, ["good", "bad"], {"good": 1, "bad": 1}, method="rank")
    with pytest.raises(ValueError, match="min_coverage must be a fraction"):
        A.composite_index(df, ["good", "bad"], {"good": 1, "bad": 1}, min_coverage=2)
    with pytest.raises(ValueError, match="weights\\['bad'\\] must be a positive number"):
        A.composite_index(df, ["good", "bad"], {"good": 1, "bad": 1}, weights={"good": 1, "bad": 0})
    with pytest.raises(ValueError, match="indicators\\[1\\]='ugly' is not a column"):
        A.composite_index(df, ["good", "ugly"], {"good": 1, "ugly": 1})
    with pytest.raises(ValueError, match="'flat' has the same value in every area"):
        A.composite_index(df.assign(flat=5.0), ["flat"], {"flat": 1})


# ----------------------------------------------------------------------------- rank


def test_rank_ties_min_descending_and_nan_kept():
    s = pd.Series([10.0, 20.0, 20.0, 5.0, np.nan], index=list("abcde"))
    r = A.rank(s)
    # descending: 20, 20 share rank 1; 10 is 3rd (rank 2 skipped); 5 is 4th; NaN unranked
    assert r.dtype == "Int64"
    assert r.iloc[:4].tolist() == [3, 1, 1, 4]
    assert r.isna().tolist() == [False] * 4 + [True]
    # ascending: 5 -> 1, 10 -> 2, 20, 20 -> 3
    assert A.rank(s, ascending=True).iloc[:4].tolist() == [2, 3, 3, 1]


def test_rank_errors():
    with pytest.raises(TypeError, match="series must be a pandas Series"):
        A.rank([1, 2, 3])
    with pytest.raises(TypeError, match="ascending must be True or False"):
        A.rank(pd.Series([1.0]), ascending="yes")


# ----------------------------------------------------------------------------- classify


def test_classify_quantiles_hand_computed_and_missing_label():
    values = pd.Series([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, np.nan], dtype=float)
    c = A.classify(values, "quantiles", k=5, missing_label="suppressed")
    # quintile upper bounds of 1..10 (linear interpolation): 2.8, 4.6, 6.4, 8.2, 10
    assert c.bins == pytest.approx([2.8, 4.6, 6.4, 8.2, 10.0])
    assert c.k == 5
    assert c.classes.iloc[:10].tolist() == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]
    assert c.classes.isna().iloc[10]
    assert c.value_labels.iloc[10] == "suppressed"
    assert c.labels[0] == "1.0 – 2.8" and c.value_labels.iloc[0] == "1.0 – 2.8"
    assert c.n_missing == 1


def test_classify_equal_interval_and_natural_breaks():
    values = pd.Series([0.0, 1.0, 2.0, 3.0, 100.0])
    eq = A.classify(values, "equal_interval", k=4)
    # width (100 - 0) / 4 = 25: bounds 25, 50, 75, 100
    assert eq.bins == pytest.approx([25, 50, 75, 100])
    assert eq.classes.tolist() == [0, 0, 0, 0, 3]
    nb = A.classify(values, "natural_breaks", k=3)
    # Fisher-Jenks: {0, 1} {2, 3} {100} minimise within-class variance (0.25+0.25+0 ...)
    assert nb.bins == pytest.approx([1, 3, 100])
    assert nb.labels == ["0 – 1", "> 1 – 3", "> 3 – 100"]


def test_classify_thousands_separator_in_labels():
    c = A.classify(pd.Series([1000.0, 2000.0, 15000.0, 30000.0]), "equal_interval", k=2)
    # bounds 1000 + 29000/2 = 15500, 30000
    assert c.labels == ["1,000 – 15,500", "> 15,500 – 30,000"]  # English; Finnish: 1 000 – 15 500


def test_classify_errors():
    with pytest.raises(ValueError, match="scheme must be one of.*got 'jenks'"):
        A.classify(pd.Series([1.0, 2.0]), "jenks")
    with pytest.raises(ValueError, match="k must be an integer from 2 to 12"):
        A.classify(pd.Series([1.0, 2.0]), k=1)
    with pytest.raises(ValueError, match="no non-missing value"):
        A.classify(pd.Series([np.nan, np.nan]))


def _mapclassify_reference(y, scheme, k):
    import warnings

    import mapclassify

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "not enough unique values", "numba not installed"
        fitted = getattr(mapclassify, A.CLASSIFY_SCHEMES[scheme])(y, k=k)
    return fitted.bins, fitted.yb


def _assert_same_as_mapclassify(y, scheme, k):
    from helpers.analysis.classes import _class_of

    ref_bins, ref_yb = _mapclassify_reference(y, scheme, k)
    bins = A.class_bounds(y, scheme, k)
    assert bins.dtype == ref_bins.dtype and bins.tobytes() == ref_bins.tobytes(), (scheme, k, bins, ref_bins)
    assert np.array_equal(_class_of(y, bins), ref_yb), (scheme, k)


@pytest.mark.parametrize("scheme", sorted(A.CLASSIFY_SCHEMES))
def test_class_bounds_are_mapclassifys_on_the_municipalities_populations(scheme):
    # Real data: the 309 municipalities' populations 31.12.2023 (Statistics Finland, the pinned
    # snapshot), their change since 2019 in per cent (a diverging map's values, ties and
    # negatives) and the populations of Varsinais-Suomi's 27 municipalities, for every k
    # (natural breaks, pure Python in mapclassify without numba, of the 309 for k = 3, 5, 7).
    # The bounds must be mapclassify's to the last bit, and so the classes.
    from helpers.snapshot import Snapshot

    snap = Snapshot()
    now = snap.load("population_municipality_2023").set_index("kunta")["population"]
    then = snap.load("population_municipality_2019").set_index("kunta")["population"]
    change = (100 * (now / then.reindex(now.index) - 1)).round(1).dropna()
    region = snap.load("population_municipality_2023").query("maakunta == '02'")["population"]
    assert len(now) == 309 and len(region) == 27
    for values in (now, change, region):
        y = values.to_numpy(dtype="float64")
        for k in (range(2, 13) if scheme != "natural_breaks" or len(y) < 100 else (3, 5, 7)):
            _assert_same_as_mapclassify(y, scheme, k)


def test_class_bounds_are_mapclassifys_on_random_values_with_ties():
    # HAND-MADE test data: seeded random values — normal, small integers (many ties),
    # rounded log-normal, uniform — of 2 to 200 values (natural breaks: 2 to 60), k = 2 ... 12.
    rng = np.random.default_rng(20261204)
    compared = 0
    for trial in range(48):
        size = int(rng.integers(2, 200))
        y = [rng.normal(size=size) * 1000, rng.integers(0, 8, size=size).astype(float),
             np.round(rng.lognormal(5, 2, size=size), 1), rng.uniform(-3, 3, size=size)][trial % 4]
        distinct = len(np.unique(y))
        if distinct < 2:
            continue
        for k in range(2, 13):
            for scheme in A.CLASSIFY_SCHEMES:
                if scheme == "natural_breaks" and (distinct < k or size > 60):
                    continue  # mapclassify refuses the first (see the next test), is slow on the second
                _assert_same_as_mapclassify(y, scheme, k)
                compared += 1
    assert compared > 1000


def test_natural_breaks_of_fewer_distinct_values_than_classes_form_one_class_each():
    # mapclassify.FisherJenks raises "Fewer unique values (3) than specified classes (5)";
    # classify forms the classes there are, as it does for quantiles of tied values
    c = A.classify(pd.Series([1.0, 1.0, 2.0, 5.0, 5.0, 5.0]), "natural_breaks", k=5)
    assert c.k == 3 and c.bins == [1.0, 2.0, 5.0]
    assert c.classes.tolist() == [0, 0, 1, 2, 2, 2]
    assert c.labels == ["1.00", "> 1.00 – 2.00", "> 2.00 – 5.00"]  # two decimals below 10


def test_class_bounds_refuses_what_it_cannot_class():
    with pytest.raises(ValueError, match="at least two distinct ones; got 1 distinct of 3 values"):
        A.class_bounds(np.array([2.0, 2.0, 2.0]), "equal_interval", 3)
    with pytest.raises(ValueError, match="some not finite"):
        A.class_bounds(np.array([1.0, np.nan, 3.0]), "quantiles", 3)
    with pytest.raises(ValueError, match="scheme must be one of.*got 'jenks'"):
        A.class_bounds(np.array([1.0, 2.0]), "jenks", 2)


def test_classifying_imports_neither_mapclassify_nor_scipy_nor_scikit_learn():
    # the workbooks' kernels import what the helpers import: classifying (and every
    # workbook module) must not bring in the libraries that cost a kernel as much as pandas,
    # geopandas and matplotlib together
    import subprocess
    import sys

    code = (
        "import importlib, pkgutil, sys\n"
        "import helpers.workbooks as w\n"
        "for m in pkgutil.iter_modules(w.__path__): importlib.import_module('helpers.workbooks.' + m.name)\n"
        "from helpers import analysis, plotting\n"
        "for s in analysis.CLASSIFY_SCHEMES: analysis.classify([1.0, 2.0, 3.0, 10.0], s, k=3)\n"
        "analysis.classify([-1.0, 2.0, 3.0, 10.0], k=3, centre=0)\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'mapclassify', 'scipy', 'sklearn'}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_format_number():
    assert A.format_number(1234567.891, 2) == "1,234,567.89"  # the run's language: English here
    assert A.format_number(1234567.891, 2, lang="fi") == "1\u202f234\u202f567,89"
    assert A.format_number(1234567.891, 2, lang="sv") == "1\u202f234\u202f567,89"
    assert A.format_number(-1234) == "\u22121,234"
    assert A.format_number(-1234, lang="fi") == "\u22121\u202f234"
    assert A.format_number(-0.001, 1) == "0.0"
    assert A.format_number(float("nan")) == ""


# ----------------------------------------------------------------------------- region profile


def test_period_change_real_population():
    # Real: Turku and Aura 31.12.2019 and 31.12.2023 (Statistics Finland, via the reference data)
    df = pd.DataFrame(
        {
            "kunta": ["853", "019", "853", "019", "999"],
            "year": ["2019", "2019", "2023", "2023", "2019"],
            "population": [192962, 3941, 201863, 3961, 100],
        }
    )
    out = A.period_change(df, area="kunta", period="year", value="population",
                          start="2019", end="2023")
    # Turku: 201 863 - 192 962 = 8 901 ; 100 * 8 901 / 192 962 = 4.61283 %
    assert out.loc["853", "change"] == 8901
    assert out.loc["853", "change_pct"] == pytest.approx(4.612825, abs=1e-6)
    # Aura: 3 961 - 3 941 = 20 ; 100 * 20 / 3 941 = 0.50749 %
    assert out.loc["019", "change"] == 20
    assert out.loc["019", "change_pct"] == pytest.approx(0.507485, abs=1e-6)
    # "999" (hand-made row) has no 2023 value: NaN, not a fall to zero
    assert math.isnan(out.loc["999", "end"]) and math.isnan(out.loc["999", "change"])
    assert out.index.tolist() == ["853", "019", "999"]  # codes stay zero-padded strings


def test_period_change_errors():
    df = pd.DataFrame({"a": ["1"], "y": [2019], "v": [1]})
    with pytest.raises(ValueError, match="end=2023 is not among the values of 'y'"):
        A.period_change(df, area="a", period="y", value="v", start=2019, end=2023)


def test_largest_member_share_real_turku():
    # Real populations 31.12.2023 of three Varsinais-Suomi municipalities
    df = pd.DataFrame(
        {
            "region": ["02", "02", "02"],
            "name": ["Turku", "Salo", "Raisio"],
            "population": [201863, 51100, 25331],
        }
    )
    out = A.largest_member_share(df, member="name", value="population", group="region")
    # total 201 863 + 51 100 + 25 331 = 278 294 ; 100 * 201 863 / 278 294 = 72.5359 %
    assert out.loc["02", "largest"] == "Turku"
    assert out.loc["02", "total"] == 278294
    assert out.loc["02", "share"] == pytest.approx(72.535880, abs=1e-5)
    assert out.loc["02", "n_members"] == 3


def test_largest_member_share_missing_member_makes_it_unknown():
    df = pd.DataFrame({"name": ["a", "b"], "v": [10.0, np.nan]})  # HAND-MADE
    out = A.largest_member_share(df, member="name", value="v")
    assert out["largest"].iloc[0] is None
    assert math.isnan(out["share"].iloc[0])


def test_classify_diverging_keeps_the_centre_as_a_boundary():
    v = pd.Series([-1.6, -1.2, -0.9, -0.5, -0.1, 0.3, 0.8, 1.5, 2.4, 3.2, np.nan])
    c = A.classify(v, k=5, centre=0, decimals=1)
    assert 0.0 in c.bins and c.n_below == 2
    assert c.labels[c.n_below - 1].endswith("– 0.0") and c.labels[c.n_below].startswith("> 0.0")
    below = set(c.classes[v <= 0].dropna())
    above = set(c.classes[v > 0].dropna())
    assert below and above and below.isdisjoint(above)  # growth and decline never share a class
    assert pd.isna(c.classes.iloc[-1]) and c.n_missing == 1
    one_side = A.classify(pd.Series([0.5, 1.5, 2.5, 3.5]), k=3, centre=0)
    assert one_side.n_below == 0 and one_side.centre == 0
