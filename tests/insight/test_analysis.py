"""A study's outputs computed by hand: Table 1 (the seed paper's own numbers, half-up against
largest remainder, ties, missing values), Table 3, quotes, the Behaviour Change Wheel and
agreement between coders over each unit."""

import io
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from coproduce.insight import actions, analysis, frameworks
from coproduce.insight import cli as insight_cli
from coproduce.insight.cli import run

# The seed paper's Table 1 (Holland-Hart et al. 2019), counts of 85 public participants.
PAPER = {
    "sample": ([15, 16, 18, 19, 17], [18, 19, 21, 22, 20]),
    "health board": ([20, 14, 12, 10, 15, 12, 2], [24, 16, 14, 12, 18, 14, 2]),
    "gender": ([37, 48], [44, 56]),
    "age": ([10, 18, 14, 13, 9, 15, 6], [12, 21, 16, 15, 11, 18, 7]),
    "disability": ([47, 36, 2], [55, 43, 2]),
    "employment": ([4, 30, 21, 18, 4, 8], [5, 35, 25, 21, 5, 9]),
}
# The Behaviour Change Wheel as docs/domain.md §8 gives it (Michie 2011 Table 2; 2014 adds).
BCW_2011 = {
    "physical_capability": ["training", "enablement"],
    "psychological_capability": ["education", "training", "enablement"],
    "reflective_motivation": ["education", "persuasion", "incentivisation", "coercion"],
    "automatic_motivation": [
        "persuasion",
        "incentivisation",
        "coercion",
        "environmental_restructuring",
        "modelling",
        "enablement",
    ],
    "physical_opportunity": ["restriction", "environmental_restructuring", "enablement"],
    "social_opportunity": ["restriction", "environmental_restructuring", "enablement"],
}
BCW_2014_ADDS = {
    "automatic_motivation": {"training"},
    "physical_opportunity": {"training"},
    "social_opportunity": {"modelling"},
}


def make_study(world, slug="outputs", template="{setting} clinician, {role}"):
    return actions.create_study(
        by=world["admin"].user,
        organisation=world["org"],
        project=world["project"],
        title="Coproduction in Wales",
        slug=slug,
        descriptor_template=template,
    )


@pytest.fixture
def small(world):
    """Six participants: roles A, B, C, C, C, C; settings with one not recorded."""
    study = make_study(world)
    rows = [
        ("P1", "A", "primary"),
        ("P2", "B", "primary"),
        ("P3", "C", "secondary"),
        ("P4", "C", "secondary"),
        ("P5", "C", ""),
        ("P6", "C", "primary"),
    ]
    for identifier, role, setting in rows:
        actions.add_participant(
            by=None,
            study=study,
            identifier=identifier,
            attributes={"role": role, "setting": setting, "gender": "female"},
        )
    return study


def _span(text, part):
    start = text.index(part)
    return start, start + len(part)


@pytest.fixture
def coded(world):
    """Two sources, two participants, a barrier theme under physical opportunity, and a
    social-opportunity code with no theme (so Table 3 falls back to codes)."""
    study = make_study(world, slug="coded")
    p1 = actions.add_participant(
        by=None,
        study=study,
        identifier="P1",
        attributes={"setting": "primary care", "role": "GP", "gender": "male"},
    )
    p2 = actions.add_participant(
        by=None, study=study, identifier="P2", attributes={"role": "nurse", "gender": "female"}
    )
    text_a = "Interviewer: Tell me.\nP1: We never have time. Targets rule.\n"
    a = actions.add_source(
        by=None,
        study=study,
        name="A interview",
        text=text_a,
        turns=[("Interviewer", 0, 21), ("P1", 22, len(text_a) - 1)],
    )
    text_b = "P1: No time here either.\nP2: Time is short. The carers group helps.\n"
    b = actions.add_source(
        by=None,
        study=study,
        name="B focus group",
        text=text_b,
        turns=[("P1", 0, 24), ("P2", 25, len(text_b) - 1)],
        kind="focus_group",
    )
    time = actions.create_code(
        by=None, study=study, name="Time pressure", comb="physical_opportunity"
    )
    partners = actions.create_code(
        by=None, study=study, name="Community partners", comb="social_opportunity"
    )
    coder = actions.coder_for(study=study, person=world["member"])
    for source, part, code, polarity in [
        (a, "We never have time.", time, "barrier"),
        (b, "No time here either.", time, "barrier"),
        (b, "Time is short.", time, "barrier"),
        (b, "The carers group helps.", partners, "facilitator"),
    ]:
        start, end = _span(source.text, part)
        actions.add_coding(
            by=None,
            source=source,
            codes=[code],
            start=start,
            end=end,
            polarity=polarity,
            coder=coder,
        )
    # A suggestion is nobody's judgement: it never counts.
    suggest = actions.coder_for(study=study, name="Suggestions", is_suggestion=True)
    start, end = _span(text_a, "Targets rule.")
    actions.add_coding(
        by=None, source=a, codes=[time], start=start, end=end, polarity="barrier", coder=suggest
    )
    theme = actions.create_theme(
        by=None,
        study=study,
        name="Appointment time",
        comb="physical_opportunity",
        classification="barrier",
        codes=[time],
    )
    return SimpleNamespace(
        study=study,
        p1=p1,
        p2=p2,
        a=a,
        b=b,
        time=time,
        partners=partners,
        theme=theme,
        coder=coder,
    )


# Percentages ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(PAPER))
def test_round_percentages_reproduces_seed_paper(name):
    counts, published = PAPER[name]
    assert analysis.round_percentages(counts) == published
    assert sum(published) == 100


def test_round_percentages_half_up_paper_disability_sums_99():
    assert analysis.round_percentages([47, 36, 2], analysis.HALF_UP) == [55, 42, 2]


def test_round_percentages_half_up_101_largest_remainder_100():
    assert analysis.round_percentages([1, 1, 4], analysis.HALF_UP) == [17, 17, 67]
    # Equal remainders: the larger count first, then the row shown first.
    assert analysis.round_percentages([1, 1, 4]) == [17, 16, 67]


def test_round_percentages_tie_first_row_wins():
    assert analysis.round_percentages([1, 1, 1]) == [34, 33, 33]


def test_round_percentages_empty_column():
    assert analysis.round_percentages([0, 0]) == [None, None]


# Table 1 ---------------------------------------------------------------------------------------


def test_table1_split_missing_and_ties(small):
    table = analysis.table1(small, by=["role", "setting"], split="setting")
    assert [(c["label"], c["n"]) for c in table["columns"]] == [
        ("primary", 3),
        ("secondary", 2),
        ("Not recorded", 1),
        ("Total", 6),
    ]
    role, setting = table["sections"]
    assert role["label"] == "Role"
    assert [(r["label"], r["cells"]) for r in role["rows"]] == [
        ("A", [(1, 34), (0, 0), (0, 0), (1, 17)]),
        ("B", [(1, 33), (0, 0), (0, 0), (1, 16)]),
        ("C", [(1, 33), (2, 100), (1, 100), (4, 67)]),
    ]
    assert [(r["label"], r["cells"][-1], r["not_recorded"]) for r in setting["rows"]] == [
        ("primary", (3, 50), False),
        ("secondary", (2, 33), False),
        ("Not recorded", (1, 17), True),
    ]


def test_table1_half_up_total_sums_101(small):
    table = analysis.table1(small, by=["role"], rounding=analysis.HALF_UP)
    assert [r["cells"] for r in table["sections"][0]["rows"]] == [[(1, 17)], [(1, 17)], [(4, 67)]]


def test_table1_seed_paper_disability(world):
    study = make_study(world, slug="paper")
    values = ["No disability"] * 47 + ["Disability"] * 36 + ["Prefer not to say"] * 2
    for i, value in enumerate(values):
        actions.add_participant(
            by=None, study=study, identifier=f"P{i:02d}", attributes={"disability": value}
        )
    table = analysis.table1(study, by=["disability"], include_special=True)
    assert [(r["label"], r["cells"]) for r in table["sections"][0]["rows"]] == [
        ("Disability", [(36, 43)]),
        ("No disability", [(47, 55)]),
        ("Prefer not to say", [(2, 2)]),
    ]


def test_table1_special_attribute_refused_without_permission(small):
    with pytest.raises(ValidationError):
        analysis.table1(small, by=["gender"])
    table = analysis.table1(small, by=["gender"], include_special=True)
    assert table["sections"][0]["rows"][0]["cells"] == [(6, 100)]


def test_table1_unknown_attribute(small):
    with pytest.raises(ValidationError) as raised:
        analysis.table1(small, by=["shoe_size"])
    assert raised.value.messages == [
        "The study has no attribute called “shoe_size” that you can see. Choose one of: "
        "Role (role), Setting (setting), Sample group (sample_group), Area (area), "
        "Employment (employment), Deprivation quintile (deprivation_quintile)."
    ]


def test_table1_by_label_in_any_case(small):
    by_label = analysis.table1(small, by=["SETTING"], split="Role")
    by_name = analysis.table1(small, by=["setting"], split="role")
    assert by_label == by_name


def test_cli_table1_by_label(small):
    out = io.StringIO()
    insight_cli.cli_table1(_cli(["table1", "outputs", "--by", "Setting"]), out=out)
    assert out.getvalue().splitlines()[4] == "| Setting | primary | 3 (50) |"


def test_table1_tabular_both_forms(small):
    table = analysis.table1(small, by=["setting"])
    assert analysis.table1_tabular(table, combined=True) == (
        ["Characteristic", "Value", "Total (n = 6)"],
        [
            ["Setting", "primary", "3 (50)"],
            ["Setting", "secondary", "2 (33)"],
            ["Setting", "Not recorded", "1 (17)"],
        ],
    )
    assert analysis.table1_tabular(table, combined=False) == (
        ["Characteristic", "Value", "Total (n = 6) n", "Total (n = 6) %"],
        [
            ["Setting", "primary", 3, 50],
            ["Setting", "secondary", 2, 33],
            ["Setting", "Not recorded", 1, 17],
        ],
    )


def test_table1_values_in_natural_order(world):
    study = make_study(world, slug="ages")
    for i, band in enumerate(["75+", "18-25", "100+", "26-35"]):
        actions.add_participant(
            by=None, study=study, identifier=f"P{i}", attributes={"age_band": band}
        )
    table = analysis.table1(study, by=["age_band"], include_special=True)
    assert [r["label"] for r in table["sections"][0]["rows"]] == ["18-25", "26-35", "75+", "100+"]


# Quotes ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attributes", "expected"),
    [
        ({"setting": "primary care", "role": "GP"}, "primary care clinician, GP"),
        ({"role": "GP"}, "clinician, GP"),
        ({"setting": "secondary care"}, "secondary care clinician"),
        ({}, "clinician"),
    ],
)
def test_descriptor_drops_missing_cleanly(attributes, expected):
    assert analysis.descriptor("{setting} clinician, {role}", attributes) == expected


def test_descriptor_separators_and_hidden():
    template = "{sample_group}, {gender}, {role}"
    values = {"sample_group": "parent", "gender": "female", "role": "carer"}
    assert analysis.descriptor(template, values) == "parent, female, carer"
    assert analysis.descriptor(template, values, hidden={"gender"}) == "parent, carer"
    assert analysis.descriptor("({sample_group}) {role}", {"role": "GP"}) == "GP"
    assert analysis.descriptor("{unknown}", {"role": "GP"}) == ""


def test_quotes_attributed_by_turn(coded):
    quotes = analysis.quotes(coded.study)
    assert [str(q) for q in quotes] == [
        "“We never have time.” (primary care clinician, GP)",
        "“No time here either.” (primary care clinician, GP)",
        "“Time is short.” (clinician, nurse)",
        "“The carers group helps.” (clinician, nurse)",
    ]
    facilitators = analysis.quotes(coded.study, polarity="facilitator")
    assert [q.text for q in facilitators] == ["The carers group helps."]
    assert [q.text for q in analysis.quotes(coded.study, participant=coded.p2)] == [
        "Time is short.",
        "The carers group helps.",
    ]
    assert [q.codes for q in analysis.quotes(coded.study, theme=coded.theme)] == [
        ["Time pressure"]
    ] * 3


def test_quotes_falls_back_to_sole_participant_then_identifier(world):
    study = make_study(world, slug="sole", template="{role}")
    p = actions.add_participant(by=None, study=study, identifier="P9")
    source = actions.add_source(
        by=None, study=study, name="Notes", text="Nobody asked us.", participants=[p]
    )
    actions.add_coding(
        by=None,
        source=source,
        codes=[study.codes.first()],
        start=0,
        end=16,
        coder=actions.coder_for(study=study, person=world["member"]),
    )
    assert [str(q) for q in analysis.quotes(study)] == ["“Nobody asked us.” (P9)"]


# Table 3 ---------------------------------------------------------------------------------------


def test_barriers_themes_then_codes_by_polarity(coded):
    table = analysis.barriers(coded.study)
    keys = [c["key"] for c in table["components"]]
    assert keys == [c["key"] for c in frameworks.comb()["components"]]
    by_key = {c["key"]: c for c in table["components"]}
    physical = by_key["physical_opportunity"]
    assert physical["from_themes"] is True
    [item] = physical["barriers"]
    assert (item["name"], item["participants"], item["sources"]) == ("Appointment time", 2, 2)
    # Exemplars from different people first (the suggestion "Targets rule." never counts).
    assert [str(q) for q in item["quotes"]] == [
        "“We never have time.” (primary care clinician, GP)",
        "“Time is short.” (clinician, nurse)",
    ]
    assert physical["facilitators"] == []
    social = by_key["social_opportunity"]
    assert social["from_themes"] is False
    assert [(i["name"], i["participants"], i["sources"]) for i in social["facilitators"]] == [
        ("Community partners", 1, 1)
    ]
    assert social["barriers"] == []
    assert by_key["physical_capability"]["barriers"] == []


def test_barriers_theme_both_splits_by_polarity(coded):
    actions.update_theme(by=None, theme=coded.theme, classification="both")
    physical = analysis.barriers(coded.study)["components"][2]
    assert [i["participants"] for i in physical["barriers"]] == [2]
    assert [i["participants"] for i in physical["facilitators"]] == [0]


def test_barriers_tabular(coded):
    header, rows = analysis.barriers_tabular(analysis.barriers(coded.study, exemplars=1))
    assert header[:3] == ["COM-B sub-component", "Barrier or facilitator", "Theme or code"]
    assert rows == [
        [
            "Physical opportunity",
            "Barrier",
            "Appointment time",
            2,
            2,
            "“We never have time.” (primary care clinician, GP)",
        ],
        [
            "Social opportunity",
            "Facilitator",
            "Community partners",
            1,
            1,
            "“The carers group helps.” (clinician, nurse)",
        ],
    ]


# Matrix ----------------------------------------------------------------------------------------


def test_matrix_cells_and_quote_counts(coded):
    actions.set_matrix_cell(by=None, theme=coded.theme, participant=coded.p1, summary="No time")
    table = analysis.matrix(coded.study)
    assert [
        (r["participant"].identifier, [(c["summary"], c["quotes"]) for c in r["cells"]])
        for r in table["rows"]
    ] == [("P1", [("No time", 2)]), ("P2", [("", 1)])]
    filtered = analysis.matrix(coded.study, filters={"role": "nurse"})
    assert [r["participant"].identifier for r in filtered["rows"]] == ["P2"]
    assert analysis.matrix_tabular(table) == (
        ["Participant", "Appointment time", "Quotes: Appointment time"],
        [["P1", "No time", 2], ["P2", "", 1]],
    )


# Behaviour Change Wheel ------------------------------------------------------------------------


@pytest.mark.parametrize("component", list(BCW_2011))
def test_bcw_matches_published_matrix(component):
    assert analysis.functions_for(component, "2011") == BCW_2011[component]
    expected_2014 = set(BCW_2011[component]) | BCW_2014_ADDS.get(component, set())
    assert set(analysis.functions_for(component, "2014")) == expected_2014
    assert len(analysis.functions_for(component, "2014")) == len(expected_2014)


def test_recommendations_for_barrier_theme(coded):
    actions.set_candidate(
        by=None, theme=coded.theme, function="training", apease={"equity": "fair"}, selected=True
    )
    r2014 = analysis.recommendations(coded.study, variant="2014")
    [entry] = r2014["themes"]
    assert [(c["function"], c["recommended"]) for c in entry["candidates"]] == [
        ("training", True),
        ("restriction", True),
        ("environmental_restructuring", True),
        ("enablement", True),
    ]
    assert entry["candidates"][0]["saved"].apease == {"equity": "fair"}
    # The 2011 article does not recommend training here; the saved judgement still shows.
    r2011 = analysis.recommendations(coded.study, variant="2011")
    assert [(c["function"], c["recommended"]) for c in r2011["themes"][0]["candidates"]] == [
        ("restriction", True),
        ("environmental_restructuring", True),
        ("enablement", True),
        ("training", False),
    ]


def test_send_to_project_records_inputs_once(world, coded):
    from coproduce.reports.models import Input

    actions.set_candidate(
        by=None, theme=coded.theme, function="training", note="Protected time.", selected=True
    )
    actions.set_candidate(by=None, theme=coded.theme, function="enablement", selected=False)
    made = actions.send_to_project(by=world["admin"].user, study=coded.study)
    assert [i.text for i in made] == [
        "Barrier: Appointment time (Physical opportunity). Suggested intervention: Training. "
        "Protected time."
    ]
    assert made[0].contributor_label == "Insight study: Coproduction in Wales"
    assert made[0].source == "other"
    assert actions.send_to_project(by=world["admin"].user, study=coded.study) == []
    assert Input.objects.filter(project=world["project"]).count() == 1


def test_send_to_project_sends_once_whatever_the_language(world, coded):
    from django.utils import translation

    from coproduce.core.models import AuditEvent
    from coproduce.reports.models import Input

    actions.set_candidate(by=None, theme=coded.theme, function="training", selected=True)
    made = actions.send_to_project(by=world["admin"].user, study=coded.study)
    # The wording of the input depends on the language; whether it was sent does not.
    with translation.override("cy"):
        assert actions.send_to_project(by=world["admin"].user, study=coded.study) == []
    assert list(Input.objects.filter(project=world["project"])) == made
    events = AuditEvent.objects.filter(action="study.send_to_project")
    assert [e.changes["inputs"] for e in events] == [[made[0].pk]]
    # An input deleted from the log frees the candidate to be sent again.
    made[0].delete()
    assert len(actions.send_to_project(by=world["admin"].user, study=coded.study)) == 1


def test_send_to_project_nothing_chosen(world, coded):
    with pytest.raises(ValidationError):
        actions.send_to_project(by=world["admin"].user, study=coded.study)


# Agreement -------------------------------------------------------------------------------------


@pytest.fixture
def two_coders(world):
    """Turns 1-4 of one source. X: K1 on turns 1, 2 and K2 on turn 3; Y: K1 on turn 1 and K2
    on turns 3, 4. A second source is coded by X and Z only."""
    study = make_study(world, slug="agree")
    k1 = actions.create_code(by=None, study=study, name="K1")
    k2 = actions.create_code(by=None, study=study, name="K2")
    text = "A: one.\nB: two.\nA: three.\nB: four.\n"
    turns, position = [], 0
    for line in text.splitlines():
        turns.append((line[0], position, position + len(line)))
        position += len(line) + 1
    s1 = actions.add_source(by=None, study=study, name="S1", text=text, turns=turns)
    s2 = actions.add_source(
        by=None,
        study=study,
        name="S2",
        text="A: yes.\nB: no.\n",
        turns=[("A", 0, 7), ("B", 8, 14)],
    )
    x, y, z = (actions.coder_for(study=study, name=n) for n in "XYZ")

    def code(coder, source, turn, k):
        start, end = turns[turn][1:] if source is s1 else [(0, 7), (8, 14)][turn]
        actions.add_coding(by=None, source=source, codes=[k], start=start, end=end, coder=coder)

    code(x, s1, 0, k1)
    code(x, s1, 1, k1)
    code(x, s1, 2, k2)
    code(y, s1, 0, k1)
    code(y, s1, 2, k2)
    code(y, s1, 3, k2)
    return SimpleNamespace(study=study, k1=k1, k2=k2, s1=s1, s2=s2, x=x, y=y, z=z, code=code)


def test_agreement_two_coders_by_turn(two_coders):
    t = two_coders
    result = analysis.agreement(t.study, unit="turn", coders=[t.x, t.y])
    assert [(r["code"].name, r["alpha"], r["kappas"]) for r in result["codes"]] == [
        ("K1", 0.533, [0.5]),
        ("K2", 0.533, [0.5]),
    ]
    assert result["overall"] == {"alpha": 0.5, "kappas": [0.467]}
    assert result["units"] == 4
    assert [
        (d["label"], d["text"], [(c.name, names) for c, names in d["coders"]])
        for d in result["disagreements"]
    ] == [
        ("Turn 2 (B)", "B: two.", [("X", ["K1"]), ("Y", [])]),
        ("Turn 4 (B)", "B: four.", [("X", []), ("Y", ["K2"])]),
    ]


def test_agreement_missing_only_where_coder_did_not_code(two_coders):
    t = two_coders
    t.code(t.x, t.s2, 0, t.k1)
    t.code(t.z, t.s2, 0, t.k1)
    t.code(t.z, t.s2, 1, t.k2)
    result = analysis.agreement(t.study, unit="turn")
    assert [c.name for c in result["coders"]] == ["X", "Y", "Z"]
    # Pairs: X-Y (S1 only), X-Z (S2 only), Y-Z (no source in common: undefined).
    assert [(r["code"].name, r["alpha"], r["kappas"]) for r in result["codes"]] == [
        ("K1", 0.686, [0.5, 1.0, None]),
        ("K2", 0.312, [0.5, 0.0, None]),
    ]
    y_in_s2 = [d for d in result["disagreements"] if d["source"] == t.s2]
    assert [[(c.name, names) for c, names in d["coders"]] for d in y_in_s2] == [
        [("X", []), ("Y", None), ("Z", ["K2"])]
    ]


def test_agreement_excludes_suggestions_unless_asked(two_coders):
    t = two_coders
    t.z.is_suggestion = True
    t.z.save()
    t.code(t.z, t.s1, 0, t.k1)
    assert [c.name for c in analysis.agreement(t.study)["coders"]] == ["X", "Y"]
    asked = analysis.agreement(t.study, include_suggestions=True)
    assert [c.name for c in asked["coders"]] == ["X", "Y", "Z"]


def test_agreement_by_character(world):
    study = make_study(world, slug="chars")
    k = actions.create_code(by=None, study=study, name="K")
    source = actions.add_source(by=None, study=study, name="S", text="abcdefghij")
    x, y = (actions.coder_for(study=study, name=n) for n in "XY")
    actions.add_coding(by=None, source=source, codes=[k], start=0, end=4, coder=x)
    actions.add_coding(by=None, source=source, codes=[k], start=2, end=6, coder=y)
    result = analysis.agreement(study, unit="character")
    # X: TTTTFFFFFF, Y: FFTTTTFFFF. po = 0.6, pe = 0.4*0.4 + 0.6*0.6 = 0.52.
    assert result["codes"][0]["kappas"] == [0.167]
    # Coincidences (of 20): TT 4, FF 8, TF 4, FT 4; n(T) 8, n(F) 12: 1 - 19 * 8 / (2 * 8 * 12).
    assert result["codes"][0]["alpha"] == 0.208
    assert [(d["label"], d["text"]) for d in result["disagreements"]] == [
        ("Characters 1 to 2", "ab"),
        ("Characters 5 to 6", "ef"),
    ]


def test_agreement_by_sentence(world):
    study = make_study(world, slug="sentences")
    k = actions.create_code(by=None, study=study, name="K")
    text = "One here. Two there!\nThree"
    source = actions.add_source(by=None, study=study, name="S", text=text)
    assert analysis.sentence_spans(text) == [(0, 9), (10, 20), (21, 26)]
    x, y = (actions.coder_for(study=study, name=n) for n in "XY")
    actions.add_coding(by=None, source=source, codes=[k], start=0, end=3, coder=x)
    actions.add_coding(by=None, source=source, codes=[k], start=4, end=15, coder=y)
    result = analysis.agreement(study, unit="sentence")
    # X: T F F; Y: T T F. po = 2/3; pe = (1/3)(2/3) + (2/3)(1/3) = 4/9: kappa = (2/9)/(5/9).
    assert result["codes"][0]["kappas"] == [0.4]
    assert [d["label"] for d in result["disagreements"]] == ["Sentence 2"]


def test_agreement_one_coder_is_empty(coded):
    result = analysis.agreement(coded.study)
    assert result["codes"] == [] and result["overall"] == {"alpha": None, "kappas": []}


def test_agreement_unknown_unit(coded):
    with pytest.raises(ValidationError):
        analysis.agreement(coded.study, unit="paragraph")


# Command line ----------------------------------------------------------------------------------


def _cli(argv):
    import argparse

    from coproduce.insight.cli import add_arguments

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(argv)


def test_cli_table1_csv(small, capsys):
    args = _cli(["table1", "outputs", "--by", "role", "--split", "setting", "--format", "csv"])
    out = io.StringIO()
    assert insight_cli.cli_table1(args, out=out) == 0
    lines = out.getvalue().splitlines()
    assert lines[0] == (
        "Characteristic,Value,primary (n = 3) n,primary (n = 3) %,secondary (n = 2) n,"
        "secondary (n = 2) %,Not recorded (n = 1) n,Not recorded (n = 1) %,Total (n = 6) n,"
        "Total (n = 6) %"
    )
    assert lines[1:] == [
        "Role,A,1,34,0,0,0,0,1,17",
        "Role,B,1,33,0,0,0,0,1,16",
        "Role,C,1,33,2,100,1,100,4,67",
    ]


def test_cli_table1_markdown(small):
    out = io.StringIO()
    insight_cli.cli_table1(_cli(["table1", "outputs", "--by", "setting"]), out=out)
    assert out.getvalue() == (
        "Table 1: participant characteristics\n\n"
        "| Characteristic | Value | Total (n = 6) |\n"
        "|---|---|---|\n"
        "| Setting | primary | 3 (50) |\n"
        "| Setting | secondary | 2 (33) |\n"
        "| Setting | Not recorded | 1 (17) |\n"
    )


def test_cli_errors_exit_2(small, capsys):
    assert run(_cli(["table1", "nope", "--by", "role"])) == 2
    assert run(_cli(["table1", "outputs", "--by", "shoe_size"])) == 2
    assert "error:" in capsys.readouterr().err


def test_cli_barriers_csv(coded):
    out = io.StringIO()
    insight_cli.cli_barriers(_cli(["barriers", "coded", "--format", "csv"]), out=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == (
        "COM-B sub-component,Barrier or facilitator,Theme or code,Participants,Sources,"
        "Example quotes"
    )
    assert lines[1].startswith("Physical opportunity,Barrier,Appointment time,2,2,")


def test_cli_agreement_markdown(two_coders):
    out = io.StringIO()
    insight_cli.cli_agreement(_cli(["agreement", "agree", "--unit", "turn"]), out=out)
    assert out.getvalue() == (
        "| Code | Krippendorff's alpha | Cohen's kappa: X and Y |\n"
        "|---|---|---|\n"
        "| K1 | 0.533 | 0.5 |\n"
        "| K2 | 0.533 | 0.5 |\n"
        "| All codes | 0.5 | 0.467 |\n"
    )


def test_cli_agreement_json(two_coders):
    import json

    out = io.StringIO()
    insight_cli.cli_agreement(_cli(["agreement", "agree", "--format", "json"]), out=out)
    assert json.loads(out.getvalue()) == {
        "unit": "turn",
        "units": 4,
        "header": ["Code", "Krippendorff's alpha", "Cohen's kappa: X and Y"],
        "rows": [["K1", 0.533, 0.5], ["K2", 0.533, 0.5], ["All codes", 0.5, 0.467]],
    }
