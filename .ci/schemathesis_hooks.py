"""What the OpenAPI document cannot say, told to schemathesis (loaded by .ci/api-fuzz).

Query parameters are described one by one, and from the schema alone. /search has two rules
outside that:
- `radius_km` and `sort=distance` measure from `near`, so either without `near` is refused
  (400, naming the parameter; tests/api/search.rs asserts it): such cases are left out;
- `near` is an INSEE code, `lat,lon` or the name of a commune: which names exist is data, not
  schema, so a generated `near` is replaced by one of a few real places (unknown places are
  tested in tests/api/search.rs).
And every text query `q` (/search, /proposals, /practices) holds at most 16 distinct words
and 3 phrases (`app::domain::text::bounded_query`; a longer one is a 400 naming `q`, tested in
tests/api/security.rs): a count of words in no schema dialect. Cases whose `q` might be over
it are left out; the count below errs on the side of leaving out.
An annonce's `commune` and `naf_codes` (POST /needs) are checked against the reference tables
(a commune that exists, NAF codes of the nomenclature): a generated value of the right shape
is replaced by a real one (unknown ones are tested in tests/api/needs.rs and problems.rs).
Every other combination is generated as the document describes it.
"""

import unicodedata

import schemathesis

PLACES = ["74081", "46.06,6.58", "Cluses", "45.9,6.1"]


def _search_query(ctx, case):
    if ctx.operation is None or ctx.operation.path != "/search":
        return None
    return case.query or None


COMMUNES = ["74081", "74300", "01001"]
NAF_CODES = ["25.62", "25", "28.4", "22.29 25.62"]


# What Rust's `str::trim` removes (the Unicode White_Space property). Python's `str.strip`
# also removes U+001C..U+001F, which the server keeps: "\x1c" is a commune to look up there.
RUST_WHITESPACE = set("\t\n\x0b\x0c\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000") | {
    chr(c) for c in range(0x2000, 0x200B)
}


def _typed(value):
    """Whether the server reads `value` as something typed (not empty once trimmed)."""
    return isinstance(value, str) and any(c not in RUST_WHITESPACE for c in value)


def _need_body(ctx, case):
    if ctx.operation is None or not ctx.operation.path.startswith("/needs"):
        return None
    return case.body if isinstance(case.body, dict) else None


@schemathesis.hook
def map_case(ctx, case):
    body = _need_body(ctx, case)
    if body is not None:
        if _typed(body.get("commune")):
            body["commune"] = COMMUNES[len(body["commune"]) % len(COMMUNES)]
        if _typed(body.get("naf_codes")):
            body["naf_codes"] = NAF_CODES[len(body["naf_codes"]) % len(NAF_CODES)]
    query = _search_query(ctx, case)
    if query and query.get("near") not in (None, ""):
        query["near"] = PLACES[len(str(query["near"])) % len(PLACES)]
    return case


def _most_words(text):
    """At least as many words as the server counts in `text`.

    The server's words are runs of alphanumeric characters (Rust's `char::is_alphanumeric`).
    Letters and numbers (categories L and N) are always alphanumeric; a few marks and symbols
    (M, So) are too, so each of those may be a word on its own.
    """
    words, in_word = 0, False
    for c in text:
        category = unicodedata.category(c)
        if category[0] in "LN":
            words += not in_word
            in_word = True
        else:
            in_word = False
            words += category[0] == "M" or category == "So"
    return words


def _within_query_limit(q):
    return _most_words(q) <= 16 and q.count('"') <= 7


@schemathesis.hook
def filter_case(ctx, case):
    query = case.query or {}
    q = query.get("q")
    if isinstance(q, str) and not _within_query_limit(q):
        return False
    if _search_query(ctx, case) is None:
        return True
    from_near = query.get("radius_km") not in (None, "") or query.get("sort") == "distance"
    return not from_near or query.get("near") not in (None, "")
