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
A request to create an organisation (POST /organisations) names a SIRET whose last digit
is its Luhn key, a NAF sub-class of the nomenclature and a real commune: the generated ones,
of the right shape, are replaced by a valid SIRET, a real code and a real commune (bad ones
are tested in tests/api/claims.rs). A refusal of a claim needs a reason (POST
/claims/{id}/decision): a generated refusal without one is given one. Only a firm may keep
its profile for members (PATCH /organisations/{id}; the fuzzing token's organisation is a
pôle): a generated `members` becomes `public` (tested in tests/api/claims.rs).
A land site (POST /land-sites, PATCH /land-sites/{id}) names a commune that exists, a
contact SIRET on the platform, a reference no other site has, and a lowest price not above
the highest: a generated commune of the right shape becomes a real one, a SIRET of the right
shape none (the fuzzing token's pôle has none to name), a typed reference gets a unique
suffix, and prices out of order are swapped (each refusal is tested in
tests/api/land_sites.rs).
A new organisation's commune made of blanks only, or a name of fewer than two characters once
trimmed, is left out (the server trims, then refuses it by name). A scorecard's period that ends before it starts is a 400 naming `to`
(tests/api/monitoring.rs): such cases are left out.
Every other combination is generated as the document describes it.
"""

import random
import re
import uuid

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


def _luhn_completed(digits):
    """`digits` followed by the digit that makes the whole pass the Luhn test."""
    for last in "0123456789":
        total = 0
        for i, ch in enumerate(reversed(digits + last)):
            d = int(ch) * (2 if i % 2 else 1)
            total += d - 9 if d > 9 else d
        if total % 10 == 0:
            return digits + last
    raise ValueError(digits)


def _body_of(ctx, case, method, path):
    op = ctx.operation
    if op is None or op.method.upper() != method or op.path != path:
        return None
    return case.body if isinstance(case.body, dict) else None


def _map_claims(ctx, case):
    creation = _body_of(ctx, case, "POST", "/organisations")
    if creation is not None:
        # Only values of the documented shape: a value that breaks the document stays as it is,
        # for the check that the server refuses it.
        siret, naf, commune = (creation.get(k) for k in ("siret", "naf", "commune"))
        if isinstance(siret, str) and re.fullmatch(r"[0-9]{14}", siret):
            creation["siret"] = _luhn_completed("".join(random.choice("0123456789") for _ in range(13)))
        if isinstance(naf, str) and re.fullmatch(r"[0-9]{2}\.?[0-9]{2}[A-Za-z]", naf):
            creation["naf"] = ["25.62B", "2562A", "28.41Z", "71.12B"][len(naf) % 4]
        if isinstance(commune, str) and len(commune) <= 100 and _typed(commune):
            creation["commune"] = COMMUNES[len(commune) % len(COMMUNES)]
    profile = _body_of(ctx, case, "PATCH", "/organisations/{id}")
    if profile is not None and profile.get("visibility") == "members":
        profile["visibility"] = "public"
    decision = _body_of(ctx, case, "POST", "/claims/{id}/decision")
    if decision is not None and decision.get("action") == "refuse" and not _typed(decision.get("reason")):
        decision["reason"] = "Le SIRET ne correspond pas"


def _map_land_sites(ctx, case):
    site = _body_of(ctx, case, "POST", "/land-sites")
    if site is None:
        site = _body_of(ctx, case, "PATCH", "/land-sites/{id}")
    if site is None:
        return
    commune = site.get("commune_insee")
    if isinstance(commune, str) and re.fullmatch(r"(?:[0-9]{2}|2[AB])[0-9]{3}", commune):
        site["commune_insee"] = COMMUNES[len(commune) % len(COMMUNES)]
    siret = site.get("contact_siret")
    if isinstance(siret, str) and re.fullmatch(r"[0-9]{14}", siret):
        site["contact_siret"] = None
    reference = site.get("reference")
    if isinstance(reference, str) and len(reference) <= 64 and _typed(reference):
        site["reference"] = reference[:40] + "-" + uuid.uuid4().hex[:12]
    low, high = site.get("price_min_eur_m2"), site.get("price_max_eur_m2")
    numbers = (int, float)
    if isinstance(low, numbers) and isinstance(high, numbers) and not isinstance(low, bool) \
            and not isinstance(high, bool) and low > high:
        site["price_min_eur_m2"], site["price_max_eur_m2"] = high, low


@schemathesis.hook
def map_case(ctx, case):
    _map_claims(ctx, case)
    _map_land_sites(ctx, case)
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
    # A name or commune of blanks only is no name (the server trims, then refuses it by name;
    # tests/api/organisations.rs and problems.rs assert it): the schema cannot say so.
    creation = _body_of(ctx, case, "POST", "/organisations")
    if creation is not None:
        name, commune = creation.get("name"), creation.get("commune")
        if isinstance(commune, str) and not _typed(commune):
            return False
        # The server counts a name's characters once trimmed: at least two.
        if isinstance(name, str) and len(name.strip("".join(RUST_WHITESPACE))) < 2:
            return False
    query = case.query or {}
    if ctx.operation is not None and ctx.operation.path == "/scorecards":
        start, end = query.get("from"), query.get("to")
        if isinstance(start, str) and isinstance(end, str) and start and end and start > end:
            return False
    q = query.get("q")
    if isinstance(q, str) and not _within_query_limit(q):
        return False
    if _search_query(ctx, case) is None:
        return True
    from_near = query.get("radius_km") not in (None, "") or query.get("sort") == "distance"
    return not from_near or query.get("near") not in (None, "")
