"""An imported log publishes cleanly: references become links, images are copied, dates and titles are repaired
(never invented), the decision text stays the decision, and the old log is excluded from the site."""

from __future__ import annotations

import datetime as dt
import os
import shutil

import yaml

from archkb.adopt.dates import import_date, swapped_date
from archkb.adopt.titles import import_title, title_from_name
from archkb.cli import main
from conftest import FIXTURES

LOG = os.path.join(FIXTURES, "adoption-log")


def _records(root: str) -> dict[str, dict]:
    out = {}
    for name in sorted(os.listdir(os.path.join(root, "adr"))):
        with open(os.path.join(root, "adr", name), encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
        out[data["id"]] = data
    return out


def _kb(tmp_path, mkdocs: str | None = "site_name: Shop\n") -> str:
    root = str(tmp_path / "shop")
    shutil.copytree(LOG, os.path.join(root, "docs", "adr"))
    if mkdocs is not None:
        with open(os.path.join(root, "mkdocs.yml"), "w", encoding="utf-8") as fh:
            fh.write(mkdocs)
    return root


def test_import_links_references_copies_images_and_repairs_dates_and_titles(tmp_path, capsys):
    root = _kb(tmp_path)
    assert main(["import", os.path.join(root, "docs", "adr"), "-C", root]) == 0
    out = capsys.readouterr().out
    recs = _records(root)
    assert sorted(recs) == ["ADR-0001", "ADR-0002", "ADR-0003", "ADR-0004", "ADR-0005"]
    # Supersession stated on the newer record; prose mentions become relates_to and record links.
    assert recs["ADR-0004"]["links"] == [{"type": "supersedes", "target": "ADR-0002"}]
    assert recs["ADR-0002"]["status"] == "superseded"
    assert recs["ADR-0003"]["links"] == [{"type": "relates_to", "target": "ADR-0002"}]
    assert "[ADR 2](ADR-0002)" in recs["ADR-0003"]["context"]
    assert "[ADR-0004](ADR-0004)" in recs["ADR-0005"]["context"]
    assert "[ADR-0002](ADR-0002)" in recs["ADR-0004"]["context"]
    # The image is copied into the docs folder and the text points at the copy, relative to the record.
    assert "![How an order is written](../docs/assets/adr/images/order-flow.png)" in recs["ADR-0002"]["context"]
    assert os.path.isfile(os.path.join(root, "docs", "assets", "adr", "images", "order-flow.png"))
    # A link to a file that is not imported becomes text and is reported.
    assert "following the database runbook." in recs["ADR-0002"]["outcome"]["rationale"]
    assert "link to '../runbooks/database.md'" in out and "1 made plain text" in out
    # Dates: swapped when only that order exists, else none (never today's date).
    assert recs["ADR-0003"]["date"] == dt.date(2023, 10, 13)
    assert recs["ADR-0004"]["date"] == dt.date(2024, 2, 14)
    assert "date" not in recs["ADR-0005"]
    assert "2024-02-30' not understood: imported undated" in out
    # Titles: the unfilled `n.` goes, a file without H1 is titled from its name.
    assert recs["ADR-0003"]["title"] == "Django Templates"
    assert recs["ADR-0005"]["title"] == "Cache sessions in redis"
    assert "no level-1 heading" in out and "unfilled numbering placeholder" in out
    # adr-tools Decision text is the decision, with no invented chosen option; MADR keeps its options.
    assert recs["ADR-0001"]["outcome"] == {
        "rationale": "We keep a numbered Markdown file for each significant design decision in this folder."}
    assert recs["ADR-0004"]["outcome"]["chosen"] == "A managed PostgreSQL service"
    assert [o["title"] for o in recs["ADR-0004"]["options"]] == ["Keep the self-managed cluster",
                                                                  "A managed PostgreSQL service"]
    # The old log is excluded from the site; the KB checks clean but for the undated record.
    with open(os.path.join(root, "mkdocs.yml"), encoding="utf-8") as fh:
        assert yaml.safe_load(fh)["exclude_docs"].split() == ["/adr/"]
    assert main(["check", "--no-cache", root]) == 0
    checked = capsys.readouterr().out
    assert "W011 ADR-0005 has no date" in checked and "0 error(s), 1 warning(s)" in checked


def test_source_url_points_unimported_links_at_the_original_repository(tmp_path, capsys):
    root = _kb(tmp_path)
    base = "https://github.com/acme/shop/blob/main/docs/adr/"
    assert main(["import", os.path.join(root, "docs", "adr"), "-C", root, "--source-url", base]) == 0
    rationale = _records(root)["ADR-0002"]["outcome"]["rationale"]
    assert "[database runbook](https://github.com/acme/shop/blob/main/docs/runbooks/database.md)" in rationale


def test_an_existing_exclude_docs_gets_advice_not_an_edit(tmp_path, capsys):
    root = _kb(tmp_path, "site_name: Shop\nexclude_docs: |\n  drafts/\n")
    assert main(["import", os.path.join(root, "docs", "adr"), "-C", root, "--dry-run"]) == 0
    assert "add the line `/adr/` to `exclude_docs` in mkdocs.yml" in capsys.readouterr().out
    with open(os.path.join(root, "mkdocs.yml"), encoding="utf-8") as fh:
        assert fh.read() == "site_name: Shop\nexclude_docs: |\n  drafts/\n"
    assert not os.path.exists(os.path.join(root, "adr"))


def test_dates_and_titles():
    assert swapped_date("2023-13-10") == dt.date(2023, 10, 13)
    assert swapped_date("2023-02-30") is None and swapped_date("2023-10-13") is None
    assert import_date("2024-02-30", "0005-x.md")[0] is None
    assert import_date(None, "20240211-use-x.md") == (dt.date(2024, 2, 11), None)
    assert import_title("n. Django Templates", "x.md") == ("Django Templates", [
        "title 'n. Django Templates' starts with an unfilled numbering placeholder: removed"])
    assert import_title("12. Use Kafka", "x.md") == ("Use Kafka", [])
    assert title_from_name("0007-use-postgres-for-orders.md") == "Use postgres for orders"
    assert title_from_name("0008-move-to-k8s/README.md") == "Move to k8s"
    assert title_from_name("20200924-adopt-log4brains.md") == "Adopt log4brains"


def test_an_imported_adr_tools_page_reads_in_the_sources_order(tmp_path, capsys):
    from archkb.core.catalog import load_catalog
    from archkb.rules import check_catalog
    from archkb.site.plan import SiteOptions, plan_site

    root = _kb(tmp_path)
    assert main(["import", os.path.join(root, "docs", "adr"), "-C", root]) == 0
    plan = plan_site(check_catalog(load_catalog(root, use_cache=False)), SiteOptions(diagrams="off"))
    page = plan.page("decisions/ADR-0001.md").content
    order = [page.index(f"\n## {h}\n") for h in ("Context", "Decision", "Consequences")]
    assert order == sorted(order), "Context, Decision, Consequences as in the source"
    assert "Chosen option" not in page
    assert "Each decision is reviewed in a pull request" in page.split("\n## Consequences\n", 1)[1]
