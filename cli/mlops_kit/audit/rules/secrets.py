"""Secrets: no keys, tokens or passwords in files git would publish; `.env` stays local.

Findings show a redacted preview only. conf/ and params.yaml (CFG105) and .dvc/config
(DVC110) have their own rules, so they are not scanned twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from mlops_kit.audit import facts, secrets
from mlops_kit.audit.model import Finding
from mlops_kit.audit.needles import finditer
from mlops_kit.audit.profile import profile_of
from mlops_kit.audit.repo import RepoView
from mlops_kit.audit.rule import rule
from mlops_kit.audit.rules.layout import is_text_name

SCAN_LIMIT = 1024 * 1024  # bytes; larger files are data, not config
OWN_FILES = frozenset({"params.yaml", ".dvc/config"})
CONFIG_SUFFIXES = (".yaml", ".yml", ".toml", ".ini", ".cfg", ".conf", ".properties", ".json")
# Files that show which settings to copy (`.env.example`, `.env-local-template`,
# `config.sample.yaml`): a word of the name says so.
_TEMPLATE_NAME = re.compile(r"(?:^|[-_.])(?:example|sample|template|dist|tmpl)(?:$|[-_.])")


def template_name(path: str) -> bool:
    """Return True for a file whose name marks it as a template to copy and fill in."""
    return _TEMPLATE_NAME.search(path.rsplit("/", 1)[-1].lower()) is not None


# Lock files name packages (`registry-auth-token`), not credentials.
LOCK_SUFFIXES = (".lock", "-lock.yaml", "-lock.yml", "-lock.json", "pylock.toml")
# Example, test and documentation configs hold demonstration values (`password: secret`);
# well-known token formats (SEC101, SEC102) are still reported there.
DEMO_FOLDERS = re.compile(
    r"(?:^|/)(?:examples?|tests?|test_utils|(?:[\w-]+[-_])?fixtures|docs?|tutorials?"
    r"|quick[-_]?starts?)/"
)


# Where words of an interface are kept (`"password": "Passwort"` is a label).
LABEL_FOLDERS = re.compile(r"(?:^|/)(?:i18n|l10n|locales?|translations?|lang)/")
# Well-known local defaults of development containers (compose files, CI service
# containers): not secrets anybody can abuse outside the developer's machine.
DEV_DEFAULTS = frozenset(
    {"postgres", "password", "mlflow", "airflow", "admin", "root", "minio", "minioadmin",
     "minio123", "guest", "user", "pass", "secret", "mysql", "redis", "grafana", "prefect",
     "dagster", "superset", "optuna", "mongo", "rabbitmq", "jupyter", "velib"}
)  # fmt: skip
_DEMO_PREFIXES = ("test", "ci-", "ci_", "dev", "local", "dummy", "fake", "example", "sample")
# A local MinIO's pair spelled as the credential's own words (`minioaccesskey`,
# `miniosecretkey123`): the made-up keys of a development object store.
_SERVICE_DEFAULT = re.compile(r"^minio[-_]?(?:access|secret|root)[-_]?key[-_]?\d{0,4}$")


def demo_value(value: str, user: str = "") -> bool:
    """Return True for values that are local defaults, test values or variable names."""
    value = value.strip().strip("\"'")
    lowered = value.lower()
    return (
        len(value) <= 2  # `u:p@h`: a shape, not a password
        or lowered in DEV_DEFAULTS
        or (bool(user) and lowered.startswith(user.lower()))  # iqa:iqa_password
        or lowered.startswith(_DEMO_PREFIXES)
        or re.fullmatch(r"[A-Z][A-Z0-9_]*", value) is not None
        or value.startswith(("<", "{", "%(", "$"))
        or _SAYS_FAKE.search(lowered) is not None  # "foo bar; dummy secret"
        or _SERVICE_DEFAULT.match(lowered) is not None  # `miniosecretkey123`
        or _INSTRUCTION.match(lowered) is not None  # "replace with your personal token"
    )


# Words telling the reader what to put there (`"replace with your personal access token"`).
_INSTRUCTION = re.compile(r"^(?:replace|put|insert|enter|paste|add|set)\b[^\n]*?\byour?\b")


# A value that says it is not real, wherever the word sits in it.
_SAYS_FAKE = re.compile(r"\b(?:dummy|fake|placeholder)\b")


def _line(text: str, number: int) -> str:
    lines = text.splitlines()
    return lines[number - 1] if 0 < number <= len(lines) else ""


# `host.docker.internal` (`host.containers.internal` for Podman) is the developer's own
# machine, seen from a container.
_LOCAL_HOST = re.compile(
    r"(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\]|host\.(?:docker|containers)\.internal)\b"
)


# Hosts that cannot exist (RFC 2606, RFC 6761): a URI made up for docs or a failure test.
_RESERVED_HOST = re.compile(
    r"(?<![\w.-])(?:[\w-]+(?:\.[\w-]+)*\.(?:invalid|example|test|localhost)\b"
    r"|(?:[\w-]+\.)*example\.(?:com|org|net)\b)",
    re.IGNORECASE,
)

GENERIC_USERS = frozenset({"user", "username", "usr", "foo", "me", "name", "login", "test"})


def _demo_uri(line: str, in_demo_folder: bool) -> bool:
    """Return True when every password-bearing URI on the line is not a leak.

    Not a leak: demo values (`user:pw@`, `mlflow:mlflow@`), interpolations
    (`${DB_USER:-x}:${DB_PASSWORD:-y}@`), a database on the local machine (a development
    container's password), and any URI in tests, examples or docs (fixtures).
    """
    if in_demo_folder:
        return True
    matches = list(secrets.URI_WITH_PASSWORD.finditer(line))
    return bool(matches) and all(
        demo_value(m.group(3), m.group(2))
        or m.group(2).lower() in GENERIC_USERS
        or "${" in m.group(0)
        or _LOCAL_HOST.match(line, m.end()) is not None
        or _RESERVED_HOST.match(line, m.end()) is not None
        for m in matches
    )


# Runs people type when they make a token up: 123456, abcdef, AAABBBCCC.
_MADE_UP = re.compile(
    r"(?:0123|1234|2345|3456|4567|5678|6789)\d\d|abcdef|ABCDEF|(.)\1\1(?!\1)(.)\2\2(?!\2)(.)\3\3"
    r"|(?i:planted|sample|mock)"
)
# ... and GitHub's documented example token, and keyboard runs (`sk-live-abc123def456...`)
_SEQUENCES = (
    "0123456789", "abcdefgh", "ABCDEFGH", "EXAMPLE", "example", "FAKE", "fake",
    "abc123def456", "16C7e42F292c6912E7710c838347Ae5B21",
)  # fmt: skip


def fake_token(value: str) -> bool:
    """Return True for tokens made up for tests and docs (AWS's EXAMPLE key, `hf_aaaa...`).

    So is one whose body is a placeholder (`xoxb-your-token`, `hf_your_token_here`) or a
    phrase (`sk-this-is-a-very-secret-key-that-should-be-masked`).
    """
    body = re.sub(r"^[A-Za-z]{2,5}[-_]|^(?:AKIA|ASIA)", "", value)
    return (
        any(s in value for s in _SEQUENCES)
        or re.search(r"(.)\1{5,}", body) is not None  # aaaaaa, 000000
        or _MADE_UP.search(body) is not None
        or re.search(r"(?i)test|dummy|placeholder|xxxx|redacted", body) is not None
        or len(set(body)) < 8
        or secrets.is_placeholder(body)  # `xoxb-your-token` in a README's .env example
        or _PHRASE.fullmatch(body) is not None  # `sk-this-is-a-very-secret-key-...`: words
    )


# Four or more lower-case words joined by hyphens or underscores: a sentence, never a key.
_PHRASE = re.compile(r"(?<![a-z])[a-z]++(?:[-_][a-z]++){3,}+")


def _demo_assignment(line: str, users: set[str]) -> bool:
    match = secrets.assignment(line)
    if match is None:
        return False
    key = match.group(1)
    value = match.group(2).split(" #", 1)[0].strip().rstrip("\\").strip().strip("\"'")
    return (
        demo_value(value)
        or any(value.lower().startswith(user) or _user_and_word(value, user) for user in users)
        or (bool(decoded := _unbase64(value)) and _demo_or_placeholder(decoded))
        # `REDIS_PASSWORD: cmVk...  # 'redis_password' - CHANGE IN PRODUCTION`
        or _SAYS_CHANGE.search(match.group(2).partition(" #")[2]) is not None
        or _placeholder_basic_auth(value)
        or (_TOKEN_KEY.search(key) is not None and _WORDS.fullmatch(value) is not None)
        or value.split(":", 1)[0].lstrip("-") == key.lstrip("-")  # NAME=NAME:latest, a reference
        # the path of the value in a secret store: `PASSWORD = "elasticsearch/prototype/PASSWORD"`
        or ("/" in value and value.rsplit("/", 1)[-1].lower() == key.lower())
        or re.fullmatch(r"[\w.-]+\.(?:pem|key|crt|cer|p12|pfx|json|txt|jks)", value) is not None
        or _NOT_A_VALUE.search(value) is not None
    )


def _demo_or_placeholder(value: str) -> bool:
    return demo_value(value) or secrets.is_placeholder(value)


# A comment saying the value is to be replaced (`# CHANGE IN PRODUCTION`, `# mock value`).
_SAYS_CHANGE = re.compile(r"(?i)\bchange[ _-]?(?:me|it|this|in[ _-]production)\b|\bmock\b")


# Values that name or fetch a secret instead of holding one: a host:port, a kebab-case key
# name (`secretKey: mysql-root-password` in a Kubernetes secretKeyRef), code reading the
# environment.
_NOT_A_VALUE = re.compile(
    r"^[\w.-]+:\d{2,5}$|^[a-z][a-z0-9]*(?:-[a-z0-9]+)+$|os\.environ|getenv\(|env\("
    # a reference into a secret store: `tfy-secret://org:app:KEY`, `vault://...`,
    # `op://vault/item/field` (1Password), `arn:aws:secretsmanager:...`
    # (any URI of a scheme other than http(s) without a user part: `azkv://kv/name`)
    r"|^(?!https?://)[a-z][a-z0-9.+-]*://[^@\s]*$|^arn:aws:(?:secretsmanager|ssm):"
)


def _unbase64(value: str) -> str:
    """Decode a Kubernetes Secret's base64 value (empty when it is not base64 text)."""
    import base64
    import binascii

    if not re.fullmatch(r"[A-Za-z0-9+/]{4,}={0,2}", value) or len(value) % 4:
        return ""
    try:
        return base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return ""


# A "token" that is words (`MAJOR_STRING_TOKEN: "bump:major"`) marks text, not access:
# access tokens are random characters.
_TOKEN_KEY = re.compile(r"token", re.IGNORECASE)
_WORDS = re.compile(r"(?<![a-z])[a-z]+(?:[:_ -][a-z]+)+")


def _user_and_word(value: str, user: str) -> bool:
    """Return True for a password made of the user's stem and a word (`alertuser`/`alertpass`)."""
    stem = re.sub(r"[-_.]?(?:user(?:name)?|usr|login)$", "", user.lower())
    if len(stem) < 3 or not value.lower().startswith(stem):
        return False
    rest = value.lower()[len(stem) :].strip("-_.")
    return rest in DEV_DEFAULTS or rest in secrets.PLACEHOLDER_WORDS or rest.isdigit()


def _placeholder_basic_auth(value: str) -> bool:
    """Return True for an HTTP basic-auth value of placeholder words (`Basic` of secret:key).

    Documented defaults are written that way (`secret: "Basic c2VjcmV0OmtleQ=="`), for
    the user to replace.
    """
    scheme, _, encoded = value.partition(" ")
    if scheme.lower() != "basic":
        return False
    user, colon, password = _unbase64(encoded.strip()).partition(":")
    words = DEV_DEFAULTS | GENERIC_USERS | secrets.PLACEHOLDER_WORDS
    return bool(colon) and user.lower() in words and password.lower() in words


_USER_KEY = re.compile(r"(?:USER|USERNAME|_DB|DATABASE|_NAME)$", re.IGNORECASE)


def _user_values(text: str) -> set[str]:
    """Values of user and database-name keys (a password equal to one is a local default)."""
    values = set()
    for line in text.splitlines():
        match = secrets.assignment(line)
        if match is not None and _USER_KEY.search(match.group(1)):
            values.add(match.group(2).split(" #", 1)[0].strip().strip("\"'").lower())
    return values - {""}


def _own_files(repo: RepoView) -> frozenset[str]:
    """Files other rules scan for secrets: the Hydra config (CFG105), .dvc/config (DVC110)."""
    return facts.memo(repo, "secrets.own", lambda: OWN_FILES | set(facts.conf_files(repo)))


# Pictures and rendered widgets (plotly HTML) in notebook outputs are single JSON lines of
# base64 or markup: no token hides there, and the token patterns crawl through megabytes
# of them. Blanking them keeps every line number.
_NOTEBOOK_IMAGE = re.compile(r'"image/(?:png|jpeg|gif|webp|bmp)"\s*:\s*"')
_NOTEBOOK_BLOB = re.compile(r"(?m)^[^\n]{20000,}$")


def _blank_images(text: str) -> str:
    """Empty the picture strings of a notebook: `"image/png": "iVBOR..."` -> `"image/png": ""`.

    A picture string runs to the next quote on its line (one that meets a line end first is
    left alone); that quote is found by a literal search, which skips megabytes of base64
    far faster than a character class does.
    """
    pieces = []
    copied = position = 0
    while (key := _NOTEBOOK_IMAGE.search(text, position)) is not None:
        close = text.find('"', key.end())
        if close < 0 or text.find("\n", key.end(), close) >= 0:
            position = key.start() + 1
            continue
        pieces.append(text[copied : key.end()])
        copied, position = close, close + 1
    return "".join((*pieces, text[copied:])) if pieces else text


# Key and certificate files (`client-key.pem`, `server.key`); those of tests and examples
# are fixtures.
KEY_SUFFIXES = (".pem", ".key")


def _key_file(path: str) -> bool:
    return path.endswith(KEY_SUFFIXES) and DEMO_FOLDERS.search(path) is None


def _scanned(repo: RepoView) -> list[tuple[str, str]]:
    def compute() -> list[tuple[str, str]]:
        found = []
        own = _own_files(repo)
        # A folder pip installed into (`pip install -t package/`: `pydantic-2.12.5.dist-info/`
        # beside `pydantic/`): third-party code, its docstrings' example URLs included.
        installed = tuple(
            f"{folder.rpartition('/')[0]}/"
            for folder in repo.folders
            if folder.endswith(".dist-info") and "/" in folder
        )
        for path in repo.files:
            if path in own or path in repo.listing.symlinks:
                continue
            if installed and path.startswith(installed):
                continue
            if _UI_STRINGS.search(path):
                continue  # an interface's text (`"api_key": "Pirate Weather API Key"`): labels
            if not (is_text_name(path) or _key_file(path)) or path in repo.listing.special:
                continue
            info = repo.lstat(path)
            if info is None or info.st_size > SCAN_LIMIT:
                continue
            text = repo.text(path)
            if text is not None and "__pyarmor__(" in text[:2000]:
                continue  # a Pyarmor build: its payload is ciphertext, no secret to read
            if text is not None and not _insecure_example(path, text):
                if path.endswith(".ipynb"):
                    text = _NOTEBOOK_BLOB.sub("", _blank_images(text))
                elif path.rpartition("/")[2].lower() in MACHINE_LOCKS:
                    text = secrets.lines_holding(text, "://")
                found.append((path, text))
        return found

    return facts.memo(repo, "scanned_texts", compute)


# Lock files a package manager writes: names, versions, hashes, and the URLs packages came
# from. A credential reaches one only inside a URL (a private index's `https://user:token@`,
# a `git+https://<token>@` dependency), so only their lines holding `://` are read: the
# rest is megabytes of hashes (`yarn.lock`'s base64 integrity strings can pose as tokens).
MACHINE_LOCKS = frozenset(
    {"poetry.lock", "uv.lock", "pdm.lock", "pipfile.lock", "pylock.toml", "pixi.lock",
     "conda-lock.yml", "package-lock.json", "npm-shrinkwrap.json", "yarn.lock",
     "pnpm-lock.yaml", "bun.lock", "cargo.lock", "composer.lock", "gemfile.lock", "go.sum"}
)  # fmt: skip


# The text an interface shows, per language: Home Assistant's `strings.json`,
# `translations/de.json`, `locales/en/messages.json`, `i18n/fr.yaml`, gettext catalogues.
_UI_STRINGS = re.compile(
    r"(?:^|/)strings\.json$|(?:^|/)(?:translations|locales?|i18n|l10n)/[^/]+(?:/[^/]+)?"
    r"\.(?:json|ya?ml|po)$"
)


def _insecure_example(path: str, text: str) -> bool:
    """Return True for a file that is insecure on purpose: a lesson in what not to do.

    `faulty-examples/secrets-FAULTY.yaml`, `vulnerable-app/`, or a file that marks its
    own flaws (`# VULN: private key in a ConfigMap`): a security course's or a scanner's
    test material, whose secrets are the point.
    """
    if _INSECURE_NAME.search(path) is not None:
        return True
    # A literal test first: most files hold none of the words.
    marked = "VULN" in text or "FAULTY" in text or "INSECURE" in text
    return marked and _FLAW_MARKER.search(text) is not None


_INSECURE_NAME = re.compile(r"(?i)(?<![a-z0-9])(?:faulty|vulnerable|insecure)(?![a-z0-9])")
_FLAW_MARKER = re.compile(
    r"(?m)^[ \t]*+(?:#|//)[ \t]*+(?:VULN(?:ERABLE|ERABILITY)?|FAULTY|INSECURE)\b"
)


def _token_hits(repo: RepoView) -> list[tuple[str, secrets.SecretHit]]:
    def compute() -> list[tuple[str, secrets.SecretHit]]:
        return [(path, hit) for path, text in _scanned(repo) for hit in secrets.tokens(text)]

    return facts.memo(repo, "token_hits", compute)


@rule("SEC101", family="secrets", severity="error")
def no_tokens(repo: RepoView) -> Iterator[Finding]:
    """No cloud keys, API tokens or private keys in the repository's files.

    Why: anything committed is copied to every clone, fork and CI log, and stays in
    history after deletion; leaked keys are harvested from public repositories within
    minutes.
    Key files (`*.pem`, `*.key`) are read too, outside test and example folders. Tokens
    made up for tests and docs (AWS's `AKIAIOSFODNN7EXAMPLE`, `hf_aaaa...`,
    `sk-test-...`, sequences like `0123456789`, placeholder words like
    `xoxb-your-token`) are not reported, nor is a PEM block
    without key material (a commented example with `...` between its BEGIN and END
    lines). A token repeated in one file is one finding, at its first line. The `apiKey`
    of a Firebase web config (a file that configures Firebase), and of an app's
    `google-services.json` (Android) or `GoogleService-Info.plist` (iOS), is an identifier
    every client ships, not a secret: Firebase's security rules guard the data; so is a
    Google API key in an HTML page (a browser key, sent to every visitor and restricted to
    the site's referrers: a page saved from kaggle.com holds Kaggle's). Files insecure
    on purpose (`faulty-examples/`, `secrets-FAULTY.yaml`, `vulnerable-app/`, or a file
    that marks its flaws: `# VULN: key in a ConfigMap`) are a lesson's material: no secret
    rule reads them; nor does any read a folder pip installed packages into (one holding
    `*.dist-info/` folders: a Lambda's bundled dependencies), which is third-party code.
    Lock files a package manager writes (`poetry.lock`, `uv.lock`, `package-lock.json`,
    `yarn.lock`, ...) are read on their lines holding a URL, the one place a credential
    reaches them (a private index's `https://user:token@...`); the rest is hashes.
    Fix: revoke the key now, remove it from the file (and from history), and read it from
    the environment or a git-ignored `.env` instead.
    """
    texts = dict(_scanned(repo))
    reported: set[tuple[str, int]] = set()
    found: list[tuple[Finding, frozenset[str]]] = []
    for path, hit in _token_hits(repo):
        if hit.kind == "password in a URI" or (path, hit.line) in reported:
            continue  # one finding per line
        tokens = [m.group(0) for m in secrets.any_token().finditer(_line(texts[path], hit.line))]
        if tokens and all(fake_token(token) for token in tokens):
            continue
        if hit.kind == "Google API key" and (
            "firebase" in texts[path].lower() or path.rsplit("/", 1)[-1] in _GOOGLE_CLIENT_CONFIGS
        ):
            continue  # a Firebase config's apiKey (web, Android, iOS): shipped in every client
        if hit.kind == "Google API key" and _web_page(texts[path]):
            continue  # a browser key in a page: sent to every visitor, restricted by referrer
        if hit.kind == "private key" and not _key_body_follows(texts[path], hit.line):
            continue  # `-----BEGIN RSA PRIVATE KEY----- ... -----END`: a shape, no key
        reported.add((path, hit.line))
        found.append((Finding(f"{hit.kind}: {hit.preview}", path, hit.line), frozenset(tokens)))
    yield from _once_per_secret(found)


@rule("SEC102", family="secrets", severity="error")
def no_passwords_in_uris(repo: RepoView) -> Iterator[Finding]:
    """No URIs with embedded passwords (`scheme://user:password@host`).

    Why: database and tracking-server URIs get logged, printed and copied around; a
    password inside one leaks with it. Local defaults (`postgres://mlflow:mlflow@db`), URIs
    to a database on the local machine or a host that cannot exist (`*.invalid`,
    `*.example`, `*.test`, `example.com`; `host.docker.internal` is the local machine seen
    from a container), placeholders (`user:pw@`), interpolations
    (`${DB_PASSWORD:-x}`), URIs in tests, examples and docs, and a URI in a comment that
    calls itself an example (`# only an example, decodes to:`) are not reported. A
    password repeated (a compose stack's URIs, two DAGs) is one finding, at its first line.
    Fix: keep the password out of the URI: `postgresql://mlflow@db/mlflow` with
    `PGPASSWORD` in the environment, or `${oc.env:DB_PASSWORD}` interpolation in config.
    """
    texts = dict(_scanned(repo))
    found: list[tuple[Finding, frozenset[str]]] = []
    examples: set[str] = set()  # passwords of URIs a comment calls an example
    for path, hit in _token_hits(repo):
        line = _line(texts[path], hit.line)
        demo = DEMO_FOLDERS.search(path) is not None or template_name(path)
        if hit.kind == "password in a URI" and not _demo_uri(line, demo):
            passwords = frozenset(m.group(3) for m in secrets.URI_WITH_PASSWORD.finditer(line))
            if _commented_example(texts[path], hit.line):
                examples |= passwords
                continue
            found.append((Finding(f"{hit.kind}: {hit.preview}", path, hit.line), passwords))
    # The example's URI repeated in a comment below (`# Base64 of: postgresql://...`).
    yield from _once_per_secret([(f, values) for f, values in found if not values <= examples])


def _commented_example(text: str, line: int) -> bool:
    """Return True for a URI in a comment that calls itself an example.

    `# The value below is ONLY AN EXAMPLE (it decodes to:` then `#   postgresql://u:p@db`:
    the comment, on the URI's line or the two above it, documents a shape.
    """
    rows = text.splitlines()[max(line - 3, 0) : line]
    if not rows or not _COMMENT_LINE.match(rows[-1]):
        return False
    comments = [row for row in rows if _COMMENT_LINE.match(row)]
    return any(_EXAMPLE_WORD.search(row) for row in comments)


_COMMENT_LINE = re.compile(r"^[ \t]*+(?:#|//|--|;)")  # `^`: a search stays linear
# "example" in English, Portuguese, Spanish, French, German, Italian; "e.g.", "sample".
_EXAMPLE_WORD = re.compile(
    r"(?i)\b(?:examples?|exemplos?|ejemplos?|exemples?|beispiele?|esempio|e\.g\.|sample|placeholder)\b"
)
_KEY_LINE = re.compile(r"[A-Za-z0-9+/=]{40,}")


def _key_body_follows(text: str, line: int) -> bool:
    """Return True when base64 key material follows a PEM BEGIN line (on it or below)."""
    lines = text.splitlines()[line - 1 : line + 3]
    # Comment markers and YAML/Python string quoting around each line do not count.
    return any(_KEY_LINE.search(re.sub(r"-----[A-Z ]+-----", "", row)) for row in lines)


def _once_per_secret(found: list[tuple[Finding, frozenset[str]]]) -> Iterator[Finding]:
    """One finding per secret, at its first line.

    A compose file that repeats one database password in nine service URIs holds one
    leaked credential, to rotate once; so do two DAGs that connect with the same URI.
    The first place names the other files that hold it.
    """
    first: dict[str, int] = {}
    elsewhere: dict[int, list[str]] = {}
    kept: list[Finding] = []
    for finding, values in found:
        earlier = {first[v] for v in values if v in first}
        if values and len(earlier) == 1 and all(v in first for v in values):
            index = earlier.pop()
            others = elsewhere.setdefault(index, [])
            if finding.path not in others:
                others.append(finding.path or "")
            continue
        for value in values:
            first.setdefault(value, len(kept))
        kept.append(finding)
    for index, finding in enumerate(kept):
        others = [p for p in elsewhere.get(index, []) if p != finding.path]
        if index in elsewhere:  # no line numbers: the message (and fingerprint) stays stable
            where = "on other lines"
            if others:
                shown = ", ".join(others[:3]) + (
                    f" and {len(others) - 3} more" if len(others) > 3 else ""
                )
                where = f"in {shown}"
            finding = finding._replace(message=f"{finding.message} (also {where})")
        yield finding


@rule("SEC103", family="secrets", severity="error")
def no_generated_secrets_in_config_files(repo: RepoView) -> Iterator[Finding]:
    """Config files assign no generated secrets (random keys and tokens).

    Why: `secret_key: LMc2x9Kp...` or `api_token: 2b8d6c...` in a committed YAML, TOML, INI
    or env file (or a Terraform source, a Dockerfile's `ENV`/`ARG`, an environment given
    as a list: Compose's `- API_TOKEN=...`, a Deployment's `name:`/`value:` pair), or
    `api_key = "e46d7ffc..."` in a module (outside
    test, example and docs folders, and as the fallback of an environment variable:
    `os.getenv("API_KEY", "e46d7ffc...")`), is as public as the repository, and a value that
    looks machine-generated (long hexadecimal, or long base64-like text of high entropy)
    is almost always a live key. Values a person chose (`password: hunter2`, or its base64
    in a Kubernetes Secret: `bWluaW9hZG1pbjEyMw==` is `minioadmin123`) are SEC106's, a
    warning: far more of them are placeholders and local defaults.
    Not reported (for either rule): example and template files (`.env.example`,
    `.env-local-template`), obfuscated modules (a Pyarmor build's payload is
    ciphertext), example/test/docs folders, interface labels (i18n:
    `strings.json`, `translations/`), CI permission scopes, service containers of CI
    jobs, a framework's documented example (the `SECRET_KEY` of FastAPI's OAuth2
    tutorial), well-known local defaults of
    development containers (`POSTGRES_PASSWORD: postgres`, values starting with `test` or
    `dev`), key file names (`privateKey: private.pem`), references to a secret store
    (`KEY=KEY:latest`, `secretKey: mysql-root-password`, `tfy-secret://org:app:KEY`,
    `vault://...`, `op://...`, `arn:aws:secretsmanager:...`: any URI of a scheme other than
    http(s) without a user part; a store's path of lower-case words,
    `project/translations/level-1/weights-and-biases`), interpolations anywhere in the
    value (`'${var.key}'` in a template), "token" keys whose value is words
    (`MAJOR_STRING_TOKEN: "bump:major"`), hosts (`redis:6379`), keys that describe a
    credential rather than hold it (`token_audience`, `token_url`, `secret_name`), code
    reading the environment, URIs
    whose password is a placeholder (`mongodb://{username}:{password}@{host}/`, as SEC102
    judges one) and passwords or secret keys set beside a host on the local machine
    (`host: 127.0.0.1` in the same block, `MYSQL_HOST=localhost` beside `MYSQL_PASSWORD`,
    `endpoint: http://localhost:30084` beside a sandbox's `secret-key`,
    `AWS_SECRET_ACCESS_KEY` beside `MLFLOW_S3_ENDPOINT_URL: http://127.0.0.1:9000`): SEC102
    does not report those settings written as one URI either. In a Mage `triggers.yaml`
    (a top-level `triggers:` list whose entries have `pipeline_uuid` and `schedule_type`)
    the token Mage writes into every trigger is reported only for API triggers: schedule
    and event triggers never use it. Env files named for what they set
    (`secret_params.env`, a kustomize secret generator's input) are read like `.env`; a
    value repeated in several files (overlays of one secret) is one finding, at its first
    place, naming the others.
    Fix: revoke the key, reference the environment instead (`${API_TOKEN}` in compose
    files, `${oc.env:API_TOKEN}` in Hydra config) and keep values in a git-ignored `.env`.
    """
    yield from _once_per_secret(
        [(f, values) for f, generated, values in _config_credentials(repo) if generated]
        + list(_code_keys(repo))
        + [(f, values) for f, generated, values in _env_fallbacks(repo) if generated]
    )


def _code_keys(repo: RepoView) -> Iterator[tuple[Finding, frozenset[str]]]:
    """Yield the generated keys a Python module assigns to a key- or token-named name.

    `api_key = "e46d7ffc...lfN"`, `client = Client(access_token="9f2c...")`,
    `{"secret_key": "LMc2x9Kp..."}`: a value that looks machine-generated (as in config
    files), in any module outside test, example and docs folders; an allowlist pragma
    exempts its line.
    """
    for path, text, lowered in _credential_modules(repo):
        if _TEST_FOLDER.search(path) or not any(word in lowered for word in _KEY_NEEDLES):
            continue
        allowed: frozenset[int] | None = None
        for match in _key_matches(text, lowered):
            value = match.group(3)
            if secrets.is_placeholder(value) or not (
                looks_generated(value) or _generated_parts(value)
            ):
                continue
            line = text.count("\n", 0, match.start()) + 1
            if allowed is None:
                allowed = secrets.allowlisted_lines(text)
            if line not in allowed:
                message = f"generated secret `{match.group(1)}` = …(redacted) in code"
                yield Finding(message, path, line), frozenset({value})


def _credential_modules(repo: RepoView) -> list[tuple[str, str, str]]:
    """(path, text, lower-cased text) of the project's modules that name a credential.

    Outside test, example and docs folders; lowered once for SEC103's keys and SEC106's
    passwords alike, then ruled out by a few substring searches (most modules name none).
    """

    def compute() -> list[tuple[str, str, str]]:
        found = []
        for path in facts.runtime_code(repo):
            if DEMO_FOLDERS.search(path):
                continue
            text = repo.text(path) or ""
            lowered = text.lower()
            if any(word in lowered for word in _CREDENTIAL_NEEDLES):
                found.append((path, text, lowered))
        return found

    return facts.memo(repo, "secrets.credential_modules", compute)


def _key_matches(text: str, lowered: str) -> Iterator[re.Match[str]]:
    """Yield `_CODE_KEY`'s matches on the lines that hold a key word, in order.

    The pattern is tried on those lines only (a few in most modules), never on a line
    longer than `_LONGEST_CODE_LINE`: a minified page or script kept in a string.
    """
    if len(lowered) != len(text):  # lowering moved characters: every line is a candidate
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    starts: set[int] = set()
    for word in _KEY_NEEDLES:
        at = lowered.find(word)
        while at >= 0:
            starts.add(lowered.rfind("\n", 0, at) + 1)
            end = lowered.find("\n", at)
            if end < 0:
                break
            at = lowered.find(word, end)
    for begin in sorted(starts):
        end = text.find("\n", begin)
        end = len(text) if end < 0 else end
        if end - begin <= _LONGEST_CODE_LINE:
            yield from _CODE_KEY.finditer(text, begin, end)


# `api_key = "..."`, `API_KEY: str = "..."` (a statement), `access_token="..."` (an
# argument), `"secret_key": "..."` (a dict entry): one literal of 16 characters or more.
# Not text inside a string (a page's script: `x; kyc.authToken = "..."`).
_CODE_KEY = re.compile(
    r"(?im)(?:^[ \t]*+|[(,{][ \t]*+)['\"]?([\w.]*?(?:api_?key|secret_?key|access_?token"
    r"|auth_?token|client_?secret|private_?key|access_?key_?secret)\w*+)['\"]?[ \t]*+"
    r"(?::[ \t]*+\w++[ \t]*+)?[=:][ \t]*+(['\"])([^'\"\s]{16,200})\2"
)
# Each name `_CODE_KEY` takes holds one of these once lowered (`apiKey`, `API_KEY`,
# `accessToken`, `client_secret`): most modules hold none.
_KEY_NEEDLES = ("api_key", "apikey", "secret", "token", "private_key", "access_key")
_CREDENTIAL_NEEDLES = (*_KEY_NEEDLES, "passw", "pwd")
_LONGEST_CODE_LINE = 400
_TEST_FOLDER = re.compile(r"(?:^|/)(?:tests?|testing|(?:examples?|demos?|samples?)_?\w*)/")


@rule("SEC106", family="secrets", severity="warning")
def no_passwords_in_config_files(repo: RepoView) -> Iterator[Finding]:
    """Config files assign no literal passwords.

    Why: `password: hunter2` in a committed YAML, TOML, INI or env file (or a Terraform
    source: `password = "hunter2"`, a Dockerfile's `ENV DB_PASSWORD=hunter2`, an item of
    an environment list) is as public as the repository; so is a password a
    module of the project assigns as a literal (`self.password = '1Ye8Xl1Td0'`: eight
    characters or more, both cases and digits, no word that calls it made up such as
    `Admin-password-1`, outside tests, examples and docs), or gives as the fallback of an
    environment variable (`os.getenv("DB_PASSWORD", "6SPxBDwX...")`: used whenever the
    variable is unset). A
    warning: a value a person chose is often a placeholder or a development default the
    audit cannot tell from a real password; machine-generated keys are SEC103's errors.
    The same values as
    SEC103's are not reported, nor are a vocabulary's special tokens (`pad_token`,
    `unknown_token`: words of a tokenizer or an encoder), sentinel values (`__MISSING__`)
    or a generated template's names for the values (Mage's
    `AWS_SESSION_TOKEN: session_token (Used to generate Redshift credentials)`), values of
    one or two characters (`api_key: k`, a test's stand-in), sentences addressed to the
    reader (`TELEGRAM_API_TOKEN: 'Place your tele bot token here'`), regular expressions that
    find credentials (a scrubber's `aws_key: 'AKIA[0-9A-Z]{16}'`) or the published
    password of a public database's read-only account (`user: reader` beside `host:
    hh-pgsql-public.ebi.ac.uk`), or a value under an `example:` key (an OpenAPI
    document's sample request). A value repeated in several files is one finding, at
    its first place.
    Fix: reference the environment instead (`${DB_PASSWORD}` in compose files,
    `${oc.env:DB_PASSWORD}` in Hydra config) and keep values in a git-ignored `.env`.
    """
    yield from _once_per_secret(
        [(f, values) for f, generated, values in _config_credentials(repo) if not generated]
        + list(_code_passwords(repo))
        + [(f, values) for f, generated, values in _env_fallbacks(repo) if not generated]
    )


def _code_passwords(repo: RepoView) -> Iterator[tuple[Finding, frozenset[str]]]:
    """Passwords a module of the project assigns as a literal (`self.password = '1Ye8...'`).

    Only values a person would choose as a real password: eight characters or more with
    upper-case letters, lower-case letters and digits, no placeholder; not in tests,
    examples or docs; a line with an allowlist pragma is left alone.
    """
    for path, text, lowered in _credential_modules(repo):
        if "passw" not in lowered and "pwd" not in lowered:
            continue  # no `password`, `passwd` or `pwd`: most modules
        allowed: frozenset[int] | None = None
        for match in _CODE_PASSWORD.finditer(text):
            value = match.group(3)
            if not _CHOSEN_PASSWORD.match(value) or secrets.is_placeholder(value):
                continue
            if any(word in value.lower() for word in _FIXTURE_WORDS):
                continue  # `"Admin-password-1"`: a fixture's password says what it is
            line = text.count("\n", 0, match.start()) + 1
            if allowed is None:
                allowed = secrets.allowlisted_lines(text)
            if line in allowed:
                continue
            finding = Finding(f"credential `{match.group(1)}` = …(redacted) in code", path, line)
            yield finding, frozenset({value})


# `self.password = '...'`, `DB_PASSWORD: str = "..."`, `pwd = "..."`: one literal string,
# alone on its line.
_CODE_PASSWORD = re.compile(
    r"(?im)^[ \t]*+([\w.]*?(?:password|passwd|pwd)\w*+)[ \t]*+(?::[ \t]*+\w++[ \t]*+)?="
    r"[ \t]*+(['\"])([^'\"\s]{8,200})\2[ \t]*+,?[ \t]*+(?:#[^\n]*+)?$"
)
# Words a made-up password carries (`Reviewer-password-1`, `Test1234`, `Demo2024`).
_FIXTURE_WORDS = ("pass", "secret", "example", "test", "demo", "dummy", "change", "sample")
# A password someone chose for real use: letters of both cases and digits.
_CHOSEN_PASSWORD = re.compile(r"^(?=[^a-z]*[a-z])(?=[^A-Z]*[A-Z])(?=[^0-9]*[0-9])")


def _env_fallbacks(repo: RepoView) -> list[tuple[Finding, bool, frozenset[str]]]:
    """Credentials a module reads from the environment with a literal fallback.

    `os.getenv("DB_PASSWORD", "6SPxBD...")`, `os.environ.get("API_KEY", "...")`:
    when the variable is unset the committed value is used, so it is as public as the
    repository. Reported only for values that look real: machine-generated (SEC103's) or a
    password a person chose for real use (both cases and digits, SEC106's); placeholders,
    development defaults (`postgres`, `minioadmin`, `change-me-in-production`) and words
    calling the value made up are left alone, as are tests, examples and docs.
    """

    def compute() -> list[tuple[Finding, bool, frozenset[str]]]:
        found = []
        for path, text, _ in _credential_modules(repo):
            if "getenv(" not in text and "environ.get(" not in text:
                continue
            allowed: frozenset[int] | None = None
            for match in _ENV_FALLBACK.finditer(text):
                key, value = match.group("key"), match.group("value")
                if not secrets.CREDENTIAL_KEY.search(key) or secrets.DESCRIBES_CREDENTIAL.search(
                    key
                ):
                    continue
                if secrets.is_placeholder(value) or demo_value(value):
                    continue
                if any(word in value.lower() for word in _FIXTURE_WORDS):
                    continue
                generated = looks_generated(value)
                if not generated and not _CHOSEN_PASSWORD.match(value):
                    continue
                line = text.count("\n", 0, match.start()) + 1
                if allowed is None:
                    allowed = secrets.allowlisted_lines(text)
                if line not in allowed:
                    message = f"`{key}` falls back to a literal credential in code: …(redacted)"
                    found.append((Finding(message, path, line), generated, frozenset({value})))
        return found

    return facts.memo(repo, "secrets.env_fallbacks", compute)


# `os.getenv("KEY", "value")`, `environ.get("KEY", "value")`, `getenv("KEY", default="...")`.
_ENV_FALLBACK = re.compile(
    r"\b(?:getenv|environ\.get)\(\s*(['\"])(?P<key>\w+)\1\s*,\s*(?:default\s*=\s*)?"
    r"(['\"])(?P<value>[^'\"\s]{8,200})\3\s*\)"
)


def _config_credentials(repo: RepoView) -> list[tuple[Finding, bool, frozenset[str]]]:
    """Return the credential keys assigned a literal in config files.

    Each with whether the value looks generated, and the value itself: one secret in five
    files is one finding, at its first place.
    """

    def compute() -> list[tuple[Finding, bool, frozenset[str]]]:
        return list(_find_config_credentials(repo))

    return facts.memo(repo, "secrets.config_credentials", compute)


def _find_config_credentials(repo: RepoView) -> Iterator[tuple[Finding, bool, frozenset[str]]]:
    for path, text in _scanned(repo):
        name = path.rsplit("/", 1)[-1]
        if template_name(name) or name.endswith(LOCK_SUFFIXES):
            continue
        if DEMO_FOLDERS.search(path) or LABEL_FOLDERS.search(path):
            continue
        terraform = name.endswith(TERRAFORM_SUFFIXES)
        env_file = name.startswith(".env") or name.endswith(".env")  # `secret_params.env`
        dockerfile = path in facts.dockerfiles(repo)
        if not (name.endswith(CONFIG_SUFFIXES) or env_file or terraform or dockerfile):
            continue
        if dockerfile:
            text = _DOCKER_ASSIGNMENT.sub(r"\1\2=", text)  # `ENV SECRET_KEY x`: `SECRET_KEY=x`
        hits = list(secrets.credential_assignments(text))
        if not hits:
            continue
        seen = {hit.line for where, hit in _token_hits(repo) if where == path}
        lines = text.splitlines()
        if path in profile_of(repo).ci_files:
            # A CI job's throwaway database, and the steps that connect to it.
            services = _lines_under(lines, _SERVICES)
            value = {hit.line: secrets.assigned_value(_line(text, hit.line)) for hit in hits}
            throwaway = {value[hit.line] for hit in hits if hit.line in services}
            seen |= services | {hit.line for hit in hits if value[hit.line] in throwaway}
        # Terraform provisions real infrastructure, not a development container: a
        # password that starts with its user name is no local default there.
        users = set() if terraform else _user_values(text)
        k8s_secret = "kind: Secret" in text
        unused = _unused_trigger_tokens(repo, path, text)
        local: _LocalHosts | None = None
        examples: set[int] | None = None  # lines inside `example:` blocks, on first need
        for hit in hits:
            line = lines[hit.line - 1] if hit.line <= len(lines) else ""
            if hit.line in seen or _PERMISSION.match(line) or _demo_assignment(line, users):
                continue
            if unused and _TRIGGER_TOKEN.match(line) and secrets.assigned_value(line) in unused:
                continue
            if not terraform and (
                _password_prefix(line) is not None
                or _password_prefix(line, _SECRET_KEY_WORDS) is not None
            ):
                if local is None:
                    local = _LocalHosts(lines if any(w in text for w in _LOCAL_HOST_WORDS) else [])
                if local.beside(hit.line, line):
                    continue  # a database on the developer's machine, as SEC102 judges one
            if terraform and _TERRAFORM_EXPRESSION.match(line):
                continue  # `password = var.db_password`: a reference, not a value
            if _public_read_only(lines, hit.line):
                continue  # RNAcentral's `user: reader` on `hh-pgsql-public.ebi.ac.uk`
            if examples is None:
                examples = _lines_under(lines, _EXAMPLE_KEY) if "example" in text else set()
            if hit.line in examples:
                continue  # an API document's sample request (`example: {password: ...}`)
            assigned = secrets.assigned_value(line) or ""
            if 0 < len(assigned) <= 2 or _PATTERN_VALUE.search(assigned):
                continue  # `"api_key": "k"`: a test's stand-in; `AKIA[0-9A-Z]{16}`: a pattern
            finding = Finding(f"{hit.kind} = {hit.preview}", path, hit.line)
            generated = looks_generated(assigned) or _generated_parts(assigned)
            if generated and k8s_secret and _chosen_in_secret(assigned):
                generated = False  # base64 of a chosen password: SEC106's
            yield finding, generated, frozenset({assigned} if assigned else ())


# A Dockerfile's `ENV KEY=value`, `ENV KEY value` or `ARG KEY=default`: the key, then `=`.
_DOCKER_ASSIGNMENT = re.compile(
    r"(?im)^([ \t]*+)(?:ENV|ARG)[ \t]++([A-Za-z_][\w.-]*+)(?:[ \t]*+=|[ \t]++)"
)


# A regular expression that finds credentials (a scrubber's `aws_key: 'AKIA[0-9A-Z]{16}'`,
# `'-----BEGIN (RSA |EC )?PRIVATE KEY-----'`): a character class or an escape under a
# quantifier, a group of alternatives made optional, a non-capturing group.
_PATTERN_VALUE = re.compile(
    r"\[[^\]\s]{1,40}\](?:\{\d{1,3}(?:,\d{0,3})?\}|[+*])|\\[dswb][+*{]"
    r"|\(\?[:=!<]|\([^()|]{1,40}\|[^()]{0,80}\)\?"
)


# Mage writes `<pipeline>/triggers.yaml` itself, with a `token:` in every trigger; only an
# API trigger's token opens anything (its run endpoint). Literals every such file holds
# rule out the rest before any YAML is parsed.
_TRIGGERS_FILE_WORDS = ("triggers:", "pipeline_uuid", "schedule_type", "token")
_UNUSED_TOKEN_SCHEDULES = frozenset({"time", "event"})
_TRIGGER_TOKEN = re.compile(r"^[\s-]*+token\s*+:")


def _unused_trigger_tokens(repo: RepoView, path: str, text: str) -> frozenset[str]:
    """Tokens of schedule and event triggers in a Mage triggers file (they open nothing).

    The file is known by its shape: a top-level `triggers:` list whose entries all have
    `pipeline_uuid` and `schedule_type`. A token an API trigger also holds is kept.
    """
    if not path.endswith((".yaml", ".yml")) or not all(w in text for w in _TRIGGERS_FILE_WORDS):
        return frozenset()
    data = repo.data(path)
    triggers = data.get("triggers") if isinstance(data, dict) else None
    if not isinstance(triggers, list) or not triggers:
        return frozenset()
    if not all(
        isinstance(t, dict) and {"pipeline_uuid", "schedule_type"} <= t.keys() for t in triggers
    ):
        return frozenset()
    unused: set[str] = set()
    used: set[str] = set()
    for trigger in triggers:
        token = trigger.get("token")
        if isinstance(token, (str, int)) and not isinstance(token, bool):
            kind = str(trigger["schedule_type"]).lower()
            (unused if kind in _UNUSED_TOKEN_SCHEDULES else used).add(str(token))
    return frozenset(unused - used)


# A password set beside the host it opens (`host: 127.0.0.1` then `password: ...` in one
# block, `MYSQL_HOST=localhost` and `MYSQL_PASSWORD=...` in one file) is a database on the
# developer's machine: SEC102 does not report the same settings written as one URI.
_LOCAL_HOST_WORDS = (
    "localhost", "127.0.0.1", "0.0.0.0", "::1", "host.docker.internal", "host.containers.internal",
)  # fmt: skip
_PASSWORD_WORDS = ("password", "passwd", "pwd")
_HOST_WORDS = ("host", "hostname", "server", "address")
# An object store's secret key beside its endpoint on the local machine (a sandbox).
_SECRET_KEY_WORDS = ("secret_key", "secret-key", "secretkey", "secret_access_key")
_ENDPOINT_WORDS = ("endpoint", "url", "uri")
_ENDPOINT_KEYS = ("endpoint_url", "endpoint")
# A URL on the local machine (`http://localhost:30084`, an object store's sandbox).
_LOCAL_URL = re.compile(r"\A[a-z][\w+.-]*+://(?:[^@/\s]*+@)?(?:localhost|127\.0\.0\.1|\[::1\])\b")
_SEPARATORS = "_.-"


def _password_prefix(line: str, words: tuple[str, ...] = _PASSWORD_WORDS) -> str | None:
    """Return what precedes the password word of the line's key (`mysql` of `MYSQL_PASSWORD`).

    None when the key does not end with one of `words`.
    """
    match = secrets.assignment(line)
    key = match.group(1).lower() if match else ""
    for word in words:
        if key.endswith(word):
            prefix = key[: -len(word)]
            if not prefix or prefix[-1] in _SEPARATORS:
                return prefix[:-1]
    return None


# A mapping key that holds sample values: OpenAPI's `example:`, `examples:`, `x-example:`.
_EXAMPLE_KEY = re.compile(r"^\s*(?:-\s+)?(?:x-)?examples?\s*:\s*(?:#.*)?$")


def _web_page(text: str) -> bool:
    """Return True for an HTML document (a page saved from a site, whatever its name)."""
    return text.lstrip()[:15].lower().startswith(("<!doctype html", "<html"))


# The Firebase client configs an Android or iOS app ships in its package.
_GOOGLE_CLIENT_CONFIGS = frozenset({"google-services.json", "GoogleService-Info.plist"})


def _public_read_only(lines: list[str], number: int) -> bool:
    """Return True for a password beside a public host and a read-only user.

    Public databases publish the account everyone reads with (`host:
    hh-pgsql-public.ebi.ac.uk`, `user: reader`): a key to data that is open anyway, in
    the same block (the eight lines around it).
    """
    window = lines[max(0, number - 9) : number + 8]
    return any(_PUBLIC_HOST.match(line) for line in window) and any(
        _READ_ONLY_USER.match(line) for line in window
    )


# `host: hh-pgsql-public.ebi.ac.uk`, `DB_HOST=public.db.example.org`: named public.
_PUBLIC_HOST = re.compile(
    r"(?i)^[ \t-]*+[\w-]*?host\w*+[ \t]*+[:=][ \t]*+[\"']?[\w.-]*?(?<![a-z])public(?![a-z])"
)
# A user that only reads: `user: reader`, `username: readonly`, `DB_USER=guest`.
_READ_ONLY_USER = re.compile(
    r"(?i)^[ \t-]*+[\w-]*?user(?:name)?[ \t]*+[:=][ \t]*+[\"']?"
    r"(?:reader|read[_-]?only|ro|guest|anonymous|anon|public)[\"']?[ \t]*+$"
)


class _LocalHosts:
    """The host keys of each block of a config file whose value is the local machine.

    A block is the lines of one mapping: one indentation level under one parent (a YAML
    mapping, a list entry, a pretty-printed JSON object), or a section of an INI or TOML
    file, or a whole flat env file. Found in one pass over the lines, on first need.
    """

    def __init__(self, lines: list[str]) -> None:
        self.block: list[int] = []
        self.local: set[tuple[int, str]] = set()
        self.local_urls: set[tuple[int, str]] = set()
        stack: list[tuple[int, int]] = []  # (indentation, block) of the open blocks
        blocks = 0
        for line in lines:
            stripped = line.lstrip(" \t-")
            depth = len(line) - len(stripped)
            if not stripped or stripped.startswith(("#", ";", "//")):
                self.block.append(stack[-1][1] if stack else 0)
                continue
            if depth == 0 and stripped.startswith("["):  # an INI or TOML section
                stack.clear()
            item = line.lstrip(" \t").startswith("- ")
            while stack and (stack[-1][0] > depth or (item and stack[-1][0] == depth)):
                stack.pop()
            if not stack or stack[-1][0] < depth:
                blocks += 1
                stack.append((depth, blocks))
            self.block.append(stack[-1][1])
            value = secrets.assigned_value(stripped) or ""  # `- host: x` opens an entry
            if _LOCAL_HOST.match(value) or value == "::1" or _LOCAL_URL.match(value):
                match = secrets.ASSIGNMENT.match(stripped)
                if match is not None:
                    found = (stack[-1][1], match.group(1).lower())
                    self.local.add(found)
                    if _LOCAL_URL.match(value):
                        self.local_urls.add(found)

    def beside(self, number: int, line: str) -> bool:
        """Return True when the password on line `number` sits beside a local host key."""
        if not self.local or number > len(self.block):
            return False
        block = self.block[number - 1]
        for words, hosts, found in (
            (_PASSWORD_WORDS, _HOST_WORDS, self.local),
            (_SECRET_KEY_WORDS, _ENDPOINT_WORDS, self.local_urls),
        ):
            prefix = _password_prefix(line, words)
            if prefix is None:
                continue
            stems = [f"{prefix}{separator}" for separator in _SEPARATORS] if prefix else [""]
            if any((block, f"{stem}{word}") in found for stem in stems for word in hosts):
                return True
            # `AWS_SECRET_ACCESS_KEY` beside `MLFLOW_S3_ENDPOINT_URL: http://127.0.0.1:9000`:
            # the S3 clients' variables, whatever their prefixes, for a local object store.
            return found is self.local_urls and any(
                b == block and key.endswith(_ENDPOINT_KEYS) for b, key in found
            )
        return False


# What a generated key or token looks like: long hexadecimal (or a UUID), or base64-like
# text (parts joined by `.` too) mixing upper case, lower case and digits with high
# entropy and no word in it; detect-secrets measures entropy the same way.
_HEX = re.compile(r"[0-9a-fA-F]{20,}")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_BASE64 = re.compile(r"[A-Za-z0-9+/=_.-]{16,}")  # `.` joins the parts of some keys
_WORDISH = re.compile(r"[a-z]{6}")


def _generated_parts(value: str) -> bool:
    """Return True for a key of generated parts joined by dots (`e46d...6634.PxLy...lfN`)."""
    parts = value.strip().strip("\"'").split(".")
    return len(parts) > 1 and any(looks_generated(part) for part in parts if len(part) >= 16)


def looks_generated(value: str) -> bool:
    """Return True for a value that looks machine-generated (a key or token, not a word)."""
    value = value.strip().strip("\"'")
    if _UUID.fullmatch(value):
        return True
    if _HEX.fullmatch(value):
        return _entropy(value) >= 3.0
    if not _BASE64.fullmatch(value) or _WORDISH.search(value):
        return False
    cases = any(c.isupper() for c in value) and any(c.islower() for c in value)
    # digits, base64 padding or length: 16 random bytes need not hold a digit
    random = any(c.isdigit() for c in value) or value.endswith("=") or len(value) >= 32
    return cases and random and _entropy(value) >= 3.5


def _chosen_in_secret(value: str) -> bool:
    """Return True for a Kubernetes Secret's base64 of a password a person chose.

    `kubectl` stores `minioadmin123` as `bWluaW9hZG1pbjEyMw==`: random-looking text that
    decodes to a chosen word, not a generated key.
    """
    decoded = _unbase64(value.strip().strip("\"'"))
    return bool(decoded) and decoded.isprintable() and not looks_generated(decoded)


def _entropy(value: str) -> float:
    import math
    from collections import Counter

    counts = Counter(value)
    return -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())


def _lines_under(lines: list[str], key: re.Pattern[str]) -> set[int]:
    """Line numbers (1-based) inside the YAML blocks that open with a key `key` matches.

    A CI job's service containers (`services: postgres: env: POSTGRES_PASSWORD: ...`)
    live for one job on the runner: their passwords protect nothing; an OpenAPI
    document's `example:` holds a sample request. Blocks end where the indentation
    returns to the key's.
    """
    inside: set[int] = set()
    indent: int | None = None
    for number, line in enumerate(lines, start=1):
        stripped = line.lstrip()
        depth = len(line) - len(stripped)
        if indent is not None:
            if not stripped or stripped.startswith("#") or depth > indent:
                inside.add(number)
                continue
            indent = None
        if key.match(line):
            indent = depth
    return inside


_SERVICES = re.compile(r"^\s*services\s*:\s*(?:#.*)?$")


# Terraform sources and variable files: `password = "..."` there is a literal in git, but
# an unquoted value is an expression (`var.db_password`, `random_password.db.result`).
TERRAFORM_SUFFIXES = (".tf", ".tfvars")
# `password = var.db_password`, `"token.actions.githubusercontent.com:aud" = var.aud`.
_TERRAFORM_EXPRESSION = re.compile(r"^\s*(?:[\w.-]+|\"[^\"\n]*\")\s*=\s*[^\s\"']")


# A CI permission scope (`id-token: write`, `secrets: inherit`), not a credential.
_PERMISSION = re.compile(
    r"^\s*[\w-]+\s*:\s*[\"']?(?:read|write|none|read-all|write-all|inherit)[\"']?\s*(?:#.*)?$"
)


@rule("SEC104", family="secrets", severity="error", requires=("LAY109",), applies=("dotenv",))
def env_files_ignored(repo: RepoView) -> Iterator[Finding]:
    """`.env` files are git-ignored and not committed.

    Why: `.env` is where local credentials live (tracking server, database, cloud keys);
    one `git add .` without an ignore rule publishes them. The `.env` checked is the one
    beside each example (`backend/.env.example` means `backend/.env`, `config.env.example`
    means `config.env`, or the file the README, a script or a guide copies it to: `cp
    config.env.example .env`; none when they install it outside the checkout: `install
    api.env.template /opt/app/api.env`), else the ones the root .gitignore names by path
    (`app/setup/.env`, where the code loads it from), else the one of each component
    folder with a .gitignore of its own whose code loads one (`backend/.env` for
    `backend/main.py`), else the root's. A committed `.env` that assigns no
    credential-named key is the project's settings file, kept in git on purpose. A
    Dockerfile that copies a `.env` into its image (`COPY .env .`) ships the credentials
    with every copy of the image, pushed to a registry or not (unless the project's `.env`
    holds no credential: its example names none).
    Fix: add `.env` (and `.env.*` with `!.env.example`) to .gitignore; if it was
    committed, `git rm --cached .env` and rotate what it held. Give a container its
    credentials when it starts (`docker run --env-file .env`, compose's `env_file:`).
    """
    yield from _env_copied_into_images(repo)
    # A committed .env that holds no credential-named key is deliberate configuration
    # (`COMPOSE_PROJECT_NAME=...`); one that does is reported.
    committed = [
        p
        for p in repo.tracked
        if p.rsplit("/", 1)[-1] == ".env" and _names_credentials(repo.text(p) or "")
    ]
    for path in sorted(committed):
        yield Finding(f"{path} is committed to git", path)
    facts.ask_git_what_it_ignores(repo)
    if committed:
        return
    # The .env files the project uses: beside each example of one (`backend/.env_example`
    # means `backend/.env`), else at the root.
    # (An env file of its own, `.env.local` or `.env.production`, is no example: committed,
    # its values are SEC103's and SEC106's to judge.)
    # An example the instructions copy elsewhere (`cp deploy/.env.example .env`) means
    # that copy; one installed outside the checkout means none.
    copies = _example_copies(repo)
    dot_envs = {
        copies.get(p, f"{p.rpartition('/')[0]}/.env".lstrip("/"))
        for p in repo.files
        if p.rsplit("/", 1)[-1].startswith(".env")
        and p.rsplit("/", 1)[-1] != ".env"
        and not (_OWN_ENV_FILE.match(p.rsplit("/", 1)[-1]) and p in repo.tracked)
    } - {_OUTSIDE}
    # `config.env.example` means `config.env`: a file for credentials when its example
    # names one (`airflow.env.example` of `AIRFLOW_HOME=...` alone is settings).
    # ... unless the instructions copy the example to another name (`cp config.env.example
    # .env`): then that copy is the file the credentials go to.
    # An example a deploy script installs outside the checkout (`install -m 600
    # "$SCRIPT_DIR/app.env.example" /etc/app.env`) has no copy in the repository.
    named = [
        (copies.get(p, copies.get(p.rsplit("/", 1)[-1], m.group(1))), p)
        for p in repo.files
        if (m := _NAMED_ENV_EXAMPLE.match(p))
    ]
    places = sorted(
        dot_envs
        | {env for env, p in named if env != _OUTSIDE and _names_credentials(repo.text(p) or "")}
    ) or (
        [] if named else _ignored_env_paths(repo) or _component_env_paths(repo) or [facts.ENV_FILE]
    )
    if places == [facts.ENV_FILE] and _own_env_files_only(repo):
        return  # a committed `.env.local` of settings, nothing loads a `.env`: none to ignore
    ignored = repo.ignored(places)
    # A committed .env without credentials is the project's settings file, kept in git on
    # purpose (an ignore rule would not untrack it); its personal values live elsewhere.
    exposed = [place for place in places if place not in ignored and not repo.is_tracked(place)]
    if exposed:
        where = ".gitignore" if ".gitignore" in repo.file_set else facts.ROOT
        yield Finding(
            f"{', '.join(exposed)} {'is' if len(exposed) == 1 else 'are'} not git-ignored", where
        )


def _env_copied_into_images(repo: RepoView) -> Iterator[Finding]:
    """Report the Dockerfile lines that copy a `.env` into the image."""
    envs = [p for p in repo.files if p.rsplit("/", 1)[-1] == ".env" or _env_example(p)]
    if envs and not any(_names_credentials(repo.text(p) or "") for p in envs):
        return  # the project's `.env` holds settings only (`LOG_LEVEL=info`)
    for dockerfile in facts.dockerfiles(repo):
        text = repo.text(dockerfile) or ""
        if ".env" not in text:
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            match = _COPY_INSTRUCTION.match(line)
            if match is None:
                continue
            sources = [s.strip("\"'[],") for s in match.group(1).split()[:-1]]
            copied = [s for s in sources if s.rstrip("/").rsplit("/", 1)[-1] == ".env"]
            if copied:
                yield Finding(
                    f"{dockerfile} copies {copied[0]} into the image: its credentials ship "
                    "with every copy of the image",
                    dockerfile,
                    number,
                )


# `COPY .env .`, `ADD --chown=app .env /app/`, `COPY ["app.py", ".env", "./"]`.
_COPY_INSTRUCTION = re.compile(r"(?i)^\s*(?:COPY|ADD)\s+(?:--\S+\s+)*(.+)$")


def _env_example(path: str) -> bool:
    """Return True for an example of a .env file: `.env.example`, `config.env.sample`."""
    name = path.rsplit("/", 1)[-1]
    return (name.startswith(".env") or ".env." in name) and bool(_TEMPLATE_NAME.search(name))


def _own_env_files_only(repo: RepoView) -> bool:
    """Return True when the only env files are committed ones of their own, none loaded.

    `.env.local` in git (settings a compose file reads with `env_file:`), no `.env`, no
    example of one, and no code calling python-dotenv: the project keeps no `.env`.
    """
    envs = [p for p in repo.files if p.rsplit("/", 1)[-1].startswith(".env")]
    return (
        bool(envs)
        and all(_OWN_ENV_FILE.match(p.rsplit("/", 1)[-1]) and p in repo.tracked for p in envs)
        and not facts.search_sources(repo, _LOADS_DOTENV)
    )


_LOADS_DOTENV = re.compile(r"\b(?:load_dotenv|find_dotenv|dotenv_values)\(")
# A committed env file for one environment, not an example of `.env`: `.env.local`,
# `.env.production`, `.env.dev`.
_OWN_ENV_FILE = re.compile(r"^\.env\.(?:local|dev|development|prod|production|staging|test|ci)$")


def _example_copies(repo: RepoView) -> dict[str, str]:
    """Return where the README, Makefile, shell scripts or documents copy an env example to.

    `cp config.env.example .env` in the root README means the credentials go to `.env`;
    `install -m 0600 deploy/env/api.env.template /opt/app/api.env` in a deployment guide
    puts them outside the checkout. Paths are read from the repository root, where those
    instructions run. A copy inside the checkout wins over one outside it.
    """
    sources = [facts.readme(repo), "Makefile", "makefile"]
    sources += [p for p in repo.files if p.endswith((".sh", *_DOCUMENT_SUFFIXES))]
    copies: dict[str, str] = {}
    for source in dict.fromkeys(sources):
        if source is None or source not in repo.file_set:
            continue
        text = repo.text(source) or ""
        if ".env" not in text:
            continue
        for match in _COPY.finditer(text):
            folder, example, target = match.groups()
            example = example.removeprefix("./")
            named = _NAMED_ENV_EXAMPLE.match(example) is not None
            if not (named or _env_example(example)):
                continue
            if named and (folder or source.count("/")):
                example = example.rsplit("/", 1)[-1]  # `$SCRIPT_DIR/x.env.example`: by name
            if target.startswith(("/", "$", "~")):
                copies.setdefault(example, _OUTSIDE)  # `/etc/app.env`: not in the checkout
            elif _ENV_NAME.search(target) and copies.get(example, _OUTSIDE) == _OUTSIDE:
                copies[example] = target.removeprefix("./")
    return copies


# Documents whose instructions copy an example: guides in `docs/`, a folder's README.
_DOCUMENT_SUFFIXES = (".md", ".rst", ".markdown")


_OUTSIDE = "<outside the repository>"
# `cp config.env.example .env`, `cp -n deploy/app.env.example .env`, `copy a.env.sample .env`,
# `sudo install -m 600 "$SCRIPT_DIR/app.env.example" "$ENV_FILE"`.
_COPY = re.compile(
    r"(?m)(?:^|[\s`;&|(])(?:cp|copy|Copy-Item|install)[ \t]++"
    r"(?:-[A-Za-z]++(?:[ \t]++[0-7]{3,4}+)?[ \t]++)*+"
    r"[\"']?+(\$\{?+\w++\}?+/)?([\w./-]++)[\"']?+[ \t]++[\"']?+([$~{}\w./-]++)"
)
# A file the copy makes an env file: `.env`, `app/.env`, `config.env`.
_ENV_NAME = re.compile(r"(?:^|/)(?:\.env|[\w-][\w.-]*\.env)$")


def _ignored_env_paths(repo: RepoView) -> list[str]:
    """Return the `.env` files the root .gitignore names by path (`FEXT/setup/.env`).

    Where the project keeps its `.env` when the code loads one from a folder
    (`load_dotenv(os.path.join(PROJECT_DIR, "setup", ".env"))`) and no example sits there.
    """
    text = repo.text(".gitignore") or "" if ".gitignore" in repo.file_set else ""
    return [match.group(1) for match in map(_ENV_PATH_RULE.match, text.splitlines()) if match]


def _component_env_paths(repo: RepoView) -> list[str]:
    """Return the `.env` of each component folder whose code loads one.

    `backend/main.py` calling `load_dotenv(...)` in a repository of components that each
    keep their own .gitignore (`backend/.gitignore`, `mobile-app/.gitignore`): python-dotenv
    looks beside the calling module first, so the file is `backend/.env`, which the
    component's own .gitignore covers. Empty unless every module that loads one sits in
    such a component (a root module loads the root's `.env`).
    """
    found: set[str] = set()
    for path, _, _ in facts.search_sources(repo, _LOADS_DOTENV):
        parts = path.split("/")[:-1]
        folders = ["/".join(parts[:depth]) for depth in range(len(parts), 0, -1)]
        component = next((f for f in folders if f"{f}/.gitignore" in repo.file_set), None)
        if component is None:
            return []
        found.add(f"{component}/.env")
    return sorted(found)


# A .gitignore line naming one `.env` by its folder (`FEXT/setup/.env`, `/app/.env`).
_ENV_PATH_RULE = re.compile(r"^/?((?:[\w-][\w.-]*/){1,6}\.env)[ \t]*$")


def _names_credentials(text: str) -> bool:
    """Return True when an env file assigns a credential-named key (`DB_PASSWORD=`)."""
    return any(
        secrets.CREDENTIAL_KEY.search(m.group(1))
        for m in map(secrets.ASSIGNMENT.match, text.splitlines())
        if m is not None
    )


_NAMED_ENV_EXAMPLE = re.compile(
    r"^((?:[^/]+/)*[\w-][\w.-]*\.env)\.(?:example|sample|template|dist)$"
)


def _word_stem(value: str) -> str:
    """Return the leading word of a value, four letters or more (`flower` of `flower123`)."""
    match = re.match(r"[a-z]{4,}", value.lower())
    return match.group(0) if match else ""


def _commented_line(text: str, at: int) -> bool:
    """Return True when the line holding `text[at]` starts as a comment.

    In code, or in a notebook's JSON source line (`"#os.environ[...] = ..."`).
    """
    start = text.rfind("\n", 0, at) + 1
    return text[start:at].lstrip(" \t").lstrip('"').startswith("#")


@rule("SEC105", family="secrets", severity="error")
def no_credentials_set_in_code(repo: RepoView) -> Iterator[Finding]:
    """Code and instructions set no credential environment variable to a literal.

    Why: `os.environ["MLFLOW_TRACKING_PASSWORD"] = "6824..."` in a script or notebook, or
    `export MLFLOW_TRACKING_PASSWORD=6824...` in a README or shell script, commits the
    token as surely as a config file would; notebooks keep it in their JSON.
    Placeholders (`"<token>"`, `"dummy"`, `your-token-here`), references (`$TOKEN`),
    a password that shares its user's word (`flower123` / `flower456`: a local default
    pair), the name of an entry of a secret store (`HF_SECRET=paper-c-hf-token`: words
    joined by hyphens, the last naming a credential), lower-case words where a provider
    issues random characters (`GROQ_API_KEY = "you_groq_api"`: an API key or token whose
    value is words, one of them `api`, `key` or `token`), commented-out lines, tests,
    examples and docs folders are not reported; an inline allowlist comment
    (`# pragma: allowlist secret`) exempts a line.
    Fix: set the variable outside the repository (a git-ignored `.env` loaded with
    python-dotenv, the shell, the CI's secret store), write a placeholder in instructions,
    and rotate the committed value.
    """
    for path, text in _scanned(repo):
        name = path.rsplit("/", 1)[-1]
        code = name.endswith((".py", ".ipynb"))
        if not (code or _SHELL_TEXT.search(name)) or DEMO_FOLDERS.search(path):
            continue
        if ("environ" if code else "export") not in text and "%env" not in text:
            continue
        allowed: frozenset[int] | None = None  # read once a value is worth reporting
        assigned = [
            (match.start(), key, value.strip("\"'"))
            for match in finditer(_ENV_SET if code else _EXPORT, text)
            for key, value in [_key_and_value(match)]
        ]
        # A password equal to the user or database name beside it is a local default, and
        # so is one that shares the user's word (`flower123` and `flower456`).
        users = {value.lower() for _, key, value in assigned if _USER_KEY.search(key)}
        stems = {_word_stem(user) for user in users} - {""}
        for start, key, value in assigned:
            if not secrets.CREDENTIAL_KEY.search(key) or secrets.DESCRIBES_CREDENTIAL.search(key):
                continue
            if secrets.is_placeholder(value) or demo_value(value) or len(value) < 8:
                continue
            if _SECRET_NAME.match(value) or _words_for_issued_key(key, value):
                continue  # `HF_SECRET=paper-c-hf-token`: the name of a secret in a store
            if any(value.lower().startswith(user) for user in users if user):
                continue
            if _word_stem(value) in stems:
                continue
            if code and _commented_line(text, start):
                continue  # `#os.environ["FLOWER_PASSWORD"] = ...`: code switched off
            line = text.count("\n", 0, start) + 1
            if allowed is None:
                allowed = secrets.allowlisted_lines(text)
            if line in allowed:
                continue
            yield Finding(f"{key} is set to a literal value: {secrets.redact(value)}", path, line)


# Lower-case words joined by hyphens, the last one naming a credential: how secret stores
# name their entries (`paper-c-hf-token`, `mlflow-db-password`), never a value.
_SECRET_NAME = re.compile(
    r"^[a-z][a-z0-9]*+(?:-[a-z0-9]++)*?-(?:token|secret|password|passwd|key|credentials?)$"
)


def _words_for_issued_key(key: str, value: str) -> bool:
    """Return True for words standing where a provider's key goes (`you_groq_api`).

    An API key or access token is issued as random characters (a Groq key is `gsk_` and
    52 of them), never as lower-case words; words of which one names the key
    (`api`, `key`, `token`) are a placeholder, misspelt or not.
    """
    if _ISSUED_KEY.search(key) is None or _WORDS.fullmatch(value) is None:
        return False
    return not _KEY_WORDS.isdisjoint(re.split(r"[:_ -]", value))


# Keys whose values a provider issues: API keys, access tokens, client secrets.
_ISSUED_KEY = re.compile(r"(?i)api_?key|token|access_?key|client_?secret")
_KEY_WORDS = frozenset({"api", "key", "apikey", "token", "secret", "access", "credential"})


def _key_and_value(match: re.Match[str]) -> tuple[str, str]:
    found = match.groupdict()
    return (
        found.get("key") or found.get("key2") or found["key3"],
        found.get("value") or found["value3"],
    )


# Instructions and scripts that export variables: README and other Markdown, shell scripts.
_SHELL_TEXT = re.compile(r"\.(?:sh|bash|zsh|md|rst)$|^(?:README|INSTALL)[\w.-]*$|^\.envrc$")
# `os.environ["KEY"] = "value"`, `os.environ.setdefault("KEY", "value")`, a notebook's
# `%env KEY=value`; quotes may be escaped (notebook JSON).
_Q = r"\\?[\"']"
_ENV_SET = re.compile(
    rf"os\.environ(?:\[{_Q}(?P<key>\w+){_Q}\]\s*=\s*|\.setdefault\(\s*{_Q}(?P<key2>\w+){_Q}"
    rf"\s*,\s*){_Q}(?P<value>[^\"'\\\s]+){_Q}"
    r"|%env\s+(?P<key3>\w+)\s*=\s*(?P<value3>[^\s\"'\\]+)"
)
# `export KEY=value` in a shell script or a README's shell snippet.
_EXPORT = re.compile(
    r"\bexport[ \t]+(?P<key3>\w+)=(?P<value3>\"[^\"\n]*\"|'[^'\n]*'|[^\s\"'\\;&|]+)"
)
