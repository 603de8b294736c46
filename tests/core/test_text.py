# ruff: noqa: RUF001, RUF003 - typographic quotes, apostrophes, dashes and look-alike letters are what this tests
"""Folding names: Python's ``fold`` and PostgreSQL's ``FOLD_SQL`` give the same key for a name."""

from __future__ import annotations

import pytest
from django.db.models import Value

from claims.models import ActorAlias
from core.text import FOLD_SQL, Fold, _fold_char, fold, fold_aligned, fold_in_database, fold_sql, squash
from tests.factories import ActorFactory

pytestmark = pytest.mark.django_db

# (name as written, its key)
NAMES = [
    ("Hikmet Hajiyev", "hikmet hajiyev"),
    ("Hajíyev", "hajiyev"),
    ("Mevlüt Çavuşoğlu", "mevlut cavusoglu"),
    ("Recep Tayyip Erdoğan", "recep tayyip erdogan"),
    ("İbrahim Kalın", "ibrahim kalin"),  # Turkish dotted capital İ and dotless ı
    ("İBRAHİM KALIN", "ibrahim kalin"),
    ("Hikmət Hacıyev", "hikmət haciyev"),  # Azerbaijani schwa is a letter of its own
    ("Əliyev", "əliyev"),
    ("António Guterres", "antonio guterres"),
    ("Chargé d’Affaires", "charge d'affaires"),  # curly apostrophe
    ("O‘Brien", "o'brien"),
    ("ʻOumuamua", "'oumuamua"),  # okina
    ("Pashinyan's", "pashinyan's"),
    ("Straße", "strasse"),  # sharp s
    ("STRAẞE", "strasse"),  # capital sharp s
    ("Æsa Ødegaard", "aesa odegaard"),
    ("Œuvre", "oeuvre"),
    ("Ĳsselmeer", "ijsselmeer"),  # Dutch ij ligature
    ("ﬁnance ministry", "finance ministry"),  # fi ligature
    ("ǅemal", "dzemal"),  # title-case dž
    ("Þórður Guðjónsson", "thordur gudjonsson"),
    ("Łukasz Đorđević", "lukasz dordevic"),
    ("Ħamrun Ŋuni", "hamrun nuni"),
    ("Ɓala Ɗanjuma Ƙwari", "bala danjuma kwari"),  # Hausa hooked letters
    ("Pashinya\u0301n", "pashinyan"),  # a decomposed accent
    ("Nagorno‑Karabakh", "nagorno-karabakh"),  # non-breaking hyphen
    ("Nagorno–Karabakh", "nagorno-karabakh"),  # en dash
    ("“The ministry”", '"the ministry"'),
    ("  Nikol Pashinyan  ", "nikol pashinyan"),  # outer spaces trimmed
    ("Nikol  Pashinyan", "nikol  pashinyan"),  # inner runs kept
    ("\tNikol Pashinyan", "\tnikol pashinyan"),  # only spaces are trimmed
    ("Никол Пашинян", "никол пашинян"),
    ("Сергей Лавров", "сергей лавров"),  # й is a letter, not an accented и
    ("Пётр Ёлкин", "петр елкин"),  # ё is е
    ("Київ", "київ"),
    ("Նիկոլ Փաշինյան", "նիկոլ փաշինյան"),
    ("ԱՐՑԱԽ", "արցախ"),
    ("Ἀθῆναι", "αθηναι"),
    ("ΣΩΚΡΑΤΗΣ", "σωκρατησ"),  # lower-casing letter by letter: no final sigma
    ("ნიკოლ", "ნიკოლ"),
    ("محمد", "محمد"),
    ("", ""),
    ("   ", ""),
]

# Inputs the two folds cannot agree on, and why (core/text.py): (text, Python's key, PostgreSQL's key).
DIFFERENT = [
    ("Kalin\u00a0Ibrahim", "kalin ibrahim", "kalin\u00a0ibrahim"),  # Python reads every space as a space
    ("«Kalin»", '"kalin"', "<<kalin>>"),  # and guillemets as quotation marks
    ("O`Brien", "o'brien", "o`brien"),  # and a backtick as an apostrophe
    ("½", "½", " 1/2"),  # unaccent's rules spell some symbols out
    ("©", "©", "(c)"),
]


@pytest.mark.parametrize(("name", "key"), NAMES)
def test_python_and_postgresql_fold_a_name_alike(name, key):
    assert fold(name) == key
    assert fold_in_database(name) == key


def test_the_alias_trigger_and_the_query_expression_fold_with_the_same_rule():
    assert fold_sql("NEW.alias") == FOLD_SQL.format("NEW.alias") == "lower(public.unaccent(btrim(NEW.alias)))"
    actor = ActorFactory(name="Someone Else")
    for name, key in NAMES:
        if key.strip():
            alias = ActorAlias.objects.create(actor=actor, alias=name)
            alias.refresh_from_db()
            assert alias.normalized == key
            assert ActorAlias.objects.filter(pk=alias.pk, normalized=Fold(Value(name))).exists()
            alias.delete()


@pytest.mark.parametrize(("text", "python", "postgresql"), DIFFERENT)
def test_where_the_folds_differ_each_is_as_documented(text, python, postgresql):
    assert fold(text) == python
    assert fold_in_database(text) == postgresql


def test_squash_makes_runs_of_whitespace_one_space():
    assert squash("  Nikol \u00a0 Pashinyan\n") == "nikol pashinyan"


def test_a_folded_text_maps_back_to_the_offsets_it_came_from():
    text = "Æsa Straße, “Pashinya\u0301n” said…"
    folded, origin = fold_aligned(text)
    assert folded == 'aesa strasse, "pashinyan" said...'
    assert len(origin) == len(folded) + 1 and origin[-1] == len(text)
    for word, original in [("strasse", "Straße"), ("aesa", "Æsa"), ("pashinyan", "Pashinya\u0301n"), ("said", "said")]:
        start = folded.index(word)
        assert text[origin[start] : origin[start + len(word)]] == original


def test_a_text_folds_as_character_by_character():
    # fold translates through a table of _fold_char filled in as characters are met
    every = "".join(map(chr, range(128)))
    assert fold(every) == "".join(_fold_char(ch) for ch in every.strip(" "))
    assert fold(" O`Brien and ABC ") == "o'brien and abc"
