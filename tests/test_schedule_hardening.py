"""Schedule files a cron job or a careless edit produces: every problem named clearly, fast,
and only the broken set refused (helpers.runner.schedule)."""

from __future__ import annotations

import pytest

from helpers import runner
from helpers.runner import schedule

GOOD = "sets:\n  ok:\n    runs:\n      - workbook: region_profile\n        parameters: {area: MK02}\n"


def _write(tmp_path, text: str | bytes, name: str = "schedule.yaml"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def test_a_latin1_file_is_named_not_a_traceback(tmp_path):
    path = _write(tmp_path, "sets:\n  ok:\n    description: Pöytyä\n    runs: [region_profile]\n".encode("latin-1"))
    with pytest.raises(runner.RunnerInputError, match="not UTF-8 .*save it as UTF-8"):
        runner.load_schedule(path)


def test_a_directory_and_a_binary_file(tmp_path):
    with pytest.raises(runner.RunnerInputError, match="not a file"):
        runner.load_schedule(tmp_path)
    with pytest.raises(runner.RunnerInputError, match="not a text file"):
        runner.load_schedule(_write(tmp_path, b"\x89PNG\r\n\x1a\n\0\0\0"))
    with pytest.raises(runner.RunnerInputError, match="no schedule file"):
        runner.load_schedule(tmp_path / "missing.yaml")


def test_an_alias_bomb_is_refused_by_counting_not_by_expanding_it(tmp_path):
    # 1,111,111,111 nodes: only a count can say so (expanding them took 36-70 s and ~4.5 GB)
    lines = ["a0: &a0 [x]"] + [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    lines += ["sets:", "  bomb:", "    runs: *a9"]
    with pytest.raises(runner.RunnerInputError, match=r"expands to [\d,]{13} YAML nodes through its aliases"):
        runner.load_schedule(_write(tmp_path, "\n".join(lines) + "\n"))
    many = ["a: &a [x]", "sets:", "  s:", "    runs:"] + ["      - *a"] * 101
    with pytest.raises(runner.RunnerInputError, match="more than 100 aliases"):
        runner.load_schedule(_write(tmp_path, "\n".join(many) + "\n"))


def test_a_huge_cross_product_is_refused_before_it_is_built(tmp_path):
    text = ("sets:\n  huge:\n    runs:\n      - workbook: region_profile\n        parameters:\n"
            "          area: {each: municipalities}\n          compare_to: {each: regions}\n"
            "          snapshot: {each: [a, b, c, d, e, f, g, h, i, j, k, l]}\n")
    with pytest.raises(runner.RunnerInputError, match=r"70,224 runs \(308 area × 19 compare_to × 12 snapshot\)"):
        runner.load_schedule(_write(tmp_path, text))


def test_a_broken_set_does_not_block_a_valid_one_and_every_problem_is_listed(tmp_path):
    text = GOOD + ("  broken:\n    runs:\n      - workbook: region_profile\n        colour: blue\n"
                   "      - {parameters: {area: MK02}}\n  adhoc:\n    runs: [region_profile]\n")
    path = _write(tmp_path, text)
    assert [r.values for r in runner.get_set("ok", path).runs] == [{"area": "MK02"}]
    with pytest.raises(runner.RunnerInputError) as exc:
        runner.get_set("broken", path)
    assert len(exc.value.problems) == 2 and "unknown keys ['colour']" in str(exc.value) and "needs 'workbook'" in str(exc.value)
    with pytest.raises(runner.RunnerInputError, match="'adhoc' is reserved"):
        runner.get_set("adhoc", path)
    with pytest.raises(runner.RunnerInputError) as exc:  # the strict reader lists them all
        runner.load_schedule(path)
    assert len(exc.value.problems) == 3


def test_leading_zero_codes_stay_codes(tmp_path):
    text = ("sets:\n  codes:\n    runs:\n      - workbook: region_profile\n"
            "        parameters: {area: 010, compare_to: SSS}\n")
    spec = runner.get_set("codes", _write(tmp_path, text))
    assert spec.runs[0].values["area"] == "010"  # YAML 1.1 would have read octal 8
    assert schedule.expand_values({"n": 12})[0]["n"] == 12


def test_a_set_title_is_what_readers_see(tmp_path):
    from helpers.runner import publish

    spec = runner.get_set("ok", _write(tmp_path, GOOD.replace("  ok:\n", "  ok:\n    title: Turku region\n")))
    assert spec.title == "Turku region"
    manifest = publish.set_manifest("ok", [], title=spec.title, started_at="2026-12-01T00:00:00+00:00",
                                    elapsed_s=1.0, workers=1)
    page = publish.render_gallery([manifest])
    assert "<h2>Turku region</h2>" in page and "<h2>ok</h2>" not in page


def test_a_set_may_set_its_cell_timeout_and_unknown_keys_are_named(tmp_path):
    path = tmp_path / "schedule.yaml"
    path.write_text("sets:\n"
                    "  quick: {timeout: 90, runs: [{workbook: hello}]}\n"
                    "  plain: {runs: [{workbook: hello}]}\n"
                    "  never: {timeout: none, runs: [{workbook: hello}]}\n"
                    "  bad: {timeout: .nan, runs: [{workbook: hello}]}\n"
                    "  typo: {titel: x, runs: [{workbook: hello}]}\n", encoding="utf-8")
    parsed = schedule.read_schedule(path)
    assert parsed.sets["quick"].timeout == 90.0 and parsed.sets["never"].timeout is None
    assert parsed.sets["plain"].timeout == runner.DEFAULT_SET_TIMEOUT
    assert "timeout nan is not allowed" in parsed.problems["bad"][0]
    assert "unknown key(s) 'titel'" in parsed.problems["typo"][0]
