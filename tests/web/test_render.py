"""The templates' environment: dict keys read with a dot, everything escaped."""

from __future__ import annotations

from pathlib import Path

from docket.web.render import page_environment


def test_dot_lookups_on_dicts_objects_and_missing_keys(tmp_path: Path) -> None:
    (tmp_path / "t.html").write_text("{{ d.quote }}|{{ d.missing }}|{{ o.real }}|{{ d.items | length }}", "utf-8")
    env = page_environment(tmp_path)

    class Obj:
        real = "attribute"

    html = env.get_template("t.html").render(d={"quote": "<script>alert(1)</script>", "items": [1, 2]}, o=Obj())
    assert html == "&lt;script&gt;alert(1)&lt;/script&gt;||attribute|2"  # escaped; missing is empty
    (tmp_path / "t.html").write_text("changed", "utf-8")
    assert env.get_template("t.html").render(d={"items": []}, o=Obj()) == "||attribute|0"  # read once, not again
