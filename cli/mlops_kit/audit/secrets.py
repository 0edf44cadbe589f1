"""Recognise secrets in text and redact them, so no report ever repeats one.

Three kinds: well-known token formats (cloud keys, platform tokens, private keys), URIs
with a password (`scheme://user:password@host`), and credential-named keys assigned a
literal value (`password: hunter2`). Interpolations (`${oc.env:VAR}`, `$VAR`, `{{ x }}`),
obvious placeholders and redacted previews (a report or baseline quoting a finding) are
not secrets; a line carrying an inline allowlist comment (`# pragma: allowlist secret`,
`gitleaks:allow`) is exempt. Every pattern is linear-time: the text is untrusted.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from functools import cache, lru_cache
from itertools import accumulate, islice
from typing import NamedTuple

from mlops_kit.audit.needles import first_characters

# (kind, literal markers, pattern): every match of the pattern contains one of its markers,
# so a text without any marker is skipped by a cheap literal search before the full scan.
# Markers are chosen to start with an uncommon character where they can (`k-` rather than
# `sk-`, `hp_` rather than `ghp_`): the search stops at each occurrence of a marker's first
# character, so common first letters cost time on every file.
TOKEN_KINDS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("AWS access key id", ("AKIA", "ASIA", "ABIA", "ACCA"),
     r"\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b"),
    ("GitHub token", ("hp_", "ho_", "hu_", "hs_", "hr_", "pat_"),
     r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})\b"),
    ("GitLab token", ("pat-",), r"\bglpat-[A-Za-z0-9_-]{20,}"),
    ("Slack token", ("xox",), r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
    ("Google API key", ("AIza",), r"\bAIza[0-9A-Za-z_-]{35}"),
    ("OpenAI API key", ("k-",), r"\bsk-(?:proj-)?[A-Za-z0-9_-]{32,}"),
    ("Hugging Face token", ("hf_",), r"\bhf_[A-Za-z0-9]{30,}\b"),
    ("Stripe secret key", ("k_live_",), r"\b[sr]k_live_[A-Za-z0-9]{20,}"),
    ("Databricks token", ("dapi",), r"\bdapi[0-9a-f]{32}\b"),
    # a Telegram bot's token: the bot's id, then `:AA` and 33 characters
    ("Telegram bot token", (":AA",), r"\b[0-9]{8,10}:AA[A-Za-z0-9_-]{33}(?![A-Za-z0-9_-])"),
    # base64 of `{"api_address":...,"api_key":...}`; not Neptune's public anonymous token
    ("Neptune API token", ("eyJhcGlfYWRkcmVzcyI6",),
     r"\beyJhcGlfYWRkcmVzcyI6(?!Imh0dHBzOi8vYXBwLm5lcHR1bmUuYWkiLCJhcGlfdXJsIjoiaHR0cHM6Ly9h"
     r"cHAubmVwdHVuZS5haSIsImFwaV9rZXkiOiJiNzA2YmM4Zi03NmY5LTRjMmUtOTM5ZC00YmEwMzZmOTMyZTQifQ"
     r")[A-Za-z0-9+/]{60,}=*+"),
    ("Azure storage account key", ("AccountKey=",), r"AccountKey=[A-Za-z0-9+/=]{40,}"),
    # a Slack incoming webhook: anyone holding the URL posts into the channel
    ("Slack webhook URL", ("slack.com/services/",),
     r"(?<=hooks\.)slack\.com/services/T[A-Z0-9]{8,12}/B[A-Z0-9]{8,12}/[A-Za-z0-9]{24}"
     r"(?![A-Za-z0-9])"),
    ("private key", ("-----BEGIN ",), r"-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----"),
    # kaggle.json, the credentials file of Kaggle's API: `{"username": ..., "key": <32 hex>}`
    ("Kaggle API key", ('username"',),
     r'"username"[ \t]*+:[ \t]*+"[^"\n]{1,64}"[ \t]*+,[ \t]*+"key"[ \t]*+:[ \t]*+"[0-9a-f]{32}"'),
)  # fmt: skip


# How far into a token its marker may start (`pat_` in `github_pat_...`, `:AA` after a
# Telegram bot's ten-digit id).
MARKER_OFFSET = 11
# A marker this long, alone with its first character, is searched as a string.
LONG_MARKER = 8


@cache
def _marker_searches() -> tuple[tuple[re.Pattern[str], ...], tuple[str, ...]]:
    """Return the markers as one pattern per first character, and those searched as strings.

    The regular expression engine finds a literal first character with a tight loop in C;
    one alternation of all markers instead tries every branch at every `s`, `h`, `d`...
    of the text (several times slower on large files). A long marker alone with its first
    character (`-----BEGIN `) is searched as a string instead: `str.find` skips ahead by
    the marker's length, over twice as fast as the engine's literal loop (for a short one,
    `xox`, it is no faster). Compiled on first use.
    """
    groups: dict[str, set[str]] = {}
    for _, markers, _ in TOKEN_KINDS:
        for marker in markers:
            groups.setdefault(marker[0], set()).add(marker)
    literals = tuple(
        marker
        for markers in groups.values()
        if len(markers) == 1
        for marker in markers
        if len(marker) >= LONG_MARKER
    )
    patterns = tuple(
        re.compile(
            f"{re.escape(first)}(?:"
            f"{'|'.join(sorted((re.escape(m[1:]) for m in markers), reverse=True))})"
        )
        for first, markers in groups.items()
        if not set(markers) <= set(literals)
    )
    return patterns, literals


def _marker_spans(text: str) -> Iterator[tuple[int, int]]:
    """Yield (start, end) of marker occurrences: every one a marker search finds.

    Markers searched as strings are found at every position they occur (overlapping
    ones too), the others as `finditer` finds them (none inside the previous match).
    """
    patterns, literals = _marker_searches()
    for pattern in patterns:
        for marker in pattern.finditer(text):
            yield marker.start(), marker.end()
    for literal in literals:
        at = text.find(literal)
        while at >= 0:
            yield at, at + len(literal)
            at = text.find(literal, at + 1)


@cache
def any_token() -> re.Pattern[str]:
    """Every token kind in one pattern; the group that matched (`t<index>`) names the kind.

    Compiled on first use: most audits never find a marker, so never need it.
    """
    return re.compile("|".join(f"(?P<t{i}>{p})" for i, (_, _, p) in enumerate(TOKEN_KINDS)))


# Every pattern here runs on untrusted text, so each is linear-time: possessive runs (`++`)
# never give back characters to retry, and the scheme is bounded (a search tries every
# word start, and an unbounded scheme run would be rescanned from each of them).
URI_WITH_PASSWORD = re.compile(
    r"\b([a-zA-Z][a-zA-Z0-9+.-]{0,63}+://)([^\s:/@'\"`<>]++):([^\s@/'\"`]++)@"
)
# The tail of every URI_WITH_PASSWORD match: a literal start, so a quick search rules out
# texts that cannot match before the full pattern runs.
_URI_PASSWORD_TAIL = re.compile(r"://[^\s:/@'\"`<>]++:[^\s@/'\"`]++@")

_CREDENTIAL_WORDS = (
    r"password|passwd|pwd|secret|token|api_?key|apikey|access_?key|secret_?key|private_?key|"
    r"account_?key|client_?secret|connection_?string|sas_?token"
)
CREDENTIAL_KEY = re.compile(rf"(?:^|[_.-])(?:{_CREDENTIAL_WORDS})(?:$|[_.-])", re.IGNORECASE)
# A key that describes a credential rather than holds it: its audience, where it is sent or
# kept, its lifetime, its name in a secret store (`projected_token_audience: sts...`,
# `token_url`, `secret_name`, `api_key_header`), or a tokenizer's setting.
DESCRIBES_CREDENTIAL = re.compile(
    # one more word between may stand (`token_store_path`: where tokens are kept)
    rf"(?:{_CREDENTIAL_WORDS})(?:[_.-][A-Za-z]{{1,20}})?[_.-](?:audience|aud|url|uri|endpoint"
    r"|issuer|host|type|ttl|"
    r"ttl_seconds|expiry|expires|expiration|lifetime|length|path|file|name|id|header|prefix|"
    r"env|var|field|scope|kind|format|algorithm|mode|provider|ref|namespace"
    # a tokenizer's settings (`token_level_type: Word`, `token_rule: "[^\\W_]+"`)
    r"|level|level_type|rule|rules|pattern|regex|count|limit|budget|usage|split)$"
    # a CI's reference to a secret it stores (Drone: `PASSWORD: {from_secret: name}`)
    r"|^from_secret$",
    re.IGNORECASE,
)
# A token of a vocabulary, not a credential: a tokenizer's or an encoder's special tokens
# (`pad_token: "<pad>"`, `unknown_token: __OTHER__`).
VOCABULARY_TOKEN = re.compile(
    r"(?:^|[_.-])(?:pad|unk|unknown|bos|eos|sep|cls|mask|missing|rare|oov|start|end|other|"
    r"special|blank|empty|null|default_category)[_.-]?tokens?$",
    re.IGNORECASE,
)
# A credential key (ASCII) contains one of the words: a text whose lower-cased form holds
# none has no credential assignment. (A case-sensitive search of `text.lower()` is ten
# times faster than an IGNORECASE one.)
_CREDENTIAL_WORD = re.compile(_CREDENTIAL_WORDS)
# Every credential word holds one of these (`passw`, `pwd`, `secret`, `token`, `key`,
# `connection`), each searched as a pattern that starts with a literal: much faster than
# the alternation above, which is then run only on the lines they point at.
_CREDENTIAL_PARTS = (r"p(?:assw|wd)", "secret", "token", "key", "connection")
# `key: value`, `key = value`, `KEY=value`, `"key": "value"` (one per line). The value is
# the rest of the line; trailing blanks and one comma are cut in code (`_value_of`): a
# regex tail like `(.*?)\s*,?\s*$` backtracks cubically on a long run of spaces.
ASSIGNMENT = re.compile(r"""^\s*+(?:export\s++)?["']?([A-Za-z0-9_.-]++)["']?\s*+[:=]\s*+(.*)""")
# Inline allowlist comments, as detect-secrets (`# pragma: allowlist secret`, or on the line
# before: `# pragma: allowlist nextline secret`) and gitleaks (`gitleaks:allow`) write them.
_ALLOW_MARKERS = ("allowlist", "whitelist", "gitleaks:allow")
_ALLOW_LINE = re.compile(r"pragma: ?(?:allow|white)list[ -]secret|gitleaks:allow")
_ALLOW_NEXT_LINE = re.compile(r"pragma: ?allowlist[ -]nextline[ -]secret")
REDACTED = "(redacted)"
# Secrets a framework's documentation prints for readers to copy: public, never a key.
# FastAPI's OAuth2/JWT tutorial `SECRET_KEY`.
PUBLISHED_EXAMPLES = frozenset({"09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7"})

PLACEHOLDERS = frozenset(
    {"password", "passwd", "pass", "secret", "changeme", "change-me", "change_me", "example",
     "placeholder", "redacted", "none", "null", "todo", "xxx", "your-password", "token",
     "dummy", "test", "insecure", "unset", "unknown", "n/a",
     # MinIO's documented root password: a development container's default
     "minioadmin"}
)  # fmt: skip


class SecretHit(NamedTuple):
    """A secret found in a text: what kind, where (line), and a redacted preview."""

    kind: str
    line: int
    preview: str


def redact(value: str) -> str:
    """Keep at most four leading characters of a secret and hide the rest."""
    value = value.strip()
    shown = value[:4] if len(value) >= 12 else ""
    return f"{shown}…{REDACTED}"


def may_hold_token(text: str) -> bool:
    """Return False when `text` cannot hold a well-known token (a fast literal search)."""
    patterns, literals = _marker_searches()
    return any(pattern.search(text) is not None for pattern in patterns) or any(
        literal in text for literal in literals
    )


def token_kind(match: re.Match[str]) -> str:
    """Name the kind of token an `any_token()` match found."""
    return TOKEN_KINDS[int((match.lastgroup or "t0")[1:])][0]


def scrub(text: str) -> str:
    """Redact anything that looks like a secret in a message meant for output."""
    if may_hold_token(text):
        text = any_token().sub(lambda m: redact(m.group(0)), text)
    if _URI_PASSWORD_TAIL.search(text) is None:
        return text
    return URI_WITH_PASSWORD.sub(
        lambda m: (
            f"{m.group(1)}{m.group(2)}:{redact(m.group(3))}@"
            if not is_placeholder(m.group(3))
            else m.group(0)
        ),
        text,
    )


# The types an options schema gives a field (Home Assistant add-ons: `password?`, `str`).
_TYPE_NAMES = frozenset({"password", "str", "string", "email", "url"})


_PASSWORD_WORDS = frozenset({"password", "passwd", "pwd", "pass"})


# A name with an index (`tok_38`, `item_1204`): an entry of a vocabulary or a table.
_INDEXED_ID = re.compile(r"\A[a-z]{1,8}_\d{1,6}\Z")
# An expression of alternatives over request attributes (Istio's attribute manifests):
# `request.api_key | request.headers["x-api-key"] | ""`.
_ATTRIBUTE_EXPRESSION = re.compile(r"\A[\w.\[\]\"'-]++(?:[ \t]*+\|[ \t]*+[\w.\[\]\"'-]*+)++")


# The path of an entry in a secret store (Taskcluster, Vault: `project/x/level-1/wandb`,
# `secret/data/app`): lower-case words joined by slashes, three or more.
_STORE_PATH = re.compile(r"[a-z][a-z0-9_-]{0,40}(?:/[a-z][a-z0-9_.-]{0,40}){2,12}")


# A value that says it is made up: for tests or checks only, not for production, insecure.
_SAYS_MADE_UP = re.compile(
    r"(?:^|[-_.])(?:not[-_]for[-_](?:runtime|production|prod|real[-_]use)|(?:test|check|dev)"
    r"[-_]only|insecure|do[-_]not[-_]use|dont[-_]use|fake|dummy)(?:[-_.]|$)"
)


def is_placeholder(value: str) -> bool:
    """Return True for interpolations, environment references, masks and placeholder words."""
    value = value.strip().strip("\"'")
    if not value or REDACTED in value:  # a report or baseline quoting a redacted finding
        return True
    if value in PUBLISHED_EXAMPLES:
        return True  # a framework's documented example, copied from its tutorial
    if value.startswith(("${", "$", "{{", "<", "%(", "{", "***", "...")):
        return True
    if _INDEXED_ID.match(value):
        return True  # `"token": "tok_38"`: a vocabulary's entry by its index, no secret
    if " | " in value and _ATTRIBUTE_EXPRESSION.fullmatch(value):
        return True  # `request.api_key | request.headers["x-api-key"] | ""`: Istio's mapping
    if len(value) > 2 and value[0] == "@" and re.fullmatch(r"@[a-z][a-z0-9_-]+", value):
        return True  # `"@live-v2-auth-token"`: a Vercel secret's name, referenced
    if len(value) > 2 and value[0] == "(" and value[-1] == ")" and value[1:-1].isidentifier():
        return True  # `mongodb://(username):(password)@...`: a slot the code fills by replace
    if len(value) > 2 and value[0] in "([" and value[-1] in ")]" and " " in value.strip():
        return True  # `"(write the mongodb atlas password)"`: an instruction, not a value
    if "${" in value or "{{" in value:
        return True  # `'${var.s3_secret_key}'` inside a template's text: interpolated
    if value.count("/") >= 2 and _STORE_PATH.fullmatch(value):
        return True  # `project/translations/level-1/weights-and-biases`: a secret's path
    lowered = value.lower()
    if len(value) > 4 and value.startswith("__") and value.endswith("__"):
        return True  # a sentinel (`__MISSING__`, `__OTHER__`), never a secret
    # `???` is OmegaConf's mandatory value: the user must supply it.
    if lowered in PLACEHOLDERS or set(lowered) <= {"x", "*", "-", "_", ".", "?"}:
        return True
    if "xxxx" in lowered:
        return True  # `sk_dev_XXXXXXXXX`: a prefix and a mask of X's
    if value.endswith(("...", "\u2026")):
        return True  # `sk-ant-...`, `eyJ0eXAiOiJKV1Qi...`: a key cut short, as docs write it
    if lowered.rstrip("?") in _TYPE_NAMES:
        return True  # an options schema's type (`mqtt_password: password?`), no value
    if any(word in lowered for word in ("change", "example", "placeholder", "your_", "your-")):
        return True
    if _FILLER.fullmatch(lowered):
        return True  # `WANDB_API_KEY=blablabla`, `foobar`: filler text, typed to be replaced
    if _WORDS_ONLY.fullmatch(lowered) and _ADDRESSED.intersection(re.split(r"[-_]", lowered)):
        return True  # `votre_token_ici`, `tu-clave-aqui`, `dein_token_hier`: "your token here"
    if " " in value and _SENTENCE.fullmatch(lowered) and _reader_addressed(lowered):
        return True  # `Place your tele bot token here`: an instruction to the reader
    if _SAYS_MADE_UP.search(lowered):
        return True  # `rag-p0-contract-check-only-not-for-runtime-000...`: says what it is
    # An instruction written in placeholder words (`set_as_secret`, `put-your-key-here`).
    words = re.split(r"[-_. ]+", lowered)
    if len(words) > 1 and all(word in PLACEHOLDER_WORDS for word in words):
        return True
    # A name of what belongs there (`proxy_password`, `db-passwd`): a template's text.
    if len(words) == 2 and words[0].isalpha() and words[1] in _PASSWORD_WORDS:
        return True
    # Placeholder words run together, addressed to the reader (`asecretkey`,
    # `yourapikey`, `tokenhere`); `mysecretpassword` is a weak password people do use.
    return (
        lowered.isalpha()
        and len(lowered) <= 40
        and (lowered.startswith(("a", "your")) or lowered.endswith("here"))
        and _placeholder_words_run(lowered)
    )


# Words joined by `-` or `_`, and the words of other languages that address the reader or
# point at the place (French, Spanish, Portuguese, Italian, German: "your", "here").
_WORDS_ONLY = re.compile(r"\A[a-zà-ÿ]++(?:[-_][a-zà-ÿ]++)++\Z")
_ADDRESSED = frozenset(
    {"votre", "vos", "ton", "tu", "su", "seu", "sua", "tuo", "tua", "vostro", "dein", "deine",
     "ihr", "ihre", "ici", "aqui", "aquí", "qui", "hier"}
)  # fmt: skip


# A sentence of three words or more (`place your chat id here`) that addresses the reader
# or points at the place: what to write there, not a passphrase.
_SENTENCE = re.compile(r"\A[a-z]++(?: [a-z]++){2,40}+\.?\Z")
_READER = frozenset({"your", "you", "here", *_ADDRESSED})


def _reader_addressed(sentence: str) -> bool:
    return not _READER.isdisjoint(sentence.rstrip(".").split(" "))


# Filler syllables people type where a value goes (`blablabla`, `foobarbaz`, `asdfasdf`).
_FILLER = re.compile(r"(?:bla|blah|foo|bar|baz|qux|lorem|ipsum|asdf|abc|xyz)+")


# The user-info of a URI value, read leniently (`<user>` and `{password}` included): the
# value is one assignment, not free text, so no markup has to be told apart. Anchored: tried
# at every position, the open password run would make a search quadratic.
_URI_USER_INFO = re.compile(r"\A[a-zA-Z][a-zA-Z0-9+.-]{0,63}+://[^\s/@:]*+:([^\s@]*+)@")


def placeholder_uri_password(value: str) -> bool:
    """Return True for a URI whose user-info password is a placeholder.

    `mongodb://{username}:{password}@{host}:{port}/` is a template of a connection string,
    with no password in it; the password is judged as SEC102 judges one (`is_placeholder`).
    """
    match = _URI_USER_INFO.match(value.strip().strip("\"'"))
    return match is not None and is_placeholder(match.group(1))


def _placeholder_words_run(text: str) -> bool:
    """Return True when `text` is placeholder words run together (`asecretkey`)."""
    ends = {0}  # positions where a run of whole words ends
    for end in range(1, len(text) + 1):
        if any(text[start:end] in PLACEHOLDER_WORDS for start in ends if start < end):
            ends.add(end)
    return len(text) in ends and len(text) > 0


PLACEHOLDER_WORDS = frozenset(
    {"set", "as", "a", "an", "the", "to", "be", "in", "me", "it", "here", "your", "my", "put",
     "enter", "insert", "replace", "fill", "add", "with", "secret", "password", "passwd",
     "token", "key", "api", "value", "fake", "dummy", "sample", "missing", "required", "env",
     "environment", "variable", "from", "vault", "later", "secure", "real", "own"}
)  # fmt: skip


def lines_holding(text: str, needle: str) -> str:
    r"""Return `text` with every line that does not hold `needle` emptied (numbers kept).

    Lines end at `\n`, as the scan counts them. The needle is found by a substring search
    and only its lines are copied: a lock file of 600 KB with one URL costs a few
    searches, not a scan.
    """
    pieces: list[str] = []
    done = 0  # text[:done] is accounted for
    at = text.find(needle)
    while at >= 0:
        start = text.rfind("\n", done, at) + 1 or done
        end = text.find("\n", at)
        end = len(text) if end < 0 else end
        pieces += ("\n" * text.count("\n", done, start), text[start:end])
        done = end
        at = text.find(needle, end)
    pieces.append("\n" * text.count("\n", done))
    return "".join(pieces)


# The same text is scanned by several rules and by the parse cache: remember recent answers.
_MEMO = 1024


def tokens(text: str, allowlist: bool = True) -> Iterator[SecretHit]:
    """Well-known token formats and passwords in URIs (bar allowlisted lines)."""
    return iter(_exempt(_tokens(text), text) if allowlist else _tokens(text))


def allowlisted_lines(text: str) -> frozenset[int]:
    """Line numbers (1-based) an inline allowlist comment exempts from the secret scan."""
    if not any(marker in text for marker in _ALLOW_MARKERS):
        return frozenset()
    # The comments, found in the whole text (none spans lines), then placed on their lines.
    ends = list(accumulate(map(len, text.splitlines(keepends=True))))
    before = {bisect_right(ends, m.start()) + 1 for m in _ALLOW_NEXT_LINE.finditer(text)}
    here = {bisect_right(ends, m.start()) + 1 for m in _ALLOW_LINE.finditer(text)}
    return frozenset({number + 1 for number in before} | (here - before))


def _token_matches(text: str) -> Iterator[re.Match[str]]:
    r"""Yield the matches `any_token().finditer(text)` gives, trying only near markers.

    Every match holds a marker at most `MARKER_OFFSET` characters from its start, so it
    starts at most that far before a marker found, or inside one (a marker the search
    stepped over because it overlaps the previous one). Trying the full pattern at those
    few positions only, in order and never inside a previous match, gives the same matches
    as scanning the whole text, at the cost of a literal search; no token spans lines, and
    `\b` sees the character before the position tried.
    """
    candidates: set[int] = set()
    for start, end in _marker_spans(text):
        candidates.update(range(max(start - MARKER_OFFSET, 0), end))
    if not candidates:
        return
    pattern = any_token()
    first = first_characters(pattern)  # a token starts with one of a few letters
    resume = 0
    for position in sorted(candidates):
        if position < resume or (first is not None and text[position] not in first):
            continue
        match = pattern.match(text, position)
        if match is not None:
            yield match
            resume = match.end()


# The longest scheme `URI_WITH_PASSWORD` takes: a letter and up to 63 more characters.
URI_SCHEME_MAX = 64


def _uri_password_matches(text: str) -> Iterator[re.Match[str]]:
    """Yield the matches `URI_WITH_PASSWORD.finditer(text)` gives, trying only near `://`.

    The pattern has no literal start, so a search tries it at every word of the text. The
    `://user:password@` part of every match is a match of `_URI_PASSWORD_TAIL` (which holds
    no other `://`), and its scheme starts at most `URI_SCHEME_MAX` characters before it:
    the full pattern is tried there only, in order and never inside a previous match.
    """
    candidates: set[int] = set()
    for tail in _URI_PASSWORD_TAIL.finditer(text):
        candidates.update(range(max(tail.start() - URI_SCHEME_MAX, 0), tail.start()))
    resume = 0
    for position in sorted(candidates):
        if position < resume:
            continue
        match = URI_WITH_PASSWORD.match(text, position)
        if match is not None:
            yield match
            resume = match.end()


@lru_cache(maxsize=_MEMO)
def _tokens(text: str) -> tuple[SecretHit, ...]:
    hits: list[tuple[int, SecretHit]] = []
    id_list: bool | None = None  # counted once an AWS-shaped token is met
    for match in _token_matches(text):
        kind = token_kind(match)
        if kind == _AWS_KEY_ID:
            if id_list is None:
                id_list = _ids_of_the_same_shape(text)
            if id_list:
                continue  # one of hundreds of random ids (`"ASIAVIM2Q1GJ...": 1800`)
        line = text.count("\n", 0, match.start()) + 1
        hits.append((match.start(), SecretHit(kind, line, redact(match.group(0)))))
    # `://` by a substring search first: several times faster than the pattern's own
    # literal loop, and most texts hold no URI at all.
    if "://" in text and _URI_PASSWORD_TAIL.search(text) is not None:
        for match in _uri_password_matches(text):
            # `mysql://[user[:password]@]host`: a format's syntax, its optional parts bracketed
            if "[" in match.group(2) or match.group(3).endswith("]"):
                continue
            if not is_placeholder(match.group(3)):
                line = text.count("\n", 0, match.start()) + 1
                preview = f"{match.group(1)}{match.group(2)}:{redact(match.group(3))}@…"
                hits.append((match.start(), SecretHit("password in a URI", line, preview)))
    return tuple(hit for _, hit in sorted(hits, key=lambda item: item[0]))


_AWS_KEY_ID = "AWS access key id"
# A quoted run of 20 capitals and digits: the shape of an AWS access key id, and of the
# random ids a dataset's metadata lists by the hundred (clip ids, sample ids).
_TWENTY_CAPITALS = re.compile(r"[\"'][0-9A-Z]{20}[\"']")


def _ids_of_the_same_shape(text: str) -> bool:
    """Return True when the text lists many quoted ids shaped like an AWS access key id.

    A key id starts with `AKIA` or `ASIA`; among a hundred random 20-character ids, some
    start so by chance. Real keys come one or two at a time.
    """
    matches = _TWENTY_CAPITALS.finditer(text)
    return sum(1 for _ in islice(matches, _ID_LIST_SIZE + 1)) > _ID_LIST_SIZE


_ID_LIST_SIZE = 20


def _exempt(hits: tuple[SecretHit, ...], text: str) -> tuple[SecretHit, ...]:
    allowed = allowlisted_lines(text) if hits else frozenset()
    return tuple(hit for hit in hits if hit.line not in allowed) if allowed else hits


def credential_assignments(text: str, allowlist: bool = True) -> Iterator[SecretHit]:
    """Credential-named keys assigned a literal value in config-like text."""
    hits = _credential_assignments(text)
    return iter(_exempt(hits, text) if allowlist else hits)


def assignment(line: str) -> re.Match[str] | None:
    """Match a config line's assignment: group 1 the key, group 2 the rest of the line.

    `KEY: value`, `KEY=value`, `"key": "value"`, and an item of an environment list
    (`- KEY=value`, as Docker Compose writes one).
    """
    return ASSIGNMENT.match(line) or _ENV_LIST_ITEM.match(line)


def assigned_value(line: str) -> str | None:
    """Return the value a config line assigns (`KEY: value`, `KEY=value`), if it is one."""
    match = assignment(line)
    return _value_of(match.group(2)) if match else None


def _value_of(assigned: str) -> str:
    """Return the assigned value without a trailing comma, ` # comment`, blanks or quotes."""
    value = assigned.strip()
    if value.startswith("#"):
        return ""  # `API_TOKEN=  # optional`: no value, a comment
    if value.endswith(","):
        value = value[:-1].rstrip()
    if value.endswith("\\"):
        value = value[:-1].rstrip()  # a shell line continued on the next one
    if "(" not in value:  # not a call's keyword arguments (`filter(a=1, b=2)`)
        value = _MORE_ASSIGNMENTS.sub("", value)  # `A=1024 B=1024`: the first one's value
    return value.split(" #", 1)[0].strip().strip("\"'")


# Further assignments after a value on one shell line: ` FWD_MAX_TOKEN_LEN=1024 ...`, or
# further options of a command (`--NotebookApp.token='' --NotebookApp.password=''`).
_MORE_ASSIGNMENTS = re.compile(r"(?<=\S)[ \t]++(?:--?)?[A-Za-z_][\w.-]*+=.*$")


@cache
def _credential_parts() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(part) for part in _CREDENTIAL_PARTS)


# The line breaks `str.splitlines` honours besides `\n` (`\r` too: a `\r\n` pair included).
_OTHER_BREAKS = "\r\x0b\x0c\x1c\x1d\x1e"
_OTHER_WIDE_BREAKS = "\x85\u2028\u2029"


def _lines_with_credential_words(text: str) -> Iterable[tuple[int, str]]:
    """Return (number, line) of the lines that hold a credential word, in order.

    A credential key is ASCII, so its line holds one of the words in lower case once
    lowered. When lowering keeps every character in place (nearly always), the lowered
    text is searched for the words' parts, and the words confirmed on those lines;
    otherwise every line is a candidate.
    """
    lowered = text.lower()
    if len(lowered) != len(text):
        if _CREDENTIAL_WORD.search(lowered) is None:
            return ()
        return enumerate(text.splitlines(), start=1)
    breaks = _OTHER_BREAKS if text.isascii() else _OTHER_BREAKS + _OTHER_WIDE_BREAKS
    if any(mark in text for mark in breaks):
        return _split_lines_with_credential_words(text, lowered)
    # Lines end at `\n` only: each part's search goes on from the end of the line it found,
    # so a line full of `key`s costs one step, and the text is never split into lines.
    begins: set[int] = set()
    for part in _credential_parts():
        match = part.search(lowered)
        while match is not None:
            begins.add(lowered.rfind("\n", 0, match.start()) + 1)
            end = lowered.find("\n", match.end())
            if end < 0:
                break
            match = part.search(lowered, end)
    found = []
    number, counted = 1, 0
    for begin in sorted(begins):
        end = lowered.find("\n", begin)
        end = len(lowered) if end < 0 else end
        if _CREDENTIAL_WORD.search(lowered, begin, end) is not None:
            number += lowered.count("\n", counted, begin)
            counted = begin
            found.append((number, text[begin:end]))
    return found


def _split_lines_with_credential_words(text: str, lowered: str) -> Iterable[tuple[int, str]]:
    r"""`_lines_with_credential_words` for a text with line breaks other than `\n`."""
    starts = sorted({m.start() for part in _credential_parts() for m in part.finditer(lowered)})
    if not starts:
        return ()
    kept = text.splitlines(keepends=True)
    ends = list(accumulate(map(len, kept)))
    found = []
    done = -1
    for start in starts:
        number = bisect_right(ends, start)
        if number == done:
            continue
        done = number
        begin = ends[number - 1] if number else 0
        if _CREDENTIAL_WORD.search(lowered, begin, ends[number]) is not None:
            found.append((number + 1, (kept[number].splitlines() or [""])[0]))
    return found


@lru_cache(maxsize=_MEMO)
def _credential_assignments(text: str) -> tuple[SecretHit, ...]:
    hits = []
    lines: list[str] | None = None  # the text's lines, split on the first `name:` item
    for number, line in _lines_with_credential_words(text):
        stripped = line.lstrip()
        if not stripped or stripped.startswith(("#", ";", "//")):
            continue
        match = assignment(line)
        if match:
            hit = _credential_hit(match.group(1), match.group(2), number)
        elif (named := _ENV_NAME_ITEM.match(line)) is not None:
            if lines is None:
                lines = text.splitlines()
            value = _ENV_VALUE.match(lines[number]) if number < len(lines) else None
            hit = _credential_hit(named.group(1), value.group(1), number + 1) if value else None
        else:
            continue
        if hit is not None:
            hits.append(hit)
    return tuple(hits)


# An environment given as a list, as Docker Compose and Kubernetes write one: an item
# `- AWS_SECRET_ACCESS_KEY=...`, or a `name:` item whose next line is its `value:` (a
# Deployment's `env:`, an ECS task definition's `environment` in JSON). `valueFrom:`
# (a reference to a Secret) is no value.
_ENV_LIST_ITEM = re.compile(r"""^\s*+-\s++["']?([A-Za-z_][A-Za-z0-9_.]*+)=(.*)""")
_ENV_NAME_ITEM = re.compile(
    r"""^\s*+(?:-\s++)?["']?name["']?\s*+:\s*+["']?([A-Za-z_][A-Za-z0-9_.-]*+)["']?,?\s*+$"""
)
_ENV_VALUE = re.compile(r"""^\s*+["']?value["']?\s*+:\s*+(.*)""")


def _credential_hit(key: str, assigned: str, number: int) -> SecretHit | None:
    """Return the hit of `key` assigned `assigned` on line `number`, if it is a credential."""
    if not CREDENTIAL_KEY.search(key):
        return None
    if DESCRIBES_CREDENTIAL.search(key) or VOCABULARY_TOKEN.search(key):
        return None
    if _HOST_KEY.search(key):
        return None  # `token.actions.githubusercontent.com:aud`: a policy's condition key
    if assigned.lstrip().startswith("="):
        return None  # `outputs.token == 'true'`: a comparison in an expression, no assignment
    value = _value_of(assigned)
    if not value or is_placeholder(value) or _is_plain_literal(value):
        return None
    if _CODE_EXPRESSION.match(value) or _IMPORT_PATH.match(value):
        return None  # `token = handle.read().strip()`, `token_text = "pkg.viz:Renderer"`
    if _names_its_key(key, value) or _text_token(key, value):
        return None
    if "://" in value and placeholder_uri_password(value):
        return None
    if _CONNECTION_KEY.search(key) and not _CONNECTION_SECRET.search(value):
        return None  # `connection_string: "redis:6379,db=0"`: where to connect, no secret
    return SecretHit(f"credential `{key}`", number, redact(value))


# A connection string is a credential by what it holds: a password, an account or shared
# access key, a token (`...;AccountKey=...`, `redis:6379,password=...`, `user:pw@host`).
_CONNECTION_KEY = re.compile(r"connection_?string", re.IGNORECASE)
_CONNECTION_SECRET = re.compile(
    r"(?i)(?:password|passwd|pwd|accountkey|sharedaccesskey|sharedaccesssignature|sig|token"
    r"|secret|apikey|api_key)[ \t]*=|://[^\s:/@]*:[^\s@/]+@"
)


# A Python expression, not a literal: a call (`open(p).read().strip()`, `str(t.token)`),
# an item (`resp["token"]`) or an f-string, as a script kept in a YAML block assigns.
_CODE_EXPRESSION = re.compile(r"^(?:[A-Za-z_][\w.]*+\(.*\)|[A-Za-z_][\w.]*+\[.*\]|f[\"'])")


# A key naming a host (an IAM trust policy's `token.actions.githubusercontent.com:sub`).
_HOST_KEY = re.compile(r"[\w-]\.[\w-]++\.(?:com|net|org|io|dev|cloud|ai)\b")


# An entry point's object reference (`nlp_shap.viz.token_text:TokenTextRenderer`).
_IMPORT_PATH = re.compile(r"^[A-Za-z_]\w*+(?:\.[A-Za-z_]\w*+)++:[A-Za-z_][\w.]*+$")


def _text_token(key: str, value: str) -> bool:
    """Return True for a marker word of text under a "token" key (`category_token: bbox`).

    A short lower-case word is what a model's output is searched for (a tag, a stop
    word), never an access token; keys naming a password, secret or key still count.
    """
    if not _SHORT_WORD.fullmatch(value):
        return False
    return CREDENTIAL_KEY.search(key.lower().replace("token", "word")) is None


_SHORT_WORD = re.compile(r"[a-z]{1,12}")


def _names_its_key(key: str, value: str) -> bool:
    """Return True for a value that only names what belongs there, as a template writes it.

    `AWS_SESSION_TOKEN: session_token (Used to generate Redshift credentials)` in the
    profile Mage generates: the value is the key's own last words, then at most a note in
    parentheses; `secretKey: secretkey` names the key a referenced Secret holds. A single
    word (`password: password1`) is a weak password, not a name.
    """
    # `accessKey: accesskey` beside `secretName:`: the name of a key inside a secret
    words = re.findall(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])", key)
    if len(words) > 1 and "".join(words).lower() == re.sub(r"[-_.]", "", value).lower():
        return True
    head, _, rest = value.partition(" ")
    head = head.lower()
    if "_" not in head or (rest and not rest.lstrip().startswith("(")):
        return False
    key = key.lower().replace("-", "_").replace(".", "_")
    return key == head or key.endswith(f"_{head}")


def _is_plain_literal(value: str) -> bool:
    lowered = value.lower()
    if lowered in {"true", "false", "yes", "no", "on", "off", "~"}:
        return True
    if value.startswith(("[", "(")) or value.endswith(("{", "[", "(")):
        return True
    if re.fullmatch(r"[-+]?\d+(\.\d+)?", value):
        return True
    if _VERSION_SPEC.match(value):
        return True  # `google-cloud-secret-manager = "~=2.16"`: a dependency's version
    # A reference to where the secret comes from, not the secret: a file or a variable.
    return bool(re.fullmatch(r"[A-Z][A-Z0-9_]*", value)) or value.startswith(("/", "./", "~/"))


# A version constraint (`~=2.16`, `^1.4`, `>=2,<3`, `==0.3.1`).
_VERSION_SPEC = re.compile(r"^(?:[~^]|[<>=!]=?|~=|===?)[ \t]*+\d[\w.*+!,<>=~ \t-]*+$")


def find_secrets(text: str, assignments: bool, allowlist: bool = True) -> list[SecretHit]:
    """All secrets in `text`; credential assignments only when `assignments` is set.

    With `allowlist` false, lines exempted by an allowlist comment count too (for callers
    that must not copy a secret anywhere, whatever the repository says of it).
    """
    hits = list(tokens(text, allowlist))
    if assignments:
        seen = {hit.line for hit in hits}
        hits.extend(hit for hit in credential_assignments(text, allowlist) if hit.line not in seen)
    return sorted(hits, key=lambda hit: hit.line)
