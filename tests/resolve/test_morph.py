"""Russian name morphology and cross-script name keys (issue 21), on invented names.

The real-report checks live in tests/extract/test_russian.py; these pin each rule on its own.
"""

from __future__ import annotations

import pytest

from docket.resolve.compare import compare
from docket.resolve.fold import name_parts
from docket.resolve.morph import name_words, nominative


@pytest.mark.parametrize(
    "form, expected",
    [
        ("Ивану Петрову", "Иван Петров"),  # dative, dictionary surname
        ("Марине Соколовой", "Марина Соколова"),  # a woman's surname stays feminine
        (
            "Андреем Кузнечиковым",
            "Андрей Кузнечиков",
        ),  # -ов surname the dictionary lacks (not "кузнечик")
        ("Ольгу Белых", "Ольга Белых"),  # -ых does not decline
        ("Петровым Иваном Сергеевичем", "Петров Иван Сергеевич"),  # surname first, with patronymic
        ("Петров И.С.", "Петров И.С."),  # initials kept as printed
    ],
)
def test_nominative(form: str, expected: str) -> None:
    assert nominative(form) == expected


def test_roles_follow_the_words_not_their_order() -> None:
    assert [w.role for w in name_words("Сидоров Павел")] == ["surname", "given"]
    assert [w.role for w in name_words("Павел Сидоров")] == ["given", "surname"]
    assert [w.role for w in name_words("Сидоров П.")] == ["surname", "initial"]


def test_a_name_with_its_surname_cut_to_an_initial_has_no_surname() -> None:
    # "Сергей К." is how reports anonymise; the initial is not a surname to link on.
    assert "surname" not in {w.role for w in name_words("Павел К.")}


def test_case_forms_share_one_key() -> None:
    keys = {
        (name_parts(f).given, name_parts(f).surname)
        for f in ("Иван Петров", "Ивана Петрова", "Ивану Петрову", "Иваном Петровым")
    }
    assert len(keys) == 1


def test_the_sentence_decides_what_the_name_leaves_open() -> None:
    # "Евгения" is her nominative or his genitive; the tagger's case settles it.
    assert nominative("Евгения Смирнова", "gent", "m") == "Евгений Смирнов"
    assert nominative("Евгения Смирнова", "nomn", "f") == "Евгения Смирнова"


@pytest.mark.parametrize(
    "latin, cyrillic",
    [
        ("Sergei Petrov", "Сергея Петрова"),
        ("Aleksey Shchukin", "Алексей Щукин"),
        ("Alexei Schukin", "Алексею Щукину"),
        ("Yuliya Sokolova", "Юлии Соколовой"),
        ("Pyotr Ponomaryov", "Пётр Пономарёв"),
        ("Nurlan Kairatuly", "Нурлан Кайратұлы"),  # a Kazakh -uly surname
        ("SMIRNOV Igor Petrovich", "Смирнов Игорь Петрович"),
        ("Smirnov, Igor", "Смирнов, Игорь"),
    ],
)
def test_cross_script_pairs_link(latin: str, cyrillic: str) -> None:
    assert compare(name_parts(latin), name_parts(cyrillic)).link


def test_genders_never_link() -> None:
    # A husband and wife share a surname; her ending is not a spelling variant of his.
    d = compare(name_parts("Alexandr Sokolov"), name_parts("Alexandra Sokolova"))
    assert not d.link
    d = compare(name_parts("Sasha Sokolov"), name_parts("Саше Соколовой"))
    assert not d.link and "genders differ" in d.levels[0]


def test_latin_capitals_and_patronymic_mark_the_surname() -> None:
    p = name_parts("KUSAINOV Abelgazy Kalievich")
    assert (p.surname, p.given, p.patronymic) == ("kusainov", ("abelgazi",), "kalievich")
    assert name_parts("Kusainov A.").surname == "kusainov"


def test_latin_homoglyphs_inside_a_cyrillic_word_are_read_as_cyrillic() -> None:
    assert name_parts("Ивану Пeтрову") == name_parts("Ивану Петрову")  # a Latin "e" typed in


# --- Russian events wording (docket/extract/events_ru.py), on invented sentences ---------------


def test_russian_dates_resolve_against_the_period() -> None:
    from docket.extract.events_ru import find_dates_ru

    found = [
        d
        for _, d in find_dates_ru(
            "12 апреля его задержали, в марте 2013 года суд, 13.08.2012 и в 2011 году", 2014
        )
    ]
    assert found == ["2014-04-12", "2013-03", "2012-08-13", "2011"]


def test_russian_sanctions_and_charges() -> None:
    from docket.extract.events_ru import find_charge_ru, find_sanctions_ru

    got = {
        s.as_dict()["kind"]: s.as_dict()
        for s in find_sanctions_ru(
            "Суд назначил ему арест на 15 суток и штраф 10 тысяч рублей, а ранее приговорил к двум годам колонии."
        )
    }
    assert got["detention"]["days"] == 15
    assert got["fine"] == {"kind": "fine", "amount": 10000, "currency": "RUB"}
    assert got["imprisonment"]["years"] == 2
    assert (
        find_charge_ru("дело по ч. 2 ст. 212 УК РФ о массовых беспорядках") == "ч. 2 ст. 212 УК РФ"
    )
    assert find_charge_ru("протокол по ст. 20.2 КоАП") == "ст. 20.2 КоАП"


def test_legislators_names_across_scripts_and_orders() -> None:
    """bench/bench_names.py on ../shared/gold/names-crossscript: precision stays near 1, and docket
    finds far more of the same-person pairs than the folded-exact and rapidfuzz baselines."""
    import importlib.util

    from tests.conftest import ROOT, SHARED

    spec = importlib.util.spec_from_file_location("bench_names", ROOT / "bench" / "bench_names.py")
    bench = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(bench)  # type: ignore[union-attr]
    results = bench.run(sorted((SHARED / "gold" / "names-crossscript").glob("*_names.csv")))
    ours, fuzzy = results["docket"], results["rapidfuzz token_sort >= 85"]
    assert ours["all"]["precision"] >= 0.99, ours["all"]
    assert ours["scripts"]["cyrillic / latin"]["recall"] >= 0.8, ours["scripts"]
    assert ours["all"]["recall"] >= fuzzy["all"]["recall"] + 0.2, (ours["all"], fuzzy["all"])
