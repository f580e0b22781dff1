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


def test_every_status_has_colour_and_text():
    for status in style.STATUS_ORDER:
        assert style.status_colour(status).startswith("#")
        assert style.status_label(status)
    assert style.status_label("insufficient_data") == "Insufficient data"


def test_order_groups_puts_known_roles_first():
    assert style.order_groups(["comparison", "zz", "idp", "returnee"]) == ["idp", "returnee", "comparison", "zz"]


def test_use_house_style_sets_font():
    import matplotlib as mpl

    style.use_house_style()
    assert mpl.rcParams["font.sans-serif"][0] == "DejaVu Sans"
