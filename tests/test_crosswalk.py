"""Tests of crosswalks between editions: the official tables, user records, weights, derived links."""

from __future__ import annotations

import csv
import pickle
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

from cchc_indicators import DefinitionError, Hierarchy, UnknownLevelError, UnknownUnitError, units
from cchc_indicators.units.crosswalk import ERRATA, Crosswalk, CrosswalkError

OLD = Hierarchy.from_records(
    [
        {"code": "1", "name": "P1", "level": "province"},
        {"code": "2", "name": "P2", "level": "province"},
        {"code": "10", "name": "D10", "level": "district", "parent": "1"},
        {"code": "20", "name": "D20", "level": "district", "parent": "2"},
        {"code": "101", "name": "C101", "level": "commune", "parent": "10"},
        {"code": "102", "name": "C102", "level": "commune", "parent": "10"},
        {"code": "103", "name": "C103", "level": "commune", "parent": "10"},
        {"code": "201", "name": "C201", "level": "commune", "parent": "20"},
    ],
    edition="old",
)
NEW = Hierarchy.from_records(
    [
        {"code": "1", "name": "P1", "level": "province"},
        {"code": "101", "name": "N101", "level": "commune", "parent": "1"},
        {"code": "103", "name": "N103", "level": "commune", "parent": "1"},
        {"code": "201", "name": "N201", "level": "commune", "parent": "1"},
    ],
    levels=("province", "commune"),
    edition="new",
)
#: 101 and 102 merge into 101; 103 is split between 103 and 201; 201 goes to 201; both provinces merge.
LINKS = [
    {"old_code": "1", "new_code": "1"},
    {"old_code": "2", "new_code": "1"},
    {"old_code": "101", "new_code": "101"},
    {"old_code": "102", "new_code": "101"},
    {"old_code": "103", "new_code": "103", "partly": "1"},
    {"old_code": "103", "new_code": "201", "partly": "1"},
    {"old_code": "201", "new_code": "201"},
]


@pytest.fixture
def cw() -> Crosswalk:
    """A small crosswalk with merges and one split, equal weights."""
    return Crosswalk.from_records(LINKS, old=OLD, new=NEW)


def read_rows(path: Path) -> list[dict[str, str]]:
    """The rows of a reference CSV file, as text."""
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def problems_of(err: CrosswalkError) -> list[tuple[int | None, str | None, str]]:
    """(row, field, kind) of every problem of an error."""
    return [(p.row, p.field, p.kind) for p in err.problems]


class TestFromRecords:
    def test_merges_need_no_weights(self, cw: Crosswalk) -> None:
        """Units merged whole get weight 1 without any weight given."""
        assert cw.successors("101") == (("101", 1.0),)
        assert cw.successors("102") == (("101", 1.0),)
        assert cw.predecessors("101") == (("101", 1.0), ("102", 1.0))
        assert cw.weighting == "equal"

    def test_a_split_gets_equal_shares_by_default(self, cw: Crosswalk) -> None:
        """A unit split in two is shared half and half unless told otherwise."""
        assert cw.successors("103") == (("103", 0.5), ("201", 0.5))
        assert cw.splits() == ("103",)
        assert cw.merges() == ("1", "101", "201")
        assert cw.partly.tolist() == [False, False, False, False, True, True, False]

    def test_partly_is_inferred_when_not_given(self) -> None:
        """Without a partly column, a unit with several rows is partly in each."""
        rows = [{k: v for k, v in r.items() if k != "partly"} for r in LINKS]
        cw = Crosswalk.from_records(rows, old=OLD, new=NEW)
        assert cw.partly.tolist() == [False, False, False, False, True, True, False]

    def test_partly_with_one_row_is_an_incomplete_split(self) -> None:
        """A unit marked partly with one successor listed is reported, and goes there whole."""
        cw = Crosswalk.from_records(
            [{"old_code": "101", "new_code": "101", "partly": True}], old=OLD, new=NEW
        )
        assert cw.incomplete_splits() == ("101",)
        assert cw.successors("101") == (("101", 1.0),)

    def test_given_weights(self) -> None:
        """Weights given on every row of a split unit are its shares."""
        rows = [dict(r) for r in LINKS]
        rows[4]["weight"] = "0.25"
        rows[5]["weight"] = "0.75"
        cw = Crosswalk.from_records(rows, old=OLD, new=NEW)
        assert cw.successors("103") == (("103", 0.25), ("201", 0.75))
        assert cw.weighting == "given"
        rows[2:3] = [
            {"old_code": "101", "new_code": "101"},
            {"old_code": "101", "new_code": "103"},
        ]
        cw = Crosswalk.from_records(rows, old=OLD, new=NEW)
        assert cw.successors("101") == (("101", 0.5), ("103", 0.5))
        assert cw.weighting == "given where stated, equal elsewhere"

    def test_weights_everywhere(self) -> None:
        """When every split unit has weights, the weighting says they were given."""
        rows = [{**r, "weight": 1} for r in LINKS[:4]]
        cw = Crosswalk.from_records(rows, old=OLD, new=NEW)
        assert cw.weighting == "given"

    def test_rows_are_sorted_and_names_resolved(self, cw: Crosswalk) -> None:
        """Links come sorted by old then new unit, whatever the order of the records."""
        shuffled = Crosswalk.from_records(list(reversed(LINKS)), old=OLD, new=NEW)
        assert shuffled == cw
        assert cw.to_records()[4] == {
            "old_code": "103",
            "new_code": "103",
            "partly": 1,
            "weight": 0.5,
        }

    def test_records_round_trip(self, cw: Crosswalk) -> None:
        """to_records() read back gives the same crosswalk."""
        again = Crosswalk.from_records(cw.to_records(), old=OLD, new=NEW)
        assert again == cw

    def test_editions_by_name(self) -> None:
        """The editions may be named instead of given."""
        cw = Crosswalk.from_records(
            [{"old_code": "26", "new_code": "25"}], old="vn-2024", new="vn-2025"
        )
        assert cw.old is units.load("vn-2024")
        assert cw.successors("26") == (("25", 1.0),)

    def test_no_records(self) -> None:
        """An empty crosswalk links nothing, and every unit is unmapped."""
        cw = Crosswalk.from_records([], old=OLD, new=NEW)
        assert len(cw) == 0
        assert cw.levels == {}
        assert cw.unmapped("commune") == ("101", "102", "103", "201")
        assert cw.unmapped() == ()
        assert repr(cw) == "Crosswalk('old' -> 'new', links=0, levels=(none))"

    def test_pickles_and_compares(self, cw: Crosswalk) -> None:
        """A crosswalk is a value: it pickles, and equal links make equal crosswalks."""
        assert pickle.loads(pickle.dumps(cw)) == cw
        assert cw != cw.with_weights({("103", "103"): 0.1, ("103", "201"): 0.9})


class TestValidation:
    def test_unknown_codes_on_either_side(self) -> None:
        """Codes not in their edition are errors naming the code, edition and row."""
        with pytest.raises(CrosswalkError) as info:
            Crosswalk.from_records(
                [
                    {"old_code": "999", "new_code": "101"},
                    {"old_code": "101", "new_code": "888"},
                ],
                old=OLD,
                new=NEW,
                source="cw.csv",
                first_row=2,
            )
        assert problems_of(info.value) == [
            (2, "old_code", "unknown_old"),
            (3, "new_code", "unknown_new"),
        ]
        assert "old unit '999' is not in edition old (8 units)" in str(info.value)
        assert "new unit '888' is not in edition new (4 units)" in str(info.value)
        assert str(info.value).startswith("cw.csv: 2 problems")

    def test_unknown_codes_can_be_left_out_and_listed(self) -> None:
        """With on_unknown='ignore', rows with unknown codes are listed in ignored, not used."""
        cw = Crosswalk.from_records(
            [*LINKS, {"old_code": "999", "new_code": "101"}, {"old_code": "201", "new_code": "7"}],
            old=OLD,
            new=NEW,
            on_unknown="ignore",
        )
        assert [(p.row, p.kind) for p in cw.ignored] == [(7, "unknown_old"), (8, "unknown_new")]
        assert len(cw) == len(LINKS)
        assert "rows left out: 2" in cw.summary()

    def test_bad_on_unknown(self) -> None:
        """on_unknown is 'raise' or 'ignore'."""
        with pytest.raises(DefinitionError, match="on_unknown is 'raise' or 'ignore'"):
            Crosswalk.from_records(LINKS, old=OLD, new=NEW, on_unknown="drop")  # type: ignore[arg-type]

    def test_empty_codes(self) -> None:
        """Empty codes are errors on their own field."""
        with pytest.raises(CrosswalkError) as info:
            Crosswalk.from_records([{"old_code": "", "new_code": " "}], old=OLD, new=NEW)
        assert problems_of(info.value) == [
            (0, "old_code", "empty_field"),
            (0, "new_code", "empty_field"),
        ]

    def test_duplicate_link(self) -> None:
        """A link given twice is an error pointing at the first row."""
        with pytest.raises(CrosswalkError, match="given twice; first in row 2") as info:
            Crosswalk.from_records([*LINKS, LINKS[2]], old=OLD, new=NEW)
        assert problems_of(info.value) == [(7, "new_code", "duplicate_link")]

    def test_bad_partly(self) -> None:
        """partly must read as 0 or 1."""
        with pytest.raises(CrosswalkError, match="'partly' is 0 or 1, got 'maybe'"):
            Crosswalk.from_records(
                [{"old_code": "101", "new_code": "101", "partly": "maybe"}], old=OLD, new=NEW
            )

    def test_split_marked_whole(self) -> None:
        """A unit with several successors cannot be marked partly=0."""
        rows = [dict(r) for r in LINKS]
        rows[4]["partly"] = "0"
        with pytest.raises(CrosswalkError, match="this row marks it partly=0") as info:
            Crosswalk.from_records(rows, old=OLD, new=NEW)
        assert problems_of(info.value) == [(4, "partly", "partly_mismatch")]

    def test_level_mismatch(self) -> None:
        """A commune cannot go to a province where the new edition has communes."""
        with pytest.raises(CrosswalkError, match="old unit '101' is a commune, but new unit '1'"):
            Crosswalk.from_records([{"old_code": "101", "new_code": "1"}], old=OLD, new=NEW)

    def test_a_level_without_namesake_goes_to_one_level(self) -> None:
        """Units of a level the new edition lacks all go to one level, the first row's."""
        with pytest.raises(CrosswalkError) as info:
            Crosswalk.from_records(
                [{"old_code": "10", "new_code": "1"}, {"old_code": "20", "new_code": "201"}],
                old=OLD,
                new=NEW,
            )
        assert problems_of(info.value) == [(1, "new_code", "level_mismatch")]
        assert "district units go to province units" in str(info.value)

    def test_bad_weights(self) -> None:
        """Weights must be finite numbers >= 0."""
        rows = [
            {"old_code": "101", "new_code": "101", "weight": "abc"},
            {"old_code": "102", "new_code": "101", "weight": "inf"},
            {"old_code": "201", "new_code": "201", "weight": -1},
        ]
        with pytest.raises(CrosswalkError) as info:
            Crosswalk.from_records(rows, old=OLD, new=NEW)
        assert [p.kind for p in info.value.problems] == ["bad_weight"] * 3
        assert "not a number: 'abc'" in str(info.value)
        assert "not a finite number: inf" in str(info.value)
        assert "a weight must be >= 0, got -1" in str(info.value)

    def test_weights_on_some_rows_of_a_unit(self) -> None:
        """A split unit has weights on all its rows or none."""
        rows = [dict(r) for r in LINKS]
        rows[4]["weight"] = 0.5
        with pytest.raises(CrosswalkError, match="weights on some of its links only") as info:
            Crosswalk.from_records(rows, old=OLD, new=NEW)
        assert "(103: 0.5, 201: (none))" in str(info.value)

    def test_weights_must_sum_to_one(self) -> None:
        """The weights of an old unit sum to 1; the message lists them."""
        rows = [dict(r) for r in LINKS]
        rows[4]["weight"], rows[5]["weight"] = 0.5, 0.6
        with pytest.raises(CrosswalkError) as info:
            Crosswalk.from_records(rows, old=OLD, new=NEW)
        assert problems_of(info.value) == [(4, "weight", "weights_sum")]
        assert "the weights of old unit '103' sum to 1.1, not 1 (103: 0.5, 201: 0.6)" in str(
            info.value
        )

    def test_weights_within_tolerance_are_normalised(self) -> None:
        """Weights summing to 1 within the tolerance are scaled to sum to 1."""
        rows = [dict(r) for r in LINKS]
        rows[4]["weight"], rows[5]["weight"] = 1 / 3, 2 / 3 + 1e-9
        cw = Crosswalk.from_records(rows, old=OLD, new=NEW)
        shares = [w for _, w in cw.successors("103")]
        assert abs(sum(shares) - 1.0) < 1e-15

    def test_every_problem_is_listed(self) -> None:
        """All problems are collected in one error, in row order."""
        rows = [
            {"old_code": "999", "new_code": "101"},
            {"old_code": "101", "new_code": "101", "partly": "x"},
            {"old_code": "102", "new_code": "101", "weight": "y"},
        ]
        with pytest.raises(CrosswalkError) as info:
            Crosswalk.from_records(rows, old=OLD, new=NEW)
        assert [p.row for p in info.value.problems] == [0, 1, 2]
        assert pickle.loads(pickle.dumps(info.value)).problems == info.value.problems


class TestFromCsv:
    def test_read_a_file(self, tmp_path: Path, cw: Crosswalk) -> None:
        """A CSV with old_code,new_code[,partly][,weight] reads as records do; other columns are ignored."""
        f = tmp_path / "cw.csv"
        with f.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, ["old_code", "note", "new_code", "partly"])
            writer.writeheader()
            writer.writerows({**r, "note": "x"} for r in LINKS)
        got = Crosswalk.from_csv(f, old=OLD, new=NEW)
        assert np.array_equal(got.weight, cw.weight)
        assert got.source == str(f)

    def test_missing_columns(self, tmp_path: Path) -> None:
        """A file without old_code and new_code is refused, naming what it has."""
        f = tmp_path / "cw.csv"
        f.write_text("old,new\n101,101\n", encoding="utf-8")
        with pytest.raises(
            CrosswalkError, match="missing column\\(s\\) old_code, new_code; got old,new"
        ):
            Crosswalk.from_csv(f, old=OLD, new=NEW)

    def test_row_numbers_count_the_header(self, tmp_path: Path) -> None:
        """Problems name spreadsheet rows (the header is row 1); a short row is empty."""
        f = tmp_path / "cw.csv"
        f.write_text("old_code,new_code,weight\n101,101\n102\n", encoding="utf-8")
        with pytest.raises(CrosswalkError) as info:
            Crosswalk.from_csv(f, old=OLD, new=NEW)
        assert problems_of(info.value) == [(3, "new_code", "empty_field")]


class TestWithWeights:
    def test_mapping(self, cw: Crosswalk) -> None:
        """Weights by (old, new) pair replace those of the units named."""
        got = cw.with_weights({("103", "103"): 0.2, ("103", "201"): 0.8})
        assert got.successors("103") == (("103", 0.2), ("201", 0.8))
        assert got.successors("101") == cw.successors("101")
        assert got.weighting == "<weights>"

    def test_sizes_normalised(self, cw: Crosswalk) -> None:
        """With normalize=True, weights are sizes of the parts (population, dossiers)."""
        got = cw.with_weights(
            [
                {"old_code": "103", "new_code": "103", "weight": "3000"},
                {"old_code": "103", "new_code": "201", "weight": "1000"},
            ],
            normalize=True,
            source="population 2024",
        )
        assert got.successors("103") == (("103", 0.75), ("201", 0.25))
        assert got.weighting == "population 2024 (normalised)"

    def test_from_a_file(self, tmp_path: Path, cw: Crosswalk) -> None:
        """Weights may come from a CSV file; the file is named in the weighting."""
        f = tmp_path / "w.csv"
        f.write_text("old_code,new_code,weight\n103,103,0.6\n103,201,0.4\n", encoding="utf-8")
        got = cw.with_weights(f)
        assert got.successors("103") == (("103", 0.6), ("201", 0.4))
        assert got.weighting == str(f)
        again = got.with_weights({("103", "103"): 0.5, ("103", "201"): 0.5}, source="halves")
        assert again.weighting == f"{f}; halves"

    def test_file_without_columns(self, tmp_path: Path, cw: Crosswalk) -> None:
        """A weights file needs old_code, new_code and weight."""
        f = tmp_path / "w.csv"
        f.write_text("old_code,new_code\n103,103\n", encoding="utf-8")
        with pytest.raises(CrosswalkError, match="missing column\\(s\\) weight"):
            cw.with_weights(f)

    def test_unknown_links(self, cw: Crosswalk) -> None:
        """A pair that is not a link of the crosswalk is refused, saying what the unit has."""
        with pytest.raises(CrosswalkError) as info:
            cw.with_weights(
                [
                    {"old_code": "103", "new_code": "101", "weight": 1},
                    {"old_code": "999", "new_code": "101", "weight": 1},
                    {"old_code": "101", "new_code": "999", "weight": 1},
                    {"old_code": "10", "new_code": "101", "weight": 1},
                ]
            )
        text = str(info.value)
        assert [p.kind for p in info.value.problems] == ["unknown_link"] * 4
        assert "no link from '103' to '101' in the crosswalk; its successors are 103, 201" in text
        assert "old unit '999' is not in edition old" in text
        assert "new unit '999' is not in edition new" in text
        assert (
            "old unit '10' has no link in the crosswalk; its level 'district' has no links" in text
        )

    def test_a_unit_of_a_linked_level_without_links(self) -> None:
        """An unmapped unit of a linked level has no link, without a hint to derive."""
        cw = Crosswalk.from_records(LINKS[2:4], old=OLD, new=NEW)
        with pytest.raises(CrosswalkError, match=r"old unit '201' has no link in the crosswalk$"):
            cw.with_weights({("201", "201"): 1.0})

    def test_weights_for_some_links_of_a_unit(self, cw: Crosswalk) -> None:
        """Every link of a unit named needs a weight."""
        with pytest.raises(
            CrosswalkError, match="has 2 links \\(103, 201\\); give a weight for each, not for 1"
        ):
            cw.with_weights({("103", "103"): 1.0})

    def test_sum_not_one(self, cw: Crosswalk) -> None:
        """Weights of a unit that do not sum to 1 are refused, listing them."""
        with pytest.raises(
            CrosswalkError, match=r"sum to 0\.9, not 1 \(103: 0\.5, 201: 0\.4\)"
        ) as info:
            cw.with_weights({("103", "103"): 0.5, ("103", "201"): 0.4})
        assert info.value.kinds == ("weights_sum",)

    def test_sizes_summing_to_zero(self, cw: Crosswalk) -> None:
        """Sizes that sum to 0 cannot be normalised."""
        with pytest.raises(CrosswalkError, match="sum to 0: nothing to share"):
            cw.with_weights({("103", "103"): 0, ("103", "201"): 0}, normalize=True)

    def test_bad_and_empty_weights(self, cw: Crosswalk) -> None:
        """Weights must be given, finite and >= 0; a pair named twice is refused."""
        with pytest.raises(CrosswalkError) as info:
            cw.with_weights(
                [
                    {"old_code": "103", "new_code": "103", "weight": ""},
                    {"old_code": "103", "new_code": "201", "weight": "x"},
                    {"old_code": "101", "new_code": "101", "weight": -1},
                    {"old_code": "102", "new_code": "101", "weight": 1},
                    {"old_code": "102", "new_code": "101", "weight": 1},
                ]
            )
        kinds = [p.kind for p in info.value.problems]
        assert kinds[:4] == ["missing_weight", "bad_weight", "bad_weight", "weights_sum"]
        assert "duplicate_link" in kinds
        assert "the weight of '102' -> '101' is given twice" in str(info.value)


class TestDerive:
    def test_districts_go_where_their_province_went(self, cw: Crosswalk) -> None:
        """Onto provinces, a district takes its province's links."""
        got = cw.derive("district", "province")
        assert got.successors("10") == (("1", 1.0),)
        assert got.successors("20") == (("1", 1.0),)
        assert got.levels == {"province": "province", "district": "province", "commune": "commune"}
        assert "district links derived from province links" in got.notes[-1]

    def test_districts_are_shared_among_their_communes_successors(self, cw: Crosswalk) -> None:
        """Onto communes, each linked commune of a district counts equally, with its own shares."""
        got = cw.derive("district", "commune")
        # district 10 has communes 101 (-> 101), 102 (-> 101), 103 (-> 103 half, 201 half)
        assert got.successors("10") == (("101", 2 / 3), ("103", 1 / 6), ("201", 1 / 6))
        assert got.successors("20") == (("201", 1.0),)
        assert got.partly[got.old_index == OLD.position("10")].all()

    def test_derived_weights_can_be_changed(self, cw: Crosswalk) -> None:
        """Derived district links take weights like any other links."""
        got = cw.derive("district", "commune").with_weights(
            {("10", "101"): 0.5, ("10", "103"): 0.25, ("10", "201"): 0.25}
        )
        assert got.successors("10") == (("101", 0.5), ("103", 0.25), ("201", 0.25))

    def test_a_unit_without_linked_descendants_stays_unmapped(self) -> None:
        """A district none of whose communes is linked has no derived link."""
        cw = Crosswalk.from_records(LINKS[:4], old=OLD, new=NEW)
        got = cw.derive("district", "commune")
        assert got.successors("20") == ()
        assert "20" in got.unmapped("district")

    def test_refusals(self, cw: Crosswalk) -> None:
        """Deriving needs an unlinked old level and a new level some linked level goes to."""
        with pytest.raises(DefinitionError, match="the old level 'commune' already has links"):
            cw.derive("commune", "commune")
        with pytest.raises(UnknownLevelError, match="unknown level 'ward'"):
            cw.derive("ward", "commune")
        with pytest.raises(UnknownLevelError, match="unknown level 'district'"):
            cw.derive("district", "district")
        only_communes = Crosswalk.from_records(LINKS[2:], old=OLD, new=NEW)
        with pytest.raises(
            DefinitionError, match="no linked old level goes to the new level 'province'"
        ):
            only_communes.derive("district", "province")


class TestIdentityAndLookups:
    def test_identity(self) -> None:
        """The identity crosswalk links each unit to itself with weight 1."""
        cw = Crosswalk.identity(OLD)
        assert len(cw) == len(OLD)
        assert cw.splits() == cw.merges() == cw.unmapped() == ()
        assert cw.successors("103") == (("103", 1.0),)
        assert Crosswalk.official("vn-2025", "2025").source == "identity (vn-2025)"

    def test_lookups_of_unknown_codes(self, cw: Crosswalk) -> None:
        """Asking about a code not in the edition raises UnknownUnitError."""
        with pytest.raises(UnknownUnitError):
            cw.successors("999")
        with pytest.raises(UnknownUnitError):
            cw.predecessors("102")

    def test_summary(self, cw: Crosswalk) -> None:
        """The summary names the editions, levels, splits, merges and unmapped units."""
        text = cw.summary()
        assert text.splitlines()[0] == "crosswalk old -> new (<records>; weights: equal)"
        assert (
            "commune -> commune: 4 of 4 old units linked to 3 of 3 new units (5 links); 1 split, 2 new units"
            in text
        )
        assert "unmapped" not in text

    def test_constructor_checks(self) -> None:
        """The constructor refuses arrays that are unsorted, out of range or badly weighted."""
        one = np.array([0])
        with pytest.raises(ValueError, match="same length"):
            Crosswalk(OLD, NEW, one, np.array([0, 1]), np.ones(1), np.zeros(1, bool))
        with pytest.raises(ValueError, match="within the old and new"):
            Crosswalk(OLD, NEW, np.array([99]), one, np.ones(1), np.zeros(1, bool))
        with pytest.raises(ValueError, match="sorted"):
            Crosswalk(OLD, NEW, np.array([1, 0]), np.array([0, 0]), np.ones(2), np.zeros(2, bool))
        with pytest.raises(ValueError, match="sum to 1"):
            Crosswalk(OLD, NEW, one, one, np.array([0.5]), np.zeros(1, bool))


@pytest.fixture(scope="module")
def official() -> Crosswalk:
    """The embedded official crosswalk, vn-2024 to vn-2025."""
    return Crosswalk.official()


class TestOfficial:
    def test_cached(self, official: Crosswalk) -> None:
        """The official crosswalk is built once."""
        assert Crosswalk.official("2024", "vn-2025") is official

    def test_unknown_pair(self) -> None:
        """There is no official crosswalk backwards, nor for unknown editions."""
        with pytest.raises(DefinitionError, match="no official crosswalk from vn-2025 to vn-2024"):
            Crosswalk.official("vn-2025", "vn-2024")
        with pytest.raises(DefinitionError, match="unknown edition 'vn-2019'"):
            Crosswalk.official("vn-2019")

    def test_unmapped_communes_are_those_without_a_row(
        self, official: Crosswalk, shared_data: Path
    ) -> None:
        """The 28 old communes with no row in the commune table are reported unmapped."""
        rows = read_rows(shared_data / "vn_commune_crosswalk_2025.csv")
        communes = {
            r["code"]
            for r in read_rows(shared_data / "vn_units_2024.csv")
            if r["level"] == "commune"
        }
        expected = sorted(communes - {r["old_code"] for r in rows})
        assert len(expected) == 28
        assert list(official.unmapped()) == expected
        assert official.unmapped("commune") == official.unmapped()

    def test_rows_with_codes_outside_the_edition(
        self, official: Crosswalk, shared_data: Path
    ) -> None:
        """The 11 rows whose old code is not in vn-2024 (10 codes) are listed, not used."""
        rows = read_rows(shared_data / "vn_commune_crosswalk_2025.csv")
        old = units.load("vn-2024")
        stray = [i + 2 for i, r in enumerate(rows) if r["old_code"] not in old]
        assert [p.row for p in official.ignored] == stray
        assert len(stray) == 11
        assert len({rows[i - 2]["old_code"] for i in stray}) == 10
        assert all(
            p.message.startswith("vn_commune_crosswalk_2025.csv: old unit ")
            for p in official.ignored
        )

    def test_links_are_the_table_rows(self, official: Crosswalk, shared_data: Path) -> None:
        """Every usable commune row is a link; splits are the codes with several rows."""
        rows = read_rows(shared_data / "vn_commune_crosswalk_2025.csv")
        old = units.load("vn-2024")
        usable = [r for r in rows if r["old_code"] in old]
        commune_links = official.old_index >= old.level_slice("commune").start
        assert int(commune_links.sum()) == len(usable) == 10554
        by_old: dict[str, list[str]] = defaultdict(list)
        for r in usable:
            by_old[r["old_code"]].append(r["new_code"])
        assert official.splits() == tuple(sorted(c for c, n in by_old.items() if len(n) > 1))
        assert len(official.splits()) == 440
        single_partly = sorted(
            r["old_code"] for r in usable if r["partly"] == "1" and len(by_old[r["old_code"]]) == 1
        )
        assert official.incomplete_splits() == tuple(single_partly)
        assert len(single_partly) == 132
        for code in ("00016", "00007"):
            assert [n for n, _ in official.successors(code)] == sorted(by_old[code])
            assert [w for _, w in official.successors(code)] == [0.5, 0.5]

    def test_island_special_zones_have_no_predecessor(self, official: Crosswalk) -> None:
        """The 5 new communes without predecessor are the island special zones (đặc khu)."""
        new = units.load("vn-2025")
        orphans = official.without_predecessor()
        assert [new.unit(c).name for c in orphans] == [
            "Đặc khu Bạch Long Vĩ",
            "Đặc khu Cồn Cỏ",
            "Đặc khu Hoàng Sa",
            "Đặc khu Lý Sơn",
            "Đặc khu Côn Đảo",
        ]
        old = units.load("vn-2024")
        islands = [d for d in old.units("district") if not old.children(d.code)]
        assert [d.name.removeprefix("Huyện ") for d in islands] == [
            new.unit(c).name.removeprefix("Đặc khu ") for c in orphans
        ]

    def test_vinh_phuc_communes_all_go_to_36_communes_of_phu_tho(
        self, official: Crosswalk, shared_data: Path
    ) -> None:
        """Vĩnh Phúc's 121 communes go, none split, to 36 new communes of Phú Thọ, which no other unit enters."""
        vp = units.load("vn-2024", province="26")
        communes = [u.code for u in vp.units("commune")]
        assert len(communes) == 121
        successors = [official.successors(c) for c in communes]
        assert all(len(s) == 1 and s[0][1] == 1.0 for s in successors)
        new_codes = {s[0][0] for s in successors}
        assert len(new_codes) == 36
        new = units.load("vn-2025")
        assert {new.parent(c).code for c in new_codes} == {"25"}  # type: ignore[union-attr]
        predecessors = {o for c in new_codes for o, _ in official.predecessors(c)}
        assert predecessors == set(communes)
        rows = [
            r
            for r in read_rows(shared_data / "vn_commune_crosswalk_2025.csv")
            if r["old_province"] == "26"
        ]
        assert len(rows) == 121
        assert {r["partly"] for r in rows} == {"0"}
        assert official.successors("26") == (("25", 1.0),)
        assert official.predecessors("25") == (("17", 1.0), ("25", 1.0), ("26", 1.0))

    def test_province_links_follow_the_communes(
        self, official: Crosswalk, shared_data: Path
    ) -> None:
        """The province table, less the erratum, is what the commune links imply."""
        old, new = units.load("vn-2024"), units.load("vn-2025")
        table = {
            (r["old_code"], r["new_code"])
            for r in read_rows(shared_data / "vn_province_crosswalk_2025.csv")
        }
        implied = {
            (
                old.ancestor(old.codes[int(o)], "province").code,
                new.ancestor(new.codes[int(n)], "province").code,
            )
            for o, n in zip(official.old_index, official.new_index, strict=True)
            if old.level_of[o] == 2
        }
        erratum = {(a, b) for t, a, b, _ in ERRATA if t == "vn_province_crosswalk_2025.csv"}
        assert erratum == {("82", "80")}
        assert erratum <= table
        assert table - erratum == implied
        links = {
            (official.old.codes[int(o)], official.new.codes[int(n)])
            for o, n in zip(official.old_index, official.new_index, strict=True)
            if old.level_of[o] == 0
        }
        assert links == implied
        assert len(links) == 63
        assert len(official.merges("province")) == 23
        assert official.splits("province") == ()

    def test_the_commune_table_province_columns_disagree_twice(self, shared_data: Path) -> None:
        """Two rows' old_province disagree with vn-2024; the crosswalk's notes say so."""
        old = units.load("vn-2024")
        rows = read_rows(shared_data / "vn_commune_crosswalk_2025.csv")
        wrong = sorted(
            r["old_code"]
            for r in rows
            if r["old_code"] in old
            and old.ancestor(r["old_code"], "province").code != r["old_province"]
        )
        assert wrong == ["27691", "30781"]
        assert "27691" in Crosswalk.official().notes[1]

    def test_summary(self, official: Crosswalk) -> None:
        """The summary gives the counts checked above."""
        text = official.summary()
        assert (
            "province -> province: 63 of 63 old units linked to 34 of 34 new units (63 links)"
            in text
        )
        assert "440 split (and 132 marked partly with one successor listed)" in text
        assert "unmapped old units: 28 (01651, 02482, 03751, 03898, 03913, ...)" in text
        assert "new units without predecessor: 5" in text
        assert "rows left out: 11 (old code not in the edition)" in text
