from solutions.report import style


def test_group_colours_are_fixed_okabe_ito():
    assert style.GROUP_COLOURS == {
        "idp": "#0072B2",
        "returnee": "#E69F00",
        "relocated": "#CC79A7",
        "comparison": "#4D4D4D",
    }
    assert len(set(style.GROUP_COLOURS.values())) == len(style.GROUP_COLOURS)
    assert style.group_colour("idp") == "#0072B2"
    assert style.group_colour("unknown") == style.UNKNOWN_COLOUR


def test_groups_have_distinct_markers_and_labels():
    markers = [style.group_marker(g) for g in style.GROUP_ORDER]
    assert len(set(markers)) == len(markers)
    assert style.group_label("comparison") == "Comparison group"


def test_every_status_has_its_own_colour_symbol_and_text():
    from solutions.report.wording import STATUS_SYMBOLS, status_label

    colours = [style.status_colour(s) for s in style.STATUS_ORDER]
    assert len(set(colours)) == len(colours) and "inconclusive" in style.STATUS_ORDER
    symbols = [STATUS_SYMBOLS[s] for s in style.STATUS_ORDER]
    assert len(set(symbols)) == len(symbols)
    assert status_label("insufficient_data") == "Insufficient data"


def test_status_text_is_readable_on_its_colour():
    """WCAG contrast of each chip's text on its fill is at least 4.5:1."""

    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    for status, fill in style.STATUS_COLOURS.items():
        a, b = sorted((luminance(fill), luminance(style.STATUS_TEXT_COLOURS[status])), reverse=True)
        assert (a + 0.05) / (b + 0.05) >= 4.5, status


def test_order_groups_puts_known_roles_first():
    assert style.order_groups(["comparison", "zz", "idp", "returnee"]) == ["idp", "returnee", "comparison", "zz"]


def test_use_house_style_sets_font():
    import matplotlib as mpl

    style.use_house_style()
    assert mpl.rcParams["font.sans-serif"][0] == "DejaVu Sans"
