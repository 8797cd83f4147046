"""Issue 16: a ledger import encrypts a column at a time (``crypto.encrypt_many``); the tokens are the
Fernet tokens ``encrypt`` makes — each its own random IV — and read back with the configured keys."""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet

from fuqing.core import crypto


def test_reg3_tokens_made_in_a_batch_are_fernet_tokens_under_the_newest_key():
    values = ["", "13812345678", "110101199001010024", "高血压，长期服药" * 5, "x" * 16, "y" * 15, "z"]
    values = values * 3
    tokens = crypto.encrypt_many(values)
    assert len(tokens) == len(values)
    for value, token in zip(values, tokens, strict=True):
        if not value:
            assert token == ""  # empty stays empty, as encrypt's callers store it
            continue
        assert crypto.decrypt(token) == value
        newest = Fernet(crypto._keys()[0][0])
        assert newest.decrypt(token.encode()).decode() == value  # plain Fernet reads it: HMAC checked
    filled = [t for t in tokens if t]
    assert len(set(filled)) == len(filled)  # equal values, different tokens
    ivs = [base64.urlsafe_b64decode(t)[9:25] for t in filled]
    assert len(set(ivs)) == len(ivs)  # a fresh IV for every token


def test_reg3_a_batch_token_is_as_long_as_encrypts():
    for value in ("a", "x" * 15, "x" * 16, "身份证" * 7):
        assert len(crypto.encrypt_many([value])[0]) == len(crypto.encrypt(value))
