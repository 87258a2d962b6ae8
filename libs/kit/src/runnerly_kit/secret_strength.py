"""How guessable a configured secret is: the check behind the settings' refusal of weak secrets.

A secret is refused when it is short, a common password or word (give or take
digits and punctuation around it), made of too few distinct characters, or
when its estimated entropy is below :data:`MIN_SECRET_BITS`. The estimate is
deliberately pessimistic, in the spirit of zxcvbn without its size: the secret
is cut into pieces an attacker would guess as a whole — dictionary words,
runs of one repeated character, ascending or descending sequences (``abcd``,
``4321``), a block repeated over the whole secret — and every other
character costs what a random pick from the character classes present in the
secret would. ``secrets.token_urlsafe(16)``
and longer pass with a wide margin.
"""

from __future__ import annotations

import math
import string
from functools import cache
from importlib.resources import files

MIN_SECRET_LENGTH = 16
MIN_SECRET_BITS = 64
MIN_DISTINCT_CHARACTERS = 8
_MIN_WORD = 4
_MIN_RUN = 3
# Common substitutions, undone before dictionary look-ups ("p4ssw0rd" is "password").
_UNLEET = str.maketrans("4@310$57!", "aaeiosstl")


@cache
def common_secrets() -> frozenset[str]:
    """The shipped list of common passwords and words, lower-cased."""
    text = (files("runnerly_kit") / "common_secrets.txt").read_text(encoding="utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and line[0] != "#"
    )


@cache
def _words() -> tuple[frozenset[str], int]:
    words = frozenset(w for w in common_secrets() if w.isalpha() and len(w) >= _MIN_WORD)
    return words, max(map(len, words))


def weakness(secret: str) -> str | None:
    """Why ``secret`` is too weak to protect anything, or ``None`` if it is strong enough."""
    if len(secret) < MIN_SECRET_LENGTH:
        return f"it is shorter than {MIN_SECRET_LENGTH} characters"
    lowered = secret.lower()
    core = lowered.strip(string.digits + string.punctuation + string.whitespace)
    if {lowered, core, core.translate(_UNLEET)} & common_secrets():
        return "it is a common password or word"
    if len(set(secret)) < MIN_DISTINCT_CHARACTERS:
        return f"it has fewer than {MIN_DISTINCT_CHARACTERS} distinct characters"
    bits = estimated_bits(secret)
    if bits < MIN_SECRET_BITS:
        return f"it is too predictable (about {bits:.0f} bits of entropy, {MIN_SECRET_BITS} needed)"
    return None


def estimated_bits(secret: str) -> float:
    """A pessimistic estimate of the secret's entropy in bits (see the module's docstring)."""
    period = _period(secret)
    if period < len(secret):
        # "Summer2024Summer2024": a repeated block is worth one block and a count.
        return estimated_bits(secret[:period]) + math.log2(len(secret) / period)
    per_char = math.log2(_pool_size(secret))
    words, longest = _words()
    word_bits = math.log2(len(words)) + 1  # +1: the word's capitalisation
    plain = secret.lower().translate(_UNLEET)
    bits, i = 0.0, 0
    while i < len(secret):
        word = _longest_word(plain, i, words, longest)
        run = max(_repeat_length(secret, i), _sequence_length(secret, i))
        if word >= max(run, _MIN_WORD):
            bits, i = bits + word_bits, i + word
        elif run >= _MIN_RUN:
            # Guessing a run means guessing where it starts, its direction and its length.
            bits, i = bits + per_char + 1 + math.log2(run), i + run
        else:
            bits, i = bits + per_char, i + 1
    return bits


def _period(secret: str) -> int:
    for period in range(1, len(secret) // 2 + 1):
        if all(secret[i] == secret[i % period] for i in range(len(secret))):
            return period
    return len(secret)


def _pool_size(secret: str) -> int:
    symbols = string.punctuation + " "
    classes = (string.ascii_lowercase, string.ascii_uppercase, string.digits, symbols)
    size = sum(len(chars) for chars in classes if any(c in chars for c in secret))
    if any(not any(c in chars for chars in classes) for c in secret):
        size += 100  # other characters (non-ASCII): a generous guess
    return max(size, 2)


def _longest_word(plain: str, start: int, words: frozenset[str], longest: int) -> int:
    for length in range(min(longest, len(plain) - start), _MIN_WORD - 1, -1):
        if plain[start : start + length] in words:
            return length
    return 0


def _repeat_length(secret: str, start: int) -> int:
    end = start + 1
    while end < len(secret) and secret[end] == secret[start]:
        end += 1
    return end - start


def _sequence_length(secret: str, start: int) -> int:
    if start + 1 >= len(secret):
        return 1
    step = ord(secret[start + 1]) - ord(secret[start])
    if step not in (1, -1):
        return 1
    end = start + 2
    while end < len(secret) and ord(secret[end]) - ord(secret[end - 1]) == step:
        end += 1
    return end - start
