"""The runtime's typed components: a service's own objects, found by their type."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from runnerly_kit.runtime import Components


@dataclass(frozen=True)
class Palette:
    """A service-specific object, as a start-up hook builds one."""

    colour: str


def test_a_component_is_found_by_its_type() -> None:
    """What a start-up hook adds is returned, as its own type, by its class."""
    components = Components()
    palette = Palette("red")
    components.add(palette)

    assert components.get(Palette) is palette
    assert Palette in components


def test_a_missing_component_is_named() -> None:
    """Asking for a component no hook added fails naming its class."""
    with pytest.raises(KeyError, match="Palette"):
        Components().get(Palette)


def test_a_second_component_of_one_type_is_refused() -> None:
    """Two hooks adding the same type is a bug, not a silent replacement."""
    components = Components()
    components.add(Palette("red"))

    with pytest.raises(ValueError, match="Palette"):
        components.add(Palette("blue"))
    assert components.get(Palette).colour == "red"
