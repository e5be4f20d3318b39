"""Issue 10 #9: detection reads a bounded start of a message (a crafted 10,000-character one took 0.3-0.5 s)."""

from __future__ import annotations

from lookup.detect import MAX_SCAN_CHARS, detect

VIN = 'WVWZZZ1KZ8W123456'


def test_a_vin_at_the_start_of_a_long_message_is_found() -> None:
    assert detect(f'VIN {VIN} ' + 'AB1 ' * 2500).single.value == VIN


def test_only_the_bounded_start_is_scanned() -> None:
    padding = 'WVW ZZZ 1KZ 8W1 ' * (MAX_SCAN_CHARS // 16 + 1)
    assert detect(padding[:MAX_SCAN_CHARS] + ' ' + VIN).identifiers == ()
    assert MAX_SCAN_CHARS <= 2000
