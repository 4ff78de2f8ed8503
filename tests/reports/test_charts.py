"""The SVG charts are well-formed XML, say what they show, escape every text and
draw what the numbers say."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from reports.charts import GOOD, POOR, horizontal_bar, sparkline

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
