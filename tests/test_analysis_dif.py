"""relscale.analysis.dif against MASS::polr (the proportional-odds models lordif compares).

lordif itself is not packaged for Debian; its three models are ordinary ``polr`` fits, so
the reference compares the likelihood-ratio statistics of ``polr`` on the same data.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from analysis_data import by_group, reference

from relscale.analysis import AnalysisError, dif


@pytest.fixture(scope="module")
def dif10() -> tuple[list[str], dict[str, np.ndarray]]:
    return by_group("dif10")


@pytest.mark.parametrize("matching", ["total", "rest"])
def test_likelihood_ratio_statistics_match_polr(dif10, matching: str) -> None:
    items, data = dif10
    result = dif(data, items, matching=matching, purify=False)
    ref = {r["item"]: r[matching] for r in reference("dif10.polr.json")["items"]}
    for it in result.items:
        r = ref[it.item]
        for key in ("chi12", "chi13", "chi23"):
            assert getattr(it, key) == pytest.approx(r[key], rel=0.02, abs=1e-3), (it.item, key)
        ll0, ll1, ll2, ll3 = it.loglik
        assert ll0 == pytest.approx(r["ll0"], abs=1e-6)
        for ours, theirs in ((ll1, r["ll1"]), (ll2, r["ll2"]), (ll3, r["ll3"])):
            assert ours == pytest.approx(theirs, abs=1e-3)
        # pseudo R² from polr's log-likelihoods (McFadden; Nagelkerke via Cox-Snell)
        n = it.n
        assert it.mcfadden[1] == pytest.approx(1 - r["ll2"] / r["ll0"], abs=1e-5)
        cs = 1 - np.exp(2 * (r["ll0"] - r["ll3"]) / n)
        assert it.nagelkerke[2] == pytest.approx(cs / (1 - np.exp(2 * r["ll0"] / n)), abs=1e-5)
        change = abs(r["beta1_m1"] - r["beta1_m2"]) / abs(r["beta1_m1"])
        assert it.beta_change == pytest.approx(change, abs=1e-3)
        assert (it.df12, it.df13, it.df23) == (1, 2, 1)


def test_planted_dif_is_flagged_with_its_type(dif10) -> None:
    items, data = dif10
    result = dif(data, items, criterion="r2")
    assert result.flagged == ["d03", "d07"]
    kinds = {it.item: it.dif_type for it in result.items}
    assert kinds["d03"] == "uniform" and kinds["d07"] == "non-uniform"
    assert "d03" not in result.anchors and "d07" not in result.anchors
    chisq = dif(data, items, criterion="chisq", alpha=0.01)
    assert {"d03", "d07"} <= set(chisq.flagged)
    data_json = json.loads(json.dumps(chisq.to_dict()))
    assert data_json["flagged"] == chisq.flagged


def test_unused_category_in_one_group_is_collapsed(dif10) -> None:
    items, data = dif10
    b = data["B"].copy()
    b[b[:, 0] == 1, 0] = 2  # group B never answers 1 on d01
    result = dif({"A": data["A"], "B": b}, items, purify=False)
    first = result.items[0]
    assert first.categories == [[1.0, 2.0], [3.0], [4.0], [5.0]]
    assert any("'d01'" in note and "1+2" in note for note in result.notes)
    # the same as merging the item's answers by hand (the matching score stays as it was)
    a = data["A"].copy()
    a[a[:, 0] == 1, 0] = 2
    total = np.concatenate([data["A"].sum(axis=1), b.sum(axis=1)])
    by_hand = dif({"A": a, "B": b}, items, matching=total, min_cell=0)
    assert first.chi13 != pytest.approx(result.items[1].chi13)
    assert first.chi13 == pytest.approx(by_hand.items[0].chi13, rel=1e-6)


def test_item_with_one_usable_category_is_a_clear_error(dif10) -> None:
    items, data = dif10
    b = data["B"].copy()
    b[:, 4] = 3.0  # group B gives one answer only to d05
    with pytest.raises(AnalysisError, match=r"item 'd05': fewer than 2 response categories"):
        dif({"A": data["A"], "B": b}, items)


def test_degenerate_groups(dif10) -> None:
    items, data = dif10
    with pytest.raises(AnalysisError, match="at least 2 groups"):
        dif({"A": data["A"]}, items)
    with pytest.raises(AnalysisError, match=r"group 'B': only 3 respondent"):
        dif({"A": data["A"], "B": data["B"][:3]}, items)
    with pytest.raises(AnalysisError, match="matching must be"):
        dif(data, items, matching="theta")  # type: ignore[arg-type]
