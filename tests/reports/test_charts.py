"""The SVG charts are well-formed XML, say what they show, escape every text and
draw what the numbers say."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from reports.charts import (
    GOOD,
    POOR,
    column_chart,
    horizontal_bar,
    nice_ceiling,
    sparkline,
    stacked_bar,
)

NS = {"svg": "http://www.w3.org/2000/svg"}
HOSTILE = "<script>alert(\"x\")</script> & 'quotes'"


def parse(markup: str) -> ET.Element:
    root = ET.fromstring(markup)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return root


def polyline_points(root: ET.Element) -> list[tuple[float, float]]:
    lines = root.findall("svg:polyline", NS)
    return [
        (float(x), float(y))
        for line in lines
        for x, y in (pair.split(",") for pair in line.attrib["points"].split())
    ]


def test_a_sparkline_is_well_formed_svg_with_an_accessible_name() -> None:
    root = parse(sparkline([70, 64, 81], label="Score over three months"))

    assert root.attrib["role"] == "img"
    assert root.attrib["aria-label"] == "Score over three months"
    assert root.find("svg:title", NS).text == "Score over three months"  # type: ignore[union-attr]


def test_a_sparkline_escapes_its_label() -> None:
    markup = sparkline([50], label=HOSTILE)

    root = parse(markup)

    assert "<script>" not in markup
    assert root.attrib["aria-label"] == HOSTILE
    assert root.find("svg:title", NS).text == HOSTILE  # type: ignore[union-attr]
    assert not root.findall(".//svg:script", NS)


def test_a_sparkline_goes_up_when_the_score_goes_up() -> None:
    root = parse(sparkline([20, 50, 100], label="up", width=100, height=40))

    points = polyline_points(root)

    assert len(points) == 3
    xs, ys = [x for x, _y in points], [y for _x, y in points]
    assert xs == sorted(xs)
    # SVG's y axis points down: a higher score is drawn higher, with a smaller y.
    assert ys[0] > ys[1] > ys[2]
    assert ys[2] == 3  # 100 touches the top padding
    # The last score, 100, is marked in the colour of a good score.
    assert root.find("svg:circle", NS).attrib["fill"] == GOOD  # type: ignore[union-attr]


def test_a_missing_month_breaks_the_line_and_no_value_draws_only_the_baseline() -> None:
    broken = parse(sparkline([40, 45, None, 60, 62], label="gap"))
    empty = parse(sparkline([], label="nothing yet"))
    single = parse(sparkline([25], label="one month"))

    assert len(broken.findall("svg:polyline", NS)) == 2
    assert not empty.findall("svg:polyline", NS)
    assert not empty.findall("svg:circle", NS)
    assert len(empty.findall("svg:line", NS)) == 1
    assert single.find("svg:circle", NS).attrib["fill"] == POOR  # type: ignore[union-attr]


def test_a_bar_is_as_long_as_its_share_of_the_maximum() -> None:
    root = parse(horizontal_bar(10, 40, label="Open findings", width=200))

    track, bar = root.findall("svg:rect", NS)

    assert float(track.attrib["width"]) == 200
    assert float(bar.attrib["width"]) == 50  # 10 of 40 is a quarter
    assert root.attrib["aria-label"] == "Open findings"


def test_a_bar_never_overflows_its_track_and_escapes_its_text() -> None:
    markup = horizontal_bar(90, 40, label=HOSTILE, text="<b>45 & more</b>", width=200)

    root = parse(markup)

    track, bar = root.findall("svg:rect", NS)
    assert float(bar.attrib["width"]) == float(track.attrib["width"])
    assert root.find("svg:text", NS).text == "<b>45 & more</b>"  # type: ignore[union-attr]
    assert "<b>" not in markup
    assert root.attrib["aria-label"] == HOSTILE


def test_a_zero_maximum_draws_an_empty_bar() -> None:
    root = parse(horizontal_bar(0, 0, label="nothing"))

    _track, bar = root.findall("svg:rect", NS)

    assert float(bar.attrib["width"]) == 0


def columns_of(root: ET.Element, colour: str) -> list[ET.Element]:
    return [rect for rect in root.findall("svg:rect", NS) if rect.attrib["fill"] == colour]


def test_an_axis_ends_on_a_round_number() -> None:
    assert [nice_ceiling(v) for v in (0, 1, 3, 7, 10, 11, 23, 50, 51, 180, 1001)] == [
        1,
        1,
        5,
        10,
        10,
        20,
        50,
        50,
        100,
        200,
        2000,
    ]


def test_columns_stand_side_by_side_as_tall_as_their_share_of_the_scale() -> None:
    root = parse(
        column_chart(
            ["Jan", "Feb", "Mar"],
            [("Found", [10, 0, 5], POOR), ("Verified", [2, 4, 20], GOOD)],
            label="Per month",
            width=300,
            height=140,
        )
    )

    found, verified = columns_of(root, POOR), columns_of(root, GOOD)
    # One legend square per series, then a column per non-zero value.
    assert len(found) == 1 + 2
    assert len(verified) == 1 + 3
    heights = [float(rect.attrib["height"]) for rect in verified[1:]]
    # The scale runs to 20: 20 fills the plot, 4 is a fifth of it, 2 a tenth.
    assert heights[2] == pytest.approx(5 * heights[1]) == pytest.approx(10 * heights[0])
    # Every column stands on the same baseline.
    bottoms = {
        round(float(r.attrib["y"]) + float(r.attrib["height"]), 2) for r in found[1:] + verified[1:]
    }
    assert len(bottoms) == 1
    # Within a month the found column comes first; months run left to right.
    assert (
        float(found[1].attrib["x"]) < float(verified[1].attrib["x"]) < float(found[2].attrib["x"])
    )
    texts = [t.text for t in root.findall("svg:text", NS)]
    assert {"Found", "Verified", "Jan", "Feb", "Mar", "20", "0"} <= set(texts)


def test_a_column_chart_escapes_every_text_and_draws_nothing_for_no_values() -> None:
    markup = column_chart([HOSTILE], [(HOSTILE, [0], POOR)], label=HOSTILE)

    root = parse(markup)

    assert "<script>" not in markup
    assert root.attrib["aria-label"] == HOSTILE
    assert len(columns_of(root, POOR)) == 1  # the legend square alone


def test_a_stacked_bar_splits_its_width_in_proportion() -> None:
    root = parse(
        stacked_bar(
            [("Open", 1, POOR), ("Nothing", 0, "#000000"), ("Verified", 3, GOOD)],
            label="CAPs by status",
            width=200,
        )
    )

    track, open_part, verified_part = root.findall("svg:rect", NS)

    assert float(track.attrib["width"]) == 200
    assert float(open_part.attrib["width"]) == 50
    assert float(verified_part.attrib["x"]) == 50
    assert float(verified_part.attrib["width"]) == 150
    assert open_part.find("svg:title", NS).text == "Open: 1"  # type: ignore[union-attr]


def test_an_empty_stacked_bar_is_the_track_alone_and_escapes_its_names() -> None:
    empty = parse(stacked_bar([("Open", 0, POOR)], label="none"))
    markup = stacked_bar([(HOSTILE, 2, POOR)], label=HOSTILE)

    assert len(empty.findall("svg:rect", NS)) == 1
    assert "<script>" not in markup
    assert parse(markup).find("svg:rect/svg:title", NS).text == f"{HOSTILE}: 2"  # type: ignore[union-attr]


def test_columns_can_carry_their_values_so_a_printed_chart_needs_no_table() -> None:
    plain = parse(column_chart(["Jan", "Feb"], [("Found", [7, 0], POOR)], label="x"))
    valued = parse(
        column_chart(["Jan", "Feb"], [("Found", [7, 0], POOR)], label="x", show_values=True)
    )

    def texts(root: ET.Element) -> list[str | None]:
        return [t.text for t in root.findall("svg:text", NS)]

    assert texts(valued).count("7") == 1  # on the January column; none for zero
    assert "7" not in texts(plain)
    column = columns_of(valued, POOR)[1]
    label = next(t for t in valued.findall("svg:text", NS) if t.text == "7")
    assert float(label.attrib["y"]) < float(column.attrib["y"])  # written above it
