"""``claimdesk_normalise(text)``: spelling variants made one word before text search.

Used in every stored search vector and on every query (core/search.py), so "cease fire",
"cease-fire" and "ceasefire" are one word, and so are the British and American spellings the
desk meets. The rules are explicit word lists, not general patterns: "-ise" -> "-ize" only for
the stems listed, because "promise", "surprise" and "compromise" must stay as they are.

IMMUTABLE, so generated columns may use it. Changing the rules later means a new migration
that replaces the function and rebuilds the generated columns (their stored values would
otherwise keep the old spellings).
"""

from django.db import migrations

# Each rule: (pattern, replacement), applied in order, case-insensitively, word by word
# (\m and \M are PostgreSQL's start and end of a word). Replacements keep the matched stem's case.
# a hyphen, a Unicode hyphen or dash, or white space, any number of times
JOIN = "[-\u2010\u2011\u2013[:space:]]*"

RULES = [
    # compounds written closed, hyphenated (any Unicode hyphen or dash) or as two words
    (rf"\mcease{JOIN}fire(s?)\M", r"ceasefire\1"),
    (rf"\mair{JOIN}strike(s?)\M", r"airstrike\1"),
    (rf"\mland{JOIN}mine(s?)\M", r"landmine\1"),
    (rf"\mfront{JOIN}line(s?)\M", r"frontline\1"),
    (rf"\mgun{JOIN}fire\M", r"gunfire"),
    (rf"\mpeace{JOIN}keep(er|ers|ing)\M", r"peacekeep\1"),
    (rf"\mcounter{JOIN}(attack|attacks|attacked|offensive|offensives)\M", r"counter\1"),
    (r"\mper[[:space:]]+cent\M", r"percent"),
    # -ce -> -se
    (r"\m(defen|offen|preten|licen)c(e|es)\M", r"\1s\2"),
    # -our -> -or
    (
        r"\m(arm|hon|dishon|neighb|lab|fav|disfav|rum|harb|behavi|misbehavi|col|vap|vig|val|hum|endeav|"
        r"savi|splend|tum|od|clam|parl|rig|ferv|ard|demean)our(s|ed|ing|ite|ites|able|hood|hoods|er|ers|ly)?\M",
        r"\1or\2",
    ),
    # -ise, -isation -> -ize, -ization, for these stems only
    (
        r"\m(recogn|organ|reorgan|mobil|demobil|immobil|militar|demilitar|civil|normal|apolog|critic|character|"
        r"author|stabil|destabil|neutral|jeopard|real|util|final|legal|central|decentral|minim|maxim|priorit|"
        r"emphas|summar|categor|modern|privat|national|international|capital|subsid|special|standard|terror|"
        r"polar|symbol|harmon|sympath|colon|ideal|global|marginal|penal|formal|vandal|hospital|sanit|"
        r"radical|liberal|stigmat|victim|weapon|scrutin|synchron|optim|memor|memorial|familiar|human|"
        r"mechan|urban|patron|agon|fantas|visual|revolution)is(e|es|ed|ing|ation|ations|er|ers)\M",
        r"\1iz\2",
    ),
    (r"\m(analy|paraly|cataly)s(e|es|ed|ing|er|ers)\M", r"\1z\2"),
    # -re -> -er
    (r"\mmanoeuv", r"maneuv"),
    (r"\m(cent|theat|met|kilomet|centimet|millimet|lit|fib|spect|sab|somb|calib|maneuv)re(s?)\M", r"\1er\2"),
    (r"\m(cent|maneuv)red\M", r"\1ered"),
    # doubled l before a suffix
    (
        r"\m(travel|cancel|model|label|level|fuel|signal|equal|total|counsel|channel|dial|tunnel|marvel|"
        r"quarrel|rival|panel|duel|libel|shovel)l(ed|ing|er|ers)\M",
        r"\1\2",
    ),
    # single words
    (r"\mprogramme(s?)\M", r"program\1"),
    (r"\m(judg|acknowledg)ement(s?)\M", r"\1ment\2"),
    (r"\mscept(ic|ics|ical|icism)\M", r"skept\1"),
    (r"\mpractis(e|es|ed|ing)\M", r"practic\1"),
    (r"\menquir(y|ies|e|es|ed|ing)\M", r"inquir\1"),
]


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _function_sql() -> str:
    steps = "\n".join(
        f"    t := pg_catalog.regexp_replace(t, {_sql_literal(pattern)}, {_sql_literal(replacement)}, 'gi');"
        for pattern, replacement in RULES
    )
    return f"""
CREATE OR REPLACE FUNCTION public.claimdesk_normalise(t text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
{steps}
    RETURN t;
END
$$;
COMMENT ON FUNCTION public.claimdesk_normalise(text) IS
    'Spelling variants made one word before text search (sources/migrations/0003)';
"""


class Migration(migrations.Migration):
    dependencies = [("sources", "0002_outlets_and_stories")]

    operations = [
        migrations.RunSQL(_function_sql(), reverse_sql="DROP FUNCTION IF EXISTS public.claimdesk_normalise(text);"),
    ]
