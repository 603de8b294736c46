# ruff: noqa: RUF001, RUF002 - typographic quotes, apostrophes, dashes and accents are what this code folds
"""Folding names: one rule for comparing them with accents, case and outer spaces ignored.

``FOLD_SQL`` is the rule in PostgreSQL: ``ActorAlias.normalized`` is kept by a trigger built from
it, and every query comparing something with ``normalized`` folds its side with it too
(``fold_sql``, ``Fold``). ``fold`` is the same rule in Python, for the claim assistant, which
compares names it reads in a story with the names it holds in memory.

The two agree on names: Latin and Greek letters lose their accents ("Hajíyev", "Erdoğan",
"Ἀθῆναι"), "ı" and "İ" become "i", "ß" "ss", "æ" "ae", "œ" "oe", ligatures are spelt out ("ﬁ"
is "fi"), curly apostrophes and quotes become straight ones, dashes hyphens, and Cyrillic
"ё" becomes "е" while "й" stays; Cyrillic, Greek and Armenian capitals are lower-cased (tests/core/
test_text.py holds the table). They cannot agree on everything, for reasons outside our code:

- ``unaccent``'s rules are data shipped with each PostgreSQL version (it spells "½" " 1/2" and
  "©" "(c)", and leaves "™" alone); Python keeps symbols as they are.
- PostgreSQL lower-cases non-ASCII letters only when the database's LC_CTYPE knows them (not
  under the "C" locale).
- Python reads story text with this fold, so it makes every space a plain space (unaccent keeps
  a no-break space) and guillemets and low quotes plain quotation marks (unaccent spells "«"
  "<<"), and takes ` and ´ for apostrophes.

So the desk never compares a Python-folded string with a PostgreSQL-folded one: what is matched
against ``normalized`` is folded by PostgreSQL (``Fold``, ``fold_in_database``), and the assistant
folds both sides in Python, from the alias as written.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from django.db import connection
from django.db.models import CharField, Func

FOLD_SQL = "lower(public.unaccent(btrim({})))"


def fold_sql(expression: str) -> str:
    """``FOLD_SQL`` around an SQL expression: a column (``"NEW.alias"``) or a placeholder (``"%s"``)."""
    return FOLD_SQL.format(expression)


class Fold(Func):
    """``FOLD_SQL`` as a query expression: ``ActorAlias.objects.filter(normalized=Fold(Value(text)))``."""

    template = fold_sql("%(expressions)s")
    output_field = CharField()


def fold_in_database(text: str) -> str:
    """``text`` folded by PostgreSQL, for comparing in Python with values PostgreSQL folded."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {fold_sql('%s')}", [text])
        return cursor.fetchone()[0]


# Latin letters Unicode does not decompose but unaccent folds (its rules, as PostgreSQL 18 ships them).
_UNACCENT_LATIN_FROM = (
    "ÐØðøĐđĦħıĸĿŀŁłŊŋŦŧƀƁƂƃƇƈƉƊƋƌƐƑƒƓƖƗƘƙƚƝƞƤƥƫƬƭƮƲƳƴƵƶ"
    "ǤǥȡȤȥȴȵȶȷȺȻȼȽȾȿɀɃɄɆɇɈɉɌɍɎɏɓɕɖɗɛɟɠɡɢɦɧɨɪɫɬɭɱɲɳɴɼɽɾʀ"
    "ʂʈʉʋʏʐʑʙʛʜʝʟʠᴀᴃᴄᴅᴆᴇᴊᴋᴌᴍᴏᴘᴛᴜᴠᴡᴢᵬᵭᵮᵯᵰᵱᵲᵳᵴᵵᵶᵻᵽᵾᶀᶁᶂᶃᶄᶅ"
    "ᶆᶇᶈᶉᶊᶌᶍᶎᶏᶑᶒᶓᶖᶙẚẜẝỼỽỾỿⱠⱡⱢⱣⱤⱥⱦⱧⱨⱩⱪⱫⱬⱮⱱⱲⱳⱴⱸⱺⱾⱿ"
)
_UNACCENT_LATIN_TO = (
    "dododdhhiqllllnnttbbbbccddddeffgiikklnnppttttvyyzz"
    "ggdzzlntjaccltszbueejjrryybcddejggghhiilllmnnnrrrr"
    "stuvyzzbghjlqabcddejklmoptuvwzbdfmnprrstzipubdfgkl"
    "mnprsvxzadeeiuassvvyylllprathhkkzzmvwwveosz"
)
_UNACCENT_LATIN_MULTI = {
    "Æ": "ae",
    "Þ": "th",
    "ß": "ss",
    "æ": "ae",
    "þ": "th",
    "Œ": "oe",
    "œ": "oe",
    "ƕ": "hv",
    "Ƣ": "oi",
    "ƣ": "oi",
    "ȸ": "db",
    "ȹ": "qp",
    "ɶ": "oe",
    "ʣ": "dz",
    "ʥ": "dz",
    "ʦ": "ts",
    "ʪ": "ls",
    "ʫ": "lz",
    "ᴁ": "ae",
    "ᵫ": "ue",
    "ᵺ": "th",
    "ẞ": "ss",
    "Ỻ": "ll",
    "ỻ": "ll",
}
# Apostrophes, quotation marks, dashes and spaces: unaccent makes most of them plain; the assistant
# reads story text through this fold, so it makes them all plain (see the module's docstring).
_MARKS = {
    "’": "'",
    "‘": "'",
    "ʼ": "'",
    "ʻ": "'",
    "ʹ": "'",
    "ʽ": "'",
    "`": "'",
    "´": "'",
    "“": '"',
    "”": '"',
    "„": '"',
    "«": '"',
    "»": '"',
    "′": "'",
    "‛": "'",
    "″": '"',
    "‟": '"',
    "–": "-",
    "—": "-",
    "‒": "-",
    "―": "-",
    "‑": "-",
    "‐": "-",
    "…": "...",
    "\u00a0": " ",
    "\u2009": " ",
    "\u202f": " ",
}
_TABLE = {
    **dict(zip(_UNACCENT_LATIN_FROM, _UNACCENT_LATIN_TO, strict=True)),
    **_UNACCENT_LATIN_MULTI,
    "ŉ": "'n",
    "ё": "е",
    "Ё": "е",
    **_MARKS,
}
# The combining accents unaccent removes (the Combining Diacritical Marks block, less its small letters).
_ACCENTS = frozenset(chr(code) for code in range(0x0300, 0x0363))


def _is_greek(text: str) -> bool:
    return all(unicodedata.name(ch, "").startswith("GREEK ") for ch in text)


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    """One character folded: possibly several ("ß": "ss"), or none (a combining accent)."""
    if ch in _TABLE:
        return _TABLE[ch]
    if ch in _ACCENTS or ch == "\u034f":  # and the combining grapheme joiner
        return ""
    if unicodedata.category(ch) in ("Lu", "Ll", "Lt"):
        # A letter that decomposes into a plain Latin or a Greek one and accents: "é", "İ", "ǅ", "ﬁ", "ά".
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        if base != ch and base and (base.isascii() or _is_greek(base)):
            return base.lower()
    return ch.lower()


class _Folds(dict):
    """``str.translate``'s table for ``fold``: each character's ``_fold_char``, filled in as met."""

    def __missing__(self, code: int) -> str:
        self[code] = folded = _fold_char(chr(code))
        return folded


_FOLDS = _Folds()


def fold(text: str) -> str:
    """``text`` folded as ``FOLD_SQL`` folds it: spaces trimmed, accents removed, lower-cased."""
    return text.strip(" ").translate(_FOLDS)


def fold_aligned(text: str) -> tuple[str, list[int]]:
    """A whole text folded (not trimmed), with where each folded character comes from.

    Returns ``(folded, origin)`` with ``origin[i]`` the offset in ``text`` of the character that
    ``folded[i]`` comes from, and ``origin[len(folded)] == len(text)``: a span found in the folded
    text maps back to the original ("Straße" folds to seven characters).
    """
    parts: list[str] = []
    origin: list[int] = []
    for offset, ch in enumerate(text):
        folded = _fold_char(ch)
        parts.append(folded)
        origin.extend([offset] * len(folded))
    origin.append(len(text))
    return "".join(parts), origin


def squash(text: str) -> str:
    """Folded, with runs of whitespace made one space and the ends trimmed: a lookup key."""
    return " ".join(fold(text).split())
