"""What Python itself can pass that other surfaces cannot: strings with lone surrogates, paths
with NUL bytes, ints of any size. Each is refused the way the core refuses its equivalent."""

import pytest

import inscrire

from conftest import FAST, UAI

SURROGATE = "L\udce9a"  # what os.fsdecode makes of a Latin-1 byte: not encodable as UTF-8


def test_lone_surrogates_are_invalid_utf8_everywhere(school, campaign):
    db, code = school, campaign.code
    calls = [
        lambda: inscrire.normalize(SURROGATE),
        lambda: inscrire.username(SURROGATE, "Martin", "12/05/2013"),
        lambda: inscrire.validate_name(SURROGATE),
        lambda: db.create_organization("0123456A", SURROGATE),
        lambda: db.match(code, SURROGATE, "Martin", "12/05/2013"),
        lambda: db.register(code, "Léa", SURROGATE, "12/05/2013", "Tournesol42"),
        lambda: db.login("lea.martin1205", "Tournesol\udc8042"),
        lambda: db.learners(UAI, division=SURROGATE),
    ]
    for call in calls:
        with pytest.raises(inscrire.InvalidInput) as refused:
            call()
        assert refused.value.code == "INVALID_UTF8"


def test_a_nul_byte_in_a_path_is_a_value_error_and_opens_nothing(tmp_path):
    target = tmp_path / "x.db"
    for path in (str(target) + "\0junk", bytes(target) + b"\0junk"):
        with pytest.raises(ValueError, match="null byte"):
            inscrire.open(path, **FAST)
    assert not target.exists()


@pytest.mark.parametrize("options", [
    {"hash_iterations": 0}, {"hash_memory_kib": -1}, {"hash_memory_kib": 2**70},
    {"hash_parallelism": 0}, {"busy_timeout_ms": -5}, {"session_seconds": 0},
    {"throttle_max_failures": 0}, {"login_permanent_block_failures": 5},
    {"login_throttle_max_failures": 0}, {"login_throttle_window_seconds": 0},
])
def test_impossible_options_are_refused_at_open(tmp_path, options):
    target = tmp_path / "never.db"
    with pytest.raises(inscrire.InvalidInput) as refused:
        inscrire.open(target, **options)
    assert refused.value.code == "INVALID_ARGUMENT"
    assert not target.exists()
