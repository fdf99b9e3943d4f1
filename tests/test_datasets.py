"""Tests of the embedded unit lists and the synthetic sample."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from cchc_indicators import datasets, rollup


class TestEmbeddedUnits:
    def test_vinh_phuc_has_its_official_structure(self) -> None:
        """Vĩnh Phúc (26) has 9 district-level units and 121 communes in the 2024 edition."""
        h = datasets.vinh_phuc_units()
        assert h.edition == "2024"
        assert [u.code for u in h.units("province")] == ["26"]
        assert [u.code for u in h.children("26")] == [
            "243", "244", "246", "247", "248", "249", "251", "252", "253"
        ]  # fmt: skip
        assert h.level_size("commune") == 121

    def test_vinh_phuc_matches_the_reference_list(self, shared_data: Path) -> None:
        """The embedded units are exactly the reference rows of province 26."""
        from cchc_indicators import Hierarchy

        national = Hierarchy.from_csv(shared_data / "vn_units_2024.csv", edition="2024")
        assert datasets.vinh_phuc_units() == national.subtree("26")

    def test_provinces_match_the_reference_list(self, shared_data: Path) -> None:
        """The 63 embedded provinces are the reference's province rows, codes as text."""
        with (shared_data / "vn_units_2024.csv").open(encoding="utf-8") as fh:
            expected = [
                (r["code"], r["name"]) for r in csv.DictReader(fh) if r["level"] == "province"
            ]
        got = [(u.code, u.name) for u in datasets.provinces_2024()]
        assert sorted(got) == sorted(expected)
        assert len(got) == 63
        assert ("01", "Thành phố Hà Nội") in got


class TestSyntheticSample:
    def test_same_seed_same_panel(self) -> None:
        """The sample is reproducible from its seed and differs between seeds."""
        a = datasets.sample_panel(seed=7).data_of("work_files_online")
        b = datasets.sample_panel(seed=7).data_of("work_files_online")
        c = datasets.sample_panel(seed=8).data_of("work_files_online")
        assert a == b
        assert a != c

    def test_sample_is_labelled_synthetic(self) -> None:
        """The panel's source names it as the synthetic sample."""
        p = datasets.sample_panel()
        assert "synthetic" in p.source
        assert "SYNTHETIC" in datasets.SYNTHETIC_NOTE

    def test_sample_has_missing_communes_and_valid_shares(self) -> None:
        """Some commune-years are missing, and every share lies in [0, 100]."""
        p = datasets.sample_panel()
        d = p.data_of("work_files_online")
        communes = p.hierarchy.level_slice("commune")
        assert (~d.observed[communes]).any()
        assert d.observed[: communes.start].all()
        values = d.values(100.0)[d.observed]
        assert np.all((values >= 0) & (values <= 100))
        r = rollup(p, "work_files_online", scope="tier:commune")
        assert 0 < r.coverage[p.hierarchy.position("26")].min() < 1
