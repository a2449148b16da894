from fupin.areas.scope import prefix_upper_bound, reduce_prefixes


def test_upper_bound_is_just_past_every_code_with_the_prefix():
    assert prefix_upper_bound("152223") == "152224"
    assert prefix_upper_bound("152229") == "15222:"
    assert prefix_upper_bound("152229") > "152229999999"


def test_nested_prefixes_reduce_to_the_outer_one():
    assert reduce_prefixes(["152223100234", "152223", "152201"]) == ("152201", "152223")
